#!/usr/bin/env python3
"""Long fuzzing run: random and mutated C through parse, facts and every rule.

    .venv/bin/python bench/fuzz.py --minutes 30
    .venv/bin/python bench/fuzz.py --examples 20000 --corpus /work/kernels/x-6.12_*/usr/src/linux-source-6.12/mm

The same harness as tests/test_fuzz.py (tests/fuzzlib.py), with far more
examples, random seeds (not the suite's derandomized ones) and optionally a
corpus of real kernel files to mutate. Every input goes through
`fuzzlib.exercise`: analyse_blob (normalise, tree-sitter, facts, budgets), the
cache's pickle round trip, summaries, and every built-in rule via the engine's
run_rules (with its time backstop); an exception or a hang is a failure.

Failures do not stop the run: each distinct one (exception type + where) is
written with its input to --out (default bench/fuzz-failures/), as are the
first inputs whose rules ran into the time backstop, and the run
prints how many inputs it ran, per strategy, and how many ended in a budget.
Exit status: 0 no failure, 1 failures found.
"""
from __future__ import annotations

import argparse
import collections
import random
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

import fuzzlib  # noqa: E402

STRATEGIES = {
    "binary": lambda: st.binary(max_size=8000),
    "mutated": fuzzlib.mutated_c,
    "generated": fuzzlib.generated_c,
    "pathological": fuzzlib.pathological,
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=0, help="stop after this many inputs (0: no limit)")
    ap.add_argument("--minutes", type=float, default=0, help="stop after this long (0: no limit)")
    ap.add_argument("--corpus", nargs="*", default=[], help="folders of real .c/.h files to mutate too")
    ap.add_argument("--corpus-files", type=int, default=400, help="at most this many corpus files")
    ap.add_argument("--rules-seconds", type=float, default=None,
                    help="the rules' per-function time backstop (default: errpath's)")
    ap.add_argument("--limit", type=float, default=120, help="seconds before an input counts as a hang")
    ap.add_argument("--weights", default="binary=1,mutated=4,generated=3,pathological=1")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--out", type=Path, default=HERE / "fuzz-failures")
    args = ap.parse_args(argv)
    if not args.examples and not args.minutes:
        args.examples = 5000

    if args.rules_seconds is not None:
        import errpath.pipeline.budget
        errpath.pipeline.budget.RULES_SECONDS = args.rules_seconds
    rng = random.Random(args.seed)
    if args.corpus:
        files = sorted(p for d in args.corpus for p in Path(d).rglob("*") if p.suffix in (".c", ".h"))
        rng.shuffle(files)
        print(f"corpus: {fuzzlib.add_seeds(files[:args.corpus_files])} files added to the seeds", flush=True)
    weights = dict((k, int(v)) for k, v in (x.split("=") for x in args.weights.split(",")))
    kinds = [k for k in STRATEGIES for _ in range(weights.get(k, 0))]
    rules = fuzzlib.load_all_rules()
    print(f"rules: {', '.join(r.id for r in rules)}", flush=True)

    counts: collections.Counter = collections.Counter()
    failures: dict[tuple, int] = {}
    slowest: list[tuple[float, str]] = []
    t0 = time.monotonic()
    deadline = t0 + args.minutes * 60 if args.minutes else None
    strategy = st.sampled_from(kinds).flatmap(lambda k: st.tuples(st.just(k), STRATEGIES[k]()))

    def done() -> bool:
        return bool((args.examples and counts["inputs"] >= args.examples)
                    or (deadline and time.monotonic() > deadline))

    # Batches of examples, with the limits checked between and inside them (an
    # exception to stop a run would look like a failing example to Hypothesis).
    @settings(max_examples=100, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def one(case):
        kind, data = case
        if done():
            return
        counts["inputs"] += 1
        counts[kind] += 1
        t = time.monotonic()
        try:
            r = fuzzlib.exercise(data, rules, limit=args.limit)
            counts["budget"] += bool(r["budget"])
            counts["rules_budget"] += bool(r["rules_budget"])
            if r["rules_budget"] and counts["rules_budget"] <= 20:   # keep some for a look
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / f"rules-budget-{counts['rules_budget']:03d}-{kind}.c").write_bytes(data)
            counts["functions"] += r["functions"]
            counts["findings"] += r["findings"]
        except Exception as e:
            tb = traceback.format_exc()
            frames = [ln.strip() for ln in tb.splitlines() if ln.strip().startswith("File ")]
            key = (type(e).__name__, frames[-1] if frames else "")
            counts["failures"] += 1
            if key not in failures:
                failures[key] = len(failures) + 1
                args.out.mkdir(parents=True, exist_ok=True)
                base = args.out / f"failure-{failures[key]:03d}"
                base.with_suffix(".c").write_bytes(data)
                base.with_suffix(".txt").write_text(f"strategy: {kind}\n\n{tb}")
                print(f"FAILURE {failures[key]}: {key[0]} at {key[1]} ({kind}; {base}.c)", flush=True)
        dt = time.monotonic() - t
        slowest.append((dt, kind))
        slowest.sort(reverse=True)
        del slowest[5:]
        if counts["inputs"] % 500 == 0:
            print(f"{counts['inputs']} inputs, {counts['failures']} failures, "
                  f"{time.monotonic() - t0:.0f}s", flush=True)

    if args.seed is not None:
        from hypothesis import seed
        one = seed(args.seed)(one)
    while not done():
        one()

    secs = time.monotonic() - t0
    print(f"\nran {counts['inputs']} inputs in {secs:.0f}s "
          f"({', '.join(f'{k} {counts[k]}' for k in STRATEGIES)})")
    print(f"functions analysed {counts['functions']}, findings {counts['findings']}, "
          f"inputs with a step-budget entry {counts['budget']}, with a rules-time budget entry "
          f"{counts['rules_budget']}")
    print(f"slowest inputs: {', '.join(f'{k} {d:.1f}s' for d, k in slowest)}")
    print(f"failures: {counts['failures']} ({len(failures)} distinct)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
