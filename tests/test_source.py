"""errpath.frontend.normalise: offset-preserving normalisation.

Every snippet here is written for these tests (no kernel source is copied);
they only imitate the shapes of kernel macros.
"""
from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from errpath.frontend.parse import new_parser
from errpath.frontend.normalise import DEFAULT_FOREACH_MACROS, normalise
from errpath.frontend.second_chance import fallback_preprocessor, second_chance
from errpath.git.repo import foreach_macros_from_clang_format

_PARSER = new_parser()


def _newlines(b: bytes) -> list[int]:
    return [i for i, c in enumerate(b) if c == 0x0A]


def _same_shape(a: bytes, b: bytes) -> None:
    assert len(a) == len(b)
    assert _newlines(a) == _newlines(b)


def _body(src: str, macros=None):
    """Normalise a function, parse it, return (normalised text, body node)."""
    data = src.encode()
    out = normalise(data, macros)
    _same_shape(data, out)
    tree = _PARSER.parse(out)
    fn = next(n for n in tree.root_node.children if n.type == "function_definition")
    return out.decode(), fn.child_by_field_name("body")


def _types(node) -> list[str]:
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        out.append(n.type)
        stack.extend(reversed(n.children))
    return out


# --------------------------------------------------------------------------
# length / newline preservation

KERNELISH = st.sampled_from([
    "struct ", "union ", "enum ", "unsigned ", "long ", "const ", "signed ", "short ", "*", "**",
    "(", ")", ",", ";", "{", "}", "\n", "\t", " ", "\\\n", "#if 0\n", "#ifdef X\n", "#else\n",
    "#endif\n", "#define ", "/*", "*/", "//", "\"", "'", "...", "==", "case ",
    "list_for_each_entry", "for_each_cpu", "FOREACH_X", "scoped_guard", "guard(", "typeof(",
    "__typeof__(", "offsetof(", "__stringify(", "container_of(", "min_t(", "SYSCALL_DEFINE2(",
    "COMPAT_SYSCALL_DEFINE0(", "SYSCALL_DEFINE0(", "DECLARE_BITMAP(", "static ", "DEFINE_MUTEX(",
    "__user", "__acquires(", "__releases(", "__attribute__((", "__free(", "STATIC", "__init",
    "x", "foo", "a.b", "->", "[1]", "0", "BAR", "BAZ()", "if (", "while (", "else ", "do ",
    "return ", "{\n", "\n}\n", ") {\n", "\n{\n", "u8 ", "int ", "char ",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_keep_shape(data):
    out = normalise(data)
    _same_shape(data, out)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(KERNELISH, max_size=60).map("".join))
def test_kernelish_text_keeps_shape(text):
    data = text.encode()
    out = normalise(data, DEFAULT_FOREACH_MACROS | {"my_iter"})
    _same_shape(data, out)
    spans = [(0, len(out) // 2), (len(out) // 2, len(out))]
    _same_shape(data, second_chance(out, spans))
    _same_shape(data, fallback_preprocessor(out, spans))
    _same_shape(data, fallback_preprocessor(second_chance(out, spans), spans))


def test_no_catastrophic_backtracking():
    nasty = (b"container_of(p, struct foo " + b" *" * 3000 + b"x" + b"(" * 3000 + b"unsigned long" * 500
             + b"\n" + b"case 1 " + b"." * 5000 + b"\n" + b"\tFOO(" + b"(" * 2000 + b")\n")
    t = time.process_time()
    out = normalise(nasty)
    second_chance(out, [(0, len(out))])
    fallback_preprocessor(out, [(0, len(out))])
    assert time.process_time() - t < 2.0
    _same_shape(nasty, out)


def test_untouched_plain_c():
    src = b"static int f(int a, char *b)\n{\n\tif (a)\n\t\treturn 1;\n\treturn sizeof(struct x);\n}\n"
    assert normalise(src) == src


# --------------------------------------------------------------------------
# rewrite classes

def test_annotations_become_blanks():
    src = ("static int __init __must_check f(struct a __user *p) __releases(&L(x)->l)\n"
           "{\n\tstruct b *q __free(kfree) = NULL;\n\treturn 0;\n}\n")
    out, body = _body(src)
    assert "__init" not in out and "__user" not in out and "__releases" not in out
    assert "__free" not in out
    assert not body.has_error
    assert out.index("f(") == src.index("f(")


def test_attribute_with_nested_parens_and_alias():
    src = "STATIC void __attribute__((nonnull(1), cold)) g(void *p)\n{\n}\n"
    out = normalise(src.encode()).decode()
    assert out.startswith("static void ")
    assert "__attribute__" not in out and "nonnull" not in out
    assert out.index("g(") == src.index("g(")


def test_annotation_name_in_define_is_kept():
    src = b"#define __init something\n#ifdef __user\n#endif\n"
    assert normalise(src) == src


def test_foreach_with_block_becomes_while():
    out, body = _body("void f(void)\n{\n\tlist_for_each_entry(p, &head, node) {\n\t\tg(p);\n\t}\n}\n")
    assert not body.has_error
    loop = body.named_children[0]
    assert loop.type == "while_statement"
    assert loop.child_by_field_name("body").type == "compound_statement"
    assert "g(p)" in loop.child_by_field_name("body").text.decode()
    assert "while              (p, &head, node)" in out


def test_foreach_without_braces_after_comment_and_multiline_args():
    src = ("void f(void)\n{\n\t/* walk them */\n\thlist_for_each_entry_safe(p, n, &h,\n"
           "\t\t\t\t  node)\n\t\tg(p);\n\th(p);\n}\n")
    _, body = _body(src)
    assert not body.has_error
    kinds = [c.type for c in body.named_children]
    assert kinds == ["comment", "while_statement", "expression_statement"]


def test_foreach_name_used_as_a_function_is_left_alone():
    src = ("int my_for_each_thing(int (*fn)(void *), void *d)\n{\n\treturn 0;\n}\n"
           "void g(void)\n{\n\tmy_for_each_thing(cb, NULL);\n\tr = idr_for_each(&i, cb, NULL);\n}\n")
    out = normalise(src.encode()).decode()
    assert out == src


def test_clang_format_macros_and_generic_loop_macro():
    macros = foreach_macros_from_clang_format("ForEachMacros:\n  - 'walk_items'\n")
    out, body = _body("void f(void)\n{\n\twalk_items(a, b)\n\t\tg(a);\n\tFOREACH_ACL(pa, acl) {\n\t}\n}\n",
                      macros)
    assert not body.has_error
    assert [c.type for c in body.named_children] == ["while_statement", "while_statement"]


def test_scoped_guard_and_guard():
    src = ("void f(void)\n{\n\tguard(mutex)(&m);\n\tscoped_guard (spinlock_irqsave, &l) {\n"
           "\t\tx++;\n\t}\n\tscoped_guard(rcu)\n\t\ty++;\n}\n")
    out, body = _body(src)
    assert not body.has_error
    first, second, third = body.named_children
    call = first.named_children[0]
    assert call.type == "call_expression"
    assert call.child_by_field_name("function").text == b"guard_mutex_"
    assert second.type == "while_statement" and third.type == "while_statement"


def test_type_arguments_become_identifiers():
    src = ("void f(void)\n{\n\tstruct foo *a = container_of(p, struct foo, member);\n"
           "\tb = list_first_entry(&h, struct foo, node);\n"
           "\tc = min_t(unsigned int, x, y);\n\td = max_t(unsigned long long, x, y);\n"
           "\te = alloc_percpu(struct foo);\n\tf2 = va_arg(ap, const char *);\n"
           "\tg = sizeof_field(struct foo, bar);\n\th = __same_type(x, u8 *);\n"
           "\ti = __same_type(w, struct bar *);\n}\n")
    out, body = _body(src)
    assert not body.has_error
    assert "container_of(p, struct_foo, member)" in out
    assert "min_t(unsigned_int, x, y)" in out
    assert "max_t(unsigned_long_long, x, y)" in out
    assert "va_arg(ap, const_char__)" in out
    assert "__same_type(x, u8__)" in out
    assert "struct foo *a" in out            # a declaration keeps its type
    calls = [n for n in _types(body) if n == "call_expression"]
    assert len(calls) == 9


def test_rare_type_arguments_in_second_chance():
    src = ("void f(void)\n{\n\ti = container_of(w, struct\n\t\t\tbar, work);\n"
           "\tj = container_of(w, union u, work);\n\tk = min_t(short int, a, b);\n"
           "\tl = va_arg(ap, const u8 *);\n}\n")
    data = normalise(src.encode())
    out = second_chance(data, [(0, len(data))])
    _same_shape(data, out)
    assert not _PARSER.parse(out).root_node.has_error
    text = out.decode()
    assert "container_of(w,       \n\t\t\tbar, work)" in text
    assert "union_u" in text and "short_int" in text and "const_u8__" in text


def test_casts_sizeof_and_parameters_keep_their_types():
    src = ("static int f(unsigned long flags, struct a *b, const char *c)\n{\n"
           "\treturn g((struct a *)b, sizeof(struct a), (unsigned long)c);\n}\n")
    assert normalise(src.encode()).decode() == src


def test_typeof_and_offsetof():
    src = ("void f(void)\n{\n\ttypeof(*p) q = 1;\n\t__typeof__(a->b) *r = NULL;\n"
           "\tn = offsetof(struct s, a.b[2]);\n\tm = offsetof(struct s, c);\n}\n")
    out, body = _body(src)
    assert not body.has_error
    assert "typeof__p_ q" in out
    assert "offsetof(struct s, a_b_2_)" in out
    assert [n for n in _types(body) if n == "offsetof_expression"]


def test_stringify_between_strings():
    out, body = _body('void f(void)\n{\n\tpr_info("%" __stringify(WIDTH) "s\\n", s);\n}\n')
    assert not body.has_error
    assert '"_stringify_WIDTH"' in out


def test_declare_bitmap_and_static_define_in_body():
    src = ("void f(void)\n{\n\tDECLARE_BITMAP(mask, 64) = { 0 };\n"
           "\tstatic DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 10);\n}\n")
    out, body = _body(src)
    assert not body.has_error
    decl = body.named_children[0]
    assert decl.type == "declaration"
    assert "DECLARE_BITMAP mask[ 64]" in out


def test_syscall_define_becomes_named_function():
    src = ("SYSCALL_DEFINE2(my_setup, u32, entries, struct my_params __user *, params)\n"
           "{\n\treturn 0;\n}\n"
           "COMPAT_SYSCALL_DEFINE1(my_setup, int, fd)\n{\n\treturn 0;\n}\n"
           "SYSCALL_DEFINE0(my_sync)\n{\n\treturn 0;\n}\n")
    out = normalise(src.encode())
    _same_shape(src.encode(), out)
    tree = _PARSER.parse(out)
    assert not tree.root_node.has_error
    fns = [n for n in tree.root_node.children if n.type == "function_definition"]
    names = [f.child_by_field_name("declarator").child_by_field_name("declarator").text for f in fns]
    assert names == [b"my_setup", b"compat_sys_my_setup", b"my_sync"]
    params = fns[0].child_by_field_name("declarator").child_by_field_name("parameters")
    assert [p.child_by_field_name("declarator").text for p in params.named_children] == [b"entries", b"*  params"]
    # the syscall name keeps its column
    assert out.index(b"my_setup") == src.index("my_setup")


# --------------------------------------------------------------------------
# .clang-format

def test_foreach_macros_from_clang_format():
    text = ("---\nBasedOnStyle: x\nForEachMacros:\n  - 'a_for_each'\n  - \"b_iter\"\n"
            "  # a comment\n  - 'c_loop'   # trailing\n\nIncludeBlocks: Preserve\n  - 'not_me'\n")
    assert foreach_macros_from_clang_format(text) == frozenset({"a_for_each", "b_iter", "c_loop"})
    assert foreach_macros_from_clang_format("IndentWidth: 8\n") == frozenset()


# --------------------------------------------------------------------------
# second chance

def test_second_chance_forms():
    src = ("void f(void)\n{\n\tLONE_MACRO\n\tXMACRO_LIST()\n\tMY_ASSERT(x, dump(r); show(r););\n"
           "\tCHECK_CMP(a, ==, b);\n\tswitch (x) {\n\tcase 1 ... 3:\n\t\tbreak;\n\t}\n}\n")
    data = normalise(src.encode())
    out = second_chance(data, [(0, len(data))])
    _same_shape(data, out)
    tree = _PARSER.parse(out)
    assert not tree.root_node.has_error
    text = out.decode()
    assert "LONE_MACRO" not in text and "XMACRO_LIST" not in text
    assert "MY_ASSERT(x, dump(r), show(r) );" in text
    assert "CHECK_CMP(a, EQ, b)" in text
    assert "case 1 ||  3:" in text


def test_second_chance_more_forms():
    src = ("void f(void)\n{\n\tmember_type(struct ops, read) fn;\n"
           "\tprintk(KERN_NOTE DRV_NAME \" ready\\n\");\n"
           "\tfor_next_item(it, list,\n\t\t      flags) {\n\t\tg(it);\n\t}\n"
           "\tdo {\n\t\th();\n\t} while_each_item(a, b);\n}\n")
    data = normalise(src.encode())
    out = second_chance(data, [(0, len(data))])
    _same_shape(data, out)
    tree = _PARSER.parse(out)
    assert not tree.root_node.has_error
    text = out.decode()
    assert "member_type_struct_ops__read_ fn;" in text
    assert '"ERN_NOT" "RV_NAM" " ready' in text
    assert "while        (it, list," in text
    assert "} while          (a, b);" in text


def test_if0_blocks_are_blanked():
    src = (b"int a;\n#if 0\nThis is prose, not C {\n#ifdef X\nstill dead\n#endif\n#else\nint b;\n#endif\n"
           b"#if 0 /* old */\nvoid dead(void)\n{\n}\n#endif\nint c;\n")
    out = normalise(src)
    _same_shape(src, out)
    text = out.decode()
    assert "prose" not in text and "still dead" not in text and "dead(void)" not in text
    assert "int b;" in text and "int c;" in text
    assert "#if 0" in text and "#else" in text
    assert not _PARSER.parse(out).root_node.has_error


def test_second_chance_defines_in_initializer_and_col0_call():
    src = (b"static const char * const names[] = {\n#define x(t, n) (#t),\n\tLIST()\n#undef x\n"
           b"\tNULL\n};\n\nmodule_exit(bye)\n\nstatic int f(void)\n{\n\treturn 0;\n}\n")
    data = normalise(src)
    out = second_chance(data, [(0, len(data))])
    _same_shape(src, out)
    assert b"#define" not in out and b"module_exit" not in out
    assert not _PARSER.parse(out).root_node.has_error


def test_do_while_iterator():
    out, body = _body("void f(void)\n{\n\tdo {\n\t\tg();\n\t} for_each_item(it, v);\n"
                      "\tif (x) {\n\t} for_each_call(y);\n}\n")
    assert not body.has_error
    assert body.named_children[0].type == "do_statement"
    assert "} for_each_call(y);" in out


def test_second_chance_only_inside_spans():
    src = b"void f(void)\n{\n\tLONE_A\n}\nvoid g(void)\n{\n\tLONE_B\n}\n"
    out = second_chance(src, [(0, src.index(b"void g"))])
    assert b"LONE_A" not in out and b"LONE_B" in out


def test_fallback_preprocessor_keeps_first_branch():
    src = (b"void f(void)\n{\n#ifdef CONFIG_A\n\tif (a) {\n#else\n\tif (b) {\n#endif\n\t\tx();\n\t}\n"
           b"#if 0\n\tbroken(\n#else\n\ty();\n#endif\n}\n")
    out = fallback_preprocessor(src, [(0, len(src))])
    _same_shape(src, out)
    text = out.decode()
    assert "if (a)" in text and "if (b)" not in text
    assert "broken" not in text and "y();" in text
    assert "#" not in text
    assert not _PARSER.parse(out).root_node.has_error


@pytest.mark.parametrize("snippet", ["", "\n", "{", "}", "(", ")", "#if", "SYSCALL_DEFINE1(", "\\"])
def test_degenerate_inputs(snippet):
    data = snippet.encode()
    _same_shape(data, normalise(data))
    _same_shape(data, second_chance(data, [(0, len(data))]))
    _same_shape(data, fallback_preprocessor(data, [(0, len(data))]))
