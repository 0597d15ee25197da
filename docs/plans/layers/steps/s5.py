A = "errpath.analysis."
F = "errpath.facts."
P = "errpath.pipeline."
NEW_PKGS = {"errpath.analysis", "errpath.pipeline"}
MOVES = {
 "errpath.summary": (A + "summaries", {
     **{n: A + "outcomes" for n in "ERR_TESTS _ERR_MAKERS _STUB_CALLS FLAGGABLE _TAG_RANK _tag_rank _EMPTY _filter _merge _one describe_key describe".split()},
     **{n: A + "formulas" for n in (
        "_PARSER _FORMULAS _formula_of condition_formula _simplify _implied _VARLIKE _ERR_TEST _CMP_ERRNO "
        "_CMP_ERRPTR _PTR_ERR _PREDICATE_CALL _CMP_ZERO _ASSIGN _ROOT _root atom_constraints _FLAG_ATOM "
        "flag_operand _flag_value_operand _GUARD _guard_atom _const_int guard_refuted _implied_true _assert_lits").split()},
     **{n: A + "fninfo" for n in "_walk_values FnInfo _fn_info _walk_formula".split()},
     **{n: A + "valueflow" for n in (
        "Flow _union_state _HINTS_OF _UNKNOWN_ONLY _hints_of _signature _item_hint _effective _hint _consistent _rpo").split()},
     **{n: A + "masks" for n in "_gfp_tag _static_gfp".split()},
     **{n: A + "shared" for n in "_SHARED shared_for pair".split()},
     **{n: A + "contracts" for n in "Contract contract_changes".split()},
     **{n: P + "contracts" for n in "contract_at explain_blame".split()},
  }, {
     "Flow": ("FlowMasks", A + "masks", "under_flag gfp_tag gfp_class flag_bits arg_state call_mode".split()),
     "Summaries": ("MaySleep", A + "sleep", "may_sleep _sleep_edges _sleep_sccs _settle_sleep".split()),
  }),
 "errpath.nonzero": (A + "nonzero", {}, {}),
 "errpath.failure": (A + "failure", {}, {}),
 "errpath.progress": (A + "progress", {}, {}),
 "errpath.contracts": ("errpath.contracts", {n: P + "contracts" for n in
                       "CALLER_LEVELS MAX_CANDIDATES Step ChangedFunction _deps contract_changes_in_range".split()}, {}),
 "errpath.builtin_rules.atomic_account": ("errpath.builtin_rules.atomic_account", {
     **{n: A + "masks" for n in "Mask UNKNOWN MAX_ALTS MAX_DEPTH _vtext macro_bits mask_alternatives".split()},
     "memo": A + "shared"}, {}),
 "errpath.builtin_rules.nowait_blocks": ("errpath.builtin_rules.nowait_blocks", {
     n: A + "paths" for n in "_PARSER formula _is_zero _build evaluate deduce PathState".split()}, {}),
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
