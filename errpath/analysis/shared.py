"""Caches shared by every rule chunk of one run, keyed by the facts index:
shared_for (one dict per name), pair (the summaries of both ends of a range),
memo (the rules' per-index memo). Answers in them must not depend on the order
in which questions are asked."""
from __future__ import annotations

from collections import OrderedDict


# ---------------------------------------------------------------------------
# the summaries of one index


_SHARED: OrderedDict = OrderedDict()


def shared_for(index) -> dict:
    """The shared caches of an index's function list (the last few lists only):
    for facts that depend on the whole list and not on the order of the questions,
    so every rule chunk over one index (a copy of it) can reuse them."""
    key = id(index.all)
    got = _SHARED.get(key)
    if got is not None and got[0] is index.all and got[1] == len(index.all):
        _SHARED.move_to_end(key)
        return got[2]
    sh = {"info": {}, "done": {}, "guards": {}, "callers": {}, "sleep": {}, "maybe_err": {},
          "stats": {"flows": 0, "functions": 0}, "portable": frozenset(), "tree": None}
    _SHARED[key] = (index.all, len(index.all), sh)
    while len(_SHARED) > 6:
        _SHARED.popitem(last=False)
    return sh


def pair(a, b, portable) -> None:
    """Let two indexes of one audit (HEAD, BASE) share finished outcomes where they
    cannot differ: `portable`, ids of functions that are the same object in both
    (a file whose blob did not change) and whose callee cone did not change
    (errpath.pipeline.cones.call_cones), so what they return, every trail step included,
    is the same in both trees. Any other function keeps one outcome per tree (the
    tree is part of its key). FnInfo comes from a function's text alone: shared whole."""
    sa, sb = shared_for(a), shared_for(b)
    sa["info"].update(sb["info"])
    sb["info"] = sa["info"]
    done, guards = {}, {}   # fresh: an outcome finished before would lack the tree in its key
    portable = frozenset(portable)
    for sh, tree in ((sa, 0), (sb, 1)):
        sh["done"], sh["guards"], sh["portable"], sh["tree"] = done, guards, portable, tree


# ---------------------------------------------------------------------------
# per-index memo: accounted caches, callers, gfp-parameter sinks

def memo(index) -> dict:
    """Answers that depend on the index's functions only, never on the order of
    the questions (gfp sinks and always-sleeps are memoised per depth for that
    reason): shared by every rule chunk's view of one index, like the summaries'
    finished outcomes, so a helper's CFG is not decoded again in each chunk."""
    return shared_for(index).setdefault("rule-memo", {})
