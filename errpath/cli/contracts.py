"""`errpath contracts BASE..HEAD [PATH...]`: a review aid for refactor series.

Lists every function (in the given paths) whose error contract changed across
the range — NULL → ERR_PTR, errnos added or removed, an EAGAIN remap lost under
NOWAIT, may-sleep gained — with the commit that changed it. A contract comes
from the summaries (errpath.analysis), so a function can change because a
callee in another file did; the commit named is the one that changed what the
function returns, wherever the edit was.

Cost stays with the change: only functions in files the range touched, and
their callers (within a few levels) are compared, and per commit only the
files a candidate's contract depends on are analysed (cached per blob).
"""
from __future__ import annotations

import json
import sys

import click

from ..pipeline.contracts import ChangedFunction, contract_changes_in_range


SCHEMA = 1


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
    from .common import InputError, _guard

    def run():
        from ..pipeline.cache import Cache, CacheError, default_cache_dir
        from ..pipeline.engine import Engine
        from ..git.repo import GitError, Repo
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
