"""Second chance: rare forms, applied by errpath.frontend.parse only inside
functions that still fail after normalise() (keeps the common path fast), and
the fallback preprocessor. Same-length rewrites, like errpath.frontend.normalise."""
from __future__ import annotations

import re

from .normalise import (_CASE_RANGE, _LONE_LINE, _OP_ARG, _OP_NAMES, _STMT_ARG_END, _brace_macros,
    _indent_of, _loop_word, _pass_loops, _pass_type_args)
from .scan import (_C_KEYWORDS, _DIRECTIVE, _ID, _IDENT_TABLE, _WORD, _apply, _blank, _close_paren,
    _continued, _line_start, _next_code, _open_paren, ident_before, prev_code)


# ---------------------------------------------------------------------------
# second chance: rare forms, applied by errpath.frontend.parse only inside functions
# that still fail after normalise() (keeps the common path fast)

def second_chance(data: bytes, spans) -> bytes:
    """Same-length copy of `data` with the rare rewrites applied inside each
    (start, end) span: lone ALL-CAPS macro lines without `;` (blanked, or
    `while`/`if` when the next line is their more-indented body; a column-0
    annotation word before a declaration is blanked), bare comparison
    operators as macro arguments, GNU case ranges, and statements passed as
    arguments of ALL-CAPS macros."""
    buf = bytearray(data)
    for start, end in spans:
        _second_chance_span(buf, start, end)
    out = bytes(buf)
    assert len(out) == len(data)
    return out


_STATIC_ANNOTATION = re.compile(
    rb"^(?:static|extern)[ \t]+(?:inline[ \t]+)?([a-z_][a-z0-9_]*)[ \t]+(?=(?:const[ \t]+)?(?:void|int|bool|char|long|"
    rb"unsigned|signed|short|struct|union|enum|u8|u16|u32|u64|s8|s16|s32|s64|size_t|ssize_t)\b)", re.M)
_DEFINE_LINE = re.compile(rb"^[ \t]*#[ \t]*(?:define|undef)\b[^\n]*", re.M)
_COL0_CALL_LINE = re.compile(rb"^[a-z_][a-z0-9_]*[ \t]*\([^\n;{}]*\)[ \t]*\r?$", re.M)
_TYPE_MACRO_DECL = re.compile(
    rb"^[ \t]+(" + _ID + rb"[ \t]*\([^\n;{}]*\))[ \t]+\**[ \t]*" + _ID + rb"[ \t]*[;=,\[]", re.M)
_CAPS_BEFORE_STRING = re.compile(rb"(?<![A-Za-z0-9_\"])[A-Z][A-Z0-9_]+(?=[ \t]*\")")


def _second_chance_span(buf: bytearray, start: int, end: int) -> None:
    _pass_type_args(buf, start, end, common=False)
    _brace_macros(buf, start, end)
    _pass_loops(buf, frozenset(), (b"while_each",), start, end)
    edits = []
    # #define / #undef lines (X-macro helpers inside initializers and bodies)
    for m in _DEFINE_LINE.finditer(buf, start, end):
        e = m.end()
        while e < end and buf[e - 1:e] == b"\\":
            nl = buf.find(b"\n", e + 1)
            e = end if nl < 0 else nl
        edits.append((m.start(), _blank(buf[m.start():e])))
    # `static local_attrs int f(...)`: a local attribute macro
    for m in _STATIC_ANNOTATION.finditer(buf, start, end):
        if m.group(1).decode() not in _C_KEYWORDS and m.group(1) not in (b"inline", b"__inline"):
            edits.append((m.start(1), b" " * len(m.group(1))))
    # `module_exit(fn)` without `;` in column 0, before a declaration
    for m in _COL0_CALL_LINE.finditer(buf, start, end):
        nxt = _next_code(buf, m.end())
        if nxt > 0 and _WORD[buf[nxt]] and buf[nxt - 1] == 0x0A:
            edits.append((m.start(), _blank(m.group(0))))
    _apply(buf, edits)
    edits = []
    # `TYPE_MACRO(args) name;` — a macro standing for a type
    for m in _TYPE_MACRO_DECL.finditer(buf, start, end):
        head = re.match(_ID, m.group(1)).group(0)
        if bytes(head).decode() in _C_KEYWORDS:
            continue
        if _close_paren(buf, buf.index(b"(", m.start(1)), len(m.group(1))) != m.end(1) - 1:
            continue
        edits.append((m.start(1), bytes(m.group(1)).translate(_IDENT_TABLE)))
    # `KERN_INFO DRV_NAME " text"` — macros standing for string literals
    for _ in range(2):
        for m in _CAPS_BEFORE_STRING.finditer(buf, start, end):
            ls = _line_start(buf, m.start())
            if buf.count(b'"', ls, m.start()) % 2:
                continue
            edits.append((m.start(), b'"' + bytes(buf[m.start() + 1:m.end() - 1]) + b'"'))
        _apply(buf, edits)
        edits = []
    edits: dict[int, bytes] = {}
    # lone ALL-CAPS macro lines without `;`
    lone_ends: set[int] = set()
    for m in _LONE_LINE.finditer(buf, start, end):
        indent, name, args = m.group(1), m.group(2), m.group(3)
        s = m.start(2)
        if s in edits or len(name) < 2:
            continue
        if args is not None and _close_paren(buf, m.start(3), len(args)) != m.end(3) - 1:
            continue
        nxt = _next_code(buf, m.end())
        if nxt < 0:
            continue
        c = buf[nxt]
        if not indent:
            if args is None:
                # an annotation word on its own line before a declaration
                if _WORD[c]:
                    edits[s] = b" " * len(name)
            else:
                # a top-level macro invocation missing its `;`
                p = prev_code(buf, m.start(2))
                if c != 0x7B and (p < 0 or buf[p] in b";})" or p in lone_ends):
                    edits[s] = _blank(buf[s:m.end()])
                    lone_ends.add(m.end(3) - 1)
            continue
        if _continued(buf, m.start(1)):
            continue
        p = prev_code(buf, m.start(1))
        if p >= 0 and buf[p] not in b";{}:" and p not in lone_ends:
            continue
        lone_ends.add((m.end(3) if args is not None else m.end(2)) - 1)
        if c == 0x7B or (args is not None and _WORD[c] and _indent_of(buf, nxt) > len(bytes(indent).expandtabs(8))):
            word = _loop_word(len(name))
            if word:
                edits[s] = word
            continue
        if not (_WORD[c] or c in b"}#"):
            continue
        edits[s] = _blank(buf[s:m.end()])
    _apply(buf, edits.items())
    edits = []
    for m in _OP_ARG.finditer(buf, start, end):
        edits.append((m.start(1), _OP_NAMES[m.group(1)]))
    for m in _CASE_RANGE.finditer(buf, start, end):
        if m.start() == 0 or not _WORD[buf[m.start() - 1]]:
            edits.append((m.start(1), b"|| "))
    for m in _STMT_ARG_END.finditer(buf, start, end):
        # `MACRO(a, stmt; stmt;);` — statements passed as macro arguments
        close = m.start() + 1 + len(m.group(1))
        opn = _open_paren(buf, close, 2000)
        if opn < 0:
            continue
        lm = ident_before(buf, opn)
        if not lm or not lm[1].isupper():
            continue
        depth = 0
        semis = []
        ok = True
        for off, c in enumerate(bytes(buf[opn + 1:close])):
            if c in b"([":
                depth += 1
            elif c in b")]":
                depth -= 1
            elif c == 0x7B:
                ok = False
                break
            elif c == 0x3B and depth == 0:
                semis.append(opn + 1 + off)
        if not ok or not semis:
            continue
        for k, pos in enumerate(semis):
            edits.append((pos, b"," if k < len(semis) - 1 else b" "))
    _apply(buf, edits)


# ---------------------------------------------------------------------------
# second chance: preprocessor conditionals inside a failing function

def fallback_preprocessor(data: bytes, spans) -> bytes:
    """Same-length copy of `data` in which, inside each (start, end) span,
    every `#if` group keeps one branch (the first, or the `#else` branch of an
    `#if 0`) and loses its directives and other branches to blanks."""
    buf = bytearray(data)
    for start, end in spans:
        stack: list[list] = []   # [keep_index, branch_index, blank_from]
        for m in _DIRECTIVE.finditer(buf, start, end):
            if _continued(buf, m.start()):
                continue
            kind = m.group(1)
            line_end = m.end()
            # a directive continued over several lines
            while line_end < end and buf[line_end - 1:line_end] == b"\\":
                nl = buf.find(b"\n", line_end + 1)
                line_end = nl if nl >= 0 else end
            if kind in (b"if", b"ifdef", b"ifndef"):
                keep = 1 if (kind == b"if" and m.group(2).strip() in (b"0", b"(0)")) else 0
                stack.append([keep, 0, None])
                buf[m.start():line_end] = _blank(buf[m.start():line_end])
                if keep == 1:
                    stack[-1][2] = line_end
            elif not stack:
                continue
            elif kind == b"endif":
                top = stack.pop()
                if top[2] is not None:
                    buf[top[2]:m.start()] = _blank(buf[top[2]:m.start()])
                buf[m.start():line_end] = _blank(buf[m.start():line_end])
            else:  # elif / else: a new branch
                top = stack[-1]
                if top[2] is not None:
                    buf[top[2]:m.start()] = _blank(buf[top[2]:m.start()])
                    top[2] = None
                top[1] += 1
                buf[m.start():line_end] = _blank(buf[m.start():line_end])
                if top[1] != top[0]:
                    top[2] = line_end
    out = bytes(buf)
    assert len(out) == len(data)
    return out
