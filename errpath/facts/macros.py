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


# -- file-level: function-like macros that compute a position or a length ----

_FN_DEFINE = re.compile(rb"#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([\w \t,]*)\)[ \t]*((?:[^\n\\]|\\\n|\\)*)")


def function_macros(data: bytes, called: set[str]) -> dict[str, tuple[int, tuple[str, ...], str]]:
    """{name: (line, parameters, body)} of the function-like macros a .c file defines
    and its functions call, whose body is one expression that reads a parameter and
    adds to it or reads a member of it (`#define NEXT_REC(r) ((void *)(r) +
    le16_to_cpu((r)->len))`, `#define REC_LEN(r) le16_to_cpu((r)->len)`): the steps a
    record walk hides in a macro. A name defined twice (#ifdef alternatives) is left out."""
    out: dict[str, tuple[int, tuple[str, ...], str]] = {}
    twice: set[str] = set()
    for m in _FN_DEFINE.finditer(data):
        name = m.group(1).decode()
        if name not in called:
            continue
        h = m.start()
        if data[data.rfind(b"\n", 0, h) + 1:h].strip(b" \t\r\f\v"):
            continue
        if name in out:
            twice.add(name)
            continue
        params = tuple(p.strip() for p in m.group(2).decode().split(",") if p.strip())
        body = m.group(3).decode("utf-8", "replace").replace("\\\n", " ")
        c = _COMMENT.search(body)
        body = " ".join((body[:c.start()] if c else body).split())
        if not params or not body or len(body) > 400 or not all(p.isidentifier() for p in params):
            continue
        if ";" in body or "#" in body or body.startswith(("do", "{", "({")) or body.count("(") != body.count(")"):
            continue   # statements, token pasting, statement expressions: not one value
        words = set(re.findall(r"[A-Za-z_]\w*", body))
        if not (words & set(params)) or not ("+" in body or "->" in body or "." in body):
            continue
        out[name] = (data.count(b"\n", 0, h) + 1, params, body)
    for name in twice:
        out.pop(name, None)
    return out


def macro_source(macros: dict[str, tuple[int, tuple[str, ...], str]]) -> bytes:
    """C source with each macro as a function on its #define's line (the lines between
    left empty), so the facts of `return (body);` point at the macro's own line."""
    lines: dict[int, str] = {}
    for name, (line, params, body) in sorted(macros.items(), key=lambda x: x[1][0]):
        while line in lines:
            line += 1
        args = ", ".join(f"long {p}" for p in params)
        lines[line] = f"static inline long {name}({args}) {{ return ({body}); }}"
    if not lines:
        return b""
    top = max(lines)
    return "\n".join(lines.get(i, "") for i in range(1, top + 1)).encode() + b"\n"
