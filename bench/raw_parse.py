#!/usr/bin/env python3
"""The parse "floor": raw tree-sitter-c parse of kernel sources, nothing else.

    .venv/bin/python bench/raw_parse.py REPO_OR_DIR [--rev REV] [PATHS...] [--jobs N]
                                        [--ext .c,.h] [--json]

Parses every source file (by default ``*.c`` and ``*.h``; ``--ext .c`` for C
files only) under PATHS (relative to the tree root; default: the whole tree)
with ``Parser(Language(tree_sitter_c.language()))`` -- no normalisation, no
queries, no tree walk -- in a ``multiprocessing`` pool of N processes
(default 2; N=1 parses in-process, with no pool).  Sources come from

* a plain directory (REPO_OR_DIR without ``--rev``; workers read the files), or
* a git revision (``--rev``, or REPO_OR_DIR is a bare repo: default ``HEAD``);
  the parent lists the tree with pygit2, workers open the repo themselves and
  read the blobs by id.

Symlinks are skipped in both modes.  Output: files, bytes, files whose tree
contains an ERROR/MISSING node, and times measured inside the process:

* ``seconds``: from the first line of this module (before importing pygit2 /
  tree_sitter) to the end: imports + listing + reading + pool start + parsing;
* ``parse_seconds``: pool start + reading + parsing only;
* ``process_seconds``: since the kernel started the process (includes the
  interpreter start-up; /proc, 10 ms resolution).

Importable: ``raw_parse_seconds(source_iter, jobs)`` parses an iterable of
``bytes`` and returns the wall seconds (pool start included).
"""
from __future__ import annotations

import time

T_MODULE = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import multiprocessing as mp  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Iterable  # noqa: E402

import tree_sitter_c  # noqa: E402
from tree_sitter import Language, Parser  # noqa: E402

CHUNKSIZE = 4

# ---- worker side -----------------------------------------------------------

_parser: Parser | None = None
_repo = None


def _init_worker(repo_path: str | None = None) -> None:
    global _parser, _repo
    _parser = Parser(Language(tree_sitter_c.language()))
    if repo_path is not None:
        import pygit2
        _repo = pygit2.Repository(repo_path)


def _parse_bytes(data: bytes) -> tuple[int, bool]:
    tree = _parser.parse(data)
    return len(data), tree.root_node.has_error


def _parse_file(path: str) -> tuple[int, bool]:
    with open(path, "rb") as f:
        return _parse_bytes(f.read())


def _parse_blob(oid: str) -> tuple[int, bool]:
    return _parse_bytes(_repo.odb.read(oid)[1])  # ~2x faster than _repo[oid].data


def _context():
    # fork: workers start in milliseconds and inherit the imported modules.
    return mp.get_context("fork" if "fork" in mp.get_all_start_methods() else None)


def _run(fn, items: Iterable, jobs: int, repo_path: str | None = None) -> tuple[int, int, int]:
    """Apply fn to items over ``jobs`` processes; return (files, bytes, files_with_errors)."""
    files = nbytes = errors = 0
    if jobs <= 1:
        _init_worker(repo_path)
        results = map(fn, items)
        for n, err in results:
            files += 1
            nbytes += n
            errors += err
        return files, nbytes, errors
    with _context().Pool(jobs, initializer=_init_worker, initargs=(repo_path,)) as pool:
        for n, err in pool.imap_unordered(fn, items, chunksize=CHUNKSIZE):
            files += 1
            nbytes += n
            errors += err
    return files, nbytes, errors


def raw_parse_seconds(source_iter: Iterable[bytes | str], jobs: int = 2) -> float:
    """Wall seconds to tree-sitter-parse every source in ``source_iter`` over ``jobs`` processes.

    Sources are sent to the workers through the pool (pickled); the pool
    start-up is included, materialising ``source_iter`` is not."""
    items = [s.encode() if isinstance(s, str) else bytes(s) for s in source_iter]
    t0 = time.perf_counter()
    _run(_parse_bytes, items, jobs)
    return time.perf_counter() - t0


# ---- listing ---------------------------------------------------------------

def _want(name: str, exts: tuple[str, ...]) -> bool:
    return name.endswith(exts)


def list_dir(root: Path, paths: list[str], exts: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for p in paths or [""]:
        top = root / p if p else root
        if top.is_symlink():
            continue
        if top.is_file():
            if _want(top.name, exts):
                out.append(str(top))
            continue
        if not top.is_dir():
            raise SystemExit(f"{top}: no such file or directory")
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            for name in sorted(filenames):
                if _want(name, exts):
                    full = os.path.join(dirpath, name)
                    if not os.path.islink(full):
                        out.append(full)
    return out


def list_rev(repo, rev: str, paths: list[str], exts: tuple[str, ...]) -> list[str]:
    import pygit2
    tree = repo.revparse_single(rev).peel(pygit2.Tree)
    out: list[str] = []

    def walk(t) -> None:
        for e in t:
            if e.filemode == 0o040000:
                walk(repo[e.id])
            elif e.filemode in (0o100644, 0o100755) and _want(e.name, exts):
                out.append(str(e.id))

    for p in paths or [""]:
        p = p.strip("/")
        if not p:
            walk(tree)
            continue
        try:
            e = tree[p]
        except KeyError:
            raise SystemExit(f"{p}: not in {rev}")
        if e.filemode == 0o040000:
            walk(repo[e.id])
        elif e.filemode in (0o100644, 0o100755) and _want(e.name, exts):
            out.append(str(e.id))
    return out


def _is_bare_repo(p: Path) -> bool:
    return (p / "HEAD").is_file() and (p / "objects").is_dir() and (p / "refs").is_dir()


def process_seconds() -> float | None:
    """Seconds since the kernel started this process (10 ms resolution)."""
    try:
        with open("/proc/self/stat") as f:
            stat = f.read()
        start_ticks = int(stat.rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Raw tree-sitter-c parse floor.")
    ap.add_argument("source", type=Path, help="kernel source directory, or git repo (with --rev)")
    ap.add_argument("paths", nargs="*", help="files/dirs relative to the tree root (default: all)")
    ap.add_argument("--rev", help="read the tree of this git revision (default HEAD for a bare repo)")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="processes (default 2; 1 = in-process)")
    ap.add_argument("--ext", default=".c,.h", help="comma-separated file suffixes (default .c,.h)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_intermixed_args(argv)
    exts = tuple(e if e.startswith(".") else "." + e for e in args.ext.split(",") if e)

    rev = args.rev
    if rev is None and _is_bare_repo(args.source):
        rev = "HEAD"
    t_list = time.perf_counter()
    if rev is not None:
        import pygit2
        repo = pygit2.Repository(str(args.source))
        items = list_rev(repo, rev, args.paths, exts)
        fn, repo_path, where = _parse_blob, repo.path, f"git:{args.source}@{rev}"
    else:
        items = list_dir(args.source, args.paths, exts)
        fn, repo_path, where = _parse_file, None, f"dir:{args.source}"
    t_parse = time.perf_counter()
    files, nbytes, errors = _run(fn, items, args.jobs, repo_path)
    t_end = time.perf_counter()
    res = {
        "source": where,
        "paths": args.paths or ["."],
        "ext": list(exts),
        "jobs": args.jobs,
        "files": files,
        "bytes": nbytes,
        "files_with_errors": errors,
        "seconds": round(t_end - T_MODULE, 3),
        "list_seconds": round(t_parse - t_list, 3),
        "parse_seconds": round(t_end - t_parse, 3),
    }
    ps = process_seconds()
    res["process_seconds"] = round(ps, 2) if ps is not None else None
    if args.json:
        print(json.dumps(res))
    else:
        print(f"{where} {' '.join(res['paths'])} [{','.join(exts)}] jobs={args.jobs}: "
              f"{files} files, {nbytes} bytes ({nbytes / 1e6:.1f} MB), {errors} with parse errors; "
              f"{res['seconds']:.2f} s (parse {res['parse_seconds']:.2f} s, "
              f"process {res['process_seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
