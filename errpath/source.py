"""Offset-preserving kernel-macro normalisation.

`normalise()` rewrites kernel-only syntax into plain C that tree-sitter-c can
parse, WITHOUT changing the byte length or moving a newline: a line:column in
the normalised text is the same line:column in the real file.  Every pass
finds its triggers with a literal-prefixed regex (or skips the file when the
trigger word is absent), checks the context with a little balanced-paren
scanning, and applies same-length edits to a bytearray.

Rewrite classes (in pass order):

0. `#if 0` blocks (up to their `#else`/`#elif`/`#endif`) → blanks: never
   compiled, often prose or stale code.
1. Annotations → spaces (list in `errpath/data/annotations.txt`):
   `__must_check`, `__user`, `__rcu`, `__init`, `__acquires(x)`,
   `__printf(1, 2)`, `__attribute__((...))`, `__free(kfree)`, ... (an entry
   written `name(` also blanks its balanced argument list); aliases such as
   `STATIC` → `static`.
2. `SYSCALL_DEFINEn(name, t1, a1, ...)` → `long      name(t1  a1, ...)`:
   the macro prefix becomes `long` + blanks, the comma after the name becomes
   `(`, the comma inside each (type, arg) pair becomes a blank.  The function
   is therefore named after the syscall (`SYSCALL_DEFINE3(io_uring_enter,...)`
   → function `io_uring_enter`).  `COMPAT_SYSCALL_DEFINEn(name, ...)` →
   function `compat_sys_<name>` (the identifier starts inside the blanked
   prefix).  `SYSCALL_DEFINE0(name)` → `long ... name()` (the name moves one
   column left to make room for `()`).
3. `typeof(expr)` / `__typeof__(expr)` / `__typeof(expr)` (on one line) → one
   identifier of the same length (`typeof(*p)` → `typeof__p_`), which parses
   both as a type name and as an expression.
4. `offsetof(T, a.b[1])` keeps the native offsetof_expression; a member path
   that is not a bare name becomes one identifier (`a_b_1_`).
   `__stringify(X)` → a string literal `"_stringify_X"`.
5. Type arguments of macros → identifiers: in an argument list (after the
   `(` of a non-keyword call, or after `,`), a type that is not already an
   expression — `struct foo`, `const char *`, `unsigned int`, `u8 *` — gets
   its blanks and `*` turned into `_` (`struct foo *` → `struct_foo__`).
   `container_of(p, struct foo, m)`, `list_entry(...)`,
   `min_t(unsigned int, a, b)`, `alloc_percpu(struct foo)`,
   `va_arg(ap, unsigned long)` then parse as ordinary calls.  Only the
   common triggers (one-line `struct`, `[un]signed`, `long`, `T *`) run
   here; the others are in the second chance.
6. `guard(cls)(args)` → `guard_cls_(args)`: a plain call whose function name
   carries the lock class.
7. Iterator macros → `while` of the same length: any identifier containing
   `for_each` / `foreach` (either case), or listed in the tree's
   `.clang-format` ForEachMacros, or `scoped_guard`, used as a statement (at
   a statement start, followed by a statement rather than `;`):
   `list_for_each_entry(p, h, m) {` → `while               (p, h, m) {`
   (a comma-expression condition; the body is the loop body); also as the
   tail of a do-while: `do { ... } for_each_vma(vmi, vma);`.
8. Small forms: `DECLARE_BITMAP(name, n)` → `DECLARE_BITMAP name[ n]` (a real
   array declaration); `static` before an indented `DEFINE_*(...)` /
   `DECLARE_*(...)` → blanks (a call statement); an X-macro expansion line
   (an indented `LIST_OF_THINGS()` directly before `#undef x`) → blanks.

Second chance (`second_chance()`, `fallback_preprocessor()`): rare forms that
would cost a scan of every file are rewritten by `errpath.parse` only inside
functions that still fail after `normalise()` — lone ALL-CAPS macro lines
without `;` (`BCH_OPTS()`, `UFS_TEST_FREE_SPACE_CG`, a column-0
`EXPORT_FOR_TESTS` before a definition), comparison operators passed as macro
arguments (`ASSERTCMP(a, ==, b)` → `EQ`), GNU case ranges (`case A ... B:` →
`case A ||  B:`), statements passed as macro arguments
(`DLM_ASSERT(x, dump(r););` → `,` separators), `#define`/`#undef` lines
(X-macro helpers inside an initializer), a column-0 `module_exit(fn)` missing
its `;`, statement macros with a body that are not iterators by name
(`NAME(args) {`, also with the arguments over several lines: a call followed
by a block is never valid C) → `while` (`if` for 2-4 characters), the rarer
type arguments (union, enum, short, const, volatile, a struct split over two
lines — its keyword is blanked to keep the newline), `TYPE_MACRO(args) name;`
declarations, ALL-CAPS macros standing for strings (`KERN_INFO DRV_NAME "x"`),
local attribute macros (`static my_attrs int f(`), and
`} while_each_x(a, b);`; and, last, `#if` groups split across statements
keep one branch (the first; the `#else` of an `#if 0`).

Nothing is rewritten at the name position of `#define`/`#undef`/`#ifdef`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

# Built-in fallback when the audited tree has no .clang-format.  Any name
# containing "for_each"/"foreach" is treated as an iterator anyway; this list
# only matters for trees whose iterators are spelt otherwise.
DEFAULT_FOREACH_MACROS: frozenset[str] = frozenset({
    "list_for_each", "list_for_each_safe", "list_for_each_entry",
    "list_for_each_entry_safe", "list_for_each_entry_reverse", "list_for_each_entry_rcu",
    "hlist_for_each_entry", "hlist_for_each_entry_safe", "hlist_for_each_entry_rcu",
    "for_each_possible_cpu", "for_each_online_cpu", "for_each_node", "for_each_online_node",
    "for_each_zone", "for_each_populated_zone", "xa_for_each", "bio_for_each_segment",
    "bio_for_each_folio_all", "rbtree_postorder_for_each_entry_safe",
})

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

_DATA_DIR = Path(__file__).with_name("data")


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


# ---------------------------------------------------------------------------
# 1. annotations

@lru_cache(maxsize=1)
def _annotations():
    plain: set[str] = set()
    with_args: set[str] = set()
    aliases: dict[str, str] = {}
    text = (_DATA_DIR / "annotations.txt").read_text(encoding="utf-8")
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "=" in line:
            a, b = (s.strip() for s in line.split("=", 1))
            if len(b) <= len(a):
                aliases[a] = b
            continue
        if line.endswith("("):
            with_args.add(line[:-1])
        else:
            plain.add(line)
    regexes = _word_finder(plain | with_args | set(aliases))
    return (regexes, frozenset(w.encode() for w in with_args),
            {k.encode(): v.encode().ljust(len(k)) for k, v in aliases.items()})


def _pass_annotations(buf: bytearray) -> None:
    regexes, with_args, aliases = _annotations()
    edits = []
    for gates, rx in regexes:
        if not any(g in buf for g in gates):
            continue
        end_prev = -1
        for m in rx.finditer(buf):
            s, e = m.span()
            if s < end_prev:
                continue
            word = bytes(m.group(0))
            if _in_directive_name(buf, s):
                continue
            if word in aliases:
                edits.append((s, aliases[word]))
                continue
            if word in with_args:
                om = _OPEN_AFTER.match(buf, e)
                if om:
                    close = _close_paren(buf, om.end() - 1, 2000)
                    if close > 0:
                        e = close + 1
            edits.append((s, _blank(buf[s:e])))
            end_prev = e
    _apply(buf, edits)


# ---------------------------------------------------------------------------
# 2. SYSCALL_DEFINEn

_CALL_ARG = re.compile(rb"\s*[A-Za-z_][A-Za-z0-9_]*[ \t]*\([^()]*\)\s*$")
_SYSCALL = re.compile(rb"SYSCALL(?:32)?_DEFINE[0-6][ \t]*\(")


def _pass_syscalls(buf: bytearray) -> None:
    if b"SYSCALL" not in buf:
        return
    edits = []
    for m in _SYSCALL.finditer(buf):
        start = m.start()
        compat = False
        if start >= 7 and buf[start - 7:start] == b"COMPAT_":
            compat = True
            start -= 7
        if start > 0 and buf[start - 1] != 0x0A:
            continue
        open_pos = m.end() - 1
        close = _close_paren(buf, open_pos, 4000)
        if close < 0:
            continue
        args = _split_args(buf, open_pos, close)
        tag = b"compat_sys_" if compat else b""
        name_s, name_e = args[0]
        name = bytes(buf[name_s:name_e])
        if len(args) == 1:
            stripped = name.strip()
            total = close + 1 - start
            pad = total - 4 - len(tag) - len(stripped) - 2
            if pad < 1 or b"\n" in name or not stripped:
                continue
            edits.append((start, b"long" + b" " * pad + tag + stripped + b"()"))
            continue
        prefix_len = name_s - start
        if name[:1].isspace() or not name.strip():
            tag = b""
        if prefix_len < 5 + len(tag):
            continue
        edits.append((start, b"long" + b" " * (prefix_len - 4 - len(tag)) + tag))
        edits.append((name_e, b"("))
        # (type, arg) pairs: the comma inside a pair becomes a blank; an
        # argument that stands for a whole pair or two (SC_ARG64(x),
        # compat_arg_u64_dual(x)) stays a parameter of its own.
        k = 1
        while k < len(args):
            if _CALL_ARG.match(buf, args[k][0], args[k][1]) or k + 1 >= len(args):
                k += 1
                continue
            edits.append((args[k][1], b" "))
            k += 2
    _apply(buf, edits)


# ---------------------------------------------------------------------------
# 3. typeof(expr)

_TYPEOF = re.compile(rb"typeof(?:__)?[ \t]*\(")


def _pass_typeof(buf: bytearray) -> None:
    if b"typeof" not in buf:
        return
    edits = []
    end_prev = -1
    for m in _TYPEOF.finditer(buf):
        s = m.start()
        if s >= 2 and buf[s - 2:s] == b"__":
            s -= 2
        if s < end_prev or (s > 0 and _WORD[buf[s - 1]]):
            continue
        close = _close_paren(buf, m.end() - 1, 400)
        if close < 0:
            continue
        seg = bytes(buf[s:close + 1])
        if b"\n" in seg:
            continue
        edits.append((s, seg.translate(_IDENT_TABLE)))
        end_prev = close + 1
    _apply(buf, edits)


# ---------------------------------------------------------------------------
# 4. offsetof member paths, __stringify

_OFFSETOF = re.compile(rb"offsetof[ \t]*\(")
_SIMPLE_MEMBER = re.compile(rb"\s*[A-Za-z_][A-Za-z0-9_]*\s*$")
_STRINGIFY = re.compile(rb"__stringify[ \t]*\(")


def _pass_offsetof(buf: bytearray) -> None:
    edits = []
    if b"offsetof" in buf:
        for m in _OFFSETOF.finditer(buf):
            s = m.start()
            if s > 0 and _WORD[buf[s - 1]] and not buf[max(0, s - 10):s].endswith(b"__builtin_"):
                continue
            open_pos = m.end() - 1
            close = _close_paren(buf, open_pos, 1000)
            if close < 0:
                continue
            args = _split_args(buf, open_pos, close)
            if len(args) != 2:
                continue
            a, b = args[1]
            member = bytes(buf[a:b])
            body = member.strip()
            if _SIMPLE_MEMBER.match(member) or b"\n" in body or not body:
                continue
            lead = len(member) - len(member.lstrip())
            edits.append((a + lead, body.translate(_IDENT_TABLE)))
    if b"__stringify" in buf:
        for m in _STRINGIFY.finditer(buf):
            s = m.start()
            if s > 0 and _WORD[buf[s - 1]]:
                continue
            close = _close_paren(buf, m.end() - 1, 300)
            if close < 0:
                continue
            seg = bytes(buf[s:close + 1])
            if b"\n" in seg:
                continue
            edits.append((s, b'"' + seg[1:-1].translate(_STRING_TABLE) + b'"'))
    _apply(buf, edits)


# ---------------------------------------------------------------------------
# 5. type arguments

# `*`s (each with its own leading blanks, so the match is unambiguous: no
# catastrophic backtracking) and an optional trailing const
_STARS_ALL = rb"(?:[ \t]*\*)*(?:[ \t]*const\b)?"
_NOT_WORD = rb"(?![A-Za-z0-9_])"
_AFTER_TYPE = rb"(?=\s*[,)])"
# (gate, regex): each regex starts with a literal so `re` can search fast
# (gate, regex, common): the common triggers run on every file, the others
# only in the second chance.  Each regex starts with a literal so `re` can
# search fast; a match must end right before `,` or `)`.
_TA_TRIGGERS = tuple((g, re.compile(r), c) for g, r, c in (
    # struct foo [*...] — the fast, strict form: one line, `,`/`)` next
    (b"struct", rb"struct[ \t]+" + _ID + rb"[ \t*]*(?=[,)])", True),
    # struct foo [const] [*...]   (the name may be on the next line)
    *((kw, kw + _NOT_WORD + rb"\s+" + _ID + rb"(?=[ \t]*[*,)\n]|[ \t]+(?:const|volatile))"
       + rb"(?:[ \t]+(?:const|volatile)\b)*" + _STARS_ALL + _AFTER_TYPE, False)
      for kw in (b"struct", b"union", b"enum")),
    # [un]signed [long|short|int|char]... [*...]   (`signed` also finds `unsigned`)
    (b"signed", rb"signed" + _NOT_WORD + rb"(?:[ \t]+(?:long|short|int|char)\b)*" + _STARS_ALL + _AFTER_TYPE,
     True),
    (b"long", rb"long" + _NOT_WORD + rb"(?:[ \t]+(?:long|int|unsigned)\b)*" + _STARS_ALL + _AFTER_TYPE, True),
    (b"short", rb"short" + _NOT_WORD + rb"(?:[ \t]+(?:int|unsigned)\b)*" + _STARS_ALL + _AFTER_TYPE, False),
    # const T [*...]
    *((kw, kw + rb"[ \t]+" + _ID + _STARS_ALL + _AFTER_TYPE, False) for kw in (b"const", b"volatile")),
))
# T *...
_TA_STAR = re.compile(rb"\*(?=[),])")
_QUALIFIER_BEFORE = re.compile(rb"(?:const|volatile)[ \t]+$")


def _arg_start(buf, s: int) -> int:
    """Start of the macro argument whose type begins at `s` (after any
    const/volatile), or -1 when `s` is not at the start of an argument of a
    non-keyword call."""
    i = s
    while True:
        m = _QUALIFIER_BEFORE.search(buf, max(0, i - 24), i)
        if not m or (m.start() > 0 and _WORD[buf[m.start() - 1]]):
            break
        i = m.start()
    j = i - 1
    while j >= 0 and buf[j] in b" \t\r\n":
        j -= 1
    if j < 0:
        return -1
    c = buf[j]
    if c == 0x2C:
        return i
    if c != 0x28:
        return -1
    lm = ident_before(buf, j)
    if not lm or lm[1].decode() in _C_KEYWORDS:
        return -1
    return i


def _pass_type_args(buf: bytearray, start: int = 0, end: int | None = None, common: bool = True) -> None:
    """Type arguments inside [start, end): the common triggers (one-line
    struct, [un]signed, long, `T *`) when `common`, the rare ones (struct
    split over lines or with const, union, enum, short, const, volatile)
    otherwise."""
    end = len(buf) if end is None else end
    spans: dict[int, int] = {}
    for gate, rx, is_common in _TA_TRIGGERS:
        if is_common != common or buf.find(gate, start, end) < 0:
            continue
        for m in rx.finditer(buf, start, end):
            s, e = m.span()
            while s > 0 and _WORD[buf[s - 1]]:
                s -= 1
            if bytes(buf[s:m.start()]) not in (b"", b"un"):
                continue
            seg = buf[s:e]
            if not (b" " in seg or b"\t" in seg or b"*" in seg or b"\n" in seg):
                continue
            a = _arg_start(buf, s)
            if a >= 0 and spans.get(a, -1) < e:
                spans[a] = e
    # `T *` trigger: find the identifier before the stars
    if common and b"*" in buf:
        for m in _TA_STAR.finditer(buf, start, end):
            s, e = m.span()
            lm = ident_before(buf, s)
            if not lm:
                continue
            ident = lm[1]
            if ident.decode() in _C_KEYWORDS and ident not in (b"void", b"char", b"int", b"long",
                                                                  b"short", b"unsigned", b"signed"):
                continue
            a = _arg_start(buf, lm[0])
            if a >= 0 and spans.get(a, -1) < e:
                spans[a] = e
    edits = []
    last = -1
    for a in sorted(spans):
        e = spans[a]
        if a < last:
            continue
        seg = bytes(buf[a:e])
        if b"\n" in seg:
            # keep the newline: blank keywords and stars, leave the one name
            words = re.sub(rb"\b(?:struct|union|enum|const|volatile)\b|\*", lambda k: b" " * len(k.group(0)), seg)
            if len(re.findall(_ID, words)) != 1:
                continue
            edits.append((a, words))
        else:
            edits.append((a, seg.translate(_IDENT_TABLE)))
        last = e
    _apply(buf, edits)


# ---------------------------------------------------------------------------
# 6. guard(cls)(args)

_GUARD = re.compile(rb"guard\(([A-Za-z_][A-Za-z0-9_]*)\)(?=\s*\()")


def _pass_guard(buf: bytearray) -> None:
    if b"guard(" not in buf:
        return
    edits = [(m.start(), b"guard_" + m.group(1) + b"_") for m in _GUARD.finditer(buf)
             if not (m.start() > 0 and _WORD[buf[m.start() - 1]])]
    _apply(buf, edits)


# ---------------------------------------------------------------------------
# 7. statement macros

_FOREACH_LITERALS = (b"for_each", b"foreach", b"FOR_EACH", b"FOREACH")
_STMT_END = b";{}:)"
_BRACE_LINE = re.compile(rb"\)[ \t]*\{[ \t]*(?:/\*[^\n]*|//[^\n]*)?\r?\n")
_LINE_HEAD = re.compile(rb"[ \t]+(" + _ID + rb")[ \t]*\(")
_LONE_LINE = re.compile(rb"\n([ \t]*)([A-Z][A-Z0-9_]*)[ \t]*(\([^\n;{}]*\))?[ \t]*(?=\r?\n)")


def _loop_word(name_len: int) -> bytes | None:
    if name_len >= 5:
        return b"while" + b" " * (name_len - 5)
    if name_len >= 2:
        return b"if" + b" " * (name_len - 2)
    return None


def _statement_start(buf, pos: int) -> bool:
    """Whether `pos` starts a statement: after `;` `{` `}` `:` `)`, `else`
    or `do` (comments and preprocessor lines skipped)."""
    i = prev_code(buf, pos)
    if i < 0:
        return True
    c = buf[i]
    if c in _STMT_END:
        return True
    if _WORD[c]:
        lm = ident_before(buf, i + 1)
        return bool(lm and lm[1] in (b"else", b"do"))
    return False


def _followed_by_statement(buf, close: int) -> bool:
    i = _next_code(buf, close + 1)
    if i < 0:
        return False
    c = buf[i]
    return c == 0x7B or _WORD[c] or c == 0x2A  # `{`, identifier/keyword, `*p = ..`


def _pass_loops(buf: bytearray, macros: frozenset[str], literals=_FOREACH_LITERALS,
                start: int = 0, end: int | None = None) -> None:
    end = len(buf) if end is None else end
    edits: dict[int, bytes] = {}
    n = len(buf)
    candidates: set[tuple[int, int]] = set()
    for lit in literals:
        if buf.find(lit, start, end) < 0:
            continue
        for m in re.finditer(re.escape(lit), buf[start:end] if start or end < n else buf):
            s = m.start() + start
            while s > 0 and _WORD[buf[s - 1]]:
                s -= 1
            e = m.end() + start
            while e < n and _WORD[buf[e]]:
                e += 1
            candidates.add((s, e))
    if macros:
        for gates, rx in _extra_loop_finder(macros):
            if any(g in buf for g in gates):
                candidates.update(m.span() for m in rx.finditer(buf, start, end))
    last = -1
    for s, e in sorted(candidates):
        if s < last or (s > 0 and _WORD[buf[s - 1]]):
            continue
        om = _OPEN_AFTER.match(buf, e)
        if not om:
            continue
        close = _close_paren(buf, om.end() - 1)
        if close < 0:
            continue
        if not (_statement_start(buf, s) and _followed_by_statement(buf, close)) \
                and not _ends_do_while(buf, s, close):
            continue
        word = _loop_word(e - s)
        if word:
            edits[s] = word
            last = e
    _apply(buf, edits.items())


def _ends_do_while(buf, s: int, close: int) -> bool:
    """`do { ... } iter(args);` — the macro is the `while` of a do-while."""
    nxt = _next_code(buf, close + 1)
    if nxt < 0 or buf[nxt] != 0x3B:
        return False
    p = prev_code(buf, s)
    if p < 0 or buf[p] != 0x7D:
        return False
    opn = _open_brace(buf, p)
    if opn < 0:
        return False
    lm = ident_before(buf, prev_code(buf, opn) + 1)
    return bool(lm and lm[1] == b"do")


def _open_brace(buf, close: int, limit: int = 30000) -> int:
    """Index of the `{` matching the `}` at `close` (comments not skipped), or -1."""
    depth = 1
    lo = max(0, close - limit)
    i = close
    while True:
        a = buf.rfind(b"{", lo, i)
        b = buf.rfind(b"}", lo, i)
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


def _brace_macros(buf: bytearray, start: int, end: int) -> None:
    edits: dict[int, bytes] = {}
    # NAME(args) {  — a statement macro with a body (head on this line)
    for m in _BRACE_LINE.finditer(buf, start, end):
        close = m.start()
        hm = _LINE_HEAD.match(buf, buf.rfind(b"\n", 0, close) + 1)
        if hm and _close_paren(buf, hm.end() - 1, close - hm.end() + 2) == close:
            s, name = hm.start(1), hm.group(1)
        else:
            # the head is on an earlier line: NAME(a,\n\t\tb) {
            opn = _open_paren(buf, close)
            lm = ident_before(buf, opn) if opn >= 0 else None
            if not lm:
                continue
            s, name = lm
            ls = _line_start(buf, s)
            if s == ls or buf[ls:s].strip(b" \t"):
                continue
        if name in _C_KEYWORDS_B or s in edits:
            continue
        word = _loop_word(len(name))
        if word:
            edits[s] = word
    _apply(buf, edits.items())


def _indent_of(buf, pos: int) -> int:
    ls = _line_start(buf, pos)
    if buf[ls:pos].strip(b" \t"):
        return -1
    return len(buf[ls:pos].expandtabs(8))


@lru_cache(maxsize=8)
def _extra_loop_finder(macros: frozenset[str]):
    extra = {w for w in (set(macros) | _EXTRA_LOOP_MACROS)
             if not any(lit.decode() in w for lit in _FOREACH_LITERALS)}
    return _word_finder(extra)


# ---------------------------------------------------------------------------
# 8. small forms

_DECLARE_BITMAP = re.compile(rb"DECLARE_BITMAP[ \t]*\(")
_XMACRO_LINE = re.compile(rb"\(\)[ \t]*\r?\n[ \t]*#[ \t]*undef\b")
_XMACRO_HEAD = re.compile(rb"[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*$")
_STATIC_DEFINE = re.compile(rb"static (?=(?:DEFINE|DECLARE)_[A-Z0-9_]+[ \t]*\()")
_OP_ARG = re.compile(rb",[ \t]*(==|!=|<=|>=|<|>)(?=[ \t]*,)")
_OP_NAMES = {b"==": b"EQ", b"!=": b"NE", b"<=": b"LE", b">=": b"GE", b"<": b"L", b">": b"G"}
_CASE_RANGE = re.compile(rb"case[ \t][^\n:;]*?[ \t](\.\.\.)[ \t]")
_STMT_ARG_END = re.compile(rb";(\s*)\)\s*;")


def _pass_misc(buf: bytearray) -> None:
    edits = []
    if b"DECLARE_BITMAP" in buf:
        for m in _DECLARE_BITMAP.finditer(buf):
            open_pos = m.end() - 1
            close = _close_paren(buf, open_pos, 400)
            if close < 0:
                continue
            args = _split_args(buf, open_pos, close)
            if len(args) != 2:
                continue
            edits += [(open_pos, b" "), (args[0][1], b"["), (close, b"]")]
    if b"#undef" in buf:
        # X-macro expansion lines (`\tLIST_OF_THINGS()` before `#undef x`)
        for m in _XMACRO_LINE.finditer(buf):
            ls = _line_start(buf, m.start())
            if _XMACRO_HEAD.match(buf, ls, m.start()) and not _continued(buf, ls):
                edits.append((ls, _blank(buf[ls:m.start() + 2])))
    if b"static DE" in buf:
        for m in _STATIC_DEFINE.finditer(buf):
            ls = _line_start(buf, m.start())
            if ls < m.start() and not buf[ls:m.start()].strip(b" \t"):
                edits.append((m.start(), b"      "))
    _apply(buf, edits)


# ---------------------------------------------------------------------------

_IF0 = re.compile(rb"#[ \t]*if[ \t]+(?:0|\(0\))[ \t]*(?:/\*[^\n]*|//[^\n]*)?\r?$", re.M)


def _pass_if0(buf: bytearray) -> None:
    """`#if 0` ... `#else`/`#elif`/`#endif`: never compiled, often not C."""
    if b"#if" not in buf and b"# if" not in buf:
        return
    edits = []
    done = -1
    for m in _IF0.finditer(buf):
        ls = _line_start(buf, m.start())
        if m.start() < done or buf[ls:m.start()].strip(b" \t") or _continued(buf, ls):
            continue
        body = buf.find(b"\n", m.end()) + 1
        if body <= 0:
            continue
        depth = 0
        for d in _DIRECTIVE.finditer(buf, body):
            kind = d.group(1)
            if kind in (b"if", b"ifdef", b"ifndef"):
                depth += 1
            elif kind == b"endif":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0:
                break
        else:
            continue
        edits.append((body, _blank(buf[body:d.start()])))
        done = d.start()
    _apply(buf, edits)


def normalise(data: bytes, foreach_macros: frozenset[str] | None = None) -> bytes:
    """Rewrite kernel-only syntax into plain C of exactly the same length."""
    macros = DEFAULT_FOREACH_MACROS if foreach_macros is None else frozenset(foreach_macros)
    buf = bytearray(data)
    _pass_if0(buf)
    _pass_annotations(buf)
    _pass_syscalls(buf)
    _pass_typeof(buf)
    _pass_offsetof(buf)
    _pass_type_args(buf)
    _pass_guard(buf)
    _pass_loops(buf, macros)
    _pass_misc(buf)
    out = bytes(buf)
    assert len(out) == len(data)
    return out


# ---------------------------------------------------------------------------
# second chance: rare forms, applied by errpath.parse only inside functions
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
