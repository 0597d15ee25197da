NEW_PKGS = {"errpath.frontend"}
SCAN = ("_EXTRA_LOOP_MACROS _C_KEYWORDS _C_KEYWORDS_B _trie_regex _WORD _BLANK_TABLE _IDENT_TABLE "
        "_STRING_TABLE _PARENS _DIRECTIVE_PREFIX _OPEN_AFTER _DIRECTIVE _ID _word_finder ident_before _blank "
        "_close_paren _open_paren _split_args _line_start _in_directive_name _continued prev_code _next_code "
        "_apply").split()
SECOND = ("second_chance _STATIC_ANNOTATION _DEFINE_LINE _COL0_CALL_LINE _TYPE_MACRO_DECL _CAPS_BEFORE_STRING "
          "_second_chance_span fallback_preprocessor").split()
MOVES = {
 "errpath.source": ("errpath.frontend.normalise", {
     **{n: "errpath.frontend.scan" for n in SCAN},
     **{n: "errpath.frontend.second_chance" for n in SECOND}}, {}),
 "errpath.parse": ("errpath.frontend.parse", {}, {}),
}
MODULES = {"errpath.source": "errpath.frontend.normalise", "errpath.parse": "errpath.frontend.parse"}
DOCS = {
 "errpath.frontend.scan": """Byte scanners shared by the normalisation passes: C keywords, identifier
and string tables, balanced-paren scanning, directive and line helpers, and
applying same-length edits. See errpath.frontend.normalise for the passes.""",
 "errpath.frontend.second_chance": """Second chance: rare forms, applied by errpath.frontend.parse only inside
functions that still fail after normalise() (keeps the common path fast), and
the fallback preprocessor. Same-length rewrites, like errpath.frontend.normalise.""",
}
