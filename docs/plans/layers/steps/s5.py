"""Step 5, analysis: the summary.py, nonzero, failure, progress and rule-helper entries of ../mapping.py
(names that moved in earlier steps are no longer in the files, so their entries do nothing)."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
from mapping import MOVES as PLAN

A = "errpath.analysis."
F = "errpath.facts."
P = "errpath.pipeline."
NEW_PKGS = {"errpath.analysis", "errpath.pipeline"}
MIXINS = {"Flow": "FlowMasks", "Summaries": "MaySleep"}   # the plan's method splits, as mixin classes


def mixins(mod):
    return {cls: (MIXINS[cls], next(iter(set(ms.values()))), list(ms)) for cls, ms in PLAN[mod][2].items()}


MOVES = {
 "errpath.summary": (*PLAN["errpath.summary"][:2], mixins("errpath.summary")),
 **{m: PLAN[m] for m in ("errpath.nonzero", "errpath.failure", "errpath.progress")},
 # contracts.py: only its pipeline half now (the command moves with the CLI, step 8)
 "errpath.contracts": ("errpath.contracts", {n: P + "contracts" for n in
                       "CALLER_LEVELS MAX_CANDIDATES Step ChangedFunction _deps contract_changes_in_range".split()}, {}),
 "errpath.builtin_rules.atomic_account": ("errpath.builtin_rules.atomic_account",
                                          {n: t for n, t in PLAN["errpath.builtin_rules.atomic_account"][1].items()
                                           if t.startswith(A)}, {}),
 "errpath.builtin_rules.nowait_blocks": PLAN["errpath.builtin_rules.nowait_blocks"],
}
MODULES = {"errpath.summary": "errpath.analysis", "errpath.nonzero": A + "nonzero",
           "errpath.failure": A + "failure", "errpath.progress": A + "progress"}
STMT_TARGET = {("errpath.summary", "if sys.getrecursionlimit() < 20000:"): A + "summaries"}
DOCS = {
 "FlowMasks": "Flow's questions about GFP masks and flags at a node (mixed into\n    errpath.analysis.valueflow.Flow; it uses Flow's value queries).",
 "MaySleep": "Summaries' may-sleep question: the call graph's strongly connected\n    components settled once (mixed into errpath.analysis.summaries.Summaries).",
 A + "outcomes": """Summary outcome keys: what a function may return (errnos, ERR_PTR, NULL, 0,
a callee's result), how outcomes are filtered, merged and described.""",
 A + "formulas": """Condition formulas: a branch condition's text as a formula over literals
(tree-sitter, cached), the constraints an atom puts on a value, and guards an
outcome refutes.""",
 A + "fninfo": """What the summaries need of one function, read once from its facts (FnInfo):
returns, calls whose results reach a return, flag and formula walks.""",
 A + "valueflow": """Flow: the value-flow dataflow of one function -- what a value may be at a
node, through assignments, callee summaries and guards. Its GFP/flag questions
are the FlowMasks mixin (errpath.analysis.masks).""",
 A + "masks": """GFP masks: Flow's mask and flag questions (the FlowMasks mixin), the static
GFP class of a mask, and a mask value's alternatives as bit sets (Mask,
mask_alternatives), which two rules share.""",
 A + "sleep": """May-sleep: which functions may sleep, settled over the call graph's
strongly connected components (the MaySleep mixin of Summaries).""",
 A + "contracts": """A function's contract (what it returns, when it may sleep, which errnos) and
the changes between two contracts.""",
 A + "shared": """Caches shared by every rule chunk of one run, keyed by the facts index:
shared_for (one dict per name), pair (the summaries of both ends of a range),
memo (the rules' per-index memo). Answers in them must not depend on the order
in which questions are asked.""",
 A + "paths": """Path walks with literal state: a condition as a formula (tree-sitter, cached
for every rule), evaluate/deduce over known literals, and PathState, the state
of a walk along a function's CFG (NOWAIT and other literals it has seen).""",
 P + "contracts": """Contracts across a range: which functions' contracts changed between two
revisions (contract_changes_in_range), the contract of one function at one
revision (contract_at), and the blame explanation of a finding (explain_blame).""",
}
