"""Per-path reaching definitions of one variable: which definition reaches a
node *and* what the branches taken since then say of its value.

`fn.reaching(nid, var)` merges the paths: at a goto reached with `err ==
-EINVAL` on one path and with `err = f(); if (err) goto out1;` taken false on
another, it answers {-EINVAL, f()}, and "is err 0 on some path here?" cannot be
told from that. `path_definitions(fn, var)` keeps the paths apart the way
Smatch's state pools do, for one variable at a time: every node gets the set of
`PathDef`s that may reach it, each one a definition together with the class of
value the tests on its way proved (`zero`, `nonzero`, `neg`, or `unknown`) and
the branch that proved it:

    err = attr_load(...);          err: (this def, unknown)
    if (!err)
        err = read_run(...);       err: (read_run, unknown) | (attr_load, nonzero, `!err` false)
    if (err)
        goto out1;                 false side: (read_run, zero, `if (err)` false);
                                   (attr_load, nonzero) cannot take it and is dropped

It is a forward dataflow over a finite lattice (sets of (definition, class,
proving branch)), so loops reach a fixpoint; what is read of a branch is its
must-hold literals (facts) through `atom_constraints`: the false side of
`if (err)`, the true side of `if (!err)` / `if (err == 0)` prove 0; `if (err <
0)` false proves only "not negative". A path whose branch contradicts its class
(`if (err)` taken true after `err = 0;`) is dropped, which is what makes the
answer path-sensitive. Only the tested variable is followed: branches on other
variables are not correlated (as in Smatch, paths infeasible for other reasons
may be kept).

Cheap by construction: built for one (function, variable) on request, and
bounded (`BUDGET` state updates, `MAX_STATES` per node): past the bound it
answers None and the caller keeps the merged answer (`fn.reaching`).
"""
from __future__ import annotations

import heapq
import re
from collections import namedtuple

from .formulas import atom_constraints

_IDENT = re.compile(r"[A-Za-z_]\w*")

BUDGET = 200000     # state updates per (function, variable)
MAX_STATES = 64     # path states at one node

ZERO, NONZERO, NEG, UNKNOWN = "zero", "nonzero", "neg", "unknown"

#: One way a variable's value reaches a node: `def_id` the node that set it
#: (0: the entry value: a parameter, or uninitialised), `value` what it set (a
#: Value), `cls` what the tests since then prove of it (ZERO, NONZERO, NEG,
#: UNKNOWN), `test`/`edge` the condition node and the side taken that proved the
#: class last (None when the value itself says it: `err = 0;`, `-EINVAL`).
PathDef = namedtuple("PathDef", "def_id value cls test edge")


def value_class(val) -> str:
    """What a definition's Value says of the variable by itself."""
    k = val[0]
    if k == "int":
        return ZERO if val[1] == 0 else (NEG if val[1] < 0 else NONZERO)
    if k in ("errno", "ptrerr"):
        return NEG
    if k == "null":
        return ZERO
    return UNKNOWN


def _constrain(cls: str, c) -> str | None:
    """The class after a branch puts constraint c on the variable; None when
    the branch cannot be taken with a value of class cls."""
    if c == "z":
        return None if cls in (NONZERO, NEG) else ZERO
    if c in ("nz", "err", "nnne") or isinstance(c, tuple) and c[0] in ("eq", "eqp"):
        if cls == ZERO:
            return None
        if not isinstance(c, tuple):
            return cls if cls in (NONZERO, NEG) else NONZERO
        return NEG if c[0] == "eq" else NONZERO
    if c == "neg":
        return None if cls == ZERO else NEG
    if c == "nneg":
        return None if cls == NEG else cls
    return cls


class PathDefinitions:
    """The per-path definitions of one variable at every node of fn (see the
    module doc). `at(nid)` -> tuple of PathDef; `zero_at(nid)` -> those on
    whose path the variable is exactly 0."""

    def __init__(self, fn, var: str, states: list):
        self.fn, self.var, self._states = fn, var, states

    def at(self, nid: int) -> tuple:
        s = self._states[nid]
        return tuple(sorted(s, key=_order)) if s else ()

    def zero_at(self, nid: int) -> tuple:
        return tuple(p for p in self.at(nid) if p.cls == ZERO)


def _order(p):
    return (p.def_id, p.cls, p.test if p.test is not None else -1, str(p.edge))


def _edge_lits(node, edge):
    if edge is True:
        return node.true_lits
    if edge is False:
        return node.false_lits
    return ()


def _rpo(nodes) -> list[int]:
    seen, order = {0}, []
    stack = [(0, iter(nodes[0].succ))]
    while stack:
        nid, it = stack[-1]
        for s, _ in it:
            if s not in seen:
                seen.add(s)
                stack.append((s, iter(nodes[s].succ)))
                break
        else:
            stack.pop()
            order.append(nid)
    order.reverse()
    return order


def path_definitions(fn, var: str, budget: int = BUDGET) -> PathDefinitions | None:
    """The per-path definitions of `var` (a plain local or parameter) at every
    node of fn, or None when var is not a plain identifier or the walk goes
    past the budget (then fall back to fn.reaching)."""
    if not _IDENT.fullmatch(var):
        return None
    nodes = fn.nodes
    n = len(nodes)
    # the branches that say something of var, and how (true side, false side)
    rules: dict = {}
    for node in nodes:
        if node.kind != "cond":
            continue
        for edge in (True, False):
            cons = []
            for atom, pol in _edge_lits(node, edge):
                if var not in atom:
                    continue
                for v, t, f in atom_constraints(atom):
                    if v == var:
                        c = t if pol else f
                        if c is not None:
                            cons.append(c)
            if cons:
                rules[(node.id, edge)] = cons
    defs_at = [[val for v, val in node.defs if v == var] for node in nodes]
    IN: list = [None] * n
    entry = frozenset({PathDef(0, ("param", var) if var in fn.params else ("uninit", var), UNKNOWN, None, None)})
    if defs_at[0]:
        entry = frozenset({PathDef(0, defs_at[0][-1], value_class(defs_at[0][-1]), None, None)})
    OUT: list = [None] * n
    OUT[0] = entry
    order = _rpo(nodes)
    rank = {nid: i for i, nid in enumerate(order)}
    work = sorted(rank[s] for s, _ in nodes[0].succ if s in rank)
    queued = set(work)
    heapq.heapify(work)
    steps = 0
    preds = fn.preds()
    while work:
        i = heapq.heappop(work)
        queued.discard(i)
        nid = order[i]
        acc = set()
        for p, edge in preds[nid]:
            out_p = OUT[p]
            if not out_p:
                continue
            cons = rules.get((p, edge))
            if cons is None:
                acc |= out_p
                continue
            for st in out_p:
                cls = st.cls
                for c in cons:
                    cls = _constrain(cls, c)
                    if cls is None:
                        break
                if cls is None:
                    continue     # this path cannot take the branch
                if cls != st.cls:
                    st = PathDef(st.def_id, st.value, cls, p, edge)
                acc.add(st)
                steps += 1
        steps += len(acc) + 1
        if steps > budget or len(acc) > MAX_STATES:
            return None
        inn = frozenset(acc)
        IN[nid] = inn
        d = defs_at[nid]
        if d and inn:
            val = d[-1]
            out = frozenset({PathDef(nid, val, value_class(val), None, None)})
        else:
            out = inn
        if out != OUT[nid]:
            OUT[nid] = out
            for s, _ in nodes[nid].succ:
                j = rank.get(s)
                if j is not None and s != 0 and j not in queued:
                    queued.add(j)
                    heapq.heappush(work, j)
    return PathDefinitions(fn, var, IN)
