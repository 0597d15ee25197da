"""Byte scanners shared by the normalisation passes: C keywords, identifier
and string tables, balanced-paren scanning, directive and line helpers, and
applying same-length edits. See errpath.frontend.normalise for the passes."""
from __future__ import annotations

import re


# Statement macros with a body that do not contain "for_each".
_EXTRA_LOOP_MACROS = frozenset({"scoped_guard", "scoped_cond_guard"})

_C_KEYWORDS = frozenset({
    "if", "else", "while", "for", "do", "switch", "case", "default", "return", "goto",
    "break", "continue", "sizeof", "typeof", "__typeof__", "__typeof", "_Alignof", "alignof",
    "__alignof__", "__alignof", "offsetof", "__builtin_offsetof", "_Generic", "_Static_assert",
    "static_assert", "asm", "__asm__", "__asm", "volatile", "__volatile__", "defined",
    "struct", "union", "enum", "const", "static", "extern", "inline", "int", "char", "long",
    "short", "unsigned", "signed", "void", "float", "double", "__builtin_types_compatible_p",
})

_C_KEYWORDS_B = frozenset(k.encode() for k in _C_KEYWORDS)


# ---------------------------------------------------------------------------
# helpers

def _trie_regex(words) -> bytes:
    """A regex alternation of `words` factored as a trie (fast in `re`)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            body = "(?:" + body + ")?"
        return body

    return build(trie).encode()


_WORD = bytes(1 if (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122 or b == 95) else 0
              for b in range(256))
_BLANK_TABLE = bytes(b if b in (10, 13) else 32 for b in range(256))
_IDENT_TABLE = bytes(b if _WORD[b] else 95 for b in range(256))
_STRING_TABLE = bytes(b if (_WORD[b] or b == 32) else 95 for b in range(256))
_PARENS = re.compile(rb"[()]")
_DIRECTIVE_PREFIX = re.compile(rb"[ \t]*#[ \t]*(?:define|undef|ifdef|ifndef|elifdef|elifndef)[ \t]+$")
_OPEN_AFTER = re.compile(rb"\s*\(")
_DIRECTIVE = re.compile(rb"^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|elifdef|elifndef|else|endif)\b([^\n]*)", re.M)
_ID = rb"[A-Za-z_][A-Za-z0-9_]*"








def _word_finder(words) -> list[tuple[bytes, re.Pattern]]:
    """Whole-word finders for `words`: one regex per 2-character prefix, so
    that `re` searches for a literal (far faster than a leading `\\b`).
    Returns (gates, regex) pairs; skip a regex when none of its gate
    substrings occurs in the text."""
    groups: dict[str, list[str]] = {}
    for w in sorted(words):
        if len(w) >= 2:
            groups.setdefault(w[:2], []).append(w[2:])
    out = []
    for pre, rests in sorted(groups.items()):
        p = re.escape(pre).encode()
        words_b = sorted((pre + r).encode() for r in rests)
        # gate: the word itself when the group has one (an absent word costs
        # one `bytes in` scan), else the prefix (found at once; the regex
        # scan then costs about what several `in` scans would)
        gate = [w for w in words_b if not any(w != v and w.startswith(v) for v in words_b)]
        out.append((tuple(gate) if len(gate) == 1 else (pre.encode(),), re.compile(
            p + rb"(?<![A-Za-z0-9_]" + p + rb")" + _trie_regex(rests) + rb"(?![A-Za-z0-9_])")))
    return out


def ident_before(buf, pos: int) -> tuple[int, bytes] | None:
    """(start, word) of the identifier ending just before `pos`, allowing
    blanks/tabs in between; None when there is none."""
    j = pos - 1
    while j >= 0 and buf[j] in b" \t":
        j -= 1
    e = j + 1
    while j >= 0 and _WORD[buf[j]]:
        j -= 1
    j += 1
    if j == e or 48 <= buf[j] <= 57:
        return None
    return j, bytes(buf[j:e])


def _blank(seg) -> bytes:
    return bytes(seg).translate(_BLANK_TABLE)


def _close_paren(buf, open_pos: int, limit: int = 6000) -> int:
    """Index of the `)` matching the `(` at `open_pos`, or -1."""
    depth = 0
    for m in _PARENS.finditer(buf, open_pos, min(len(buf), open_pos + limit)):
        if buf[m.start()] == 0x28:
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.start()
    return -1


def _open_paren(buf, close: int, limit: int = 2000) -> int:
    """Index of the `(` matching the `)` at `close`, or -1."""
    depth = 1
    lo = max(0, close - limit)
    i = close
    while True:
        a = buf.rfind(b"(", lo, i)
        b = buf.rfind(b")", lo, i)
        if a < 0:
            return -1
        if b > a:
            depth += 1
            i = b
        else:
            depth -= 1
            if depth == 0:
                return a
            i = a


def _split_args(buf, open_pos: int, close: int) -> list[tuple[int, int]]:
    """(start, end) spans of the top-level comma-separated arguments."""
    spans = []
    depth = 0
    base = start = open_pos + 1
    for off, c in enumerate(bytes(buf[base:close])):
        if c in b"([{":
            depth += 1
        elif c in b")]}":
            depth -= 1
        elif c == 0x2C and depth == 0:
            spans.append((start, base + off))
            start = base + off + 1
    spans.append((start, close))
    return spans


def _line_start(buf, pos: int) -> int:
    return buf.rfind(b"\n", 0, pos) + 1


def _in_directive_name(buf, pos: int) -> bool:
    """Whether `pos` is the name position of #define/#undef/#ifdef."""
    ls = _line_start(buf, pos)
    if pos - ls > 200:
        return False
    return _DIRECTIVE_PREFIX.match(buf, ls, pos) is not None


def _continued(buf, line_start: int) -> bool:
    """Whether the line starting at `line_start` continues a `\\`-ended line."""
    j = line_start - 2
    while j >= 0 and buf[j] in b" \t\r":
        j -= 1
    return j >= 0 and buf[j] == 0x5C


def prev_code(buf, pos: int) -> int:
    """Index of the last code byte before `pos`, skipping blanks, /* */
    comments, // comments and preprocessor lines; -1 when none."""
    i = pos - 1
    while i >= 0:
        c = buf[i]
        if c in b" \t\r\n\f\v":
            i -= 1
            continue
        if c == 0x2F and i > 0 and buf[i - 1] == 0x2A:          # end of /* */
            start = buf.rfind(b"/*", 0, i - 1)
            if start < 0:
                return i
            i = start - 1
            continue
        ls = buf.rfind(b"\n", 0, i) + 1
        j = ls
        while j < i and buf[j] in b" \t":
            j += 1
        c0 = buf[j]
        if (c0 == 0x23 and not _continued(buf, ls)) or (c0 == 0x2F and buf[j + 1] == 0x2F):
            i = ls - 1
            continue
        if c0 == 0x23 or buf.find(b"//", ls, i) >= 0:
            # a continued directive line, or code followed by a // comment
            k = buf.find(b"//", ls, i + 1)
            if k >= 0 and buf.count(b'"', ls, k) % 2 == 0:
                i = k - 1
                continue
        return i
    return -1


def _next_code(buf, pos: int) -> int:
    """Index of the first code byte at or after `pos` (skips blanks and
    comments); -1 when none."""
    n = len(buf)
    i = pos
    while i < n:
        c = buf[i]
        if c in b" \t\r\n\f\v":
            i += 1
        elif c == 0x2F and i + 1 < n and buf[i + 1] == 0x2A:
            e = buf.find(b"*/", i + 2)
            if e < 0:
                return -1
            i = e + 2
        elif c == 0x2F and i + 1 < n and buf[i + 1] == 0x2F:
            e = buf.find(b"\n", i)
            if e < 0:
                return -1
            i = e
        else:
            return i
    return -1


def _apply(buf: bytearray, edits) -> None:
    n = len(buf)
    for start, new in edits:
        if 0 <= start and start + len(new) <= n:
            buf[start:start + len(new)] = new
