"""Target layout: source module -> (default target, {name: target}, {Class: {method: target}})."""
A = "errpath.analysis."
F = "errpath.facts."
P = "errpath.pipeline."
MOVES = {
 "errpath.model":      ("errpath.model", {}, {}),
 "errpath.knowledge":  ("errpath.knowledge", {}, {}),
 "errpath.errnos":     ("errpath.knowledge.errnos", {}, {}),
 "errpath.pathsafe":   ("errpath.git.pathsafe", {}, {}),
 "errpath.git":        ("errpath.git.repo", {}, {}),
 "errpath.story":      ("errpath.cli.story", {}, {}),
 "errpath.series":     ("errpath.git.series", {n: "errpath.report.series" for n in
                         ("SeriesRunResult", "patch_refs", "annotate", "summary_lines")}, {}),
 "errpath.source":     ("errpath.frontend.normalise", {
     **{n: "errpath.git.repo" for n in ("foreach_macros_from_clang_format",)},
     **{n: "errpath.frontend.scan" for n in (
        "_EXTRA_LOOP_MACROS _C_KEYWORDS _C_KEYWORDS_B _trie_regex _WORD _BLANK_TABLE _IDENT_TABLE "
        "_STRING_TABLE _PARENS _DIRECTIVE_PREFIX _OPEN_AFTER _DIRECTIVE _ID _word_finder ident_before _blank "
        "_close_paren _open_paren _split_args _line_start _in_directive_name _continued prev_code _next_code "
        "_apply").split()},
     **{n: "errpath.frontend.second_chance" for n in (
        "second_chance _STATIC_ANNOTATION _DEFINE_LINE _COL0_CALL_LINE _TYPE_MACRO_DECL _CAPS_BEFORE_STRING "
        "_second_chance_span fallback_preprocessor").split()}}, {}),
 "errpath.parse":      ("errpath.frontend.parse", {}, {}),
 "errpath.facts":      (F + "syntax", {
     **{n: F + "nodes" for n in "DEFAULT_NODE_BUDGET BudgetExceeded Call _new_call CfgNode LoopFact".split()},
     **{n: F + "functions" for n in (
        "FunctionFacts DecodedLimit _DECODED _TOKSETS _drop_tokens _decoded _evict release_decoded _SpillFile "
        "_SPILL flush_spill function_facts _SOURCE_TAG _SOURCE_HEAD _LAZY_PARSER _LIGHT_QUERY may_exceed_budget "
        "STEP_TOKEN _LIGHT_PATTERNS _IF_PATTERNS _IF_QUERY _ADDR_ARG _light_of _WORD_BYTES _NON_WORD_TO_SPACE _DIGITS _token_tuple _tokens_of "
        "lazy_function_facts _build_from_source").split()},
     **{n: F + "macros" for n in "_DEFINE _COMMENT _NUMBER _BIT _SHIFT _OR _strip_parens _macro_int int_macros".split()},
     **{n: F + "cfg" for n in "_SKIPPED_STATEMENTS _declarator_name _set_result _LoopCtx _Builder _is_true_const _params _build".split()},
     **{n: F + "dataflow" for n in "_rpo _ATOM_IDENTS _atom_idents _kill _must_hold _unrefine _nonzero_vars _reaching_defs".split()},
  }, {}),
 "errpath.index":      (F + "index", {}, {}),
 "errpath.summary":    (A + "summaries", {
     **{n: "errpath.knowledge" for n in ("_rows",)},
     **{n: "errpath.knowledge.tables" for n in (
        "pointer_predicates err_ptr_dereferencers nowait_flags gfp_reclaim mask_reclaims _allocator_table _Allocators _ALLOCATORS "
        "allocators _sleepers is_sleeping_call err_ptr_returners null_returners").split()},
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
     **{n: F + "functions" for n in ("has_token",)},
     **{n: A + "contracts" for n in "Contract contract_changes".split()},
     **{n: P + "contracts" for n in "contract_at explain_blame".split()},
  }, {
     "Flow": {m: A + "masks" for m in "under_flag gfp_tag gfp_class flag_bits arg_state call_mode".split()},
     "Summaries": {m: A + "sleep" for m in "may_sleep _sleep_edges _sleep_sccs _settle_sleep".split()},
  }),
 "errpath.nonzero":    (A + "nonzero", {}, {}),
 "errpath.explain":    (A + "explain", {n: "errpath.cli.explain" for n in
                         "fn_label render_text HTML_TEMPLATE _tree render_html render explain_cmd _explain".split()}, {}),
 "errpath.contracts":  (P + "contracts", {n: "errpath.cli.contracts" for n in "SCHEMA render_text contracts_cmd".split()}, {}),
 "errpath.rules":      ("errpath.rules", {}, {}),
 "errpath.engine":     (P + "engine", {
     **{n: P + "blob" for n in ("MAX_FILE_BYTES BlobAnalysis _INCLUDE _INCLUDE_TAIL _includes _PARSER analyse_blob "
                                "_INIT_PATTERNS _NOWAIT_OPS _SETS_NOWAIT nowait_entries init_functions _analyse_task").split()},
     **{n: P + "cones" for n in "_function_digest call_cone_unchanged call_cones _callers_closure".split()},
     **{n: P + "attribution" for n in "audit _NUMBER _IDENT _QUOTED _GUARD DroppedGuards _drop_renamed".split()},
  }, {}),
 "errpath.executor":   (P + "executor", {}, {}),
 "errpath.workers":    (P + "workers", {}, {}),
 "errpath.cache":      (P + "cache", {}, {}),
 "errpath.budget":     (P + "budget", {}, {}),
 "errpath.baseline":   ("errpath.report.baseline", {}, {}),
 # landed after 4ac2b59
 "errpath.suppress":   ("errpath.report.suppress", {}, {}),
 "errpath.userpaths":  ("errpath.cli.userpaths", {}, {}),
 "errpath.failure":    (A + "failure", {}, {}),
 "errpath.progress":   (A + "progress", {}, {}),
 "errpath.config":     ("errpath.cli.config", {}, {}),
 "errpath.cli":        ("errpath.cli.commands", {n: "errpath.cli.common" for n in
                         "EXIT_FINDINGS EXIT_USAGE EXIT_INTERNAL FORMATS VOLATILE_STATS InputError _fail_on_threshold _exit_code Terminated _on_sigterm _guard".split()}, {}),
 "errpath.builtin_rules.atomic_account": ("errpath.builtin_rules.atomic_account", {
     **{n: "errpath.knowledge" for n in ("table",)},
     **{n: "errpath.knowledge.tables" for n in "Allocator allocator _composites".split()},
     **{n: A + "masks" for n in "Mask UNKNOWN MAX_ALTS MAX_DEPTH _vtext macro_bits mask_alternatives".split()},
     **{n: A + "shared" for n in ("memo",)},
  }, {}),
 "errpath.builtin_rules.nowait_blocks": ("errpath.builtin_rules.nowait_blocks", {
     n: A + "paths" for n in "_PARSER formula _is_zero _build evaluate deduce PathState".split()}, {}),
}
# layer of a target module (index = height)
LAYERS = [
 ("base",     ["errpath", "errpath.model", "errpath.shipped", "errpath.knowledge"]),
 ("git",      ["errpath.git"]),
 ("frontend", ["errpath.frontend"]),
 ("facts",    ["errpath.facts"]),
 ("analysis", ["errpath.analysis"]),
 ("api",      ["errpath.rules", "errpath.api"]),
 ("rules",    ["errpath.builtin_rules"]),
 ("pipeline", ["errpath.pipeline"]),
 ("report",   ["errpath.report"]),
 ("cli",      ["errpath.cli", "errpath.__main__"]),
]
