#!/usr/bin/env python3
"""How much work the rules' prefilters skip, and that skipping it changes nothing.

    .venv/bin/python bench/prefilter.py [--repo R] [--rev v6.12.117] [--cache-dir D] [--json] [PATHS...]

Every rule declares what a function must contain for the rule to have anything
to say (`needs_tokens`, or its own `applies_to`: a NOWAIT flag, a loop, a goto,
an allocation mask, ...). The summaries never look at those declarations: a
skipped function is still a callee, a caller, a flag carrier for the others.

This builds the index of PATHS at REV (from the cache when it is warm), then runs
the rules on every function twice in this process, in the same chunks the
engine uses: once as shipped, once with every prefilter forced open. It prints
the (function, rule) pairs skipped, the rules' CPU seconds both ways, and
whether the findings are identical (they must be: a prefilter that drops a
finding is a bug).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import kernel_repo  # noqa: E402

from errpath.pipeline.cache import Cache, default_cache_dir  # noqa: E402
from errpath.pipeline.engine import Engine  # noqa: E402
from errpath.git.repo import Repo  # noqa: E402
from errpath.rules import load_rules  # noqa: E402


def measure(repo_path: Path, rev: str, paths: list[str], cache_dir: str | None) -> dict:
    repo = Repo(repo_path)
    rules = load_rules()
    engine = Engine(repo, rules, Cache(cache_dir or default_cache_dir()), jobs=1)
    commit = repo.resolve(rev)
    files = engine.analyse(commit, engine.scope_files(commit, paths))
    context = engine.analyse(commit, engine.context_files(commit, files))
    functions = [f for a in files.values() for f in a.functions]

    pairs = {r.id: sum(1 for f in functions if r.applies_to(f)) for r in rules}
    total = len(functions) * len(rules)

    def run() -> tuple[float, list]:
        index = engine._index(files, context)
        c0 = time.process_time()
        found, errors = engine.check_index(index, list(index.functions_in_scope()))
        return time.process_time() - c0, sorted(f.fingerprint for f in found)

    with_cpu, with_fps = run()
    for r in rules:   # open every prefilter (instance attribute: the class stays as shipped)
        r.applies_to = (lambda fn: True)
    try:
        open_cpu, open_fps = run()
    finally:
        for r in rules:
            del r.applies_to
    engine.close()
    return {
        "paths": paths, "rev": rev, "functions": len(functions), "rules": len(rules),
        "pairs_total": total, "pairs_checked": sum(pairs.values()),
        "pairs_skipped_share": round(1 - sum(pairs.values()) / total, 3) if total else 0.0,
        "per_rule_checked_share": {k: round(v / len(functions), 3) for k, v in pairs.items()} if functions else {},
        "rules_cpu_s": round(with_cpu, 2), "rules_cpu_without_prefilters_s": round(open_cpu, 2),
        "cpu_saved_share": round(1 - with_cpu / open_cpu, 3) if open_cpu else 0.0,
        "findings": len(with_fps), "identical_findings": with_fps == open_fps,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", default=["fs/"])
    ap.add_argument("--repo", type=Path, default=None)
    ap.add_argument("--rev", default="v6.12.117")
    ap.add_argument("--cache-dir", default=None)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    r = measure(kernel_repo(a.repo), a.rev, a.paths, a.cache_dir)
    if a.json:
        print(json.dumps(r))
    else:
        for k, v in r.items():
            print(f"{k:>32}: {v}")
    return 0 if r["identical_findings"] else 1


if __name__ == "__main__":
    sys.exit(main())
