#!/usr/bin/env python3
"""Cold and warm `errpath audit` of a real kernel range, beside the raw parse floor.

    .venv/bin/python bench/audit.py [--repo /work/kernels/repo] [--range v6.12.107..v6.12.117]
                                    [--jobs 2] [--json] [PATHS...]   (default: mm fs block io_uring)

The floor is raw tree-sitter-c parsing (bench/raw_parse.py) of exactly the blobs
errpath must read for the audit: every .c/.h under PATHS at HEAD plus those that
differ at BASE, plus the include/ headers the cold run pulled in as context
(counted from its stats). Cold = empty cache; warm = the same command again.
Build the repo first with bench/build_kernel_repo.py.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import kernel_repo, machine_info, time_subprocess  # noqa: E402
from raw_parse import raw_parse_seconds  # noqa: E402

from errpath.git.repo import Repo  # noqa: E402

ERRPATH = [sys.executable, "-m", "errpath"]


def audit_blobs(repo: Repo, spec: str, paths: list[str]) -> list[bytes]:
    base, head = repo.parse_range(spec)
    seen: dict[str, str] = {}
    for commit in (head, base):
        for path, blob in repo.list_files(commit, paths, (".c", ".h")):
            seen.setdefault(blob, path)
    return [repo.read_blob(b) for b in seen]


def run(repo_path: Path, spec: str, paths: list[str], jobs: int) -> dict:
    repo = Repo(repo_path)
    blobs = audit_blobs(repo, spec, paths)
    floor = raw_parse_seconds(blobs, jobs)
    cache = Path(tempfile.mkdtemp(prefix="errpath-bench-cache-"))
    out = cache / "out.json"
    cmd = [*ERRPATH, "audit", spec, *paths, "--repo", str(repo_path), "--cache-dir", str(cache),
           "-j", str(jobs), "--format", "json", "-o", str(out), "-q", "--fail-on", "none"]
    try:
        cold = time_subprocess(cmd)
        doc = json.loads(out.read_text())
        warm = time_subprocess(cmd)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    stats = doc["stats"]
    return {
        "range": spec, "paths": paths, "jobs": jobs,
        "blobs": len(blobs), "bytes": sum(map(len, blobs)),
        "floor_s": round(floor, 2), "cold_s": round(cold.wall_s, 2), "warm_s": round(warm.wall_s, 2),
        "cold_vs_floor": round(cold.wall_s / floor, 2), "warm_vs_cold": round(warm.wall_s / cold.wall_s, 3),
        "cold_peak_rss_mb": cold.tree_rss_peak_mb,
        "files_parsed": stats.get("files_parsed"), "context_files": stats.get("context_files"),
        "parse_coverage": stats.get("parse_coverage"), "functions": stats.get("functions"),
        "functions_unparsed": stats.get("functions_unparsed"),
        "findings": len(doc["findings"]), "fixed": len(doc["fixed"]),
        "attribution_evaluations": stats.get("attribution_evaluations"),
        "functions_unchanged": stats.get("functions_unchanged"),
        "seconds_facts": stats.get("seconds_facts"), "seconds_rules": stats.get("seconds_rules"),
        "machine": machine_info(),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", default=["mm", "fs", "block", "io_uring"])
    ap.add_argument("--repo", type=Path, default=None)
    ap.add_argument("--range", dest="spec", default="v6.12.107..v6.12.117")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    r = run(kernel_repo(a.repo), a.spec, a.paths, a.jobs)
    if a.json:
        print(json.dumps(r, indent=2))
    else:
        for k, v in r.items():
            if k != "machine":
                print(f"{k:>24}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
