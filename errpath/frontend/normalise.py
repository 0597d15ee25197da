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
8. Small forms: `__alignof__(x)` / `_Alignof(x)` → `sizeof` of the same length
   (tree-sitter-c takes only a type there, the kernel also writes expressions);
   `DECLARE_BITMAP(name, n)` → `DECLARE_BITMAP name[ n]` (a real
   array declaration); `static` before an indented `DEFINE_*(...)` /
   `DECLARE_*(...)` → blanks (a call statement); an X-macro expansion line
   (an indented `LIST_OF_THINGS()` directly before `#undef x`) → blanks.

Second chance (`second_chance()`, `fallback_preprocessor()`): rare forms that
would cost a scan of every file are rewritten by `errpath.frontend.parse` only inside
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

from .scan import (_C_KEYWORDS, _C_KEYWORDS_B, _DIRECTIVE, _EXTRA_LOOP_MACROS, _ID, _IDENT_TABLE,
    _OPEN_AFTER, _STRING_TABLE, _WORD, _apply, _blank, _close_paren, _continued, _in_directive_name,
    _line_start, _next_code, _open_paren, _split_args, _word_finder, ident_before, prev_code)


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


_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


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
_ALIGNOF = re.compile(rb"(?<![\w])(__alignof__|__alignof|_Alignof|alignof)(?=[ \t]*\()")
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
    if b"lignof" in buf:
        # tree-sitter-c takes only a type in alignof(); `__alignof__(*frame)` is an
        # expression. sizeof takes both and reads the same to every rule.
        for m in _ALIGNOF.finditer(buf):
            edits.append((m.start(1), b"sizeof".ljust(len(m.group(1)))))
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
