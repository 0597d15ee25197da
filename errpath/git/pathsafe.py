"""Paths taken from a hostile tree.

A git tree object can hold entries git itself refuses to check out: `..`,
`.`, names with a NUL. errpath reads trees, not work trees, so such a name
cannot make it write anywhere, but it must not make a run fail either: files
whose path has such a component are left out of the analysis and listed in
the run's stats (`skipped_paths`), and an `#include "../../x.h"` that climbs
out of the tree is ignored.
"""
from __future__ import annotations


def tree_path_ok(path: str) -> bool:
    """True for a plain relative path inside the tree (what `git checkout` accepts)."""
    if not path or path.startswith("/") or "\0" in path:
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))



def cache_path(path: str) -> str:
    """The path as the cache key spells it: itself when it is valid UTF-8; else
    (a name with raw non-UTF-8 bytes, decoded with surrogateescape) a NUL-marked
    hex of the raw bytes, which SQLite can store and no real path can equal
    (git paths never hold a NUL)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return "\0raw:" + path.encode("utf-8", "surrogateescape").hex()


__all__ = ["tree_path_ok", "cache_path"]
