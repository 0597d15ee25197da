F = "errpath.facts."
NEW_PKGS = {"errpath.facts"}
MOVES = {
 "errpath.facts": (F + "syntax", {
     **{n: F + "nodes" for n in "DEFAULT_NODE_BUDGET BudgetExceeded Call _new_call CfgNode LoopFact".split()},
     **{n: F + "functions" for n in (
        "FunctionFacts DecodedLimit _DECODED _TOKSETS _drop_tokens _decoded _evict release_decoded _SpillFile "
        "_SPILL flush_spill function_facts _SOURCE_TAG _SOURCE_HEAD _LAZY_PARSER _LIGHT_QUERY may_exceed_budget "
        "STEP_TOKEN _LIGHT_PATTERNS _IF_PATTERNS _IF_QUERY _ADDR_ARG _light_of _WORD_BYTES _NON_WORD_TO_SPACE _DIGITS "
        "_token_tuple _tokens_of lazy_function_facts _build_from_source").split()},
     **{n: F + "macros" for n in "_DEFINE _COMMENT _NUMBER _BIT _SHIFT _OR _strip_parens _macro_int int_macros".split()},
     **{n: F + "cfg" for n in "_SKIPPED_STATEMENTS _declarator_name _set_result _LoopCtx _Builder _is_true_const _params _build".split()},
     **{n: F + "dataflow" for n in "_rpo _ATOM_IDENTS _atom_idents _kill _must_hold _unrefine _nonzero_vars _reaching_defs".split()},
  }, {}),
 "errpath.index": (F + "index", {}, {}),
 "errpath.summary": ("errpath.summary", {"has_token": F + "functions"}, {}),
}
MODULES = {"errpath.index": F + "index"}
STMT_TARGET = {("errpath.facts", "assert [f.name for f in fields(Call)] == "): F + "nodes"}
TC_NAMES = {F + "dataflow": {"FunctionFacts"}}
DOCS = {
 F + "syntax": """Tree-sitter node -> text, Values and literals: the vocabulary of the facts
layer (node_text, norm_atom, idents, strip_node, cond_literals, value_of). The
Value shapes are listed in errpath/facts/__init__.py.""",
 F + "nodes": """The CFG's records: Call, CfgNode, LoopFact, and the node budget
(BudgetExceeded). Pickled inside FunctionFacts payloads.""",
 F + "cfg": """The CFG builder: one function's tree-sitter body -> CfgNodes (with defs,
calls, returns, gotos and labels) and LoopFacts.""",
 F + "dataflow": """Dataflow over one function's CFG: reverse post-order, must-hold literals
(kill_literals, the guards every path to a node tested), and reaching
definitions.""",
 F + "functions": """FunctionFacts: one function's facts and its lazy CFG (built from the stored
source on first use, evicted by DecodedLimit, spilled to disk), the light
token pass that decides which rules need a CFG at all, and has_token.""",
 F + "macros": """A .c file's integer macros (#define NAME <int expression>), read from its
bytes without a preprocessor.""",
}
