"""Flow: the value-flow dataflow of one function -- what a value may be at a
node, through assignments, callee summaries and guards. Its GFP/flag questions
are the FlowMasks mixin (errpath.analysis.masks)."""
from __future__ import annotations

import heapq

from .formulas import (_assert_lits, _guard_atom, _implied, _implied_true, _simplify, atom_constraints,
    condition_formula)
from .masks import FlowMasks
from .outcomes import ERR_TESTS, FLAGGABLE, _EMPTY, _filter, _merge, _one, _tag_rank
from ..facts.functions import FunctionFacts
from ..knowledge.tables import allocators, err_ptr_returners, null_returners
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .summaries import Summaries


# ---------------------------------------------------------------------------
# one function under one mode


class Flow(FlowMasks):
    """Value flow through one function under one mode ("set", "clear", "any"):
    which definitions (with which tests applied since) reach each statement,
    over the edges the mode allows."""

    def __init__(self, S: "Summaries", fn: FunctionFacts, mode: str):
        self.S, self.fn, self.mode = S, fn, mode
        self.info = S.info(fn)
        self._memo: dict = {}
        self._edge_cache: dict = {}
        self._allocs: dict = {}
        self.call_states: dict = {}
        self._run()

    # -- mode and edges ------------------------------------------------------
    def lit_value(self, atom: str) -> bool | None:
        if self.mode == "any":
            return None
        if atom in self.info.flag_atoms:
            return self.mode == "set"
        return None

    def edge_lits(self, nid: int, truth: bool):
        """Literals that hold on the edge, or None if the mode rules it out."""
        key = (nid, truth)
        if key in self._edge_cache:
            return self._edge_cache[key]
        n = self.fn.nodes[nid]
        lits = n.true_lits if truth else n.false_lits
        res = lits
        fa = self.info.flag_atoms
        if self.mode != "any" and fa and (any(a in fa for a, _ in n.true_lits | n.false_lits)
                                          or "&&" in n.text or "||" in n.text):
            f = None
            if "&&" in n.text or "||" in n.text or "?" in n.text:
                f = condition_formula(n.text)
            if f is None and len(n.true_lits) == 1 and len(n.false_lits) == 1:
                (a, p), = n.true_lits
                f = ("atom", a) if p else ("not", ("atom", a))
            if f is not None:
                s = _simplify(f, self.lit_value)
                if s is (not truth):
                    res = None
                elif s is truth:
                    res = frozenset()
                else:
                    res = _implied(s, truth)
            else:
                for a, p in lits:
                    v = self.lit_value(a)
                    if v is not None and v != p:
                        res = None
                        break
        self._edge_cache[key] = res
        return res

    # -- dataflow ------------------------------------------------------------
    # A node's state is a short list of *path states* (var -> items); an item is
    # (defining node, tests applied since, hint). A path state in which a tracked
    # variable has no consistent item left is infeasible and dropped: this is what
    # keeps `if (IS_ERR(s)) err = PTR_ERR(s); ... if (err) return NULL; return s;`
    # from returning an ERR_PTR. Past MAX_PATHS the states of a node are merged.
    MAX_PATHS = 10

    def _run(self) -> None:
        fn = self.fn
        nodes = fn.nodes
        tracked = self.info.tracked
        tested = self.info.tested
        # path-insensitive part: untested variables, merged over all paths
        SH: list = [None] * len(nodes)
        SH[0] = {v: frozenset({(0, _EMPTY, "?")}) for v in tracked if v not in tested}
        # path-sensitive part: the tested variables, a few path states per node
        IN: list = [None] * len(nodes)
        IN[0] = [{v: frozenset({(0, _EMPTY, "?")}) for v in tested}]
        collapsed: set = set()
        order = _rpo(fn)
        rank = {nid: i for i, nid in enumerate(order)}
        work = [0]
        queued = {0}
        budget = 40 * len(order) + 100
        sent: dict = {}        # node -> {id(state): state} already propagated from it
        live_edges: dict = {}  # node -> successor indexes some state went along
        while work and budget > 0:
            budget -= 1
            nid = order[heapq.heappop(work)]
            queued.discard(rank[nid])
            states = IN[nid]
            if not states:
                continue
            n = nodes[nid]
            sh = SH[nid]
            done = sent.setdefault(nid, {})
            fresh = [st for st in states if id(st) not in done]
            for st in fresh:
                done[id(st)] = st
            sh_out = self._transfer_shared(nid, sh, states)
            outs = [o for o in (self._transfer(nid, st, sh) for st in fresh) if o is not None]
            live = live_edges.setdefault(nid, set())
            for i, (s, edge) in enumerate(n.succ):
                lits = None
                if (edge is True or edge is False) and n.kind == "cond":
                    lits = self.edge_lits(nid, edge)
                    if lits is None:
                        continue
                changed = False
                for o in outs:
                    if lits:
                        o = self._constrain(o, lits)
                        if o is None:
                            continue
                    live.add(i)
                    if self._add_state(IN, s, o, collapsed):
                        changed = True
                if i in live:
                    cur = SH[s]
                    if cur is None:
                        SH[s] = sh_out
                        changed = True
                    elif cur is not sh_out:
                        new = None
                        for v, items in sh_out.items():
                            c = cur.get(v)
                            if c is None or not (items <= c):
                                if new is None:
                                    new = dict(cur)
                                new[v] = items if c is None else (c | items)
                        if new is not None:
                            SH[s] = new
                            changed = True
                if changed and s in rank and rank[s] not in queued:
                    queued.add(rank[s])
                    heapq.heappush(work, rank[s])
        self.IN = IN
        self.SH = SH
        self._union: dict = {}

    def _add_state(self, IN: list, s: int, st: dict, collapsed: set) -> bool:
        cur = IN[s]
        if cur is None:
            IN[s] = [st]
            return True
        for c in cur:
            if c is st or all(v == "$sig" or items is c.get(v) or items <= c.get(v, _EMPTY)
                              for v, items in st.items()):
                return False
        if s not in collapsed:
            sig = _signature(st)
            for i, c in enumerate(cur):
                if _signature(c) == sig:   # same kinds of values: merging loses nothing we use
                    cur[i] = _union_state(c, st)
                    return True
            if len(cur) < self.MAX_PATHS:
                cur.append(st)
                return True
        IN[s] = [_union_state(*cur, st)]
        collapsed.add(s)
        return True

    def _transfer_shared(self, nid: int, sh: dict, states: list) -> dict:
        n = self.fn.nodes[nid]
        out = sh
        if n.defs and nid != 0:
            for v, val in n.defs:
                if v in sh:
                    if out is sh:
                        out = dict(sh)
                    out[v] = frozenset({(nid, _EMPTY, "?")})
        allocs = self._allocs.get(nid)
        if allocs is None:
            allocs = self._allocs[nid] = [i for i, c in enumerate(n.calls) if c.name in allocators()]
        if allocs:
            if out is sh:
                out = dict(sh)
            out["$alloc"] = out.get("$alloc", _EMPTY) | {(nid, i, "") for i in allocs}
        return out

    def _transfer(self, nid: int, inn: dict, sh: dict):
        n = self.fn.nodes[nid]
        out = inn
        if n.defs and nid != 0:
            for v, val in n.defs:
                if v in inn:
                    if out is inn:
                        out = dict(inn)
                        out.pop("$sig", None)
                    out[v] = frozenset({(nid, _EMPTY, _hint(val, inn, sh))})
        for c in n.calls:
            if (c.name in ("BUG_ON", "VM_BUG_ON") and len(c.args) == 1) or \
                    (c.name and c.name.startswith("wait_event") and len(c.args) >= 2):
                lits = _assert_lits(c.args[0]) if c.name.endswith("BUG_ON") else _implied_true(c.args[1])
                if lits:
                    out = self._constrain(out, lits)
                    if out is None:
                        return None
        return out

    def _constrain(self, state: dict, lits):
        """The path state after the literals hold, or None if that is impossible."""
        new = None
        for atom, pol in lits:
            for var, ct, cf in atom_constraints(atom):
                cons = ct if pol else cf
                if cons is None:
                    continue
                items = (new or state).get(var)
                if items is None:
                    continue
                if new is None:
                    new = dict(state)
                    new.pop("$sig", None)
                if len(items) > 48:   # too many variants: forget the tests, keep the defs
                    new[var] = frozenset((d, _EMPTY, h) for d, _, h in items)
                    continue
                kept = frozenset((d, filt | {cons}, h) for d, filt, h in items
                                 if _consistent(filt, cons, h))
                if not kept:
                    return None
                new[var] = kept
        return state if new is None else new

    # -- values ----------------------------------------------------------------
    def items(self, nid: int, var: str):
        """Items of var at a node, over all its path states (None: not followed)."""
        key = (nid, var)
        u = self._union.get(key, False)
        if u is not False:
            return u
        res = None
        if var in self.info.tested:
            states = self.IN[nid]
            if states:
                for st in states:
                    it = st.get(var)
                    if it is not None:
                        res = it if res is None else (res | it)
        else:
            sh = self.SH[nid]
            res = sh.get(var) if sh is not None else None
        self._union[key] = res
        return res

    def var_value(self, var: str, nid: int, depth: int = 0, extra: frozenset = _EMPTY) -> dict:
        items = self.items(nid, var)
        if extra and items:
            for atom, pol in extra:
                for v, ct, cf in atom_constraints(atom):
                    cons = ct if pol else cf
                    if v == var and cons is not None:
                        items = frozenset((d, f | {cons}, h) for d, f, h in items if _consistent(f, cons, h))
        if items is None:
            return _one("unknown", "", "", ((self.fn.path, self.fn.nodes[nid].line, self.fn.name,
                                            f"'{var}' is not followed"),))
        out: dict = {}
        for d, filt, _ in sorted(items, key=lambda x: (x[0], len(x[1]))):
            base = self.def_value(d, var, depth)
            for cons in sorted(filt, key=str):
                base = _filter(base, cons)
            _merge(out, base)
        return out

    def def_value(self, d: int, var: str, depth: int) -> dict:
        key = (d, var)
        memo = self._memo.get(key)
        if memo is not None:
            return memo
        self._memo[key] = {}   # a cycle through this definition adds nothing
        if d == 0:
            if var in self.fn.params:
                res = _one("unknown", "", "", ((self.fn.path, self.fn.line, self.fn.name,
                                               f"parameter '{var}'"),))
            else:
                res = _one("unknown")
        else:
            val = None
            for v, x in self.fn.nodes[d].defs:
                if v == var:
                    val = x
            res = self.value(val, d, depth + 1) if val is not None else _one("unknown")
        self._memo[key] = res
        return res

    def value(self, val, nid: int, depth: int = 0, extra: frozenset = _EMPTY) -> dict:
        """Outcomes of a value at a node; `extra` are literals known to hold there
        (the condition of the `c ? a : b` branch being evaluated)."""
        if depth > 40:
            return _one("unknown")
        k = val[0]
        fn = self.fn
        if k == "int":
            return _one("zero") if val[1] == 0 else _one("int")
        if k == "errno":
            tag, steps = ("", ())
            if val[1] == "ENOMEM":
                tag, steps = self.origin(nid)
            node = fn.nodes[nid]
            return _one("errno", val[1], tag, steps + ((fn.path, node.line, fn.name, f"-{val[1]}: {node.text}"),))
        if k == "errptr":
            inner = self.value(val[1], nid, depth + 1, extra)
            out: dict = {}
            for (kind, detail, tag), trail in inner.items():
                if kind == "errno":
                    out.setdefault(("errptr", detail, tag), trail)
                elif kind in ("zero", "null"):
                    out.setdefault(("null", "", ""), trail)
                else:
                    out.setdefault(("errptr", "?", ""), trail)
            return out
        if k == "ptrerr":
            inner = self.value(val[1], nid, depth + 1, extra)
            out = {}
            for (kind, detail, tag), trail in inner.items():
                if kind == "errptr":
                    out.setdefault(("errno", detail, tag), trail)
                elif kind in ("null", "zero"):
                    out.setdefault(("zero", "", ""), trail)
                else:
                    out.setdefault(("unknown", "", ""), trail)
            return out
        if k == "errcast":
            inner = self.value(val[1], nid, depth + 1, extra)
            return {key: t for key, t in inner.items() if key[0] in ("errptr", "null", "unknown")} \
                or _one("unknown")
        if k == "null":
            if self.mode == "set":
                # a NULL that says "would block" (a trylock failed on the flag's branch) or
                # "a non-blocking allocation failed": a caller that turns it into -ENOMEM
                # owes -EAGAIN (seed 000 before 6.4: iomap_write_begin() on
                # __filemap_get_folio()'s NULL)
                tag, steps = self.origin(nid)
                if tag in FLAGGABLE:
                    node = fn.nodes[nid]
                    return _one("null", "", tag, steps + ((fn.path, node.line, fn.name,
                                                           f"NULL: {node.text}"),))
            return _one("null")
        if k in ("var", "param"):
            return self.var_value(val[1], nid, depth, extra)
        if k == "call":
            return self.call_value(val, nid, depth)
        if k == "cond":
            pick = self._choose(val[1])
            lits = val[1]
            ea = extra | lits
            eb = extra | {(a, not p) for a, p in lits} if len(lits) == 1 else extra
            if pick is True:
                return self.value(val[2], nid, depth + 1, ea)
            if pick is False:
                return self.value(val[3], nid, depth + 1, eb)
            out = dict(self.value(val[2], nid, depth + 1, ea))
            _merge(out, self.value(val[3], nid, depth + 1, eb))
            return out
        if k == "un":
            if val[1] == "&":
                return _one("ptr")
            return _one("unknown")
        if k == "field":
            return _one("noterr", "", "", ((fn.path, fn.nodes[nid].line, fn.name, f"'{val[1]}' is a field read"),))
        if k in ("macro", "minmax", "sizeof"):
            return _one("int")
        return _one("unknown")

    def _choose(self, lits) -> bool | None:
        """For `c ? a : b` with c's literals: True = a under this mode, False = b."""
        if self.mode == "any" or not lits:
            return None
        known = [(self.lit_value(a), p) for a, p in lits]
        if any(v is not None and v != p for v, p in known):
            return False
        if all(v is not None and v == p for v, p in known):
            return True
        return None

    def find_call(self, nid: int, val):
        for c in self.fn.nodes[nid].calls:
            if c.name == val[1] and c.arg_values == val[2]:
                return c
        for c in self.fn.nodes[nid].calls:
            if c.name == val[1]:
                return c
        return None

    def call_value(self, val, nid: int, depth: int) -> dict:
        fn = self.fn
        name = val[1]
        node = fn.nodes[nid]
        if name is None:
            return _one("unknown", "", "", ((fn.path, node.line, fn.name,
                                            f"'{val[3]}()' is called through a function pointer: its results are unknown"),))
        if name == "PTR_ERR_OR_ZERO" and val[2]:
            inner = self.value(val[2][0], nid, depth + 1)
            out: dict = {}
            for (kind, detail, tag), trail in inner.items():
                if kind == "errptr":
                    out.setdefault(("errno", detail, tag), trail)
                elif kind in ("null", "zero", "ptr", "noterr"):
                    out.setdefault(("zero", "", ""), trail)
                else:
                    out.setdefault(("unknown", "", ""), trail)
            return out
        if name in ERR_TESTS:
            return _one("int")
        alloc = allocators().get(name)
        call = self.find_call(nid, val)
        if alloc is not None:
            idx, _ = alloc
            if idx < 0:
                tag, what = "b", "may sleep"
            elif any("__GFP_NOFAIL" in a for a in (call.args if call is not None else ())):
                return _one("ptr")
            else:
                tag, what = self.gfp_tag(val[2][idx], nid, nid) if idx < len(val[2]) else ("", "unknown gfp mask")
            return {("ptr", "", ""): (),
                    ("null", "", tag): ((fn.path, node.line, fn.name,
                                         f"{name}() can fail ({what}): {node.text}"),)}
        callee = self.S.resolve(name, fn.path)
        if callee is not None and self.S.is_stub(callee):
            real = [d for d in self.S.duplicates(callee) if not self.S.is_stub(d)]
            callee = real[0] if real else None
            if callee is None and name not in err_ptr_returners() and name not in null_returners():
                return _one("unknown", "", "", ((fn.path, node.line, fn.name,
                                                f"{name}() is a configuration stub here: unknown"),))
        if callee is None:
            where = "is not in the analysed paths" if callee is None else "is a configuration stub here"
            if name in err_ptr_returners():
                return {("ptr", "", ""): (), ("errptr", "?", ""): ((fn.path, node.line, fn.name,
                                                                   f"{name}() returns ERR_PTR on failure (known API)"),)}
            if name in null_returners():
                return {("ptr", "", ""): (), ("null", "", ""): ((fn.path, node.line, fn.name,
                                                                f"{name}() returns NULL on failure (known API)"),)}
            return _one("unknown", "", "", ((fn.path, node.line, fn.name, f"{name}() {where}"),))
        cmode = self.call_mode(call, callee) if call is not None else "unknown"
        outs = self.S.prune_for_call(self.S.call_outcomes(callee, cmode), callee, call)
        res: dict = {}
        step = (fn.path, node.line, fn.name, f"{name}() returns it here: {node.text}")
        pre = ()
        if cmode == "set" and self.info.flag_tests:
            line, text = self.info.flag_tests[0]
            pre = ((fn.path, line, fn.name, f"NOWAIT flag tested: {text}"),)
        for (kind, detail, tag), trail in outs.items():
            if node.kind != "return":
                trail = trail + (step,)
            if isinstance(tag, tuple) and tag[0] == "gfp":
                i = tag[1]
                if call is not None and i < len(call.arg_values):
                    tag = self.gfp_tag(call.arg_values[i], nid, nid)[0]
                else:
                    tag = ""
            if pre and tag in FLAGGABLE:
                trail = pre + trail
            res.setdefault((kind, detail, tag), trail)
        return res

    # -- ENOMEM origin ---------------------------------------------------------
    def origin(self, nid: int) -> tuple:
        """(tag, evidence steps) for an -ENOMEM produced at node nid."""
        fn = self.fn
        must = fn.must_hold(nid)
        best, steps = None, ()
        for atom, pol in must:
            for var, ct, cf in atom_constraints(atom):
                cons = ct if pol else cf
                if cons not in ("z", "err", "eon"):
                    continue
                items = self.items(nid, var)
                if not items:
                    continue
                for (kind, detail, tag), trail in self.var_value(var, nid).items():
                    if kind in ("null", "errptr") and (best is None or _tag_rank(tag) > _tag_rank(best)):
                        best, steps = tag, trail
        if best is not None and best != "":
            return best, self._with_flag_test(best, steps)
        if self.mode == "set":
            for atom, pol in must:
                if atom in self.info.flag_atoms and pol:
                    line, text = next(((l, t) for l, t in self.info.flag_tests), (fn.line, atom))
                    return "flag", ((fn.path, line, fn.name, f"NOWAIT flag tested: {text}"),)
        t, s = self.allocs_before(nid)
        if t:
            return t, self._with_flag_test(t, s)
        return "", ()

    def _with_flag_test(self, tag, steps: tuple) -> tuple:
        if tag == "nb" and self.mode == "set" and self.info.flag_tests:
            line, text = self.info.flag_tests[0]
            step = (self.fn.path, line, self.fn.name, f"NOWAIT flag tested: {text}")
            if step not in steps:
                return (step,) + steps
        return steps

    def allocs_before(self, nid: int) -> tuple:
        items = self.items(nid, "$alloc") or ()
        best, steps = "", ()
        for d, i, _ in sorted(items):
            n = self.fn.nodes[d]
            c = n.calls[i]
            idx, _ = allocators()[c.name]
            if idx < 0:
                tag, what = "b", "may sleep"
            elif idx < len(c.arg_values):
                tag, what = self.gfp_tag(c.arg_values[idx], d, d)
            else:
                tag, what = "", "unknown gfp mask"
            if _tag_rank(tag) > _tag_rank(best):
                best, steps = tag, ((self.fn.path, n.line, self.fn.name, f"{c.name}() can fail ({what}): {n.text}"),)
        return best, steps

    # -- results -----------------------------------------------------------------
    def outcomes(self) -> dict:
        fn = self.fn
        out: dict = {}
        guards: dict = {}
        params = frozenset(fn.params)
        # a bit test is decided only with this file's macro values (guard_refuted),
        # which only a caller in this file can pass: a static function's
        bits = self.S.index.int_macros.get(fn.path, {}) if fn.is_static else {}
        # guards need must-hold conditions: only worth it if some test compares a parameter
        has_guards = any(_guard_atom(a, params, bits) for n in fn.nodes if n.kind == "cond"
                         for a, _ in n.true_lits | n.false_lits)
        for n in fn.nodes:
            if n.kind != "return" or n.ret is None or not self.IN[n.id]:
                continue
            vals = self.value(n.ret, n.id)
            step = (fn.path, n.line, fn.name, f"returns: {n.text}")
            for (kind, detail, tag), trail in vals.items():
                if kind == "zero" and self.info.is_pointer:
                    kind = "null"
                if detail == "ENOMEM" and tag in ("", "b") and kind in ("errno", "errptr") \
                        and all(s[2] == fn.name for s in trail):
                    t2, s2 = self.allocs_before(n.id)
                    if _tag_rank(t2) > _tag_rank(tag):
                        tag, trail = t2, self._with_flag_test(t2, s2 + trail)
                if not (trail and trail[-1][0] == fn.path and trail[-1][1] == n.line and trail[-1][2] == fn.name):
                    trail = trail + (step,)
                key = (kind, detail, tag)
                out.setdefault(key, trail)
                g = frozenset(l for l in fn.must_hold(n.id) if _guard_atom(l[0], params, bits)) if has_guards else None
                if not g:
                    guards[key] = None
                elif guards.get(key, ()) is not None:
                    guards[key] = guards.get(key, ()) + (g,)
        self.guards = {k: v for k, v in guards.items() if v}
        return out


def _union_state(*states) -> dict:
    merged = dict(states[0])
    merged.pop("$sig", None)
    for c in states[1:]:
        for v, items in c.items():
            if v == "$sig":
                continue
            m = merged.get(v)
            merged[v] = items if m is None else (m | items)
    return merged


_HINTS_OF: dict = {}
_UNKNOWN_ONLY = frozenset({"?"})


def _hints_of(items: frozenset) -> frozenset:
    r = _HINTS_OF.get(items)
    if r is None:
        if len(_HINTS_OF) > 200000:
            _HINTS_OF.clear()
        r = _HINTS_OF[items] = frozenset(_effective(f, h)[:1] for _, f, h in items)
    return r


def _signature(st: dict) -> frozenset:
    sig = st.get("$sig")
    if sig is not None:
        return sig
    out = []
    for v, items in st.items():
        if v == "$sig":
            continue
        hs = _hints_of(items)
        if hs != _UNKNOWN_ONLY:
            out.append((v, hs))
    sig = frozenset(out)
    st["$sig"] = sig
    return sig


def _item_hint(items) -> str:
    """One hint for a set of items (their common effective kind), or '?'."""
    hs = {_effective(filt, h) for _, filt, h in items}
    return hs.pop() if len(hs) == 1 else "?"


def _effective(filt, h: str) -> str:
    if h != "?":
        return h
    if "err" in filt:
        return "E"
    if "z" in filt:
        return "z"
    if "ne" in filt and "nz" in filt:
        return "p"
    for c in filt:
        if isinstance(c, tuple) and c[0] == "eq":
            return "e:" + c[1]
    if "nz" in filt:
        return "n"
    return "?"


def _hint(val, state: dict, shared: dict | None = None) -> str:
    """What a definition's value is known to be, on this path: z zero/NULL, n nonzero,
    p valid pointer, E ERR_PTR, e / e:NAME negative errno, ? unknown."""
    k = val[0]
    if k == "int":
        return "z" if val[1] == 0 else "n"
    if k == "null":
        return "z"
    if k == "errno":
        return "e:" + val[1]
    if k == "errptr":
        return "E"
    if k == "un" and val[1] == "&":
        return "p"
    if k == "macro":
        return "n"
    if k in ("var", "param"):
        items = state.get(val[1])
        if items is None and shared is not None:
            items = shared.get(val[1])
        return _item_hint(items) if items else "?"
    if k == "ptrerr" and val[1][0] == "var":
        items = state.get(val[1][1])
        if items and _item_hint(items) == "E":
            return "e"
        return "?"
    if k == "call" and val[1] == "PTR_ERR_OR_ZERO" and val[2] and val[2][0][0] == "var":
        items = state.get(val[2][0][1])
        h = _item_hint(items) if items else "?"
        return "e" if h == "E" else ("z" if h in ("p", "z") else "?")
    return "?"


def _consistent(filt, cons, h: str) -> bool:
    """Can a value with hint h pass every test in filt and the new test cons?"""
    e = _effective(filt, h)
    if cons == "z":
        return e in ("z", "?") and "nz" not in filt and "err" not in filt
    if cons == "nz":
        return e != "z" and "z" not in filt
    if cons == "err":
        return e in ("E", "?", "n") and "ne" not in filt and "z" not in filt
    if cons == "ne":
        return e != "E" and "err" not in filt
    if cons == "eon":
        return e != "p"
    if cons == "nnne":
        return e not in ("z", "E")
    if cons == "neg":
        return e not in ("z", "p", "E") and "nneg" not in filt
    if cons == "nneg":
        return not e.startswith("e") and "neg" not in filt
    if isinstance(cons, tuple):
        if cons[0] == "eq":
            if e in ("z", "n", "p", "E") or (e.startswith("e:") and e != "e:" + cons[1]):
                return False
            return ("neq", cons[1]) not in filt
        if cons[0] == "neq":
            return e != "e:" + cons[1]
        if cons[0] == "eqp":
            return e in ("E", "?", "n")
    return True


def _rpo(fn: FunctionFacts) -> list[int]:
    seen, order = {0}, []
    stack = [(0, iter(fn.nodes[0].succ))]
    while stack:
        nid, it = stack[-1]
        for s, _ in it:
            if s not in seen:
                seen.add(s)
                stack.append((s, iter(fn.nodes[s].succ)))
                break
        else:
            stack.pop()
            order.append(nid)
    order.reverse()
    return order
