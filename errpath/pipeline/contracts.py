"""Contracts across a range: which functions' contracts changed between two
revisions (contract_changes_in_range), the contract of one function at one
revision (contract_at), and the blame explanation of a finding (explain_blame)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis.contracts import Contract, contract_changes


# ---------------------------------------------------------------------------
# blame across files: what the blamed commit did to a callee


def contract_at(engine, commit, paths, path: str, name: str, memo: dict | None = None,
                which: tuple[int, int, int] | None = None):
    """The contract of `name` in `path` at `commit`, summarised over `paths` (plus the
    headers they include), or None when it is not defined there. `which` = (nth,
    count, line) picks among same-named definitions of the file (FactsIndex.counterpart)."""
    key = (str(commit.id), tuple(sorted(paths)))
    index = memo.get(key) if memo is not None else None
    if index is None:
        files = []
        for p in sorted(paths):
            b = engine.repo.blob_id(commit, p)
            if b is not None:
                files.append((p, b))
        analyses = engine.analyse(commit, files)
        context = engine.analyse(commit, engine.context_files(commit, analyses))
        index = engine._index(analyses, context)
        if memo is not None:
            memo[key] = index
    fn = index.counterpart(path, name, *which) if which is not None else index.by_file.get(path, {}).get(name)
    if fn is None:
        return None, None
    return index.summaries.contract(fn), fn


def explain_blame(engine, finding, commit, memo: dict | None = None, changed: set[str] | None = None) -> list:
    """Evidence lines for a finding blamed on `commit` when that commit changed a
    function of another file the finding depends on: its contract before and after.
    `memo` (indexes per commit and file set) and `changed` (the commit's changed
    files) may be shared by the findings of one audit: many findings, few commits."""
    from ..model import Evidence
    parents = list(commit.parents)
    if not parents:
        return []
    if changed is None:
        changed = engine.repo.changed_files(commit, [], (".c", ".h"))
    seen, out = set(), []
    memo = {} if memo is None else memo
    for e in finding.evidence:
        key = (e.path, e.function)
        if e.path not in changed or key in seen or e.path == finding.path and e.function == finding.function:
            continue
        seen.add(key)
        try:
            old, _ = contract_at(engine, parents[0], finding.depends_on, e.path, e.function, memo)
            new, fn = contract_at(engine, commit, finding.depends_on, e.path, e.function, memo)
        except Exception:   # an explanation must never break the audit
            continue
        if old == new or (old is None and new is None):
            continue
        sha = str(commit.id)[:12]
        changes = contract_changes(old, new) if old and new else []
        text = (f"{sha} changed {e.function}(): before: {old.text() if old else 'not defined'}; "
                f"after: {new.text() if new else 'not defined'}")
        if changes:
            text += f" ({'; '.join(changes)})"
        out.append(Evidence(e.path, fn.line if fn is not None else e.line, e.function, text))
        if len(out) >= 3:
            break
    return out


CALLER_LEVELS = 3
MAX_CANDIDATES = 3000


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
