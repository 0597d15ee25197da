"""errpath.frontend.parse: function units, unparsed functions, second chance.

Snippets are written for these tests and only imitate kernel shapes.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from errpath.frontend.parse import Unparsed, body_candidates, candidate_name, new_parser, parse_source


def _names(pf):
    return [(f.name, f.ok) for f in pf.functions]


def test_functions_lines_static_and_source_shape():
    src = (b"/* header */\n"
           b"static int __init alpha(void)\n{\n\treturn 0;\n}\n\n"
           b"int beta(struct thing *t)\n{\n\tlist_for_each_entry(t, &all, node) {\n"
           b"\t\tif (!t)\n\t\t\treturn -EINVAL;\n\t}\n\treturn 0;\n}\n")
    pf = parse_source(src)
    assert len(pf.source) == len(src)
    assert _names(pf) == [("alpha", True), ("beta", True)]
    alpha, beta = pf.functions
    assert alpha.is_static and not beta.is_static
    assert (alpha.start_line, alpha.end_line) == (2, 5)
    assert beta.start_line == 7
    assert pf.unparsed == []
    body = beta.node.child_by_field_name("body")
    assert body.named_children[0].type == "while_statement"


def test_syscall_function_is_named_after_the_syscall():
    src = (b"SYSCALL_DEFINE3(my_enter, unsigned int, fd, u32, n, const char __user *, buf)\n"
           b"{\n\tif (!n)\n\t\treturn -EINVAL;\n\treturn 0;\n}\n")
    pf = parse_source(src)
    assert _names(pf) == [("my_enter", True)]
    assert not pf.functions[0].node.has_error


def test_unrecognised_function_is_listed_not_skipped():
    # a top-level construct tree-sitter cannot place swallows the next body
    src = (b"static const char * const names[] = {\n\tNAMES(\n};\n\n"
           b"static int gamma(struct x *c)\n{\n\treturn 0;\n}\n")
    pf = parse_source(src)
    listed = {f.name for f in pf.functions} | {u.name for u in pf.unparsed}
    assert "gamma" in listed
    for u in pf.unparsed:
        assert isinstance(u, Unparsed) and isinstance(u, tuple)
        name, line, reason = u
        assert name == "gamma" and line == 6 and reason


def test_commented_out_function_is_not_a_function():
    src = b"/*void old(int a)\n{\n\told_body();\n}*/\nint cur(void)\n{\n\treturn 1;\n}\n"
    pf = parse_source(src)
    assert _names(pf) == [("cur", True)]
    assert pf.unparsed == []


def test_body_candidates_and_names():
    src = (b"int a(void)\n{\n}\n"
           b"static struct s tbl =\n{\n};\n"
           b"#define M(x) \\\n{ \\\n}\n"
           b"void b(int x)\n\t__acquires(lock)\n{\n}\n")
    cands = body_candidates(src)
    assert len(cands) == 2
    assert [candidate_name(src, p) for p in cands] == ["a", "b"]


def test_second_chance_fixes_rare_forms_and_notes_it():
    src = (b"int delta(void)\n{\n\tBIG_XMACRO()\n\tMY_ASSERT(x, dump(r););\n\treturn 0;\n}\n\n"
           b"int eps(void)\n{\n\treturn 1;\n}\n")
    pf = parse_source(src)
    assert _names(pf) == [("delta", True), ("eps", True)]
    assert pf.functions[0].note == "second chance"
    assert pf.functions[1].note == ""
    assert b"BIG_XMACRO" not in pf.source and len(pf.source) == len(src)


def test_preprocessor_split_statement_is_retried():
    src = (b"int zeta(int a)\n{\n\tint mode;\n\n#ifdef CONFIG_CHECK\n\tmode =\n#endif\n"
           b"\t\tcompute(a);\n\tif (a) {\n\t\treturn 1;\n\t} else\n#ifdef CONFIG_X\n\tif (mode) {\n"
           b"\t\treturn 2;\n\t} else\n#endif\n\t{\n\t\treturn 3;\n\t}\n}\n\n"
           b"int eta(void)\n{\n\treturn 0;\n}\n")
    pf = parse_source(src)
    assert _names(pf) == [("zeta", True), ("eta", True)]
    assert "#if" in pf.functions[0].note


def test_failing_function_is_reported_not_ok():
    src = b"int theta(void)\n{\n\tD1(if (x) y = 1);\n\treturn 0;\n}\n"
    pf = parse_source(src)
    assert _names(pf) == [("theta", False)]


def test_parser_reuse_and_foreach_macros():
    p = new_parser()
    src = b"void f(void)\n{\n\tspin_items(a, b)\n\t\tg(a);\n}\n"
    plain = parse_source(src, frozenset(), parser=p)
    assert plain.functions[0].ok is False
    with_macro = parse_source(src, frozenset({"spin_items"}), parser=p)
    assert with_macro.functions[0].ok is True


def test_top_level_macro_lines_do_not_make_a_bogus_function():
    src = (b"#define SHOW(f) \\\nstatic int show_##f(char *p) \\\n{ \\\n\treturn 0; \\\n}\n\n"
           b"SHOW(alpha)\nSHOW(beta)\n\nstatic int iota(void)\n{\n\treturn 0;\n}\n")
    pf = parse_source(src)
    assert _names(pf) == [("iota", True)]


def test_local_attribute_macro_and_if0():
    src = (b"static local_attrs bool kappa(int x)\n{\n\treturn x;\n}\n"
           b"#if 0\nvoid dead(void)\n{\n\tnot C at all\n}\n#endif\n")
    pf = parse_source(src)
    assert _names(pf) == [("kappa", True)]
    assert pf.functions[0].is_static
    assert not pf.functions[0].node.has_error


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([
    "int f(void)\n{\n", "}\n", "\tx = y;\n", "\tFOO()\n", "#if 0\n", "#ifdef A\n", "#else\n", "#endif\n",
    "\tlist_for_each_entry(a, b, c) {\n", "\tif (a) {\n", "\t} else\n", "SYSCALL_DEFINE1(s, int, a)\n",
    "SHOW(x)\n", "\tmode =\n", "/* c */\n", "{\n", "(", ")", ";", "\n",
]), max_size=40).map("".join))
def test_parse_source_never_raises_and_keeps_shape(text):
    data = text.encode()
    pf = parse_source(data)
    assert len(pf.source) == len(data)
    assert [i for i, c in enumerate(pf.source) if c == 10] == [i for i, c in enumerate(data) if c == 10]
    for u in pf.unparsed:
        assert u.line >= 1 and u.reason


def test_alignof_of_an_expression_parses():
    """`__alignof__(*frame)` (an expression, as uvc_parse_streaming() writes it)
    used to put the whole function in "not analysed"."""
    src = (b"static int lay_out(struct fmt *format, struct frm *frame, unsigned int n)\n{\n"
           b"\tunsigned int size = n * sizeof(*format);\n"
           b"\tsize = ALIGN(size, __alignof__(*frame)) + _Alignof(struct frm) + __alignof(frame->x);\n"
           b"\tif (!size)\n\t\treturn -EINVAL;\n\treturn size;\n}\n")
    pf = parse_source(src)
    assert _names(pf) == [("lay_out", True)]
    assert not pf.functions[0].node.has_error and len(pf.source) == len(src)


def test_block_opening_macro_is_a_loop_not_a_nested_definition():
    """`change_nexthops(fi) { ... } endfor_nexthops(fi);` (a macro pair of the
    same file that opens and closes a block) parses as an old-style definition
    of `change_nexthops` inside the function; read so, the goto in it was
    invisible. The body becomes the loop it is."""
    src = (b"#define walk_all(t) { int i; for (i = 0; i < (t)->n; i++)\n#define end_walk_all(t) }\n"
           b"static int f(struct t *t)\n{\n\tint err;\n\n\twalk_all(t) {\n\t\terr = step(t, i);\n"
           b"\t\tif (err)\n\t\t\tgoto out;\n\t} end_walk_all(t);\n\treturn 0;\nout:\n\treturn err;\n}\n")
    pf = parse_source(src)
    assert _names(pf) == [("f", True)]
    body = pf.functions[0].node.child_by_field_name("body")
    kinds = [c.type for c in body.named_children]
    assert "function_definition" not in kinds and "while_statement" in kinds
    assert pf.functions[0].note == "second chance"
