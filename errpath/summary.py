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
functions resolve to the caller's file first (errpath.index).

Cost: nothing at `build`; questions rules ask first use the light facts (call
names, tokens) so that most CFGs are never decoded; what depends only on the
index (finished outcomes, flag parameters, callers) is shared by every chunk
view the engine makes of one index. Measured on Linux 6.12.117 mm/ fs/ (warm
cache, 2 jobs): the two rules that use summaries add about 30-40% CPU time to
a scan with the other rules.
"""
from __future__ import annotations

import heapq
import re
import sys
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from .facts import FunctionFacts, _int_value, _is_zero_text, _norm, _strip, _text
from .parse import new_parser

# ---------------------------------------------------------------------------
# kernel knowledge (errpath/data/*.txt)


@lru_cache(maxsize=None)
def _rows(name: str) -> tuple[tuple[str, ...], ...]:
    text = resources.files("errpath").joinpath(f"data/{name}.txt").read_text()
    return tuple(tuple(line.split()) for line in text.splitlines()
                 if line.strip() and not line.lstrip().startswith("#"))


@lru_cache(maxsize=None)
def pointer_predicates() -> dict[str, int]:
    """name -> index of the argument that is a valid pointer when the call is true."""
    return {r[0]: int(r[1]) for r in _rows("pointer_predicates")}


@lru_cache(maxsize=None)
def err_ptr_dereferencers() -> dict[str, int]:
    """name -> index of a pointer argument it dereferences with no IS_ERR() check."""
    return {r[0]: int(r[1]) for r in _rows("err_ptr_dereferencers")}


@lru_cache(maxsize=None)
def nowait_flags() -> frozenset[str]:
    return frozenset(r[0] for r in _rows("nowait_flags"))


@lru_cache(maxsize=None)
def gfp_reclaim() -> dict[str, bool]:
    """Mask name -> does it include __GFP_DIRECT_RECLAIM (may the allocation sleep)?
    Composite masks from data/gfp_flags.txt; a plain __GFP_* bit stands for itself."""
    out = {}
    for row in _rows("gfp_flags"):
        bits = row[1:]
        out[row[0]] = "__GFP_DIRECT_RECLAIM" in bits
    out["__GFP_DIRECT_RECLAIM"] = True
    return out


def mask_reclaims(name: str) -> bool | None:
    r = gfp_reclaim().get(name)
    if r is None and name.startswith("__GFP_"):
        return False
    return r


@lru_cache(maxsize=None)
def _allocator_table() -> dict[str, tuple[int, str]]:
    """data/allocators.txt: name gfp cache null -> (gfp index or -1, "null"/"other")."""
    out = {}
    for row in _rows("allocators") + _rows("page_cache_allocators"):
        if len(row) < 4:
            continue
        gfp = -1 if row[1] in ("none", "-") else int(row[1])
        out[row[0]] = (gfp, "null" if row[3] == "yes" else "other")
    return out


class _Allocators(dict):
    """Allocator lookup that also knows the *_noprof and __ spellings."""

    _memo: dict = {}

    def get(self, name, default=None):
        if not name:
            return default
        memo = _Allocators._memo
        if name in memo:
            r = memo[name]
            return default if r is None else r
        t = _allocator_table()
        r = None
        for cand in (name, name.removesuffix("_noprof"), name.lstrip("_"),
                     name.removesuffix("_noprof").lstrip("_")):
            r = t.get(cand)
            if r is not None:
                break
        memo[name] = r
        return default if r is None else r

    def __contains__(self, name):
        return self.get(name) is not None

    def __getitem__(self, name):
        r = self.get(name)
        if r is None:
            raise KeyError(name)
        return r

    def __iter__(self):
        return iter(_allocator_table())


_ALLOCATORS = _Allocators()


def allocators() -> _Allocators:
    return _ALLOCATORS


@lru_cache(maxsize=None)
def _sleepers() -> tuple[frozenset[str], tuple[str, ...]]:
    names = [r[0] for r in _rows("sleeping_functions")] + [r[0] for r in _rows("may_sleep_prefixes")]
    return (frozenset(n for n in names if not n.endswith("*")),
            tuple(n[:-1] for n in names if n.endswith("*")))


def is_sleeping_call(name: str) -> bool:
    exact, prefixes = _sleepers()
    return name in exact or name.startswith(prefixes)


@lru_cache(maxsize=None)
def err_ptr_returners() -> frozenset[str]:
    return frozenset(r[0] for r in _rows("err_ptr_returners"))


@lru_cache(maxsize=None)
def null_returners() -> frozenset[str]:
    return frozenset(r[0] for r in _rows("null_returners")) | frozenset(
        name for name, (_, fail) in _allocator_table().items() if fail == "null")


ERR_TESTS = ("IS_ERR", "IS_ERR_OR_NULL", "PTR_ERR_OR_ZERO", "IS_ERR_VALUE")
_ERR_MAKERS = frozenset({"ERR_PTR", "ERR_CAST", "ERR_PTR_PCPU"})
# calls a configuration stub may make besides returning a constant (x86's
# resctrl_arch_mon_ctx_alloc() is `might_sleep(); return NULL;`)
_STUB_CALLS = ("WARN", "pr_", "printk", "dump_stack", "BUG", "unlikely", "likely", "ERR_PTR", "ERR_CAST",
               "might_sleep", "might_fault", "might_lock", "__might_sleep", "lockdep_assert")
FLAGGABLE = ("flag", "nb")
_TAG_RANK = {"nb": 5, "flag": 4, "b": 2, "atomic": 1, "": 0}   # nb first: the allocation is the stronger evidence


def _tag_rank(t) -> int:
    if isinstance(t, tuple):
        return 3
    return _TAG_RANK.get(t, 0)


# ---------------------------------------------------------------------------
# conditions as formulas: ("atom", text) / ("not", f) / ("and", a, b) / ("or", a, b)

_PARSER = None
_FORMULAS: dict[str, object] = {}


def _formula_of(node) -> tuple:
    node = _strip(node)
    t = node.type
    if t == "unary_expression" and node.child_by_field_name("operator").type == "!":
        return ("not", _formula_of(node.child_by_field_name("argument")))
    if t == "binary_expression":
        op = node.child_by_field_name("operator").type
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op in ("&&", "||"):
            return ("and" if op == "&&" else "or", _formula_of(left), _formula_of(right))
        if op in ("==", "!="):
            other = right if _is_zero_text(left) else (left if _is_zero_text(right) else None)
            if other is not None:
                f = _formula_of(other)
                return ("not", f) if op == "==" else f
    return ("atom", _norm(_text(node)))


def condition_formula(text: str):
    """The formula of a condition's source text (None when it cannot be read)."""
    global _PARSER
    if text.endswith("…"):
        return None
    f = _FORMULAS.get(text)
    if f is None and text not in _FORMULAS:
        if _PARSER is None:
            _PARSER = new_parser()
        src = f"void __f(void){{if(({text}));}}".encode()
        tree = _PARSER.parse(src)
        f = None
        if not tree.root_node.has_error:
            stack = [tree.root_node]
            while stack:
                n = stack.pop()
                if n.type == "if_statement":
                    f = _formula_of(n.child_by_field_name("condition"))
                    break
                stack.extend(n.named_children)
        if len(_FORMULAS) > 50000:
            _FORMULAS.clear()
        _FORMULAS[text] = f
    return f


def _simplify(f, assign):
    """Fold the formula with atoms of known value (assign: atom -> bool)."""
    k = f[0]
    if k == "atom":
        v = assign(f[1])
        return f if v is None else v
    if k == "not":
        a = _simplify(f[1], assign)
        return (not a) if isinstance(a, bool) else ("not", a)
    a, b = _simplify(f[1], assign), _simplify(f[2], assign)
    if k == "and":
        if a is False or b is False:
            return False
        if a is True:
            return b
        if b is True:
            return a
        return ("and", a, b)
    if a is True or b is True:
        return True
    if a is False:
        return b
    if b is False:
        return a
    return ("or", a, b)


def _implied(f, truth: bool) -> frozenset:
    """Literals that hold when the (simplified, non-constant) formula has `truth`."""
    k = f[0]
    if k == "atom":
        return frozenset({(f[1], truth)})
    if k == "not":
        return _implied(f[1], not truth)
    a, b = _implied(f[1], truth), _implied(f[2], truth)
    if (k == "and") == truth:
        return a | b
    return a & b


# ---------------------------------------------------------------------------
# reading atoms

_VARLIKE = re.compile(r"[A-Za-z_][\w]*(?:(?:->|\.)[A-Za-z_]\w*)*")
_ERR_TEST = re.compile(r"(IS_ERR_OR_NULL|IS_ERR|PTR_ERR_OR_ZERO)\((.+)\)")
_CMP_ERRNO = re.compile(r"(.+?)(==|!=)-([A-Z][A-Z0-9]+)")
_CMP_ERRPTR = re.compile(r"(.+?)(==|!=)ERR_PTR\(-([A-Z][A-Z0-9]+)\)")
_PTR_ERR = re.compile(r"PTR_ERR\((.+)\)")
_PREDICATE_CALL = re.compile(r"(\w+)\(([^()]*)\)")
_CMP_ZERO = re.compile(r"(.+?)(<|>=|>|<=)0")
_ASSIGN = re.compile(r"([A-Za-z_][\w.>-]*?)=(?!=)(.+)")
_ROOT = re.compile(r"[&*(\s]*([A-Za-z_]\w*)")


def _root(text: str) -> str | None:
    m = _ROOT.match(text)
    return m.group(1) if m else None


@lru_cache(maxsize=100000)
def atom_constraints(atom: str) -> tuple:
    """((var, constraint if true, constraint if false), ...) an atom puts on variables.
    Constraints: nz z err ne eon nnne neg nneg ('eq', E) ('neq', E)."""
    m = _ERR_TEST.fullmatch(atom)
    if m:
        inner = m.group(2)
        a = _ASSIGN.fullmatch(inner)
        var = a.group(1) if a else inner
        if not _VARLIKE.fullmatch(var):
            return ()
        if m.group(1) == "IS_ERR_OR_NULL":
            return ((var, "eon", "nnne"),)
        return ((var, "err", "ne"),)
    if _VARLIKE.fullmatch(atom):
        return ((atom, "nz", "z"),)
    a = _ASSIGN.fullmatch(atom)
    if a and _VARLIKE.fullmatch(a.group(1)):
        return ((a.group(1), "nz", "z"),)
    m = _CMP_ERRPTR.fullmatch(atom)
    if m and not _VARLIKE.fullmatch(m.group(1)):
        a = _ASSIGN.fullmatch(m.group(1).strip("()"))
        if a and _VARLIKE.fullmatch(a.group(1)):
            e = m.group(3)
            return ((a.group(1), ("eqp", e), ("neqp", e)) if m.group(2) == "==" else
                    (a.group(1), ("neqp", e), ("eqp", e)),)
    if m and _VARLIKE.fullmatch(m.group(1)):
        e = m.group(3)
        return ((m.group(1), ("eqp", e), ("neqp", e)) if m.group(2) == "==" else
                (m.group(1), ("neqp", e), ("eqp", e)),)
    m = _CMP_ERRNO.fullmatch(atom)
    if m and _VARLIKE.fullmatch(m.group(1)):
        e = m.group(3)
        return ((m.group(1), ("eq", e), ("neq", e)) if m.group(2) == "==" else
                (m.group(1), ("neq", e), ("eq", e)),)
    # `if (PTR_ERR(event) == -EAGAIN) goto again;`: the same test as `event == ERR_PTR(-EAGAIN)`
    p = _PTR_ERR.fullmatch(m.group(1)) if m else None
    if p and _VARLIKE.fullmatch(p.group(1)):
        e = m.group(3)
        return ((p.group(1), ("eqp", e), ("neqp", e)) if m.group(2) == "==" else
                (p.group(1), ("neqp", e), ("eqp", e)),)
    m = _PREDICATE_CALL.fullmatch(atom)
    if m and m.group(1) in pointer_predicates():
        args = m.group(2).split(",")
        i = pointer_predicates()[m.group(1)]
        if i < len(args) and _VARLIKE.fullmatch(args[i]):
            return ((args[i], "nnne", None),)   # true: neither NULL nor an ERR_PTR; false: nothing
        return ()
    m = _CMP_ZERO.fullmatch(atom)
    if m and _VARLIKE.fullmatch(m.group(1)):
        op = m.group(2)
        if op == "<":
            return ((m.group(1), "neg", "nneg"),)
        if op == ">=":
            return ((m.group(1), "nneg", "neg"),)
        if op == ">":
            return ((m.group(1), "nneg", None),)
    return ()


_FLAG_ATOM = re.compile(r"\(?(.+?)\)?&\(?([A-Z][A-Z0-9_]*)\)?|\(?([A-Z][A-Z0-9_]*)\)?&\(?(.+?)\)?")


def flag_operand(atom: str) -> str | None:
    """'iter->flags&IOMAP_NOWAIT' -> 'iter->flags' (the flag word tested)."""
    if "&" not in atom or "&&" in atom:
        return None
    m = _FLAG_ATOM.fullmatch(atom)
    if not m:
        return None
    if m.group(2) in nowait_flags():
        return m.group(1)
    if m.group(3) in nowait_flags():
        return m.group(4)
    return None


def _flag_value_operand(v) -> str | None:
    """The flag word of a value like `iocb->ki_flags & IOCB_NOWAIT` (or !!(...))."""
    while v[0] == "un" and v[1] == "!" and v[2][0] == "un" and v[2][1] == "!":
        v = v[2][2]
    if v[0] == "bin" and v[1] == "&":
        a, b = v[2], v[3]
        if b[0] == "macro" and b[1] in nowait_flags() and a[0] in ("var", "field"):
            return a[1]
        if a[0] == "macro" and a[1] in nowait_flags() and b[0] in ("var", "field"):
            return b[1]
    return None


# ---------------------------------------------------------------------------
# per-function syntactic facts


def _walk_values(v):
    stack = [v]
    while stack:
        x = stack.pop()
        if not isinstance(x, tuple) or not x:
            continue
        yield x
        for y in x[1:]:
            if isinstance(y, tuple):
                if y and isinstance(y[0], str):
                    stack.append(y)
                else:
                    stack.extend(z for z in y if isinstance(z, tuple))


@dataclass
class FnInfo:
    flag_atoms: dict            # atom -> True (atom true means the NOWAIT flag is set)
    flag_roots: frozenset       # identifiers whose flag word the function tests
    local_flag_params: dict     # param index -> field path ("" or "->flags")
    flag_tests: list            # [(line, text)] conditions that test the flag
    tracked: frozenset          # variables the value flow follows
    own_tokens: frozenset       # NOWAIT tokens the function mentions
    is_pointer: bool
    stub: bool                  # a one-line header stub (config-dependent)
    tested: frozenset = frozenset()   # variables some condition tests (path-sensitive ones)
    trivial: bool = False       # only constant returns and warnings


def _fn_info(fn: FunctionFacts) -> FnInfo:
    own = fn.text_tokens & nowait_flags()
    flag_atoms: dict = {}
    roots = set()
    tests = []
    local_params: dict = {}
    tracked = set(fn.params)
    for n in fn.nodes:
        for v, _ in n.defs:
            tracked.add(v)
    if own:
        flag_vars = {}
        defs_by_var: dict[str, list] = {}
        for n in fn.nodes:
            for v, val in n.defs:
                defs_by_var.setdefault(v, []).append(val)
        for v, vals in defs_by_var.items():
            ops = [_flag_value_operand(val) for val in vals if val[0] != "uninit"]
            if ops and all(ops):
                flag_vars[v] = ops[0]
        atoms = set()
        for n in fn.nodes:
            if n.kind == "cond":
                atoms.update(a for a, _ in n.true_lits | n.false_lits)
                if "&&" in n.text or "||" in n.text:
                    f = condition_formula(n.text)
                    if f is not None:
                        atoms.update(a for a, _ in _implied(f, True) | _implied(f, False))
                        for x in _walk_formula(f):
                            atoms.add(x)
            vals = [val for _, val in n.defs] + ([n.ret] if n.ret is not None else [])
            for val in vals:
                for x in _walk_values(val):
                    if x[0] == "cond":
                        atoms.update(a for a, _ in x[1])
        for a in atoms:
            op = flag_operand(a)
            if op is None and a in flag_vars:
                op = flag_vars[a]
            if op is not None:
                flag_atoms[a] = True
                r = _root(op)
                if r:
                    roots.add(r)
                    if r in fn.params:
                        path = op[len(r):]
                        local_params.setdefault(fn.params.index(r), path)
        for n in fn.nodes:
            if n.kind == "cond" and any(a in flag_atoms for a, _ in n.true_lits | n.false_lits):
                tests.append((n.line, n.text))
            elif n.kind != "cond" and flag_atoms:
                vals = [val for _, val in n.defs] + ([n.ret] if n.ret is not None else [])
                if any(x[0] == "cond" and any(a in flag_atoms for a, _ in x[1])
                       for val in vals for x in _walk_values(val)):
                    tests.append((n.line, n.text))
    is_ptr = "*" in fn.return_type
    # trivial: every return is a constant and the body only warns (a config stub
    # when the function has another definition, or lives in a header)
    rets = [n for n in fn.nodes if n.kind == "return"]
    trivial = bool(rets) and len(fn.nodes) <= 10 and all(
        r.ret is not None and (r.ret[0] in ("null", "errno", "int")
                               or (r.ret[0] == "errptr" and r.ret[1][0] == "errno"))
        for r in rets) and all(
        c.name and c.name.startswith(_STUB_CALLS) for n in fn.nodes for c in n.calls)
    stub = trivial and fn.path.endswith(".h")
    tested = set()
    for n in fn.nodes:
        if n.kind == "cond":
            for a, _ in n.true_lits | n.false_lits:
                for var, _, _ in atom_constraints(a):
                    tested.add(var)
        for c in n.calls:
            if c.name and len(c.args) >= 2 and c.name.startswith("wait_event"):
                for a, _ in _implied_true(c.args[1]):
                    for var, _, _ in atom_constraints(a):
                        tested.add(var)
    if tested:
        # only variables the returned values depend on need path-sensitivity
        defs_of: dict = {}
        for n in fn.nodes:
            for v, val in n.defs:
                defs_of.setdefault(v, []).append(val)
        closure = set()
        work = [x[1] for n in fn.nodes if n.kind == "return" and n.ret is not None
                for x in _walk_values(n.ret) if x[0] in ("var", "param")]
        while work:
            v = work.pop()
            if v in closure:
                continue
            closure.add(v)
            for val in defs_of.get(v, ()):
                work.extend(x[1] for x in _walk_values(val) if x[0] in ("var", "param"))
        # ... and the variables derived from them (err = PTR_ERR(s) keeps s's story)
        derived = {v for v, vals in defs_of.items()
                   if any(x[0] in ("var", "param") and x[1] in closure for val in vals for x in _walk_values(val))}
        tested &= closure | derived
    return FnInfo(flag_atoms, frozenset(roots), local_params, tests, frozenset(tracked),
                  frozenset(own), is_ptr, stub, frozenset(tested & tracked), trivial)


def _walk_formula(f):
    stack = [f]
    while stack:
        x = stack.pop()
        if x[0] == "atom":
            yield x[1]
        else:
            stack.extend(x[1:])


# ---------------------------------------------------------------------------
# abstract values and constraints

_EMPTY = frozenset()


def _filter(outs: dict, cons) -> dict:
    if cons is None:
        return outs
    if cons == "nnne":
        return _filter(_filter(outs, "nz"), "ne")
    res: dict = {}
    for key, trail in outs.items():
        kind, detail, tag = key
        nk = key
        if cons == "nz":
            if kind in ("null", "zero"):
                continue
            if kind == "unknown":
                nk = ("nonnull", "", "")
            elif kind == "noterr":
                nk = ("ptr", "", "")
        elif cons == "z":
            if kind in ("null", "zero"):
                pass
            elif kind in ("unknown", "noterr"):
                nk = ("null", "", "")
            else:
                continue
        elif cons == "err":
            if kind == "errptr":
                pass
            elif kind in ("unknown", "nonnull"):
                nk = ("errptr", "?", "")
            else:
                continue
        elif cons == "ne":
            if kind == "errptr":
                continue
            if kind == "unknown":
                nk = ("noterr", "", "")
            elif kind == "nonnull":
                nk = ("ptr", "", "")
        elif cons == "eon":
            if kind in ("ptr",):
                continue
            if kind == "nonnull":
                nk = ("errptr", "?", "")
            elif kind == "noterr":
                nk = ("null", "", "")
        elif cons == "neg":
            if kind in ("zero", "null", "ptr"):
                continue
        elif cons == "nneg":
            if kind == "errno":
                continue
        elif isinstance(cons, tuple) and cons[0] == "eq":
            if kind == "errno":
                if detail != cons[1] and detail != "?":
                    continue
                nk = ("errno", cons[1], tag)
            elif kind == "unknown":
                nk = ("errno", cons[1], "")
            else:
                continue
        elif isinstance(cons, tuple) and cons[0] == "neq":
            if kind == "errno" and detail == cons[1]:
                continue
        elif isinstance(cons, tuple) and cons[0] == "eqp":
            if kind == "errptr":
                if detail != cons[1] and detail != "?":
                    continue
                nk = ("errptr", cons[1], tag)
            elif kind in ("unknown", "nonnull"):
                nk = ("errptr", cons[1], "")
            else:
                continue
        elif isinstance(cons, tuple) and cons[0] == "neqp":
            if kind == "errptr" and detail == cons[1]:
                continue
        res.setdefault(nk, trail)
    return res


def _merge(into: dict, outs: dict) -> None:
    for k, t in outs.items():
        if k not in into:
            into[k] = t


def _one(kind: str, detail: str = "", tag="", trail: tuple = ()) -> dict:
    return {(kind, detail, tag): trail}


def describe_key(key) -> str:
    kind, detail, _ = key
    if kind == "errno":
        return f"-{detail}" if detail != "?" else "an errno"
    if kind == "errptr":
        return f"ERR_PTR(-{detail})" if detail != "?" else "ERR_PTR(?)"
    return {"null": "NULL", "zero": "0", "int": "nonzero", "ptr": "a pointer",
            "nonnull": "a pointer", "noterr": "a pointer (maybe NULL)",
            "unknown": "unknown"}.get(kind, kind)


# ---------------------------------------------------------------------------
# one function under one mode


class Flow:
    """Value flow through one function under one mode ("set", "clear", "any"):
    which definitions (with which tests applied since) reach each statement,
    over the edges the mode allows."""

    def __init__(self, S: "Summaries", fn: FunctionFacts, mode: str):
        self.S, self.fn, self.mode = S, fn, mode
        self.info = S.info(fn)
        self._memo: dict = {}
        self._edge_cache: dict = {}
        self._allocs: dict = {}
        self.call_states: dict = {}
        self._run()

    # -- mode and edges ------------------------------------------------------
    def lit_value(self, atom: str) -> bool | None:
        if self.mode == "any":
            return None
        if atom in self.info.flag_atoms:
            return self.mode == "set"
        return None

    def edge_lits(self, nid: int, truth: bool):
        """Literals that hold on the edge, or None if the mode rules it out."""
        key = (nid, truth)
        if key in self._edge_cache:
            return self._edge_cache[key]
        n = self.fn.nodes[nid]
        lits = n.true_lits if truth else n.false_lits
        res = lits
        fa = self.info.flag_atoms
        if self.mode != "any" and fa and (any(a in fa for a, _ in n.true_lits | n.false_lits)
                                          or "&&" in n.text or "||" in n.text):
            f = None
            if "&&" in n.text or "||" in n.text or "?" in n.text:
                f = condition_formula(n.text)
            if f is None and len(n.true_lits) == 1 and len(n.false_lits) == 1:
                (a, p), = n.true_lits
                f = ("atom", a) if p else ("not", ("atom", a))
            if f is not None:
                s = _simplify(f, self.lit_value)
                if s is (not truth):
                    res = None
                elif s is truth:
                    res = frozenset()
                else:
                    res = _implied(s, truth)
            else:
                for a, p in lits:
                    v = self.lit_value(a)
                    if v is not None and v != p:
                        res = None
                        break
        self._edge_cache[key] = res
        return res

    # -- dataflow ------------------------------------------------------------
    # A node's state is a short list of *path states* (var -> items); an item is
    # (defining node, tests applied since, hint). A path state in which a tracked
    # variable has no consistent item left is infeasible and dropped: this is what
    # keeps `if (IS_ERR(s)) err = PTR_ERR(s); ... if (err) return NULL; return s;`
    # from returning an ERR_PTR. Past MAX_PATHS the states of a node are merged.
    MAX_PATHS = 10

    def _run(self) -> None:
        fn = self.fn
        nodes = fn.nodes
        tracked = self.info.tracked
        tested = self.info.tested
        # path-insensitive part: untested variables, merged over all paths
        SH: list = [None] * len(nodes)
        SH[0] = {v: frozenset({(0, _EMPTY, "?")}) for v in tracked if v not in tested}
        # path-sensitive part: the tested variables, a few path states per node
        IN: list = [None] * len(nodes)
        IN[0] = [{v: frozenset({(0, _EMPTY, "?")}) for v in tested}]
        collapsed: set = set()
        order = _rpo(fn)
        rank = {nid: i for i, nid in enumerate(order)}
        work = [0]
        queued = {0}
        budget = 40 * len(order) + 100
        sent: dict = {}        # node -> {id(state): state} already propagated from it
        live_edges: dict = {}  # node -> successor indexes some state went along
        while work and budget > 0:
            budget -= 1
            nid = order[heapq.heappop(work)]
            queued.discard(rank[nid])
            states = IN[nid]
            if not states:
                continue
            n = nodes[nid]
            sh = SH[nid]
            done = sent.setdefault(nid, {})
            fresh = [st for st in states if id(st) not in done]
            for st in fresh:
                done[id(st)] = st
            sh_out = self._transfer_shared(nid, sh, states)
            outs = [o for o in (self._transfer(nid, st, sh) for st in fresh) if o is not None]
            live = live_edges.setdefault(nid, set())
            for i, (s, edge) in enumerate(n.succ):
                lits = None
                if (edge is True or edge is False) and n.kind == "cond":
                    lits = self.edge_lits(nid, edge)
                    if lits is None:
                        continue
                changed = False
                for o in outs:
                    if lits:
                        o = self._constrain(o, lits)
                        if o is None:
                            continue
                    live.add(i)
                    if self._add_state(IN, s, o, collapsed):
                        changed = True
                if i in live:
                    cur = SH[s]
                    if cur is None:
                        SH[s] = sh_out
                        changed = True
                    elif cur is not sh_out:
                        new = None
                        for v, items in sh_out.items():
                            c = cur.get(v)
                            if c is None or not (items <= c):
                                if new is None:
                                    new = dict(cur)
                                new[v] = items if c is None else (c | items)
                        if new is not None:
                            SH[s] = new
                            changed = True
                if changed and s in rank and rank[s] not in queued:
                    queued.add(rank[s])
                    heapq.heappush(work, rank[s])
        self.IN = IN
        self.SH = SH
        self._union: dict = {}

    def _add_state(self, IN: list, s: int, st: dict, collapsed: set) -> bool:
        cur = IN[s]
        if cur is None:
            IN[s] = [st]
            return True
        for c in cur:
            if c is st or all(v == "$sig" or items is c.get(v) or items <= c.get(v, _EMPTY)
                              for v, items in st.items()):
                return False
        if s not in collapsed:
            sig = _signature(st)
            for i, c in enumerate(cur):
                if _signature(c) == sig:   # same kinds of values: merging loses nothing we use
                    cur[i] = _union_state(c, st)
                    return True
            if len(cur) < self.MAX_PATHS:
                cur.append(st)
                return True
        IN[s] = [_union_state(*cur, st)]
        collapsed.add(s)
        return True

    def _transfer_shared(self, nid: int, sh: dict, states: list) -> dict:
        n = self.fn.nodes[nid]
        out = sh
        if n.defs and nid != 0:
            for v, val in n.defs:
                if v in sh:
                    if out is sh:
                        out = dict(sh)
                    out[v] = frozenset({(nid, _EMPTY, "?")})
        allocs = self._allocs.get(nid)
        if allocs is None:
            allocs = self._allocs[nid] = [i for i, c in enumerate(n.calls) if c.name in allocators()]
        if allocs:
            if out is sh:
                out = dict(sh)
            out["$alloc"] = out.get("$alloc", _EMPTY) | {(nid, i, "") for i in allocs}
        return out

    def _transfer(self, nid: int, inn: dict, sh: dict):
        n = self.fn.nodes[nid]
        out = inn
        if n.defs and nid != 0:
            for v, val in n.defs:
                if v in inn:
                    if out is inn:
                        out = dict(inn)
                        out.pop("$sig", None)
                    out[v] = frozenset({(nid, _EMPTY, _hint(val, inn, sh))})
        for c in n.calls:
            if (c.name in ("BUG_ON", "VM_BUG_ON") and len(c.args) == 1) or \
                    (c.name and c.name.startswith("wait_event") and len(c.args) >= 2):
                lits = _assert_lits(c.args[0]) if c.name.endswith("BUG_ON") else _implied_true(c.args[1])
                if lits:
                    out = self._constrain(out, lits)
                    if out is None:
                        return None
        return out

    def _constrain(self, state: dict, lits):
        """The path state after the literals hold, or None if that is impossible."""
        new = None
        for atom, pol in lits:
            for var, ct, cf in atom_constraints(atom):
                cons = ct if pol else cf
                if cons is None:
                    continue
                items = (new or state).get(var)
                if items is None:
                    continue
                if new is None:
                    new = dict(state)
                    new.pop("$sig", None)
                if len(items) > 48:   # too many variants: forget the tests, keep the defs
                    new[var] = frozenset((d, _EMPTY, h) for d, _, h in items)
                    continue
                kept = frozenset((d, filt | {cons}, h) for d, filt, h in items
                                 if _consistent(filt, cons, h))
                if not kept:
                    return None
                new[var] = kept
        return state if new is None else new

    # -- values ----------------------------------------------------------------
    def items(self, nid: int, var: str):
        """Items of var at a node, over all its path states (None: not followed)."""
        key = (nid, var)
        u = self._union.get(key, False)
        if u is not False:
            return u
        res = None
        if var in self.info.tested:
            states = self.IN[nid]
            if states:
                for st in states:
                    it = st.get(var)
                    if it is not None:
                        res = it if res is None else (res | it)
        else:
            sh = self.SH[nid]
            res = sh.get(var) if sh is not None else None
        self._union[key] = res
        return res

    def var_value(self, var: str, nid: int, depth: int = 0, extra: frozenset = _EMPTY) -> dict:
        items = self.items(nid, var)
        if extra and items:
            for atom, pol in extra:
                for v, ct, cf in atom_constraints(atom):
                    cons = ct if pol else cf
                    if v == var and cons is not None:
                        items = frozenset((d, f | {cons}, h) for d, f, h in items if _consistent(f, cons, h))
        if items is None:
            return _one("unknown", "", "", ((self.fn.path, self.fn.nodes[nid].line, self.fn.name,
                                            f"'{var}' is not followed"),))
        out: dict = {}
        for d, filt, _ in sorted(items, key=lambda x: (x[0], len(x[1]))):
            base = self.def_value(d, var, depth)
            for cons in sorted(filt, key=str):
                base = _filter(base, cons)
            _merge(out, base)
        return out

    def def_value(self, d: int, var: str, depth: int) -> dict:
        key = (d, var)
        memo = self._memo.get(key)
        if memo is not None:
            return memo
        self._memo[key] = {}   # a cycle through this definition adds nothing
        if d == 0:
            if var in self.fn.params:
                res = _one("unknown", "", "", ((self.fn.path, self.fn.line, self.fn.name,
                                               f"parameter '{var}'"),))
            else:
                res = _one("unknown")
        else:
            val = None
            for v, x in self.fn.nodes[d].defs:
                if v == var:
                    val = x
            res = self.value(val, d, depth + 1) if val is not None else _one("unknown")
        self._memo[key] = res
        return res

    def value(self, val, nid: int, depth: int = 0, extra: frozenset = _EMPTY) -> dict:
        """Outcomes of a value at a node; `extra` are literals known to hold there
        (the condition of the `c ? a : b` branch being evaluated)."""
        if depth > 40:
            return _one("unknown")
        k = val[0]
        fn = self.fn
        if k == "int":
            return _one("zero") if val[1] == 0 else _one("int")
        if k == "errno":
            tag, steps = ("", ())
            if val[1] == "ENOMEM":
                tag, steps = self.origin(nid)
            node = fn.nodes[nid]
            return _one("errno", val[1], tag, steps + ((fn.path, node.line, fn.name, f"-{val[1]}: {node.text}"),))
        if k == "errptr":
            inner = self.value(val[1], nid, depth + 1, extra)
            out: dict = {}
            for (kind, detail, tag), trail in inner.items():
                if kind == "errno":
                    out.setdefault(("errptr", detail, tag), trail)
                elif kind in ("zero", "null"):
                    out.setdefault(("null", "", ""), trail)
                else:
                    out.setdefault(("errptr", "?", ""), trail)
            return out
        if k == "ptrerr":
            inner = self.value(val[1], nid, depth + 1, extra)
            out = {}
            for (kind, detail, tag), trail in inner.items():
                if kind == "errptr":
                    out.setdefault(("errno", detail, tag), trail)
                elif kind in ("null", "zero"):
                    out.setdefault(("zero", "", ""), trail)
                else:
                    out.setdefault(("unknown", "", ""), trail)
            return out
        if k == "errcast":
            inner = self.value(val[1], nid, depth + 1, extra)
            return {key: t for key, t in inner.items() if key[0] in ("errptr", "null", "unknown")} \
                or _one("unknown")
        if k == "null":
            if self.mode == "set":
                # a NULL that says "would block" (a trylock failed on the flag's branch) or
                # "a non-blocking allocation failed": a caller that turns it into -ENOMEM
                # owes -EAGAIN (seed 000 before 6.4: iomap_write_begin() on
                # __filemap_get_folio()'s NULL)
                tag, steps = self.origin(nid)
                if tag in FLAGGABLE:
                    node = fn.nodes[nid]
                    return _one("null", "", tag, steps + ((fn.path, node.line, fn.name,
                                                           f"NULL: {node.text}"),))
            return _one("null")
        if k in ("var", "param"):
            return self.var_value(val[1], nid, depth, extra)
        if k == "call":
            return self.call_value(val, nid, depth)
        if k == "cond":
            pick = self._choose(val[1])
            lits = val[1]
            ea = extra | lits
            eb = extra | {(a, not p) for a, p in lits} if len(lits) == 1 else extra
            if pick is True:
                return self.value(val[2], nid, depth + 1, ea)
            if pick is False:
                return self.value(val[3], nid, depth + 1, eb)
            out = dict(self.value(val[2], nid, depth + 1, ea))
            _merge(out, self.value(val[3], nid, depth + 1, eb))
            return out
        if k == "un":
            if val[1] == "&":
                return _one("ptr")
            return _one("unknown")
        if k == "field":
            return _one("noterr", "", "", ((fn.path, fn.nodes[nid].line, fn.name, f"'{val[1]}' is a field read"),))
        if k in ("macro", "minmax", "sizeof"):
            return _one("int")
        return _one("unknown")

    def _choose(self, lits) -> bool | None:
        """For `c ? a : b` with c's literals: True = a under this mode, False = b."""
        if self.mode == "any" or not lits:
            return None
        known = [(self.lit_value(a), p) for a, p in lits]
        if any(v is not None and v != p for v, p in known):
            return False
        if all(v is not None and v == p for v, p in known):
            return True
        return None

    def find_call(self, nid: int, val):
        for c in self.fn.nodes[nid].calls:
            if c.name == val[1] and c.arg_values == val[2]:
                return c
        for c in self.fn.nodes[nid].calls:
            if c.name == val[1]:
                return c
        return None

    def call_value(self, val, nid: int, depth: int) -> dict:
        fn = self.fn
        name = val[1]
        node = fn.nodes[nid]
        if name is None:
            return _one("unknown", "", "", ((fn.path, node.line, fn.name,
                                            f"'{val[3]}()' is called through a function pointer: its results are unknown"),))
        if name == "PTR_ERR_OR_ZERO" and val[2]:
            inner = self.value(val[2][0], nid, depth + 1)
            out: dict = {}
            for (kind, detail, tag), trail in inner.items():
                if kind == "errptr":
                    out.setdefault(("errno", detail, tag), trail)
                elif kind in ("null", "zero", "ptr", "noterr"):
                    out.setdefault(("zero", "", ""), trail)
                else:
                    out.setdefault(("unknown", "", ""), trail)
            return out
        if name in ERR_TESTS:
            return _one("int")
        alloc = allocators().get(name)
        call = self.find_call(nid, val)
        if alloc is not None:
            idx, _ = alloc
            if idx < 0:
                tag, what = "b", "may sleep"
            elif any("__GFP_NOFAIL" in a for a in (call.args if call is not None else ())):
                return _one("ptr")
            else:
                tag, what = self.gfp_tag(val[2][idx], nid, nid) if idx < len(val[2]) else ("", "unknown gfp mask")
            return {("ptr", "", ""): (),
                    ("null", "", tag): ((fn.path, node.line, fn.name,
                                         f"{name}() can fail ({what}): {node.text}"),)}
        callee = self.S.resolve(name, fn.path)
        if callee is not None and self.S.is_stub(callee):
            real = [d for d in self.S.duplicates(callee) if not self.S.is_stub(d)]
            callee = real[0] if real else None
            if callee is None and name not in err_ptr_returners() and name not in null_returners():
                return _one("unknown", "", "", ((fn.path, node.line, fn.name,
                                                f"{name}() is a configuration stub here: unknown"),))
        if callee is None:
            where = "is not in the analysed paths" if callee is None else "is a configuration stub here"
            if name in err_ptr_returners():
                return {("ptr", "", ""): (), ("errptr", "?", ""): ((fn.path, node.line, fn.name,
                                                                   f"{name}() returns ERR_PTR on failure (known API)"),)}
            if name in null_returners():
                return {("ptr", "", ""): (), ("null", "", ""): ((fn.path, node.line, fn.name,
                                                                f"{name}() returns NULL on failure (known API)"),)}
            return _one("unknown", "", "", ((fn.path, node.line, fn.name, f"{name}() {where}"),))
        cmode = self.call_mode(call, callee) if call is not None else "unknown"
        outs = self.S.prune_for_call(self.S.call_outcomes(callee, cmode), callee, call)
        res: dict = {}
        step = (fn.path, node.line, fn.name, f"{name}() returns it here: {node.text}")
        pre = ()
        if cmode == "set" and self.info.flag_tests:
            line, text = self.info.flag_tests[0]
            pre = ((fn.path, line, fn.name, f"NOWAIT flag tested: {text}"),)
        for (kind, detail, tag), trail in outs.items():
            if node.kind != "return":
                trail = trail + (step,)
            if isinstance(tag, tuple) and tag[0] == "gfp":
                i = tag[1]
                if call is not None and i < len(call.arg_values):
                    tag = self.gfp_tag(call.arg_values[i], nid, nid)[0]
                else:
                    tag = ""
            if pre and tag in FLAGGABLE:
                trail = pre + trail
            res.setdefault((kind, detail, tag), trail)
        return res

    # -- ENOMEM origin ---------------------------------------------------------
    def origin(self, nid: int) -> tuple:
        """(tag, evidence steps) for an -ENOMEM produced at node nid."""
        fn = self.fn
        must = fn.must_hold(nid)
        best, steps = None, ()
        for atom, pol in must:
            for var, ct, cf in atom_constraints(atom):
                cons = ct if pol else cf
                if cons not in ("z", "err", "eon"):
                    continue
                items = self.items(nid, var)
                if not items:
                    continue
                for (kind, detail, tag), trail in self.var_value(var, nid).items():
                    if kind in ("null", "errptr") and (best is None or _tag_rank(tag) > _tag_rank(best)):
                        best, steps = tag, trail
        if best is not None and best != "":
            return best, self._with_flag_test(best, steps)
        if self.mode == "set":
            for atom, pol in must:
                if atom in self.info.flag_atoms and pol:
                    line, text = next(((l, t) for l, t in self.info.flag_tests), (fn.line, atom))
                    return "flag", ((fn.path, line, fn.name, f"NOWAIT flag tested: {text}"),)
        t, s = self.allocs_before(nid)
        if t:
            return t, self._with_flag_test(t, s)
        return "", ()

    def _with_flag_test(self, tag, steps: tuple) -> tuple:
        if tag == "nb" and self.mode == "set" and self.info.flag_tests:
            line, text = self.info.flag_tests[0]
            step = (self.fn.path, line, self.fn.name, f"NOWAIT flag tested: {text}")
            if step not in steps:
                return (step,) + steps
        return steps

    def allocs_before(self, nid: int) -> tuple:
        items = self.items(nid, "$alloc") or ()
        best, steps = "", ()
        for d, i, _ in sorted(items):
            n = self.fn.nodes[d]
            c = n.calls[i]
            idx, _ = allocators()[c.name]
            if idx < 0:
                tag, what = "b", "may sleep"
            elif idx < len(c.arg_values):
                tag, what = self.gfp_tag(c.arg_values[idx], d, d)
            else:
                tag, what = "", "unknown gfp mask"
            if _tag_rank(tag) > _tag_rank(best):
                best, steps = tag, ((self.fn.path, n.line, self.fn.name, f"{c.name}() can fail ({what}): {n.text}"),)
        return best, steps

    # -- flag words and gfp masks ------------------------------------------------
    def under_flag(self, nid: int) -> bool:
        """In mode "set": is the node reached only with the NOWAIT flag tested set?"""
        if self.mode != "set" or not self.info.flag_atoms:
            return False
        must = self.fn.must_hold(nid)
        return any((a, True) in must for a in self.info.flag_atoms)

    def gfp_tag(self, val, nid: int, alloc_node: int | None = None) -> tuple:
        """(tag, words) for an allocation mask. A non-blocking mask is "nb" only when
        the NOWAIT flag made it so (chose it, or guards the code that set it);
        a constant GFP_ATOMIC deep in unrelated code is "atomic"."""
        self._dep = False
        g = self.gfp_class(val, nid)
        dep = self._dep or (alloc_node is not None and self.under_flag(alloc_node))
        if g == "no":
            if dep:
                return "nb", "non-blocking gfp mask under the NOWAIT flag"
            return "atomic", "non-blocking gfp mask, whatever the NOWAIT flag"
        return _gfp_tag(g, self.fn)

    def gfp_class(self, val, nid: int, depth: int = 0):
        """'no' (no direct reclaim: non-blocking), 'yes' (may reclaim), ('param', name), '?'."""
        if depth > 12:
            return "?"
        k = val[0]
        if k == "macro":
            r = mask_reclaims(val[1])
            return "?" if r is None else ("yes" if r else "no")
        if k == "int":
            return "no"
        if k == "bin" and val[1] == "|":
            a, b = self.gfp_class(val[2], nid, depth + 1), self.gfp_class(val[3], nid, depth + 1)
            if "yes" in (a, b):
                return "yes"
            if a == "no" and b == "no":
                return "no"
            if a == "no" and isinstance(b, tuple):
                return b
            if b == "no" and isinstance(a, tuple):
                return a
            return "?"
        if k == "bin" and val[1] == "&":
            m = val[3]
            if m[0] == "un" and m[1] == "~":
                if self.gfp_class(m[2], nid, depth + 1) == "yes":
                    return "no"
                return self.gfp_class(val[2], nid, depth + 1)
            return "?"
        if k == "cond":
            pick = self._choose(val[1])
            if pick is not None:
                self._dep = True
                return self.gfp_class(val[2] if pick else val[3], nid, depth + 1)
            a, b = self.gfp_class(val[2], nid, depth + 1), self.gfp_class(val[3], nid, depth + 1)
            return a if a == b else ("yes" if "yes" in (a, b) else "?")
        if k in ("var", "param"):
            items = self.items(nid, val[1])
            if not items:
                return "?"
            res = None
            for d, _, _ in items:
                if d == 0:
                    c = ("param", val[1]) if val[1] in self.fn.params else "?"
                else:
                    if self.under_flag(d):
                        self._dep = True
                    dv = next((x for v, x in self.fn.nodes[d].defs if v == val[1]), None)
                    c = self.gfp_class(dv, d, depth + 1) if dv is not None else "?"
                if res is None:
                    res = c
                elif res != c:
                    res = "yes" if "yes" in (res, c) else "?"
            return res or "?"
        return "?"

    def flag_bits(self, val, nid: int, depth: int = 0) -> str:
        """The NOWAIT bit of a flag word: 'set', 'clear', 'same' (the caller's own flag), 'unknown'."""
        if depth > 12:
            return "unknown"
        k = val[0]
        if k == "macro":
            return "set" if val[1] in nowait_flags() else "clear"
        if k == "int":
            return "clear"
        if k == "bin" and val[1] == "|":
            a, b = self.flag_bits(val[2], nid, depth + 1), self.flag_bits(val[3], nid, depth + 1)
            if "set" in (a, b):
                return "set"
            if a == b:
                return a
            if "clear" in (a, b):
                other = b if a == "clear" else a
                return other if other == "same" else "unknown"
            return "unknown"
        if k == "bin" and val[1] == "&":
            m = val[3]
            if m[0] == "un" and m[1] == "~" and self.flag_bits(m[2], nid, depth + 1) == "set":
                return "clear"
            if m[0] == "macro" and m[1] not in nowait_flags() or val[2][0] == "macro" and val[2][1] not in nowait_flags():
                return "clear"
            return "unknown"
        if k == "cond":
            pick = self._choose(val[1])
            if pick is not None:
                return self.flag_bits(val[2] if pick else val[3], nid, depth + 1)
            a, b = self.flag_bits(val[2], nid, depth + 1), self.flag_bits(val[3], nid, depth + 1)
            return a if a == b else "unknown"
        if k in ("var", "param", "field"):
            name = val[1]
            if _root(name) in self.info.flag_roots or _root(name) in self.S.flag_param_names(self.fn):
                return "same"
            if k == "field":
                return "unknown"
            items = self.items(nid, name)
            if not items:
                return "unknown"
            res = None
            for d, _, _ in items:
                if d == 0:
                    c = "unknown"
                else:
                    dv = next((x for v, x in self.fn.nodes[d].defs if v == name), None)
                    c = self.flag_bits(dv, d, depth + 1) if dv is not None else "unknown"
                res = c if res is None or res == c else "unknown"
            return res or "unknown"
        if k == "call" and val[1] is not None:
            callee = self.S.resolve(val[1], self.fn.path)
            if callee is not None and not (callee.text_tokens & nowait_flags()):
                return "clear"
        return "unknown"

    def arg_state(self, call, idx: int, path: str) -> str:
        if idx >= len(call.args):
            return "unknown"
        text, val = call.args[idx], call.arg_values[idx]
        root = _root(text)
        if root in self.info.flag_roots or root in self.S.flag_param_names(self.fn):
            return "same"
        if path.startswith("->"):
            fieldname = path[2:]
            var = (text[1:] + "." + fieldname) if text.startswith("&") else (text + "->" + fieldname)
            if self.items(call.node, var) is not None:
                return self.flag_bits(("var", var), call.node)
            return "unknown"
        return self.flag_bits(val, call.node)

    def call_mode(self, call, callee: FunctionFacts) -> str:
        """The mode a call puts its callee in."""
        key = (call.line, call.column)
        if key in self.call_states:
            return self.call_states[key]
        if not self.S.has_modes(callee):
            res = "any"
        else:
            states = [self.arg_state(call, i, p) for i, p in self.S.flag_params(callee).items()]
            if "set" in states:
                res = "set"
            elif "same" in states:
                res = self.mode if self.mode in ("set", "clear") else "unknown"
            elif states and all(s == "clear" for s in states):
                res = "clear"
            else:
                res = "unknown"
        self.call_states[key] = res
        return res

    # -- results -----------------------------------------------------------------
    def outcomes(self) -> dict:
        fn = self.fn
        out: dict = {}
        guards: dict = {}
        params = frozenset(fn.params)
        # a bit test is decided only with this file's macro values (guard_refuted),
        # which only a caller in this file can pass: a static function's
        bits = self.S.index.int_macros.get(fn.path, {}) if fn.is_static else {}
        # guards need must-hold conditions: only worth it if some test compares a parameter
        has_guards = any(_guard_atom(a, params, bits) for n in fn.nodes if n.kind == "cond"
                         for a, _ in n.true_lits | n.false_lits)
        for n in fn.nodes:
            if n.kind != "return" or n.ret is None or not self.IN[n.id]:
                continue
            vals = self.value(n.ret, n.id)
            step = (fn.path, n.line, fn.name, f"returns: {n.text}")
            for (kind, detail, tag), trail in vals.items():
                if kind == "zero" and self.info.is_pointer:
                    kind = "null"
                if detail == "ENOMEM" and tag in ("", "b") and kind in ("errno", "errptr") \
                        and all(s[2] == fn.name for s in trail):
                    t2, s2 = self.allocs_before(n.id)
                    if _tag_rank(t2) > _tag_rank(tag):
                        tag, trail = t2, self._with_flag_test(t2, s2 + trail)
                if not (trail and trail[-1][0] == fn.path and trail[-1][1] == n.line and trail[-1][2] == fn.name):
                    trail = trail + (step,)
                key = (kind, detail, tag)
                out.setdefault(key, trail)
                g = frozenset(l for l in fn.must_hold(n.id) if _guard_atom(l[0], params, bits)) if has_guards else None
                if not g:
                    guards[key] = None
                elif guards.get(key, ()) is not None:
                    guards[key] = guards.get(key, ()) + (g,)
        self.guards = {k: v for k, v in guards.items() if v}
        return out


def _union_state(*states) -> dict:
    merged = dict(states[0])
    merged.pop("$sig", None)
    for c in states[1:]:
        for v, items in c.items():
            if v == "$sig":
                continue
            m = merged.get(v)
            merged[v] = items if m is None else (m | items)
    return merged


_HINTS_OF: dict = {}
_UNKNOWN_ONLY = frozenset({"?"})


def _hints_of(items: frozenset) -> frozenset:
    r = _HINTS_OF.get(items)
    if r is None:
        if len(_HINTS_OF) > 200000:
            _HINTS_OF.clear()
        r = _HINTS_OF[items] = frozenset(_effective(f, h)[:1] for _, f, h in items)
    return r


def _signature(st: dict) -> frozenset:
    sig = st.get("$sig")
    if sig is not None:
        return sig
    out = []
    for v, items in st.items():
        if v == "$sig":
            continue
        hs = _hints_of(items)
        if hs != _UNKNOWN_ONLY:
            out.append((v, hs))
    sig = frozenset(out)
    st["$sig"] = sig
    return sig


def _item_hint(items) -> str:
    """One hint for a set of items (their common effective kind), or '?'."""
    hs = {_effective(filt, h) for _, filt, h in items}
    return hs.pop() if len(hs) == 1 else "?"


def _effective(filt, h: str) -> str:
    if h != "?":
        return h
    if "err" in filt:
        return "E"
    if "z" in filt:
        return "z"
    if "ne" in filt and "nz" in filt:
        return "p"
    for c in filt:
        if isinstance(c, tuple) and c[0] == "eq":
            return "e:" + c[1]
    if "nz" in filt:
        return "n"
    return "?"


def _hint(val, state: dict, shared: dict | None = None) -> str:
    """What a definition's value is known to be, on this path: z zero/NULL, n nonzero,
    p valid pointer, E ERR_PTR, e / e:NAME negative errno, ? unknown."""
    k = val[0]
    if k == "int":
        return "z" if val[1] == 0 else "n"
    if k == "null":
        return "z"
    if k == "errno":
        return "e:" + val[1]
    if k == "errptr":
        return "E"
    if k == "un" and val[1] == "&":
        return "p"
    if k == "macro":
        return "n"
    if k in ("var", "param"):
        items = state.get(val[1])
        if items is None and shared is not None:
            items = shared.get(val[1])
        return _item_hint(items) if items else "?"
    if k == "ptrerr" and val[1][0] == "var":
        items = state.get(val[1][1])
        if items and _item_hint(items) == "E":
            return "e"
        return "?"
    if k == "call" and val[1] == "PTR_ERR_OR_ZERO" and val[2] and val[2][0][0] == "var":
        items = state.get(val[2][0][1])
        h = _item_hint(items) if items else "?"
        return "e" if h == "E" else ("z" if h in ("p", "z") else "?")
    return "?"


def _consistent(filt, cons, h: str) -> bool:
    """Can a value with hint h pass every test in filt and the new test cons?"""
    e = _effective(filt, h)
    if cons == "z":
        return e in ("z", "?") and "nz" not in filt and "err" not in filt
    if cons == "nz":
        return e != "z" and "z" not in filt
    if cons == "err":
        return e in ("E", "?", "n") and "ne" not in filt and "z" not in filt
    if cons == "ne":
        return e != "E" and "err" not in filt
    if cons == "eon":
        return e != "p"
    if cons == "nnne":
        return e not in ("z", "E")
    if cons == "neg":
        return e not in ("z", "p", "E") and "nneg" not in filt
    if cons == "nneg":
        return not e.startswith("e") and "neg" not in filt
    if isinstance(cons, tuple):
        if cons[0] == "eq":
            if e in ("z", "n", "p", "E") or (e.startswith("e:") and e != "e:" + cons[1]):
                return False
            return ("neq", cons[1]) not in filt
        if cons[0] == "neq":
            return e != "e:" + cons[1]
        if cons[0] == "eqp":
            return e in ("E", "?", "n")
    return True


_GUARD = re.compile(r"([A-Za-z_]\w*)(==|!=|&)([A-Za-z_0-9]\w*)")


def _guard_atom(atom: str, params: frozenset, bits: dict[str, int]) -> bool:
    """A test of a parameter against a constant (`flags==KSM_GET_FOLIO_TRYLOCK`),
    or of a bit whose value is known (`flags&AV_ADD`, AV_ADD in `bits`)."""
    m = _GUARD.fullmatch(atom)
    if m:
        c = m.group(3)
        if m.group(2) == "&":
            return m.group(1) in params and (c in bits or c[0].isdigit())
        return m.group(1) in params and (c.isupper() or c[0].isdigit())
    return atom in params


def _const_int(val, macros: dict[str, int]) -> int | None:
    """An argument's value from integers and the callee file's macros
    (`AV_FIND`, `A | B`), else None."""
    k = val[0]
    if k == "int":
        return val[1]
    if k == "macro":
        return macros.get(val[1])
    if k == "bin" and val[1] == "|":
        a, b = _const_int(val[2], macros), _const_int(val[3], macros)
        return None if a is None or b is None else a | b
    return None


def guard_refuted(lit, callee: FunctionFacts, call, macros: dict[str, int] | None = None) -> bool:
    """Is a guard literal of the callee false for the arguments of this call?
    `macros` are the callee file's integer macros: a bit test `flags&AV_ADD`
    is decided only when both the argument and the bit have a value there (so
    the answer depends on the callee's own file, which a changed value changes)."""
    atom, pol = lit
    m = _GUARD.fullmatch(atom)
    name = m.group(1) if m else atom
    if name not in callee.params:
        return False
    i = callee.params.index(name)
    if i >= len(call.arg_values):
        return False
    arg = call.arg_values[i]
    if m and m.group(2) == "&":
        const = m.group(3)
        bit = _int_value(const) if const[0].isdigit() else (macros or {}).get(const)
        have = _const_int(arg, macros or {})
        if bit is None or have is None:
            return False
        value = bool(have & bit)
    elif m:
        const = m.group(3)
        if arg[0] == "macro" and const.isupper():
            value = arg[1] == const
        elif arg[0] == "int" and const.isdigit():
            value = arg[1] == int(const)
        else:
            return False
        if m.group(2) == "!=":
            value = not value
    else:
        if arg[0] == "int":
            value = arg[1] != 0
        elif arg[0] == "null":
            value = False
        else:
            return False
    return value != pol


def _gfp_tag(g, fn: FunctionFacts) -> tuple:
    if g == "no":
        return "nb", "non-blocking gfp mask"
    if g == "yes":
        return "b", "blocking gfp mask"
    if isinstance(g, tuple) and g[1] in fn.params:
        return ("gfp", fn.params.index(g[1])), f"gfp mask from parameter '{g[1]}'"
    return "", "unknown gfp mask"


def _implied_true(text: str) -> frozenset:
    """Literals that hold once wait_event(wq, text) returns (it waits until they do)."""
    f = condition_formula(text)
    return frozenset() if f is None else _implied(f, True)


def _assert_lits(text: str) -> frozenset:
    """Literals that hold after BUG_ON(text) (the condition is false)."""
    f = condition_formula(text)
    if f is None:
        return frozenset()
    return _implied(f, False)


def _rpo(fn: FunctionFacts) -> list[int]:
    seen, order = {0}, []
    stack = [(0, iter(fn.nodes[0].succ))]
    while stack:
        nid, it = stack[-1]
        for s, _ in it:
            if s not in seen:
                seen.add(s)
                stack.append((s, iter(fn.nodes[s].succ)))
                break
        else:
            stack.pop()
            order.append(nid)
    order.reverse()
    return order


# ---------------------------------------------------------------------------
# contracts


@dataclass(frozen=True)
class Contract:
    """A function's error contract, as `errpath contracts` compares it."""
    returns: tuple            # sorted descriptions of the outcomes
    errnos: frozenset         # errno names it may return (plain or in ERR_PTR)
    null: bool
    errptr: bool
    nowait_enomem: bool | None   # None: no NOWAIT mode; True: ENOMEM leaks under NOWAIT
    nowait_eagain: bool | None
    may_sleep: bool
    sleep_via: str = field(default="", compare=False)

    def text(self) -> str:
        parts = [", ".join(self.returns) or "nothing"]
        if self.null and self.errptr:
            # a lookup's two failures: the caller must test for both (IS_ERR_OR_NULL())
            parts[0] = "NULL and ERR_PTR: " + parts[0]
        if self.nowait_enomem is not None:
            if self.nowait_enomem:
                parts.append("-ENOMEM under NOWAIT")
            elif self.nowait_eagain:
                parts.append("-EAGAIN under NOWAIT")
        if self.may_sleep:
            parts.append("may sleep")
        return "; ".join(parts)

    def to_json(self) -> dict:
        return {"returns": list(self.returns), "errnos": sorted(self.errnos), "null": self.null,
                "err_ptr": self.errptr, "nowait_enomem": self.nowait_enomem,
                "nowait_eagain": self.nowait_eagain, "may_sleep": self.may_sleep}


def contract_changes(old: Contract | None, new: Contract | None) -> list[str]:
    """What changed between two contracts, in the words a reviewer scans for."""
    if old is None or new is None:
        return []
    out = []
    if old.null and not old.errptr and new.errptr and not new.null:
        out.append("NULL -> ERR_PTR")
    elif old.errptr and not old.null and new.null and not new.errptr:
        out.append("ERR_PTR -> NULL")
    else:
        both = " (now NULL and ERR_PTR)" if new.null and new.errptr else ""
        if new.errptr and not old.errptr:
            out.append("may now return ERR_PTR" + both)
        if new.null and not old.null:
            out.append("may now return NULL" + both)
    added = sorted(new.errnos - old.errnos)
    removed = sorted(old.errnos - new.errnos)
    if added:
        out.append("errnos added: " + ", ".join("-" + e for e in added))
    if removed:
        out.append("errnos removed: " + ", ".join("-" + e for e in removed))
    if old.nowait_enomem is False and new.nowait_enomem:
        out.append("EAGAIN remap lost: -ENOMEM now leaves under NOWAIT" if old.nowait_eagain
                   else "-ENOMEM now leaves under NOWAIT")
    elif old.nowait_enomem and new.nowait_enomem is False:
        out.append("EAGAIN remap added")
    if new.may_sleep and not old.may_sleep:
        out.append("may sleep gained" + (f" ({new.sleep_via})" if new.sleep_via else ""))
    elif old.may_sleep and not new.may_sleep:
        out.append("may sleep lost")
    return out


# ---------------------------------------------------------------------------
# the summaries of one index


_SHARED: OrderedDict = OrderedDict()


def shared_for(index) -> dict:
    """The shared caches of an index's function list (the last few lists only):
    for facts that depend on the whole list and not on the order of the questions,
    so every rule chunk over one index (a copy of it) can reuse them."""
    key = id(index.all)
    got = _SHARED.get(key)
    if got is not None and got[0] is index.all and got[1] == len(index.all):
        _SHARED.move_to_end(key)
        return got[2]
    sh = {"info": {}, "done": {}, "guards": {}, "callers": {}, "sleep": {}, "maybe_err": {},
          "stats": {"flows": 0, "functions": 0}, "portable": frozenset(), "tree": None}
    _SHARED[key] = (index.all, len(index.all), sh)
    while len(_SHARED) > 6:
        _SHARED.popitem(last=False)
    return sh


def pair(a, b, portable) -> None:
    """Let two indexes of one audit (HEAD, BASE) share finished outcomes where they
    cannot differ: `portable`, ids of functions that are the same object in both
    (a file whose blob did not change) and whose callee cone did not change
    (errpath.engine.call_cones), so what they return, every trail step included,
    is the same in both trees. Any other function keeps one outcome per tree (the
    tree is part of its key). FnInfo comes from a function's text alone: shared whole."""
    sa, sb = shared_for(a), shared_for(b)
    sa["info"].update(sb["info"])
    sb["info"] = sa["info"]
    done, guards = {}, {}   # fresh: an outcome finished before would lack the tree in its key
    portable = frozenset(portable)
    for sh, tree in ((sa, 0), (sb, 1)):
        sh["done"], sh["guards"], sh["portable"], sh["tree"] = done, guards, portable, tree


def has_token(fn: FunctionFacts, names: frozenset) -> bool:
    """Does fn mention one of the names? (Reads the light token tuple when the facts
    keep one, so no token set is decoded just to say no.)"""
    toks = getattr(fn, "_tokens", None)
    if toks is not None:
        return not names.isdisjoint(toks)
    return not names.isdisjoint(fn.text_tokens)


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


class Summaries:
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
            return name in err_ptr_returners()
        # light facts only (stubs are sorted out by returns_of, when it matters)
        return name in err_ptr_returners() or any(self._may_err(f) for f in self.duplicates(callee))

    def may_call_err_ptr(self, fn: FunctionFacts) -> bool:
        """From the light facts only (no CFG decoded): does fn call something that
        may return an ERR_PTR?"""
        return any(self._may_err_name(n, fn.path) for n in fn.call_names)

    def _may_err_name(self, name: str, from_path: str) -> bool:
        if name in err_ptr_returners():
            return True
        g = self.resolve(name, from_path)
        return g is not None and self._may_err(g)

    def _may_err(self, fn: FunctionFacts) -> bool:
        """Light over-approximation (tokens, call names, return type): may fn
        return an ERR_PTR? It mentions ERR_PTR/ERR_CAST, or may pass on what a
        callee that may returns (through pointer-returning callees only: an int
        error becomes an ERR_PTR only through ERR_PTR/ERR_CAST, tokens)."""
        err_makers = err_ptr_returners()

        def makes_one(x):
            return "*" in x.return_type and (has_token(x, _ERR_MAKERS) or any(n in err_makers for n in x.call_names))

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

    def may_sleep(self, fn: FunctionFacts) -> tuple[bool, str]:
        """(may sleep, why): a direct sleeping call or blocking allocation, or a callee's.

        Computed per strongly connected component of the call graph (Tarjan,
        iterative): every member of a recursion cycle gets its answer when the
        whole cycle is known. (Memoising "does not sleep" for a function whose
        callee was still being computed made the answer depend on which function
        was asked first: `errpath contracts` then showed "may sleep gained" on
        functions nobody had touched.)"""
        r = self._sleep.get(id(fn))
        if r is not None:
            return r
        self._sleep_sccs(fn)
        return self._sleep[id(fn)]

    def _sleep_edges(self, fn: FunctionFacts) -> tuple[tuple | None, list]:
        """(the first direct reason fn sleeps, or None; [(call name, callee)] in
        call order up to that point)."""
        callees = []
        for n in fn.nodes:
            for c in n.calls:
                if c.name is None:
                    continue
                if is_sleeping_call(c.name):
                    return (True, f"{c.name}() at {fn.path}:{c.line}"), callees
                a = allocators().get(c.name)
                if a is not None:
                    idx = a[0]
                    if idx < 0 or (idx < len(c.arg_values) and _static_gfp(c.arg_values[idx], fn, n.id) == "yes"):
                        return (True, f"{c.name}() with a blocking gfp mask at {fn.path}:{c.line}"), callees
                    continue
                callee = self.resolve(c.name, fn.path)
                if callee is not None and callee is not fn:
                    callees.append((c.name, callee))
        return None, callees

    def _sleep_sccs(self, root: FunctionFacts) -> None:
        final = self._sleep
        index: dict[int, int] = {}
        low: dict[int, int] = {}
        edges: dict[int, tuple] = {}
        stack: list = []
        on_stack: set[int] = set()
        work = [(root, 0)]
        while work:
            fn, i = work.pop()
            k = id(fn)
            if i == 0:
                index[k] = low[k] = len(index)
                stack.append(fn)
                on_stack.add(k)
                edges[k] = self._sleep_edges(fn)
            direct, callees = edges[k]
            if i > 0:   # back from callees[i - 1]
                low[k] = min(low[k], low.get(id(callees[i - 1][1]), low[k]))
            descended = False
            while direct is None and i < len(callees):
                g = callees[i][1]
                gk = id(g)
                i += 1
                if gk in final:
                    continue
                if gk not in index:
                    work.append((fn, i))
                    work.append((g, 0))
                    descended = True
                    break
                if gk in on_stack:
                    low[k] = min(low[k], index[gk])
            if descended:
                continue
            if low[k] == index[k]:
                members = []
                while True:
                    w = stack.pop()
                    on_stack.discard(id(w))
                    members.append(w)
                    if w is fn:
                        break
                self._settle_sleep(members, edges)

    def _settle_sleep(self, members: list, edges: dict) -> None:
        """One answer per member of an SCC, each 'why' a chain that ends in a direct
        reason (rounds: members whose reason is already known come first)."""
        final = self._sleep
        known: dict[int, tuple] = {}
        pending = sorted(members, key=lambda f: (f.path, f.line, f.name))
        while pending:
            got = {}
            for fn in pending:
                direct, callees = edges[id(fn)]
                if direct is not None:
                    got[id(fn)] = direct
                    continue
                for name, g in callees:
                    r = final.get(id(g)) or known.get(id(g))
                    if r is not None and r[0]:
                        got[id(fn)] = (True, f"{name}() → {r[1]}")
                        break
            if not got:
                break
            known.update(got)
            pending = [f for f in pending if id(f) not in got]
        for fn in members:
            final[id(fn)] = known.get(id(fn), (False, ""))

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


def _static_gfp(val, fn: FunctionFacts, nid: int, depth: int = 0) -> str:
    """A cheap, path-insensitive gfp class (for may-sleep)."""
    if depth > 6:
        return "?"
    k = val[0]
    if k == "macro":
        r = mask_reclaims(val[1])
        return "?" if r is None else ("yes" if r else "no")
    if k == "bin" and val[1] == "|":
        a, b = _static_gfp(val[2], fn, nid, depth + 1), _static_gfp(val[3], fn, nid, depth + 1)
        return "yes" if "yes" in (a, b) else ("no" if a == b == "no" else "?")
    if k == "cond":   # flags & NOWAIT ? GFP_NOWAIT : GFP_NOFS: either arm may be taken
        a, b = _static_gfp(val[2], fn, nid, depth + 1), _static_gfp(val[3], fn, nid, depth + 1)
        return "yes" if "yes" in (a, b) else ("no" if a == b == "no" else "?")
    if k == "var":
        res = set()
        for d, v in fn.reaching(nid, val[1]):
            res.add(_static_gfp(v, fn, d, depth + 1) if d else "?")
        # "may sleep": one reaching blocking mask (`gfp = GFP_NOFS;` before an
        # `if (nowait) gfp = GFP_NOWAIT;`) is enough
        return "yes" if "yes" in res else ("no" if res == {"no"} else "?")
    return "?"


def build(index) -> Summaries:
    """The summaries of an index (lazy: nothing is computed until asked)."""
    return Summaries(index)


def describe(outs: dict) -> str:
    """'ERR_PTR(-ENOMEM), a valid pointer' — a short text of outcomes for evidence."""
    return ", ".join(sorted({describe_key(k) for k in outs})) or "nothing"


if sys.getrecursionlimit() < 20000:
    sys.setrecursionlimit(20000)


# ---------------------------------------------------------------------------
# blame across files: what the blamed commit did to a callee


def contract_at(engine, commit, paths, path: str, name: str, memo: dict | None = None,
                which: tuple[int, int, int] | None = None):
    """The contract of `name` in `path` at `commit`, summarised over `paths` (plus the
    headers they include), or None when it is not defined there. `which` = (nth,
    count, line) picks among same-named definitions of the file (FactsIndex.counterpart)."""
    key = (str(commit.id), tuple(sorted(paths)))
    index = memo.get(key) if memo is not None else None
    if index is None:
        files = []
        for p in sorted(paths):
            b = engine.repo.blob_id(commit, p)
            if b is not None:
                files.append((p, b))
        analyses = engine.analyse(commit, files)
        context = engine.analyse(commit, engine.context_files(commit, analyses))
        index = engine._index(analyses, context)
        if memo is not None:
            memo[key] = index
    fn = index.counterpart(path, name, *which) if which is not None else index.by_file.get(path, {}).get(name)
    if fn is None:
        return None, None
    return index.summaries.contract(fn), fn


def explain_blame(engine, finding, commit, memo: dict | None = None, changed: set[str] | None = None) -> list:
    """Evidence lines for a finding blamed on `commit` when that commit changed a
    function of another file the finding depends on: its contract before and after.
    `memo` (indexes per commit and file set) and `changed` (the commit's changed
    files) may be shared by the findings of one audit: many findings, few commits."""
    from .model import Evidence
    parents = list(commit.parents)
    if not parents:
        return []
    if changed is None:
        changed = engine.repo.changed_files(commit, [], (".c", ".h"))
    seen, out = set(), []
    memo = {} if memo is None else memo
    for e in finding.evidence:
        key = (e.path, e.function)
        if e.path not in changed or key in seen or e.path == finding.path and e.function == finding.function:
            continue
        seen.add(key)
        try:
            old, _ = contract_at(engine, parents[0], finding.depends_on, e.path, e.function, memo)
            new, fn = contract_at(engine, commit, finding.depends_on, e.path, e.function, memo)
        except Exception:   # an explanation must never break the audit
            continue
        if old == new or (old is None and new is None):
            continue
        sha = str(commit.id)[:12]
        changes = contract_changes(old, new) if old and new else []
        text = (f"{sha} changed {e.function}(): before: {old.text() if old else 'not defined'}; "
                f"after: {new.text() if new else 'not defined'}")
        if changes:
            text += f" ({'; '.join(changes)})"
        out.append(Evidence(e.path, fn.line if fn is not None else e.line, e.function, text))
        if len(out) >= 3:
            break
    return out
