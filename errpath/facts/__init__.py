"""Intra-procedural facts: a control-flow graph of simple statements, with the
values they assign, the calls they make, the conditions they branch on, and the
two dataflow results every rule needs:

* must-hold conditions — which condition literals are true on *every* path to a
  statement (`if (!step) break;` makes `step != 0` hold afterwards;
  `if (flags & IOMAP_NOWAIT)` makes the flag test hold in the then-branch);
* reaching definitions — which assignments may give a variable its value at a
  statement, so a rule can ask "what can `ret` be at this return?".

Rules query these facts; they never walk the tree-sitter AST themselves. The
facts are plain picklable data, so the cache can store them per blob.

A Value is a small tuple tree (hashable, picklable):
    ("int", n)                  integer constant
    ("errno", "ENOMEM")         -ENOMEM (negative errno constant)
    ("errptr", v)               ERR_PTR(v)
    ("ptrerr", v)               PTR_ERR(v)
    ("errcast", v)              ERR_CAST(v)
    ("null",)                   NULL
    ("var", "name")             a local, parameter or lvalue like "p->len"
    ("macro", "NAME")           an ALL_CAPS constant of unknown value
    ("call", "name"|None, (v, ...), "text")   a call; name None for a function pointer
    ("minmax", "min"|"max"|"clamp"|"min_not_zero", (v, ...))
    ("cond", lits_true, a, b)   c ? a : b (lits_true: literals that hold when a is chosen)
    ("bin", op, a, b) / ("un", op, a)
    ("field", "text")           a field or array read
    ("sizeof", "text")
    ("unknown", "text")

Values stay plain tuples, read by index (issue 19, item 4): as typing.NamedTuple
classes they would read as v.op / v.left, but they unpickle 9.6-12.8x slower in
a micro-benchmark (1.4-1.6x on the real CFG payloads of 930 kernel functions),
pickle 1.9-5.4x slower and build 1.6x slower, and unpickling is the hot path at
scale (lazy CFGs are decoded again after eviction; cache and workers pickle).
docs/plans/layers/PLAN.md section 6 has the numbers and bench_value.py /
bench_cfg.py the measurements. Readable code unpacks once instead:
`_, op, left, right = v`.

Layer: facts, after the frontend (git -> frontend -> facts -> analysis -> rules
-> pipeline -> report -> cli). syntax.py (node text, Values, literals), nodes.py
(Call, CfgNode, LoopFact), cfg.py (the builder), dataflow.py (must-hold
literals, reaching definitions), functions.py (FunctionFacts, lazy CFGs,
spill, the light token pass), macros.py (integer macros), index.py
(FactsIndex: every function of a run by name). May import: the standard
library, tree-sitter, errpath.model, errpath.knowledge and errpath.frontend.
"""
from __future__ import annotations

from .dataflow import kill_literals
from .functions import (STEP_TOKEN, DecodedLimit, FunctionFacts, flush_spill, function_facts, has_token,
                        lazy_function_facts, may_exceed_budget, release_decoded)
from .index import FactsIndex
from .macros import int_macros
from .nodes import DEFAULT_NODE_BUDGET, BudgetExceeded, Call, CfgNode, LoopFact
from .syntax import (ASSERTIONS, NORETURN, Literal, Value, cond_literals, idents, int_value, is_zero_node,
                     node_text, norm_atom, strip_node, value_of)

__all__ = ["ASSERTIONS", "BudgetExceeded", "Call", "CfgNode", "DEFAULT_NODE_BUDGET", "DecodedLimit",
           "FactsIndex", "FunctionFacts", "Literal", "LoopFact", "NORETURN", "STEP_TOKEN", "Value",
           "cond_literals", "flush_spill", "function_facts", "has_token", "idents", "int_macros",
           "int_value", "is_zero_node", "kill_literals", "lazy_function_facts", "may_exceed_budget",
           "node_text", "norm_atom", "release_decoded", "strip_node", "value_of"]
