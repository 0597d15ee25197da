cd /work/w19
sed -i -E 's/\b_text\b/node_text/g; s/\b_norm\b/norm_atom/g; s/\b_strip\b/strip_node/g; s/\b_is_zero_text\b/is_zero_node/g; s/\b_int_value\b/int_value/g; s/\b_kill\b/kill_literals/g' errpath/facts/*.py errpath/summary.py rules/nowait_blocks.py
sed -i 's/(errpath.facts._text)/(errpath.facts.syntax.node_text)/' tests/test_cfg_source_text.py
sed -i 's/^ENGINE_VERSION = "facts-12"  # /ENGINE_VERSION = "facts-13"  # /; s/facts-12: a .c file.s init-only functions$/&; facts-13: the CFG classes pickled under their errpath.facts.* module paths (issue 19)/' errpath/cache.py
python3 - <<'PY'
import ast, subprocess
old = subprocess.run(["git", "show", "HEAD:errpath/facts.py"], capture_output=True, text=True, cwd="/work/w19").stdout
doc = ast.get_docstring(ast.parse(old), clean=False)
doc += '''
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
'''
body = '''from __future__ import annotations

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
'''
open("/work/w19/errpath/facts/__init__.py", "w").write('"""' + doc + '"""\n' + body)
PY
sed -i 's/"errpath.frontend", "errpath.report"/"errpath.frontend", "errpath.facts", "errpath.report"/' pyproject.toml
