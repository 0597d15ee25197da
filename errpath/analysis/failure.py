"""Failure of a call: which results of a callee mean it failed, which branches
are taken on that failure, and where an errno in hand is read or dropped.

One model for every rule (DESIGN.md, "What every error-path rule shares"):

* `callee_fails(ctx, fn, name)` -> `Fails`: how a call reports failure. From the
  callee's own summary when it is analysed (it returns a negative errno, an
  ERR_PTR, NULL, or also positive values: a count or a status, so that nonzero
  is not a failure; -1, 0 and 1 with no errno is a three-way comparison, not
  a failure), from `errpath/data` for callees outside the scope (the
  allocators' NULL, the ERR_PTR returners), otherwise presumed to follow the
  kernel convention (0 or a negative errno) with `known=False`.
* `failed_calls(ctx, fn, nid)` -> the calls whose failure every path to `nid`
  has tested, whatever the form of the test: `if (ret)`, `if (ret < 0)`,
  `if (!p)`, `if (IS_ERR(p))`, comparisons with 0 in either direction, the
  false side of a success test (`if (ret >= 0) ... else`), `WARN_ON()` or
  `unlikely()` around any of these (facts.TRANSPARENT_TESTS).  A test for one
  particular errno (`ret == -ENODEV`) is a decision about that errno, not a
  failure test: it is reported in `Failure.specific`.
* `reads(node, var)`: does the node read var (a use, `var |= ...`, `&var`).

The literals come from the facts' must-hold conditions, so a failure test
counts at every node it dominates on all paths, not only on the statement
right after it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..knowledge import name_list
from ..knowledge.tables import allocators, err_ptr_returners
from .formulas import atom_constraints

_IDENT = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True)
class Fails:
    neg: bool = False       # a negative errno in an int result
    pos: bool = False       # also positive non-error values: a nonzero test is not a failure test
    errptr: bool = False    # an ERR_PTR
    null: bool = False      # NULL (a failed allocation, or a miss)
    known: bool = False     # from a summary or the data; False: presumed from the kernel convention
    tolerated: bool = False  # callers may leave its failure unchecked (data/tolerated_failures.txt)
    status: bool = False    # a status constant of its channel (nfserr_*, NVME_SC_*): nonzero is failure


PRESUMED = Fails(neg=True, known=False)
NEVER = Fails(known=True)


@dataclass(frozen=True)
class Failure:
    var: str                # the variable holding the call's result
    call: str               # the callee
    kind: str               # "neg" (an errno in an int), "err" (ERR_PTR), "null"
    test_line: int          # where the failure is tested
    test_text: str
    def_lines: tuple        # where var was set from the call
    specific: bool          # a path decision on one particular errno (`== -ENODEV`) holds here


@lru_cache(maxsize=None)
def _tolerated_table() -> tuple[frozenset, tuple]:
    from ..knowledge import data_rows
    names = [r[0] for r in data_rows("tolerated_failures")]
    return (frozenset(n for n in names if not n.endswith("*")),
            tuple(n[:-1] for n in names if n.endswith("*")))


def tolerated(name: str) -> bool:
    """A call whose failure its callers may leave unchecked (see the data file)."""
    exact, prefixes = _tolerated_table()
    return name in exact or name.startswith(prefixes)


def _memo(ctx) -> dict:
    from errpath.analysis.shared import shared_for
    return shared_for(ctx.index).setdefault("failure-model", {})


def callee_fails(ctx, fn, name: str | None, depth: int = 0) -> Fails:
    """How a call to `name` from fn reports failure (see the module doc)."""
    if not name:
        return PRESUMED
    known = _from_tables(name)
    if known is not None:
        return known
    callee = ctx.function(name, fn.path) if ctx is not None else None
    if callee is None or callee is fn:
        return PRESUMED
    if depth > 2:
        return PRESUMED
    ch = error_channel(ctx, callee) if may_have_status(callee, ctx) else NO_CHANNEL
    if ch.kind == "status":
        # `return nfserr_inval;` ... `return nfs_ok;`: 0 (its success member) or a status
        return Fails(neg=ch.errno, status=True, known=True)
    # keyed by depth too: an answer computed two calls down sees less than one asked
    # for directly, and sharing it would make a finding depend on which rule or
    # function asked first (`--select` changed findings). Depth grows on every
    # nested ask, so a recursive cycle ends at the limit with no placeholder.
    memo = _memo(ctx)
    key = ("fails", id(callee), depth)
    got = memo.get(key)
    if got is None:
        got = memo[key] = _from_returns(ctx, callee, depth)
    return got


def _from_tables(name: str) -> Fails | None:
    """How `name` fails by errpath/data alone, or None when the tables do not say."""
    if tolerated(name):
        return Fails(neg=True, known=True, tolerated=True)
    if name in name_list("device_data_readers"):
        return NEVER    # le16_to_cpu(): a value read from device data, never an errno
    a = allocators().get(name)
    if a is not None:
        return Fails(null=a[1] == "null", known=True)
    if name in err_ptr_returners():
        return Fails(errptr=True, known=True)
    return None


def may_fail_with_null(ctx, fn, name: str | None, depth: int = 0) -> bool:
    """Can callee_fails(ctx, fn, name).null be true? From the tables and the light
    facts only (a callee's tokens and call names, two calls down as callee_fails
    looks): False means it is not, so a gate on it spares the callee's CFG. A
    callee that returns no pointer fails with NULL only by returning NULL itself
    or a callee's NULL (a typedef'd pointer: MPI)."""
    if not name:
        return False
    known = _from_tables(name)
    if known is not None:
        return known.null
    callee = ctx.function(name, fn.path) if ctx is not None else None
    if callee is None or callee is fn or depth > 2:
        return PRESUMED.null
    if callee.return_type.strip().endswith("*"):
        return True
    memo = _memo(ctx)
    key = ("may-null", id(callee), depth)
    got = memo.get(key)
    if got is None:
        null, sources = _returned_text(ctx, callee)
        got = memo[key] = null or any(may_fail_with_null(ctx, callee, n, depth + 1)
                                      for n in callee.call_names if sources is None or n in sources)
    return got


# what follows a `return`: a variable, a call's name, NULL
_RETURNED_WORD = re.compile(rb"\breturn\s*\(?\s*([A-Za-z_]\w*)")
_RETURN_MENTIONS_NULL = re.compile(rb"\breturn\b[^;]*\bNULL\b")
_CALLED_NAME = re.compile(rb"([A-Za-z_]\w*)\s*\(")
_ASSIGNED = re.compile(rb"(?<![\w.>])([A-Za-z_]\w*)\s*=(?!=)(?=([^;]*))")


def _returned_text(ctx, fn) -> tuple:
    """(may a NULL be returned, the names of the calls a returned value may come
    from, None for any) read from fn's text, memoised: what `_from_returns` could
    see, over-approximated (`return NULL`, `return x ? NULL : y`, `ret = NULL;
    ... return ret;`, `return f(...)`, `ret = f(...); ... return ret;`)."""
    memo = _memo(ctx)
    key = ("returned-text", id(fn))
    got = memo.get(key)
    if got is None:
        src = fn.source()
        if src is None:
            got = (True, None)
        else:
            words = set(_RETURNED_WORD.findall(src))
            null = b"NULL" in words or _RETURN_MENTIONS_NULL.search(src) is not None
            sources = {w.decode() for w in words}
            # one pass over every assignment, not a pattern per returned word (compiling
            # them cost more than the search); the lookahead keeps `a = b = f()` seen for b
            for m in _ASSIGNED.finditer(src):
                if m.group(1) in words:
                    null = null or b"NULL" in m.group(2)
                    sources.update(x.decode() for x in _CALLED_NAME.findall(m.group(2)))
            got = (null, frozenset(sources))
        memo[key] = got
    return got


def _from_returns(ctx, callee, depth: int) -> Fails:
    """The callee's own return statements (and, two calls down, its callees'):
    cheaper than a full summary and enough to tell an errno, an ERR_PTR, NULL
    and a count apart."""
    rt = callee.return_type.replace("static", "").replace("inline", "").strip()
    if rt == "void":
        return NEVER
    ptr = rt.endswith("*")
    neg = pos = errptr = null = unknown = False
    minus_one = plus_one = other_neg = False   # a three-way comparison's -1 / 0 / 1
    for r in callee.returns():
        v = r.ret
        if v is None:
            continue
        todo = [x for _, x in callee.reaching(r.id, v[1])] if v[0] == "var" else [v]
        while todo:
            x = todo.pop()
            k = x[0]
            if k == "cond":
                todo.extend(y for y in x[2:4] if isinstance(y, tuple))
            elif k == "errno" or k == "int" and x[1] < 0:
                neg = True
                if k == "int" and x[1] == -1:
                    minus_one = True
                else:
                    other_neg = True
            elif k == "int":
                pos = pos or x[1] > 0
                plus_one = plus_one or x[1] == 1
            elif k == "macro" and _failure_constant(x):
                neg = other_neg = True     # `return SBI_ERR_INVALID_PARAM;`: a negative status
            elif k == "errptr":
                errptr = True
            elif k == "null":
                null = True
            elif k == "unknown" and not ptr and str(x[1]).startswith("set by "):
                # `xa_alloc(&xa, &id, ...); return id;`: a value a callee stored
                # through &id (an id, a count), not an errno; still no evidence of
                # one, so the function's errno is presumed unless it returns one
                pos = unknown = True
            elif k == "call" and x[1]:
                f = callee_fails(ctx, callee, x[1], depth + 1)
                if not f.known:
                    unknown = True   # a presumed errno is no evidence of one
                    pos = pos or f.pos
                    continue
                neg, pos, errptr, null = neg or f.neg, pos or f.pos, errptr or f.errptr, null or f.null
                other_neg = other_neg or f.neg
            elif ptr or k in ("call", "param", "uninit", "unknown"):
                unknown = True
            else:
                pos = True     # a field, a counter, an expression: a value, not an errno
    pos = pos or rt in ("bool", "_Bool")
    if rt in ("bool", "_Bool"):
        # a negative errno returned as bool arrives as true: whatever the body
        # hands up, the caller gets yes or no, never an errno to lose
        return Fails(pos=True, known=True)
    if minus_one and plus_one and not (other_neg or unknown or ptr):
        # -1, 0 and 1 and no errno (strcmp(), a sort's compare, iface_cmp()): an
        # order, not a failure; `if (cmp(a, b) < 0)` picks a side
        return Fails(pos=True, known=True)
    if unknown and not (neg or errptr):
        return Fails(neg=not ptr, null=ptr, errptr=ptr, pos=pos, known=False)
    return Fails(neg=neg, pos=pos, errptr=errptr, null=null, known=True)


def _returns_a_count(fn) -> bool:
    """Does fn return a value that is neither an errno, 0, nor a call's result
    (a field, a counter, an expression: `return p->nr_users;`)?"""
    for r in fn.returns():
        v = r.ret
        if v is None or v[0] in ("errno", "call", "errptr", "null"):
            continue
        if v[0] == "int":
            if v[1] > 0:
                return True
            continue
        if v[0] == "var":
            for _, dv in fn.reaching(r.id, v[1]):
                if dv[0] in ("errno", "call") or dv == ("int", 0) or dv[0] == "int" and dv[1] < 0:
                    continue
                return True
            continue
        return True
    return False


def errno_channel(ctx, fn) -> bool:
    """Does fn report failure through its int result as a negative errno? It
    returns one (`return -EIO;`, `ret = -EIO; ... return ret;`, an errno-returning
    callee's result), or a caller in the index treats its result as one (tests it
    `if (ret < 0)`, or returns it; `if (!ret)` may test a 0/1 result). A function whose 0 is its failure
    (a clock rate, an rx_fixup), a delay, or a handler that always says 0 to a
    caller that ignores it has no such channel."""
    memo = _memo(ctx) if ctx is not None else {}
    key = ("channel", id(fn))
    got = memo.get(key)
    if got is None:
        got = memo[key] = _errno_channel(ctx, fn)
    return got


def _negative(v) -> bool:
    return v[0] == "errno" or v[0] == "int" and v[1] < 0


def _errno_channel(ctx, fn) -> bool:
    for r in fn.returns():
        v = r.ret
        if v is None:
            continue
        if _negative(v):
            return True
        if v[0] == "var" and any(var == v[1] and (c if pol else nc) in ("nz", "neg")
                                 for atom, pol in fn.must_hold(r.id)
                                 for var, c, nc in atom_constraints(atom)):
            return True    # `if (ret) return ret;`: a call's failure handed up
        vals = [x for _, x in fn.reaching(r.id, v[1])] if v[0] == "var" else [v]
        for x in vals:
            if _negative(x):
                return True
            # another call's result handed up: an errno when that callee fails so
            # (or follows the convention: a callback through a pointer)
            if x[0] == "call" and ctx is not None:
                f = callee_fails(ctx, fn, x[1])
                if f.neg and not f.pos and not (f.known is False and x[1] and v[0] == "var"):
                    return True
    summaries = getattr(ctx, "summaries", None)
    if summaries is None:
        return False
    for g, c in summaries.callers(fn)[:20]:
        if c.result is None:
            node = g.nodes[c.node]
            if node.kind == "return":
                return True    # `return fn(...);`: handed up as the caller's own result
            continue
        var = c.result
        for r in g.returns():
            if r.ret == ("var", var):
                return True
        for n in g.nodes:
            if n.kind == "cond":
                for atom, _ in n.true_lits:
                    for v, t, _f in atom_constraints(atom):
                        if v == var and t == "neg":
                            return True
    return False


def reads(node, var: str) -> bool:
    """Does node read var: an identifier use, a compound assignment or
    increment of it, or its address handed to a call."""
    if var in node.uses:
        return True
    for v, val in node.defs:
        if v == var and val[0] == "unknown":
            return True    # &var given to a call: it may read it
        if _mentions(val, var):
            return True
    return False


def _mentions(val, var: str) -> bool:
    if not isinstance(val, tuple):
        return False
    if len(val) == 2 and val[0] == "var" and val[1] == var:
        return True
    return any(_mentions(x, var) for x in val[1:] if isinstance(x, tuple))


def _failing_constraint(c, fails: Fails) -> str | None:
    """Is a value constraint a failure of a call that fails so? The kind, or None."""
    if c == "neg":
        return "neg" if fails.neg else None
    if isinstance(c, tuple) and c[0] == "eq":
        return "neg" if fails.neg else None
    if isinstance(c, tuple) and c[0] == "eqp":
        return "err" if fails.errptr else None
    if c == "nz":
        if fails.status and not fails.pos:
            return "status"
        return "neg" if fails.neg and not fails.pos and not fails.null and not fails.errptr else None
    if c == "err":
        return "err" if fails.errptr or not fails.known else None
    if c == "eon":   # IS_ERR_OR_NULL(): a NULL may be the normal "none"
        return "err" if fails.errptr and fails.known and not fails.null else None
    if c == "z":
        return "null" if fails.null and fails.known else None
    return None


def failed_calls(ctx, fn, nid: int, lits=None) -> list[Failure]:
    """The calls whose failure is tested true on every path to nid (or by lits)."""
    if lits is None:
        lits = fn.must_hold(nid)
    out: dict[str, Failure] = {}
    specific: set[str] = set()
    for atom, pol in lits:
        for var, if_true, if_false in atom_constraints(atom) or success_comparison(atom):
            c = if_true if pol else if_false
            if c is None:
                continue
            if isinstance(c, tuple) and c[0] in ("eq", "eqp"):
                specific.add(var)
            if var in out:
                continue
            defs = fn.reaching(nid, var)
            if not defs or any(v[0] != "call" or not v[1] for _, v in defs):
                continue
            names = sorted({v[1] for _, v in defs})
            fails = [callee_fails(ctx, fn, n) for n in names]
            if any(f.tolerated for f in fails):
                continue    # an optional property's -EINVAL: "absent", not a failure
            if c == "nz" and not all(f.known for f in fails) and not (
                    int_local(fn, var) and ERROR_NAME.fullmatch(var)):
                # `if (p)`, `if (count)` on an unknown call: a pointer, a bool or a
                # count is not an errno; only the kernel's error variables are
                continue
            kinds = {_failing_constraint(c, f) for f in fails}
            if len(kinds) != 1 or None in kinds:
                continue
            test = _test_node(fn, nid, atom)
            out[var] = Failure(var, names[0], kinds.pop(), test.line if test else fn.nodes[nid].line,
                               test.text if test else atom,
                               tuple(sorted(fn.nodes[d].line for d, _ in defs)), False)
    # `ret = PTR_ERR(p); if (ret == -ENOENT) return 0;`: a decision on one errno,
    # whichever variable it is tested in
    anyspecific = bool(specific)
    return [Failure(f.var, f.call, f.kind, f.test_line, f.test_text, f.def_lines, anyspecific)
            for f in out.values()]


# the names the kernel gives a variable that holds 0 or a negative errno
ERROR_NAME = re.compile(r"(?:ret|err|error|rc|retval|rval|rv|ret_val|r)\d?")
_INT_TYPES = frozenset({"__be32", "int", "long", "s32", "s64", "ssize_t", "int32_t", "blk_status_t", "vm_fault_t"})


@lru_cache(maxsize=4096)
def _pointer_declarator(var: str) -> re.Pattern:
    return re.compile(r"\*\s*" + re.escape(var) + r"\b")


def int_local(fn, var: str) -> bool:
    """Is var a local declared with a plain signed integer type (`int ret;`)?"""
    for n in fn.nodes:
        if n.kind == "decl" and any(v == var for v, _ in n.defs):
            head = n.text.split("=")[0]
            if _pointer_declarator(var).search(head):
                return False
            words = re.findall(r"[A-Za-z_]\w*", head)
            return bool(words) and words[0] in _INT_TYPES or (len(words) > 1 and words[0] in (
                "signed", "long", "const") and words[1] in _INT_TYPES)
    return False


def _test_node(fn, nid: int, atom: str):
    for p in range(nid - 1, 0, -1):
        n = fn.nodes[p]
        if n.kind == "cond" and any(a == atom for a, _ in n.true_lits | n.false_lits):
            return n
    return None


def is_errno_value(val) -> bool:
    """A negative errno constant (-EINVAL, -1 is not one)."""
    return val[0] == "errno"


_CALL_CMP = re.compile(r"(?P<call>[A-Za-z_]\w*\(.*\))(?P<op><0|!=0|<=-1)|0(?P<rop>>|!=)(?P<rcall>[A-Za-z_]\w*\(.*\))")


def tested_call_failures(ctx, fn, cond, edge: bool) -> list[Failure]:
    """Calls whose result is tested right in the condition (`if (account(n))`,
    `if (setup(x) < 0)`) and whose failure taking `edge` out of cond means,
    from the callee's own returns or the data (a presumed errno is no
    evidence: `if (is_ready(x))` may be a yes/no answer)."""
    out = []
    for atom, pol in (cond.true_lits if edge else cond.false_lits):
        truth = None
        m = _CALL_CMP.fullmatch(atom)
        if m:
            text, truth = (m.group("call") or m.group("rcall")), ("cmp", pol)
        else:
            text, truth = atom, ("nz", pol)
        call = next((c for c in cond.calls if c.name and
                     text == f"{c.name}({','.join(c.args)})".replace(" ", "")), None)
        if call is None or call.name.isupper() or call.name.startswith("IS_ERR"):
            continue
        f = callee_fails(ctx, fn, call.name)
        if not f.known or f.tolerated or not f.neg or not pol:
            continue
        if truth[0] == "nz" and (f.pos or f.null or f.errptr):
            continue    # nonzero is also a count or a yes: not a failure test
        out.append(Failure("", call.name, "neg", cond.line, cond.text, (cond.line,), False))
    return out


def callers_use_result(ctx, fn):
    """Do fn's callers in the index use its result: True when one assigns, tests
    or returns it; False when every caller drops it (`fn(dev);` as a
    statement: an errno lost inside fn changes nothing); None when no caller is
    in the index (an ops callback, an exported function)."""
    summaries = getattr(ctx, "summaries", None)
    if summaries is None:
        return None
    memo = _memo(ctx)
    key = ("callers-use", id(fn))
    if key in memo:
        return memo[key]
    seen = False
    got = None
    for g, c in summaries.callers(fn)[:40]:
        seen = True
        node = g.nodes[c.node]
        if c.result is not None or node.kind in ("return", "cond", "switch", "loop"):
            got = True
            break
    else:
        got = False if seen else None
    memo[key] = got
    return got


# -- the error channel of a function ------------------------------------------------

# a constant that names success (nfs_ok, NVME_SC_SUCCESS, SBI_SUCCESS, STATUS_SUCCESS)
_SUCCESS_NAME = re.compile(r"(?i)(?:^|_)(?:ok|success)$")
# `status != nfs_ok`, `nfs_ok == status`
_CMP_NAME = re.compile(r"\(?([A-Za-z_][\w>.-]*)(==|!=)([A-Za-z_]\w*)\)?")


def success_comparison(atom: str) -> tuple:
    """`status != nfs_ok` is `status` nonzero when nfs_ok is a success constant
    (atom_constraints' shape: (var, if true, if false))."""
    m = _CMP_NAME.fullmatch(atom)
    if not m or not _success_constant(m.group(3)):
        return ()
    return ((m.group(1), "nz", "z"),) if m.group(2) == "!=" else ((m.group(1), "z", "nz"),)


@lru_cache(maxsize=None)
def _status_table() -> dict:
    from ..knowledge import data_rows
    return {r[0]: r[1] for r in data_rows("status_channels")}


def may_have_status(fn, ctx=None) -> bool:
    """Can fn have a status channel at all? It names a constant of a known status
    family or a success member (`nfs_ok`, `*_SUCCESS`): a test on its identifier
    set that spares callers the function's reaching definitions (error_channel).
    Memoised per function when ctx is given."""
    memo = _memo(ctx) if ctx is not None else {}
    key = ("may-have-status", id(fn))
    got = memo.get(key)
    if got is None:
        toks = getattr(fn, "_tokens", None) or fn.text_tokens
        prefixes = tuple(_status_table())
        got = memo[key] = any(t.startswith(prefixes) or _success_constant(t) for t in toks)
    return got


def _success_constant(name: str) -> bool:
    return bool(_SUCCESS_NAME.search(name)) or name in _status_table().values()


def _family(name: str) -> str:
    """A constant's family: its name up to the last '_' of its first two words
    (nfserr_inval -> nfserr_, NVME_SC_INTERNAL -> NVME_SC_, SBI_ERR_DENIED -> SBI_ERR_)."""
    for prefix in _status_table():
        if name.startswith(prefix):
            return prefix
    parts = name.split("_")
    if len(parts) <= 2:
        return parts[0] + "_"
    return "_".join(parts[:2]) + "_"


@dataclass(frozen=True)
class Channel:
    """How a function tells its caller that it failed, learnt from its own code.

    kind: "errno" (0 or a negative errno in an int), "status" (a family of
    status constants, one of them success: nfserr_* and nfs_ok, NVME_SC_* and
    0), "pointer" (NULL or an ERR_PTR on failure, another pointer on success),
    or "none" (void, bool, a value with no failure in it).
    success: the named constants meaning success (0 always does for errno and
    status channels). families: the status families' prefixes. errno: the
    function also returns negative errnos."""
    kind: str
    success: frozenset = frozenset()
    families: frozenset = frozenset()
    errno: bool = False
    output: str = ""        # a status output the failure paths store into (`cmd->result`, `*errp`)
    output_stores: tuple = ()   # the nodes storing a failure there

    def is_success(self, val) -> bool:
        """Is val the channel's success value? For a pointer channel only an
        address taken (`&node->base`): never NULL."""
        if self.kind == "pointer":
            return val[0] == "un" and val[1] == "&"
        if val == ("int", 0):
            return True
        return val[0] in ("var", "macro", "unknown") and val[1] in self.success

    def is_failure(self, val) -> bool:
        """Is val one of the channel's failure values (an errno, NULL, an ERR_PTR,
        a status constant of its family other than success)?"""
        k = val[0]
        if k == "errno" or k == "int" and val[1] < 0 or k in ("errptr", "ptrerr"):
            return True
        if k == "null":
            return self.kind == "pointer"
        if k == "bin" and val[1] == "|":
            return self.is_failure(val[2]) or self.is_failure(val[3])
        if self.kind == "status" and k in ("var", "macro", "unknown") and isinstance(val[1], str):
            return val[1] not in self.success and _family(val[1]) in self.families
        return False


NO_CHANNEL = Channel("none")


def error_channel(ctx, fn) -> Channel:
    """fn's error channel (see Channel), memoised per function."""
    memo = _memo(ctx) if ctx is not None else {}
    key = ("error-channel", id(fn))
    got = memo.get(key)
    if got is None:
        got = _learn_result_channel(fn)
        if got.kind == "none" and fn.return_type.strip().endswith("*") and _callers_test_pointer(ctx, fn):
            got = Channel("pointer")
        out, stores = status_output(ctx, fn)
        if out:
            got = Channel(got.kind, got.success, got.families, got.errno, out, stores)
        memo[key] = got
    return got


def status_output(ctx, fn) -> tuple:
    """(lvalue, storing nodes) of fn's status output (Channel.output), ("", ())
    when it has none; memoised per function. Cheaper than error_channel() when
    only the output is wanted: it needs no reaching definitions of the returns."""
    memo = _memo(ctx) if ctx is not None else {}
    key = ("status-output", id(fn))
    got = memo.get(key)
    if got is None:
        got = memo[key] = _output(fn)
    return got


def _callers_test_pointer(ctx, fn) -> bool:
    """Does a caller in the index test fn's pointer result for NULL or an ERR_PTR
    right after the call (`p = fn(...); if (!p) return -ENOMEM;`)?"""
    summaries = getattr(ctx, "summaries", None)
    if summaries is None:
        return False
    for g, c in summaries.callers(fn)[:20]:
        if c.result is None:
            continue
        for n in g.nodes[c.node + 1:c.node + 4]:
            if n.kind == "cond" and any(v == c.result and (t in ("z", "err") or f in ("z", "err"))
                                        for atom, _ in n.true_lits for v, t, f in atom_constraints(atom)):
                return True
    return False


def _constant_name(fn, val):
    """The name of a constant value: an ALL_CAPS macro, or an identifier that is
    neither a local nor a parameter (nfserr_inval), the first of an `A | B`."""
    k = val[0]
    if k == "macro":
        return val[1]
    if k == "bin" and val[1] == "|":
        return _constant_name(fn, val[2])
    if k == "unknown" and isinstance(val[1], str) and _IDENT.fullmatch(val[1]) and val[1] not in fn.params:
        return val[1]
    return None


def _returned_values(fn):
    """(return node, value) for every value fn may return, through a variable too."""
    for r in fn.returns():
        v = r.ret
        if v is None:
            continue
        if v[0] == "var":
            defs = fn.reaching(r.id, v[1])
            for _, x in defs:
                yield r, x
            if not defs:
                yield r, ("unknown", v[1])    # no definition in fn: a global or a constant (nfs_ok)
        else:
            yield r, v


# an lvalue rooted at a parameter: `cmd->result`, `req->rsp.status`, `*errp`
_PARAM_LVALUE = re.compile(r"\*?\(?([A-Za-z_]\w*)\)?(?:(?:->|\.)[A-Za-z_]\w*)*")


def _failure_constant(val) -> bool:
    """A value that is a failure whatever the function: a negative errno or int, a
    PTR_ERR(), a constant of a table family's failure members (SBI_ERR_*)."""
    k = val[0]
    if k == "errno" or k == "int" and val[1] < 0 or k == "ptrerr":
        return True
    if k == "bin" and val[1] == "|":
        return _failure_constant(val[2]) or _failure_constant(val[3])
    return k in ("macro", "var", "unknown") and isinstance(val[1], str) and any(
        val[1].startswith(p) for p in _status_table()) and not _success_constant(val[1])


def _output(fn):
    """(lvalue, storing nodes) of a status output: a parameter's field (or *param)
    that fn stores a failure into on some path (`cmd->result = -ENOMEM;`, `*errp =
    err;` with err an errno there), and stores into on another path too (its
    success or a result); ("", ()) when none."""
    stores: dict[str, list] = {}
    fails: dict[str, list] = {}
    for n in fn.nodes:
        for v, val in n.defs:
            if v in fn.params or ("->" not in v and "." not in v and not v.startswith("*")):
                continue
            m = _PARAM_LVALUE.fullmatch(v)
            if not m or m.group(1) not in fn.params:
                continue
            stores.setdefault(v, []).append(n.id)
            vals = [x for _, x in fn.reaching(n.id, val[1])] if val[0] == "var" else [val]
            if any(_failure_constant(x) for x in vals):
                fails.setdefault(v, []).append(n.id)
    best = max(fails, key=lambda v: len(fails[v]), default="")
    return (best, tuple(fails[best])) if best else ("", ())


def _learn_result_channel(fn) -> Channel:
    rt = fn.return_type.replace("static", "").replace("inline", "").strip()
    if rt == "void" or rt in ("bool", "_Bool"):
        return NO_CHANNEL
    if rt.endswith("*"):
        # a failure returned as written first: most pointer functions need no reaching definitions
        if any(r.ret is not None and r.ret[0] in ("null", "errptr", "errcast") for r in fn.returns()) or any(
                x[0] in ("null", "errptr", "errcast") for _, x in _returned_values(fn)) or any(
                r.ret is not None and r.ret[0] == "var" and (r.ret[1], False) in fn.must_hold(r.id)
                for r in fn.returns()):
            return Channel("pointer")    # `if (!p) return p;` hands a NULL up too
        return NO_CHANNEL
    values = list(_returned_values(fn))
    errno = any(x[0] == "errno" or x[0] == "int" and x[1] < 0 for _, x in values)
    names = {n for _, x in values for n in [_constant_name(fn, x)] if n}
    success = {n for n in names if _success_constant(n)}
    # success compared before a result is handed up (`if (status != nfs_ok) return status;`)
    for n in fn.nodes:
        if n.kind == "cond":
            for atom, _ in n.true_lits:
                m = _CMP_NAME.fullmatch(atom)
                if m and _success_constant(m.group(3)):
                    success.add(m.group(3))
    failures = names - success
    fams = {_family(n) for n in failures}
    # a family is a status channel only with its success member in view (returned,
    # compared with, or named by the table), or 0 returned next to it
    zero = any(x == ("int", 0) for _, x in values)
    known = {_family(s) for s in success} | {p for p, s in _status_table().items() if s in success}
    fams = {f for f in fams if f in known or f in _status_table() or any(
        s.startswith(f.rstrip("_")[:3]) for s in success)}
    success |= {_status_table()[f] for f in fams if f in _status_table()}
    if any(_family(n) not in fams for n in failures):
        # `return SBI_HSM_STATE_STOPPED;` next to `return SBI_ERR_INVALID_PARAM;`: values
        # as well as failures, so a nonzero result is not a failure (callee_fails reads it)
        fams = set()
    if fams and (success or zero):
        return Channel("status", frozenset(success), frozenset(fams), errno)
    if errno:
        return Channel("errno", errno=True)
    return NO_CHANNEL
