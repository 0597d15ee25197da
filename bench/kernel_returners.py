"""Build errpath/data/{err_ptr,null}_returners_kernel.txt from a kernel tree.

Which exported functions of the kernel report failure only with ERR_PTR(), and
which only with NULL, according to errpath's own summaries: for every directory
of the tree that has a .c file with an EXPORT_SYMBOL*(), the directory's .c
files are indexed (with the headers they include, as a scan would), and each
exported function with a pointer return type is summarised
(Summaries.returns_of). A function goes to

  err_ptr: its outcomes include an ERR_PTR and no NULL (a value the summary
           cannot pin, "noterr" a field or "unknown" a callee out of its sight,
           is allowed: a getter's `return phy;` of a looked-up object);
  null:    its outcomes include NULL and neither an ERR_PTR nor a value that
           may be one ("nonnull", "unknown").

Names with two definitions of different verdicts (per-arch, #ifdef twins in
other files) are dropped. Stubs are the summaries' business (a trivial body
in a header or with a twin is not the contract).

--rounds 2 reruns with the first round's lists for the callees outside each
directory (devm_foo_get() in drivers/x/devres.c calling foo_get() elsewhere);
on v6.12.117 it changed nothing, so the committed lists are of one round.
It also writes tolerant_params_kernel.txt: the exported functions that test a
parameter for an ERR_PTR before any use (errpath.analysis.tolerance).

    PYTHONPATH=$PWD XDG_CACHE_HOME=... python bench/kernel_returners.py \
        --repo /work/kernels/recall.git --rev v6.12.117 -o errpath/data
    (about 7 minutes on one core with a warm facts cache)
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections import defaultdict

from errpath.git.repo import Repo
from errpath.pipeline.cache import Cache, default_cache_dir
from errpath.pipeline.engine import Engine
from errpath.knowledge import tables

_EXPORT = re.compile(r"^([^:]+):\s*EXPORT_SYMBOL(?:_GPL|_NS|_NS_GPL|_FOR_MODULES|_GPL_FOR_MODULES)?\s*\(\s*(\w+)")


def exported(repo_path: str, rev: str) -> dict:
    out = subprocess.run(["git", "-C", repo_path, "grep", "-E", r"^\s*EXPORT_SYMBOL\w*\s*\(", rev, "--", "*.c"],
                         capture_output=True, text=True, check=True).stdout
    by_dir: dict = defaultdict(set)
    for line in out.splitlines():
        line = line.split(":", 1)[1]   # drop "rev:"
        m = _EXPORT.match(line)
        if m:
            by_dir[os.path.dirname(m.group(1))].add(m.group(2))
    return by_dir


def classify(outs: dict) -> str | None:
    kinds = {k[0] for k in outs}
    if "errptr" in kinds and "null" not in kinds:
        return "err_ptr"
    if "null" in kinds and not kinds & {"errptr", "nonnull", "unknown"}:
        return "null"
    return None


def tolerant(S, f) -> tuple | None:
    """(argument index, kinds) of f's first parameter that it tests before any use
    (errpath.analysis.tolerance, as for a definition in the analysis), or None."""
    from errpath.analysis.tolerance import tolerates
    for i in range(min(len(f.params), 6)):
        kinds = [k for k in ("null", "err") if tolerates(S, f.path, f.name, i, k) is not None]
        if "err" in kinds:
            return i, ",".join(kinds)
    return None


def one_round(engine, commit, by_dir, verdicts_out, log, tolerant_out=None):
    t0 = time.time()
    for n, (d, names) in enumerate(sorted(by_dir.items())):
        files = [(p, b) for p, b in engine.repo.list_files(commit, [d + "/"], (".c",))
                 if os.path.dirname(p) == d]
        if not files:
            continue
        analyses = engine.analyse(commit, files)
        context = engine.analyse(commit, engine.context_files(commit, analyses))
        index = engine._index(analyses, context)
        S = index.summaries
        for p in analyses:
            for f in index.by_file.get(p, {}).values():
                if tolerant_out is not None and f.name in names and S.resolve(f.name, f.path) is f:
                    try:
                        tolerant_out[f.name].add(tolerant(S, f))
                    except RecursionError:
                        tolerant_out[f.name].add(None)
                if f.name not in names or "*" not in f.return_type:
                    continue
                try:
                    outs, _ = S.returns_of(f.name, f.path)
                except RecursionError:
                    continue
                verdicts_out[f.name].add(classify(outs))
        S.release() if hasattr(S, "release") else None
        if n % 50 == 0:
            print(f"{n}/{len(by_dir)} {d} {time.time() - t0:.0f}s", file=log, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", required=True)
    ap.add_argument("--rev", required=True)
    ap.add_argument("-o", "--out", default="errpath/data")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("-j", type=int, default=1)
    ap.add_argument("--only", nargs="*", help="these directories only (a trial)")
    a = ap.parse_args()
    tables.KERNEL_LISTS = False   # the lists being made are not the input
    repo = Repo(a.repo)
    commit = repo.resolve(a.rev)
    engine = Engine(repo, [], Cache(default_cache_dir()), jobs=a.j)
    by_dir = exported(a.repo, a.rev)
    if a.only:
        by_dir = {d: v for d, v in by_dir.items() if d in a.only}
    verdict: dict = {}
    print(f"{len(by_dir)} directories", file=sys.stderr, flush=True)
    tol: dict = defaultdict(set)
    for r in range(a.rounds):
        got: dict = defaultdict(set)
        one_round(engine, commit, by_dir, got, sys.stderr, tol if r == 0 else None)
        verdict = {k: next(iter(v)) for k, v in got.items() if len(v) == 1 and None not in v}
        errs = frozenset(k for k, v in verdict.items() if v == "err_ptr")
        nulls = frozenset(k for k, v in verdict.items() if v == "null")
        print(f"round {r + 1}: {len(errs)} ERR_PTR, {len(nulls)} NULL", file=sys.stderr, flush=True)
        # the next round sees them as known APIs (only where no definition is in its index)
        base_e, base_n = tables.err_ptr_returners(), tables.null_returners()
        tables.err_ptr_returners = (lambda s=base_e | errs: s)
        tables.null_returners = (lambda s=base_n | nulls: s)
        import errpath.analysis.summaries as sm
        import errpath.analysis.failure as fm
        sm.err_ptr_returners, sm.null_returners = tables.err_ptr_returners, tables.null_returners
        fm.err_ptr_returners = tables.err_ptr_returners
    head = ("# Generated by bench/kernel_returners.py --repo <linux> --rev %s (errpath's own\n"
            "# summaries of every exported function with a pointer return type, per\n"
            "# directory of the tree; rounds: %d): %s.\n"
            "# Used only for callees with no definition in the analysis; the hand-kept\n"
            "# %s.txt wins on a conflict.  Regenerate, do not edit.\n")
    for kind, what in (("err_ptr", "outcomes include ERR_PTR, never NULL"),
                       ("null", "outcomes include NULL, never an ERR_PTR or an unknown value")):
        names = sorted(k for k, v in verdict.items() if v == kind)
        with open(os.path.join(a.out, f"{kind}_returners_kernel.txt"), "w") as fh:
            fh.write(head % (a.rev, a.rounds, what, f"{kind}_returners"))
            fh.write("".join(n + "\n" for n in names))
        print(kind, len(names), file=sys.stderr)
    names = sorted(k for k, v in tol.items() if len(v) == 1 and None not in v)
    with open(os.path.join(a.out, "tolerant_params_kernel.txt"), "w") as fh:
        fh.write("# Generated by bench/kernel_returners.py --repo <linux> --rev %s: the kernel's\n"
                 "# exported functions that test a parameter for an ERR_PTR before any use\n"
                 "# (errpath.analysis.tolerance on their own definitions), as name, argument\n"
                 "# index, kinds accepted. The hand-kept tolerant_params.txt wins. Regenerate,\n"
                 "# do not edit.\n" % a.rev)
        for n in names:
            i, kinds = next(iter(tol[n]))
            fh.write(f"{n:<40} {i:<3} {kinds}\n")
    print("tolerant", len(names), file=sys.stderr)


if __name__ == "__main__":
    main()
