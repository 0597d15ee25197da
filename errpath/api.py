"""The rule API: everything a rule file may import, and nothing else.

A rule (rules/<id>.py, or a file in --rules-dir) imports only this module:
`from errpath.api import Rule, Evidence, ...`. The names here are stable; what
is not here is internal and may move. docs/writing-rules.md explains them with
a complete example rule.

Layer: rule API, with the rule loader errpath.rules (git -> frontend -> facts
-> analysis -> rules -> pipeline -> report -> cli). It may import every layer
below it (model, knowledge, facts, analysis); nothing imports it but rules.
"""
from __future__ import annotations

# what a rule is, and what it reports
from .model import Evidence, Finding
from .rules import Rule, RuleContext

# kernel knowledge: the tables of errpath/data/*.txt
from .knowledge import name_list, table
from .knowledge.errnos import ERRNO_NAMES
from .knowledge.tables import (Allocator, allocator, allocators, err_ptr_dereferencers, err_ptr_out_params,
                               err_ptr_returners,
                               gfp_composites, is_sleeping_call, nowait_flags, null_returners,
                               pointer_predicates)

# one function's facts: its CFG, Values, literals (Value shapes: errpath/facts/__init__.py)
from .facts import (ASSERTIONS, STEP_TOKEN, Call, CfgNode, FunctionFacts, LoopFact, Value, cond_literals,
                    has_token, idents)

# across functions: summaries' outcome keys, shared caches, masks, paths, zero, failure, progress
from .analysis import progress                                          # callee pointer-parameter progress
from .analysis import outparams                                         # ERR_PTRs/NULLs stored through `*param`
from .analysis.failure import (ERROR_NAME, Channel, callee_fails, callers_use_result, errno_channel, error_channel,
                               failed_calls, int_local, may_fail_with_null, may_have_status, status_output,
                               success_comparison, reads, tested_call_failures)
from .analysis.overwrites import overwritten_forward                    # an errno set again on one path
from .analysis.consensus import Consensus, failure_consensus, zero_failures, zero_side            # how the callers in view answer a failure
from .analysis.formulas import atom_constraints                        # what a test's atom says of a value
from .analysis.masks import Mask, mask_alternatives                     # GFP masks as sets of alternatives
from .analysis.nonzero import (MAYBE, NONZERO, UNKNOWN, Verdict, ZeroAnalysis,   # can this value be 0 here?
                               expand_macro)
from .analysis.outcomes import FLAGGABLE, describe                      # summary outcome keys
from .analysis.paths import PathState, formula                          # path walks with literal state
from .analysis.pathdefs import PathDef, PathDefinitions, path_definitions   # per-path definitions of one variable
from .analysis.shared import memo, shared_for                          # per-index caches shared by chunks
from .analysis.tolerance import harmless_uses, tolerates                # does a callee / every use accept a bad pointer?

__all__ = [
    "ASSERTIONS", "Allocator", "Call", "CfgNode", "Channel", "ERRNO_NAMES", "ERROR_NAME", "Evidence", "FLAGGABLE", "Finding",
    "FunctionFacts", "LoopFact", "MAYBE", "Mask", "NONZERO", "PathDef", "PathDefinitions", "PathState", "Rule",
    "RuleContext",
    "STEP_TOKEN", "UNKNOWN", "Value", "Verdict", "ZeroAnalysis", "allocator", "allocators", "atom_constraints",
    "callee_fails", "callers_use_result", "cond_literals", "describe", "err_ptr_dereferencers", "err_ptr_out_params",
    "err_ptr_returners",
    "Consensus", "errno_channel", "error_channel", "failure_consensus", "overwritten_forward", "zero_failures", "zero_side", "expand_macro", "failed_calls", "formula", "gfp_composites", "harmless_uses", "has_token", "idents",
    "int_local", "may_fail_with_null", "may_have_status", "status_output",
    "is_sleeping_call", "mask_alternatives", "memo", "name_list", "nowait_flags",
    "outparams", "null_returners", "path_definitions",
    "pointer_predicates", "progress", "reads", "shared_for", "success_comparison", "table", "tested_call_failures", "tolerates",
]
