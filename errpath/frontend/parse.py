"""tree-sitter-c over normalised kernel source → function units.

`parse_source` normalises the bytes (see `errpath.frontend.normalise`, offsets are kept),
parses them with tree-sitter-c and lists every function definition.

Never skip silently: besides the function definitions tree-sitter recognised,
the text is scanned for kernel-style function bodies (a `{` alone in column 0
whose preceding code ends in `)`).  A body tree-sitter did not turn into a
`function_definition` (typically swallowed by a top-level ERROR node) is listed
in `ParsedFile.unparsed` as `(name, line, reason)`, and so is a recognised
definition whose name cannot be read.

Second chance: when some functions still fail (ERROR/MISSING in the
definition, a function definition inside the body: a statement macro that
opens a block, `change_nexthops(fi) {`, read as an old-style definition;
or a body tree-sitter did not recognise), the rare rewrites of
`errpath.frontend.second_chance` are applied inside just those functions and
the file is re-parsed incrementally; if functions still fail,
`fallback_preprocessor` keeps one branch of each `#if` group inside them.
A re-parse is kept only when it parses more functions; a function that needed
it says so in `FunctionNode.note`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import tree_sitter_c
from tree_sitter import Language, Node, Parser, Tree

from .second_chance import fallback_preprocessor, second_chance
from .scan import ident_before, prev_code
from .normalise import normalise


@lru_cache(maxsize=1)
def c_language() -> Language:
    return Language(tree_sitter_c.language())


def new_parser() -> Parser:
    return Parser(c_language())


@lru_cache(maxsize=None)
def field_ids(*names: str) -> tuple[int, ...]:
    """The grammar's ids of these field names: node.child_by_field_id(id) is
    node.child_by_field_name(name) without looking the name up each time."""
    return tuple(c_language().field_id_for_name(n) for n in names)


@dataclass
class FunctionNode:
    """One function definition in a parsed file (tree-sitter node, not picklable)."""
    name: str
    node: Node
    start_line: int  # 1-based
    end_line: int
    ok: bool         # body has no ERROR/MISSING node
    is_static: bool
    note: str = ""   # "" or which second-chance rewrite this function needed


class Unparsed(NamedTuple):
    """A function that exists in the text but has no usable function_definition."""
    name: str
    line: int        # 1-based line of the body's opening brace
    reason: str


@dataclass
class ParsedFile:
    source: bytes    # the normalised bytes the tree was built from
    tree: Tree
    functions: list[FunctionNode]
    unparsed: list[Unparsed] = field(default_factory=list)


def declarator_name(decl: Node | None) -> str | None:
    """The identifier a (possibly pointer/parenthesised) declarator declares."""
    f_decl, = field_ids("declarator")
    while decl is not None:
        t = decl.type
        if t in ("identifier", "field_identifier"):
            return decl.text.decode("utf-8", "replace")
        if t == "function_declarator":
            decl = decl.child_by_field_id(f_decl)
        elif t in ("pointer_declarator", "parenthesized_declarator", "attributed_declarator"):
            decl = decl.child_by_field_id(f_decl) or (decl.named_children[0] if decl.named_children else None)
        else:
            return None
    return None


_CONTAINERS = frozenset({
    "translation_unit", "preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif",
    "preproc_elifdef", "linkage_specification", "declaration_list", "ERROR",
})


def _function_definitions(root: Node):
    stack = [root]
    while stack:
        node = stack.pop()
        for child in reversed(node.children):
            if child.type == "function_definition":
                yield child
            elif child.type in _CONTAINERS:
                stack.append(child)


# `NAME(args) {` at a statement start: a call followed by a block is never C
_CALL_THEN_BLOCK = re.compile(rb"\n[ \t]+([A-Za-z_]\w*)[ \t]*\([^;{}]*\)[ \t]*\{")


def _nested_definition(source: bytes, fn: Node, body: Node) -> bool:
    """Does fn's body hold a function definition? The kernel has no nested
    functions: this is a statement macro that opens a block, defined in the
    same file (`change_nexthops(fi) { ... } endfor_nexthops(fi);`), which
    tree-sitter reads as an old-style definition of `change_nexthops`. Left so,
    the whole loop is one opaque statement and a test inside it is not seen."""
    for m in _CALL_THEN_BLOCK.finditer(source, body.start_byte, body.end_byte):
        node = body.descendant_for_byte_range(m.start(1), m.end(1))
        while node is not None and node.id != fn.id:
            if node.type == "function_definition":
                return True
            node = node.parent
    return False


def _run_together(fn: Node) -> bool:
    """A definition whose declarator has stray tokens after its parameter
    list: top-level macro lines missing their `;` run into the next
    function (`SHOW(a)\nSHOW(b)\nint f(void) {` parses as `SHOW(a)`)."""
    f_decl, f_params = field_ids("declarator", "parameters")
    decl = fn.child_by_field_id(f_decl)
    while decl is not None and decl.type != "function_declarator":
        if decl.type not in ("pointer_declarator", "parenthesized_declarator", "attributed_declarator"):
            return False
        decl = decl.child_by_field_id(f_decl) or (decl.named_children[0] if decl.named_children else None)
    if decl is None:
        return False
    params = decl.child_by_field_id(f_params)
    if params is None:
        return False
    after = False
    for child in decl.named_children:
        if after and child.type not in ("attribute_specifier", "gnu_asm_expression", "comment"):
            return True
        if child == params:
            after = True
    return False


def _is_static(fn: Node) -> bool:
    for child in fn.children:
        if child.type == "storage_class_specifier" and child.text == b"static":
            return True
        if child.type == "function_declarator" or child.type == "compound_statement":
            break
    return False


# ---------------------------------------------------------------------------
# Text-side discovery of function bodies (independent of tree-sitter).

_COL0_BRACE = re.compile(rb"\n\{")


def _match_open_paren(src: bytes, close: int, limit: int = 20000) -> int:
    depth = 0
    i = close
    stop = max(-1, close - limit)
    while i > stop:
        c = src[i]
        if c == 0x29:
            depth += 1
        elif c == 0x28:
            depth -= 1
            if depth == 0:
                return i
        elif c in b";{}":
            return -1
        i -= 1
    return -1


def body_candidates(src: bytes) -> list[int]:
    """Byte offsets of kernel-style function bodies: a `{` in column 0 whose
    preceding code (comments and preprocessor lines skipped) ends in `)`."""
    out: list[int] = []
    for m in _COL0_BRACE.finditer(src):
        pos = m.start() + 1
        # a `{ \` inside a multi-line #define is not a body
        eol = src.find(b"\n", pos)
        if eol < 0:
            eol = len(src)
        if src[pos:eol].rstrip().endswith(b"\\"):
            continue
        if pos >= 2 and src[pos - 2] == 0x5C:
            continue
        prev = prev_code(src, pos)
        if prev >= 0 and src[prev] == 0x29:
            out.append(pos)
    return out


def candidate_name(src: bytes, pos: int) -> str:
    """Best-guess name of the function whose body starts at `pos`: the
    identifier before the last parenthesised group of the header, skipping
    trailing `__annotation(...)` groups."""
    name = "?"
    close = prev_code(src, pos)
    if close < 0 or src[close] != 0x29:
        return name
    for _ in range(4):
        opn = _match_open_paren(src, close)
        if opn < 0:
            break
        lm = ident_before(src, opn)
        if not lm:
            break
        ident = lm[1].decode()
        name = ident
        if not ident.startswith("__") or ident.upper() == ident:
            break
        nxt = prev_code(src, lm[0])
        if nxt < 0 or src[nxt] != 0x29:
            break
        close = nxt
    return name


def _top_level_start(root: Node, pos: int) -> int:
    """Start of the top-level construct containing `pos` (where the damage
    that swallowed a function body usually begins)."""
    node = root.descendant_for_byte_range(pos, pos + 1)
    start = pos
    while node is not None and node.parent is not None:
        if node.type not in _CONTAINERS or node.type == "ERROR":
            start = min(start, node.start_byte)
        node = node.parent
    return start


def _describe(root: Node, pos: int) -> str:
    node = root.descendant_for_byte_range(pos, pos + 1)
    chain = []
    while node is not None and node.type != "translation_unit":
        chain.append(node.type)
        node = node.parent
    if "ERROR" in chain:
        return "body inside an ERROR node"
    if not chain:
        return "not recognised"
    return "parsed as " + " < ".join(chain[:3])


def functions_in_tree(source: bytes, tree: Tree) -> tuple[list[FunctionNode], list[Unparsed]]:
    """Function definitions of an already-parsed tree, plus the bodies that
    tree-sitter did not turn into named function definitions."""
    an = analyse(source, tree)
    return an.functions, an.unparsed


@dataclass
class Analysis:
    """Everything `parse_source` and the coverage bench need from one tree."""
    functions: list[FunctionNode]
    unparsed: list[Unparsed]
    bad: list[tuple[int, int]]               # (definition start, body start) of failures
    bodies: dict[int, tuple[bool, bool]]     # body start -> (body ok, whole definition ok)
    missing: list[int]                       # body starts with no function_definition

    def score(self) -> int:
        """Minus the failures: a body with an error, a definition with an
        error, a body with no definition (twice).  A rewrite that dissolves
        a bogus definition (top-level macro lines run together) scores."""
        return -(sum(not b for b, _ in self.bodies.values()) + sum(not d for _, d in self.bodies.values())
                 + 2 * len(self.missing))


def analyse(source: bytes, tree: Tree) -> Analysis:
    root = tree.root_node
    an = Analysis([], [], [], {}, [])
    f_body, f_decl = field_ids("body", "declarator")
    for fn in _function_definitions(root):
        body = fn.child_by_field_id(f_body)
        if body is None:
            continue
        def_ok = not fn.has_error and not _run_together(fn) \
            and not _nested_definition(source, fn, body)
        an.bodies[body.start_byte] = (not body.has_error, def_ok)
        if not def_ok:
            an.bad.append((fn.start_byte, body.start_byte))
        name = declarator_name(fn.child_by_field_id(f_decl))
        if not name:
            an.unparsed.append(Unparsed(candidate_name(source, body.start_byte), body.start_point[0] + 1,
                                        "function_definition without a readable name"))
            continue
        an.functions.append(FunctionNode(
            name=name, node=fn, start_line=fn.start_point[0] + 1, end_line=fn.end_point[0] + 1,
            ok=not body.has_error, is_static=_is_static(fn)))
    for pos in body_candidates(source):
        if pos in an.bodies:
            continue
        reason = _describe(root, pos)
        if reason == "parsed as comment":
            continue
        line = source.count(b"\n", 0, pos) + 1
        an.unparsed.append(Unparsed(candidate_name(source, pos), line, reason))
        an.bad.append((_top_level_start(root, pos), pos))
        an.missing.append(pos)
    an.functions.sort(key=lambda f: f.start_line)
    an.unparsed.sort(key=lambda u: u.line)
    return an


# ---------------------------------------------------------------------------
# second chance

def _spans(source: bytes, bad) -> list[tuple[int, int]]:
    """Text extents of the failing functions: from the blank line before the
    definition to the next `}` in column 0 after its body."""
    spans = []
    for def_start, body_start in bad:
        start = source.rfind(b"\n\n", 0, min(def_start, body_start)) + 1
        end = source.find(b"\n}", body_start)
        end = len(source) if end < 0 else end + 2
        spans.append((start, end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _point(source: bytes, pos: int) -> tuple[int, int]:
    row = source.count(b"\n", 0, pos)
    return row, pos - (source.rfind(b"\n", 0, pos) + 1)


def _changed(old: bytes, new: bytes, spans) -> list[tuple[int, int]]:
    """Minimal differing (start, end) range inside each span."""
    out = []
    for s, e in spans:
        a, b = old[s:e], new[s:e]
        if a == b:
            continue
        i = 0
        while a[i] == b[i]:
            i += 1
        j = len(a)
        while a[j - 1] == b[j - 1]:
            j -= 1
        out.append((s + i, s + j))
    return out


def _reparse(parser: Parser, tree: Tree, old: bytes, new: bytes, changed) -> Tree:
    """Incremental re-parse of `new` (same length as `old`)."""
    edited = tree.copy()
    for s, e in changed:
        ps, pe = _point(old, s), _point(old, e)
        edited.edit(start_byte=s, old_end_byte=e, new_end_byte=e,
                    start_point=ps, old_end_point=pe, new_end_point=pe)
    return parser.parse(new, edited)


def _retry(parser: Parser, source: bytes, tree: Tree, an: Analysis, rewrite):
    """Apply `rewrite(source, spans)` to the failing functions; keep the
    re-parse when it parses more.  Returns (source, tree, analysis, changed
    ranges or [] when the re-parse was not kept)."""
    spans = _spans(source, an.bad)
    new = rewrite(source, spans)
    changed = _changed(source, new, spans)
    if not changed:
        return source, tree, an, []
    tree2 = _reparse(parser, tree, source, new, changed)
    an2 = analyse(new, tree2)
    if an2.score() <= an.score():
        return source, tree, an, []
    return new, tree2, an2, changed


def _second_and_preproc(src: bytes, spans) -> bytes:
    return fallback_preprocessor(second_chance(src, spans), spans)


def parse_normalised(source: bytes, parser: Parser | None = None,
                     tree: Tree | None = None) -> tuple[bytes, Tree, Analysis]:
    """Parse already-normalised bytes (or use `tree`, their parse) and give
    failing functions their second chance.  Returns the bytes the final tree
    was built from, the tree and its analysis."""
    parser = parser or new_parser()
    if tree is None:
        tree = parser.parse(source)
    an = analyse(source, tree)
    notes: list[tuple[list[tuple[int, int]], str]] = []
    for rewrite, note in ((second_chance, "second chance"),
                          (_second_and_preproc, "second chance, #if branches dropped")):
        if not an.bad:
            break
        source, tree, an, changed = _retry(parser, source, tree, an, rewrite)
        if changed:
            notes.append((changed, note))
    for changed, note in notes:          # a later (heavier) stage wins
        for f in an.functions:
            if any(s < f.node.end_byte and f.node.start_byte < e for s, e in changed):
                f.note = note
    return source, tree, an


def parse_source(data: bytes, foreach_macros: frozenset[str] | None = None,
                 parser: Parser | None = None) -> ParsedFile:
    source, tree, an = parse_normalised(normalise(data, foreach_macros), parser)
    return ParsedFile(source=source, tree=tree, functions=an.functions, unparsed=an.unparsed)
