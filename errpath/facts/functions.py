"""FunctionFacts: one function's facts and its lazy CFG (built from the stored
source on first use, evicted by DecodedLimit, spilled to disk), the light
token pass that decides which rules need a CFG at all, and has_token."""
from __future__ import annotations

import os
import pickle
import re
import struct
import sys
import tempfile
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Iterable
from tree_sitter import Node as TSNode

from .cfg import _build, _params
from .dataflow import _must_hold, _reaching_defs, _unrefine
from .nodes import BudgetExceeded, Call, CfgNode, DEFAULT_NODE_BUDGET, LoopFact
from .syntax import (Value, _F_DECLARATOR, _F_LEFT, _F_OPERATOR, _F_RIGHT, _F_VALUE, _SOURCE, norm_atom, strip_node,
    node_text, idents)


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

    def reachable(self, starts=(0,), blocked=frozenset(), follow=None, backward=False) -> set[int]:
        """The node ids reachable from starts (the entry by default), starts included:
        never entering a blocked node, and taking an edge only when follow(tail, edge)
        says so (every edge when follow is None), tail being the node the edge leaves.
        With backward=True the walk goes against the edges: the nodes from which
        starts can be reached."""
        seen = {s for s in starts if s not in blocked}
        stack = list(seen)
        if backward:
            preds = self.preds()
            while stack:
                for p, edge in preds[stack.pop()]:
                    if p not in seen and p not in blocked and (follow is None or follow(self.nodes[p], edge)):
                        seen.add(p)
                        stack.append(p)
            return seen
        while stack:
            node = self.nodes[stack.pop()]
            for s, edge in node.succ:
                if s not in seen and s not in blocked and (follow is None or follow(node, edge)):
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
        return (norm_atom(atom), polarity) in self.must_hold(node_id)

    def reaching(self, node_id: int, var: str, refined: bool = False) -> list[tuple[int, Value]]:
        """(def node id, value) of every definition of var that may reach the node.
        Node id 0 with ("param", var) or ("uninit", var) means the entry value.

        With refined=True, a definition that reaches only through a branch proving
        var nonzero (`if (!n) ...; else <here>`) comes back as ("nonzero", var)."""
        if self._reach is None:
            self._reach = _reaching_defs(self)
        var = norm_atom(var)
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


def function_facts(fn, path: str, budget: int = DEFAULT_NODE_BUDGET) -> FunctionFacts:
    """Facts of one parsed FunctionNode (see errpath.frontend.parse), CFG built now. Raises BudgetExceeded."""
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
     (#eq? @h @ha))
    (assignment_expression left: (identifier) @cl right: (identifier) @cr)
    (call_expression arguments: (argument_list (pointer_expression operator: "&" argument: (identifier) @ad)))"""
# the if conditions of a function with a `for (;;)` / `while (1)` loop (a second, rarer query)
_IF_PATTERNS = "(if_statement condition: (_) @i)"
_IF_QUERY = None

# `while ((bio = next_bio(bdev, &sector, &nr_sects)))`: a call in a loop condition
# handed the address of a variable may step it (progress made by the callee)
_ADDR_ARG = re.compile(r"[(,]&[A-Za-z_]")
_ASSIGNED_CALL = re.compile(r"^\(*[A-Za-z_]\w*=[A-Za-z_]\w*\([^&()]*\)\)*$")


def _if_conds(node: TSNode) -> list:
    global _IF_QUERY
    from tree_sitter import QueryCursor
    if _IF_QUERY is None:
        from tree_sitter import Query
        from ..frontend.parse import c_language
        _IF_QUERY = Query(c_language(), _IF_PATTERNS)
    return [norm_atom(node_text(n)) for n in QueryCursor(_IF_QUERY).captures(node).get("i", ())]


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
        from ..frontend.parse import c_language
        _LIGHT_QUERY = Query(c_language(), _LIGHT_PATTERNS)
    caps = QueryCursor(_LIGHT_QUERY).captures(node)
    names = {n.text for n in caps.get("f", ())}
    stepped = {norm_atom(node_text(n)) for n in caps.get("l", ())}
    # `de = next_entry(de)`: a helper handed the cursor returns it advanced
    stepped.update(node_text(n) for n in caps.get("h", ()))
    derived: dict[str, set] = {}
    for a in caps.get("a", ()):
        # `x = x - n`, also through parentheses and casts (`rel = (void *)rel + n`),
        # as value_of sees it; a declaration too (`int x = x - n`, seen the same way)
        if a.type == "assignment_expression":
            target, value = a.child_by_field_id(_F_LEFT), a.child_by_field_id(_F_RIGHT)
            left = norm_atom(node_text(target))
        else:
            from ..frontend.parse import declarator_name
            target, value = a.child_by_field_id(_F_DECLARATOR), a.child_by_field_id(_F_VALUE)
            left = declarator_name(target) or norm_atom(node_text(target)).lstrip("*")
        value = strip_node(value)
        if value.type == "binary_expression" and value.child_by_field_id(_F_OPERATOR).type in ("-", "+"):
            operand = norm_atom(node_text(strip_node(value.child_by_field_id(_F_LEFT))))
            if left == operand:
                stepped.add(left)
            else:
                derived.setdefault(left, set()).add(operand)
    # `next = (void *)cur + cur->len; ...; cur = next;`: the cursor stepped through a local
    for lhs, rhs in zip(caps.get("cl", ()), caps.get("cr", ())):
        if node_text(lhs) in derived.get(node_text(rhs), ()):
            stepped.add(node_text(lhs))
    step = forever = False
    conds = [norm_atom(node_text(n)) for n in caps.get("c", ())]
    if stepped:
        if caps.get("ever") or any(n.text in (b"1", b"true") for n in caps.get("one", ())):
            # `for (;;) { if (off >= end) break; ... off += len; }`: the exit test is an if
            conds += _if_conds(node)
            forever = True
        step = any(v in c for v in stepped for c in conds)
    if not step and caps.get("ad"):
        # `parse_one(buf, &off)` in a loop on off: the callee may step it (an identifier of
        # a loop test, not a substring: `&ret` is handed to many calls)
        addr = {node_text(n) for n in caps["ad"]}
        if not forever and (caps.get("ever") or any(n.text in (b"1", b"true") for n in caps.get("one", ()))):
            conds = conds + _if_conds(node)
        step = any(addr & set(idents(c)) for c in conds)
    if not step and names:
        # `&x` handed to the call of a loop condition, or `while ((e = next(a, b)))`
        # with plain arguments (a cursor the loop may never advance)
        step = any(_ADDR_ARG.search(c) or _ASSIGNED_CALL.match(c) for c in conds)
        if not step and any(".len" in c or "->len" in c for c in conds):
            # `while (skb->len > 0) { ...; skb_pull(skb, n); }`: a callee consumes the length
            from ..knowledge import name_list
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
        from ..frontend.parse import new_parser
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


def has_token(fn: FunctionFacts, names: frozenset) -> bool:
    """Does fn mention one of the names? (Reads the light token tuple when the facts
    keep one, so no token set is decoded just to say no.)"""
    toks = getattr(fn, "_tokens", None)
    if toks is not None:
        return not names.isdisjoint(toks)
    return not names.isdisjoint(fn.text_tokens)
