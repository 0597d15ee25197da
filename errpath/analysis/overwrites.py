"""An errno overwritten on one path: where a stored result is set again before
anything reads it, path by path (failure.reads), with tests of the variable
itself read as choosing a side, not as reading the value."""
from __future__ import annotations

from .failure import reads
from .formulas import atom_constraints


def overwritten_forward(fn, d, var: str, handled=lambda name: False, limit: int = 400) -> list:
    """The nodes that set var again on some path from node d on which var, still
    holding what d stored (a failure, say), is read nowhere before them; walking
    forward only (_forward: a loop's next round is another question).
    Path-sensitive at tests of var itself: `if (!ret) on = true;` reads ret only
    to pick the success side, so the walk goes on along the side where ret may
    hold the failure (nz, negative) and drops the side where it is 0; a test for
    one errno (`ret == -EAGAIN`) or any other use is a read. An overwrite inside
    the failure side of such a test (`if (ret) ret = fallback();`) is a
    fallback, not a loss: it counts only when the success side reaches it too
    (after the branches join), and only when the failure side leaves the
    failure alone (_unhandled: handled(name) says a call there deals with it,
    a message, say). So `ret = parse(); if (write) ret = commit();` loses
    parse()'s errno on the write path although the other path returns it."""
    out, seen = [], {d.id}
    # what the same call stored through its arguments (`err = change(x, &delegated);`):
    # a test of it is a test of the call's outcome
    outs = {v for v, _ in d.defs if v != var}
    stack = [(s, ()) for s in _forward(fn, d, d.line)]
    while stack:
        nid, tests = stack.pop()
        if nid in seen:
            continue
        seen.add(nid)
        if len(seen) > limit:
            return []
        node = fn.nodes[nid]
        if nid == 1 or node.kind in ("return", "noreturn") or node.kind == "cond" and not outs.isdisjoint(
                node.uses):
            continue
        if reads(node, var):
            if node.kind != "cond" or any(v == var for v, _ in node.defs):
                continue
            for s, edge in node.succ:
                side = _failure_side(node, edge, var)
                if side is None:
                    break       # not a plain test of var: a read
                if side:
                    # the other side, and the line it must not go back before
                    other = tuple(t for t, e in node.succ if e != edge)
                    if not _unhandled(fn, s, other, node.line, handled):
                        continue    # the failure side does something of its own (logs it)
                    stack.extend((t, tests + ((other, node.line),)) for t in _forward_to(fn, s, d.line))
            continue
        if any(v == var for v, _ in node.defs):
            # after the join of every failure test passed: the success side reaches it too
            if all(nid in _reach_forward(fn, other, line) for other, line in tests):
                out.append(nid)
            continue
        stack.extend((s, tests) for s in _forward(fn, node, d.line))
    return sorted(out)


def _unhandled(fn, start: int, other, floor: int, handled) -> bool:
    """Does the failure side of a test starting at start leave the failure
    alone: it is the join itself (`if (!ret) on = true;`: the failure falls
    through), or it only undoes and goes on or jumps away (`if (ret)
    return_bufs(d);`, `if (ret) { put(b); goto tail; }`), at most a few calls
    and none of them handled(name) (a message: the author saw the failure and
    chose to go on), no value stored (`caps &= ~EEE;`: a fallback recorded)?"""
    joined = _reach_forward(fn, other, floor)
    nid = start
    for _ in range(5):
        ahead = _forward_to(fn, nid, floor)
        if ahead and set(ahead) <= joined:
            return True
        node = fn.nodes[nid]
        if node.kind in ("goto", "break"):
            return True
        if node.kind != "expr" or len(node.succ) != 1 or not node.calls or any(
                v[0] != "unknown" for _, v in node.defs) or any(
                handled(c.name or c.callee_text) for c in node.calls):
            return False
        nid = node.succ[0][0]
    return False


def _forward_to(fn, nid: int, floor: int):
    """nid itself when it is at or after line floor; a loop's head before it (a
    `for`, a scoped_guard) stands for its exits after floor: the next round of
    the loop is not followed."""
    node = fn.nodes[nid]
    if nid == 1 or node.line >= floor:
        return (nid,)
    if node.kind == "cond":
        return tuple(s for s, _ in node.succ if s == 1 or fn.nodes[s].line >= floor)
    return ()


def _forward(fn, node, floor: int):
    return [t for s, _ in node.succ for t in _forward_to(fn, s, floor)]


def _reach_forward(fn, starts, floor: int) -> set:
    seen, stack = set(), [t for s in starts for t in _forward_to(fn, s, floor)]
    while stack:
        nid = stack.pop()
        if nid in seen:
            continue
        seen.add(nid)
        stack.extend(_forward(fn, fn.nodes[nid], floor))
    return seen


def _failure_side(cond, edge, var: str):
    """Along edge out of a test of var: True when var may still hold a failure
    there (`if (ret)` taken, `if (!ret)` not taken, `if (ret < 0)` taken), False
    when it is 0 or not negative there, None when the test says something else
    of var (one errno, a bound) or is no test of var."""
    lits = cond.true_lits if edge else cond.false_lits
    seen = False
    for atom, pol in lits:
        for v, if_true, if_false in atom_constraints(atom):
            if v != var:
                continue
            c = if_true if pol else if_false
            seen = True
            if c in ("z", "nneg"):
                return False
            if c not in ("nz", "neg"):
                return None
    if seen:
        return True
    # `if (!ret && write)` not taken: nothing known of ret on that side, but the
    # other side says it is 0 there, so this side is where a failure goes
    other = cond.false_lits if edge else cond.true_lits
    for atom, pol in other:
        for v, if_true, if_false in atom_constraints(atom):
            if v == var and (if_true if pol else if_false) in ("z", "nneg"):
                return True
    return None
