"""`errpath explain FUNCTION ERRNO`: every way FUNCTION can return -ERRNO.

People reach for the function-graph tracer or retsnoop to learn which of many
return sites produced an errno; this answers it from the source. For each
origin — a statement that produces the errno (`return -ENOMEM;`,
`ret = -ENOMEM;`, `return ERR_PTR(-ENOMEM);`) — it lists the call chain from
FUNCTION down to it and the conditions that hold there (the if-conditions
taken, from the facts' must-hold literals), in the caller at each call and at
the origin. Origins are ranked by chain length.

How values are followed: a returned variable through its reaching
definitions, `return g(...)` and `ret = g(...)` into g (resolved like the
rules resolve calls: the caller's file, then globals, then header inlines),
`PTR_ERR(p)` into the function that returned p, `c ? a : b` into both sides.
Calls whose body is outside the analysed paths, and calls through function
pointers, are listed as "not followed" when their result reaches the return.

FUNCTION may be a system call: the parse layer names a `SYSCALL_DEFINEn(name,
...)` function after the syscall, so `io_uring_setup` finds it; when a static
helper has the same name (io_uring has both), the syscall wrapper is the entry
and the helper is its first callee.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from ..facts.functions import FunctionFacts
from ..knowledge.errnos import ERRNO_NAMES


MAX_DEPTH = 10
MAX_ORIGINS = 500
MAX_CONDITIONS = 5          # at the origin
MAX_STEP_CONDITIONS = 3     # at each call on the way
_LVALUE = re.compile(r"[A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*)*")


# ---------------------------------------------------------------------------
# the analysis


@dataclass(frozen=True)
class Step:
    """One function on the way: where it is and the line of the call it makes
    (or, for the last step, of the origin)."""
    function: str
    path: str
    line: int
    statement: str

    def to_json(self) -> dict:
        return {"function": self.function, "path": self.path, "line": self.line, "statement": self.statement}


@dataclass(frozen=True)
class Condition:
    path: str
    line: int
    function: str
    condition: str

    def to_json(self) -> dict:
        return {"path": self.path, "line": self.line, "function": self.function, "condition": self.condition}


@dataclass
class Origin:
    path: str
    line: int
    function: str
    statement: str
    chain: list[Step] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)

    def key(self):
        return (len(self.chain), self.path, self.line, tuple(s.function for s in self.chain))

    def to_json(self) -> dict:
        return {"path": self.path, "line": self.line, "function": self.function, "statement": self.statement,
                "chain": [s.to_json() for s in self.chain],
                "conditions": [c.to_json() for c in self.conditions]}


@dataclass(frozen=True)
class Unfollowed:
    path: str
    line: int
    function: str
    callee: str
    chain: tuple

    def to_json(self) -> dict:
        return {"path": self.path, "line": self.line, "function": self.function, "callee": self.callee,
                "chain": [s.to_json() for s in self.chain]}


def source_span(source: str, atom: str) -> str:
    """The text of `atom` as the source spells it: atoms are compared with all
    whitespace removed (`(unsigned long)ctx` is `(unsignedlong)ctx`), which is
    right for matching and wrong to print. The first span of `source` (the
    condition's statement) that equals `atom` once whitespace is dropped, with its
    own spaces; the atom itself when there is none. Display only."""
    if not atom:
        return atom
    start = source.find(atom[0])
    while start != -1:
        i, j = start, 0
        while i < len(source) and j < len(atom):
            if source[i] == atom[j]:
                i, j = i + 1, j + 1
            elif source[i].isspace():
                i += 1
            else:
                break
        if j == len(atom):
            return " ".join(source[start:i].split())
        start = source.find(atom[0], start + 1)
    return atom


def literal_text(atom: str, polarity: bool) -> str:
    if polarity:
        return atom
    if atom.replace("->", "").replace(".", "").replace("_", "").isalnum():
        return f"!{atom}"
    return f"!({atom})"


class Explainer:
    """Origins of -ERRNO in a function, following callees through the index."""

    def __init__(self, index, errno: str):
        self.index = index
        self.errno = errno
        self.number = ERRNO_NAMES[errno]
        self._memo: dict = {}
        self._stack: set = set()
        self.unfollowed: list[Unfollowed] = []
        self._unfollowed_seen: set = set()

    # -- resolving calls -----------------------------------------------------
    def resolve(self, name: str, caller: FunctionFacts) -> FunctionFacts | None:
        if name == caller.name:
            # a syscall wrapper calling the static helper of the same name
            for f in self.index.all:
                if f.name == name and f.path == caller.path and f is not caller:
                    return f
            return None
        return self.index.resolve(name, caller.path)

    # -- conditions ----------------------------------------------------------
    def conditions(self, fn: FunctionFacts, node_id: int, keep: int = MAX_CONDITIONS) -> list[Condition]:
        """The if-conditions that hold on every path to the node, the most
        recent `keep` of them, each placed at the test that established it; a
        tested variable set from a call says so (`!ctx [ctx = alloc(p)]`)."""
        lits = fn.must_hold(node_id)
        if not lits:
            return []
        line_of = {}
        target = fn.nodes[node_id].line
        for n in fn.nodes:
            if n.kind != "cond" or n.line > target:
                continue
            for atom, _ in n.true_lits | n.false_lits:
                if n.line >= line_of.get(atom, (0,))[0]:
                    line_of[atom] = (n.line, n.id)
        out = []
        for atom, pol in lits:
            line, cid = line_of.get(atom, (fn.line, None))
            shown = atom if cid is None else source_span(fn.nodes[cid].text, atom)
            text = literal_text(shown, pol)
            if len(text) > 90:
                text = text[:89] + "…"
            if cid is not None and _LVALUE.fullmatch(atom):
                defs = fn.reaching(cid, atom)
                if len(defs) == 1 and defs[0][1][0] == "call" and defs[0][0]:
                    text += f"  [{fn.nodes[defs[0][0]].text.rstrip(';')}]"
            out.append(Condition(fn.path, line, fn.name, text))
        out.sort(key=lambda c: (c.line, c.condition))
        return out[-keep:]

    # -- origins -------------------------------------------------------------
    def origins(self, fn: FunctionFacts, depth: int = 0, ptr_ctx: bool = False) -> list[Origin]:
        """Origins relative to fn: chain starts with fn. ptr_ctx: fn's pointer
        result is read through PTR_ERR(), so a pointer it returns from a call it
        cannot follow may carry the errno."""
        ptr_ctx = ptr_ctx and fn.return_type.endswith("*")
        key = (fn.path, fn.name, fn.line, ptr_ctx)
        if key in self._memo:
            return self._memo[key]
        if key in self._stack or depth > MAX_DEPTH:
            return []
        self._stack.add(key)
        found: dict = {}
        for r in fn.returns():
            if r.ret is None:
                continue
            for o in self.value(fn, r.id, r.ret, depth, frozenset(), ptr_ctx):
                found.setdefault((o.path, o.line, tuple((s.function, s.line) for s in o.chain)), o)
                if len(found) >= MAX_ORIGINS:
                    break
        self._stack.discard(key)
        res = sorted(found.values(), key=Origin.key)
        self._memo[key] = res
        return res

    def _here(self, fn, node_id: int, statement: str) -> Origin:
        n = fn.nodes[node_id]
        return Origin(fn.path, n.line, fn.name, statement or n.text,
                      [Step(fn.name, fn.path, n.line, n.text)], self.conditions(fn, node_id))

    def _is_ours(self, v) -> bool:
        return (v[0] == "errno" and v[1] == self.errno) or (v[0] == "int" and v[1] == -self.number)

    def value(self, fn, node_id: int, v, depth: int, seen: frozenset, ptr_ctx: bool = False) -> list[Origin]:
        k = v[0]
        if self._is_ours(v):
            return [self._here(fn, node_id, "")]
        if k in ("errptr", "errcast"):
            return self.value(fn, node_id, v[1], depth, seen)
        if k == "ptrerr":
            inner = v[1]
            if inner[0] == "var":
                return self.var(fn, node_id, inner[1], depth, seen, via_ptrerr=True)
            if inner[0] == "call":
                return self.call(fn, node_id, inner, depth, via_ptrerr=True)
            return []
        if k == "var":
            return self.var(fn, node_id, v[1], depth, seen, via_ptrerr=ptr_ctx)
        if k == "call":
            return self.call(fn, node_id, v, depth, via_ptrerr=ptr_ctx)
        if k == "cond":
            return (self.value(fn, node_id, v[2], depth, seen, ptr_ctx)
                    + self.value(fn, node_id, v[3], depth, seen, ptr_ctx))
        if k == "minmax" or (k == "bin" and v[1] in ("?:",)):
            return [o for a in v[2] for o in self.value(fn, node_id, a, depth, seen)] if k == "minmax" else []
        return []

    def var(self, fn, node_id: int, name: str, depth: int, seen: frozenset,
            via_ptrerr: bool = False) -> list[Origin]:
        if (name, node_id) in seen:
            return []
        seen = seen | {(name, node_id)}
        out = []
        for d, dv in fn.reaching(node_id, name):
            if d == 0 or dv[0] in ("param", "uninit", "unknown"):
                continue
            if via_ptrerr and dv[0] == "call":
                out.extend(self.call(fn, d, dv, depth, via_ptrerr=True))
            else:
                out.extend(self.value(fn, d, dv, depth, seen, via_ptrerr))
        return out

    def call(self, fn, node_id: int, v, depth: int, via_ptrerr: bool = False) -> list[Origin]:
        name = v[1]
        node = fn.nodes[node_id]
        if name is None:
            self._unfollow(fn, node, v[3] + "()", depth, via_ptrerr)
            return []
        if name in ("ERR_PTR", "PTR_ERR", "ERR_CAST"):
            return []
        callee = self.resolve(name, fn)
        if callee is None:
            self._unfollow(fn, node, name + "()", depth, via_ptrerr, name)
            return []
        inner = self.origins(callee, depth + 1, via_ptrerr)
        if not inner:
            return []
        here = Step(fn.name, fn.path, node.line, node.text)
        conds = self.conditions(fn, node_id, MAX_STEP_CONDITIONS)
        return [Origin(o.path, o.line, o.function, o.statement, [here] + o.chain, conds + o.conditions)
                for o in inner]

    def _unfollow(self, fn, node, callee: str, depth: int, via_ptrerr: bool = False, name: str = "") -> None:
        """Record a call whose result reaches a return but whose body is not
        here — when it can carry an errno: not an allocator (NULL on failure),
        and for a pointer, only through PTR_ERR() or a known ERR_PTR API."""
        if name:
            from ..knowledge.tables import allocator
            if allocator(name) is not None:
                return
        if fn.return_type.endswith("*") and not via_ptrerr and name not in _err_ptr_apis():
            return
        key = (fn.path, node.line, callee)
        if key not in self._unfollowed_seen and depth <= MAX_DEPTH:
            self._unfollowed_seen.add(key)
            self.unfollowed.append(Unfollowed(fn.path, node.line, fn.name, callee, ()))


def _err_ptr_apis() -> frozenset:
    try:
        from ..knowledge.tables import err_ptr_returners
        return err_ptr_returners()
    except Exception:  # the list is optional knowledge
        return frozenset()


def pick_function(index, name: str) -> FunctionFacts | None:
    """The function the user means: in the analysed paths, and when a syscall
    wrapper and a static helper share the name, the wrapper (it calls the
    helper)."""
    cands = [f for f in index.all if f.name == name]
    if not cands:
        return None
    in_scope = [f for f in cands if index.in_scope is None or f.path in index.in_scope] or cands

    def score(f):
        calls_same = any(c.name == name for c in f.calls())
        return (not calls_same, f.is_static, f.path.endswith(".h"), f.path, f.line)
    return sorted(in_scope, key=score)[0]


def is_syscall(fn: FunctionFacts) -> bool:
    from ..knowledge import table
    return not fn.is_static and fn.name in table("syscalls")


@dataclass
class Explanation:
    function: str
    errno: str
    entry: FunctionFacts
    origins: list[Origin]
    unfollowed: list[Unfollowed]
    stats: dict

    def to_json(self) -> dict:
        origins = [o.to_json() for o in self.origins]
        if is_syscall(self.entry):
            # mark the places inside the system call (a static helper may share its name)
            for o in origins:
                for d in [o] + o["chain"] + o["conditions"]:
                    d["syscall"] = in_syscall(self, d["function"], d["path"], d["line"])
        return {"function": self.function, "errno": self.errno,
                "entry": {"path": self.entry.path, "line": self.entry.line,
                          "syscall": is_syscall(self.entry)},
                "origins": origins,
                "not_followed": [u.to_json() for u in self.unfollowed],
                "stats": self.stats}


def explain(index, function: str, errno: str) -> Explanation:
    fn = pick_function(index, function)
    if fn is None:
        raise LookupError(function)
    ex = Explainer(index, errno)
    t0 = time.monotonic()
    origins = ex.origins(fn)
    # chains are relative to fn; call sites that reached an unfollowed callee
    # are recorded as they were met
    return Explanation(function, errno, fn, origins, ex.unfollowed,
                       {"origins": len(origins), "seconds_analysis": round(time.monotonic() - t0, 3)})


# ---------------------------------------------------------------------------
# output


def in_syscall(e: Explanation, function: str, path: str, line: int) -> bool:
    """Whether a place named `function` is inside the entry when the entry is a
    system call: SYSCALL_DEFINE2(io_uring_setup, ...) and the static helper
    io_uring_setup() it calls share a name, and the output must tell them apart."""
    en = e.entry
    return (is_syscall(en) and function == en.name and path == en.path
            and en.line <= line <= (en.end_line or en.line))
