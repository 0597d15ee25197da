"""A .c file's integer macros (#define NAME <int expression>), read from its
bytes without a preprocessor."""
from __future__ import annotations

import re

from .syntax import int_value


# -- file-level: the integer value of simple object-like macros ------------

# unanchored, then the line start checked (anchoring with re.M is 20x slower)
_DEFINE = re.compile(rb"#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([^\n]*)")
_COMMENT = re.compile(r"/[*/]")
_NUMBER = re.compile(r"(?:0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*")
_BIT = re.compile(r"(?:BIT|BIT_ULL|_BITUL|_BITULL)\(\s*(\w+)\s*\)")
_SHIFT = re.compile(r"\(?\s*(\w+)\s*\)?\s*<<\s*\(?\s*(\w+)\s*\)?")
_OR = re.compile(r"\w+(?:\s*\|\s*\w+)+")


def _strip_parens(t: str) -> str:
    while t.startswith("(") and t.endswith(")") and t.count("(") == 1:
        t = t[1:-1].strip()
    return t


def _macro_int(text: str, known: dict[str, int]) -> int | None:
    """The value of `0x40`, `BIT(3)`, `1U << 5`, `A | B` (A, B known), else None."""
    t = _strip_parens(text.strip())
    if _NUMBER.fullmatch(t):
        return int_value(t)
    if t in known:
        return known[t]
    m = _BIT.fullmatch(t)
    if m:
        n = _macro_int(m.group(1), known)
        return 1 << n if n is not None and n < 64 else None
    m = _SHIFT.fullmatch(t)
    if m:
        a, n = _macro_int(m.group(1), known), _macro_int(m.group(2), known)
        return a << n if a is not None and n is not None and n < 64 else None
    if _OR.fullmatch(t):
        parts = [_macro_int(x, known) for x in t.split("|")]
        if None not in parts:
            v = 0
            for x in parts:
                v |= x
            return v
    return None


def int_macros(data: bytes) -> dict[str, int]:
    """Object-like macros of a file whose value is a plain integer, a bit or an
    OR of such macros (flag words: `#define AV_FIND BIT(0)`). A name defined
    twice (#ifdef alternatives) with different values, or once with a value
    not computed here, is left out: which one the build sees is not known."""
    out: dict[str, int] = {}
    twice: set[str] = set()
    pending = []
    for m in _DEFINE.finditer(data):
        h = m.start()
        if data[data.rfind(b"\n", 0, h) + 1:h].strip(b" \t\r\f\v"):
            continue
        text = m.group(2).decode("utf-8", "replace")
        c = _COMMENT.search(text)
        text = (text[:c.start()] if c else text).strip()
        if not text or text.endswith("\\"):
            continue
        pending.append((m.group(1).decode(), text))
    for _ in range(2):   # a second pass resolves ORs of names defined further down
        left = []
        for name, text in pending:
            v = _macro_int(text, out)
            if v is None:
                left.append((name, text))
            elif name in out and out[name] != v:
                twice.add(name)
            else:
                out[name] = v
        pending = left
    # an #ifdef alternative with another value, or one we cannot compute
    for name in twice | {n for n, _ in pending}:
        out.pop(name, None)
    return out
