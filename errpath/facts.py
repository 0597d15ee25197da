"""Intra-procedural facts: a control-flow graph of simple statements, with the
values they assign, the calls they make, the conditions they branch on, and the
two dataflow results every rule needs:

* must-hold conditions — which condition literals are true on *every* path to a
  statement (`if (!step) break;` makes `step != 0` hold afterwards;
  `if (flags & IOMAP_NOWAIT)` makes the flag test hold in the then-branch);
* reaching definitions — which assignments may give a variable its value at a
  statement, so a rule can ask "what can `ret` be at this return?".

Rules query these facts; they never walk the tree-sitter AST themselves. The
facts are plain picklable data, so the cache can store them per blob.

A Value is a small tuple tree (hashable, picklable):
    ("int", n)                  integer constant
    ("errno", "ENOMEM")         -ENOMEM (negative errno constant)
    ("errptr", v)               ERR_PTR(v)
    ("ptrerr", v)               PTR_ERR(v)
    ("errcast", v)              ERR_CAST(v)
    ("null",)                   NULL
    ("var", "name")             a local, parameter or lvalue like "p->len"
    ("macro", "NAME")           an ALL_CAPS constant of unknown value
    ("call", "name"|None, (v, ...), "text")   a call; name None for a function pointer
    ("minmax", "min"|"max"|"clamp"|"min_not_zero", (v, ...))
    ("cond", lits_true, a, b)   c ? a : b (lits_true: literals that hold when a is chosen)
    ("bin", op, a, b) / ("un", op, a)
    ("field", "text")           a field or array read
    ("sizeof", "text")
    ("unknown", "text")
"""
from __future__ import annotations

import heapq
import os
import pickle
import re
import struct
import sys
import tempfile
import threading
from collections import deque
from dataclasses import dataclass, field, fields
from typing import Iterable

import tree_sitter_c
from tree_sitter import Language, Node as TSNode

from .errnos import ERRNO_NAMES

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
# grammar straight from tree_sitter_c: errpath.parse costs more to import.)
_C_LANGUAGE = Language(tree_sitter_c.language())
(_F_ALTERNATIVE, _F_ARGUMENT, _F_ARGUMENTS, _F_BODY, _F_CONDITION, _F_CONSEQUENCE, _F_DECLARATOR,
 _F_FUNCTION, _F_INITIALIZER, _F_LABEL, _F_LEFT, _F_NAME, _F_OPERATOR, _F_RIGHT, _F_UPDATE,
 _F_VALUE) = (_C_LANGUAGE.field_id_for_name(name) for name in (
     "alternative", "argument", "arguments", "body", "condition", "consequence", "declarator",
     "function", "initializer", "label", "left", "name", "operator", "right", "update", "value"))

_IDENT = re.compile(r"[A-Za-z_]\w*")
MAX_TEXT = 160
DEFAULT_NODE_BUDGET = 20000


class BudgetExceeded(Exception):
    pass


class _Source(threading.local):
    """The text, as a str, of the tree _build_from_source is walking in this
    thread, when it is pure ASCII (byte offsets are then str offsets): _text
    slices it rather than decoding every node's bytes. None otherwise."""
    text: str | None = None


_SOURCE = _Source()


def _text(node: TSNode) -> str:
    src = _SOURCE.text
    if src is not None:
        return src[node.start_byte:node.end_byte]
    return node.text.decode("utf-8", "replace")


def _short(s: str) -> str:
    s = " ".join(s.split())
    return s if len(s) <= MAX_TEXT else s[:MAX_TEXT - 1] + "…"


def _norm(s: str) -> str:
    """Canonical text of an expression: whitespace removed, so `p -> len` == `p->len`.
    (str.split() splits on exactly the characters re's \\s matches in a str.)"""
    return "".join(s.split())


def idents(text: str) -> frozenset[str]:
    return frozenset(_IDENT.findall(text))


@dataclass(frozen=True)
class Call:
    name: str | None           # callee identifier; None for calls through a pointer
    callee_text: str           # "ops->write_begin" when name is None
    args: tuple[str, ...]      # argument texts, normalised
    arg_values: tuple[Value, ...]
    line: int
    column: int
    result: str | None         # variable the result is assigned to, when it is
    node: int                  # CFG node id


def _new_call(name, callee_text, args, arg_values, line, column, result, node) -> Call:
    """Call(...) as unpickling makes it: the fields stored straight into its
    __dict__, in field order (the frozen __init__ sets each one through
    object.__setattr__, 3x slower, and the builder makes one per call)."""
    c = object.__new__(Call)
    d = c.__dict__
    d["name"] = name
    d["callee_text"] = callee_text
    d["args"] = args
    d["arg_values"] = arg_values
    d["line"] = line
    d["column"] = column
    d["result"] = result
    d["node"] = node
    return c


assert [f.name for f in fields(Call)] == ["name", "callee_text", "args", "arg_values", "line", "column",
                                           "result", "node"], "_new_call must follow Call's fields"


@dataclass
class CfgNode:
    id: int
    kind: str                  # entry exit expr decl return cond goto label loop switch case join
    line: int
    column: int
    text: str
    defs: list[tuple[str, Value]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    ret: Value | None = None   # for return nodes with a value
    true_lits: frozenset = frozenset()
    false_lits: frozenset = frozenset()
    uses: frozenset = frozenset()  # identifiers read
    succ: list[tuple[int, object]] = field(default_factory=list)  # (node id, edge: True/False/None/"case")


@dataclass
class LoopFact:
    kind: str                  # while, for, do
    head: int                  # node id of the condition (or the loop entry for do/for(;;))
    line: int
    column: int
    cond_text: str
    cond_true: frozenset       # literals that hold inside the loop body (from the condition)
    cond: Value | None         # the condition as a value (comparisons are ("bin", op, a, b))
    first: int                 # node-id range of the loop body and update
    last: int
    update: list[int] = field(default_factory=list)  # for-loop update node ids

    def contains(self, node_id: int) -> bool:
        return self.first <= node_id <= self.last


@dataclass(slots=True)
class FunctionFacts:
    name: str
    path: str
    line: int
    end_line: int
    is_static: bool
    params: list[str]
    return_type: str
    nodes: list[CfgNode]
    loops: list[LoopFact]
    labels: dict[str, int]
    text_tokens: frozenset     # every identifier in the function: cheap prefilter for rules
    # distinct names of the functions it calls directly: the call graph without the CFG
    call_names: tuple = ()
    _must: list | None = field(default=None, repr=False, compare=False)
    _reach: list | None = field(default=None, repr=False, compare=False)
    # the light form (see compact): the pickled CFG in memory, or where it was spilled
    _payload: bytes | None = field(default=None, init=False, repr=False, compare=False)
    _spill: int | None = field(default=None, init=False, repr=False, compare=False)
    _tokens: tuple | None = field(default=None, init=False, repr=False, compare=False)
    _live: bool = field(default=False, init=False, repr=False, compare=False)

    # The CFG is pickled as one opaque payload and decoded on first use, so a
    # cached blob costs almost nothing to load until a rule or summary looks
    # inside one of its functions. Decoded CFGs (and token sets) are dropped
    # again, oldest first, past `DecodedLimit.functions` (memory stays bounded
    # on a whole-kernel index), and the payload itself may live in a scratch
    # file (`compact(spill=True)`) instead of memory.
    _HEAVY = ("nodes", "loops", "labels")
    _LIGHT = ("name", "path", "line", "end_line", "is_static", "params", "return_type", "call_names")

    def __getstate__(self):
        d = {k: getattr(self, k) for k in self._LIGHT}
        d["_payload"] = self.payload()
        d["_tokens"] = self._tokens if self._tokens is not None else tuple(sorted(self.text_tokens))
        return d

    def __setstate__(self, state):
        intern = sys.intern
        self.name = intern(state["name"])
        self.path = intern(state["path"])
        self.line = state["line"]
        self.end_line = state["end_line"]
        self.is_static = state["is_static"]
        self.params = list(map(intern, state["params"]))   # map: the loop runs in C
        self.return_type = intern(state["return_type"])
        self.call_names = tuple(map(intern, state.get("call_names", ())))
        self._tokens = tuple(map(intern, state["_tokens"]))
        self._payload = state["_payload"]
        self._spill = None
        self._must = None
        self._reach = None
        self._live = False

    def __getattr__(self, name):
        # only reached for an unset slot: a CFG or token set not decoded (yet, or again)
        if name in FunctionFacts._HEAVY:
            if self._payload is not None or self._spill is not None:
                payload = self.payload()
                if payload[:1] == _SOURCE_TAG:
                    self.nodes, self.loops, self.labels = _build_from_source(self, payload)
                else:
                    self.nodes, self.loops, self.labels = pickle.loads(payload)
                _decoded(self)
                return getattr(self, name)
        elif name == "text_tokens":
            if self._tokens is not None:
                self.text_tokens = r = frozenset(self._tokens)
                _TOKSETS.append(self)   # a FIFO of its own: token sets never push CFGs out
                if len(_TOKSETS) > DecodedLimit.token_sets:
                    _drop_tokens(_TOKSETS.popleft())
                return r
        raise AttributeError(name)

    def payload(self) -> bytes:
        """The pickled CFG (nodes, loops, labels), or the function's source (lazy_function_facts)."""
        if self._payload is not None:
            return self._payload
        if self._spill is not None:
            return _SPILL.read(self._spill)
        return pickle.dumps((self.nodes, self.loops, self.labels), protocol=pickle.HIGHEST_PROTOCOL)

    def source(self) -> bytes | None:
        """The function's normalised text, when the facts keep it (its CFG built on
        first use); None for a function whose CFG was built at once. For light
        prefilters that need more than tokens (e.g. a `-1` literal)."""
        if self._payload is None and self._spill is None:
            return None
        p = self.payload()
        return p[1 + _SOURCE_HEAD.size:] if p[:1] == _SOURCE_TAG else None

    def compact(self, spill: bool = False) -> "FunctionFacts":
        """Keep only the light part in memory: the CFG as a payload (in the scratch
        file with spill=True), decoded again on first use."""
        if self._payload is None and self._spill is None:
            self._payload = self.payload()
        if self._tokens is None:
            self._tokens = tuple(sorted(self.text_tokens))
        if spill and self._payload is not None:
            ref = _SPILL.write(self._payload)
            if ref is not None:
                self._spill, self._payload = ref, None
        _evict(self)
        _drop_tokens(self)
        return self

    # -- queries -----------------------------------------------------------
    @property
    def entry(self) -> int:
        return 0

    @property
    def exit(self) -> int:
        return 1

    def calls(self) -> Iterable[Call]:
        for n in self.nodes:
            yield from n.calls

    def returns(self) -> list[CfgNode]:
        return [n for n in self.nodes if n.kind == "return"]

    def preds(self) -> list[list[tuple[int, object]]]:
        preds: list[list[tuple[int, object]]] = [[] for _ in self.nodes]
        for n in self.nodes:
            for s, edge in n.succ:
                preds[s].append((n.id, edge))
        return preds

    def reachable(self) -> set[int]:
        seen = {0}
        stack = [0]
        while stack:
            for s, _ in self.nodes[stack.pop()].succ:
                if s not in seen:
                    seen.add(s)
                    stack.append(s)
        return seen

    def must_hold(self, node_id: int) -> frozenset:
        """Literals (atom, polarity) true on every path reaching the node."""
        if self._must is None:
            self._must = _must_hold(self)
        m = self._must[node_id]
        return frozenset() if m is None else m

    def holds(self, node_id: int, atom: str, polarity: bool = True) -> bool:
        return (_norm(atom), polarity) in self.must_hold(node_id)

    def reaching(self, node_id: int, var: str, refined: bool = False) -> list[tuple[int, Value]]:
        """(def node id, value) of every definition of var that may reach the node.
        Node id 0 with ("param", var) or ("uninit", var) means the entry value.

        With refined=True, a definition that reaches only through a branch proving
        var nonzero (`if (!n) ...; else <here>`) comes back as ("nonzero", var)."""
        if self._reach is None:
            self._reach = _reaching_defs(self)
        var = _norm(var)
        out = []
        ids = self._reach[node_id].get(var, ())
        if not refined:
            ids = _unrefine(ids)
        for d in sorted(ids, key=lambda x: (isinstance(x, tuple), x if isinstance(x, int) else x[1])):
            if isinstance(d, tuple):
                out.append((d[1], ("nonzero", var)))
                continue
            if d == 0:
                out.append((0, ("param", var) if var in self.params else ("unknown", var)))
            else:
                for v, val in self.nodes[d].defs:
                    if v == var:
                        out.append((d, val))
        return out


class DecodedLimit:
    """How many functions may keep a decoded CFG, and a token set, at once
    (oldest dropped first)."""
    functions = 3000      # ~60 KB each with their dataflow; more only costs memory (and GC time)
    token_sets = 20000


_DECODED: deque = deque()
_TOKSETS: deque = deque()


def _drop_tokens(fn: FunctionFacts) -> None:
    if fn._tokens is not None:
        try:
            del fn.text_tokens
        except AttributeError:
            pass


def _decoded(fn: FunctionFacts) -> None:
    if fn._live:
        return
    fn._live = True
    _DECODED.append(fn)
    while len(_DECODED) > DecodedLimit.functions:
        _evict(_DECODED.popleft())


def _evict(fn: FunctionFacts) -> None:
    if fn._payload is None and fn._spill is None:
        return   # nothing to decode it from again
    for k in ("nodes", "loops", "labels"):
        try:
            delattr(fn, k)
        except AttributeError:
            pass
    fn._must = None
    fn._reach = None
    fn._live = False


def release_decoded() -> None:
    """Drop every decoded CFG (e.g. before forking workers)."""
    while _DECODED:
        _evict(_DECODED.popleft())
    while _TOKSETS:
        _drop_tokens(_TOKSETS.popleft())


class _SpillFile:
    """An append-only scratch file (unlinked at once) for CFG payloads, so an index
    of a whole kernel keeps offsets in memory instead of bytes. Only the process
    that opened it writes; a forked child reads it (pread: no shared position)
    and keeps its own payloads in memory."""

    FLUSH = 1 << 20

    def __init__(self):
        self.fd = None
        self.pid = None
        self.size = 0          # bytes in the file
        self.buf = bytearray()  # bytes not written yet
        self.lock = threading.Lock()

    def write(self, data: bytes) -> int | None:
        """A reference (offset << 32 | length), or None when this process cannot spill."""
        with self.lock:
            if self.fd is None:
                d = os.environ.get("ERRPATH_SPILL_DIR") or None
                t = tempfile.TemporaryFile(prefix="errpath-cfg-", dir=d)
                self.fd, self.pid = os.dup(t.fileno()), os.getpid()
                t.close()
            elif self.pid != os.getpid() or len(data) >= 1 << 32:
                return None
            off = self.size + len(self.buf)
            self.buf += data
            if len(self.buf) >= self.FLUSH:
                self._flush()
            return off << 32 | len(data)

    def _flush(self) -> None:
        if self.buf:
            os.pwrite(self.fd, self.buf, self.size)
            self.size += len(self.buf)
            self.buf = bytearray()

    def flush(self) -> None:
        with self.lock:
            if self.fd is not None and self.pid == os.getpid():
                self._flush()

    def read(self, ref: int) -> bytes:
        off, n = ref >> 32, ref & 0xFFFFFFFF
        with self.lock:
            if off >= self.size:
                i = off - self.size
                return bytes(self.buf[i:i + n])
            return os.pread(self.fd, n, off)


_SPILL = _SpillFile()


def flush_spill() -> None:
    _SPILL.flush()


# ---------------------------------------------------------------------------
# literals from conditions


def _first_named(node: TSNode) -> TSNode | None:
    """The first named child that is not a comment."""
    for c in node.named_children:
        if c.type != "comment":
            return c
    return None


def _strip(node: TSNode) -> TSNode:
    """node inside its parentheses, casts and TRANSPARENT_TESTS wrappers."""
    return _strip_typed(node)[0]


def _strip_typed(node: TSNode, t: str | None = None) -> tuple[TSNode, str]:
    """(_strip(node), its type); t: node's type, when the caller has it."""
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
        return _text(fn)
    return None


def _is_assertion(call: TSNode) -> bool:
    src = _SOURCE.text
    # every call statement comes through here: its callee, if an identifier,
    # starts where the call does
    if src is not None and not src.startswith("KUNIT_ASSERT_", call.start_byte):
        return False
    fn = call.child_by_field_id(_F_FUNCTION)
    return (fn is not None and fn.type == "identifier"
            and _text(fn) in ASSERTIONS and len(_call_args(call)) >= 2)


def _call_args(call: TSNode) -> list[TSNode]:
    args = call.child_by_field_id(_F_ARGUMENTS)
    if args is None:
        return []
    return [a for a in args.named_children if a.type != "comment"]


def _is_zero_text(node: TSNode) -> bool:
    t = _text(node).strip()
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
            if _is_zero_text(right):
                other = left
            elif _is_zero_text(left):
                other = right
            if other is not None:
                tl, fl = cond_literals(other)
                return (fl, tl) if op == "==" else (tl, fl)
        atom = _norm(_text(node))
        return frozenset({(atom, True)}), frozenset({(atom, False)})
    atom = _norm(_text(node))
    return frozenset({(atom, True)}), frozenset({(atom, False)})


# ---------------------------------------------------------------------------
# values


def _int_value(text: str) -> int | None:
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
        return _int_value(t)
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


def value_of(node: TSNode, t: str | None = None) -> Value:
    """The Value of an expression (t: its node's type, when the caller has it)."""
    if t is None:
        t = node.type
    # the commonest types first (the tests are on distinct types)
    if t == "identifier":
        src = _SOURCE.text
        name = src[node.start_byte:node.end_byte] if src is not None else _text(node)
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
        return ("field", _norm(_text(node)))
    if t == "call_expression":
        fn = node.child_by_field_id(_F_FUNCTION)
        name = _text(fn) if fn is not None and fn.type == "identifier" else None   # _callee_name
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
            return ("call", None, tuple([value_of(a) for a in args]), _norm(_text(fn)) if fn is not None else "?")
        return ("call", name, tuple([value_of(a) for a in args]), name)
    if t == "pointer_expression":
        op = node.child_by_field_id(_F_OPERATOR).type
        if op == "*":
            return ("field", _norm(_text(node)))
        return ("un", "&", ("var", _norm(_text(node.child_by_field_id(_F_ARGUMENT)))))
    if t == "number_literal":
        n = _int_value(_text(node))
        return ("int", n) if n is not None else ("unknown", _text(node))
    if t == "binary_expression":
        return ("bin", node.child_by_field_id(_F_OPERATOR).type,
                value_of(node.child_by_field_id(_F_LEFT)), value_of(node.child_by_field_id(_F_RIGHT)))
    if t == "unary_expression":
        op = node.child_by_field_id(_F_OPERATOR).type
        arg = node.child_by_field_id(_F_ARGUMENT)
        inner = value_of(arg)
        if op == "-":
            a = _strip(arg)
            if a.type == "identifier" and _text(a) in ERRNO_NAMES:
                return ("errno", _text(a))
            if inner[0] == "int":
                return ("int", -inner[1])
        return ("un", op, inner)
    if t == "parenthesized_expression":
        inner = [c for c in node.named_children if c.type != "comment"]
        return value_of(inner[0]) if len(inner) == 1 else ("unknown", _short(_text(node)))
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
        return ("sizeof", _short(_text(node)))
    if t == "assignment_expression":
        return value_of(node.child_by_field_id(_F_RIGHT))
    if t == "comma_expression":
        return value_of(node.child_by_field_id(_F_RIGHT))
    if t in ("string_literal", "concatenated_string", "char_literal"):
        return ("unknown", _short(_text(node)))
    return ("unknown", _short(_text(node)))


# ---------------------------------------------------------------------------
# CFG construction


_SKIPPED_STATEMENTS = frozenset({"comment", ";", "preproc_call", "preproc_def", "preproc_function_def",
                                 "preproc_include", "type_definition", "empty_statement"})


def _declarator_name(decl: TSNode | None) -> str | None:
    global _declarator_name
    from .parse import declarator_name
    _declarator_name = declarator_name   # imported on first use
    return declarator_name(decl)


def _set_result(call: Call, var: str) -> None:
    # In place rather than a new Call: the builder's Calls are its own until it is done.
    call.__dict__["result"] = var


class _LoopCtx:
    def __init__(self, is_switch: bool):
        self.is_switch = is_switch
        self.breaks: list[tuple[int, object]] = []
        self.continues: list[tuple[int, object]] = []


class _Builder:
    def __init__(self, budget: int, row0: int = 0):
        self.row0 = row0   # rows before the text parsed (a function re-parsed on its own)
        self.nodes: list[CfgNode] = []
        self.loops: list[LoopFact] = []
        self.labels: dict[str, int] = {}
        self.gotos: list[tuple[int, str]] = []
        self.ctx: list[_LoopCtx] = []
        self.budget = budget
        # ((row, column) of a call, variable its result is assigned to): from the
        # last assignment expr_effects saw, for finish_calls
        self.pending_result: tuple | None = None
        self.new("entry", None)
        self.new("exit", None)

    def new(self, kind: str, ts: TSNode | None, text: str | None = None) -> CfgNode:
        if len(self.nodes) >= self.budget:
            raise BudgetExceeded(f"more than {self.budget} statements")
        if ts is not None:
            row, col = ts.start_point
            line, col = row + 1 + self.row0, col + 1
            if text is None:
                src = _SOURCE.text
                text = _short(src[ts.start_byte:ts.end_byte] if src is not None else _text(ts))
        else:
            line = col = 0
            if text is None:
                text = kind
        n = CfgNode(len(self.nodes), kind, line, col, text)
        self.nodes.append(n)
        return n

    def link(self, preds, nid: int) -> None:
        for p, edge in preds:
            self.nodes[p].succ.append((nid, edge))

    # -- expressions -------------------------------------------------------
    def expr_effects(self, n: CfgNode, ts: TSNode, ts_type: str | None = None) -> None:
        """Record the defs, calls and uses of the expression tree ts (of type
        ts_type, when the caller has it) into node n."""
        uses: set[str] = set()
        add_use = uses.add
        defs = n.defs
        noreturn = False
        self.pending_result = None
        # (node, its type): each node's type is read once, by whoever reaches it first
        stack = [(ts, ts_type or ts.type)]
        pop, push = stack.pop, stack.append
        src = _SOURCE.text   # what _text would slice, inlined for the commonest nodes
        while stack:
            e, t = pop()
            if t == "identifier":
                add_use(src[e.start_byte:e.end_byte] if src is not None else _text(e))
                continue
            if t == "call_expression":
                fn = e.child_by_field_id(_F_FUNCTION)
                if fn is not None:
                    fn_type = fn.type
                    fn_ident = fn_type == "identifier"
                    fn_text = _text(fn)
                    name = fn_text if fn_ident else None
                else:
                    fn_ident, name = False, None
                if name in NORETURN:
                    noreturn = True
                args = []   # (node, type), as _call_args
                arg_texts, arg_values = [], []
                arg_list = e.child_by_field_id(_F_ARGUMENTS)
                for a in (arg_list.named_children if arg_list is not None else ()):
                    at = a.type
                    if at == "comment":
                        continue
                    args.append((a, at))
                    # &x handed to a callee may change x: treat as a definition.
                    if at == "pointer_expression" and a.child_by_field_id(_F_OPERATOR).type == "&":
                        target = a.child_by_field_id(_F_ARGUMENT)
                        defs.append((_norm(_text(target)), ("unknown", f"set by {name or 'call'}()")))
                    text = src[a.start_byte:a.end_byte] if src is not None else _text(a)
                    # _norm(text) is text for an identifier (no whitespace)
                    arg_texts.append(text if at == "identifier" else _norm(text))
                    arg_values.append(value_of(a, at))
                row, col = e.start_point
                # callee_text: a str of its own, not name's, so the pickles stay what
                # they were (an identifier has no whitespace for _norm to drop)
                n.calls.append(_new_call(
                    name, (_text(fn) if fn_ident else _norm(fn_text)) if fn is not None else "?",
                    tuple(arg_texts), tuple(arg_values), row + 1 + self.row0, col + 1, None, n.id))
                if fn is not None and not fn_ident:
                    push((fn, fn_type))
                stack.extend(args)
                continue
            if t == "assignment_expression":
                left = e.child_by_field_id(_F_LEFT)
                right = e.child_by_field_id(_F_RIGHT)
                op = e.child_by_field_id(_F_OPERATOR).type
                left_type = left.type
                lv = _text(left) if left_type == "identifier" else _norm(_text(left))
                right_type = right.type
                rv = value_of(right, right_type)
                if op != "=":
                    rv = ("bin", op[:-1], ("var", lv), rv)
                defs.append((lv, rv))
                if left_type != "identifier":
                    push((left, left_type))
                push((right, right_type))
                self._note_call_result(right, right_type, lv)
                continue
            if t == "update_expression":
                arg = e.child_by_field_id(_F_ARGUMENT)
                op = e.child_by_field_id(_F_OPERATOR).type
                lv = _norm(_text(arg))
                defs.append((lv, ("bin", "+" if op == "++" else "-", ("var", lv), ("int", 1))))
                add_use(lv)
                continue
            if t == "compound_statement" or t == "compound_literal_expression":
                # GNU statement expressions: good enough to see their calls and defs.
                for c in e.named_children:
                    push((c, c.type))
                continue
            for c in e.named_children:
                ct = c.type
                if ct != "comment" and ct != "field_identifier":
                    push((c, ct))
        n.uses = frozenset(uses)
        if noreturn:
            n.kind = "noreturn"

    def _note_call_result(self, rhs: TSNode, rhs_type: str, var: str) -> None:
        rhs, rhs_type = _strip_typed(rhs, rhs_type)
        if rhs_type == "call_expression":
            self.pending_result = (rhs.start_point, var)  # resolved in finish_calls

    def condition(self, n: CfgNode, cond: TSNode, kind: str = "cond") -> None:
        """n evaluates cond (an if, loop or switch test): its effects, and for a
        test the literals each edge makes true. A noreturn call inside a test does
        not end the node: it stays what it is."""
        self.expr_effects(n, cond)
        self.finish_calls(n)
        n.kind = kind
        if kind == "cond":
            n.true_lits, n.false_lits = cond_literals(cond)

    def finish_calls(self, n: CfgNode) -> None:
        """The call whose result the last assignment of n's expression stores names
        the variable (expr_effects(n) was the last expression walked)."""
        pending = self.pending_result
        if pending is None:
            return
        self.pending_result = None
        (row, col), var = pending
        at = (row + 1 + self.row0, col + 1)
        for c in n.calls:
            if (c.line, c.column) == at:
                _set_result(c, var)

    def simple(self, kind: str, ts: TSNode, preds, effects: TSNode | None = None) -> CfgNode:
        n = self.new(kind, ts)
        self.link(preds, n.id)
        if effects is not None:
            self.expr_effects(n, effects)
            self.finish_calls(n)
        return n

    # -- statements --------------------------------------------------------
    def stmt(self, ts: TSNode, preds: list) -> list:
        # the commonest statements first (the tests are on distinct types)
        t = ts.type
        if t == "expression_statement":
            for e in ts.named_children:
                et = e.type
                if et != "comment":
                    break
            else:
                return preds
            if et == "call_expression" and _is_assertion(e):
                return self.assertion(e, preds)
            n = self.new("expr", ts)
            self.link(preds, n.id)
            self.expr_effects(n, e, et)
            self.finish_calls(n)
            return [] if n.kind == "noreturn" else [(n.id, None)]
        if t == "if_statement":
            cond = ts.child_by_field_id(_F_CONDITION)
            c = self.new("cond", cond)
            self.link(preds, c.id)
            self.condition(c, cond)
            out = self.stmt(ts.child_by_field_id(_F_CONSEQUENCE), [(c.id, True)])
            alt = ts.child_by_field_id(_F_ALTERNATIVE)
            if alt is not None:
                if alt.type == "else_clause":
                    inner = [x for x in alt.named_children if x.type != "comment"]
                    out = out + (self.stmt(inner[0], [(c.id, False)]) if inner else [(c.id, False)])
                else:
                    out = out + self.stmt(alt, [(c.id, False)])
            else:
                out = out + [(c.id, False)]
            return out
        if t == "compound_statement" or t == "translation_unit":
            stmt = self.stmt
            for c in ts.named_children:
                preds = stmt(c, preds)
            return preds
        if t == "declaration":
            n = self.new("decl", ts)
            self.link(preds, n.id)
            for d in ts.children_by_field_id(_F_DECLARATOR):
                if d.type == "init_declarator":
                    dd = d.child_by_field_id(_F_DECLARATOR)
                    name = _declarator_name(dd) or _norm(_text(dd)).lstrip("*")
                    val = d.child_by_field_id(_F_VALUE)
                    if val is not None:
                        val_type = val.type
                        listed = val_type == "initializer_list"
                        n.defs.append((name, value_of(val, val_type) if not listed else ("unknown", "{...}")))
                        sub = CfgNode(0, "tmp", 0, 0, "")
                        sub.id = n.id
                        self.expr_effects(sub, val, val_type)
                        n.calls.extend(sub.calls)
                        n.defs.extend(sub.defs)
                        n.uses = n.uses | sub.uses
                        if not listed:
                            v, v_type = _strip_typed(val, val_type)
                            if v_type == "call_expression":
                                row, col = v.start_point
                                at = (row + 1 + self.row0, col + 1)
                                for c in n.calls:
                                    if (c.line, c.column) == at:
                                        _set_result(c, name)
                        if sub.kind == "noreturn":
                            return []
                else:
                    name = _declarator_name(d)
                    if name:
                        n.defs.append((name, ("uninit", name)))
            return [(n.id, None)]
        if t == "return_statement":
            n = self.new("return", ts)
            self.link(preds, n.id)
            for e in ts.named_children:
                et = e.type
                if et != "comment":
                    n.ret = value_of(e, et)
                    self.expr_effects(n, e, et)
                    self.finish_calls(n)
                    if n.kind == "noreturn":
                        return []
                    n.kind = "return"
                    break
            n.succ.append((1, None))
            return []
        if t in _SKIPPED_STATEMENTS:
            return preds
        if t in ("preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif", "preproc_elifdef"):
            # Both sides of an #if are possible: a choice with no condition facts.
            j = self.new("join", ts, text="#if")
            self.link(preds, j.id)
            out = []
            cond, name = ts.child_by_field_id(_F_CONDITION), ts.child_by_field_id(_F_NAME)
            body = [c for c in ts.named_children
                    if c.type not in ("identifier", "preproc_defined", "binary_expression",
                                      "unary_expression", "parenthesized_expression", "call_expression",
                                      "number_literal", "preproc_else", "preproc_elif", "preproc_elifdef")
                    and c != cond and c != name]
            p = [(j.id, None)]
            for c in body:
                p = self.stmt(c, p)
            out.extend(p)
            alt = ts.child_by_field_id(_F_ALTERNATIVE)
            if alt is not None:
                out.extend(self.stmt(alt, [(j.id, None)]))
            else:
                out.append((j.id, None))
            return out
        if t in ("while_statement", "for_statement", "do_statement"):
            return self.loop(ts, preds)
        if t == "switch_statement":
            cond = ts.child_by_field_id(_F_CONDITION)
            s = self.new("switch", cond)
            self.link(preds, s.id)
            self.condition(s, cond, "switch")
            ctx = _LoopCtx(is_switch=True)
            self.ctx.append(ctx)
            body = ts.child_by_field_id(_F_BODY)
            fall: list = []
            has_default = False
            for child in (body.named_children if body is not None else []):
                if child.type == "case_statement":
                    value = child.child_by_field_id(_F_VALUE)
                    if value is None:
                        has_default = True
                    k = self.new("case", child, text=("case " + _short(_text(value))) if value is not None else "default")
                    self.link(fall, k.id)
                    self.link([(s.id, "case")], k.id)
                    fall = [(k.id, None)]
                    for sc in child.named_children:
                        if sc == value or sc.type == "comment":
                            continue
                        fall = self.stmt(sc, fall)
                else:
                    fall = self.stmt(child, fall)
            self.ctx.pop()
            out = fall + ctx.breaks
            if not has_default:
                out.append((s.id, False))
            # continue inside a switch belongs to the enclosing loop
            if ctx.continues:
                enclosing = next((c for c in reversed(self.ctx) if not c.is_switch), None)
                if enclosing is not None:
                    enclosing.continues.extend(ctx.continues)
            return out
        if t == "break_statement":
            n = self.simple("break", ts, preds)
            if self.ctx:
                self.ctx[-1].breaks.append((n.id, None))
            return []
        if t == "continue_statement":
            n = self.simple("continue", ts, preds)
            if self.ctx:
                self.ctx[-1].continues.append((n.id, None))
            return []
        if t == "goto_statement":
            n = self.simple("goto", ts, preds)
            label = ts.child_by_field_id(_F_LABEL)
            self.gotos.append((n.id, _text(label) if label is not None else ""))
            return []
        if t == "labeled_statement":
            label = ts.child_by_field_id(_F_LABEL)
            n = self.new("label", ts, text=(_text(label) + ":") if label is not None else "label:")
            self.link(preds, n.id)
            if label is not None:
                self.labels[_text(label)] = n.id
            out = [(n.id, None)]
            for c in ts.named_children:
                if c != label and c.type != "comment":
                    out = self.stmt(c, out)
            return out
        if t == "case_statement":  # a case outside a switch body we flattened: treat as label
            out = preds
            for c in ts.named_children:
                if c != ts.child_by_field_id(_F_VALUE):
                    out = self.stmt(c, out)
            return out
        if t == "attributed_statement":
            out = preds
            for c in ts.named_children:
                if c.type != "attribute_declaration":
                    out = self.stmt(c, out)
            return out
        if t == "ERROR":
            n = self.simple("expr", ts, preds, ts)
            return [(n.id, None)]
        # Anything else (asm, function definitions nested by macro accidents, ...)
        n = self.simple("expr", ts, preds, ts)
        return [(n.id, None)]

    def assertion(self, call: TSNode, preds: list) -> list:
        """A KUnit assertion (see ASSERTIONS): a cond node on what it checks, its
        False edge to a noreturn node (the test is aborted)."""
        name = _callee_name(call)
        c = self.simple("cond", call, preds, call)
        c.kind = "cond"
        arg = _call_args(call)[1]
        how = ASSERTIONS[name]
        if how == "not_err_or_null":
            atom = f"IS_ERR_OR_NULL({_norm(_text(arg))})"
            held, failed = frozenset({(atom, False)}), frozenset({(atom, True)})
        else:
            held, failed = cond_literals(arg)
            if how == "false":
                held, failed = failed, held
        c.true_lits, c.false_lits = held, failed
        abort = self.new("noreturn", call, text=f"{name}() failed: test aborted")
        self.link([(c.id, False)], abort.id)
        return [(c.id, True)]

    def loop(self, ts: TSNode, preds: list) -> list:
        t = ts.type
        ctx = _LoopCtx(is_switch=False)
        cond = ts.child_by_field_id(_F_CONDITION)
        body = ts.child_by_field_id(_F_BODY)
        if t == "for_statement":
            for init in ts.children_by_field_id(_F_INITIALIZER):
                if init.type == "declaration":
                    preds = self.stmt(init, preds)
                else:
                    n = self.simple("expr", init, preds, init)
                    preds = [(n.id, None)]
        forever = cond is None or _is_true_const(cond)
        never = cond is not None and _is_zero_text(_strip(cond))
        if t == "do_statement":
            head = self.new("loop", ts, text="do")
            self.link(preds, head.id)
            first = head.id
            self.ctx.append(ctx)
            out = self.stmt(body, [(head.id, None)]) if body is not None else [(head.id, None)]
            self.ctx.pop()
            c = self.new("cond", cond if cond is not None else ts)
            self.link(out + ctx.continues, c.id)
            if cond is not None:
                self.condition(c, cond)
            if not never:
                c.succ.append((head.id, True))
            exits = ([] if forever else [(c.id, False)]) + ctx.breaks
            tl = c.true_lits
            self.loops.append(LoopFact("do", c.id, c.line, c.column, c.text, tl,
                                       value_of(cond) if cond is not None else None, first, c.id))
            return exits
        head = self.new("cond" if not forever else "loop", cond if cond is not None else ts,
                        text=None if cond is not None else "for (;;)")
        self.link(preds, head.id)
        if cond is not None and not forever:
            self.condition(head, cond)
        self.ctx.append(ctx)
        out = self.stmt(body, [(head.id, True if not forever else None)]) if body is not None else [(head.id, True)]
        self.ctx.pop()
        back = out + ctx.continues
        update_ids = []
        for upd in ts.children_by_field_id(_F_UPDATE):
            n = self.simple("expr", upd, back, upd)
            back = [(n.id, None)]
            update_ids.append(n.id)
        self.link(back, head.id)
        exits = ([] if forever else [(head.id, False)]) + ctx.breaks
        self.loops.append(LoopFact(t.split("_")[0], head.id, head.line, head.column,
                                   head.text, head.true_lits,
                                   value_of(cond) if cond is not None else None,
                                   head.id, len(self.nodes) - 1, update_ids))
        return exits

    def finish(self) -> None:
        for nid, label in self.gotos:
            target = self.labels.get(label)
            if target is not None:
                self.nodes[nid].succ.append((target, None))
            else:
                self.nodes[nid].succ.append((1, None))  # unknown label: leave the function


def _is_true_const(cond: TSNode) -> bool:
    c = _strip(cond)
    return _text(c).strip() in ("1", "true")


def _params(fn: TSNode) -> tuple[list[str], str]:
    from .parse import declarator_name, field_ids
    f_decl, f_params, f_type = field_ids("declarator", "parameters", "type")
    top = decl = fn.child_by_field_id(f_decl)
    while decl is not None and decl.type != "function_declarator":
        decl = decl.child_by_field_id(f_decl)
    names = []
    if decl is not None:
        plist = decl.child_by_field_id(f_params)
        for p in (plist.named_children if plist is not None else []):
            if p.type == "parameter_declaration":
                name = declarator_name(p.child_by_field_id(f_decl))
                if name:
                    names.append(name)
    rtype = fn.child_by_field_id(f_type)
    ret = _text(rtype) if rtype is not None else "int"
    if top is not None and top.type == "pointer_declarator":
        ret += " *"
    return names, ret


def _build(node: TSNode, start_line: int, end_line: int, budget: int = DEFAULT_NODE_BUDGET,
           row0: int = 0, params: list[str] | None = None) -> tuple[_Builder, list[str], str | None]:
    """(builder, parameter names, return type) of a function_definition node. A
    lazy build passes the params its light facts read already: then the return
    type is None (not needed)."""
    b = _Builder(budget, row0)
    body = node.child_by_field_id(_F_BODY)
    rtype = None
    if params is None:
        params, rtype = _params(node)
    entry = b.nodes[0]
    entry.line, entry.column = start_line, 1
    entry.defs = [(p, ("param", p)) for p in params]
    out = b.stmt(body, [(0, None)])
    b.link(out, 1)  # falling off the end
    b.finish()
    b.nodes[1].line = end_line
    return b, params, rtype


def function_facts(fn, path: str, budget: int = DEFAULT_NODE_BUDGET) -> FunctionFacts:
    """Facts of one parsed FunctionNode (see errpath.parse), CFG built now. Raises BudgetExceeded."""
    b, params, rtype = _build(fn.node, fn.start_line, fn.end_line, budget)
    return FunctionFacts(
        name=fn.name, path=path, line=fn.start_line, end_line=fn.end_line, is_static=fn.is_static,
        params=params, return_type=" ".join(rtype.split()), nodes=b.nodes, loops=b.loops,
        labels=b.labels, text_tokens=_tokens_of(fn.node, _light_of(fn.node)[1]),
        call_names=tuple(sorted({c.name for n in b.nodes for c in n.calls if c.name})))


# ---------------------------------------------------------------------------
# lazy CFGs
#
# About 70% of the functions of a scan never have their CFG looked at: no rule's
# prefilter lets them in and no summary is asked of them. So a function's CFG is
# built on first use, from its own (normalised) text, re-parsed alone: tree-sitter
# gives the same subtree for a function definition parsed on its own (checked on
# every function of mm/ fs/iomap block/ io_uring/ of 6.12: 10,071 of 10,071 CFGs
# identical). That skips most of the building; a CFG built again costs about
# twice what unpickling a cached one did, but only the ~30% that are asked for
# pay it, and the cache holds source (10x smaller). The light facts (name,
# lines, parameters, tokens, call names) are read from the file's tree at once.

_SOURCE_TAG = b"S"   # payload = the function's source; a pickled CFG starts with b"\x80"
_SOURCE_HEAD = struct.Struct("<IIII")   # row, column, start line, end line
_LAZY_PARSER = None
_LIGHT_QUERY = None


def may_exceed_budget(text: bytes) -> bool:
    """True when a function is big or deep enough that building its CFG could
    go over a budget (statements, dataflow steps, nesting): such functions are
    built at once, so going over a budget is found and listed at analysis time.
    The dataflow cost is at most about 2.5 n^2 for n statements, definitions
    and conditions (measured: at most 0.82 n^2 on 19k functions of 6.12; the
    costliest there is 26k steps of a 500k budget)."""
    if len(text) < 122:   # 61 `&&`/`||` need 122 bytes; 399 for n, 244 for 61 `else`, 1501 for `(`
        return False
    # the six one-byte counts in one pass: the bytes left once they are deleted
    n = len(text) - len(text.translate(None, b";{:,=&")) + 2
    return (n > 400 or text.count(b"else") > 60 or text.count(b"&&") + text.count(b"||") > 60
            or text.count(b"(") > 1500)


# A pseudo-token (no identifier looks like it) in text_tokens: the function has a
# counter step, `x -= n`, `x += n` or `x = x - n`, on something a loop condition
# names (a counter: see the zero-step-loop rule), the only updates a loop rule can
# call a step. Functions without one never need their CFG for that rule.
STEP_TOKEN = "<step>"


_LIGHT_PATTERNS = """
    (call_expression function: (identifier) @f)
    (assignment_expression left: (_) @l operator: ["-=" "+="])
    (assignment_expression right: [(binary_expression) (parenthesized_expression) (cast_expression)]) @a
    (init_declarator value: [(binary_expression) (parenthesized_expression) (cast_expression)]) @a
    (while_statement condition: (_) @c)
    (for_statement condition: (_) @c)
    (do_statement condition: (_) @c)
    (for_statement !condition) @ever
    (while_statement condition: (parenthesized_expression [(number_literal) (true)] @one))
    ((assignment_expression left: (identifier) @h right: (call_expression arguments: (argument_list (identifier) @ha)))
     (#eq? @h @ha))"""
# the if conditions of a function with a `for (;;)` / `while (1)` loop (a second, rarer query)
_IF_PATTERNS = "(if_statement condition: (_) @i)"
_IF_QUERY = None

# `while ((bio = next_bio(bdev, &sector, &nr_sects)))`: a call in a loop condition
# handed the address of a variable may step it (progress made by the callee)
_ADDR_ARG = re.compile(r"[(,]&[A-Za-z_]")
_ASSIGNED_CALL = re.compile(r"^\(*[A-Za-z_]\w*=[A-Za-z_]\w*\([^&()]*\)\)*$")


def _light_of(node: TSNode) -> tuple[tuple, bool]:
    """(distinct identifiers the function calls, whether it has a counter step),
    from the tree by one query (in C). The call names are those the CFG's calls
    would name (at worst a superset: a call in an #if condition). The step test
    is a superset too: the stepped text appears in some loop condition's text:
    the left side of a `-=`/`+=` (@l), or of an `x = x - n` / `x = x + n` (@a,
    both x compared normalised, the right side through parentheses and casts).

    Nearly all of the cost is the query's walk of the tree (in C; about the same
    per function or once per file); captures() makes no dict per match."""
    global _LIGHT_QUERY
    from tree_sitter import QueryCursor
    if _LIGHT_QUERY is None:
        from tree_sitter import Query
        from .parse import c_language
        _LIGHT_QUERY = Query(c_language(), _LIGHT_PATTERNS)
    caps = QueryCursor(_LIGHT_QUERY).captures(node)
    names = {n.text for n in caps.get("f", ())}
    stepped = {_norm(_text(n)) for n in caps.get("l", ())}
    # `de = next_entry(de)`: a helper handed the cursor returns it advanced
    stepped.update(_text(n) for n in caps.get("h", ()))
    for a in caps.get("a", ()):
        # `x = x - n`, also through parentheses and casts (`rel = (void *)rel + n`),
        # as value_of sees it; a declaration too (`int x = x - n`, seen the same way)
        if a.type == "assignment_expression":
            target, value = a.child_by_field_id(_F_LEFT), a.child_by_field_id(_F_RIGHT)
            left = _norm(_text(target))
        else:
            from .parse import declarator_name
            target, value = a.child_by_field_id(_F_DECLARATOR), a.child_by_field_id(_F_VALUE)
            left = declarator_name(target) or _norm(_text(target)).lstrip("*")
        value = _strip(value)
        if value.type == "binary_expression" and value.child_by_field_id(_F_OPERATOR).type in ("-", "+"):
            if left == _norm(_text(_strip(value.child_by_field_id(_F_LEFT)))):
                stepped.add(left)
    step = False
    conds = [_norm(_text(n)) for n in caps.get("c", ())]
    if stepped:
        if caps.get("ever") or any(n.text in (b"1", b"true") for n in caps.get("one", ())):
            # `for (;;) { if (off >= end) break; ... off += len; }`: the exit test is an if
            global _IF_QUERY
            if _IF_QUERY is None:
                from tree_sitter import Query
                from .parse import c_language
                _IF_QUERY = Query(c_language(), _IF_PATTERNS)
            conds += [_norm(_text(n)) for n in QueryCursor(_IF_QUERY).captures(node).get("i", ())]
        step = any(v in c for v in stepped for c in conds)
    if not step and names:
        # `&x` handed to the call of a loop condition, or `while ((e = next(a, b)))`
        # with plain arguments (a cursor the loop may never advance)
        step = any(_ADDR_ARG.search(c) or _ASSIGNED_CALL.match(c) for c in conds)
        if not step and any(".len" in c or "->len" in c for c in conds):
            # `while (skb->len > 0) { ...; skb_pull(skb, n); }`: a callee consumes the length
            from .knowledge import name_list
            step = bool({n.decode("utf-8", "replace") for n in names} & name_list("consumers"))
    return tuple(sorted({b.decode("utf-8", "replace") for b in names})), step


# identifiers by bytes.translate + split (for ASCII text): every byte that is not
# [A-Za-z0-9_] becomes a space, and a word's leading digits are not part of its
# identifier (`0x10` -> `x10`, `1UL` -> `UL`, `32` -> none), as with _IDENT
_WORD_BYTES = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
_NON_WORD_TO_SPACE = bytes(c if c in _WORD_BYTES else 0x20 for c in range(256))
_DIGITS = b"0123456789"


def _token_tuple(text: bytes) -> tuple:
    """tuple(sorted(idents(text.decode("utf-8", "replace")))), faster for ASCII text
    (bytes sort as their ASCII strs do; a digit-led word sorts before b":")."""
    if not text.isascii():
        return tuple(sorted(idents(text.decode("utf-8", "replace"))))
    from bisect import bisect_left
    words = sorted(set(text.translate(_NON_WORD_TO_SPACE).split()))
    k = bisect_left(words, b":")
    if k:
        extra = {w.lstrip(_DIGITS) for w in words[:k]}
        extra.discard(b"")
        del words[:k]
        if extra:
            extra.update(words)
            words = sorted(extra)
    return tuple(b" ".join(words).decode().split())


def _tokens_of(node: TSNode, step: bool) -> frozenset:
    toks = idents(node.text.decode("utf-8", "replace"))
    return toks | {STEP_TOKEN} if step else toks


def lazy_function_facts(fn, path: str, text: bytes | None = None) -> FunctionFacts:
    """Facts of one parsed FunctionNode whose CFG is built on first use
    (`text`: its node's text, when the caller has it already)."""
    node = fn.node
    if text is None:
        text = node.text
    params, rtype = _params(node)
    row, col = node.start_point
    f = FunctionFacts.__new__(FunctionFacts)
    # what __setstate__ sets, without interning (done where the facts are loaded)
    f.name, f.path, f.line, f.end_line, f.is_static = fn.name, path, fn.start_line, fn.end_line, fn.is_static
    call_names, step = _light_of(node)
    f.params, f.return_type, f.call_names = params, " ".join(rtype.split()), call_names
    # "<step>" sorts before every identifier
    f._tokens = (STEP_TOKEN,) + _token_tuple(text) if step else _token_tuple(text)
    f._payload = _SOURCE_TAG + _SOURCE_HEAD.pack(row, col, fn.start_line, fn.end_line) + text
    f._spill = f._must = f._reach = None
    f._live = False
    return f


def _build_from_source(fn: FunctionFacts, payload: bytes) -> tuple:
    """(nodes, loops, labels) of a lazy function. Should its text not re-parse
    alone, or go over a budget after all (never seen), the CFG is entry -> exit:
    nothing to report, the same on every run."""
    global _LAZY_PARSER
    row, col, start_line, end_line = _SOURCE_HEAD.unpack_from(payload, 1)
    text = payload[1 + _SOURCE_HEAD.size:]
    if _LAZY_PARSER is None:
        from .parse import new_parser
        _LAZY_PARSER = new_parser()
    src = b" " * col + text
    root = _LAZY_PARSER.parse(src).root_node
    units = [c for c in root.named_children if c.type == "function_definition"]
    if len(units) == 1 and not units[0].has_error:
        # the tree's byte offsets are into src, prefix included
        _SOURCE.text = src.decode("ascii") if src.isascii() else None
        try:
            # The parameter names the light facts read (no second declarator walk),
            # as fresh strs: they may be interned, and an interned "id" or "node" is
            # the very str of a CfgNode field's name, which would change the pickle.
            params = [p.encode().decode() for p in fn.params]
            b, _, _ = _build(units[0], start_line, end_line, row0=row, params=params)
            return b.nodes, b.loops, b.labels
        except (BudgetExceeded, RecursionError):
            pass
        finally:
            _SOURCE.text = None
    entry = CfgNode(0, "entry", start_line, 1, "entry", defs=[(p, ("param", p)) for p in fn.params])
    entry.succ.append((1, None))
    return [entry, CfgNode(1, "exit", end_line, 0, "exit")], [], {}


# ---------------------------------------------------------------------------
# dataflow


def _rpo(facts: FunctionFacts) -> list[int]:
    seen, order = set(), []
    stack = [(0, iter(facts.nodes[0].succ))]
    seen.add(0)
    while stack:
        nid, it = stack[-1]
        for s, _ in it:
            if s not in seen:
                seen.add(s)
                stack.append((s, iter(facts.nodes[s].succ)))
                break
        else:
            stack.pop()
            order.append(nid)
    order.reverse()
    return order


_ATOM_IDENTS: dict[str, frozenset] = {}


def _atom_idents(atom: str) -> frozenset:
    r = _ATOM_IDENTS.get(atom)
    if r is None:
        if len(_ATOM_IDENTS) > 200000:
            _ATOM_IDENTS.clear()
        r = _ATOM_IDENTS[atom] = idents(atom)
    return r


def _kill(lits: frozenset, defs: list) -> frozenset:
    """Drop literals about a variable the node redefines: `n = f();` ends `n != 0`.
    Redefining `p` ends tests of `p->len`; redefining `p->len` leaves `p != NULL`."""
    if not defs or not lits:
        return lits
    plain = {v for v, _ in defs if _IDENT.fullmatch(v)}
    compound = [v for v, _ in defs if not _IDENT.fullmatch(v)]
    return frozenset(lit for lit in lits
                     if not (lit[0] in plain or (_atom_idents(lit[0]) & plain)
                             or any(v in lit[0] for v in compound)))


def _must_hold(facts: FunctionFacts) -> list:
    nodes = facts.nodes
    preds = facts.preds()
    order = _rpo(facts)
    IN: list = [None] * len(nodes)   # None = not reached yet (top)
    OUT: list = [None] * len(nodes)
    IN[0] = frozenset()
    changed = True
    rounds = 0
    while changed and rounds < 50:
        changed = False
        rounds += 1
        for nid in order:
            if nid != 0:
                acc = None
                for p, edge in preds[nid]:
                    o = OUT[p]
                    if o is None:
                        continue
                    if edge is True:
                        o = o | nodes[p].true_lits
                    elif edge is False:
                        o = o | nodes[p].false_lits
                    acc = o if acc is None else (acc & o)
                if acc == IN[nid]:
                    if OUT[nid] is not None:
                        continue
                IN[nid] = acc
            new_out = None if IN[nid] is None else _kill(IN[nid], nodes[nid].defs)
            if new_out != OUT[nid]:
                OUT[nid] = new_out
                changed = True
    return IN


def _unrefine(ids) -> frozenset:
    """Plain definition ids: a π entry stands for the (flat) ids it refines."""
    if all(isinstance(d, int) for d in ids):
        return ids if isinstance(ids, frozenset) else frozenset(ids)
    out = set()
    for d in ids:
        if isinstance(d, tuple):
            out |= d[2]
        else:
            out.add(d)
    return frozenset(out)


def _nonzero_vars(lits: frozenset) -> list[str]:
    """Plain variables that these branch literals prove nonzero."""
    out = []
    for atom, pol in lits:
        if pol and _IDENT.fullmatch(atom):
            out.append(atom)
        elif pol and (atom.endswith(">0") or atom.endswith("!=0")):
            v = atom.rsplit(">0", 1)[0] if atom.endswith(">0") else atom[:-3]
            if _IDENT.fullmatch(v):
                out.append(v)
    return out


def _reaching_defs(facts: FunctionFacts) -> list:
    nodes = facts.nodes
    preds = facts.preds()
    order = _rpo(facts)
    IN: list = [dict() for _ in nodes]
    OUT: list = [dict() for _ in nodes]

    def transfer(nid, inn):
        defs = nodes[nid].defs
        if not defs:
            return inn
        out = dict(inn)
        for v, _ in defs:
            out[v] = frozenset((nid,))
        return out

    OUT[0] = {p: frozenset((0,)) for p in facts.params}
    for v, _ in nodes[0].defs:
        OUT[0][v] = frozenset((0,))
    # a worklist in reverse postorder: a node is recomputed only when what flows
    # into it changed (one pass over an acyclic CFG, not a second one to confirm)
    rank = {nid: i for i, nid in enumerate(order)}
    work = [i for i, nid in enumerate(order) if nid != 0]
    queued = set(work)
    while work:
        i = heapq.heappop(work)
        queued.discard(i)
        nid = order[i]
        acc: dict = {}
        for p, edge in preds[nid]:
            out_p = OUT[p]
            if edge is True or edge is False:
                # π-definition: on this edge the branch proves some variables nonzero
                lits = nodes[p].true_lits if edge else nodes[p].false_lits
                for v in _nonzero_vars(lits):
                    if v in out_p:
                        out_p = dict(out_p)
                        # one level only: a π over the plain ids, so loops cannot nest them
                        out_p[v] = frozenset({("pi", p, _unrefine(out_p[v]))})
            for v, ds in out_p.items():
                cur = acc.get(v)
                acc[v] = ds if cur is None else (cur | ds)
        IN[nid] = acc
        o = transfer(nid, acc)
        if o != OUT[nid]:
            OUT[nid] = o
            for s, _ in nodes[nid].succ:
                j = rank.get(s)
                if j is not None and s != 0 and j not in queued:
                    queued.add(j)
                    heapq.heappush(work, j)
    return IN
