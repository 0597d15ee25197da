"""A call that may sleep on a path where a NOWAIT flag says the caller must not block.

What it finds
-------------
A path on which a NOWAIT flag is known to be set — the then-branch of
`if (iocb->ki_flags & IOCB_NOWAIT)` (also `IOMAP_NOWAIT`, `REQ_NOWAIT`,
`FGP_NOWAIT`, `RWF_NOWAIT`), the code after `kiocb->ki_flags |= IOCB_NOWAIT`,
a `nowait` bool derived from such a flag, or a `nowait` parameter (a local
`nowait` computed from something else, such as md's AND of every member's
bdev_nowait(), says what the device can do, not that this caller must not
block) — that reaches a call which may
sleep: a sleeping lock (`mutex_lock`, `down_read`, `inode_lock_shared`,
`folio_lock`, ...), a wait (`inode_dio_wait`, `wait_event*`,
`wait_for_completion*`, `filemap_write_and_wait*`), a sleep (`msleep`,
`schedule*`), freeze protection (`sb_start_write`), or a function of the
analysed code (or a header) that sleeps on every path through it, or a call
with a non-blocking twin (`xfs_ilock()` beside `xfs_ilock_nowait()`, `foo()`
beside `foo_trylock()`, defined in the analysed code or called in the same
file): the plain one is the blocking one, also when it sleeps only for the lock
mode it is given (a definition that is read must be able to sleep; one that is
not read gives medium confidence). The lists
are `errpath/data/sleeping_functions.txt` (lock, wait, sleep and freeze kinds;
not page faults) and `nonblocking_variants.txt`. An allocation that may enter
direct reclaim (`GFP_KERNEL`) is reported only inside the NOWAIT branch itself
(the flag holds on every path to it): elsewhere the kernel accepts reclaim on
NOWAIT paths (iomap allocates its dio with GFP_KERNEL under IOCB_NOWAIT).

The search is path-sensitive: a branch that contradicts what the path already
knows (`if (nowait) ... else inode_lock()`, or the false side of
`if ((iocb->ki_flags & IOCB_NOWAIT) && unaligned) return -EAGAIN;` followed by
`if (unaligned) inode_dio_wait()`) is not taken, and a path that clears the
flag (`flags &= ~IOCB_NOWAIT`) ends there. Trylocks never sleep. What a
callee returns when the flag is set comes from the summaries: after
`err = buffered_write(iocb, from)` where the callee returns -EOPNOTSUPP
whenever IOCB_NOWAIT is set, `if (err < 0) return err;` is certain, so the
wait after it is not on a NOWAIT path; a constant assignment (`ret = -EIO;`)
is known the same way. A wait that only waits while a condition holds
(`folio_wait_writeback()` while `folio_test_writeback()`,
`errpath/data/conditional_sleepers.txt`) is not reported where the path has
tested that condition false.

Confidence is **high** when the flag holds on every path to the call, and
**medium** when it holds on some path or the sleep is inside a callee (the
evidence shows the chain).

Not reported: a wait reached only when the write asked for durability (every
way to it passes `IS_SYNC(inode)`, `O_DSYNC`, `IOCB_DSYNC`): the flush after the
data is written is what O_SYNC means, and xfs and ext4 run generic_write_sync()
there with IOCB_NOWAIT set too.

**Low**, with the reason in the evidence: a sleep in a file whose
file_operations never set FMODE_NOWAIT (RWF_NOWAIT and aio are refused there,
so the flag arrives only from io_uring on a file opened O_NONBLOCK); and a lock
taken where the flag comes from the caller, in a function that tests the flag
itself further on, where it would wait (pipe_read() takes pipe->mutex, and
returns -EAGAIN under IOCB_NOWAIT before it waits for data: the lock is the
short one around the copy).

The same contract with the flag the other way round: a crypto algorithm's
request operations (`.encrypt`, `.decrypt`, `.compute_shared_secret`,
`.generate_public_key`, an ahash's `.update`/`.final`/`.finup`/`.digest`, of
the skcipher/aead/akcipher/kpp/ahash algorithms a file registers) are called
in atomic context (IPsec from softirq) unless the request carries
`CRYPTO_TFM_REQ_MAY_SLEEP`. A sleep reachable from such an operation, in it or
in a static helper of its file, on a path that never tests that flag, is
reported where it sleeps: a `GFP_KERNEL` allocation, a mutex, a wait,
`msleep()`. **Medium** for skcipher and aead `.encrypt`/`.decrypt` (IPsec and
dm-crypt issue those from softirq); **low** for kpp, akcipher and ahash
operations, whose in-tree users all sleep (a contract break no caller trips
over today). A GFP chosen from the flag, a sleep behind a test of it or of the
context (`in_task()`, `!in_atomic()`), and the crypto engine's
`.do_one_request` worker (process context) are not reported.

Stretch, at **low** confidence: a function that sets `IOCB_DIO_CALLER_COMP`
hands `inode_dio_end()` to the issuing task's task_work; if the same function
can then reach `inode_dio_wait()` synchronously, the task waits for work only
it can run (the IOCB_DIO_CALLER_COMP self-deadlock).

Why it matters
--------------
io_uring and AIO issue I/O with IOCB_NOWAIT from the submitting task and fall
back to a worker only when the call returns -EAGAIN. A NOWAIT path that sleeps
stalls the submitter (and with it every request behind it in the ring) and
defeats the contract the file advertised with FMODE_NOWAIT. Real cases:
io_uring took `sb_start_write()` on a write it had marked IOCB_NOWAIT (fixed
with `sb_start_write_trylock()`), and ext4 direct reads took
`inode_lock_shared()` under IOCB_NOWAIT (fixed with `inode_trylock_shared()`).

Example
-------
    if (iocb->ki_flags & IOCB_NOWAIT) {
            if (!can_do_fast(inode))
                    return -EAGAIN;
    }
    inode_lock_shared(inode);

Use instead
-----------
    if (iocb->ki_flags & IOCB_NOWAIT) {
            if (!inode_trylock_shared(inode))
                    return -EAGAIN;
    } else {
            inode_lock_shared(inode);
    }

Known false positives
---------------------
A lock that is never contended while the flag is set (documented by the
subsystem, not visible in the code). Correlations the path search cannot see:
two different variables that always hold the same truth value, or a value
computed by a callee. Callees are followed only when they sleep on every path
through them or have a non-blocking twin, so a helper that sleeps only for some
arguments and has no twin is never blamed.

References
----------
- The IOCB_DIO_CALLER_COMP deadlock (the "task hung in ext4_fallocate #2"
  thread, Jens Axboe and Dave Chinner, Oct 2023); 838b35bb6a89 ("io_uring/rw: disable
  IOCB_DIO_CALLER_COMP"), which Fixes: 099ada2c8726 ("io_uring/rw: add write
  support for IOCB_DIO_CALLER_COMP").
- 548feebec7e9 ("ext4: update direct I/O read lock pattern for IOCB_NOWAIT"),
  Fixes: 16c54688592c ("ext4: Allow parallel DIO reads"): `inode_lock_shared()`
  became `inode_trylock_shared()` under IOCB_NOWAIT. (The buggy function never
  tested the flag itself — the flag came from the caller through
  `->read_iter` — so this rule, which needs the flag on a path it can see,
  would not have reported that version.)
- io_uring's write path calls `sb_start_write_trylock()` under IOCB_NOWAIT
  (`io_kiocb_start_write()` in io_uring/rw.c of Linux 6.12).
- xfs's `xfs_ilock_iocb()`: the trylock-under-NOWAIT shape this rule must not
  report.
- "crypto: hisilicon/hpre - fix GFP flags for dma_alloc_coherent" (Linux 6.12.117
  stable): the ECDH request path allocated with GFP_KERNEL whatever the
  request's CRYPTO_TFM_REQ_MAY_SLEEP said.
"""
# Size: over 800 lines because it is one rule, and one rule is one file (the
# layout of rules/ and --rules-dir). Everything here is this rule's policy on
# NOWAIT paths (what counts as "NOWAIT is set", what may sleep, the path
# search); its shared pieces (formula, PathState, mask_alternatives, memo)
# already live in errpath.analysis and come through errpath.api.
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from functools import lru_cache

from errpath.api import Evidence, PathState, Rule, formula, mask_alternatives, memo, table

MAX_STEPS = 4000         # path-search states per function
MAX_SOURCES = 40         # NOWAIT sources per function
MAX_CALLEE_DEPTH = 3
NOWAIT_NAMES = frozenset({"nowait", "no_wait"})


@lru_cache(maxsize=None)
def nowait_flags() -> frozenset[str]:
    return frozenset(table("nowait_flags"))


SLEEP_KINDS = frozenset({"lock", "wait", "sleep", "freeze"})
NOT_BLOCKING = frozenset({"vfree"})   # may sleep, but never waits on a lock, I/O or an event


@lru_cache(maxsize=None)
def _sleep_table() -> tuple[dict[str, str], tuple[str, ...]]:
    variants = {n: (r[0] if r else "-") for n, r in table("nonblocking_variants").items()}
    exact = {n: variants.get(n, "-") for n, r in table("sleeping_functions").items()
             if (r[0] if r else "lock") in SLEEP_KINDS and n not in NOT_BLOCKING}
    for n in variants:
        exact.setdefault(n, variants[n])
    prefixes = tuple(n[:-1] for n in table("may_sleep_prefixes") if n.endswith("*"))
    return exact, prefixes


def sleeping_variant(name: str | None) -> str | None:
    """None when the call does not sleep; else its non-blocking variant ("-" if none)."""
    if not name:
        return None
    exact, prefixes = _sleep_table()
    if name in exact:
        return exact[name]
    if name.startswith(prefixes):
        return "-"
    return None


# ---------------------------------------------------------------------------
# what counts as "NOWAIT is set"


def flag_in(value, flags: frozenset) -> bool:
    """Does the value OR a NOWAIT flag in (x | IOCB_NOWAIT, IOCB_NOWAIT)?"""
    k = value[0]
    if k == "macro":
        return value[1] in flags
    if k == "bin" and value[1] == "|":
        return flag_in(value[2], flags) or flag_in(value[3], flags)
    if k == "cond":
        return False
    return False


def flag_test(value, flags: frozenset) -> str | None:
    """The flag word of `x & NOWAIT` (also `!!(x & NOWAIT)` and
    `x & NOWAIT ? 1 : 0`), else None."""
    k = value[0]
    if k == "cond" and len(value[1]) == 1 and value[2][0] == value[3][0] == "int":
        (atom, polarity), = tuple(value[1])
        split = _split_test(atom, flags)
        if split is not None and bool(value[2][1]) == polarity and bool(value[3][1]) != polarity:
            return split[0]
    if k == "un" and value[1] == "!" and value[2][0] == "un" and value[2][1] == "!":
        return flag_test(value[2][2], flags)
    if k == "bin" and value[1] == "&":
        a, b = value[2], value[3]
        if b[0] == "macro" and b[1] in flags and a[0] in ("var", "field"):
            return a[1]
        if a[0] == "macro" and a[1] in flags and b[0] in ("var", "field"):
            return b[1]
    return None


def _split_test(atom: str, flags: frozenset) -> tuple[str, str] | None:
    """'iocb->ki_flags&IOCB_NOWAIT' → ('iocb->ki_flags', 'IOCB_NOWAIT')."""
    if atom.count("&") != 1 or "&&" in atom:
        return None
    a, b = atom.split("&")
    a, b = a.strip("()"), b.strip("()")
    if b in flags and a:
        return a, b
    if a in flags and b:
        return b, a
    return None


@dataclass(frozen=True)
class Meaning:
    holder: str       # the flag word or the bool variable
    flag: str         # IOCB_NOWAIT, ... or the bool's name
    set: bool         # the literal says the flag is set (True) or clear


def literal_meaning(fn, node_id: int, atom: str, polarity: bool, flags: frozenset) -> Meaning | None:
    split = _split_test(atom, flags)
    if split is not None:
        return Meaning(split[0], split[1], polarity)
    if atom.isidentifier():
        defs = fn.reaching(node_id, atom)
        if defs and all(flag_test(v, flags) for _, v in defs):
            return Meaning(atom, _flag_name(defs[0][1], flags), polarity)
        # By name only for the caller's bool: a local the function computes
        # itself (md_run's `nowait = nowait && bdev_nowait(bdev)`) is a
        # capability it advertises, not a request not to block.
        if atom in NOWAIT_NAMES and (not defs or any(v[0] == "param" for _, v in defs)):
            return Meaning(atom, atom, polarity)
    return None


def _flag_name(value, flags) -> str:
    """The first NOWAIT flag named anywhere in a value."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, tuple):
            if len(v) == 2 and v[0] == "macro" and v[1] in flags:
                return v[1]
            stack.extend(reversed(v))
    return "NOWAIT"


# ---------------------------------------------------------------------------
# what may sleep


@dataclass(frozen=True)
class Sleep:
    call: object          # facts Call in the function being checked
    what: str             # the sleeping primitive at the end of the chain
    chain: tuple          # Evidence from the call down to the primitive
    files: frozenset
    fix: str              # a non-blocking variant, "-" when none
    note: str = ""        # why a call not in the tables sleeps (a blocking twin)
    unseen: bool = False  # the callee's definition was not read


def _reclaim_alloc(fn, call) -> bool:
    from errpath.api import allocator
    alloc = allocator(call.name)
    if alloc is None or alloc.gfp is None or alloc.gfp >= len(call.arg_values):
        return False
    alts = mask_alternatives(fn, call.node, call.arg_values[alloc.gfp])
    return bool(alts) and all(a.has("__GFP_DIRECT_RECLAIM") and not a.params and not a.unknown for a in alts)


def _dominates_exit(fn, node_id: int) -> bool:
    """Does every path from entry to a normal exit pass through node_id?"""
    return node_id == fn.entry or fn.exit not in fn.reachable(blocked={node_id})


def always_sleeps(ctx, fn, depth: int = 0) -> tuple | None:
    """(primitive, chain, files) when fn sleeps on every path through it, looking
    MAX_CALLEE_DEPTH - depth levels of callees down. Memoised per depth: no
    recursion guard is needed (depth grows on every call), and the answer does
    not depend on which function was asked first. (One memo entry per function,
    with a guard, did: a helper met first three levels down, or while its own
    caller was still being asked in a recursion, kept "does not sleep".)"""
    m = memo(ctx.index)
    key = ("always_sleeps", id(fn), depth)
    if key in m:
        return m[key]
    result = None
    for node in fn.nodes:
        for call in node.calls:
            hit = None
            if sleeping_variant(call.name) is not None:
                hit = (call.name, (Evidence(fn.path, call.line, fn.name, f"calls {call.name}()"),),
                       frozenset({fn.path}))
            elif call.name and depth < MAX_CALLEE_DEPTH:
                callee = ctx.function(call.name, fn.path)
                if callee is not None and callee is not fn:
                    inner = always_sleeps(ctx, callee, depth + 1)
                    if inner is not None:
                        hit = (inner[0], (Evidence(fn.path, call.line, fn.name, f"calls {call.name}()"),) + inner[1],
                               inner[2] | {fn.path})
            if hit is not None and _dominates_exit(fn, node.id):
                result = hit
                break
        if result is not None:
            break
    m[key] = result
    return result


def sleeps_at(ctx, fn, node) -> list[Sleep]:
    out = []
    for call in node.calls:
        fix = sleeping_variant(call.name)
        if fix is not None:
            out.append(Sleep(call, call.name, (), frozenset(), fix))
            continue
        if not call.name:
            continue
        if _reclaim_alloc(fn, call):
            out.append(Sleep(call, f"{call.name}({call.args[-1] if call.args else ''})", (), frozenset(),
                             "GFP_NOWAIT"))
            continue
        callee = ctx.function(call.name, fn.path)
        if callee is fn:
            continue
        inner = always_sleeps(ctx, callee) if callee is not None else None
        if inner is not None:
            out.append(Sleep(call, inner[0], inner[1], inner[2], sleeping_variant(inner[0]) or "-"))
            continue
        twin = blocking_twin(ctx, fn, call.name, callee)
        if twin is not None:
            out.append(Sleep(call, call.name, (), frozenset({callee.path}) if callee is not None else frozenset(),
                             twin[0], twin[1], callee is None))
    return out


TWIN_SUFFIXES = ("_nowait", "_trylock")


def blocking_twin(ctx, fn, name: str, callee) -> tuple[str, str] | None:
    """(twin, note) when `name` has a non-blocking sibling (`xfs_ilock()` and
    `xfs_ilock_nowait()`, `foo()` and `foo_trylock()`) defined in the analysed
    code or called from the caller's own file: the plain one is the blocking one.
    A definition that is read must be able to sleep (errpath.analysis.sleep.MaySleep.may_sleep:
    a helper taking `down_write()` or `down_read()` by a lock-mode argument
    sleeps for any mode a caller passes)."""
    index = ctx.index
    for suffix in TWIN_SUFFIXES:
        twin = name + suffix
        if index.resolve(twin, fn.path) is None and \
                not any(twin in f.call_names for f in index.by_file.get(fn.path, {}).values()):
            continue
        if callee is not None:
            S = ctx.summaries
            sleeps, why = S.may_sleep(callee) if S is not None else (False, "")
            if not sleeps:
                return None
            return twin, (f"{name}() has a non-blocking twin {twin}(), and may sleep itself"
                          f"{': ' + why if why else ''}")
        return twin, f"{name}() has a non-blocking twin {twin}(): it is the blocking one"
    return None


# ---------------------------------------------------------------------------
# the path search


@dataclass(frozen=True)
class Source:
    node: int
    edge: object            # the edge out of node on which the flag is set (None: after a def)
    meaning: Meaning
    line: int
    text: str


def _sources(fn, flags) -> list[Source]:
    out = []
    for node in fn.nodes:
        if node.kind == "cond":
            for edge, lits in ((True, node.true_lits), (False, node.false_lits)):
                for atom, pol in lits:
                    mean = literal_meaning(fn, node.id, atom, pol, flags)
                    if mean is not None and mean.set:
                        out.append(Source(node.id, edge, mean, node.line, node.text))
            f = formula(node.text)
            if f is not None and not node.true_lits:
                # `if (nowait && x)` already gives literals; `if (nowait || x)` gives none on
                # the true edge, and the flag is not known there: nothing to add.
                pass
        for var, val in node.defs:
            if flag_in(val, flags):
                out.append(Source(node.id, None, Meaning(var, _flag_name(val, flags), True), node.line, node.text))
    return out[:MAX_SOURCES]


def _clears(node, holder: str, flags) -> bool:
    """Does the node end the flag: redefine the holder without the flag, or
    redefine the object it lives in?"""
    for var, val in node.defs:
        if var == holder:
            if val[0] == "bin" and val[1] == "|" and val[2] == ("var", holder):
                continue
            if val[0] == "bin" and val[1] == "&" and val[2] == ("var", holder):
                return True  # x &= ~FLAG (or any mask): the flag may be gone
            if flag_in(val, flags):
                continue
            return True
        base = holder.split("->")[0].split(".")[0]
        if var == base:
            return True
    return False


@lru_cache(maxsize=None)
def _guards() -> dict[str, tuple[str, ...]]:
    return {n: tuple(r) for n, r in table("conditional_sleepers").items() if r}


_ARG = re.compile(r"\$(\d)")


def guard_false(call, known: frozenset) -> bool:
    """Does the path know the wait's condition is false (no wait happens)?"""
    for g in _guards().get(call.name or "", ()):
        used = [int(n) for n in _ARG.findall(g)]
        if not used or max(used) >= len(call.args):
            continue
        if (_ARG.sub(lambda m: call.args[int(m.group(1))], g), False) in known:
            return True
    return False


def result_literals(x: str, kinds: set) -> frozenset:
    """What a condition on x can rely on when a callee returns only these kinds."""
    if not kinds or "unknown" in kinds:
        return frozenset()
    if kinds <= {"errno"}:
        return frozenset({(x, True), (f"{x}<0", True), (f"{x}>=0", False), (f"{x}>0", False),
                          (f"{x}<=0", True), (f"IS_ERR_VALUE({x})", True)})
    if kinds <= {"zero"}:
        return frozenset({(x, False), (f"{x}<0", False), (f"{x}>0", False), (f"{x}<=0", True),
                          (f"{x}>=0", True)})
    if kinds <= {"errno", "zero"}:
        return frozenset({(f"{x}>0", False), (f"{x}<=0", True)})
    if kinds <= {"errptr"}:
        return frozenset({(f"IS_ERR({x})", True), (f"IS_ERR_OR_NULL({x})", True), (x, True)})
    if kinds <= {"null"}:
        return frozenset({(x, False), (f"IS_ERR({x})", False), (f"IS_ERR_OR_NULL({x})", True)})
    return frozenset()


_CMP0 = re.compile(r"^([A-Za-z_][\w.>-]*?)(<=|>=|<|>|==|!=)0$")


def closure(lits: frozenset) -> frozenset:
    """Add what comparisons with 0 imply about each other: `x <= 0` false
    makes `x > 0` true, `!x` makes `x > 0` false, and so on."""
    extra = set()
    for atom, pol in lits:
        m = _CMP0.match(atom)
        if m:
            x, op = m.group(1), m.group(2)
            neg = {"<=": ">", ">": "<=", "<": ">=", ">=": "<", "==": "!=", "!=": "=="}[op]
            extra.add((f"{x}{neg}0", not pol))
            if op in ("<", ">") and pol:
                extra |= {(x, True), (f"{x}{'<=' if op == '>' else '>='}0", op == "<")}
        elif atom.isidentifier() and pol is False:
            extra |= {(f"{atom}>0", False), (f"{atom}<0", False), (f"{atom}<=0", True), (f"{atom}>=0", True)}
    return lits | frozenset(extra) if extra else lits


def constant_literals(x: str, val) -> frozenset:
    if val[0] == "errno" or (val[0] == "int" and val[1] < 0):
        return result_literals(x, {"errno"})
    if val[0] == "int" and val[1] == 0:
        return result_literals(x, {"zero"})
    if val[0] == "int" and val[1] > 0:
        return frozenset({(x, True), (f"{x}>0", True), (f"{x}<0", False), (f"{x}>=0", True), (f"{x}<=0", False)})
    return frozenset()


class NowaitResults:
    """The values callees return when the NOWAIT flag is set, from the
    summaries (errpath.analysis): `err = buffered_write(iocb, from)` where the
    callee returns -EOPNOTSUPP whenever IOCB_NOWAIT is set makes `if (err < 0)`
    certain on a NOWAIT path."""

    def __init__(self, ctx, fn):
        self.ctx, self.fn = ctx, fn
        self.S = getattr(ctx, "summaries", None) if ctx is not None else None
        self._flow = None
        self._memo: dict = {}

    def literals(self, call, x: str) -> frozenset:
        if self.S is None or not call.name:
            return frozenset()
        key = (call.line, call.column, x)
        if key in self._memo:
            return self._memo[key]
        res = frozenset()
        try:
            callee = self.ctx.function(call.name, self.fn.path)
            if callee is not None and callee is not self.fn and self.S.has_modes(callee):
                if self._flow is None:
                    self._flow = self.S.flow(self.fn, "set")
                mode = self._flow.call_mode(call, callee)
                if mode == "set":
                    kinds = {k[0] for k in self.S.outcomes(callee, "set")}
                    res = result_literals(x, kinds)
        except Exception:  # the summaries are an aid: never let them break the rule
            res = frozenset()
        self._memo[key] = res
        return res


class _FnInfo:
    """Per-function tables for the path search: which condition atoms are
    NOWAIT tests (and which polarity means "set"), and which atoms are worth
    remembering (tested twice or more, or NOWAIT tests)."""

    def __init__(self, fn, flags):
        self.meaning: dict[str, Meaning] = {}
        counts: dict[str, int] = {}
        for node in fn.nodes:
            if node.kind != "cond":
                continue
            atoms = {a for a, _ in node.true_lits | node.false_lits} | set(_atoms(formula(node.text)))
            for a in atoms:
                counts[a] = counts.get(a, 0) + 1
                if a not in self.meaning:
                    m = literal_meaning(fn, node.id, a, True, flags)
                    if m is not None:
                        self.meaning[a] = m
        for node in fn.nodes:
            for var, val in node.defs:
                if flag_in(val, flags):
                    flag = _flag_name(val, flags)
                    self.meaning[f"{var}&{flag}"] = Meaning(var, flag, True)
        guards = tuple(g.split("(")[0] + "(" for gs in _guards().values() for g in gs)
        self.relevant = (frozenset(a for a, n in counts.items() if n >= 2 or a.startswith(guards))
                         | frozenset(self.meaning))
        self.tested = frozenset(counts)

    def keep(self, known: frozenset, extra: frozenset = frozenset()) -> frozenset:
        return frozenset(l for l in known if l[0] in self.relevant or l[0] in extra)

    def set_lits(self, known) -> list:
        return [l for l in known if l[0] in self.meaning and l[1] == self.meaning[l[0]].set]

    def clear(self, known) -> bool:
        return any(l[0] in self.meaning and l[1] != self.meaning[l[0]].set for l in known)


def nowait_entry(ctx, fn, flags, depth: int = 0):
    """(iocb parameter, why) when fn is reached with IOCB_NOWAIT possibly set from
    outside: it is the .read_iter/.write_iter/.remap_file_range of a file whose
    open sets FMODE_NOWAIT (so io_uring and RWF_NOWAIT issue with the flag), or a
    static function of that file that such an entry calls, with its kiocb, on a
    path where the flag may still be set. The function itself need not test the
    flag (ext4_dio_read_iter() before 548feebec7e9 took inode_lock_shared())."""
    roles = ctx.entry_roles(fn.path, "nowait")
    if not roles:
        return None
    m = memo(ctx.index)
    key = ("nowait_entry", id(fn))
    if key in m:
        return m[key]
    m[key] = None   # recursion guard
    res = None
    slot = roles.get(fn.name)
    if slot is not None and fn.params:
        res = (fn.params[0], f"{fn.name}() is the {slot} of a file_operations whose open sets FMODE_NOWAIT: "
                             f"io_uring and RWF_NOWAIT call it with IOCB_NOWAIT set")
    elif fn.is_static and depth < 2:
        for g in ctx.index.functions_calling(fn.name):
            if g.path != fn.path or g is fn:
                continue
            ge = nowait_entry(ctx, g, flags, depth + 1)
            if ge is None:
                continue
            reached = {nid for nid, _, _ in nowait_paths(g, flags, entry=ge)}
            for n in g.nodes:
                for c in n.calls:
                    if c.name == fn.name and ge[0] in c.args and n.id in reached:
                        i = c.args.index(ge[0])
                        if i < len(fn.params):
                            res = (fn.params[i], f"{g.name}() hands its kiocb to {fn.name}() where IOCB_NOWAIT "
                                                 f"may be set; {ge[1]}")
                            break
                if res:
                    break
            if res:
                break
    m[key] = res
    return res


def nowait_paths(fn, flags, info: "_FnInfo | None" = None, results: "NowaitResults | None" = None,
                 entry: tuple | None = None):
    """Walk the function from its entry in a world where the NOWAIT flag is
    set: every condition testing the flag takes its "set" side, a def that ORs
    the flag in sets it, a def that masks or replaces the flag word clears it.
    Yield (node id, known literals, source) the first time a node is reached
    while the flag is known to be set; source is where it became known."""
    info = info or _FnInfo(fn, flags)
    start = (0, frozenset(), None)
    if entry is not None:
        # the flag may arrive set: the walk starts in the world where it is
        word = f"{entry[0]}->ki_flags"
        atom = f"{word}&IOCB_NOWAIT"
        info.meaning.setdefault(atom, Meaning(word, "IOCB_NOWAIT", True))
        info.relevant = info.relevant | {atom}
        src0 = Source(0, None, Meaning(word, "IOCB_NOWAIT", True), fn.line, entry[1])
        # from the entry's successors: the entry node defines the parameters
        starts = [(s, frozenset({(atom, True)}), src0) for s, _ in fn.nodes[0].succ]
    else:
        starts = [start]
    if not info.meaning:
        return
    queue = deque(starts)
    seen = set()
    injected: set = set()
    steps = 0
    while queue and steps < MAX_STEPS:
        nid, known, src = queue.popleft()
        key = (nid, known, src is None)
        if key in seen:
            continue
        seen.add(key)
        steps += 1
        node = fn.nodes[nid]
        if src is not None:
            yield nid, known, src
        if node.kind == "return" or nid == 1:
            continue
        after = info.keep(PathState.after(node, known), injected)
        if src is not None and not info.set_lits(after):
            src = None
        for var, val in node.defs:
            if flag_in(val, flags):
                flag = _flag_name(val, flags)
                after = after | {(f"{var}&{flag}", True)}
                src = Source(node.id, None, Meaning(var, flag, True), node.line, node.text)
        for var, val in node.defs:
            lits = constant_literals(var, val)
            if lits:
                after = after | lits
                injected |= {a for a, _ in lits if a in info.tested}
        variants = [after]
        if src is not None and results is not None and node.calls:
            variants = _result_variants(fn, node, after, results)
            for v in variants:
                injected |= {a for a, _ in v if a in info.tested}
        for s, e in node.succ:
          for after in variants:
              k, nsrc = after, src
              if node.kind == "cond" and e in (True, False):
                  kd = dict(k)
                  atoms = set(_atoms(formula(node.text))) or {a for a, _ in node.true_lits | node.false_lits}
                  extra = {(a, info.meaning[a].set) for a in atoms if a in info.meaning and a not in kd}
                  k2 = PathState.edge(fn, node, e, k | frozenset(extra))
                  if k2 is None:
                      continue
                  k2 = closure(k2)
                  injected |= {a for a, _ in k2 if a in info.tested and a not in info.relevant and _CMP0.match(a)}
                  k2 = info.keep(k2, injected)
                  if info.clear(k2):
                      continue
                  if nsrc is None and info.set_lits(k2):
                      a, _ = info.set_lits(k2)[0]
                      nsrc = Source(node.id, e, info.meaning[a], node.line, node.text)
                  k = k2
              queue.append((s, k, nsrc))


def _result_variants(fn, node, known, results) -> list:
    """The literal sets after a node that assigns callee results: one set, or
    two for `x = c ? f() : g()` (one per side, each knowing c)."""
    variants = [known]
    for var, val in node.defs:
        calls = {(c.line, c.column): c for c in node.calls}
        if val[0] == "call":
            c = next((c for c in node.calls if c.result == var), None)
            if c is not None:
                variants = [v | results.literals(c, var) for v in variants]
        elif val[0] == "cond" and len(val[1]) == 1 and val[2][0] == "call" and val[3][0] == "call":
            (atom, pol), = tuple(val[1])
            ca = next((c for c in node.calls if c.name == val[2][1]), None)
            cb = next((c for c in node.calls if c.name == val[3][1] and c is not ca), None)
            out = []
            for v in variants:
                kd = dict(v)
                if kd.get(atom, pol) == pol and ca is not None:
                    out.append(v | {(atom, pol)} | results.literals(ca, var))
                if kd.get(atom, not pol) == (not pol) and cb is not None:
                    out.append(v | {(atom, not pol)} | results.literals(cb, var))
            variants = out or variants
        del calls
    return variants


def _atoms(f):
    if f is None:
        return
    if f[0] == "atom":
        yield f[1]
    else:
        for sub in f[1:]:
            yield from _atoms(sub)


def _holds_everywhere(fn, node_id: int, meaning: Meaning, flags) -> bool:
    for atom, pol in fn.must_hold(node_id):
        m = literal_meaning(fn, node_id, atom, pol, flags)
        if m is not None and m.set:
            return True
    return False


# ---------------------------------------------------------------------------


class NowaitBlocks(Rule):
    id = "nowait-blocks"
    title = "A call that may sleep on a path where a NOWAIT flag is set"
    severity = "warning"
    confidence = "medium"
    # its own facts, and its callees at any depth, void ones too (does it sleep on
    # every path?), never its callers: see Rule.differential
    differential = "all-callees"

    @property
    def needs_tokens(self):
        return nowait_flags() | NOWAIT_NAMES | {"IOCB_DIO_CALLER_COMP", "kiocb"} | CRYPTO_REQUESTS

    def applies_to(self, fn) -> bool:
        return not self.needs_tokens.isdisjoint(fn.text_tokens)

    def check(self, fn, ctx):
        if not fn.text_tokens.isdisjoint(CRYPTO_REQUESTS):
            slot = atomic_entry(ctx, fn)
            if slot is not None:
                yield from self._atomic(fn, ctx, slot)
        flags = nowait_flags()
        entry = None
        if "kiocb" in fn.text_tokens:
            entry = nowait_entry(ctx, fn, flags)
        if entry is None and fn.text_tokens.isdisjoint(nowait_flags() | NOWAIT_NAMES | {"IOCB_DIO_CALLER_COMP"}):
            return
        yield from self._nowait(fn, ctx, flags, entry)
        if "IOCB_DIO_CALLER_COMP" in fn.text_tokens:
            yield from self._caller_comp(fn, ctx, flags)

    def _nowait(self, fn, ctx, flags, entry=None):
        reported: dict[tuple, object] = {}
        sleeps: dict[int, list] = {}
        results = NowaitResults(ctx, fn)
        for nid, known, src in nowait_paths(fn, flags, results=results, entry=entry):
            node = fn.nodes[nid]
            if not node.calls:
                continue
            if nid not in sleeps:
                sleeps[nid] = sleeps_at(ctx, fn, node)
            for sl in sleeps[nid]:
                key = (sl.call.line, sl.call.column)
                if key in reported or guard_false(sl.call, known):
                    continue
                if sl.fix == "GFP_NOWAIT" and not _holds_everywhere(fn, nid, src.meaning, flags):
                    continue  # reclaim under NOWAIT is accepted practice unless inside the NOWAIT branch
                if entry is not None and src.node == 0 and src.edge is None:
                    if sl.fix == "GFP_NOWAIT":
                        continue
                    callee = ctx.function(sl.call.name, fn.path) if sl.chain else None
                    if callee is not None and callee.path == fn.path and nowait_entry(ctx, callee, flags):
                        continue  # the callee is reached with the flag too, and reported itself
                reported[key] = (src, sl, nid)
        plain = _plain_io(ctx, fn)
        for (line, col), (src, sl, nid) in sorted(reported.items()):
            if _sync_flush(fn, nid):
                continue   # O_SYNC/IS_SYNC durability after the write: xfs and ext4 flush there too
            low = plain
            if low is None and src.node == 0 and src.edge is None and not sl.chain \
                    and _sleep_kind(sl.call.name) == "lock":
                low = _honours_later(fn, nid, flags)
            yield self._report(fn, src, sl, nid, flags, low)

    def _report(self, fn, src, sl, nid, flags, low=None):
        flag = src.meaning.flag
        everywhere = _holds_everywhere(fn, nid, src.meaning, flags)
        direct = not sl.chain
        is_alloc = sl.fix == "GFP_NOWAIT"
        if is_alloc:
            confidence = "medium"
        elif everywhere and direct and not sl.unseen:
            confidence = "high"
        else:
            confidence = "medium"
        how = "tested here" if src.edge is not None else "set here"
        where = "on every path" if everywhere else "on a path"
        if is_alloc:
            what = f"{sl.call.name}() may sleep in direct reclaim"
            fix = "use GFP_NOWAIT (and return -EAGAIN on failure)"
        elif direct:
            what = f"{sl.call.name}() may sleep"
            fix = (f"use {sl.fix}() and return -EAGAIN when it fails" if sl.fix != "-"
                   else "return -EAGAIN before it when the flag is set")
        else:
            what = f"{sl.call.name}() may sleep (it calls {sl.what}())"
            fix = (f"use a variant that takes {sl.fix}()" if sl.fix != "-"
                   else "return -EAGAIN before it when the flag is set")
        if src.node == 0 and src.edge is None:   # nowait_entry(): the flag comes from the caller
            message = f"{what} where {flag} may be set by the caller (it is never tested on the way); {fix}"
            evidence = [Evidence(fn.path, src.line, fn.name, src.text)]
        else:
            message = f"{what} {where} where {flag} is set (line {src.line}); {fix}"
            evidence = [Evidence(fn.path, src.line, fn.name, f"{flag} {how}: {src.text}")]
        evidence.append(Evidence(fn.path, sl.call.line, fn.name,
                                 f"{sl.call.name}() called with {flag} still set"))
        evidence.extend(sl.chain[1:] if sl.chain else [])
        if sl.note:
            evidence.append(Evidence(fn.path, sl.call.line, fn.name, sl.note))
        if low is not None:
            confidence = "low"
            evidence.append(low)
        return self.finding(fn, sl.call.line, sl.call.column, message, names=(sl.call.name or "?", flag),
                            evidence=evidence, confidence=confidence, depends_on=sl.files)

    def _atomic(self, fn, ctx, slot):
        for where, sl, via in atomic_sleeps(ctx, fn, 0, {id(fn)}):
            is_alloc = sl.fix == "GFP_NOWAIT"
            if is_alloc:
                what = f"{sl.call.name}() may sleep in direct reclaim"
                fix = f"allocate with GFP_ATOMIC, or choose the GFP from the request's {MAY_SLEEP} flag"
            elif sl.chain:
                what = f"{sl.call.name}() may sleep (it calls {sl.what}())"
                fix = f"do not sleep unless the request has {MAY_SLEEP}"
            else:
                what = f"{sl.call.name}() may sleep"
                fix = (f"use {sl.fix}() and fail with -EBUSY/-EAGAIN" if sl.fix != "-"
                       else f"do not sleep unless the request has {MAY_SLEEP}")
            reach = f"{fn.name}() is the {slot}" if where is fn else f"reached from {fn.name}(), the {slot}"
            message = (f"{what} in a crypto request path ({reach}): the crypto API may call it in atomic "
                       f"context unless the request has {MAY_SLEEP}, and nothing tests that flag on the way; {fix}")
            evidence = [Evidence(fn.path, fn.line, fn.name,
                                 f"{fn.name}() is the {slot}: requests without {MAY_SLEEP} come from softirq "
                                 f"or under spinlocks (IPsec, dm-crypt)")]
            evidence.extend(via)
            evidence.append(Evidence(where.path, sl.call.line, where.name, f"{sl.call.name}() may sleep here"))
            evidence.extend(sl.chain[1:] if sl.chain else [])
            if sl.note:
                evidence.append(Evidence(where.path, sl.call.line, where.name, sl.note))
            confidence = "medium"
            if not _atomic_callers(slot):
                confidence = "low"
                evidence.append(Evidence(fn.path, fn.line, fn.name,
                                         "low: the in-tree users of this kind of operation (kpp, akcipher, "
                                         "async ahash) issue it from process context"))
            yield self.finding(where, sl.call.line, sl.call.column, message, names=(sl.call.name or "?", MAY_SLEEP),
                               evidence=evidence, confidence=confidence, depends_on={fn.path} | set(sl.files))

    # -- stretch: IOCB_DIO_CALLER_COMP -------------------------------------
    def _caller_comp(self, fn, ctx, flags):
        comp = frozenset({"IOCB_DIO_CALLER_COMP"})
        done = set()
        for nid, known, src in nowait_paths(fn, comp):
            if _nowait_known(fn, nid, flags):
                continue  # a non-blocking issue does not wait for its own completion
            node = fn.nodes[nid]
            for call in node.calls:
                chain = _reaches(ctx, fn, call, "inode_dio_wait", 0, set())
                if chain is None or (call.line, call.column) in done:
                    continue
                done.add((call.line, call.column))
                evidence = [Evidence(fn.path, src.line, fn.name,
                                     f"IOCB_DIO_CALLER_COMP set here: inode_dio_end() now runs from this "
                                     f"task's task_work: {src.text}")]
                evidence += chain
                files = {e.path for e in chain}
                yield self.finding(
                    fn, call.line, call.column,
                    f"{call.name}() can reach inode_dio_wait() synchronously after IOCB_DIO_CALLER_COMP "
                    f"was set (line {src.line}): the task may wait for a DIO completion only its own "
                    f"task_work can finish (self-deadlock); set IOCB_DIO_CALLER_COMP only on "
                    f"non-blocking (IOCB_NOWAIT) issue",
                    names=(call.name or "?", "IOCB_DIO_CALLER_COMP"), evidence=evidence,
                    confidence="low", depends_on=files)


_SYNC_WORDS = re.compile(r"\b(?:O_DSYNC|O_SYNC|__O_SYNC|IOCB_DSYNC|IOCB_SYNC|IS_SYNC)\b")


# ---------------------------------------------------------------------------
# crypto requests: the flag that allows sleeping is the one that is absent

MAY_SLEEP = "CRYPTO_TFM_REQ_MAY_SLEEP"
CRYPTO_REQUESTS = frozenset({"skcipher_request", "aead_request", "akcipher_request", "kpp_request",
                             "ahash_request"})
ATOMIC_DEPTH = 3


def atomic_entry(ctx, fn) -> str | None:
    """The slot ("the .encrypt of a skcipher_alg") when fn is a request operation
    of a crypto algorithm its file registers, else None."""
    return ctx.entry_roles(fn.path, "atomic").get(fn.name)


# context tests: (the test, the value that means "may sleep here")
_SLEEPABLE_CONTEXT = {"in_task()": True, "preemptible()": True, "in_atomic()": False,
                      "in_interrupt()": False, "in_softirq()": False, "in_serving_softirq()": False,
                      "irqs_disabled()": False, "in_irq()": False, "in_hardirq()": False}


def _may_sleep_edge(node, edge) -> bool:
    """Does this edge hold only when the request says it may sleep, or when the
    code has asked the context itself (`if (in_task()) msleep(...)`)?"""
    lits = node.true_lits if edge is True else node.false_lits if edge is False else ()
    return any((pol and MAY_SLEEP in atom) or _SLEEPABLE_CONTEXT.get(atom) is pol for atom, pol in lits)


def _atomic_callers(slot: str) -> bool:
    """Do in-tree users issue this operation from atomic context? IPsec and
    dm-crypt's softirq path run skcipher and aead requests there; the users of kpp
    and akcipher (Bluetooth, TPM, NVMe auth, keys) and of async-only ahash
    implementations sleep, so for them a sleep breaks the API's contract but no
    caller trips over it today."""
    return slot.startswith((".encrypt ", ".decrypt ")) and ("skcipher" in slot or "aead" in slot)


def atomic_sleeps(ctx, fn, depth: int, seen: set) -> list:
    """[(function, Sleep, evidence of the calls down to it)] for the sleeps reachable
    from fn's entry on paths that never learn the request may sleep; the static
    helpers of the same file are followed (each reported where it sleeps)."""
    reached = fn.reachable(follow=lambda node, e: not (node.kind == "cond" and _may_sleep_edge(node, e)))
    out = []
    for nid in sorted(reached):
        node = fn.nodes[nid]
        helpers = {}
        for call in node.calls:
            callee = ctx.function(call.name, fn.path) if call.name else None
            if callee is not None and callee.path == fn.path and callee.is_static and callee is not fn:
                helpers[(call.line, call.column)] = (call, callee)
        for sl in sleeps_at(ctx, fn, node):
            if (sl.call.line, sl.call.column) not in helpers:
                out.append((fn, sl, ()))
        for call, callee in helpers.values():
            if depth + 1 >= ATOMIC_DEPTH or id(callee) in seen:
                continue
            seen.add(id(callee))
            via = (Evidence(fn.path, call.line, fn.name, f"calls {call.name}()"),)
            out.extend((g, sl, via + more) for g, sl, more in atomic_sleeps(ctx, callee, depth + 1, seen))
    return out


def _sync_flush(fn, nid) -> bool:
    """Is the node reached only when the write asked for durability (O_DSYNC,
    IS_SYNC(inode), IOCB_DSYNC on every path to it)? The flush after the data is
    written is what O_SYNC means; xfs and ext4 run generic_write_sync() there
    with IOCB_NOWAIT set too."""
    if any(pol and _SYNC_WORDS.search(atom) for atom, pol in fn.must_hold(nid)):
        return True
    # `if ((O_DSYNC && !direct) || IS_SYNC(inode))`: no one literal holds, but every
    # way to the node passes a test of them
    def unsynced(x, edge) -> bool:
        if x.kind != "cond":
            return True
        lits = x.true_lits if edge is True else x.false_lits if edge is False else frozenset()
        if any(pol and _SYNC_WORDS.search(a) for a, pol in lits):
            return False
        # each way of taking this side asks for a sync write
        return not (edge is True
                    and "!" not in re.sub(r"!\s*[A-Za-z_]\w*(?![\w(])", "", x.text).replace("!=", "")
                    and all(_SYNC_WORDS.search(part) for part in x.text.split("||")))
    return fn.entry not in fn.reachable(starts=(nid,), follow=unsynced, backward=True)


def _sleep_kind(name) -> str | None:
    row = table("sleeping_functions").get(name or "")
    return (row[0] if row else "lock") if row is not None else None


def _plain_io(ctx, fn) -> Evidence | None:
    """Evidence when fn's file has I/O entries (.read_iter, .write_iter) but never
    sets FMODE_NOWAIT: RWF_NOWAIT and aio are refused (kiocb_set_rw_flags()
    returns -EOPNOTSUPP), so IOCB_NOWAIT arrives only from io_uring on a file
    opened O_NONBLOCK, on an async kiocb."""
    plain = sorted(ctx.entry_roles(fn.path, "plain-io"))
    if not plain or ctx.entry_roles(fn.path, "nowait"):
        return None
    return Evidence(fn.path, fn.line, fn.name,
                    f"low: this file's file_operations ({', '.join(p + '()' for p in plain[:2])}) never set "
                    f"FMODE_NOWAIT: IOCB_NOWAIT reaches it only from io_uring on a file opened O_NONBLOCK")


def _honours_later(fn, nid, flags) -> Evidence | None:
    """Evidence when the function, after the lock at nid, tests the NOWAIT flag itself
    on the way on (`if (iocb->ki_flags & IOCB_NOWAIT) { ret = -EAGAIN; break; }` before
    its wait for data): it honours NOWAIT where it waits, and the lock is the short one
    it takes around non-blocking work (pipe_read()'s pipe->mutex)."""
    after = fn.reachable(starts=[s for s, _ in fn.nodes[nid].succ])
    tests = [x for x in fn.nodes if x.id in after and x.kind == "cond" and any(f in x.text for f in flags)]
    if not tests:
        return None
    x = min(tests, key=lambda t: (t.line, t.id))
    return Evidence(fn.path, x.line, fn.name, f"low: {fn.name}() tests the flag itself after taking the "
                                              f"lock, where it would wait ({x.text}): the lock is the short "
                                              f"one it holds around non-blocking work")


def _nowait_known(fn, nid, flags) -> bool:
    """Is a NOWAIT flag set on every path to the node?"""
    for atom, pol in fn.must_hold(nid):
        m = literal_meaning(fn, nid, atom, pol, flags)
        if m is not None and m.set:
            return True
    return False


def _reaches(ctx, fn, call, target: str, depth: int, seen: set) -> list | None:
    """Evidence chain when call may reach target (any path), depth-limited."""
    if call.name == target:
        return [Evidence(fn.path, call.line, fn.name, f"calls {target}()")]
    if not call.name or depth >= MAX_CALLEE_DEPTH + 1:
        return None
    callee = ctx.function(call.name, fn.path)
    if callee is None or (callee.path, callee.name) in seen:
        return None
    seen.add((callee.path, callee.name))
    for c in callee.calls():
        inner = _reaches(ctx, callee, c, target, depth + 1, seen)
        if inner is not None:
            return [Evidence(fn.path, call.line, fn.name, f"calls {call.name}()")] + inner
    return None


RULE = NowaitBlocks()
