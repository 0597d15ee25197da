#!/usr/bin/env python3
"""Instructions, not seconds: the same scan of two errpath trees counted under callgrind.

    .venv/bin/python bench/instructions.py --tree old=/path/to/checkout-A --tree new=. \\
        --paths fs/ext2 fs/isofs --rev v6.12.117

On a shared 2-core VM the same command's CPU time moves by 10-25 % from one run to the next
(bench/README.md, sessions 6 and 16), more than most speed changes being judged. Valgrind's
callgrind counts the instructions a process executes, which is the same for the same code,
inputs and environment whatever else the machine is doing, so an A/B of two checkouts under
load is still a measurement. Each tree runs `errpath scan PATHS --no-cache -j 1` (one process:
the workers of -j 2 would be counted apart) with PYTHONHASHSEED fixed, so set and dict order,
and with them the work done, are the same from run to run.

The cost: Python under callgrind runs ~50-100x slower, so pick a few small directories (fs/ext2
is ~7 G instructions, about 5 minutes on a loaded host). A subset is a sample of fs/: cross-
directory summaries are missing, so it says how the per-function work changed, not the whole
goal-1 wall time; report both.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import KERNELS_DIR  # noqa: E402

COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def count(tree: Path, repo: Path, rev: str, paths: list[str], select: str | None,
          python: str) -> tuple[int, float, int]:
    """(instructions, seconds under valgrind, findings) of one scan of `paths` by the errpath in `tree`."""
    with tempfile.TemporaryDirectory(prefix="errpath-instr-") as tmp:
        out = Path(tmp) / "scan.json"
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out",
               python, "-m", "errpath", "scan", "--repo", str(repo), "--rev", rev, *paths,
               "--no-cache", "-j", "1", "--format", "json", "-o", str(out),
               "--fail-on", "none", "-q", "--min-confidence", "low"]
        if select:
            cmd += ["--select", select]
        env = dict(os.environ, PYTHONPATH=str(tree), PYTHONHASHSEED="0",
                   XDG_CACHE_HOME=tmp, ERRPATH_NO_RESULTS_CACHE="1")
        t0 = time.monotonic()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        seconds = time.monotonic() - t0
        m = COLLECTED.search(proc.stderr)
        if proc.returncode != 0 or m is None or not out.exists():
            tail = proc.stderr.strip().splitlines()[-3:]
            raise SystemExit(f"instructions: the scan by {tree} failed (exit {proc.returncode}): "
                             + " | ".join(tail))
        import json
        findings = len(json.loads(out.read_text())["findings"])
        return int(m.group(1)), seconds, findings


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", action="append", required=True, metavar="NAME=DIR",
                    help="a checkout of errpath (repeatable; the first is the base of the ratios)")
    ap.add_argument("--repo", type=Path, default=KERNELS_DIR / "recall.git")
    ap.add_argument("--rev", default="v6.12.117")
    ap.add_argument("--paths", nargs="+", default=["fs/ext2"])
    ap.add_argument("--select", help="only these rules (as `errpath scan --select`)")
    ap.add_argument("--python", default=sys.executable)
    args = ap.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("instructions: valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    trees = []
    for spec in args.tree:
        name, sep, where = spec.partition("=")
        if not sep or not (Path(where) / "errpath").is_dir():
            print(f"instructions: --tree wants NAME=DIR with DIR an errpath checkout, not {spec!r}",
                  file=sys.stderr)
            return 2
        trees.append((name, Path(where).resolve()))
    rows = []
    for name, tree in trees:
        n, secs, found = count(tree, args.repo, args.rev, args.paths, args.select, args.python)
        rows.append((name, n, secs, found))
        print(f"{name:12} {n:>15,} instructions  {found:5} findings  ({secs:.0f} s under valgrind)",
              flush=True)
    base = rows[0][1]
    print(f"\npaths: {' '.join(args.paths)} at {args.rev}" + (f", rules {args.select}" if args.select else ""))
    for name, n, _, found in rows[1:]:
        print(f"{name} / {rows[0][0]}: {n / base:.3f}x instructions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
