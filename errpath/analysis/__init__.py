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
paths.py (path walks with literal state), pathdefs.py (per-path definitions
of one variable: which definition reaches a node and what the branches on
that path prove of it) and shared.py (caches shared by all
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
