"""Inter-procedural summaries: what a function may return, under which NOWAIT
flag state, and whether it may sleep.

`build(index)` returns a `Summaries` object; rules reach it as `ctx.summaries`.
Nothing is computed up front: a summary is made when a rule (or `errpath
contracts`) asks for it, and then for the callees it needs, bottom-up over the
strongly connected components of the call graph (a recursive cycle is iterated
until its summaries stop changing). So `build` costs nothing, and a scan pays
only for the functions the rules look at.

What a summary says
-------------------
* **Outcomes** per *mode*: the values the function may return, as keys
  `(kind, detail, tag)`:
      ("errno", "ENOMEM", tag)    returns -ENOMEM
      ("errptr", "ENOMEM", tag)   returns ERR_PTR(-ENOMEM); detail "?" = unknown errno
      ("null", "", tag)           returns NULL
      ("zero", "", "")            returns 0
      ("int", "", "")             another known integer (a constant, a count)
      ("ptr", "", "")             a pointer known to be valid (not NULL, not ERR_PTR)
      ("nonnull", "", "")         not NULL, not known to be valid (may be ERR_PTR)
      ("noterr", "", "")          not an ERR_PTR, may be NULL (a field read)
      ("unknown", "", "")         unknown (a parameter, a callee outside the
                                  scope, a call through a function pointer)
  each with a *trail*: evidence steps `(path, line, function, note)`.
* **Modes.** A function that tests a NOWAIT flag (`iter->flags & IOMAP_NOWAIT`)
  or receives one it passes on (a *flag parameter*) is summarised twice: with
  the flag set ("set") and clear ("clear"); branches that contradict the mode
  are not taken, and `ret = nowait ? -EAGAIN : -ENOMEM` picks its side. Other
  functions have one mode, "any". A call passes a mode to its callee: the
  caller's own mode when it hands on its flag (`__iomap_get_folio(iter, ...)`),
  "set" when it builds a flag word with the bit (`fgp |= FGP_NOWAIT`), "clear"
  when the word has no such bit; otherwise both modes are possible.
* **Tags** say where a NULL or an -ENOMEM comes from: "nb" a failed allocation
  made non-blocking *by the NOWAIT flag* (GFP_NOWAIT chosen by it, or a mask
  whose __GFP_DIRECT_RECLAIM is dropped on the flag's branch), "flag" returned
  on a branch where the NOWAIT flag is tested set, "atomic" a non-blocking
  allocation whatever the flag (GFP_ATOMIC under a spinlock), "b" a failed
  blocking allocation, ("gfp", i) an allocation with the gfp_t of parameter i
  (resolved at each call), "" unknown.
* **Path sensitivity.** The variables a function's returns depend on, and that
  conditions test, are followed per path (up to a few path states per
  statement, merged when their kinds of values agree); a path on which a
  variable has no consistent value left is dropped. So
  `if (IS_ERR(s)) err = PTR_ERR(s); ... if (err) return NULL; return s;` does
  not return an ERR_PTR, and `IS_ERR(inode) ? NULL : inode` refines each side.
* **Guards.** An outcome returned only under a test of a parameter against a
  constant (`if (flags == KSM_GET_FOLIO_TRYLOCK) return ERR_PTR(-EBUSY)`) is
  dropped at a call whose argument contradicts it.
* **Stubs.** A trivial body (constant returns, warnings) in a header, or with an
  #ifdef twin elsewhere, is a configuration stub, not the contract.
* **May sleep**: a direct call to a sleeping function (data/sleeping_functions.txt),
  an allocation whose mask may reclaim, or a callee that may sleep.

Calls through function pointers are unknown and say so in the trail. Static
functions resolve to the caller's file first (errpath.facts.index).

Cost: nothing at `build`; questions rules ask first use the light facts (call
names, tokens) so that most CFGs are never decoded; what depends only on the
index (finished outcomes, flag parameters, callers) is shared by every chunk
view the engine makes of one index. Measured on Linux 6.12.117 mm/ fs/ (warm
cache, 2 jobs): the two rules that use summaries add about 30-40% CPU time to
a scan with the other rules.
"""
from __future__ import annotations

import re
import sys
from collections import OrderedDict

from .contracts import Contract
from .fninfo import FnInfo, _fn_info
from .formulas import _root, guard_refuted
from .outcomes import ERR_TESTS, FLAGGABLE, _ERR_MAKERS, _merge, _one, describe_key
from .shared import shared_for
from .sleep import MaySleep
from .valueflow import Flow
from ..facts.functions import FunctionFacts, has_token
from ..knowledge.tables import err_ptr_returners, nowait_flags, null_returners


# a function that tests IS_ERR() may hand the ERR_PTR it tested up (posix_acl.c's
# __get_acl(): `acl = inode->i_op->get_inode_acl(...); if (IS_ERR(acl)) ... return acl;`,
# an ERR_PTR from an ops call, with no ERR_PTR token of its own)
_PASSES_ERR = frozenset({"IS_ERR"})
_ERR_TESTS = frozenset(ERR_TESTS)
# `IS_ERR(name(...))`: a call's result tested directly
_TESTED_CALL = re.compile(r"\b(IS_ERR|IS_ERR_OR_NULL|PTR_ERR_OR_ZERO)\s*\(\s*([A-Za-z_]\w*)\s*\(")


def _text_of(g):
    """(text, line of each text line or None) of a function, from its source when
    the facts keep it, else from its CFG nodes."""
    src = g.source()
    if src is not None:
        return src.decode("utf-8", "replace"), None
    nodes = [x for x in g.nodes if x.kind != "entry"]
    return "\n".join(x.text for x in nodes), [x.line for x in nodes]


def _statement_end(text: str, pos: int) -> int:
    """The index after the `;` that ends the statement whose call opens at pos."""
    depth = 0
    for i in range(pos, len(text)):
        ch = text[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == ";" and depth <= 0:
            return i + 1
    return len(text)


_ANY_TEST = re.compile(r"\b(?:IS_ERR|IS_ERR_OR_NULL|PTR_ERR_OR_ZERO)\s*\(\s*(?:\([^()]*\)\s*)?([\w\s.>-]+?)\s*\)")
_LHS_BEFORE = re.compile(r"([A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*|\[[^\]\n]*\])*)\s*=\s*(?:\([^()]*\)\s*)?$")


def _expr_pattern(e: str) -> str:
    """A regex for the expression e (spaces removed), spaces allowed around -> and ."""
    return re.escape(e).replace(r"\-", "-").replace("->", r"\s*->\s*").replace(r"\.", r"\s*\.\s*")


def _result_uses(g, name: str | None = None) -> list:
    """(name, tested, line, test) for the `lhs = f(...)` of g's text: tested when an
    IS_ERR()-family test of lhs follows with no other value given to lhs in
    between (an `lhs = ERR_PTR(ret)` of the caller's own keeps it an ERR_PTR
    holder: rcar_thermal's enable failure), plus each `IS_ERR(f(...))`. With
    name, the calls of that function only; without, only the assignments to
    what g tests (the text is searched from its tests, not from every `=`)."""
    text, lines = _text_of(g)

    def line_at(pos):
        k = text.count("\n", 0, pos)
        return lines[min(k, len(lines) - 1)] if lines is not None else g.line + k
    out = []
    for m in _TESTED_CALL.finditer(text):
        if name is None or m.group(2) == name:
            out.append((m.group(2), True, line_at(m.start()), m.group(1)))
    sites = []   # (lhs without spaces, callee, where the call's `(` is)
    if name is None:
        for e in {re.sub(r"\s+", "", t.group(1)) for t in _ANY_TEST.finditer(text)}:
            if not re.fullmatch(r"[A-Za-z_][\w.>-]*", e):
                continue
            rx = re.compile(r"(?<![\w.>])%s\s*=(?!=)\s*(?:\([^()]*\)\s*)?([A-Za-z_]\w*)\s*\(" % _expr_pattern(e))
            sites += [(e, m.group(1), m.end() - 1) for m in rx.finditer(text)]
    else:
        for m in re.finditer(r"(?<![\w.>])%s\s*\(" % re.escape(name), text):
            lm = _LHS_BEFORE.search(text, max(0, m.start() - 200), m.start())
            if lm is not None and text[lm.start() - 1:lm.start()] not in ("=", "!", "<", ">"):
                sites.append((re.sub(r"\s+", "", lm.group(1)), name, m.end() - 1))
    for e, callee, paren in sites:
        lhs = _expr_pattern(e)
        after = _statement_end(text, paren)
        test = re.compile(r"\b(IS_ERR|IS_ERR_OR_NULL|PTR_ERR_OR_ZERO)\s*\(\s*(?:\([^()]*\)\s*)?(?<![\w.>])%s\s*\)"
                          % lhs).search(text, after)
        tested = test is not None
        if tested:
            for a in re.compile(r"(?<![\w.>])%s\s*=(?!=)\s*(\w*)" % lhs).finditer(text, after, test.start()):
                if a.group(1) not in ("ERR_PTR", "ERR_CAST"):
                    tested = False   # another value in between: the test is of that one
                    break
        out.append((callee, tested, line_at(test.start()) if tested else line_at(paren), test.group(1) if tested else ""))
    return out


def _tested_results(index) -> dict:
    """name -> ((path, line, function, test, or_null), ...): the IS_ERR()-family
    tests of a call's result in the index's functions (`x = f(...); ...
    IS_ERR(x)`, or `IS_ERR(f(...))`), found in the text of the functions that
    mention such a test, so no CFG is decoded. For callees with no definition in
    the analysis: how their callers test them says what they return."""
    out: dict = {}
    for g in index.all:
        if not has_token(g, _ERR_TESTS):
            continue
        for name, tested, line, test in _result_uses(g):
            if tested:
                out.setdefault(name, set()).add((g.path, line, g.name, test, test == "IS_ERR_OR_NULL"))
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _reaches(done: dict, start, is_source, next_of) -> bool:
    """Does start reach, through next_of(x), some x with is_source(x)? Breadth
    first; `done` (id -> bool) is shared by every question: "no" is stored for a
    closed set only (nothing it reaches is a source) and "yes" along the path
    found, so no answer depends on which question came first. (A depth-first
    walk that stored "no" for a function whose neighbour was still being asked,
    in a recursion, made it depend: a rule then skipped that function or not,
    depending on the order of its checks.)"""
    r = done.get(id(start))
    if r is not None:
        return r
    parent = {id(start): None}
    seen, level = [start], [start]
    while level:
        nxt = []
        for x in level:
            known = done.get(id(x))
            if known is False:
                continue
            if known or is_source(x):
                while x is not None:
                    done[id(x)] = True
                    x = parent[id(x)]
                return True
            for g in next_of(x):
                if id(g) not in parent:
                    parent[id(g)] = x
                    seen.append(g)
                    nxt.append(g)
        level = nxt
    for x in seen:
        done[id(x)] = False
    return False


class Summaries(MaySleep):
    MAX_STACK = 60
    FLOW_CACHE = 256

    def __init__(self, index):
        self.index = index
        # What depends only on the index content is shared by every Summaries of
        # the same function list (the engine gives each chunk of functions a fresh
        # view of one index): facts-derived info, finished outcomes, call graph.
        sh = shared_for(index)
        self._info: dict[int, FnInfo] = sh["info"]
        self._done: dict = sh["done"]
        self._guards: dict = sh["guards"]
        self._callers: dict = sh["callers"]
        self._sleep: dict = sh["sleep"]
        self._maybe_err: dict = sh["maybe_err"]
        self._near: dict = sh.setdefault("near", {})
        self._portable: frozenset = sh["portable"]   # see pair()
        self._tree = sh["tree"]
        self._sh = sh
        self._partial: dict = {}
        self._onstack: dict = {}
        self._stack: list = []
        self._low = 1 << 30
        self._flows: OrderedDict = OrderedDict()
        self._live: dict = {}
        self._epoch = 0
        self._epoch_of: dict = {}
        self._pending: list = []   # (key, flow) of cycle members left partial, in order
        self.stats = sh["stats"]

    def release(self) -> None:
        """Break the cycles of a chunk's summaries (flows point back here, the index
        view points here), so reference counting frees them at once: no full
        garbage collection over the whole index after every chunk."""
        self._flows.clear()
        self._partial.clear()
        self._onstack.clear()
        self._stack.clear()
        self._live.clear()
        self._epoch_of.clear()
        self._pending.clear()
        self.index = None

    @property
    def _flag_params(self):
        return self._sh.get("flag_params")

    @_flag_params.setter
    def _flag_params(self, v):
        self._sh["flag_params"] = v

    @property
    def _dups(self):
        return self._sh.get("dups")

    @_dups.setter
    def _dups(self, v):
        self._sh["dups"] = v

    # -- basics ------------------------------------------------------------------
    def info(self, fn: FunctionFacts) -> FnInfo:
        i = self._info.get(id(fn))
        if i is None:
            i = self._info[id(fn)] = _fn_info(fn)
        return i

    def resolve(self, name: str, from_path: str) -> FunctionFacts | None:
        """The index's resolution (own file's statics first), except that among
        several global definitions of a name the one nearest the caller wins:
        fs/hfsplus/ calls fs/hfsplus/bnode.c's hfs_bnode_find(), not fs/hfs/'s."""
        got = self.index.resolve(name, from_path)
        if got is None or got.path == from_path:
            return got
        cands = self.index.globals.get(name)
        if not cands or len(cands) < 2:
            return got
        key = (name, from_path.rsplit("/", 1)[0])
        best = self._near.get(key)
        if best is None:
            parts = from_path.split("/")[:-1]

            def shared(f):
                q = f.path.split("/")[:-1]
                n = 0
                while n < len(parts) and n < len(q) and parts[n] == q[n]:
                    n += 1
                return n
            best = self._near[key] = max(cands, key=lambda f: (shared(f), f is got))
        return best

    def callers(self, fn: FunctionFacts) -> list:
        """(caller facts, Call) for every call in the index that resolves to fn."""
        r = self._callers.get(id(fn))
        if r is None:   # only the CFGs of functions that name fn are decoded
            name = fn.name
            r = self._callers[id(fn)] = [
                (g, c) for g in self.index.functions_calling(name) if self.resolve(name, g.path) is fn
                for n in g.nodes for c in n.calls if c.name == name]
        return r

    # -- flag parameters (upward closure from the functions that test a flag) ----
    def _compute_flag_params(self) -> dict:
        fp: dict[int, dict] = {}
        work = []
        flags = nowait_flags()
        for f in self.index.all:
            if has_token(f, flags):
                lp = self.info(f).local_flag_params
                if lp:
                    fp[id(f)] = dict(lp)
                    work.append(f)
        while work:
            f = work.pop()
            params = fp[id(f)]
            for g, c in self.callers(f):
                for i, path in list(params.items()):
                    if i >= len(c.args):
                        continue
                    text = c.args[i]
                    r = _root(text)
                    if r is None or r not in g.params:
                        continue
                    rest = text[text.index(r) + len(r):] if not text.startswith("&") else None
                    if rest is None:
                        continue
                    gpath = rest + path if rest.startswith("->") or rest == "" else None
                    if gpath is None:
                        continue
                    gi = g.params.index(r)
                    cur = fp.setdefault(id(g), {})
                    if gi not in cur:
                        cur[gi] = gpath
                        work.append(g)
        return fp

    def flag_params(self, fn: FunctionFacts) -> dict:
        if self._flag_params is None:
            self._flag_params = self._compute_flag_params()
        return self._flag_params.get(id(fn), {})

    def flag_param_names(self, fn: FunctionFacts) -> frozenset:
        return frozenset(fn.params[i] for i in self.flag_params(fn) if i < len(fn.params))

    def has_modes(self, fn: FunctionFacts) -> bool:
        if self.flag_params(fn):
            return True
        return has_token(fn, nowait_flags()) and bool(self.info(fn).flag_atoms)

    def modes(self, fn: FunctionFacts) -> tuple:
        return ("set", "clear") if self.has_modes(fn) else ("any",)

    # -- outcomes (SCC fixpoint, on demand) ---------------------------------------
    def call_outcomes(self, callee: FunctionFacts, mode: str) -> dict:
        if not self.has_modes(callee):
            return self.outcomes(callee, "any")
        if mode in ("set", "clear"):
            return self.outcomes(callee, mode)
        out = dict(self.outcomes(callee, "clear"))
        for (kind, detail, tag), trail in self.outcomes(callee, "set").items():
            if tag in FLAGGABLE:
                tag = ""   # the caller's flag is not known to be set: not a NOWAIT path
            out.setdefault((kind, detail, tag), trail)
        return out

    def outcomes(self, fn: FunctionFacts, mode: str = "any") -> dict:
        if mode == "any" and self.has_modes(fn):
            return self.call_outcomes(fn, "unknown")
        if mode in ("set", "clear") and not self.has_modes(fn):
            mode = "any"
        key = (id(fn), mode) if id(fn) in self._portable else (id(fn), mode, self._tree)
        done = self._done.get(key)
        if done is not None:
            return done
        if key in self._onstack:
            self._low = min(self._low, self._onstack[key])
            return self._partial.get(key, {})
        seen = self._epoch_of.get(key)
        if seen is not None and seen[0] == self._epoch:
            # computed in this round of an enclosing cycle: reuse, keep the dependency
            self._low = min(self._low, seen[1])
            return self._partial.get(key, {})
        if len(self._stack) >= self.MAX_STACK:
            return _one("unknown", "", "", ((fn.path, fn.line, fn.name, "call chain too deep to follow"),))
        depth = len(self._stack)
        self._onstack[key] = depth
        self._stack.append(key)
        low_before = self._low
        mark = len(self._pending)
        rounds = 0
        while True:
            self._low = 1 << 30
            if rounds:
                self._epoch += 1
            flow = Flow(self, fn, mode)
            self.stats["flows"] += 1
            res = flow.outcomes()
            my_low = self._low
            if my_low == depth and rounds < 6 and set(res) != set(self._partial.get(key, ())):
                self._partial[key] = res
                rounds += 1
                continue
            break
        self._stack.pop()
        del self._onstack[key]
        if my_low >= depth:
            # the cycle rooted here is solved: its members' values from the last
            # round were computed against this final one, so they are final too
            # (newest first: a member computed in several rounds keeps its last flow)
            members = self._pending[mark:]
            del self._pending[mark:]
            for mkey, mflow in reversed(members):
                got = self._epoch_of.get(mkey)
                if got is None or got[0] != self._epoch or mkey in self._done:
                    continue
                self._finish(mkey, self._partial.pop(mkey), mflow)
                del self._epoch_of[mkey]
            self._finish(key, res, flow)
            self._partial.pop(key, None)
        else:
            self._partial[key] = res
            self._epoch_of[key] = (self._epoch, my_low)
            self._pending.append((key, flow))
        self._low = min(low_before, my_low)
        return res

    def _finish(self, key, res: dict, flow: "Flow") -> None:
        if flow.guards:
            self._guards[key] = flow.guards
        self._done[key] = res
        self._flows[key] = flow
        if len(self._flows) > self.FLOW_CACHE:
            self._flows.popitem(last=False)
        self.stats["functions"] += 1

    def prune_for_call(self, outs: dict, callee: FunctionFacts, call) -> dict:
        """Drop the outcomes whose every return is guarded by a test of a parameter
        that this call's constant argument contradicts (ksm_get_folio(..., LOCK)
        cannot take the TRYLOCK branch's ERR_PTR(-EBUSY))."""
        if call is None:
            return outs
        k = id(callee)
        guards = self._guards.get((k, "any") if k in self._portable else (k, "any", self._tree))
        if not guards:
            return outs
        macros = self.index.int_macros.get(callee.path)
        res = {}
        for k, t in outs.items():
            alts = guards.get(k)
            if alts and all(any(guard_refuted(l, callee, call, macros) for l in alt) for alt in alts):
                continue
            res[k] = t
        return res

    def flow(self, fn: FunctionFacts, mode: str) -> Flow:
        if mode in ("set", "clear") and not self.has_modes(fn):
            mode = "any"
        self.outcomes(fn, mode)
        key = (id(fn), mode) if id(fn) in self._portable else (id(fn), mode, self._tree)   # as outcomes() keeps it
        f = self._flows.get(key)
        if f is None:
            f = Flow(self, fn, mode)
            self._flows[key] = f
        return f

    # -- questions rules ask ---------------------------------------------------------
    def returns_of(self, name: str, from_path: str, call=None, caller=None) -> tuple[dict, FunctionFacts | None]:
        """Outcomes of a call to `name` from a file, all modes together, and the callee
        facts (None when the answer comes from kernel knowledge or is unknown)."""
        callee = self.resolve(name, from_path)
        defs = [d for d in self.duplicates(callee) if not self.is_stub(d)] if callee is not None else []
        if not defs:
            if name in err_ptr_returners():
                return {("ptr", "", ""): (), ("errptr", "?", ""): ((from_path, 0, name,
                                                                   f"{name}() returns ERR_PTR on failure (known API)"),)}, None
            if name in null_returners():
                return {("ptr", "", ""): (), ("null", "", ""): ((from_path, 0, name,
                                                                f"{name}() returns NULL on failure (known API)"),)}, None
            tested = self.err_ptr_tested(name, from_path)
            if tested:
                path, line, g, test, _ = tested[0]
                outs = {("ptr", "", ""): (), ("errptr", "?", ""): ((path, line, g, (
                    f"{name}() is not in the analysis, but {g}() tests its result with {test}() "
                    f"({len(tested)} such test{'s' if len(tested) > 1 else ''} in the analysed code)")),)}
                if any(t[4] for t in tested):
                    # IS_ERR_OR_NULL() may be only defensive (callers of __filemap_get_folio(),
                    # which never returns NULL): not a NULL, but not "never NULL" either
                    outs[("unknown", "", "")] = ()
                return outs, None
            return {}, None
        if callee not in defs:
            callee = defs[0]
        mode = "any"
        if call is not None and caller is not None and self.has_modes(callee):
            m = self.flow(caller, "set" if self.has_modes(caller) else "any").call_mode(call, callee)
            mode = m if m in ("set", "clear") else "any"
        outs: dict = {}
        for d in defs:
            _merge(outs, self.prune_for_call(self.outcomes(d, mode), d, call))
        return outs, callee

    def is_stub(self, fn: FunctionFacts) -> bool:
        """A configuration stub: a trivial body (constant returns, warnings) in a header,
        or with another definition of the name in the index (the #ifdef twin)."""
        info = self.info(fn)
        if info.stub:
            return True
        if not info.trivial:
            return False
        if len(self.duplicates(fn)) > 1:
            return True
        others = self.index.globals.get(fn.name, []) + self.index.header_statics.get(fn.name, [])
        return any(o is not fn for o in others)

    def duplicates(self, fn: FunctionFacts) -> list:
        """Every definition of fn's name in fn's file (#ifdef variants), fn included."""
        if self._dups is None:
            seen: dict = {}
            for f in self.index.all:
                seen.setdefault((f.path, f.name), []).append(f)
            self._dups = {k: v for k, v in seen.items() if len(v) > 1}
        return self._dups.get((fn.path, fn.name), [fn])

    def may_return_err_ptr(self, name: str, from_path: str) -> bool:
        """A cheap over-approximation, from the text alone: can a call to `name`
        return an ERR_PTR? (It mentions ERR_PTR/ERR_CAST, or returns what a callee
        that can returns.) False lets a rule skip the full summary."""
        callee = self.resolve(name, from_path)
        if callee is None:
            return name in err_ptr_returners() or bool(self.err_ptr_tested(name, from_path))
        # light facts only (stubs are sorted out by returns_of, when it matters)
        return name in err_ptr_returners() or any(self._may_err(f) for f in self.duplicates(callee)) \
            or bool(self.err_ptr_tested(name, from_path))

    def may_call_err_ptr(self, fn: FunctionFacts) -> bool:
        """From the light facts only (no CFG decoded): does fn call something that
        may return an ERR_PTR?"""
        return any(self._may_err_name(n, fn.path) for n in fn.call_names)

    def _may_err_name(self, name: str, from_path: str) -> bool:
        if name in err_ptr_returners():
            return True
        g = self.resolve(name, from_path)
        return g is not None and self._may_err(g) or bool(self.err_ptr_tested(name, from_path))

    def err_ptr_tested(self, name: str, from_path: str) -> tuple:
        """For a callee with no definition in the analysis and in no table: the
        IS_ERR()-family tests of its results in the analysed code, as (path, line,
        function, test, or_null) ((): none). A caller that tests a result with
        IS_ERR() says the callee returns ERR_PTRs (ptp_clock_register() outside a
        scan of drivers/net/ethernet/renesas/, whose rcar_gen4_ptp.c tests it)."""
        if name in err_ptr_returners() or name in null_returners():
            return ()
        table = self._sh.get("err_tested")
        if table is None:
            table = self._sh["err_tested"] = _tested_results(self.index)
        if name not in table or self._defined(name, from_path):
            return ()   # (the table first: _defined() may decode the callee's CFG)
        memo = self._sh.setdefault("err_tested_of", {})
        got = memo.get(name)
        if got is None:
            # (a caller whose own file defines the name called something else)
            tests = tuple(t for t in table[name] if not self._defined(name, t[0]))
            # the callers' consensus: at least as many results tested as kept untested, so a
            # macro (container_of(), rb_entry()) whose variable a later IS_ERR() happens to
            # test is not taken for an ERR_PTR returner
            untested = sum(1 for g in self.index.functions_calling(name) if not self._defined(name, g.path)
                           for n, tested, _, _ in _result_uses(g, name) if not tested)
            got = memo[name] = tests if len(tests) >= untested else ()
        return got

    def _defined(self, name: str, from_path: str) -> bool:
        """Does a call of name from the file resolve to a definition that is not a
        configuration stub (thermal.h's `{ return ERR_PTR(-ENODEV); }` twin)?"""
        g = self.resolve(name, from_path)
        return g is not None and any(not self.is_stub(d) for d in self.duplicates(g))

    def _may_err(self, fn: FunctionFacts) -> bool:
        """Light over-approximation (tokens, call names, return type): may fn
        return an ERR_PTR? It mentions ERR_PTR/ERR_CAST or tests IS_ERR(), or may pass on what a
        callee that may returns (through pointer-returning callees only: an int
        error becomes an ERR_PTR only through ERR_PTR/ERR_CAST, tokens)."""
        err_makers = err_ptr_returners()

        def makes_one(x):
            return "*" in x.return_type and (has_token(x, _ERR_MAKERS) or any(n in err_makers for n in x.call_names)
                                             or has_token(x, _PASSES_ERR))

        def passes_on(x):
            if "*" not in x.return_type:
                return ()
            callees = (self.resolve(n, x.path) for n in x.call_names)
            return [g for g in callees if g is not None and "*" in g.return_type]
        return _reaches(self._maybe_err, fn, makes_one, passes_on)

    def nowait_live(self, fn: FunctionFacts) -> bool:
        """Can the NOWAIT flag actually be set when fn runs? It tests or passes a
        NOWAIT flag itself, or a caller hands it one that is (or may be) set, any
        levels up."""
        def sets_it(x):
            return bool(self.info(x).own_tokens)

        def hands_it_set(x):
            out = []
            for g, c in self.callers(x):
                gm = "set" if self.has_modes(g) else "any"
                if self.flow(g, gm).call_mode(c, x) == "set":
                    out.append(g)
            return out
        return _reaches(self._live, fn, sets_it, hands_it_set)

    def contract(self, fn: FunctionFacts) -> Contract:
        outs, _ = self.returns_of(fn.name, fn.path) if self.resolve(fn.name, fn.path) is fn \
            else (self.outcomes(fn, "any"), fn)
        kinds = {k for k in outs}
        if "*" not in fn.return_type:
            # an int function "returns NULL" only through a pointer-typed callee or
            # macro: to its callers that is 0, never "may now return NULL"
            kinds = {("zero", "", k[2]) if k[0] == "null" else k for k in kinds}
        errnos = frozenset(d for kind, d, _ in kinds if kind in ("errno", "errptr") and d != "?")
        returns = sorted({describe_key(k) for k in kinds})
        nowait_enomem = nowait_eagain = None
        if self.has_modes(fn):
            so = self.outcomes(fn, "set")
            nowait_enomem = any(k[1] == "ENOMEM" and k[0] in ("errno", "errptr") and k[2] in FLAGGABLE for k in so)
            nowait_eagain = any(k[1] == "EAGAIN" and k[0] in ("errno", "errptr") for k in so)
        sleep, why = self.may_sleep(fn)
        return Contract(tuple(returns), errnos, any(k[0] == "null" for k in kinds),
                        any(k[0] == "errptr" for k in kinds), nowait_enomem, nowait_eagain, sleep, why)


def build(index) -> Summaries:
    """The summaries of an index (lazy: nothing is computed until asked)."""
    return Summaries(index)


if sys.getrecursionlimit() < 20000:
    sys.setrecursionlimit(20000)
