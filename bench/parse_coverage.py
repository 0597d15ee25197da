#!/usr/bin/env python3
"""Parse coverage of errpath's normalise + tree-sitter-c on a kernel tree.

    .venv/bin/python bench/parse_coverage.py KERNEL_DIR [SUBDIRS...]

SUBDIRS default to mm fs block io_uring.  Every .c file below them is parsed
twice: raw (plain tree-sitter-c) and normalised (errpath.frontend.normalise.normalise with
the tree's .clang-format ForEachMacros).  A function counts as parsed when its
body has no ERROR/MISSING node ("bodies"), or when the whole definition has
none ("bodies+signatures").  The denominator is every function either parse
recognised plus every kernel-style body (`{` in column 0 after a `)`) that
tree-sitter did not turn into a function definition, minus bodies inside
`#if 0` blocks (never compiled; normalise blanks them).

Options: --jobs N (default 2), --samples N (failure samples per bucket),
--bucket NAME (print every sample of one bucket), --list-unparsed.
"""
from __future__ import annotations

import argparse
import collections
import multiprocessing
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from errpath.frontend.parse import analyse, new_parser, parse_normalised  # noqa: E402
from errpath.frontend.normalise import DEFAULT_FOREACH_MACROS, normalise  # noqa: E402
from errpath.git.repo import foreach_macros_from_clang_format  # noqa: E402

_MACROS: frozenset[str] | None = None
_PARSER = None

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _init(macros):
    global _MACROS, _PARSER
    _MACROS = macros
    _PARSER = new_parser()


def _first_error(node):
    """The first ERROR or MISSING node below `node` (document order)."""
    while True:
        if node.is_error or node.is_missing:
            return node
        for child in node.children:
            if child.has_error:
                node = child
                break
        else:
            return node


def _bucket(line: str, err) -> str:
    """A coarse cause for a failure: the macro-looking word nearest the error."""
    words = _IDENT.findall(line)
    for w in words:
        if (w.isupper() and len(w) > 2) or w.startswith("__"):
            return w
    if err.is_missing:
        return f"MISSING {err.type}"
    text = err.text.decode("utf-8", "replace").split()
    if text:
        m = _IDENT.search(text[0])
        if m:
            return "ERROR@" + m.group(0)
        return "ERROR@" + text[0][:12]
    return "ERROR"


def _line(data: bytes, row: int) -> str:
    lines = data.split(b"\n", row + 1)
    return lines[row].decode("utf-8", "replace").strip() if row < len(lines) else ""


def work(path: str):
    with open(path, "rb") as fh:
        data = fh.read()
    t0 = time.process_time()
    norm = normalise(data, _MACROS)
    t1 = time.process_time()
    norm_tree = _PARSER.parse(norm)
    t2 = time.process_time()
    final, tree, an = parse_normalised(norm, _PARSER, norm_tree)
    t3 = time.process_time()
    raw_tree = _PARSER.parse(data)
    t4 = time.process_time()
    assert len(norm) == len(data) == len(final)
    raw = analyse(data, raw_tree)
    t5 = time.process_time()
    first = analyse(norm, norm_tree)
    t_enum = time.process_time() - t5
    keys = set(raw.bodies) | set(first.bodies) | set(first.missing) | set(an.bodies) | set(an.missing)
    # bodies inside `#if 0` (blanked by normalise) are not compiled functions
    keys = {k for k in keys if norm[k] == 0x7B}
    counts = {}
    for label, a in (("raw", raw), ("first", first), ("norm", an)):
        counts[label + "_body"] = sum(1 for k in keys if a.bodies.get(k, (False, False))[0])
        counts[label + "_sig"] = sum(1 for k in keys if a.bodies.get(k, (False, False))[1])
    failures, sig_fail = [], []
    for f in an.functions:
        body = f.node.child_by_field_name("body")
        if f.ok and not f.node.has_error:
            continue
        err = _first_error(body if not f.ok else f.node)
        row = err.start_point[0]
        orig = _line(data, row)
        (failures if not f.ok else sig_fail).append((_bucket(orig, err), path, row + 1, f.name, orig[:140]))
    unp = [(u.reason, path, u.line, u.name) for u in an.unparsed]
    notes = collections.Counter(f.note for f in an.functions if f.note and f.ok)
    return (len(data), len(keys), counts, t1 - t0, t2 - t1, (t3 - t2 - t_enum, t_enum), t4 - t3,
            failures, sig_fail, unp, notes)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kernel_dir")
    ap.add_argument("subdirs", nargs="*", default=["mm", "fs", "block", "io_uring"])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--samples", type=int, default=3)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--bucket", help="print every failure of this bucket")
    ap.add_argument("--list-unparsed", action="store_true")
    args = ap.parse_args(argv)

    cf = os.path.join(args.kernel_dir, ".clang-format")
    if os.path.exists(cf):
        with open(cf, encoding="utf-8", errors="replace") as fh:
            macros = foreach_macros_from_clang_format(fh.read())
        print(f".clang-format: {len(macros)} ForEachMacros")
    else:
        macros = DEFAULT_FOREACH_MACROS
        print(".clang-format: none, built-in ForEachMacros")

    files = []
    for sub in args.subdirs:
        for dirpath, _dirs, names in os.walk(os.path.join(args.kernel_dir, sub)):
            files.extend(os.path.join(dirpath, n) for n in names if n.endswith(".c"))
    files.sort()

    tot = collections.Counter()
    failures, sig_fail, unparsed = [], [], []
    notes = collections.Counter()
    wall = time.perf_counter()
    with multiprocessing.Pool(args.jobs, initializer=_init, initargs=(macros,)) as pool:
        for res in pool.imap_unordered(work, files, chunksize=4):
            (nbytes, nfn, counts, tn, tp, tr2, traw, fails, sfails, unp, nts) = res
            tot.update(bytes=nbytes, fns=nfn, **counts)
            tot["t_norm"] += tn
            tot["t_parse"] += tp
            tot["t_retry"] += tr2[0]
            tot["t_enum"] += tr2[1]
            tot["t_raw"] += traw
            failures.extend(fails)
            sig_fail.extend(sfails)
            unparsed.extend(unp)
            notes.update(nts)
    wall = time.perf_counter() - wall

    n = tot["fns"] or 1
    pct = lambda k: f"{tot[k]:7d}  {100.0 * tot[k] / n:6.2f}%"  # noqa: E731
    print(f"kernel:    {args.kernel_dir}  subdirs: {' '.join(args.subdirs)}")
    print(f"files:     {len(files)}  ({tot['bytes'] / 1e6:.1f} MB)")
    print(f"functions: {tot['fns']}")
    print(f"raw tree-sitter         bodies: {pct('raw_body')}   bodies+signatures: {pct('raw_sig')}")
    print(f"normalise() only        bodies: {pct('first_body')}   bodies+signatures: {pct('first_sig')}")
    print(f"+ second chance         bodies: {pct('norm_body')}   bodies+signatures: {pct('norm_sig')}")
    print(f"  (functions fixed by the second chance: {dict(notes)})")
    print(f"unrecognised functions (in denominator, ParsedFile.unparsed): {len(unparsed)}")
    print(f"time (CPU s, summed over workers): normalise {tot['t_norm']:.2f}   "
          f"parse {tot['t_parse']:.2f}   function enumeration {tot['t_enum']:.2f}   "
          f"second chance {tot['t_retry']:.2f}   "
          f"(raw parse {tot['t_raw']:.2f})   normalise/parse = "
          f"{100 * tot['t_norm'] / max(tot['t_parse'], 1e-9):.1f}%   wall {wall:.1f}s")

    def show(title, items, key=lambda x: x[0]):
        buckets = collections.defaultdict(list)
        for it in items:
            buckets[key(it)].append(it)
        print(f"\n{title}: {len(items)}")
        for name, its in sorted(buckets.items(), key=lambda kv: -len(kv[1]))[:args.top]:
            print(f"  {len(its):6d}  {name}")
            for it in its[:args.samples]:
                print(f"            {os.path.relpath(it[1], args.kernel_dir)}:{it[2]} {it[3]}: {it[4] if len(it) > 4 else ''}")

    show("body failures by bucket (first error line)", failures)
    show("signature-only failures by bucket", sig_fail)
    show("unrecognised function bodies", unparsed)
    if args.bucket:
        print(f"\nbucket {args.bucket}:")
        for it in failures + sig_fail:
            if it[0] == args.bucket:
                print(f"  {os.path.relpath(it[1], args.kernel_dir)}:{it[2]} {it[3]}: {it[4]}")
    if args.list_unparsed:
        for it in unparsed:
            print(f"  {os.path.relpath(it[1], args.kernel_dir)}:{it[2]} {it[3]}: {it[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
