"""Dataflow over one function's CFG: reverse post-order, must-hold literals
(kill_literals, the guards every path to a node tested), and reaching
definitions."""
from __future__ import annotations

import heapq

from .syntax import _IDENT, idents
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .functions import FunctionFacts


# ---------------------------------------------------------------------------
# dataflow


def _rpo(facts: FunctionFacts) -> list[int]:
    seen, order = set(), []
    stack = [(0, iter(facts.nodes[0].succ))]
    seen.add(0)
    while stack:
        nid, it = stack[-1]
        for s, _ in it:
            if s not in seen:
                seen.add(s)
                stack.append((s, iter(facts.nodes[s].succ)))
                break
        else:
            stack.pop()
            order.append(nid)
    order.reverse()
    return order


_ATOM_IDENTS: dict[str, frozenset] = {}


def _atom_idents(atom: str) -> frozenset:
    r = _ATOM_IDENTS.get(atom)
    if r is None:
        if len(_ATOM_IDENTS) > 200000:
            _ATOM_IDENTS.clear()
        r = _ATOM_IDENTS[atom] = idents(atom)
    return r


def kill_literals(lits: frozenset, defs: list) -> frozenset:
    """Drop literals about a variable the node redefines: `n = f();` ends `n != 0`.
    Redefining `p` ends tests of `p->len`; redefining `p->len` leaves `p != NULL`."""
    if not defs or not lits:
        return lits
    plain = {v for v, _ in defs if _IDENT.fullmatch(v)}
    compound = [v for v, _ in defs if not _IDENT.fullmatch(v)]
    return frozenset(lit for lit in lits
                     if not (lit[0] in plain or (_atom_idents(lit[0]) & plain)
                             or any(v in lit[0] for v in compound)))


def _must_hold(facts: FunctionFacts) -> list:
    nodes = facts.nodes
    preds = facts.preds()
    order = _rpo(facts)
    IN: list = [None] * len(nodes)   # None = not reached yet (top)
    OUT: list = [None] * len(nodes)
    IN[0] = frozenset()
    changed = True
    rounds = 0
    while changed and rounds < 50:
        changed = False
        rounds += 1
        for nid in order:
            if nid != 0:
                acc = None
                for p, edge in preds[nid]:
                    o = OUT[p]
                    if o is None:
                        continue
                    if edge is True:
                        o = o | nodes[p].true_lits
                    elif edge is False:
                        o = o | nodes[p].false_lits
                    acc = o if acc is None else (acc & o)
                if acc == IN[nid]:
                    if OUT[nid] is not None:
                        continue
                IN[nid] = acc
            new_out = None if IN[nid] is None else kill_literals(IN[nid], nodes[nid].defs)
            if new_out != OUT[nid]:
                OUT[nid] = new_out
                changed = True
    return IN


def _unrefine(ids) -> frozenset:
    """Plain definition ids: a π entry stands for the (flat) ids it refines."""
    if all(isinstance(d, int) for d in ids):
        return ids if isinstance(ids, frozenset) else frozenset(ids)
    out = set()
    for d in ids:
        if isinstance(d, tuple):
            out |= d[2]
        else:
            out.add(d)
    return frozenset(out)


def _nonzero_vars(lits: frozenset) -> list[str]:
    """Plain variables that these branch literals prove nonzero."""
    out = []
    for atom, pol in lits:
        if pol and _IDENT.fullmatch(atom):
            out.append(atom)
        elif pol and (atom.endswith(">0") or atom.endswith("!=0")):
            v = atom.rsplit(">0", 1)[0] if atom.endswith(">0") else atom[:-3]
            if _IDENT.fullmatch(v):
                out.append(v)
    return out


def _reaching_defs(facts: FunctionFacts) -> list:
    nodes = facts.nodes
    preds = facts.preds()
    order = _rpo(facts)
    IN: list = [dict() for _ in nodes]
    OUT: list = [dict() for _ in nodes]

    def transfer(nid, inn):
        defs = nodes[nid].defs
        if not defs:
            return inn
        out = dict(inn)
        for v, _ in defs:
            out[v] = frozenset((nid,))
        return out

    OUT[0] = {p: frozenset((0,)) for p in facts.params}
    for v, _ in nodes[0].defs:
        OUT[0][v] = frozenset((0,))
    # a worklist in reverse postorder: a node is recomputed only when what flows
    # into it changed (one pass over an acyclic CFG, not a second one to confirm)
    rank = {nid: i for i, nid in enumerate(order)}
    work = [i for i, nid in enumerate(order) if nid != 0]
    queued = set(work)
    while work:
        i = heapq.heappop(work)
        queued.discard(i)
        nid = order[i]
        acc: dict = {}
        for p, edge in preds[nid]:
            out_p = OUT[p]
            if edge is True or edge is False:
                # π-definition: on this edge the branch proves some variables nonzero
                lits = nodes[p].true_lits if edge else nodes[p].false_lits
                for v in _nonzero_vars(lits):
                    if v in out_p:
                        out_p = dict(out_p)
                        # one level only: a π over the plain ids, so loops cannot nest them
                        out_p[v] = frozenset({("pi", p, _unrefine(out_p[v]))})
            for v, ds in out_p.items():
                cur = acc.get(v)
                acc[v] = ds if cur is None else (cur | ds)
        IN[nid] = acc
        o = transfer(nid, acc)
        if o != OUT[nid]:
            OUT[nid] = o
            for s, _ in nodes[nid].succ:
                j = rank.get(s)
                if j is not None and s != 0 and j not in queued:
                    queued.add(j)
                    heapq.heappush(work, j)
    return IN
