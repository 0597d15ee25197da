"""`errpath contracts BASE..HEAD [PATH...]`: a review aid for refactor series.

Lists every function (in the given paths) whose error contract changed across
the range — NULL → ERR_PTR, errnos added or removed, an EAGAIN remap lost under
NOWAIT, may-sleep gained — with the commit that changed it. A contract comes
from the summaries (errpath.summary), so a function can change because a
callee in another file did; the commit named is the one that changed what the
function returns, wherever the edit was.

Cost stays with the change: only functions in files the range touched, and
their callers (within a few levels) are compared, and per commit only the
files a candidate's contract depends on are analysed (cached per blob).
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field

import click

from .summary import Contract, contract_at, contract_changes

CALLER_LEVELS = 3
MAX_CANDIDATES = 3000
SCHEMA = 1


@dataclass
class Step:
    commit: object            # CommitRef
    before: Contract | None
    after: Contract | None
    changes: list[str]


@dataclass
class ChangedFunction:
    path: str
    function: str
    line: int
    before: Contract
    after: Contract
    changes: list[str]
    steps: list[Step] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"path": self.path, "function": self.function, "line": self.line,
                "changes": self.changes, "before": self.before.to_json(), "after": self.after.to_json(),
                "commits": [{"commit": s.commit.to_json(), "changes": s.changes,
                             "before": s.before.to_json() if s.before else None,
                             "after": s.after.to_json() if s.after else None} for s in self.steps]}


def _deps(S, fn) -> set[str]:
    """Files fn's contract depends on: its own, those on its outcomes' trails, its
    direct callees'."""
    out = {fn.path}
    for mode in S.modes(fn):
        for trail in S.outcomes(fn, mode).values():
            out.update(s[0] for s in trail if s[1])
    for name in fn.call_names:
        g = S.resolve(name, fn.path)
        if g is not None:
            out.add(g.path)
    return out


def contract_changes_in_range(engine, base, head, pathspecs: list[str]) -> list[ChangedFunction]:
    repo = engine.repo
    commits = repo.range_commits(base, head)
    touched: set[str] = set()
    for c in commits:
        touched |= repo.changed_files(c, [], (".c", ".h"))

    def snapshot(commit):
        files = engine.analyse(commit, engine.scope_files(commit, pathspecs))
        context = engine.analyse(commit, engine.context_files(commit, files))
        return engine._index(files, context)

    head_idx = snapshot(head)
    base_idx = snapshot(base)
    scope = head_idx.in_scope or set()
    # candidates: functions of touched files in scope, and their callers (a few levels)
    cands = [f for f in head_idx.functions_in_scope() if f.path in touched]
    seen = {(f.path, f.name) for f in cands}
    frontier = list(cands)
    for _ in range(CALLER_LEVELS):
        nxt = []
        for f in frontier:
            for g in head_idx.functions_calling(f.name):
                if g.path in scope and (g.path, g.name) not in seen and head_idx.resolve(f.name, g.path) is f:
                    seen.add((g.path, g.name))
                    nxt.append(g)
        cands += nxt
        frontier = nxt
        if len(cands) > MAX_CANDIDATES:
            break
    # callees whose file changed can change a caller in an untouched file: add the
    # callers of every function of a touched file anywhere in the index
    for f in head_idx.all:
        if f.path in touched and (f.path, f.name) not in seen:
            for g in head_idx.functions_calling(f.name):
                if g.path in scope and (g.path, g.name) not in seen and head_idx.resolve(f.name, g.path) is f:
                    seen.add((g.path, g.name))
                    cands.append(g)
    out: list[ChangedFunction] = []
    HS, BS = head_idx.summaries, base_idx.summaries
    memo: dict = {}
    order = list(commits)
    changed_by = {str(c.id): repo.changed_files(c, [], (".c", ".h")) for c in order}
    for fn in sorted(cands, key=lambda f: (f.path, f.line)):
        # the same definition at base: with #ifdef alternatives (a function and its
        # stub in one file) the one in the same place, not whichever came last
        defs = head_idx.definitions(fn.path, fn.name)
        nth = next(i for i, f in enumerate(defs) if f is fn)
        old_fn = base_idx.counterpart(fn.path, fn.name, nth, len(defs), fn.line)
        if old_fn is None:
            continue
        after, before = HS.contract(fn), BS.contract(old_fn)
        changes = contract_changes(before, after)
        if not changes:
            continue
        deps = _deps(HS, fn) | _deps(BS, old_fn)
        item = ChangedFunction(fn.path, fn.name, fn.line, before, after, changes)
        prev = before
        for c in order:
            if not (changed_by[str(c.id)] & deps):
                continue
            cur, _ = contract_at(engine, c, deps, fn.path, fn.name, memo, (nth, len(defs), fn.line))
            if cur is None or cur == prev:
                prev = cur if cur is not None else prev
                continue
            step_changes = contract_changes(prev, cur)
            if step_changes:
                item.steps.append(Step(repo.commit_ref(c), prev, cur, step_changes))
            prev = cur
        out.append(item)
    return out


def render_text(items: list[ChangedFunction]) -> str:
    lines = []
    for it in items:
        lines.append(f"{it.path}:{it.line}: {it.function}(): {'; '.join(it.changes)}")
        for s in it.steps:
            lines.append(f"    {s.commit.sha12} (\"{s.commit.subject}\"): {'; '.join(s.changes)}")
        lines.append(f"    before: {it.before.text()}")
        lines.append(f"    after:  {it.after.text()}")
    return "\n".join(lines) + ("\n" if lines else "")


@click.command("contracts")
@click.argument("range_spec", metavar="BASE..HEAD")
@click.argument("paths", nargs=-1)
@click.option("--repo", "repo_path", default=".", show_default=True, help="The kernel git repository.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--context", "context_paths", multiple=True, help="Extra paths whose functions feed summaries.")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None, help="Worker processes.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the analysis cache.")
@click.option("--cache-dir", type=click.Path(), default=None, help="Cache folder.")
def contracts_cmd(range_spec, paths, repo_path, fmt, context_paths, jobs, no_cache, cache_dir):
    """List functions whose error contract changed in BASE..HEAD, with the commit
    that changed it (NULL -> ERR_PTR, errnos added/removed, EAGAIN remap lost,
    may-sleep gained)."""
    from .cli import InputError, _guard

    def run():
        from .cache import Cache, CacheError, default_cache_dir
        from .engine import Engine
        from .git.repo import GitError, Repo
        try:
            repo = Repo(repo_path)
            base, head = repo.parse_range(range_spec)
        except GitError as e:
            raise InputError(str(e)) from None
        if base is None:
            raise InputError(f"contracts needs a range BASE..HEAD, not {range_spec!r}")
        try:
            cache = Cache(None if no_cache else (cache_dir or default_cache_dir()))
        except CacheError as e:
            raise InputError(str(e)) from None
        from . import userpaths
        try:
            paths_, context_ = userpaths.resolve(repo, paths), userpaths.resolve(repo, context_paths)
        except userpaths.PathError as e:
            cache.close()
            raise InputError(str(e)) from None
        engine = Engine(repo, [], cache, jobs=jobs, context_paths=context_)
        pathspecs = [p.rstrip("/") + ("/" if p.endswith("/") else "") for p in paths_]
        try:
            items = contract_changes_in_range(engine, base, head, pathspecs)
        except GitError as e:
            raise InputError(str(e)) from None
        finally:
            engine.close()
            cache.close()
        if fmt == "json":
            doc = {"schema": SCHEMA, "base": str(base.id), "head": str(head.id), "paths": pathspecs,
                   "functions": [it.to_json() for it in items]}
            sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        else:
            sys.stdout.write(render_text(items))
            click.echo(f"errpath: {len(items)} function(s) changed their error contract in {range_spec}",
                       err=True)
        return 0
    return _guard(run)
