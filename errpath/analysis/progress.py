"""Progress made by a callee through a pointer parameter, and what ends a loop.

A loop can make its progress in a callee: `while ((bio = next_bio(bdev, &sector,
&nr_sects)))` ends when the callee returns NULL, and the callee subtracts its step
from `*nr_sects`. Whether such a loop ends depends on two facts about the callee,
summarised here from its CFG:

* what it does to the object a pointer parameter points at: `*p -= step`,
  `*p += step` (`pointer_steps`);
* whether a result that ends the caller's loop (NULL, 0, false) is returned under a
  test of that progress: of the step or of `*p` (`if (!step) return NULL;`,
  `if (*left < sizeof(*h)) return NULL;`), or only on failures unrelated to it (an
  allocation that failed) (`ending_returns`).

Rules ask these questions (zero-step-loop); nothing here is cached: a summary costs
one look at the callee's definitions and must-hold literals.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..facts.functions import FunctionFacts
from ..facts.syntax import Value, idents


@dataclass(frozen=True)
class PointerStep:
    param: str          # the parameter's name (`nr_sects`)
    target: str         # what is stepped (`*nr_sects`)
    op: str             # "-" (counts down) or "+" (advances)
    step: Value         # the step's value in the callee
    node: int           # the update's node id in the callee


def _deref_of(var: str, params: list[str]) -> str | None:
    v = var.strip("()")
    if v.startswith("*") and v[1:].strip("()") in params:
        return v[1:].strip("()")
    return None


def pointer_steps(fn: FunctionFacts) -> dict[str, list[PointerStep]]:
    """{parameter: its steps} for every `*param -= step` / `*param += step`
    (also `*param = *param - step`) in the function."""
    out: dict[str, list[PointerStep]] = {}
    for node in fn.nodes:
        for var, val in node.defs:
            param = _deref_of(var, fn.params)
            if param is None or val[0] != "bin" or val[1] not in ("-", "+"):
                continue
            left = val[2]
            if left[0] not in ("var", "field") or _deref_of(left[1], fn.params) != param:
                continue
            out.setdefault(param, []).append(PointerStep(param, var.strip("()"), val[1], val[3], node.id))
    return out


_FALSY = (("null",), ("int", 0))


def ending_returns(fn: FunctionFacts) -> list:
    """The return nodes whose value ends a caller's `while ((x = f(...)))`: NULL, 0, false."""
    return [r for r in fn.returns() if r.ret is not None and r.ret in _FALSY]


def tested_by(fn: FunctionFacts, node_id: int, names: set[str]) -> bool:
    """Does a literal that must hold at the node test one of the names
    (a variable, or a dereference such as `*nr_sects`)?"""
    for atom, _ in fn.must_hold(node_id):
        ids = idents(atom)
        for name in names:
            if not name.isidentifier():      # `*nr_sects`, `h->len`
                if name in atom.replace("(", "").replace(")", ""):
                    return True
            elif name in ids:
                return True
    return False


def value_names(fn: FunctionFacts, node_id: int, v: Value) -> set[str]:
    """The variables a step is computed from, one definition deep (the step itself too)."""
    names: set[str] = set()

    def walk(x):
        if isinstance(x, tuple) and x:
            if x[0] in ("var", "param") and isinstance(x[1], str):
                names.add(x[1])
                return
            if x[0] == "field" and isinstance(x[1], str):
                names.add(x[1] if x[1].startswith("*") else x[1])
                return
            if x[0] == "call":
                return      # `min(*left, limit(dev, *pos))`: the callee's arguments are not the step
            for y in x[1:]:
                if isinstance(y, tuple):
                    walk(y)
    walk(v)
    if v[0] == "var":
        for _, d in fn.reaching(node_id, v[1]):
            walk(d)
    return names
