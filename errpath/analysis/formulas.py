"""Condition formulas: a branch condition's text as a formula over literals
(tree-sitter, cached), the constraints an atom puts on a value, and guards an
outcome refutes."""
from __future__ import annotations

import re
from functools import lru_cache

from ..facts.functions import FunctionFacts
from ..facts.syntax import int_value, is_zero_node, node_text, norm_atom, strip_node
from ..frontend.parse import new_parser
from ..knowledge.tables import nowait_flags, pointer_predicates


# ---------------------------------------------------------------------------
# conditions as formulas: ("atom", text) / ("not", f) / ("and", a, b) / ("or", a, b)

_PARSER = None
_FORMULAS: dict[str, object] = {}


def _formula_of(node) -> tuple:
    node = strip_node(node)
    t = node.type
    if t == "unary_expression" and node.child_by_field_name("operator").type == "!":
        return ("not", _formula_of(node.child_by_field_name("argument")))
    if t == "binary_expression":
        op = node.child_by_field_name("operator").type
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op in ("&&", "||"):
            return ("and" if op == "&&" else "or", _formula_of(left), _formula_of(right))
        if op in ("==", "!="):
            other = right if is_zero_node(left) else (left if is_zero_node(right) else None)
            if other is not None:
                f = _formula_of(other)
                return ("not", f) if op == "==" else f
    return ("atom", norm_atom(node_text(node)))


def condition_formula(text: str):
    """The formula of a condition's source text (None when it cannot be read)."""
    global _PARSER
    if text.endswith("…"):
        return None
    f = _FORMULAS.get(text)
    if f is None and text not in _FORMULAS:
        if _PARSER is None:
            _PARSER = new_parser()
        src = f"void __f(void){{if(({text}));}}".encode()
        tree = _PARSER.parse(src)
        f = None
        if not tree.root_node.has_error:
            stack = [tree.root_node]
            while stack:
                n = stack.pop()
                if n.type == "if_statement":
                    f = _formula_of(n.child_by_field_name("condition"))
                    break
                stack.extend(n.named_children)
        if len(_FORMULAS) > 50000:
            _FORMULAS.clear()
        _FORMULAS[text] = f
    return f


def _simplify(f, assign):
    """Fold the formula with atoms of known value (assign: atom -> bool)."""
    k = f[0]
    if k == "atom":
        v = assign(f[1])
        return f if v is None else v
    if k == "not":
        a = _simplify(f[1], assign)
        return (not a) if isinstance(a, bool) else ("not", a)
    a, b = _simplify(f[1], assign), _simplify(f[2], assign)
    if k == "and":
        if a is False or b is False:
            return False
        if a is True:
            return b
        if b is True:
            return a
        return ("and", a, b)
    if a is True or b is True:
        return True
    if a is False:
        return b
    if b is False:
        return a
    return ("or", a, b)


def _implied(f, truth: bool) -> frozenset:
    """Literals that hold when the (simplified, non-constant) formula has `truth`."""
    k = f[0]
    if k == "atom":
        return frozenset({(f[1], truth)})
    if k == "not":
        return _implied(f[1], not truth)
    a, b = _implied(f[1], truth), _implied(f[2], truth)
    if (k == "and") == truth:
        return a | b
    return a & b


# ---------------------------------------------------------------------------
# reading atoms

_VARLIKE = re.compile(r"[A-Za-z_][\w]*(?:(?:->|\.)[A-Za-z_]\w*)*")
_ERR_TEST = re.compile(r"(IS_ERR_OR_NULL|IS_ERR|PTR_ERR_OR_ZERO)\((.+)\)")
_CMP_ERRNO = re.compile(r"(.+?)(==|!=)-([A-Z][A-Z0-9]+)")
_CMP_ERRPTR = re.compile(r"(.+?)(==|!=)ERR_PTR\(-([A-Z][A-Z0-9]+)\)")
_PTR_ERR = re.compile(r"PTR_ERR\((.+)\)")
_PREDICATE_CALL = re.compile(r"(\w+)\(([^()]*)\)")
_CMP_ZERO = re.compile(r"(.+?)(<|>=|>|<=)0")
_ASSIGN = re.compile(r"([A-Za-z_][\w.>-]*?)=(?!=)(.+)")
_ROOT = re.compile(r"[&*(\s]*([A-Za-z_]\w*)")


def _root(text: str) -> str | None:
    m = _ROOT.match(text)
    return m.group(1) if m else None


@lru_cache(maxsize=100000)
def atom_constraints(atom: str) -> tuple:
    """((var, constraint if true, constraint if false), ...) an atom puts on variables.
    Constraints: nz z err ne eon nnne neg nneg ('eq', E) ('neq', E)."""
    m = _ERR_TEST.fullmatch(atom)
    if m:
        inner = m.group(2)
        a = _ASSIGN.fullmatch(inner)
        var = a.group(1) if a else inner
        if not _VARLIKE.fullmatch(var):
            return ()
        if m.group(1) == "IS_ERR_OR_NULL":
            return ((var, "eon", "nnne"),)
        return ((var, "err", "ne"),)
    if _VARLIKE.fullmatch(atom):
        return ((atom, "nz", "z"),)
    a = _ASSIGN.fullmatch(atom)
    if a and _VARLIKE.fullmatch(a.group(1)):
        return ((a.group(1), "nz", "z"),)
    m = _CMP_ERRPTR.fullmatch(atom)
    if m and not _VARLIKE.fullmatch(m.group(1)):
        a = _ASSIGN.fullmatch(m.group(1).strip("()"))
        if a and _VARLIKE.fullmatch(a.group(1)):
            e = m.group(3)
            return ((a.group(1), ("eqp", e), ("neqp", e)) if m.group(2) == "==" else
                    (a.group(1), ("neqp", e), ("eqp", e)),)
    if m and _VARLIKE.fullmatch(m.group(1)):
        e = m.group(3)
        return ((m.group(1), ("eqp", e), ("neqp", e)) if m.group(2) == "==" else
                (m.group(1), ("neqp", e), ("eqp", e)),)
    m = _CMP_ERRNO.fullmatch(atom)
    if m and _VARLIKE.fullmatch(m.group(1)):
        e = m.group(3)
        return ((m.group(1), ("eq", e), ("neq", e)) if m.group(2) == "==" else
                (m.group(1), ("neq", e), ("eq", e)),)
    # `if (PTR_ERR(event) == -EAGAIN) goto again;`: the same test as `event == ERR_PTR(-EAGAIN)`
    p = _PTR_ERR.fullmatch(m.group(1)) if m else None
    if p and _VARLIKE.fullmatch(p.group(1)):
        e = m.group(3)
        return ((p.group(1), ("eqp", e), ("neqp", e)) if m.group(2) == "==" else
                (p.group(1), ("neqp", e), ("eqp", e)),)
    m = _PREDICATE_CALL.fullmatch(atom)
    if m and m.group(1) in pointer_predicates():
        args = m.group(2).split(",")
        i = pointer_predicates()[m.group(1)]
        if i < len(args) and _VARLIKE.fullmatch(args[i]):
            return ((args[i], "nnne", None),)   # true: neither NULL nor an ERR_PTR; false: nothing
        return ()
    m = _CMP_ZERO.fullmatch(atom)
    if m and _VARLIKE.fullmatch(m.group(1)):
        op = m.group(2)
        if op == "<":
            return ((m.group(1), "neg", "nneg"),)
        if op == ">=":
            return ((m.group(1), "nneg", "neg"),)
        if op == ">":
            return ((m.group(1), "nneg", None),)
    return ()


_FLAG_ATOM = re.compile(r"\(?(.+?)\)?&\(?([A-Z][A-Z0-9_]*)\)?|\(?([A-Z][A-Z0-9_]*)\)?&\(?(.+?)\)?")


def flag_operand(atom: str) -> str | None:
    """'iter->flags&IOMAP_NOWAIT' -> 'iter->flags' (the flag word tested)."""
    if "&" not in atom or "&&" in atom:
        return None
    m = _FLAG_ATOM.fullmatch(atom)
    if not m:
        return None
    if m.group(2) in nowait_flags():
        return m.group(1)
    if m.group(3) in nowait_flags():
        return m.group(4)
    return None


def _flag_value_operand(v) -> str | None:
    """The flag word of a value like `iocb->ki_flags & IOCB_NOWAIT` (or !!(...))."""
    while v[0] == "un" and v[1] == "!" and v[2][0] == "un" and v[2][1] == "!":
        v = v[2][2]
    if v[0] == "bin" and v[1] == "&":
        a, b = v[2], v[3]
        if b[0] == "macro" and b[1] in nowait_flags() and a[0] in ("var", "field"):
            return a[1]
        if a[0] == "macro" and a[1] in nowait_flags() and b[0] in ("var", "field"):
            return b[1]
    return None


_GUARD = re.compile(r"([A-Za-z_]\w*)(==|!=|&)([A-Za-z_0-9]\w*)")


def _guard_atom(atom: str, params: frozenset, bits: dict[str, int]) -> bool:
    """A test of a parameter against a constant (`flags==KSM_GET_FOLIO_TRYLOCK`),
    or of a bit whose value is known (`flags&AV_ADD`, AV_ADD in `bits`)."""
    m = _GUARD.fullmatch(atom)
    if m:
        c = m.group(3)
        if m.group(2) == "&":
            return m.group(1) in params and (c in bits or c[0].isdigit())
        return m.group(1) in params and (c.isupper() or c[0].isdigit())
    return atom in params


def _const_int(val, macros: dict[str, int]) -> int | None:
    """An argument's value from integers and the callee file's macros
    (`AV_FIND`, `A | B`), else None."""
    k = val[0]
    if k == "int":
        return val[1]
    if k == "macro":
        return macros.get(val[1])
    if k == "bin" and val[1] == "|":
        a, b = _const_int(val[2], macros), _const_int(val[3], macros)
        return None if a is None or b is None else a | b
    return None


def guard_refuted(lit, callee: FunctionFacts, call, macros: dict[str, int] | None = None) -> bool:
    """Is a guard literal of the callee false for the arguments of this call?
    `macros` are the callee file's integer macros: a bit test `flags&AV_ADD`
    is decided only when both the argument and the bit have a value there (so
    the answer depends on the callee's own file, which a changed value changes)."""
    atom, pol = lit
    m = _GUARD.fullmatch(atom)
    name = m.group(1) if m else atom
    if name not in callee.params:
        return False
    i = callee.params.index(name)
    if i >= len(call.arg_values):
        return False
    arg = call.arg_values[i]
    if m and m.group(2) == "&":
        const = m.group(3)
        bit = int_value(const) if const[0].isdigit() else (macros or {}).get(const)
        have = _const_int(arg, macros or {})
        if bit is None or have is None:
            return False
        value = bool(have & bit)
    elif m:
        const = m.group(3)
        if arg[0] == "macro" and const.isupper():
            value = arg[1] == const
        elif arg[0] == "int" and const.isdigit():
            value = arg[1] == int(const)
        else:
            return False
        if m.group(2) == "!=":
            value = not value
    else:
        if arg[0] == "int":
            value = arg[1] != 0
        elif arg[0] == "null":
            value = False
        else:
            return False
    return value != pol


def _implied_true(text: str) -> frozenset:
    """Literals that hold once wait_event(wq, text) returns (it waits until they do)."""
    f = condition_formula(text)
    return frozenset() if f is None else _implied(f, True)


def _assert_lits(text: str) -> frozenset:
    """Literals that hold after BUG_ON(text) (the condition is false)."""
    f = condition_formula(text)
    if f is None:
        return frozenset()
    return _implied(f, False)
