"""Paths typed on the command line, read from where the user stands.

As git reads pathspecs: when the current directory is inside the audited
repository's work tree, a path is relative to it (`errpath scan .` in
`fs/iomap/` scans `fs/iomap/`, `errpath scan buffered-io.c` that file, and
`../../mm` is `mm/`); `:/mm` is always from the top of the tree (git's
"top" pathspec magic). Outside the work tree (another folder, `--repo` of a
bare mirror) paths are relative to the top of the tree, as before.

A path is only ever a name inside the tree: errpath reads it from the
object database, never from the disk.
"""
from __future__ import annotations

import os
import posixpath
from typing import Iterable


class PathError(Exception):
    """A path that leaves the tree: str(err) is one line."""


def cwd_prefix(repo) -> str | None:
    """The current directory relative to the top of repo's work tree ("" at the
    top), or None when it is not inside the work tree (or there is none)."""
    try:
        workdir = repo.pygit2_repo.workdir
    except Exception:
        return None
    if not workdir:
        return None
    try:
        cwd = os.path.realpath(os.getcwd())
    except OSError:
        return None
    root = os.path.realpath(workdir)
    if cwd == root:
        return ""
    if cwd.startswith(root.rstrip(os.sep) + os.sep):
        return os.path.relpath(cwd, root).replace(os.sep, "/")
    return None


def resolve(repo, paths: Iterable[str], prefix: str | None = ...) -> list[str]:  # type: ignore[assignment]
    """The given paths as tree paths (a trailing "/" is kept). prefix: cwd_prefix(repo)."""
    if prefix is ...:
        prefix = cwd_prefix(repo)
    out = []
    for p in paths:
        out.append(resolve_one(repo, p, prefix))
    return out


def resolve_one(repo, p: str, prefix: str | None) -> str:
    slash = p.endswith("/") and p.strip("/") != ""
    if p.startswith(":/"):                       # git's top magic: from the top of the tree
        rest = p[2:].lstrip("/")
        return rest or "."
    if prefix is None:
        return p                                 # relative to the top of the tree, as before
    if os.path.isabs(p):
        root = os.path.realpath(repo.pygit2_repo.workdir)
        real = os.path.realpath(p)
        if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
            raise PathError(f"invalid pathspec: {p} is outside the work tree {root}")
        rel = os.path.relpath(real, root).replace(os.sep, "/")
        return rel + ("/" if slash and rel != "." else "")
    joined = posixpath.normpath(posixpath.join(prefix, p)) if prefix else posixpath.normpath(p)
    if joined == ".." or joined.startswith("../"):
        raise PathError(f"invalid pathspec: {p} is outside the work tree (from {prefix or 'its top'})")
    return joined + ("/" if slash and joined != "." else "")


__all__ = ["PathError", "cwd_prefix", "resolve", "resolve_one"]
