"""What the summaries need of one function, read once from its facts (FnInfo):
returns, calls whose results reach a return, flag and formula walks."""
from __future__ import annotations

from dataclasses import dataclass

from .formulas import (_flag_value_operand, _implied, _implied_true, _root, atom_constraints,
    condition_formula, flag_operand)
from .outcomes import _STUB_CALLS
from ..facts.functions import FunctionFacts
from ..knowledge.tables import nowait_flags


# ---------------------------------------------------------------------------
# per-function syntactic facts


def _walk_values(v):
    stack = [v]
    while stack:
        x = stack.pop()
        if not isinstance(x, tuple) or not x:
            continue
        yield x
        for y in x[1:]:
            if isinstance(y, tuple):
                if y and isinstance(y[0], str):
                    stack.append(y)
                else:
                    stack.extend(z for z in y if isinstance(z, tuple))


@dataclass
class FnInfo:
    flag_atoms: dict            # atom -> True (atom true means the NOWAIT flag is set)
    flag_roots: frozenset       # identifiers whose flag word the function tests
    local_flag_params: dict     # param index -> field path ("" or "->flags")
    flag_tests: list            # [(line, text)] conditions that test the flag
    tracked: frozenset          # variables the value flow follows
    own_tokens: frozenset       # NOWAIT tokens the function mentions
    is_pointer: bool
    stub: bool                  # a one-line header stub (config-dependent)
    tested: frozenset = frozenset()   # variables some condition tests (path-sensitive ones)
    trivial: bool = False       # only constant returns and warnings


def _fn_info(fn: FunctionFacts) -> FnInfo:
    own = fn.text_tokens & nowait_flags()
    flag_atoms: dict = {}
    roots = set()
    tests = []
    local_params: dict = {}
    tracked = set(fn.params)
    for n in fn.nodes:
        for v, _ in n.defs:
            tracked.add(v)
    if own:
        flag_vars = {}
        defs_by_var: dict[str, list] = {}
        for n in fn.nodes:
            for v, val in n.defs:
                defs_by_var.setdefault(v, []).append(val)
        for v, vals in defs_by_var.items():
            ops = [_flag_value_operand(val) for val in vals if val[0] != "uninit"]
            if ops and all(ops):
                flag_vars[v] = ops[0]
        atoms = set()
        for n in fn.nodes:
            if n.kind == "cond":
                atoms.update(a for a, _ in n.true_lits | n.false_lits)
                if "&&" in n.text or "||" in n.text:
                    f = condition_formula(n.text)
                    if f is not None:
                        atoms.update(a for a, _ in _implied(f, True) | _implied(f, False))
                        for x in _walk_formula(f):
                            atoms.add(x)
            vals = [val for _, val in n.defs] + ([n.ret] if n.ret is not None else [])
            for val in vals:
                for x in _walk_values(val):
                    if x[0] == "cond":
                        atoms.update(a for a, _ in x[1])
        for a in atoms:
            op = flag_operand(a)
            if op is None and a in flag_vars:
                op = flag_vars[a]
            if op is not None:
                flag_atoms[a] = True
                r = _root(op)
                if r:
                    roots.add(r)
                    if r in fn.params:
                        path = op[len(r):]
                        local_params.setdefault(fn.params.index(r), path)
        for n in fn.nodes:
            if n.kind == "cond" and any(a in flag_atoms for a, _ in n.true_lits | n.false_lits):
                tests.append((n.line, n.text))
            elif n.kind != "cond" and flag_atoms:
                vals = [val for _, val in n.defs] + ([n.ret] if n.ret is not None else [])
                if any(x[0] == "cond" and any(a in flag_atoms for a, _ in x[1])
                       for val in vals for x in _walk_values(val)):
                    tests.append((n.line, n.text))
    is_ptr = "*" in fn.return_type
    # trivial: every return is a constant and the body only warns (a config stub
    # when the function has another definition, or lives in a header)
    rets = [n for n in fn.nodes if n.kind == "return"]
    trivial = bool(rets) and len(fn.nodes) <= 10 and all(
        r.ret is not None and (r.ret[0] in ("null", "errno", "int")
                               or (r.ret[0] == "errptr" and r.ret[1][0] == "errno"))
        for r in rets) and all(
        c.name and c.name.startswith(_STUB_CALLS) for n in fn.nodes for c in n.calls)
    stub = trivial and fn.path.endswith(".h")
    tested = set()
    for n in fn.nodes:
        if n.kind == "cond":
            for a, _ in n.true_lits | n.false_lits:
                for var, _, _ in atom_constraints(a):
                    tested.add(var)
        for c in n.calls:
            if c.name and len(c.args) >= 2 and c.name.startswith("wait_event"):
                for a, _ in _implied_true(c.args[1]):
                    for var, _, _ in atom_constraints(a):
                        tested.add(var)
    if tested:
        # only variables the returned values depend on need path-sensitivity
        defs_of: dict = {}
        for n in fn.nodes:
            for v, val in n.defs:
                defs_of.setdefault(v, []).append(val)
        closure = set()
        work = [x[1] for n in fn.nodes if n.kind == "return" and n.ret is not None
                for x in _walk_values(n.ret) if x[0] in ("var", "param")]
        while work:
            v = work.pop()
            if v in closure:
                continue
            closure.add(v)
            for val in defs_of.get(v, ()):
                work.extend(x[1] for x in _walk_values(val) if x[0] in ("var", "param"))
        # ... and the variables derived from them (err = PTR_ERR(s) keeps s's story)
        derived = {v for v, vals in defs_of.items()
                   if any(x[0] in ("var", "param") and x[1] in closure for val in vals for x in _walk_values(val))}
        tested &= closure | derived
    return FnInfo(flag_atoms, frozenset(roots), local_params, tests, frozenset(tracked),
                  frozenset(own), is_ptr, stub, frozenset(tested & tracked), trivial)


def _walk_formula(f):
    stack = [f]
    while stack:
        x = stack.pop()
        if x[0] == "atom":
            yield x[1]
        else:
            stack.extend(x[1:])
