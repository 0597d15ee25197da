"""Path walks with literal state: a condition as a formula (tree-sitter, cached
for every rule), evaluate/deduce over known literals, and PathState, the state
of a walk along a function's CFG (NOWAIT and other literals it has seen)."""
from __future__ import annotations

from functools import lru_cache

from ..facts.dataflow import kill_literals
from ..facts.syntax import cond_literals, norm_atom, strip_node


# ---------------------------------------------------------------------------
# conditions as formulas, re-read from the condition text with tree-sitter

_PARSER = None


@lru_cache(maxsize=50000)
def formula(text: str):
    """The condition as ("and"|"or", f, g) / ("not", f) / ("atom", text) / None,
    with atoms spelled exactly as facts.cond_literals spells them."""
    global _PARSER
    if not text or text.endswith("…"):
        return None
    if _PARSER is None:
        from errpath.frontend.parse import new_parser
        _PARSER = new_parser()
    src = b"void __f(void){ if ((" + text.encode() + b")) ; }"
    tree = _PARSER.parse(src)
    if tree.root_node.has_error:
        return None
    fn = tree.root_node.children[0]
    body = fn.child_by_field_name("body")
    ifs = [c for c in body.named_children if c.type == "if_statement"]
    if not ifs:
        return None
    return _build(ifs[0].child_by_field_name("condition"))


def _is_zero(node) -> bool:
    return node.text.decode().strip() in ("0", "NULL", "false", "0UL", "0U", "0L")


def _build(node):
    node = strip_node(node)
    t = node.type
    if t == "unary_expression" and node.child_by_field_name("operator").type == "!":
        return ("not", _build(node.child_by_field_name("argument")))
    if t == "binary_expression":
        op = node.child_by_field_name("operator").type
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op in ("&&", "||"):
            return ("and" if op == "&&" else "or", _build(left), _build(right))
        if op in ("==", "!="):
            other = right if _is_zero(left) else left if _is_zero(right) else None
            if other is not None and not (_is_zero(left) and _is_zero(right)):
                inner = _build(other)
                return ("not", inner) if op == "==" else inner
    tl, _ = cond_literals(node)
    if len(tl) == 1:
        return ("atom", next(iter(tl))[0], next(iter(tl))[1])
    return ("atom", norm_atom(node.text.decode("utf-8", "replace")), True)


def evaluate(f, known: dict):
    """True / False / None (unknown) under the known literals."""
    if f is None:
        return None
    k = f[0]
    if k == "atom":
        v = known.get(f[1])
        return None if v is None else (v if f[2] else not v)
    if k == "not":
        v = evaluate(f[1], known)
        return None if v is None else not v
    a, b = evaluate(f[1], known), evaluate(f[2], known)
    if k == "and":
        if a is False or b is False:
            return False
        return True if (a and b) else None
    if a is True or b is True:
        return True
    return False if (a is False and b is False) else None


def deduce(f, value: bool, known: dict, out: set) -> bool:
    """Add to out the literals that must hold for f to be `value`; False when
    that contradicts what is known."""
    if f is None:
        return True
    k = f[0]
    if k == "atom":
        pol = value if f[2] else not value
        cur = known.get(f[1])
        if cur is not None and cur != pol:
            return False
        out.add((f[1], pol))
        return True
    if k == "not":
        return deduce(f[1], not value, known, out)
    conj = (k == "and") == value   # and=True / or=False: both sides take the value
    if conj:
        return deduce(f[1], value, known, out) and deduce(f[2], value, known, out)
    a, b = evaluate(f[1], known), evaluate(f[2], known)
    if a is value or b is value:
        return True
    if a is not None and b is not None:
        return False
    if a is not None:           # a is (not value): b must give the value
        return deduce(f[2], value, known, out)
    if b is not None:
        return deduce(f[1], value, known, out)
    return True


class PathState:
    """Literal sets along one path: what has been tested and not redefined since."""

    @staticmethod
    def edge(fn, node, edge, known: frozenset) -> frozenset | None:
        """The literals after taking `edge` out of `node`, or None when the
        edge contradicts them."""
        if edge not in (True, False) or node.kind != "cond":
            return known
        f = formula(node.text)
        kd = dict(known)
        out: set = set()
        if f is None:
            lits = node.true_lits if edge else node.false_lits
            for a, p in lits:
                if kd.get(a, p) != p:
                    return None
            return known | lits
        if evaluate(f, kd) is (not edge):
            return None
        if not deduce(f, edge, kd, out):
            return None
        return known | frozenset(out)

    @staticmethod
    def after(node, known: frozenset) -> frozenset:
        return kill_literals(known, node.defs)
