"""What a function hands back through a pointer parameter: `*out = ERR_PTR(...)`.

Some functions report a pointer through an out-parameter instead of their return
value: `__component_match_add(parent, &match, ...)` stores `ERR_PTR(-ENOMEM)` in
`*matchptr` when it cannot grow the list, and returns nothing; an int function may
store a callee's ERR_PTR in `*out` and still return 0. A caller that passes `&p`
then holds whatever was stored. This module summarises, per function and pointer
parameter, the ERR_PTRs (and NULLs) that may be stored through it:

* `*param = ERR_PTR(-E)` / `ERR_CAST(x)`, `*param = NULL`;
* `*param = g(...)` with g a function that may return an ERR_PTR (its outcomes);
* `*param = v` with v a local last set from one of those and not known valid there
  (not under `!IS_ERR(v)`);
* the parameter handed on whole to a callee that stores through it (a wrapper).

Each store says whether every return reached from it returns an error (`*out =
c; return PTR_ERR(c);`): a caller that gives up on that error never sees it.
The summary is the same question progress.py asks for loops (what a callee does
to `*param`), for the other convention. Memoised per index (analysis.shared).
"""
from __future__ import annotations

import re

from dataclasses import dataclass

from ..facts.functions import FunctionFacts
from ..knowledge.tables import err_ptr_out_params
from .shared import shared_for


@dataclass(frozen=True)
class OutStore:
    kind: str           # "errptr", "null", or "kept" (a path that stores nothing)
    errno: str          # "ENOMEM", or "?" when unknown
    with_error: bool    # every return reached from the store returns an error
    trail: tuple        # ((path, line, function, note), ...), the storing function first


_MAX_DEPTH = 4
_TESTS = frozenset({"IS_ERR", "IS_ERR_OR_NULL", "PTR_ERR", "ERR_CAST", "ERR_PTR", "PTR_ERR_OR_ZERO"})


def _deref_param(var: str, params) -> int | None:
    v = var.replace(" ", "").strip("()")
    if v.startswith("*"):
        v = v[1:].strip("()")
        if v in params:
            return params.index(v)
    return None


def _is_error(fn: FunctionFacts, node_id: int, v, depth: int = 0) -> bool:
    """Is a returned value an error (a negative errno, PTR_ERR(), a negative
    constant, or a local only ever set to one of them on the way)?"""
    if v is None:
        return False
    k = v[0]
    if k in ("errno", "ptrerr"):
        return True
    if k == "int":
        return isinstance(v[1], int) and v[1] < 0
    if k == "var" and depth < 2:
        defs = fn.reaching(node_id, v[1])
        return bool(defs) and all(d[0] != 0 and _is_error(fn, i, d, depth + 1) for i, d in defs)
    return False


def _errors_after(fn: FunctionFacts, start: int, stops: set, handed_callee=None, handed_err=False,
                  names=()) -> bool:
    """Does every return reached from node start (not through another store `stops`)
    return an error? (`return f(...)` of the callee a store was handed to counts as an
    error when that callee's own store goes with one.) A void function never does.
    A test of the stored value (`if (IS_ERR(*acts)) { error = PTR_ERR(*acts); goto
    out; }`, names: `*acts`) is followed on its error side only, and a returned local
    is judged by its definitions on the way from the store when there are any."""
    errs = {f"{t}({x})" for t in ("IS_ERR", "IS_ERR_OR_NULL") for x in names}

    def follow(x, e) -> bool:
        if x.kind in ("exit", "return") or x.id in stops:
            return False
        lits = x.true_lits if e is True else x.false_lits if e is False else ()
        # not the side where the stored value is known valid
        return not (errs and any(a.replace(" ", "") in errs and not pol for a, pol in lits))

    seen = {start} | fn.reachable([s for s, _ in fn.nodes[start].succ], blocked={start}, follow=follow)
    reached = [fn.nodes[n] for n in seen if n != start]
    if any(x.kind == "exit" for x in reached):
        return False   # fell off the end (a void function)
    if any(x.id in stops and x.kind != "return" for x in reached):
        return False   # a later store replaces it: not this store's outcome
    rets = [x for x in reached if x.kind == "return"]
    for x in rets:
        v = x.ret
        if v is not None and v[0] == "call" and handed_callee is not None and v[1] == handed_callee and handed_err:
            continue
        if v is not None and v[0] == "var":
            on_way = [(i, d) for i, d in fn.reaching(x.id, v[1]) if i in seen]
            if on_way and all(_is_error(fn, i, d, 1) for i, d in on_way):
                continue
        if v is None or not _is_error(fn, x.id, v):
            return False
    return bool(rets)


def out_stores(S, fn: FunctionFacts, depth: int = 0) -> dict:
    """{parameter index: (OutStore, ...)} of the ERR_PTRs and NULLs fn may store
    through its pointer parameters; {} for none."""
    memo = shared_for(S.index).setdefault("out-stores", {})
    key = id(fn)
    got = memo.get(key)
    if got is not None:
        return got
    if depth > _MAX_DEPTH:
        return {}
    memo[key] = {}   # a recursive cycle sees nothing more
    res = _compute(S, fn, depth)
    memo[key] = res
    return res


def _compute(S, fn: FunctionFacts, depth: int) -> dict:
    params = fn.params
    if not params:
        return {}
    out: dict[int, list] = {}
    store_nodes: dict[int, set] = {}
    for n in fn.nodes:
        for var, _ in n.defs:
            i = _deref_param(var, params)
            if i is not None:
                store_nodes.setdefault(i, set()).add(n.id)

    def add(i, kind, errno, node, note, more=(), handed=None, handed_err=False):
        stops = store_nodes.get(i, set()) - {node.id}
        names = {f"*{params[i]}"} | {v for v, _ in node.defs if _deref_param(v, params) is None}
        w = _errors_after(fn, node.id, stops, handed, handed_err, names)
        out.setdefault(i, []).append(OutStore(kind, errno, w, ((fn.path, node.line, fn.name, note),) + tuple(more)))

    def classify(i, n, val, text, reach_depth=0):
        k = val[0]
        if k in ("errptr", "errcast"):
            inner = val[1]
            errno = inner[1] if k == "errptr" and inner and inner[0] == "errno" else "?"
            add(i, "errptr", errno, n, f"{fn.name}() stores an ERR_PTR through '{params[i]}': {text}")
        elif k == "null":
            add(i, "null", "", n, f"{fn.name}() stores NULL through '{params[i]}': {text}")
        elif k == "call" and val[1] and S.may_return_err_ptr(val[1], fn.path):
            call = next((c for c in n.calls if c.name == val[1]), None)
            outs, _ = S.returns_of(val[1], fn.path, call, fn)
            for (kind, detail, _tag), trail in outs.items():
                if kind == "errptr":
                    add(i, "errptr", detail or "?", n,
                        f"{fn.name}() stores what {val[1]}() returns through '{params[i]}': {text}",
                        tuple(trail[-1:]))
                    break
        elif k == "var" and reach_depth == 0:
            v = val[1]
            if fn.holds(n.id, f"IS_ERR({v})", False) or fn.holds(n.id, f"IS_ERR_OR_NULL({v})", False):
                return   # stored on the side where it is known valid
            for _, d in fn.reaching(n.id, v):
                if d and d[0] in ("errptr", "errcast", "call"):
                    classify(i, n, d, text, 1)

    for n in fn.nodes:
        for var, val in n.defs:
            i = _deref_param(var, params)
            if i is not None and val:
                classify(i, n, val, n.text.strip())
        for c in n.calls:
            if c.name is None or c.name in _TESTS:
                continue
            for j, a in enumerate(c.args):
                if a not in params:
                    continue
                g = S.resolve(c.name, fn.path)
                if g is None or g is fn:
                    continue
                sub = out_stores(S, g, depth + 1).get(j)
                if not sub:
                    continue
                i = params.index(a)
                for st in sub:
                    add(i, st.kind, st.errno, n,
                        f"{fn.name}() hands '{a}' to {c.name}(), which may store through it: {n.text.strip()}",
                        st.trail, handed=c.name, handed_err=st.with_error)
    # a path on which nothing is stored leaves the caller's own value (NULL, or
    # uninitialised): "kept", so that an ERR_PTR is never the only failure kind
    for i in list(out):
        stops = store_nodes.get(i, set()) | {n.id for n in fn.nodes for c in n.calls
                                             if params[i] in c.args and c.name not in _TESTS}
        if any(fn.nodes[x].kind == "exit" for x in fn.reachable(blocked=stops)):
            out[i].append(OutStore("kept", "", False, ((fn.path, fn.line, fn.name,
                                                         f"{fn.name}() may return without storing "
                                                         f"through '{params[i]}'"),)))
    return {i: tuple(v) for i, v in out.items()}


_MAKERS = frozenset({"ERR_PTR", "ERR_CAST"})


# where a function's source may write through, or hand on, a plain name: `*out =`,
# `*(out) =`, `out[i] =`, or `out` bare among a call's arguments (the tails are
# lookaheads, so that `f(a, b)` yields both names). One pattern for every function:
# a pattern per parameter name overflowed re's cache and recompiled on every call.
_WRITTEN = (re.compile(rb"\*\s*\(?\s*([A-Za-z_]\w*)(?=\s*\)?\s*=[^=])"),
            re.compile(rb"\b([A-Za-z_]\w*)(?=\s*\[[^\]]*\]\s*=[^=])"),
            re.compile(rb"[(,]\s*([A-Za-z_]\w*)(?=\s*[,)])"))
# a call with `&` among its arguments: `name(... &x ...)` before the statement ends
_CALL_WITH_ADDR = re.compile(rb"\b([A-Za-z_]\w*)\s*\((?=[^;]*&)")


def _writes_through_param(src: bytes, params) -> bool:
    """Light, from the source text: does the function assign through a parameter
    (`*out = `, `out[0] = `) or hand one on bare to a call (`helper(dev, out)`)?
    Without either, nothing it does can reach the caller's `&p`."""
    want = {p.encode() for p in params if p and p.isidentifier()}
    if not want:
        return False
    return any(m.group(1) in want for r in _WRITTEN for m in r.finditer(src))


def may_store(S, fn: FunctionFacts, depth: int = 0) -> bool:
    """From the light facts only (no CFG decoded): may fn store an ERR_PTR through a
    parameter? It makes one (ERR_PTR/ERR_CAST), or calls something that may return
    one, or calls something that may store one (a wrapper handing its parameter on),
    and has a parameter at all. Over-approximate; out_stores() says what it does."""
    memo = shared_for(S.index).setdefault("out-may-store", {})
    got = memo.get(id(fn))
    if got is not None:
        return got
    if not fn.params or depth > _MAX_DEPTH:
        return False
    memo[id(fn)] = False   # cycles
    src = fn.source()
    if src is not None and not _writes_through_param(src, fn.params):
        return False   # memo stays False: no `*p = ...`, `p[i] = ...` or bare hand-on of a parameter
    from ..facts.functions import has_token
    res = has_token(fn, _MAKERS) or S.may_call_err_ptr(fn)
    if not res:
        for name in fn.call_names:
            g = S.resolve(name, fn.path)
            if g is not None and g is not fn and may_store(S, g, depth + 1):
                res = True
                break
    memo[id(fn)] = res
    return res


def may_call_storer(S, fn: FunctionFacts) -> bool:
    """Does fn hand something by address (`f(dev, &p)`) to a function that may store
    an ERR_PTR through a parameter? Light facts first (may_store(), and the `&` test
    read from fn's source when the facts keep it); then the store summary of the few
    callees left (their CFGs, shared by all their callers): a caller's own CFG is
    decoded only when an ERR_PTR store can reach it. Without the summary, 2.6k fs/
    functions were decoded and checked call by call for 56 out-parameter checks."""
    known = err_ptr_out_params()
    names = fn.call_names
    src = fn.source()
    if src is not None:
        # the `&` test first: a regex over the text is cheaper than may_store()'s walk
        handed = {m.group(1) for m in _CALL_WITH_ADDR.finditer(src)}
        names = [n for n in names if n.encode() in handed]
    names = [n for n in names for g in [S.resolve(n, fn.path)]
             if g is not None and may_store(S, g) or g is None and n in known]
    return any(s.kind == "errptr" for n in names for st in stores_of(S, n, fn.path)[0].values() for s in st)


def stores_of(S, name: str, from_path: str):
    """(the stores of a call to `name`: {parameter index: (OutStore, ...)}, its
    definition or None): read from the definition the call resolves to, else from
    errpath/data/err_ptr_out_params.txt for a well-known API outside the analysis."""
    memo = shared_for(S.index).setdefault("out-stores-of", {})
    key = (name, from_path)
    got = memo.get(key)
    if got is None:
        got = memo[key] = _stores_of(S, name, from_path)
    return got


def _stores_of(S, name: str, from_path: str):
    g = S.resolve(name, from_path)
    known = err_ptr_out_params().get(name)
    if g is not None and known is None and not may_store(S, g):
        return {}, g   # (light: no need to ask whether its definitions are stubs)
    if g is not None and known is None:
        # (a summary with no ERR_PTR store is empty whether or not the definitions are
        # configuration stubs: is_stub() decodes and summarises each of them)
        got = out_stores(S, g)
        if not any(s.kind == "errptr" for st in got.values() for s in st):
            return {}, g
        return (got if any(not S.is_stub(d) for d in S.duplicates(g)) else {}), g
    if g is not None and any(not S.is_stub(d) for d in S.duplicates(g)):
        return (out_stores(S, g) if may_store(S, g) else {}), g
    if known is None:
        return {}, None
    i, errno = known
    return {i: (OutStore("errptr", errno, False, ((from_path, 0, name,
                                                   f"{name}() stores ERR_PTR(-{errno}) through its parameter "
                                                   f"{i + 1} on failure (known API)"),)),)}, None
