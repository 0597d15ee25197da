"""Tree-sitter node -> text, Values and literals: the vocabulary of the facts
layer (node_text, norm_atom, idents, strip_node, cond_literals, value_of). The
Value shapes are listed in errpath/facts/__init__.py."""
from __future__ import annotations

import re
import threading
import tree_sitter_c
from tree_sitter import Language, Node as TSNode

from ..knowledge.errnos import ERRNO_NAMES


Value = tuple
Literal = tuple  # (atom_text, polarity: bool)

# Functions that never return: a path through them ends. The kunit ones end the
# test case: kunit_skip() and KUNIT_FAIL_AND_ABORT() are macros around the
# __noreturn kunit_try_catch_throw() and __kunit_abort() (include/kunit/test.h).
NORETURN = frozenset({"BUG", "panic", "do_exit", "unreachable", "__builtin_unreachable",
                      "kthread_exit", "make_task_dead",
                      "kunit_skip", "KUNIT_FAIL_AND_ABORT", "__kunit_abort", "kunit_try_catch_throw"})
# KUnit assertions: `KUNIT_ASSERT_*(test, x)` aborts the test case when x fails the
# check (through the __noreturn __kunit_abort()), so a statement
# `KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);` is `if (IS_ERR_OR_NULL(p)) abort;` and
# the CFG gets it that way: a cond node whose True edge (the check passed) goes on
# and whose False edge ends in a noreturn node. The value is how the checked
# argument (the second) must be for the test to go on. KUNIT_EXPECT_* only record
# a failure and go on: they are plain calls. Binary forms (KUNIT_ASSERT_EQ, ...)
# are not modelled.
ASSERTIONS = {name + msg: how
              for name, how in (("KUNIT_ASSERT_TRUE", "true"), ("KUNIT_ASSERT_FALSE", "false"),
                                ("KUNIT_ASSERT_NOT_NULL", "true"), ("KUNIT_ASSERT_NULL", "false"),
                                ("KUNIT_ASSERT_NOT_ERR_OR_NULL", "not_err_or_null"))
              for msg in ("", "_MSG")}
# Wrappers that return their argument's truth value: `if (WARN_ON(!x))` tests `!x`.
TRANSPARENT_TESTS = frozenset({"likely", "unlikely", "WARN_ON", "WARN_ON_ONCE", "WARN",
                               "WARN_ONCE", "data_race", "READ_ONCE"})
MINMAX = {"min": "min", "min_t": "min", "umin": "min", "min3": "min", "min_array": "min",
          "max": "max", "max_t": "max", "umax": "max", "max3": "max",
          "clamp": "clamp", "clamp_t": "clamp", "clamp_val": "clamp",
          "min_not_zero": "min_not_zero"}
# Type-taking minmax macros: the first argument is a type, not a value.
TYPED_MINMAX = frozenset({"min_t", "max_t", "clamp_t"})


# Field ids of the C grammar: child_by_field_id(id) is child_by_field_name(name)
# without looking the name up, on nearly every node the builder visits. (The
# grammar straight from tree_sitter_c: errpath.frontend.parse costs more to import.)
_C_LANGUAGE = Language(tree_sitter_c.language())
(_F_ALTERNATIVE, _F_ARGUMENT, _F_ARGUMENTS, _F_BODY, _F_CONDITION, _F_CONSEQUENCE, _F_DECLARATOR,
 _F_FUNCTION, _F_INITIALIZER, _F_LABEL, _F_LEFT, _F_NAME, _F_OPERATOR, _F_RIGHT, _F_UPDATE,
 _F_VALUE) = (_C_LANGUAGE.field_id_for_name(name) for name in (
     "alternative", "argument", "arguments", "body", "condition", "consequence", "declarator",
     "function", "initializer", "label", "left", "name", "operator", "right", "update", "value"))

_IDENT = re.compile(r"[A-Za-z_]\w*")
MAX_TEXT = 160


class _Source(threading.local):
    """The text, as a str, of the tree _build_from_source is walking in this
    thread, when it is pure ASCII (byte offsets are then str offsets): node_text
    slices it rather than decoding every node's bytes. None otherwise."""
    text: str | None = None


_SOURCE = _Source()


def node_text(node: TSNode) -> str:
    src = _SOURCE.text
    if src is not None:
        return src[node.start_byte:node.end_byte]
    return node.text.decode("utf-8", "replace")


def _short(s: str) -> str:
    s = " ".join(s.split())
    return s if len(s) <= MAX_TEXT else s[:MAX_TEXT - 1] + "…"


def norm_atom(s: str) -> str:
    """Canonical text of an expression: whitespace removed, so `p -> len` == `p->len`.
    (str.split() splits on exactly the characters re's \\s matches in a str.)"""
    return "".join(s.split())


def idents(text: str) -> frozenset[str]:
    return frozenset(_IDENT.findall(text))


# ---------------------------------------------------------------------------
# literals from conditions


def _first_named(node: TSNode) -> TSNode | None:
    """The first named child that is not a comment."""
    for c in node.named_children:
        if c.type != "comment":
            return c
    return None


def strip_node(node: TSNode) -> TSNode:
    """node inside its parentheses, casts and TRANSPARENT_TESTS wrappers."""
    return _strip_typed(node)[0]


def _strip_typed(node: TSNode, t: str | None = None) -> tuple[TSNode, str]:
    """(strip_node(node), its type); t: node's type, when the caller has it."""
    if t is None:
        t = node.type
    while True:
        if t == "parenthesized_expression":
            inner = _first_named(node)
            if inner is None:
                break
            node = inner
        elif t == "cast_expression":
            node = node.child_by_field_id(_F_VALUE)
        elif t == "call_expression":
            name = _callee_name(node)
            if name not in TRANSPARENT_TESTS:
                break
            args = _call_args(node)
            if not args:
                break
            node = args[-1] if name in ("WARN", "WARN_ONCE") else args[0]
        else:
            break
        t = node.type
    return node, t


def _callee_name(call: TSNode) -> str | None:
    fn = call.child_by_field_id(_F_FUNCTION)
    if fn is not None and fn.type == "identifier":
        return node_text(fn)
    return None


def _is_assertion(call: TSNode) -> bool:
    src = _SOURCE.text
    # every call statement comes through here: its callee, if an identifier,
    # starts where the call does
    if src is not None and not src.startswith("KUNIT_ASSERT_", call.start_byte):
        return False
    fn = call.child_by_field_id(_F_FUNCTION)
    return (fn is not None and fn.type == "identifier"
            and node_text(fn) in ASSERTIONS and len(_call_args(call)) >= 2)


def _call_args(call: TSNode) -> list[TSNode]:
    args = call.child_by_field_id(_F_ARGUMENTS)
    if args is None:
        return []
    return [a for a in args.named_children if a.type != "comment"]


def is_zero_node(node: TSNode) -> bool:
    t = node_text(node).strip()
    return t in ("0", "NULL", "0UL", "0U", "0L", "0ULL", "false")


def cond_literals(node: TSNode) -> tuple[frozenset, frozenset]:
    """(literals true on the then-edge, literals true on the else-edge)."""
    node, t = _strip_typed(node)
    if t == "unary_expression" and node.child_by_field_id(_F_OPERATOR).type == "!":
        tl, fl = cond_literals(node.child_by_field_id(_F_ARGUMENT))
        return fl, tl
    if t == "binary_expression":
        op = node.child_by_field_id(_F_OPERATOR).type
        left, right = node.child_by_field_id(_F_LEFT), node.child_by_field_id(_F_RIGHT)
        if op == "&&":
            lt, lf = cond_literals(left)
            rt, rf = cond_literals(right)
            return lt | rt, (lf & rf)
        if op == "||":
            lt, lf = cond_literals(left)
            rt, rf = cond_literals(right)
            return (lt & rt), lf | rf
        if op in ("==", "!="):
            other = None
            if is_zero_node(right):
                other = left
            elif is_zero_node(left):
                other = right
            if other is not None:
                tl, fl = cond_literals(other)
                return (fl, tl) if op == "==" else (tl, fl)
        atom = norm_atom(node_text(node))
        return frozenset({(atom, True)}), frozenset({(atom, False)})
    atom = norm_atom(node_text(node))
    return frozenset({(atom, True)}), frozenset({(atom, False)})


# ---------------------------------------------------------------------------
# values


def int_value(text: str) -> int | None:
    t = text.rstrip("uUlL")
    try:
        if t.startswith(("0x", "0X")):
            return int(t, 16)
        if t.startswith(("0b", "0B")):
            return int(t, 2)
        if len(t) > 1 and t.startswith("0") and t.isdigit():
            return int(t, 8)
        return int(t)
    except ValueError:
        return None


def value_of(node: TSNode, t: str | None = None) -> Value:
    """The Value of an expression (t: its node's type, when the caller has it)."""
    if t is None:
        t = node.type
    # the commonest types first (the tests are on distinct types)
    if t == "identifier":
        src = _SOURCE.text
        name = src[node.start_byte:node.end_byte] if src is not None else node_text(node)
        if name[:1].islower():
            return ("var", name)   # what the tests below say (ERRNO_NAMES are capitalised)
        if name == "NULL":
            return ("null",)
        if name in ERRNO_NAMES:
            return ("int", ERRNO_NAMES[name])  # positive errno constant (rare in returns)
        if name.isupper() or (name[:1].isupper() and "_" in name and name.upper() == name):
            return ("macro", name)
        return ("var", name)
    if t in ("field_expression", "subscript_expression"):
        return ("field", norm_atom(node_text(node)))
    if t == "call_expression":
        fn = node.child_by_field_id(_F_FUNCTION)
        name = node_text(fn) if fn is not None and fn.type == "identifier" else None   # _callee_name
        args = _call_args(node)
        if name == "ERR_PTR" and len(args) == 1:
            return ("errptr", value_of(args[0]))
        if name == "PTR_ERR" and len(args) == 1:
            return ("ptrerr", value_of(args[0]))
        if name in ("ERR_CAST", "ERR_PTR_PCPU") and len(args) == 1:
            return ("errcast", value_of(args[0]))
        if name in MINMAX:
            vals = args[1:] if name in TYPED_MINMAX else args
            return ("minmax", MINMAX[name], tuple([value_of(a) for a in vals]))
        if name is None:
            return ("call", None, tuple([value_of(a) for a in args]), norm_atom(node_text(fn)) if fn is not None else "?")
        return ("call", name, tuple([value_of(a) for a in args]), name)
    if t == "pointer_expression":
        op = node.child_by_field_id(_F_OPERATOR).type
        if op == "*":
            return ("field", norm_atom(node_text(node)))
        return ("un", "&", ("var", norm_atom(node_text(node.child_by_field_id(_F_ARGUMENT)))))
    if t == "number_literal":
        n = int_value(node_text(node))
        return ("int", n) if n is not None else ("unknown", node_text(node))
    if t == "binary_expression":
        return ("bin", node.child_by_field_id(_F_OPERATOR).type,
                value_of(node.child_by_field_id(_F_LEFT)), value_of(node.child_by_field_id(_F_RIGHT)))
    if t == "unary_expression":
        op = node.child_by_field_id(_F_OPERATOR).type
        arg = node.child_by_field_id(_F_ARGUMENT)
        inner = value_of(arg)
        if op == "-":
            a = strip_node(arg)
            if a.type == "identifier" and node_text(a) in ERRNO_NAMES:
                return ("errno", node_text(a))
            if inner[0] == "int":
                return ("int", -inner[1])
        return ("un", op, inner)
    if t == "parenthesized_expression":
        inner = [c for c in node.named_children if c.type != "comment"]
        return value_of(inner[0]) if len(inner) == 1 else ("unknown", _short(node_text(node)))
    if t == "cast_expression":
        return value_of(node.child_by_field_id(_F_VALUE))
    if t in ("true", "false"):
        return ("int", 1 if t == "true" else 0)
    if t == "null":
        return ("null",)
    if t == "conditional_expression":
        tl, _ = cond_literals(node.child_by_field_id(_F_CONDITION))
        cons = node.child_by_field_id(_F_CONSEQUENCE)
        return ("cond", tl, value_of(cons) if cons is not None else ("unknown", "?:"),
                value_of(node.child_by_field_id(_F_ALTERNATIVE)))
    if t == "sizeof_expression" or t == "alignof_expression":
        return ("sizeof", _short(node_text(node)))
    if t == "assignment_expression":
        return value_of(node.child_by_field_id(_F_RIGHT))
    if t == "comma_expression":
        return value_of(node.child_by_field_id(_F_RIGHT))
    if t in ("string_literal", "concatenated_string", "char_literal"):
        return ("unknown", _short(node_text(node)))
    return ("unknown", _short(node_text(node)))
