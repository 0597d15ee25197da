"""`GitSourceView`: the SourceView the formatters read, over a git repository.

Uses `errpath.git.Repo.read_path` / `Repo.diff_hunks` when the repository
object has them; otherwise (a bare pygit2.Repository, or an older Repo) it
reads the objects with pygit2 directly.  pygit2 is imported lazily so the
formatters import without it.
"""
from __future__ import annotations

import os
from typing import Any

from . import Hunk


def _to_hunk(h: Any) -> Hunk:
    if isinstance(h, Hunk):
        return h
    get = (lambda k: h[k]) if isinstance(h, dict) else (lambda k: getattr(h, k))
    lines = []
    for ln in get("lines"):
        if isinstance(ln, tuple):
            origin, text = ln
        else:  # a pygit2.DiffLine
            origin, text = ln.origin, ln.content
        if origin not in (" ", "+", "-"):
            continue
        if isinstance(text, bytes):
            text = text.decode("utf-8", "surrogateescape")
        lines.append((origin, text[:-1] if text.endswith("\n") else text))
    return Hunk(int(get("old_start")), int(get("old_lines")), int(get("new_start")),
                int(get("new_lines")), str(get("header")).rstrip("\n"), lines)


class GitSourceView:
    """File text and diff hunks at a commit, for the report formatters."""

    def __init__(self, repo: Any):
        if isinstance(repo, (str, os.PathLike)):
            try:
                from ..git.repo import Repo
                repo = Repo(repo)
            except ImportError:  # pragma: no cover - git layer absent
                import pygit2
                repo = pygit2.Repository(os.fspath(repo))
        self.repo = repo

    # -- pygit2 fallback ---------------------------------------------------

    def _pygit2(self):
        import pygit2
        if isinstance(self.repo, pygit2.Repository):
            return self.repo
        for attr in ("pygit2_repo", "_repo", "repo"):
            r = getattr(self.repo, attr, None)
            if isinstance(r, pygit2.Repository):
                return r
        raise TypeError(f"cannot find a pygit2 repository in {self.repo!r}")

    @staticmethod
    def _lookup(tree, path: str):
        try:
            return tree[path]
        except (KeyError, TypeError, ValueError):
            return None

    def _pg_text(self, sha: str, path: str) -> bytes | None:
        import pygit2
        repo = self._pygit2()
        obj = self._lookup(repo[sha].peel(pygit2.Commit).tree, path)
        return obj.data if isinstance(obj, pygit2.Blob) else None

    def _pg_hunks(self, sha: str, path: str) -> list[Hunk]:
        import pygit2
        repo = self._pygit2()
        commit = repo[sha].peel(pygit2.Commit)
        if commit.parents:
            diff = repo.diff(commit.parents[0], commit, context_lines=3)
        else:
            diff = commit.tree.diff_to_tree(swap=True, context_lines=3)
        out: list[Hunk] = []
        for patch in diff:
            if path not in (patch.delta.new_file.path, patch.delta.old_file.path):
                continue
            out += [_to_hunk(h) for h in patch.hunks]
        return out

    # -- SourceView --------------------------------------------------------

    def text(self, sha: str, path: str) -> str | None:
        read = getattr(self.repo, "read_path", None)
        data = read(sha, path) if read is not None else self._pg_text(sha, path)
        if data is None:
            return None
        return data.decode("utf-8", "surrogateescape") if isinstance(data, bytes) else str(data)

    def hunks(self, sha: str, path: str) -> list[Hunk]:
        diff_hunks = getattr(self.repo, "diff_hunks", None)
        raw = diff_hunks(sha, path) if diff_hunks is not None else self._pg_hunks(sha, path)
        return [_to_hunk(h) for h in raw]
