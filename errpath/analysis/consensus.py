"""How the code in view answers one callee's failure: the callers' consensus.

A failure answered with success (`ret = f(); if (ret) return 0;`) is as often a
choice as a slip when looked at alone: an optional reference, a lane that is
not there. What tells them apart is what the rest of the code does with the
same callee's failure (Engler et al., "Bugs as deviant behavior"): when every
other failure branch of f() in view hands the failure up (returns an errno,
the failed value, or jumps to an exit returning it), the one branch answering
0 deviates from the callers' own convention; when others also answer 0, 0 is
a convention of that callee.

`failure_consensus(ctx, callee, skip=...)` -> Consensus(handed, zero): the
number of failure branches of `callee` in the index (the functions that call
it, this one included, at most MAX_FUNCTIONS of them) that hand the failure up
and that leave with 0. A branch is a test the failure model reads as this
call's failure (failure.failed_calls: `if (ret)`, `if (ret < 0)`, IS_ERR(),
the false side of a success test; or the call tested in the condition,
failure.tested_call_failures); how it leaves is read from the straight run
after it (at most EXIT_RUN statements, through gotos and labels): a negative
errno set or returned, the failed variable or PTR_ERR() returned is "handed";
a return of 0 (a literal, or a variable whose every reaching value is 0) is
"zero"; a test, a loop or anything else is neither (not counted).
"""
from __future__ import annotations

from typing import NamedTuple

from .failure import _negative, failed_calls, tested_call_failures

MAX_FUNCTIONS = 40
EXIT_RUN = 12


class Consensus(NamedTuple):
    handed: int      # failure branches of the callee that hand the failure up
    zero: int        # failure branches of the callee that leave with 0


def failure_consensus(ctx, callee: str, skip=frozenset()) -> Consensus:
    """The failure branches of callee in the functions of the index that call it;
    skip: (function id, test node id) pairs left out (the branch in question)."""
    index = getattr(ctx, "index", None)
    if index is None or not callee:
        return Consensus(0, 0)
    from .shared import memo
    cache = memo(index)
    key = ("consensus:branches", callee)
    branches = cache.get(key)
    if branches is None:
        branches = []
        for g in index.functions_calling(callee)[:MAX_FUNCTIONS]:
            branches.extend((id(g), c, how) for c, how in _branches(ctx, g, callee))
        cache[key] = branches
    handed = sum(1 for f, c, how in branches if how == "handed" and (f, c) not in skip)
    zero = sum(1 for f, c, how in branches if how == "zero" and (f, c) not in skip)
    return Consensus(handed, zero)


def _branches(ctx, g, callee: str):
    """(test node id, "handed"/"zero") for each failure branch of callee in g."""
    for c in g.nodes:
        if c.kind != "cond" or len(c.succ) != 2:
            continue
        for s, edge in c.succ:
            if edge not in (True, False):
                continue
            fails = [f for f in failed_calls(ctx, g, s) if f.call == callee and f.test_line == c.line
                     and not f.specific]
            if fails:
                var = fails[0].var
            elif any(f.call == callee for f in tested_call_failures(ctx, g, c, edge)):
                var = None
            else:
                continue
            how = _leaves(g, s, var)
            if how is not None:
                yield c.id, how
            break


def _leaves(g, start: int, var):
    nid, seen = start, set()
    for _ in range(EXIT_RUN):
        if nid in seen or nid == 1:
            return None
        seen.add(nid)
        n = g.nodes[nid]
        if any(_negative(v) for _, v in n.defs):
            return "handed"
        if n.kind == "return":
            r = n.ret
            if r is None:
                return None
            if r == ("int", 0):
                return "zero"
            if _negative(r) or r[0] == "ptrerr" or r[0] == "var" and r[1] == var:
                return "handed"
            if r[0] == "var":
                vals = [v for _, v in g.reaching(nid, r[1])]
                if vals and all(v == ("int", 0) for v in vals):
                    return "zero"
                if vals and any(_negative(v) for v in vals):
                    return "handed"
            return None
        if n.kind in ("cond", "switch", "loop", "noreturn") or len(n.succ) != 1:
            return None
        nid = n.succ[0][0]
    return None


def zero_side(cond, edge: bool, var: str) -> bool:
    """Does taking edge out of cond admit var == 0, among the failures: `!r`, `r
    == 0`, `r < 1`, `r <= 0`, the false side of `r > 0`, or the true side of a
    disjunction with one of them (`if (r < 1 || !done)`)?"""
    lits = cond.true_lits if edge else cond.false_lits
    if edge and not lits and "||" in cond.text and "&&" not in cond.text:
        lits = {(d.strip().strip("()").replace(" ", "").lstrip("!"), not d.strip().strip("()").startswith("!"))
                for d in cond.text.strip().strip("()").split("||")}
    for atom, pol in lits:
        if pol and atom in (f"{var}<1", f"{var}<=0", f"{var}==0", f"0>={var}", f"1>{var}"):
            return True
        if not pol and atom in (var, f"{var}>0", f"{var}>=1", f"{var}!=0", f"0<{var}"):
            return True
    return False


def zero_failures(ctx, callee: str, skip=frozenset()) -> int:
    """How many tests in view of callee's int result take a side that admits 0
    (`if (!left)`, `if (r < 1)`) and set or return a negative errno there right
    away (`return -ETIMEDOUT;`, `r = -ETIMEDOUT; goto out;`): the callers say a
    0 from it is a failure (a wait's "no time left"), not a success. skip:
    (function id, test node id) pairs left out."""
    index = getattr(ctx, "index", None)
    if index is None or not callee:
        return 0
    from .shared import memo
    cache = memo(index)
    key = ("consensus:zero-failures", callee)
    got = cache.get(key)
    if got is None:
        got = []
        for g in index.functions_calling(callee)[:MAX_FUNCTIONS]:
            for c in g.nodes:
                if c.kind != "cond" or len(c.succ) != 2:
                    continue
                for s, edge in c.succ:
                    if edge is not True:
                        continue    # the test's own branch, not the code after it
                    for var in sorted(c.uses):
                        defs = g.reaching(c.id, var)
                        if defs and all(v[0] == "call" and v[1] == callee for _, v in defs) and \
                                zero_side(c, edge, var) and _sets_errno(
                                    g, s, next(t for t, e in c.succ if e != edge)):
                            got.append((id(g), c.id))
        cache[key] = got
    return sum(1 for k in got if k not in skip)


def _sets_errno(g, start: int, other: int) -> bool:
    """Does the side of a test starting at start set or return a negative errno
    before it joins the other side (nodes the other side reaches)?"""
    joined = g.reachable(starts=(other,))
    if start in joined:
        return False
    seen, stack = set(), [start]
    while stack and len(seen) < 40:
        nid = stack.pop()
        if nid in seen or nid in joined or nid == 1:
            continue
        seen.add(nid)
        n = g.nodes[nid]
        if any(_negative(v) for _, v in n.defs) or n.kind == "return" and n.ret is not None and _negative(n.ret):
            return True
        if n.kind in ("return", "noreturn", "goto"):
            continue
        stack.extend(t for t, _ in n.succ)
    return False
