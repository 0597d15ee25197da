cd /work/w19
python3 - <<'PY'
import re
def edit(p, old, new, count=1):
    s = open(p).read()
    assert s.count(old) == count, (p, old, s.count(old))
    open(p, "w").write(s.replace(old, new))
A = "errpath/analysis/"
edit(A + "valueflow.py", "\nclass Flow:\n", "\nclass Flow(FlowMasks):\n")
edit(A + "valueflow.py", "from .outcomes import", "from .masks import FlowMasks\nfrom .outcomes import")
edit(A + "valueflow.py", "from ..knowledge.tables import allocators, err_ptr_returners, null_returners\n",
     "from ..knowledge.tables import allocators, err_ptr_returners, null_returners\n"
     "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from .summaries import Summaries\n")
edit(A + "summaries.py", "\nclass Summaries:\n", "\nclass Summaries(MaySleep):\n")
edit(A + "summaries.py", "from .valueflow import Flow\n", "from .sleep import MaySleep\nfrom .valueflow import Flow\n")
# memo moved next to shared_for: its lazy import of shared_for would import its own module
edit(A + "shared.py", "    from errpath.analysis.shared import shared_for\n    return shared_for(index)", "    return shared_for(index)")
PY
cat > errpath/analysis/__init__.py <<'PY'
"""The analysis layer: questions across functions, answered from the facts.

Place in the flow: after facts, below the rules (git -> frontend -> facts ->
analysis -> rules -> pipeline -> report -> cli). summaries.py (Summaries:
what each function may return, under which guards; built once per index),
split by question: valueflow.py (Flow, the value-flow dataflow), masks.py (GFP
masks and flags), sleep.py (may-sleep over call-graph SCCs), formulas.py
(condition formulas, guards), outcomes.py (outcome keys), fninfo.py,
contracts.py (a function's contract and its changes); nonzero.py (can a value
be 0 here?), failure.py (the failure model: when a callee fails, how its
failure reaches the caller), progress.py (callee pointer-parameter progress),
paths.py (path walks with literal state) and shared.py (caches shared by all
rule chunks of one index, and the rules' memo). Helpers two rules share live
here, never in a rule.

May import: the standard library, tree-sitter, errpath.model,
errpath.knowledge, errpath.frontend and errpath.facts. Nothing above it.
Submodules import their siblings by module, never through this __init__.
"""
from __future__ import annotations

from .contracts import Contract, contract_changes
from .formulas import atom_constraints, condition_formula, guard_refuted
from .outcomes import FLAGGABLE, describe, describe_key
from .shared import memo, pair, shared_for
from .summaries import Summaries, build

__all__ = ["Contract", "FLAGGABLE", "Summaries", "atom_constraints", "build", "condition_formula",
           "contract_changes", "describe", "describe_key", "guard_refuted", "memo", "pair", "shared_for"]
PY
cat > errpath/pipeline/__init__.py <<'PY'
"""The pipeline: one run, from revisions to findings.

Place in the flow: above the rules, below report and cli (git -> frontend ->
facts -> analysis -> rules -> pipeline -> report -> cli). engine.py (Engine,
scan, the rules over an index), blob.py (one blob -> parsed functions and
facts: the cached unit of work), executor.py and workers.py (in-process,
forked or dask workers), cache.py (the per-blob results cache), budget.py (time
and node budgets), cones.py (call cones: what an audit must check again),
attribution.py (audit: which commit introduced or fixed a finding),
contracts.py (contracts across a range, blame explanations).

May import: every layer below it (model, knowledge, git, frontend, facts,
analysis, the rule loader errpath.rules). Not report or cli.
"""
PY
sed -i 's/"errpath.facts", "errpath.report"/"errpath.facts", "errpath.analysis", "errpath.pipeline", "errpath.report"/' pyproject.toml
