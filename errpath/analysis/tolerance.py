"""Pointer-parameter facts: does a function accept a NULL or an ERR_PTR argument?

`platform_device_unregister(pdev)` hands its argument to two helpers that each
begin with `if (!IS_ERR_OR_NULL(pdev))`; `clk_prepare(clk)` begins with
`if (!clk) return 0;`. A caller that misses a failure and only hands the bad
pointer to such functions loses nothing: the callee tests it first.

`tolerates(S, path, name, i, kind)` answers for argument i of `name` and kind
"null" (a NULL) or "err" (an ERR_PTR), from the callee's definition when the
analysis has it: the first statement that reads the parameter tests it (`!p`,
`p == NULL` for NULL; IS_ERR()/IS_ERR_OR_NULL() for ERR_PTR, and
IS_ERR_OR_NULL() for both), or every statement that reads it hands it on whole
to functions that tolerate it (two calls down). Outside the analysis, from
errpath/data/tolerant_params.txt; also when the definition's first read of the
parameter is a macro statement we cannot see into (gpiolib's
`VALIDATE_DESC_VOID(desc);`) and the table lists the function. The answer is an Evidence naming the test, or
None.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from ..model import Evidence

MAX_DEPTH = 2


@lru_cache(maxsize=None)
def tolerant_params() -> dict[str, tuple[int, frozenset]]:
    """name -> (argument index, kinds it accepts) for functions outside the analysis."""
    from ..knowledge import tables
    out = {}
    # the generated list (bench/kernel_returners.py) first: the hand-kept one overrides it
    for name in (("tolerant_params_kernel",) if tables.KERNEL_LISTS else ()) + ("tolerant_params",):
        text = resources.files("errpath").joinpath(f"data/{name}.txt").read_text()
        for line in text.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                cols = line.split()
                out[cols[0]] = (-1 if cols[1] == "*" else int(cols[1]), frozenset(cols[2].split(",")))
    return out


# a statement that is a call of an upper-case name: a macro with no definition in sight
_MACRO_STMT = re.compile(r"([A-Z][A-Z0-9_]*)\s*\(.*\)\s*;?$", re.S)


@lru_cache(maxsize=20000)
def _word(p: str) -> re.Pattern:
    return re.compile(r"(?<![\w.>])%s(?!\w)" % re.escape(p))


@lru_cache(maxsize=20000)
def _deref(p: str) -> re.Pattern:
    return re.compile(r"(?<![\w.>])%s\s*(?:->|\[)" % re.escape(p))


def _tests(x, q: str, kind: str) -> bool:
    """Does cond node x test q for the kind (a NULL test, an IS_ERR() test)?"""
    t = x.text.replace(" ", "")
    if f"IS_ERR_OR_NULL({q})" in t:
        return True
    if kind == "err":
        return f"IS_ERR({q})" in t
    return any(a == q for a, _ in x.true_lits | x.false_lits) or f"{q}==NULL" in t or f"{q}!=NULL" in t


def tolerates(S, path: str, name: str | None, i: int, kind: str, depth: int = 0, args=()) -> Evidence | None:
    if not name:
        return None
    row = tolerant_params().get(name)
    if row is not None and row[0] == -1:
        # printk-like: only the arguments after the format are printed
        if kind in row[1] and any(a.lstrip().startswith('"') for a in args[:i]):
            return Evidence(path, 0, name, f"{name}() prints its argument {i + 1}, and vsprintf checks a "
                                           f"pointer before reading it (known API)")
        return None
    memo = S.__dict__.setdefault("_tolerates", {})
    key = (path, name, i, kind, depth)
    if key in memo:
        return memo[key]
    memo[key] = None   # recursion guard
    memo[key] = res = _tolerates(S, path, name, i, kind, depth)
    return res


def _known(path, name, i, kind):
    row = tolerant_params().get(name)
    if row is not None and row[0] == i and kind in row[1]:
        what = "a NULL" if kind == "null" else "an ERR_PTR"
        return Evidence(path, 0, name, f"{name}() accepts {what} as argument {i + 1} (known API)")
    return None


def _tolerates(S, path, name, i, kind, depth):
    g = S.resolve(name, path)
    if g is None or S.is_stub(g) or i >= len(g.params):
        return _known(path, name, i, kind)
    q = g.params[i]
    word = _word(q)
    uses = sorted((x for x in g.nodes if x.kind not in ("entry", "exit") and word.search(x.text)
                   and any(u == q or u.startswith((q + "->", q + ".", q + "[")) for u in x.uses | {v for v, _ in x.defs})),
                  key=lambda x: (x.line, x.id))
    if not uses:
        # a body that never reads it (`might_sleep(); return 0;`, a !CONFIG twin): not the contract
        return _known(path, name, i, kind)
    first = uses[0]
    if first.kind == "cond" and _tests(first, q, kind):
        return Evidence(g.path, first.line, g.name, f"{name}() tests '{q}' before using it: {first.text}")
    mac = _MACRO_STMT.match(first.text.strip())
    if mac and first.kind != "cond" and S.resolve(mac.group(1), g.path) is None:
        # a validation macro we cannot see into (gpiolib's `VALIDATE_DESC_VOID(desc);`
        # returns on IS_ERR_OR_NULL()): the known-API table may say what it accepts
        known = _known(path, name, i, kind)
        if known is not None:
            return known
    if depth >= MAX_DEPTH:
        return None
    # only handed on, whole, to functions that tolerate it
    via = None
    for x in uses:
        if _deref(q).search(x.text) or any(v == q for v, _ in x.defs) or x.kind == "return":
            return None
        n_args = 0
        for c in x.calls:
            for j, a in enumerate(c.args):
                if a.replace(" ", "") == q:
                    ev = tolerates(S, g.path, c.name, j, kind, depth + 1, c.args)
                    if ev is None:
                        return None
                    via = via or (c.name, ev)
                    n_args += 1
        if n_args == 0 or len(word.findall(x.text)) != n_args:
            return None   # read some other way (stored, compared, offset)
    if via is None:
        return None
    return Evidence(g.path, g.line, g.name, f"{name}() only hands '{q}' on to {via[0]}(), which accepts it; "
                                            f"{via[1].note}")


def harmless_uses(S, fn, p: str, kind: str, skip: set, file_wide: bool) -> list | None:
    """Evidence when every read of p (in fn, and in the other functions of its file when
    p is a field or a file-scope variable) is a test of it, an assignment to it, or a
    call that hands it whole to a function tolerating the kind; else None. Nodes in
    skip (the test being judged, the defining call) are not uses."""
    member = None
    if "->" in p or "." in p:
        member = re.split(r"->|\.", p, maxsplit=1)[1]
        last = re.split(r"->|\.", member)[-1]
        pat = re.compile(r"(?:->|\.)%s(?![\w\[(])" % re.escape(member).replace(r"\.", r"(?:\.|->)"))
    else:
        last = p
        pat = _word(p)
    funcs = [fn]
    if file_wide:
        funcs += [g for g in S.index.by_file.get(fn.path, {}).values() if g is not fn and last in g.text_tokens]
    ev: list = []
    for g in funcs:
        for x in g.nodes:
            if x.kind in ("entry", "exit") or (g is fn and x.id in skip):
                continue
            if member is None and (x.kind == "decl" and "=" not in x.text
                                   or not any(u == p or u.startswith((p + "->", p + ".", p + "["))
                                              for u in x.uses | {v for v, _ in x.defs})):
                continue   # a declaration without a value
            t = re.sub(r"\s*(->|\.)\s*", r"\1", x.text)
            hits = list(pat.finditer(t))
            if not hits:
                continue
            for h in hits:
                rest = t[h.end():].lstrip()
                if rest.startswith(("->", "[")):
                    return None   # dereferenced
            n_ok = 0
            for c in x.calls:
                for j, a in enumerate(c.args):
                    a = a.replace(" ", "")
                    m = pat.fullmatch(a) if member is None else pat.search(a)
                    if m is None or (member is not None and (m.end() != len(a) or "(" in a)):
                        continue
                    if c.name in ("IS_ERR", "IS_ERR_OR_NULL", "PTR_ERR", "PTR_ERR_OR_ZERO"):
                        n_ok += 1
                        continue
                    e = tolerates(S, g.path, c.name, j, kind, 0, c.args)
                    if e is None:
                        return None
                    if len(ev) < 2:
                        ev.append(Evidence(g.path, x.line, g.name, f"handed to {c.name}(), which accepts it: {x.text}"))
                        ev.append(e)
                    n_ok += 1
            if x.kind == "cond":
                n_ok += sum(1 for a, _ in x.true_lits | x.false_lits
                            if (pat.fullmatch(a.replace(" ", "")) if member is None
                                else (pat.search(a.replace(" ", "")) and a.replace(" ", "").endswith(last))))
            lhs = re.match(r"^(.*?[^=!<>])=(?!=)", t)
            lv = lhs.group(1).rstrip() if lhs else ""
            if lhs and pat.search(lv) and pat.search(lv).end() == len(lv):
                n_ok += 1   # a new value
            if n_ok < len(hits):
                return None   # read some other way: stored, returned, compared, offset
    return ev
