#!/usr/bin/env python3
"""Mutation recall: bugs of each rule's class put into random real kernel functions.

The real-bug benchmark (bench/recall/) has a few hundred entries, and its held-out part says the
rules fit the shapes of the entries they were tuned on. This one asks a narrower question with a
larger sample: put a bug of a rule's class into a function chosen at random from a real tree, in
the way a careless edit would, and does the rule see it? A miss here is the engine failing on real
code (macros, helpers, summaries, the way a function is laid out), not a bug shape it was never
taught; a gap between the two benchmarks tells which of the two is the problem.

Each operator finds sites by the code's own evidence that the edit makes a bug:

* ``mec-return``: ``if (<failure of the call just before>) return <errno>;`` in an ``int``
  function becomes ``return 0;`` (the function now reports success for that failure);
* ``mec-goto``: ``if (<failure of the call just before>) { err = -E...; goto out; }`` loses the
  ``err = -E...;`` where ``err`` is provably 0 there (last set to 0, or by a call whose
  non-zero result was sent away by the test right after it);
* ``errptr-swap``: ``p = f(...); if (IS_ERR(p))`` becomes ``if (!p)``, and ``p = kmalloc(...);
  if (!p)`` (a NULL-only allocator) becomes ``if (IS_ERR(p))``: the test no longer matches what
  the call returns;
* ``loop-guard``: inside a loop, ``if (!len) break;`` (or ``len == 0``, ``len <= 0``; break,
  return or goto) is deleted where a later statement of the body steps a variable of the loop
  condition by ``len``: the developer's own guard says the step can be 0.

One mutant per file, at most one per directory and operator, all in one commit on top of the
version (``refs/heads/mutants/<seed>`` in the repo). The mutated files are scanned with their
directories as context at the version and at the mutant; a mutant is found when the mutant's
scan has a finding of the operator's rule in the mutated function that the version's has not.

    python bench/mutants/run.py --repo /work/kernels/recall.git --rev v6.12.117 -n 40 --json out.json
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pygit2

from errpath.frontend.parse import new_parser

RULE = {"mec-return": "missing-error-code", "mec-goto": "missing-error-code",
        "errptr-swap": "err-ptr-null-mismatch", "loop-guard": "zero-step-loop"}
TOP_DIRS = ("drivers", "fs", "net", "sound", "mm", "block", "kernel", "lib", "crypto", "security", "io_uring")
CONFIDENCE_RANK = {"low": 0, "medium": 1, "high": 2}
# allocators that return NULL and never an ERR_PTR
NULL_ALLOCATORS = re.compile(r"^(?:devm_)?(?:k|kv|v)(?:m|z|c)?alloc(?:_array|_node)?$|^kstrn?dup$|^kmemdup$|"
                             r"^devm_kstrdup$|^kmem_cache_z?alloc$|^alloc_skb$|^vzalloc$|^vmalloc$")


def text(src: bytes, node) -> str:
    return src[node.start_byte:node.end_byte].decode("utf-8", "surrogateescape")


def strip_cond(src: bytes, cond) -> str:
    """The condition's text without the outer parentheses and unlikely()."""
    t = re.sub(r"\s+", " ", text(src, cond)).strip()
    while t.startswith("(") and t.endswith(")"):
        t = t[1:-1].strip()
    m = re.fullmatch(r"unlikely\s*\((.*)\)", t)
    return m.group(1).strip() if m else t


def tested_var(cond: str) -> tuple[str, str] | None:
    """(variable, form) of a failure test: `!x`, `IS_ERR(x)`, `x < 0`, `x`."""
    v = r"([A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*)*)"
    for form, pat in (("null", rf"!\s*{v}"), ("is_err", rf"IS_ERR\s*\(\s*{v}\s*\)"),
                      ("neg", rf"{v}\s*<\s*0"), ("nonzero", v)):
        m = re.fullmatch(pat, cond)
        if m:
            return m.group(1), form
    return None


def prev_sibling_stmt(node):
    p = node.prev_named_sibling
    while p is not None and p.type == "comment":
        p = p.prev_named_sibling
    return p


def assigned_call(src: bytes, stmt, var: str) -> str | None:
    """The callee when stmt is `var = f(...);` (or a declaration `T var = f(...);`)."""
    if stmt is None:
        return None
    t = re.sub(r"\s+", " ", text(src, stmt))
    m = re.match(rf"^(?:[\w\s\*]+\s\**)?{re.escape(var)}\s*=\s*(?:\([^()]*\)\s*)?([A-Za-z_]\w*)\s*\(", t)
    if m and stmt.type in ("expression_statement", "declaration"):
        return m.group(1)
    return None


def int_function(src: bytes, fn) -> bool:
    ty = fn.child_by_field_name("type")
    decl = fn.child_by_field_name("declarator")
    return ty is not None and text(src, ty) == "int" and decl is not None and decl.type == "function_declarator"


def function_name(src: bytes, fn) -> str | None:
    d = fn.child_by_field_name("declarator")
    while d is not None and d.type != "function_declarator":
        d = d.child_by_field_name("declarator")
    if d is None:
        return None
    n = d.child_by_field_name("declarator")
    return text(src, n) if n is not None and n.type == "identifier" else None


def walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.named_children))


def last_stmt(node):
    if node.type != "compound_statement":
        return node
    kids = [k for k in node.named_children if k.type != "comment"]
    return kids[-1] if kids else None


ERRNO_RET = re.compile(r"^return\s+(-E[A-Z0-9]+|PTR_ERR\s*\(.*\)|[A-Za-z_]\w*)\s*;$")


def sites(src: bytes, tree) -> list[dict]:
    out = []
    for fn in (n for n in walk(tree.root_node) if n.type == "function_definition"):
        name = function_name(src, fn)
        body = fn.child_by_field_name("body")
        if name is None or body is None:
            continue
        is_int = int_function(src, fn)
        for node in walk(body):
            if node.type == "if_statement" and node.child_by_field_name("alternative") is None:
                out += _if_sites(src, fn, name, is_int, node)
            elif node.type in ("for_statement", "while_statement", "do_statement"):
                out += _loop_sites(src, name, node)
    return out


def _if_sites(src, fn, name, is_int, node) -> list[dict]:
    cond = node.child_by_field_name("condition")
    cons = node.child_by_field_name("consequence")
    if cond is None or cons is None:
        return []
    tv = tested_var(strip_cond(src, cond))
    if tv is None:
        return []
    var, form = tv
    callee = assigned_call(src, prev_sibling_stmt(node), var)
    if callee is None:
        return []
    out = []
    line = node.start_point[0] + 1
    last = last_stmt(cons)
    if is_int and last is not None and last.type == "return_statement":
        m = ERRNO_RET.match(re.sub(r"\s+", " ", text(src, last)))
        if m and (m.group(1).startswith(("-E", "PTR_ERR")) or m.group(1) == var):
            out.append({"op": "mec-return", "function": name, "line": line,
                        "edit": (last.start_byte, last.end_byte, b"return 0;")})
    if is_int and cons.type == "compound_statement" and last is not None and last.type == "goto_statement":
        for k in cons.named_children:
            m = re.fullmatch(r"([A-Za-z_]\w*)\s*=\s*-E[A-Z0-9]+\s*;", text(src, k).strip())
            if k.type == "expression_statement" and m and m.group(1) != var and \
                    _zero_before(src, fn, m.group(1), node.start_byte):
                # delete the whole line
                start = src.rfind(b"\n", 0, k.start_byte) + 1
                end = src.find(b"\n", k.end_byte) + 1
                out.append({"op": "mec-goto", "function": name, "line": line, "edit": (start, end, b"")})
                break
    if form == "is_err":
        out.append({"op": "errptr-swap", "function": name, "line": line,
                    "edit": (cond.start_byte, cond.end_byte, f"(!{var})".encode())})
    elif form == "null" and NULL_ALLOCATORS.match(callee):
        out.append({"op": "errptr-swap", "function": name, "line": line,
                    "edit": (cond.start_byte, cond.end_byte, f"(IS_ERR({var}))".encode())})
    return out


def _zero_before(src: bytes, fn, var: str, pos: int) -> bool:
    """Is var 0 at pos, by the function's text: its last setting before pos is `= 0` or a call
    whose result the very next statement sends away when non-zero (`if (err) goto out;`)."""
    body = fn.child_by_field_name("body")
    last = None
    for n in walk(body):
        if n.start_byte >= pos:
            continue
        if n.type == "assignment_expression" and text(src, n.child_by_field_name("left")).strip() == var \
                and text(src, n).split("=", 1)[0].strip() == var:
            last = n if last is None or n.start_byte > last.start_byte else last
        elif n.type == "init_declarator" and text(src, n.child_by_field_name("declarator")).strip() == var:
            last = n if last is None or n.start_byte > last.start_byte else last
    if last is None:
        return False
    value = (last.child_by_field_name("right") or last.child_by_field_name("value"))
    if value is None:
        return False
    vt = text(src, value).strip()
    if vt == "0":
        return True
    if value.type != "call_expression":
        return False
    stmt = last.parent
    while stmt is not None and not stmt.type.endswith("statement") and stmt.type != "declaration":
        stmt = stmt.parent
    nxt = stmt.next_named_sibling if stmt is not None else None
    if nxt is None or nxt.type != "if_statement":
        return False
    c = nxt.child_by_field_name("condition")
    t = tested_var(strip_cond(src, c)) if c is not None else None
    leaves = last_stmt(nxt.child_by_field_name("consequence"))
    return t is not None and t[0] == var and t[1] in ("nonzero", "neg") and leaves is not None and \
        leaves.type in ("goto_statement", "return_statement")


def _loop_sites(src, name, loop) -> list[dict]:
    body = loop.child_by_field_name("body")
    cond = loop.child_by_field_name("condition")
    if body is None or body.type != "compound_statement" or cond is None:
        return []
    cond_text = text(src, cond)
    kids = [k for k in body.named_children if k.type != "comment"]
    out = []
    for i, k in enumerate(kids):
        if k.type != "if_statement" or k.child_by_field_name("alternative") is not None:
            continue
        c = k.child_by_field_name("condition")
        leaves = last_stmt(k.child_by_field_name("consequence"))
        if c is None or leaves is None or leaves.type not in ("break_statement", "return_statement",
                                                              "goto_statement"):
            continue
        t = strip_cond(src, c)
        m = re.fullmatch(r"!\s*(\w+(?:(?:->|\.)\w+)*)|(\w+(?:(?:->|\.)\w+)*)\s*(?:==|<=)\s*0", t)
        if not m:
            continue
        x = m.group(1) or m.group(2)
        later = " ".join(text(src, s) for s in kids[i + 1:])
        for y in re.findall(rf"([A-Za-z_]\w*(?:(?:->|\.)\w+)*)\s*[+-]=\s*{re.escape(x)}(?![\w\[(]|\s*(?:->|\.))", later):
            if re.search(rf"(?<![\w>.]){re.escape(y)}\b", cond_text):
                start = src.rfind(b"\n", 0, k.start_byte) + 1
                end = src.find(b"\n", k.end_byte) + 1
                out.append({"op": "loop-guard", "function": name, "line": k.start_point[0] + 1,
                            "edit": (start, end, b"")})
                break
    return out


def choose(repo: pygit2.Repository, rev: str, per_op: int, seed: int) -> list[dict]:
    commit = repo.revparse_single(rev).peel(pygit2.Commit)
    files = []

    def collect(tree, prefix):
        for e in tree:
            p = prefix + e.name
            if e.type_str == "tree":
                collect(repo[e.id], p + "/")
            elif p.endswith(".c"):
                files.append((p, e.id))
    for d in TOP_DIRS:
        if d in commit.tree:
            collect(repo[commit.tree[d].id], d + "/")
    rng = random.Random(seed)
    rng.shuffle(files)
    parser = new_parser()
    taken: dict[str, int] = Counter()
    dirs_used: set[tuple[str, str]] = set()
    chosen = []
    for path, oid in files:
        if all(taken[o] >= per_op for o in RULE):
            break
        src = repo[oid].data
        found = [s for s in sites(src, parser.parse(src))
                 if taken[s["op"]] < per_op and (s["op"], os.path.dirname(path)) not in dirs_used]
        if not found:
            continue
        s = rng.choice(found)
        s["path"] = path
        taken[s["op"]] += 1
        dirs_used.add((s["op"], os.path.dirname(path)))
        a, b, new = s.pop("edit")
        s["before"] = src[a:b].decode("utf-8", "surrogateescape").strip()
        s["after"] = new.decode()
        s["text"] = src[:a] + new + src[b:]
        chosen.append(s)
    return chosen


def commit_mutants(repo: pygit2.Repository, rev: str, mutants: list[dict], seed: int) -> str:
    base = repo.revparse_single(rev).peel(pygit2.Commit)
    idx = pygit2.Index()
    idx.read_tree(base.tree)
    for m in mutants:
        idx.add(pygit2.IndexEntry(m["path"], repo.create_blob(m.pop("text")), idx[m["path"]].mode))
    tree = idx.write_tree(repo)
    sig = pygit2.Signature("errpath bench", "bench@errpath.invalid", 1_780_000_000, 0)
    sha = repo.create_commit(None, sig, sig, f"mutants: seed {seed}, {len(mutants)} files\n", tree, [base.id])
    repo.references.create(f"refs/heads/mutants/{seed}", sha, force=True)
    return str(sha)


def scan(repo_path: str, rev: str, paths: list[str], jobs: int) -> list[dict]:
    ctx = [a for d in sorted({os.path.dirname(p) + "/" for p in paths}) for a in ("--context", d)]
    cmd = [sys.executable, "-m", "errpath", "scan", *sorted(paths), "--rev", rev, "--repo", repo_path, *ctx,
           "--format", "json", "--min-confidence", "low", "--fail-on", "none", "--reproducible", "-q",
           "-j", str(jobs), "--no-config"]
    p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise SystemExit(f"errpath scan at {rev}: exit {p.returncode}: {p.stderr.strip()[-300:]}")
    return json.loads(p.stdout)["findings"]


def key(f: dict) -> tuple:
    return f["rule"], f["confidence"], re.sub(r"\d+", "N", f.get("message", ""))


def part_of(m: dict) -> str:
    h = hashlib.sha256(f"{m['path']}:{m['function']}".encode()).digest()[0]
    return "tuned" if h % 2 == 0 else "held-out"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", default="/work/kernels/recall.git")
    ap.add_argument("--rev", default="v6.12.117")
    ap.add_argument("-n", "--per-operator", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--json", help="write every mutant and its outcome here")
    ap.add_argument("--list", action="store_true", help="print the mutants (site, before, after) and stop")
    a = ap.parse_args()
    repo = pygit2.Repository(a.repo)
    t0 = time.perf_counter()
    mutants = choose(repo, a.rev, a.per_operator, a.seed)
    if a.list:
        for m in mutants:
            print(f"{m['op']}\t{m['path']}:{m['line']}\t{m['function']}\t{m['before']!r} -> {m['after']!r}")
        return 0
    sha = commit_mutants(repo, a.rev, mutants, a.seed)
    paths = [m["path"] for m in mutants]
    before = scan(a.repo, a.rev, paths, a.jobs)
    after = scan(a.repo, sha, paths, a.jobs)
    by_fn = defaultdict(lambda: ([], []))
    for i, fs in enumerate((before, after)):
        for f in fs:
            by_fn[(f["path"], f.get("function"))][i].append(f)
    for m in mutants:
        old, new = by_fn[(m["path"], m["function"])]
        left = Counter(key(f) for f in old if f["rule"] == RULE[m["op"]])
        added = []
        for f in new:
            if f["rule"] != RULE[m["op"]]:
                continue
            if left[key(f)] > 0:
                left[key(f)] -= 1
            else:
                added.append(f)
        m["part"] = part_of(m)
        m["found"] = max((f["confidence"] for f in added), key=CONFIDENCE_RANK.__getitem__, default=None)
        m["findings"] = [{"line": f["line"], "confidence": f["confidence"], "message": f["message"]} for f in added]
    rows = ["| operator | rule | part | mutants | found at default | found at any |", "|---|---|---|---|---|---|"]
    for op in RULE:
        for part in ("tuned", "held-out", "both"):
            ms = [m for m in mutants if m["op"] == op and (part == "both" or m["part"] == part)]
            d = sum(1 for m in ms if m["found"] in ("medium", "high"))
            n = sum(1 for m in ms if m["found"])
            rows.append(f"| {op} | {RULE[op]} | {part} | {len(ms)} | {d} | {n} |")
    print("\n".join(rows))
    print(f"\n{len(mutants)} mutants in {sha[:12]} ({a.rev}, seed {a.seed}), {time.perf_counter() - t0:.0f} s")
    if a.json:
        Path(a.json).write_text(json.dumps({"rev": a.rev, "seed": a.seed, "commit": sha, "mutants": mutants},
                                           indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
