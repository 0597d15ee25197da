"""A result tested for the wrong failure convention: NULL vs ERR_PTR.

What it finds
-------------
Three mistakes, decided from the callee's summary (what it may return, read
from its definition in the analysed paths, or from errpath/data for well-known
APIs outside them):

1. `if (!p)` or `p == NULL` on the result of a function that returns ERR_PTR on
   failure and never NULL, with no IS_ERR() check of that result anywhere in
   the caller: the failure passes the test and the ERR_PTR is used as a
   pointer.
2. `IS_ERR(p)` on the result of a function that returns NULL on failure and
   never an ERR_PTR: the test is always false and the NULL is used.
3. A result that may be an ERR_PTR dereferenced (`p->x`), or handed to a
   function that dereferences that parameter (its definition, or
   errpath/data/err_ptr_dereferencers.txt: kthread_stop(), clk_get_rate(), ...;
   also a wrapper that hands it on whole, two wrappers down: ima's
   integrity_audit_msg() -> integrity_audit_message() -> audit_log_untrustedstring()),
   with no IS_ERR() check of it; also a call's ERR_PTR passed straight in
   (`clk_get_rate(devm_clk_get(dev, "ref"))`).
4. A callee that returns NULL *and* ERR_PTR (a lookup: NULL for "not there"):
   a caller that tests only IS_ERR() and then dereferences, or only `!p`, misses
   one of them; IS_ERR_OR_NULL() or both tests are fine. The evidence says
   "NULL and ERR_PTR".
5. An ERR_PTR kept in a structure field: stored unchecked (`st->task =
   kthread_run(...)`) and dereferenced, or handed to a dereferencing function,
   by another function of the same file with no IS_ERR() test there; or tested
   but left in the field on the error path while a reader elsewhere in the file
   takes NULL for "not set up" (`if (!st->task) return; kthread_stop(st->task);`).
   Reported at the assignment, with the reader in the evidence. A file-scope
   variable counts as a field (`simple_tsk = kthread_run(...)` in a module's init,
   `kthread_stop(simple_tsk)` in its exit). A function that hands the callee's result
   to a dereferencing function is not one whose own code accepts an ERR_PTR there
   (errpath/analysis/tolerance.py: gpiod_set_value()'s VALIDATE_DESC_VOID()).
   An element of an array member (`ctl->clk[i] = devm_clk_get(...)`, read as
   `clk_get_rate(ctl->clk[i])`) is followed like the member.
   A getter that returns the field (`static struct clk *foo_bus_clk(struct foo *f)
   { return f->bus_clk; }`) hands it to its callers: a caller that dereferences what
   the getter returns, or passes it to a dereferencing function, is the reader.
6. A dereference reached from the side of the IS_ERR() test where the value is the
   ERR_PTR, through plain statements only: a loop that breaks out on the error and
   then uses the last value (`if (IS_ERR(ref)) break; ... } return ref->count;`),
   an error branch that prints a member of the ERR_PTR. An update of a member
   (`p->users--`) is a dereference too. Tests of the pointer itself are followed
   on the side an ERR_PTR (never NULL) takes, so an -EAGAIN carried round a loop
   by `continue` into `while (count < nr || head)`, past the `if (!head)` that
   would fetch a new one, reaches `spin_lock(&head->lock)` ("btrfs: fix invalid
   pointer dereference in __btrfs_run_delayed_refs()"); IS_ERR_OR_NULL()'s error
   side is followed the same way.
7. An ERR_PTR handed back through an out-parameter: the callee stores it in
   `*out` (`*matchptr = ERR_PTR(-ENOMEM)`, `*out = f()` of an ERR_PTR returner,
   or the parameter handed on to a helper that does, several levels down), and the
   caller that passed `&p` (a local or a member) dereferences p, hands it to a
   dereferencing function, or tests it for NULL only, with no IS_ERR().
   errpath/analysis/outparams.py summarises each function's stores; a well-known
   API outside the analysis comes from errpath/data/err_ptr_out_params.txt
   (component_match_add(): "ALSA: hda: Fix missing pointer check in
   hda_component_manager_init function"). A callee that stores the ERR_PTR only on
   paths that also return an error (`*out = c; return PTR_ERR(c);`) is fine for a
   caller that tests that return before the use.
8. A NULL returned among ERR_PTRs: a function that reports its failures with
   ERR_PTR() answers one with `return NULL;`, after a failed allocation or with
   the errno of a failed call in hand ("dm era: fix NULL pointer dereference in
   metadata_open()", "drm/virtio: Fix a NULL vs ERR_PTR() bug in
   virtio_gpu_user_framebuffer_create()", an `.fb_create` callback). An errno
   in hand counts only when the NULL path unwinds something (a free, a put, an
   unregister: a construction that failed, not a query that found nothing), and
   never after a decision on one errno (`if (ret == -ENOENT) return NULL;`).
   Reported at the `return NULL;`: medium when its callers in the analysis test
   the result with IS_ERR() only; low when every such caller is init-only (a
   probe's register helper, a few static helpers up) or when no caller is in
   sight (an ops-table callback: drm's core tests fb_create's result with
   IS_ERR() only, target's core tests make_tpg's for both, and the analysis
   cannot tell them apart); silent when a caller tests for NULL too (the two
   kinds are its contract), or when the NULL answers a lookup's miss. On the
   whole 6.12.117 kernel: 24 findings, 7 medium (socfpga clock register helpers
   reached from probe through an of_device_id table, uvc's descriptor copy at
   bind: init-time allocation failures).

Callees outside the analysis: besides the hand-kept errpath/data
err_ptr_returners.txt and null_returners.txt, the generated
err_ptr_returners_kernel.txt and null_returners_kernel.txt list the kernel's
exported functions whose own summary (bench/kernel_returners.py, over every
directory of Linux 6.12.117 that exports a function) returns ERR_PTR and never
NULL, or NULL and never an ERR_PTR: syscon, PHY, nvmem, iio channel,
regulator, clk, debugfs getters a directory-scoped audit cannot read.

Why it matters
--------------
An ERR_PTR is a small negative number cast to a pointer: dereferencing it
oopses, and a NULL check lets it through. When "mm: return an ERR_PTR from
__filemap_get_folio" changed a NULL-returning function into an
ERR_PTR-returning one, callers in other subsystems (nfs, afs) that still tested
`if (!folio)` were missed; the change in mm/ made the bug in fs/. The reverse
mistake is common with clk_get_parent(), which returns NULL: `IS_ERR(parent)`
never fires.

Example
-------
    folio = __filemap_get_folio(mapping, index, fgp, gfp);  /* ERR_PTR on failure */
    if (!folio)
            return -ENOMEM;

    parent = clk_get_parent(clk);                          /* NULL on failure */
    if (IS_ERR(parent))
            return PTR_ERR(parent);

Use instead
-----------
    folio = __filemap_get_folio(mapping, index, fgp, gfp);
    if (IS_ERR(folio))
            return PTR_ERR(folio);

    parent = clk_get_parent(clk);
    if (!parent)
            return -EINVAL;

Shape 4's IS_ERR()-only dereference, its NULL-only test (`if (res) return res;`
hands both kinds up; debugfs callers test for NULL as documented), an
ERR_PTR left in a field after its test, and an ERR_PTR handed to a cleanup on its
own error path are **low** (on the whole 6.12.117 kernel they gave ~540 medium
findings, mostly false on a sample: the caller's context rules one kind out, the
object does not outlive the failure); the evidence says why, and for shape 4
it also says how the callee's other callers in the analysis test the same
result ("siblings: 3 other callers of foo() test its result for NULL").

Also **low**, with the reason: an ERR_PTR that only carries the error of a
call through an ops pointer (d_hash_and_lookup()'s `d_op->d_hash`: an optional
operation the object's type may not have); an unchecked call when another
function of the file makes the same call with the same arguments and checks it
(a lookup-or-create called again finds what the first call made); IS_ERR() on
an accessor that returns NULL only for an argument out of its range
(`if (i >= st->num_conn) return NULL;`); a lookup of an object the code shows
is there (an existence fact, named in the evidence): the same key looked up with
its failure tested earlier on the path, the use reached only from the success side
(do_shmat()'s `shm_lock(ns, shmid)` after `shm_obtain_object_check(ns, shmid)` and
the attach count taken); a key that is a link kept in an object of the very type the
lookup returns, for a lookup that returns what its cache holds before anything can
fail (hfs's `hfs_bnode_find(tree, new_node->parent)`: the descent from the root
loaded every ancestor); every caller of the function first calling a function
that makes the same lookup on the same object, checks it, and is tested itself
(hinic's `hinic_sq_read_wqebb()` before `hinic_sq_read_wqe()`); a no-argument getter
of a file-scope object it creates once, which another caller checks
(`bpf_get_btf_vmlinux()`, checked at program load); the same lookup on the same
object (its first argument) checked by a probe or init function of the file that
gives up without it, for a lookup that fails only for absence, never for resources
(bwmon's OPP table). IS_ERR() on a NULL result whose every
use accepts a NULL (`clk_prepare_enable(NULL)` is a no-op: nothing crashes, but
the failure is lost silently, and stable still fixes those). Not reported at
all: a NULL test on an ERR_PTR result whose every use accepts the ERR_PTR
(errpath/analysis/tolerance.py: the callee tests the parameter with IS_ERR_OR_NULL()
before any use, or only hands it on to such callees, e.g.
`platform_device_unregister()`; outside the analysis,
errpath/data/tolerant_params.txt); IS_ERR() on a getter whose own code
admits an ERR_PTR (it tests the returned variable with IS_ERR*(), or returns a
field the file sets to an ERR_PTR); `if (p) return p;`, which hands both kinds up.

A callee with no definition in the analysis and in no table is taken to return
ERR_PTRs when the analysed code tests its results with IS_ERR() (the caller's own
later test, or another caller's: rcar_gen4_ptp.c's test of ptp_clock_register()
in a scan of drivers/net/ethernet/renesas/); such findings are **low**, and the
evidence names the test.

Findings 3-5 need the callee to fail. In code that runs only while something
is set up (an `__init` function, a driver's `.probe` callback, an init call, a
`*_OF_DECLARE` hook, or a static helper only they call) that takes an init-time
-ENOMEM or a missing or broken device-tree entry: real, but not in normal
operation. Such findings are **low**, and the evidence says why. An ERR_PTR left in a field
after its test is not reported there at all (a failed probe discards the
object), unless the setup reports success after the failure (a void helper that
only logs it, a `return 0;`): then the object keeps the ERR_PTR, and the evidence
says so (still low).

Confidence is **high** when the callee's definition was read, **medium** when
its convention comes from errpath/data (a well-known API) and for case 3, and
**low** in test code (kunit tests, tools/testing/, test directories, selftest
files such as i915's selftest_*.c: tests assume their helpers succeed), also for
the wrong-test cases 1 and 2, which in init-only code are low too, and
for case 3 after a callee whose ERR_PTRs only say "bad argument" or "no such
optional item" (-EINVAL, -ENOENT, -ENODEV, -ENXIO, -EPERM, -EOPNOTSUPP, -ERANGE,
-ENOKEY): an rdma handler reading an attribute its method declares mandatory,
a driver asking for the SDR timings its controller insists on. Such callers
usually know the failure cannot happen; one that can fail for resources
(-ENOMEM, -EIO) stays medium. Measured: docs/precision/err-ptr-null-mismatch.md.

What keeps it quiet: only one value may reach the test (a NULL turned into an
ERR_PTR first is fine); a constant argument that rules out the callee's
ERR_PTR branch (`ksm_get_folio(node, KSM_GET_FOLIO_LOCK)`), also through a
flag bit whose value the callee's file defines (with `#define AV_FIND BIT(0)`
and `#define AV_ADD BIT(1)`, `find_or_add_av(ai, id, AV_FIND)` returns NULL at
`if (!(flags & AV_ADD))` and never reaches the allocation after it); `__GFP_NOFAIL`;
a result handed to a function that itself checks IS_ERR() (also by returning
early unless a valid-pointer predicate holds, one whose body is
`return !IS_ERR_OR_NULL(p);`); an ERR_PTR the
callee returns only for an invalid argument (`pidfd_pid()` on a pidfs file);
`wait_event()` conditions; loops whose iterator macro reassigns the variable;
configuration stubs (a trivial `#ifdef` twin or header stub is not the contract).
In kunit tests, an assertion counts as the check, since a failed KUNIT_ASSERT_*()
aborts the test: `KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p)`,
`KUNIT_ASSERT_FALSE(test, IS_ERR(p))`, `KUNIT_ASSERT_TRUE(test, !IS_ERR(p))`
(errpath.facts models them as a test whose failing side never returns); and
code after an unconditional `kunit_skip()` or `KUNIT_FAIL_AND_ABORT()`, like any
code no path reaches, is not reported. KUNIT_EXPECT_*() goes on after a failure
and does not count; KUNIT_ASSERT_NOT_NULL() is a NULL test (mistake 1 when the
callee never returns NULL).

Known false positives
---------------------
A caller that knows from context that a failure cannot happen in ways the
existence facts above do not see: the folio it looks up is one its caller created
with another function and still holds (gfs2_jhead_process_page()), the inode is
not a directory so d_splice_alias() cannot fail (nfs). The existence facts are
heuristics: a cache-first lookup of a linked node may still have to read it (and
fail) when the cache dropped it. Fields are
followed only within one file: a field assigned in one file and read in
another is assumed not to hold an ERR_PTR. A callee defined twice under #ifdef with
non-trivial bodies is read as the union of both.

References
----------
- The nfs/afs callers left testing `!folio` after "mm: return an ERR_PTR from
  __filemap_get_folio".
- Coccinelle `scripts/coccinelle/null/eno.cocci` (IS_ERR on allocators) and
  Smatch `check_err_ptr*.c` catch intra-procedural forms; this rule follows the
  callee's summary across files.
"""
# Size: over 800 lines because it is one rule, and one rule is one file (the
# layout of rules/ and --rules-dir). Everything here is this rule's policy on
# callees that return NULL or ERR_PTR (how outcomes classify, which tests and
# dereferences count, where a pointer is handed on); no other rule uses it.
# A helper a second rule needs moves to errpath/analysis/ and errpath.api.
from __future__ import annotations

import dataclasses
import re
from functools import cache, lru_cache

from errpath.api import (Evidence, Rule, allocator, describe, err_ptr_dereferencers, failed_calls, harmless_uses,
                         has_token, idents, outparams, pointer_predicates, tolerates)

_ERR_FAMILY = ("IS_ERR", "IS_ERR_OR_NULL", "PTR_ERR_OR_ZERO", "PTR_ERR", "ERR_CAST", "IS_ERR_VALUE")


def _sibling_evidence(tests, callee: str, how: str) -> Evidence:
    """The first of the other callers' tests of callee's result, with their count."""
    g, line, text = tests[0]
    n = len(tests)
    return Evidence(g.path, line, g.name, f"siblings: {n} other caller{'s' if n > 1 else ''} of {callee}() "
                                          f"test{'' if n > 1 else 's'} its result {how}: {text}")


def _err_ptr_edges(x, p: str):
    """The successors of cond node x that a non-NULL ERR_PTR in p may take, when the
    test is about p (`!p`, `p`, IS_ERR(p), PTR_ERR(p) == -EAGAIN, `a || p`): those whose
    must-hold literals do not need p NULL or not an ERR_PTR. None for a test of
    something else."""
    about = lambda a: a == p or a in ("IS_ERR(%s)" % p, "IS_ERR_OR_NULL(%s)" % p) or "PTR_ERR(%s)" % p in a
    if not any(about(a) for a, _ in x.true_lits | x.false_lits):
        return None
    out = []
    for t, e in x.succ:
        held = x.true_lits if e is True else x.false_lits if e is False else frozenset()
        if any((a == p or a.startswith("IS_ERR")) and about(a) and not v for a, v in held):
            continue   # this side needs p NULL, or not an ERR_PTR
        out.append(t)
    return out


def _inferred(outs: dict, callee) -> bool:
    """Is the callee's convention inferred from its callers' IS_ERR() tests (no
    definition, yet its ERR_PTR outcome names a line: the test)?"""
    return callee is None and any(s[1] for t in outs.values() for s in t)


def _classify(outs: dict) -> dict:
    kinds = {k[0] for k in outs}
    has_err = "errptr" in kinds
    has_null = bool(kinds & {"null", "zero"})
    maybe_null = bool(kinds & {"unknown", "noterr"})
    maybe_err = bool(kinds & {"unknown", "nonnull"})
    return {"err": has_err, "null": has_null,
            "err_only": has_err and not has_null and not maybe_null,
            "null_only": has_null and not has_err and not maybe_err}


_VAR = re.compile(r"[A-Za-z_]\w*")
# what `&x` may name for an out-parameter: a local, or a member path
_OUT_TARGET = re.compile(r"[A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*)*")
# errnos that say a resource failed or was busy, not that the object is absent: a
# second, different lookup of a key found earlier can still fail with these
_RESOURCE_ERRNOS = frozenset({"ENOMEM", "ENOSPC", "EIO", "EAGAIN", "EBUSY", "EINTR", "ENOBUFS", "ETIMEDOUT",
                              "EDEADLK", "ERESTARTSYS", "EFAULT"})


def _pointee(t: str) -> str | None:
    """`struct hfs_bnode *` -> `struct hfs_bnode` (a single pointer to a named type)."""
    m = re.fullmatch(r"\s*(?:const\s+)?((?:struct|union)\s+\w+|\w+)\s*\*\s*", t or "")
    return " ".join(m.group(1).split()) if m else None


def _declared_type(fn, v: str) -> str | None:
    """The pointee type of local v as its declaration in fn says (`struct hfs_bnode
    *node, *new_node;`), else None."""
    for x in fn.nodes:
        if x.kind != "decl" or not any(d == v for d, _ in x.defs):
            continue
        m = re.match(r"\s*(?:static\s+)?(?:const\s+)?((?:struct|union)\s+\w+|\w+)\s", x.text)
        if m and re.search(r"(?:^|[,\s])\*\s*%s\b" % re.escape(v), x.text[m.end(1):]):
            return " ".join(m.group(1).split())
        return None
    return None


def _cache_first(callee):
    """The first return of the callee (in source order), when it hands back what a
    lookup call found, under a test that it found something: the cache is consulted
    before anything can fail; else None."""
    rets = sorted((x for x in callee.nodes if x.kind == "return"), key=lambda x: x.line)
    if not rets or rets[0].ret is None or rets[0].ret[0] != "var":
        return None
    x = rets[0]
    v = x.ret[1]
    if not callee.holds(x.id, v, True):
        return None
    defs = callee.reaching(x.id, v)
    if defs and all(val and val[0] == "call" for _, val in defs):
        return x
    return None


def _only_after_success(fn, t, c2, target: int) -> bool:
    """Is node target reached from the side of test t where the call c2 succeeded,
    and not from the side where it failed? (`if (IS_ERR(p)) goto out;`, `if (!p)
    return;`; a compound test whose sides say nothing of the call does not count:
    bwmon's `if (IS_ERR(opp) && PTR_ERR(opp) == -ERANGE) opp = floor(...)` runs the
    second lookup because the first failed.)"""
    v = c2.result if c2.result is not None else f"{c2.name}({','.join(c2.args)})"

    def success(lits) -> bool:
        return any(a == f"IS_ERR({v})" and not pol or (a == v or a.startswith(v + "=")) and pol for a, pol in lits)
    good_side = [s for s, e in t.succ if success(t.true_lits if e is True else t.false_lits if e is False else ())]
    other = [s for s, e in t.succ if s not in good_side]
    if not good_side or not other:
        return False
    return target in fn.reachable(good_side) and target not in fn.reachable(other)


def _param_key(fn, arg: str):
    """(parameter index, access path) when arg reads through a parameter of fn
    (`sq->wq` with sq the first parameter -> (0, "->wq")), else None."""
    m = re.fullmatch(r"([A-Za-z_]\w*)((?:\s*(?:->|\.)\s*[A-Za-z_]\w*)*)", arg.strip())
    if m is None or m.group(1) not in fn.params:
        return None
    return fn.params.index(m.group(1)), m.group(2).replace(" ", "")


def _last_ident(arg: str) -> str | None:
    """`bwmon->dev` and `dev` -> `dev`; `&x->y` -> `y`; else None."""
    m = re.fullmatch(r"&?\s*(?:[A-Za-z_]\w*\s*(?:->|\.)\s*)*([A-Za-z_]\w*)", arg.strip())
    return m.group(1) if m else None


def _memoised(callee) -> bool:
    """Does the callee return a file-scope variable that it fills once (`btf =
    btf_vmlinux; if (!btf) { btf = parse(); store(&btf_vmlinux, btf); } return btf;`)?"""
    rets = [x for x in callee.nodes if x.kind == "return"]
    if not rets or any(x.ret is None or x.ret[0] != "var" for x in rets):
        return False
    v = rets[0].ret[1]
    # (a declaration's defs also name what its initialiser's calls write through `&g`)
    local = set(callee.params) | {d for x in callee.nodes if x.kind == "decl" for d, val in x.defs
                                  if not (val and val[0] == "unknown" and str(val[1]).startswith("set by"))}
    if v not in local:
        return False
    read = set()
    for x in callee.nodes:
        for d, val in x.defs:
            if d == v:
                read |= {g for g in idents(x.text) if g not in local and not g.isupper()}
    read -= {c.name for x in callee.nodes for c in x.calls}
    for g in read:
        store = re.compile(r"(?<![\w.>])%s\s*=(?!=)|&\s*%s\s*," % (re.escape(g), re.escape(g)))
        if any(store.search(x.text) for x in callee.nodes if x.kind != "entry"):
            return True
    return False
# findings whose bug needs the callee to fail: in init-only code, ranked low
_FAILURE_USES = frozenset({"deref", "handed", "field", "null-test-mixed", "null-deref", "nested", "left-in-field",
                           "error-path", "null-test", "is-err", "null-among-errptr"})
# the wrong-test shapes: reported high or medium anywhere, but in init-only or test
# code the failure they miss is one of boot, probe or a test harness
_WRONG_TEST = frozenset({"null-test", "is-err"})
_CHECK_TOKENS = frozenset({"IS_ERR", "PTR_ERR_OR_ZERO"})
_ERR_MAKERS = frozenset({"ERR_PTR", "ERR_CAST"})
_NULL_TOKEN = frozenset({"NULL"})
_RELEASE = re.compile(r"free|put|release|remove|unregister|destroy|_del|cleanup|unmap|deinit|uninit|_exit|disable")
# a callee with no definition and in no table whose convention comes from its
# callers' IS_ERR() tests: low until a definition or a table confirms it
_INFERRED = "low: the callee's ERR_PTR convention is inferred from IS_ERR() tests of its results, not read from it"


# ERR_PTR codes that say "bad argument", "no such optional item" or "try again",
# not "a resource failed": after a callee that returns only these, a dereference
# without IS_ERR() is usually a contract the caller keeps (an attribute its
# method declares mandatory, a port it knows is a DSA port). Not -EAGAIN, -EBUSY
# or -EEXIST: rhashtable_walk_next()'s -EAGAIN is a real outcome. On the whole
# 6.12.117 kernel, 11 of 24 sampled medium findings had such a callee, all false
# (docs/precision/err-ptr-null-mismatch.md).
CONTRACT_ERRNOS = frozenset({"EINVAL", "EPERM", "ENODEV", "ENXIO", "ENOENT", "EOPNOTSUPP", "ENOTSUPP",
                             "ERANGE", "ENOKEY"})


@lru_cache(maxsize=20000)
def _err_checked_text(p: str) -> re.Pattern:
    e = re.escape(p)
    # IS_ERR(p), also IS_ERR(p = f()) / IS_ERR((p = f())): `while (!IS_ERR(skb = next(q)))`,
    # and through a cast: IS_ERR((__force void *)ctx->m2m_ctx) (\b: one way to split
    # the cast's words, or a long identifier in parentheses backtracks exponentially)
    return re.compile(r"\b(?:%s)\s*\(\s*(?:\((?:\s*[A-Za-z_]\w*\b)+\s*\**\s*\)\s*)?\(?\s*%s\s*(?:\)|=(?!=))|(?<![\w.>])%s\s*[!=]=\s*ERR_PTR\b|\bERR_PTR\s*\([^()]*\)\s*[!=]=\s*%s\b"
                      % ("|".join(_ERR_FAMILY), e, e, e))


@lru_cache(maxsize=20000)
def _is_err_only(p: str) -> re.Pattern:
    return re.compile(r"\b(?:IS_ERR|PTR_ERR_OR_ZERO)\s*\(\s*%s\s*\)" % re.escape(p))


@lru_cache(maxsize=20000)
def _deref(p: str) -> re.Pattern:
    return re.compile(r"(?<![\w.>])%s\s*->" % re.escape(p))


def _err_checks(m, checked) -> bool:
    """Does node m test the value with the IS_ERR() family? A condition counts by
    the literals it branches on too: a KUnit assertion
    (`KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p)`) is a cond node on `IS_ERR_OR_NULL(p)`
    whose failing side aborts the test (errpath.facts.ASSERTIONS)."""
    if "ERR" in m.text and checked().search(m.text):
        return True
    return m.kind == "cond" and any("ERR" in a and checked().search(a) for a, _ in m.true_lits | m.false_lits)


def _walk(fn, sources, stops) -> set:
    """Nodes reached from the sources' successors, not going on past a stop node
    (a stop node itself is reached: it uses the value before redefining it)."""
    seen: set = set()
    work = [s for src in sources for s, _ in fn.nodes[src].succ]
    while work:
        n = work.pop()
        if n in seen:
            continue
        seen.add(n)
        if n in stops:
            continue
        work.extend(s for s, _ in fn.nodes[n].succ)
    return seen


def _distances(fn, start: int) -> dict:
    """Breadth-first distance of each node from start along the CFG."""
    dist = {start: 0}
    frontier = [start]
    while frontier:
        nxt = []
        for n in frontier:
            for s, _ in fn.nodes[n].succ:
                if s not in dist:
                    dist[s] = dist[n] + 1
                    nxt.append(s)
        frontier = nxt
    return dist


def _test_code(fn) -> bool:
    base = fn.path.rsplit("/", 1)[-1]
    if base.endswith(("_test.c", "-test.c", "_kunit.c", "-kunit.c")) or "/tests/" in fn.path:
        return True
    # a test directory (drivers/iio/test/), a selftest file (i915's selftest_*.c,
    # built only with its SELFTEST config) or a -test- module name
    if "/test/" in fn.path or "/selftests/" in fn.path or base.startswith("selftest") or "-test-" in base:
        return True
    if fn.path.startswith("tools/testing/"):   # userspace harnesses (selftests, the vma tests)
        return True
    return "test" in fn.params and any(n.startswith(("kunit_", "KUNIT_")) for n in fn.call_names)


_NEGATED_CALL = re.compile(r"!([A-Za-z_]\w*)\(([\w,>.-]*)\)")
_VALID_BODY = re.compile(r"return\s*!\s*IS_ERR(?:_OR_NULL)?\s*\(\s*([A-Za-z_]\w*)\s*\)\s*(?:&&[^;]*)?;")


def _pointer_predicate(S, name: str, path: str) -> int | None:
    """The argument index a valid-pointer predicate vouches for, else None."""
    i = pointer_predicates().get(name)
    if i is not None:
        return i
    h = S.resolve(name, path)
    rets = h.returns() if h is not None and h.return_type.split()[-1:] in (["bool"], ["int"]) else []
    if len(rets) != 1:
        return None
    m = _VALID_BODY.fullmatch(rets[0].text.strip())
    return h.params.index(m.group(1)) if m and m.group(1) in h.params else None


_HAND_ON_DEPTH = 2   # wrappers followed: integrity_audit_msg() -> integrity_audit_message() -> the reader


def _dereferences(S, path: str, name: str | None, i: int, depth: int = 0) -> Evidence | None:
    """Evidence that `name` dereferences its argument i with no IS_ERR() check
    (its definition, or errpath/data/err_ptr_dereferencers.txt), or hands it
    whole to a function that does (two wrappers down), else None."""
    if not name:
        return None
    memo = S.__dict__.setdefault("_epnm_derefs", {})
    key = (path, name, i, depth)
    if key in memo:
        return memo[key]
    memo[key] = None   # recursion guard
    memo[key] = got = _dereferences_of(S, path, name, i, depth)
    return got


def _dereferences_of(S, path, name, i, depth):
    if tolerates(S, path, name, i, "err") is not None:
        return None   # it tests the argument first, or the known-API table says it accepts an ERR_PTR
    g = S.resolve(name, path)
    if g is not None and S.is_stub(g):
        g = None   # a !CONFIG stub in a header is not the contract (clk_get_rate() { return 0; })
    if g is None:
        if err_ptr_dereferencers().get(name) == i:
            return Evidence(path, 0, name, f"{name}() dereferences its argument {i + 1} (known API)")
        return None
    if i >= len(g.params):
        return None
    q = g.params[i]
    gd = _deref(q)
    gchk = _err_checked_text(q)
    if any(gchk.search(x.text) for x in g.nodes):
        return None
    gm = next((x for x in g.nodes if x.kind != "entry" and gd.search(x.text)), None)
    if gm is not None:
        return Evidence(g.path, gm.line, g.name, f"{name}() dereferences '{q}': {gm.text}")
    if depth >= _HAND_ON_DEPTH:
        return None
    # a wrapper: it hands the pointer on whole (a NULL test on the way lets an ERR_PTR through)
    for x in sorted(g.nodes, key=lambda x: (x.line, x.id)):
        if x.kind == "entry" or q not in x.text:
            continue
        for c in x.calls:
            for j, a in enumerate(c.args):
                if a.strip() == q and c.name != name:
                    ev = _dereferences(S, g.path, c.name, j, depth + 1)
                    if ev is not None:
                        return Evidence(g.path, x.line, g.name, f"{name}() hands '{q}' to {c.name}(): {x.text.strip()}; "
                                                                 f"{ev.note}")
    return None


_MEMBER = re.compile(r"^[A-Za-z_]\w*(?:->|\.)(.+)$")


def _field_use(S, fn, p: str, null_tested: bool = False):
    """(function, evidence, what) for another function of fn's file that reads the
    field `p` names (`priv->clk` -> any `X->clk`) and dereferences it, or hands it
    to a function that does, with no IS_ERR() test of that field: an ERR_PTR
    stored unchecked in a structure is used as a pointer elsewhere."""
    m = _MEMBER.match(p.replace(" ", ""))
    idx = ""
    if m is not None:
        member = m.group(1)
        e = re.fullmatch(r"(.+?)\[[^\[\]]*\]", member)
        if e is not None:
            # an array element (`ctl->clk[i]`): any element of that member is read alike
            member, idx = e.group(1), r"\[[^\[\]]*\]"
        last = re.split(r"->|\.", member)[-1]
        read = re.compile(r"(?:->|\.)%s%s(?![\w\[(])" % (re.escape(member).replace(r"\.", r"(?:\.|->)"), idx))
        deref = re.compile(r"(?:->|\.)%s%s->" % (re.escape(last), idx))
    elif _VAR.fullmatch(p):
        last = p   # a file-scope variable
        read = re.compile(r"(?<![\w.>])%s(?![\w\[(])" % re.escape(p))
        deref = re.compile(r"(?<![\w.>])%s->" % re.escape(p))
    else:
        return None
    for g in S.index.by_file.get(fn.path, {}).values():
        if g is fn or last not in g.text_tokens or (m is None and not _file_scope(g, p)):
            continue
        nodes = [x for x in g.nodes if x.kind != "entry" and read.search(x.text.replace(" ", ""))]
        if not nodes:
            continue
        texts = [x.text.replace(" ", "") for x in nodes]
        if any("ERR" in t and re.search(r"\b(?:%s)\((?:\([^()]*\))?[\w>.-]*%s%s\)" % ("|".join(_ERR_FAMILY), re.escape(last),
                                                                                      idx), t)
               for t in texts):
            continue   # this reader tests it
        if null_tested and not any(x.kind == "cond" and any(read.search(a) and read.search(a).end() == len(a)
                                                            for a, _ in x.true_lits | x.false_lits)
                                   for x in nodes):
            continue   # a reader that takes NULL for "not set up" is what a left-over ERR_PTR fools
        for x, t in zip(nodes, texts):
            if deref.search(t):
                return g.name, [Evidence(g.path, x.line, g.name, f"{g.name}() dereferences it: {x.text}")], \
                    "dereferences it"
            if x.kind == "return" and x.ret is not None and x.ret[0] == "field" and not null_tested \
                    and read.search(x.ret[1].replace(" ", "")) \
                    and read.search(x.ret[1].replace(" ", "")).end() == len(x.ret[1].replace(" ", "")):
                # a getter (`return f->clk;`): its callers hold the field's value
                use = _getter_use(S, g)
                if use is not None:
                    h, ev, what = use
                    return h, [Evidence(g.path, x.line, g.name, f"{g.name}() returns it: {x.text}")] + ev, what
            for c2 in x.calls:
                for i, a in enumerate(c2.args):
                    a = a.replace(" ", "")
                    if read.search(a) and read.search(a).end() == len(a) and a.count("(") == 0:
                        gev = _dereferences(S, g.path, c2.name, i)
                        if gev is not None:
                            return g.name, [Evidence(g.path, x.line, g.name, f"{g.name}() hands it to "
                                                                              f"{c2.name}(): {x.text}"), gev], \
                                f"passes it to {c2.name}(), which dereferences it"
    return None


def _getter_use(S, g):
    """(caller, evidence, what) for a caller of the getter g that dereferences what
    g returns, or hands it to a function that does, with no IS_ERR() test of it
    (`foo_get_clk(f)->core`, `clk_get_rate(foo_get_clk(f))`, `c = foo_get_clk(f);
    c->rate`), else None."""
    for h in S.index.functions_calling(g.name):
        if h is g or (g.is_static and h.path != g.path):
            continue
        for y in h.nodes:
            for c in y.calls:
                if c.name != g.name:
                    continue
                text = y.text.replace(" ", "")
                call_re = r"\b%s\([^()]*(?:\([^()]*\)[^()]*)*\)" % re.escape(g.name)
                if re.search(call_re + "->", text) and not re.search(r"(?:%s)\(%s" % ("|".join(_ERR_FAMILY), call_re),
                                                                     text):
                    return h.name, [Evidence(h.path, y.line, h.name, f"{h.name}() dereferences what "
                                                                      f"{g.name}() returns: {y.text}")], \
                        f"dereferences it through {g.name}()"
                for c2 in y.calls:
                    for i, a in enumerate(c2.args):
                        if c2.name and c2.name not in _ERR_FAMILY and re.fullmatch(call_re, a.replace(" ", "")):
                            gev = _dereferences(S, h.path, c2.name, i)
                            if gev is not None:
                                return h.name, [Evidence(h.path, y.line, h.name, f"{h.name}() hands what {g.name}() "
                                                                                  f"returns to {c2.name}(): {y.text}"),
                                                gev], f"passes it through {g.name}() to {c2.name}(), which dereferences it"
                r = c.result
                if r is None or not _VAR.fullmatch(r):
                    continue
                if any(_err_checks(z, lambda: _err_checked_text(r)) for z in h.nodes if r in z.uses):
                    continue   # the caller tests it
                for z in h.nodes:
                    if z.id != y.id and r in z.text and _deref(r).search(z.text):
                        return h.name, [Evidence(h.path, y.line, h.name, f"{h.name}() keeps what {g.name}() returns: "
                                                                          f"{y.text}"),
                                        Evidence(h.path, z.line, h.name, f"and dereferences it: {z.text}")], \
                            f"dereferences it through {g.name}()"
    return None


def _file_scope(fn, p: str) -> bool:
    """Is the plain name p, as fn sees it, not a parameter or a local of fn (so a
    variable of the file)?"""
    return p not in fn.params and not any(x.kind == "decl" and any(v == p for v, _ in x.defs) for x in fn.nodes)


def init_context(S, fn) -> str | None:
    """Why fn runs only while something is set up (an __init function, a driver's
    probe callback, an init call, or a static helper called only from those), else
    None. What fails there fails under an init-time -ENOMEM or a broken device
    tree: real, but not in normal operation."""
    table = getattr(S.index, "init_functions", {})
    inits = table.get(fn.path, {})
    why = inits.get(fn.name)
    if why is not None:
        return why
    if fn.is_static:
        if not inits:
            return None
        callers = [g for g in S.index.functions_calling(fn.name) if g.path == fn.path and g is not fn]
    else:
        # a global function every caller of which, in the analysed code, is an init
        # function of its own file (omap1's propagate_rate() from __init clock setup)
        callers = [g for g in S.index.functions_calling(fn.name) if g is not fn]
        if len({g.path for g in callers} | {fn.path}) < 2 and fn.path.endswith(".c"):
            return None   # no caller outside its file seen: the scope may be too narrow to tell
    if callers and all(g.name in table.get(g.path, {}) for g in callers):
        g0 = callers[0]
        return f"called only from {', '.join(sorted({g.name + '()' for g in callers})[:3])}, " \
               f"{table[g0.path][g0.name]}"
    return None


def _init_only(S, g, depth: int = 3) -> str | None:
    """init_context() a few static helpers up: s10_clk_register_gate() called only from
    s10_clkmgr_init(), called only from the .probe callback."""
    why = init_context(S, g)
    if why is not None or depth == 0 or not g.is_static:
        return why
    callers = [h for h in S.index.functions_calling(g.name) if h.path == g.path and h is not g]
    whys = [_init_only(S, h, depth - 1) for h in callers]
    if callers and all(whys):
        return f"called only from {callers[0].name}(), {whys[0]}"
    return None


@dataclasses.dataclass(frozen=True)
class _OutParam:
    """What a call hands back through `&p` (errpath.analysis.outparams): p is checked
    as if it were the call's result, with these outcomes instead of its returns."""
    outs: dict          # the stores as outcomes: {(kind, errno, tag): trail}
    callee: object      # the storing function's definition, or None for a known API
    guard: object       # m -> bool: is node m past a test of the call's own error return
                        # (None unless every ERR_PTR store goes with an error return)


class ErrPtrNullMismatch(Rule):
    id = "err-ptr-null-mismatch"
    title = "NULL test on an ERR_PTR result, or IS_ERR() on a NULL result"
    severity = "warning"
    confidence = "high"
    differential = "callees"   # see Rule.differential

    def check(self, fn, ctx):
        init = None
        for f in self._check(fn, ctx):
            if f.confidence != "low" and any(e.note == _INFERRED for e in f.evidence):
                f = dataclasses.replace(f, confidence="low")
            if f.confidence in ("medium", "high") and set(f.names) & _WRONG_TEST and _test_code(fn):
                f = dataclasses.replace(f, confidence="low", evidence=f.evidence + [Evidence(
                    fn.path, fn.line, fn.name, f"{fn.name}() is test code: the failure it misses is one of the "
                                               f"test harness, not of normal operation")])
            if f.confidence in ("medium", "high") and set(f.names) & _FAILURE_USES:
                if init is None:
                    init = init_context(ctx.summaries, fn) or ""
                if init:
                    f = dataclasses.replace(f, confidence="low", evidence=f.evidence + [Evidence(
                        fn.path, fn.line, fn.name,
                        f"{fn.name}() is {init}: the failure happens only while it is set up (an init-time "
                        f"-ENOMEM, a missing or broken device-tree entry), not in normal operation")])
            yield f

    def _check(self, fn, ctx):
        S = ctx.summaries
        if S is None:
            return
        yield from self._null_among_err_ptrs(fn, ctx, S)
        # light facts first: unless the function calls something that may return an
        # ERR_PTR, or tests IS_ERR() itself, its CFG is not even decoded
        results = has_token(fn, _CHECK_TOKENS) or S.may_call_err_ptr(fn)
        if not results and not outparams.may_call_storer(S, fn):
            return
        # statements no path reaches (after kunit_skip(), BUG(), ...) are not reported,
        # nor do their checks count: the reachable set, computed once if ever needed
        live = cache(fn.reachable)
        for n in fn.nodes:
            for c in n.calls:
                if c.name is None:
                    continue
                # (admitted for its out-parameters only, `results` false: with no IS_ERR()
                # test and no call that may return an ERR_PTR, no result here can be one;
                # the light test above skips such functions whole)
                if results and c.result is not None:
                    yield from self._check_result(fn, S, n, c, live)
                elif results and n.kind == "cond":
                    yield from self._check_direct(fn, S, n, c, live)
                if c.name not in _ERR_FAMILY and any(a.startswith("&") for a in c.args):
                    yield from self._check_out(fn, S, n, c, live)
                if not results:
                    continue
                for i, av in enumerate(c.arg_values):
                    if av and av[0] == "call" and av[1] and S.may_return_err_ptr(av[1], fn.path):
                        yield from self._check_nested(fn, S, n, c, i, av[1], live)

    def _null_among_err_ptrs(self, fn, ctx, S):
        """Shape 8: fn reports its failures with ERR_PTR() (`return ERR_PTR(...)` of its
        own) but answers one failure with `return NULL;`: after a failed allocation
        (`if (!md) return NULL;`) or with the errno of a failed call in hand
        (`ret = init(...); if (ret) { kfree(x); return NULL; }`). Its callers in the
        analysis decide: one that tests for NULL too (`!p`, IS_ERR_OR_NULL()) knows the
        two-kind contract (silent); callers that test IS_ERR() only miss the NULL
        (medium); none in sight (an ops-table callback, a global called from
        elsewhere): medium when the NULL drops an errno in hand, low for an
        allocation's NULL."""
        if "*" not in fn.return_type or not has_token(fn, _ERR_MAKERS) or not has_token(fn, _NULL_TOKEN):
            return
        rets = [n for n in fn.nodes if n.kind == "return" and n.ret is not None and n.ret[0] == "null"]
        if not rets or not any(n.kind == "return" and n.ret is not None and n.ret[0] == "errptr"
                               for n in fn.nodes):
            return
        live = fn.reachable()
        callers = None
        for n in rets:
            if n.id not in live:
                continue
            got = failed_calls(ctx, fn, n.id)
            if any(f.specific for f in got):
                continue   # `if (ret == -ENOENT) return NULL;`: a decision on one errno ("not there")
            fails = [f for f in got if f.kind == "null" and allocator(f.call) is not None] or [
                f for f in got if f.kind == "neg" and self._unwinds(fn, f, n)]
            if not fails:
                continue
            if callers is None:
                callers = self._callers_tests(S, fn)
                if callers is None:
                    return   # a caller tests for NULL as well: the two kinds are its contract
            f = fails[-1]
            errno = f.kind == "neg"
            what = (f"{f.call}() failed and '{f.var}' holds its error" if errno
                    else f"the allocation {f.call}() failed")
            ev = [Evidence(fn.path, f.test_line, fn.name, f"{what}: {f.test_text}"),
                  Evidence(fn.path, n.line, fn.name, f"but this path returns NULL: {n.text}")]
            errptrs = [x for x in fn.nodes if x.kind == "return" and x.ret is not None and x.ret[0] == "errptr"]
            ev.append(Evidence(fn.path, errptrs[0].line, fn.name,
                               f"{fn.name}() reports its other failures with ERR_PTR(): {errptrs[0].text}"))
            conf = None
            if callers:
                ev += [Evidence(g.path, line, g.name, f"tests the result with IS_ERR() only: {text}")
                       for g, line, text in callers[:3]]
                inits = {g.name: _init_only(S, g) for g, _, _ in callers}
                if all(inits.values()):
                    # (a register helper of a clock driver's probe: an init-time -ENOMEM)
                    g0 = callers[0][0]
                    conf = "low"
                    ev.append(Evidence(g0.path, g0.line, g0.name,
                                       f"low: every caller that tests it runs only while something is set up "
                                       f"({g0.name}() is {inits[g0.name]})"))
            else:
                # an ops-table callback whose core is out of sight: some cores test both kinds
                # (target's fabric_make_tpg callers), some IS_ERR() only (drm's fb_create)
                conf = "low"
                ev.append(Evidence(fn.path, fn.line, fn.name,
                                   f"low: no caller of {fn.name}() in the analysis says which kind it expects"))
            yield self.finding(fn, n.line, n.column,
                               f"{fn.name}() returns ERR_PTRs on failure, but here it returns NULL "
                               f"({'dropping the error' if errno else 'on a failed allocation'}): a caller "
                               f"that tests IS_ERR() takes the NULL for an object; return an ERR_PTR",
                               names=(fn.name, "null-among-errptr"), evidence=ev,
                               confidence=conf or "medium")

    def _sibling_tests(self, S, fn, callee) -> dict:
        """How the other callers of callee (not fn) test its result: "null" those that
        test it for NULL (`!p`, `p`, IS_ERR_OR_NULL()), "err" those that test it with
        IS_ERR() (or IS_ERR_OR_NULL()), each [(caller, line, test text)]; "err_only"
        the number that test IS_ERR() and not NULL."""
        out = {"null": [], "err": [], "err_only": 0}
        if callee is None:
            return out
        for g, c in S.callers(callee):
            if g is fn:
                continue
            node = g.nodes[c.node]
            var = c.result or next((d for d, v in node.defs if v and v[0] == "call" and v[1] == callee.name), None)
            if var is None:
                continue
            v = var.replace(" ", "")
            null = err = None
            for x in g.nodes:
                if x.kind != "cond":
                    continue
                for atom, _ in x.true_lits | x.false_lits:
                    a = atom.replace(" ", "")
                    if a == v or a == f"IS_ERR_OR_NULL({v})":
                        null = null or (g, x.line, x.text)
                    if a in (f"IS_ERR({v})", f"IS_ERR_OR_NULL({v})"):
                        err = err or (g, x.line, x.text)
            if null is not None:
                out["null"].append(null)
            if err is not None:
                out["err"].append(err)
                if null is None:
                    out["err_only"] += 1
        return out

    def _unwinds(self, fn, f, n) -> bool:
        """Between the failure test of f and the `return NULL;` at n, does fn release
        something (kfree(), a put, an unregister): a construction unwound after a failed
        step, not a query that found nothing (`if (idx < 0) return NULL;`)?"""
        starts = [x.id for x in fn.nodes if x.kind == "cond" and x.line == f.test_line]
        between = fn.reachable(starts) & fn.reachable([n.id], backward=True)
        return any(c.name and _RELEASE.search(c.name) for i in between for c in fn.nodes[i].calls)

    def _callers_tests(self, S, fn):
        """[(caller, line, test text)] of the IS_ERR()-only tests of fn's result in its
        callers; None when a caller tests it for NULL (`!p`, IS_ERR_OR_NULL(), `p == NULL`)."""
        out = []
        for g, c in S.callers(fn):
            node = g.nodes[c.node]
            var = c.result or next((d for d, v in node.defs if v and v[0] == "call" and v[1] == fn.name), None)
            if var is None:
                continue
            err = None
            for x in g.nodes:
                if x.kind != "cond":
                    continue
                for atom, _ in x.true_lits | x.false_lits:
                    a = atom.replace(" ", "")
                    v = var.replace(" ", "")
                    if a == v or a in (f"IS_ERR_OR_NULL({v})", f"{v}==NULL", f"{v}!=NULL", f"!{v}"):
                        return None
                    if a == f"IS_ERR({v})" and err is None:
                        err = (g, x.line, x.text)
            if err is not None:
                out.append(err)
        return out

    def _check_out(self, fn, S, n, c, live):
        """`f(dev, &p)` where f may store an ERR_PTR through that parameter: p is
        checked as if it were f's result (outparams.out_stores)."""
        stores, g = outparams.stores_of(S, c.name, fn.path)
        if not stores:
            return
        for i, a in enumerate(c.args):
            if not a.startswith("&") or i not in stores:
                continue
            x = a[1:].strip()
            if x.startswith("(") and x.endswith(")"):
                x = x[1:-1].strip()
            if not _OUT_TARGET.fullmatch(x):
                continue
            st = stores[i]
            errs = [s for s in st if s.kind == "errptr"]
            if not errs:
                continue
            outs: dict = {("ptr", "", ""): ()}
            for s in st:
                key = {"errptr": ("errptr", s.errno, ""), "null": ("null", "", "")}.get(s.kind, ("unknown", "", ""))
                outs.setdefault(key, tuple(reversed(s.trail)))
            guard = None
            if all(s.with_error for s in errs):
                # the ERR_PTR goes out only with an error return: a use on one side of a
                # test of that return is on the side where the caller gave up on the error
                guard = lambda m, c=c: self._after_return_test(fn, n, c, m)
            proxy = dataclasses.replace(c, result=x)
            for f in self._check_result(fn, S, n, proxy, live, _OutParam(outs, g, guard)):
                if g is not None and f.confidence != "low":
                    # low: the store summary is not path-sensitive for a stored local
                    # (`*foliop = folio;` after the folio's IS_ERR() test on one path and
                    # a valid lookup on another); on 6.12.117 this shape gave 75 medium
                    # findings, most of them such. A known API's store is documented.
                    f = dataclasses.replace(f, confidence="low", evidence=f.evidence + [Evidence(
                        g.path, g.line, g.name,
                        f"low: whether {g.name}() can store the ERR_PTR on a path that returns "
                        f"success is not shown (the store summary is not path-sensitive)")])
                yield f

    def _after_return_test(self, fn, defn, c, m) -> bool:
        """Is node m on one side only of a test of the call's own return (the call in
        the condition, or its result variable tested after it)?"""
        r = c.result
        conds = [defn] if defn.kind == "cond" else []
        if r is not None and _VAR.fullmatch(r):
            after = fn.reachable([s for s, _ in defn.succ])
            conds += [t for t in fn.nodes if t.kind == "cond" and t.id in after and r in t.uses]
        for t in conds:
            if len(t.succ) != 2:
                continue
            a, b = (fn.reachable([s]) for s, _ in t.succ)
            if (m.id in a) != (m.id in b):
                return True
        return False

    def _may_err(self, S, c, fn, out=None) -> bool:
        return out is not None or S.may_return_err_ptr(c.name, fn.path)

    # -- helpers -------------------------------------------------------------
    def _callee(self, S, fn, name, call=None, out=None):
        if out is not None:
            return out.outs, out.callee
        outs, callee = S.returns_of(name, fn.path, call, fn)
        if not outs:
            return None
        if callee is not None and "*" not in callee.return_type:
            return None
        return outs, callee

    def _callee_evidence(self, fn, name, outs, callee, want: str, out=None):
        if out is not None:
            # through an out-parameter: each step of the store, the storing function last
            k = next((k for k in outs if k[0] == want and outs[k]), None)
            ev = [Evidence(s[0], s[1], s[2], s[3]) for s in reversed(outs[k])] if k else []
            cls = _classify(outs)
            both = "NULL and ERR_PTR: " if cls["err"] and cls["null"] else ""
            ev.append(Evidence(callee.path if callee else fn.path, callee.line if callee else 0, name,
                               f"{name}() may store through that parameter: {both}{describe(outs)}"
                               f"{'' if callee else ' (known API)'}"))
            return ev
        ev = []
        inferred = False
        for k, trail in sorted(outs.items(), key=lambda kt: (kt[0][0] != want, kt[0][1] == "?", str(kt[0]))):
            if k[0] == want and trail:
                s = trail[-1]
                inferred = _inferred({k: trail}, callee)
                ev.append(Evidence(s[0], s[1], s[2] if s[1] else name,
                                   f"{name}() returns {describe({k: trail})} here"
                                   if s[1] and not inferred else s[3]))
                break
        where = "" if callee is not None else " (known API)" if not inferred else " (from how its results are tested)"
        cls = _classify(outs)
        both = "NULL and ERR_PTR: " if cls["err"] and cls["null"] else ""
        ev.append(Evidence(callee.path if callee else fn.path, callee.line if callee else 0,
                           name, f"{name}() may return: {both}{describe(outs)}{where}"))
        if inferred:
            ev.append(Evidence(fn.path, 0, name, _INFERRED))
        return ev

    def _deps(self, outs, callee):
        deps = {s[0] for t in outs.values() for s in t if s[1]}
        if callee is not None:
            deps.add(callee.path)
        return deps

    def _iterated(self, fn, m, defn, p) -> bool:
        """Is m in a loop whose header (an iterator macro like for_each_vma(vmi, vma))
        may give p a new value before m runs again?"""
        for loop in fn.loops:
            if loop.contains(m.id) and loop.contains(defn.id) and p in idents(loop.cond_text) \
                    and defn.line > m.line:
                return True
            # `sg = find(); if (sg) return sg; list_for_each_entry(sg, &head, list) sg->x`:
            # the iterator macro gives p a new value before every use in its body
            if loop.contains(m.id) and not loop.contains(defn.id):
                # (the loop of an iterator macro keeps its argument list: `(sg, &head, list)`)
                it = re.match(r"\s*(?:\w*for_each\w*\s*)?\(\s*([A-Za-z_]\w*)\s*,", loop.cond_text)
                if it and it.group(1) == p:
                    return True
        return False

    def _failure_errors(self, S, outs, callee) -> list:
        """The ERR_PTR outcomes that are not just argument validation: a constant
        ERR_PTR returned only under tests of the callee's own parameters
        (pidfd_pid(): `if (file->f_op != &pidfs_file_operations) return ERR_PTR(-EBADF)`)
        is a contract the caller keeps by construction."""
        return self._failure_outcomes(outs, callee, ("errptr",))

    def _failure_outcomes(self, outs, callee, kinds) -> list:
        """The outcomes of these kinds that are not just argument validation."""
        errs = [(k, t) for k, t in outs.items() if k[0] in kinds]
        if callee is None:
            return errs
        params = set(callee.params)
        keep = []
        for k, trail in errs:
            if len(k) > 2 and k[2] in ("b", "nb", "atomic"):
                keep.append((k, trail))   # a failed allocation, not argument validation
                continue
            first = trail[0] if trail else None
            if first is None or any(s[2] != callee.name for s in trail) or first[0] != callee.path:
                keep.append((k, trail))
                continue
            node = next((n for n in callee.nodes if n.line == first[1] and n.kind in ("return", "expr", "decl")), None)
            if node is None:
                keep.append((k, trail))
                continue
            lits = callee.must_hold(node.id)
            # validation = tests of the arguments themselves, not of what a call says
            if not lits or not all(idents(a) & params and "(" not in a for a, _ in lits):
                keep.append((k, trail))

        return keep

    def _consumes_err(self, S, fn, m, c2, p) -> bool:
        g = S.resolve(c2.name, fn.path)
        if g is None:
            return False
        i = c2.args.index(p)
        if i >= len(g.params):
            return False
        src = g.source()
        if src is not None and b"ERR" not in src:
            # `if (!mlx5_vxlan_allowed(vxlan)) return;`: the check is one call down
            return self._guarded_by_predicate(S, g, g.params[i])
        chk = _err_checked_text(g.params[i])
        return any("ERR" in x.text and chk.search(x.text) for x in g.nodes)

    def _guarded_by_predicate(self, S, g, q: str) -> bool:
        """Does g return early under `!h(q)` where h(q) holds only for a valid
        pointer (errpath/data/pointer_predicates.txt, or a function whose body
        is `return !IS_ERR_OR_NULL(q) ...;`)?"""
        for x in g.nodes:
            if x.kind != "cond" or "!" not in x.text:
                continue
            m = _NEGATED_CALL.search(x.text.replace(" ", ""))
            if m is None or q not in m.group(2).split(","):
                continue
            i = _pointer_predicate(S, m.group(1), g.path)
            if i is not None and m.group(2).split(",")[i:i + 1] == [q] \
                    and any(g.nodes[t].kind == "return" for t, e in x.succ if e is True):
                return True
        return False

    def _null_only_for_bad_args(self, outs, callee) -> bool:
        """Does the callee return NULL only as `return NULL;` under tests of its own
        arguments: a NULL test of a parameter or a comparison with one
        (`if (i >= st->num_conn) return NULL;`), with no NULL from a call or chosen
        on the way (`p = !x ? NULL : y`)?"""
        for k, trail in outs.items():
            if k[0] in ("null", "zero", "noterr") and any(s[2] != callee.name for s in trail):
                return False   # a NULL from deeper down
        params = set(callee.params)
        rets = 0
        for x in callee.nodes:
            if x.kind == "entry" or "NULL" not in x.text:
                continue
            if x.kind != "return" or not re.fullmatch(r"return\s*\(?\s*NULL\s*\)?\s*;", x.text.strip()):
                if x.kind in ("return", "expr", "decl") and re.search(r"[?:]\s*NULL\b|=\s*NULL\s*;", x.text):
                    return False
                continue
            rets += 1
            lits = callee.must_hold(x.id)
            if not lits or not all(idents(a) & params and "(" not in a
                                   and (a in params or re.search(r"<|(?<!-)>|[!=]=", a)) for a, _ in lits):
                return False
        return rets > 0

    def _checked_elsewhere(self, S, fn, c) -> Evidence | None:
        """Evidence when another function of the file makes the same call, with the
        same arguments, and checks its result with IS_ERR() (`tt = find_tt(udev);
        if (IS_ERR(tt)) ...` before the reservation that calls `find_tt(udev)` again):
        a lookup-or-create called a second time finds what the first one made, and
        the unchecked call is usually that second one."""
        args = tuple(a.replace(" ", "") for a in c.args)
        for g in S.index.by_file.get(fn.path, {}).values():
            if g is fn or c.name not in g.call_names:
                continue
            for x in g.nodes:
                for c2 in x.calls:
                    if c2.name != c.name or c2.result is None or \
                            tuple(a.replace(" ", "") for a in c2.args) != args:
                        continue
                    chk = _err_checked_text(c2.result)
                    t = next((y for y in g.nodes if "ERR" in y.text and chk.search(y.text)), None)
                    if t is not None:
                        return Evidence(g.path, t.line, g.name,
                                        f"low: {g.name}() makes the same call, {c.name}({', '.join(c.args)}), and "
                                        f"checks it ({t.text.strip()}): this one may look up what that one made")
        return None

    # -- existence: a lookup that cannot fail because the object is known to be there --
    def _known_to_exist(self, S, fn, defn, c, callee, codes) -> Evidence | None:
        """Evidence that what the call looks up was found, created or pinned before it
        runs, so that its failure (an absent object) cannot happen here, else None:
        the same key looked up and checked earlier on the path; a key read from an
        object of the collection the lookup searches (a node's link to its parent)
        and a lookup that returns what its cache holds before anything can fail; every
        caller making the same lookup first and checking it; a singleton every
        caller shares, which another caller checks; the same lookup on the same
        object checked by the setup, which refuses to start without it."""
        return (self._found_on_path(fn, defn, c, codes) or self._linked_key(S, fn, c, callee)
                or self._callers_found_it(S, fn, c) or self._shared_singleton(S, fn, c, callee)
                or self._setup_found_it(S, fn, c, codes))

    def _found_on_path(self, fn, defn, c, codes) -> Evidence | None:
        """`shp = shm_obtain_object_check(ns, id); if (IS_ERR(shp)) goto out; ...
        shp = shm_lock(ns, id);`: an earlier call on the path with the same key
        (every argument the same, one at least not a constant), whose result was
        tested, found the object. A different function may fail for resources the
        first one did not need: then only when the second fails for absence alone."""
        args = tuple(a.replace(" ", "") for a in c.args)
        if not any(_VAR.search(a) and not a.isupper() for a in args):
            return None
        for m in fn.nodes:
            if m.id == defn.id or m.line > defn.line or not m.calls:
                continue
            for c2 in m.calls:
                if c2.name is None or c2.name in _ERR_FAMILY or tuple(a.replace(" ", "") for a in c2.args) != args:
                    continue
                if c2.name != c.name and codes & _RESOURCE_ERRNOS:
                    continue
                t = self._tested_result(fn, m, c2)
                if t is None or not _only_after_success(fn, t, c2, defn.id):
                    continue
                return Evidence(fn.path, t.line, fn.name,
                                f"low: {c2.name}({', '.join(c2.args)}) looked up the same key earlier and "
                                f"its failure was tested ({t.text.strip()}): the object was found before "
                                f"{c.name}() runs")
        return None

    def _tested_result(self, fn, m, c2):
        """The node that tests the result of call c2 (in node m) for failure: an
        IS_ERR()-family or NULL test of the variable it is kept in, or of the call
        itself when m is the condition; else None."""
        if c2.result is None:
            call_text = f"{c2.name}({','.join(c2.args)})"
            atoms = {a for a, _ in m.true_lits | m.false_lits}
            return m if m.kind == "cond" and (call_text in atoms or f"IS_ERR({call_text})" in atoms) else None
        r = c2.result
        chk = _err_checked_text(r)
        for x in fn.nodes:
            if x.line < m.line or x.kind != "cond" and not (x.id == m.id and m.kind == "cond"):
                continue
            if ("ERR" in x.text and chk.search(x.text)) or any(a == r or a.startswith(r + "=")
                                                                 for a, _ in x.true_lits | x.false_lits):
                return x
        return None

    def _linked_key(self, S, fn, c, callee) -> Evidence | None:
        """`fd->bnode = hfs_bnode_find(tree, new_node->parent)`: the key is a link
        kept in an object of the very type the lookup returns (a node's parent in
        the tree it searches), and the lookup returns what its cache holds before
        anything can fail: the linked object was loaded when the link was made (the
        descent from the root loaded every ancestor)."""
        if callee is None:
            return None
        rtype = _pointee(callee.return_type)
        if rtype is None:
            return None
        for a in c.args:
            mm = re.fullmatch(r"([A-Za-z_]\w*)\s*(?:->|\.)\s*[A-Za-z_]\w*", a.strip())
            if mm is None or _declared_type(fn, mm.group(1)) != rtype:
                continue
            hit = _cache_first(callee)
            if hit is None:
                return None
            return Evidence(callee.path, hit.line, callee.name,
                            f"low: the key {a.strip()} is a link kept in another {rtype}, and {callee.name}() "
                            f"returns what its cache holds first ({hit.text.strip()}): the linked object was "
                            f"loaded when the link was made")
        return None

    def _callers_found_it(self, S, fn, c) -> Evidence | None:
        """hinic_sq_read_wqe() reads the queue entry that its callers' earlier
        hinic_sq_read_wqebb(sq, ...) read and checked: every caller of fn first calls
        a function that makes the same lookup (the same callee, on the same object
        as fn's parameter names it) and tests what that function returns."""
        key = _param_key(fn, c.args[0]) if c.args else None
        if key is None:
            return None
        callers = [h for h in S.index.functions_calling(fn.name) if h is not fn]
        if not callers or len(callers) > 8:
            return None
        first = None
        for h in callers:
            got = self._caller_looked_up(S, h, fn, c, key)
            if got is None:
                return None
            first = first or got
        h, x, g = first
        return Evidence(h.path, x.line, h.name,
                        f"low: every caller of {fn.name}() first calls {g.name}(), which makes the same lookup, "
                        f"{c.name}(), and checks it ({x.text.strip()}): the object was found before")

    def _caller_looked_up(self, S, h, fn, c, key):
        calls = [(x, cf) for x in h.nodes for cf in x.calls if cf.name == fn.name]
        if not calls:
            return None
        for x, cf in calls:
            if not cf.args or key[0] >= len(cf.args):
                return None
            obj = cf.args[key[0]].replace(" ", "")
            hit = None
            for y in h.nodes:
                if y.line > x.line:
                    continue
                for cg in y.calls:
                    if cg.name in (None, fn.name) or not cg.args or key[0] >= len(cg.args) \
                            or cg.args[key[0]].replace(" ", "") != obj:
                        continue
                    t = self._tested_result(h, y, cg)
                    if t is None or not _only_after_success(h, t, cg, x.id):
                        continue
                    g = S.resolve(cg.name, h.path)
                    if g is not None and self._checks_lookup(g, c.name, key):
                        hit = (h, y, g)
                        break
                if hit:
                    break
            if hit is None:
                return None
        return hit

    def _checks_lookup(self, g, name, key) -> bool:
        """Does g call `name` on the object its parameter key[0] names (the same
        access path as key[1]) and test the result with IS_ERR()?"""
        if name not in g.call_names:
            return False
        for x in g.nodes:
            for c in x.calls:
                if c.name == name and c.args and _param_key(g, c.args[0]) == key and c.result is not None:
                    chk = _err_checked_text(c.result)
                    if any("ERR" in y.text and chk.search(y.text) for y in g.nodes):
                        return True
        return False

    def _shared_singleton(self, S, fn, c, callee) -> Evidence | None:
        """`btf = bpf_get_btf_vmlinux();`: a lookup with no argument that returns a
        file-scope object it creates once (memoised): every caller gets the same
        object, and another caller in the analysed code checks it (the loader,
        before anything that runs this code)."""
        if callee is None or any(a.strip() for a in c.args) or [p for p in callee.params if p != "void"]:
            return None
        if not _memoised(callee):
            return None
        for g in S.index.functions_calling(c.name):
            if g is fn or g.name == callee.name:
                continue
            for x in g.nodes:
                for c2 in x.calls:
                    if c2.name != c.name:
                        continue
                    t = self._tested_result(g, x, c2)
                    if t is not None and "ERR" in t.text:
                        return Evidence(g.path, t.line, g.name,
                                        f"low: {c.name}() takes no argument and returns a file-scope object it "
                                        f"creates once; {g.name}() checks it ({t.text.strip()}): every caller gets "
                                        f"the same object")
        return None

    def _setup_found_it(self, S, fn, c, codes) -> Evidence | None:
        """bwmon's interrupt thread asks the OPP table its probe already found
        (`opp = dev_pm_opp_find_bw_floor(dev, ...); if (IS_ERR(opp)) return ...;`):
        a function of the file that runs only while the device is set up makes the
        same lookup on the same object (the first argument names the same thing),
        checks it and gives up without it; and the lookup fails only for an absent
        or out-of-range item, never for resources."""
        if not c.args or codes & _RESOURCE_ERRNOS or init_context(S, fn):
            return None
        obj = _last_ident(c.args[0])
        if obj is None:
            return None
        for g in S.index.by_file.get(fn.path, {}).values():
            if g is fn or c.name not in g.call_names:
                continue
            why = None
            for x in g.nodes:
                for c2 in x.calls:
                    if c2.name != c.name or not c2.args or _last_ident(c2.args[0]) != obj:
                        continue
                    t = self._tested_result(g, x, c2)
                    if t is None or "ERR" not in t.text:
                        continue
                    why = why or init_context(S, g)
                    if why:
                        return Evidence(g.path, t.line, g.name,
                                        f"low: {g.name}() ({why}) makes the same lookup on {c2.args[0]} and "
                                        f"gives up without it ({t.text.strip()}): the object exists once it is "
                                        f"set up")
        return None

    def _hands_up(self, fn, m, p) -> bool:
        """Does the side of NULL test m where p is set go straight to `return p;`
        (through plain statements, no other test)?"""
        side = True if (p, True) in m.true_lits else False if (p, True) in m.false_lits else None
        if side is None:
            return False
        n = next((t for t, e in m.succ if e is side), None)
        for _ in range(8):
            if n is None:
                return False
            x = fn.nodes[n]
            if x.kind == "return":
                return re.fullmatch(r"return\s*\(?\s*%s\s*\)?\s*;" % re.escape(p), x.text.strip()) is not None
            if x.kind == "cond" or any(v == p for v, _ in x.defs) or len(x.succ) != 1:
                return False
            n = x.succ[0][0]
        return False

    def _hook_only(self, S, failures) -> Evidence | None:
        """Evidence when every ERR_PTR the callee returns carries the errno of a call
        through a function pointer (`err = dir->d_op->d_hash(dir, name); if (err < 0)
        return ERR_PTR(err);`): the failure needs an optional operation the object's
        type may not have (rpc_pipefs dentries have no d_hash), which the caller
        usually knows; else None."""
        hooks = []
        for k, trail in failures:
            # the summary's trail starts at the errno's origin: a call through a pointer
            if not trail or "through a function pointer" not in trail[0][3]:
                return None
            hooks.append(trail[0])
        if not hooks:
            return None
        s0 = hooks[0]
        hook = s0[3].split("'")[1] if s0[3].count("'") >= 2 else "a function pointer"
        return Evidence(s0[0], s0[1], s0[2], f"{s0[2]}() returns an ERR_PTR only with the error of {hook}: an "
                                             f"optional operation the object's type may not have, which the "
                                             f"caller's context may exclude")

    def _admits_err_ptr(self, S, callee) -> bool:
        """Does the callee's own code say that what it returns may be an ERR_PTR the
        summary does not see? It tests the returned variable with IS_ERR() or
        IS_ERR_OR_NULL() itself, or returns a field that its file sets to an ERR_PTR
        (`error = i915->gpu_error.first_error; if (!IS_ERR_OR_NULL(error)) get(error);
        return error;`, with `...first_error = ERR_PTR(err);` elsewhere)."""
        if callee is None:
            return False
        rets = {x.text.strip()[len("return"):].strip(" ;()") for x in callee.nodes if x.kind == "return"}
        rets = {r for r in rets if _VAR.fullmatch(r) or _MEMBER.match(r.replace(" ", ""))}
        for r in rets:
            if any("ERR" in x.text and _err_checked_text(r).search(x.text) for x in callee.nodes):
                return True
            fields = {r.replace(" ", "")}
            for x in callee.nodes:   # `r = a->b.f;`: the field r is read from
                for v, val in x.defs:
                    if v == r and val and val[0] == "var" and isinstance(val[1], str):
                        fields.add(val[1].replace(" ", ""))
            for f in fields:
                mm = _MEMBER.match(f)
                if mm is None:
                    continue
                last = re.split(r"->|\.", mm.group(1))[-1]
                store = re.compile(r"(?:->|\.)%s\s*=\s*ERR_PTR\b" % re.escape(last))
                if any(last in g.text_tokens and any(store.search(x.text) for x in g.nodes)
                       for g in S.index.by_file.get(callee.path, {}).values()):
                    return True
        return False

    def _harmless(self, S, fn, p, kind, defn, compound) -> bool:
        """Does every read of p (in fn; for a field or a file-scope variable, in its
        whole file) only test it or hand it to functions that accept the kind of
        value the wrong test lets through (errpath.tolerance)? Then nothing is lost:
        `if (ec->pdev) platform_device_unregister(ec->pdev);` with an ERR_PTR, or
        `clk_prepare_enable(parent)` with a NULL parent."""
        # (at least one such call: a value only tested, or stored, may be read elsewhere)
        return bool(self._harmless_ev(S, fn, p, kind, defn, compound))

    def _harmless_ev(self, S, fn, p, kind, defn, compound) -> list:
        local = p in fn.params or any(x.kind == "decl" and any(v == p for v, _ in x.defs) for x in fn.nodes)
        return harmless_uses(S, fn, p, kind, {defn.id}, compound or not local) or []

    def _reaches(self, fn, nid, var, def_node) -> bool:
        return any(d == def_node for d, _ in fn.reaching(nid, var))

    # -- results assigned to a variable ----------------------------------------
    def _check_result(self, fn, S, defn, c, live, out=None):
        """Checks of the call's result p (`p = f(...)`), or, with `out`, of what the
        call stores through `&p`."""
        p = c.result
        compound = "." in p or "->" in p
        if not compound and not _VAR.fullmatch(p):
            return
        tests, err_tests, is_err_tests, derefs, handed = [], [], [], [], []
        checked = lambda: _err_checked_text(p)
        deref = lambda: _deref(p)
        # 1. syntax only: where is the result tested, checked, dereferenced, handed on?
        for m in fn.nodes:
            if m.id == defn.id:
                if m.kind == "cond" and any(a.startswith(p + "=") for a, _ in m.true_lits | m.false_lits):
                    tests.append(m)
                if _err_checks(m, checked):
                    err_tests.append(m)
                continue
            # (`p->n++` lists the member as its use, not p)
            if (p not in m.uses and not any(u.startswith(p) and u[len(p):len(p) + 2] == "->" for u in m.uses)) \
                    if not compound else (p not in m.text.replace(" ", "")):
                continue
            text = m.text
            if _err_checks(m, checked):
                err_tests.append(m)
                if m.kind == "cond" and _is_err_only(p).search(text):
                    is_err_tests.append(m)
            if m.kind == "cond" and any(a == p for a, _ in m.true_lits | m.false_lits):
                tests.append(m)
            if "->" in text and p in text and deref().search(text):
                derefs.append(m)
            for c2 in m.calls:
                if c2.name is not None and p in c2.args and c2.name not in _ERR_FAMILY:
                    handed.append((m, c2))
        # a file-scope variable (`simple_tsk = kthread_run(...)` in a module's init) is
        # kept like a field: another function of the file reads it later
        stored = compound or (_VAR.fullmatch(p) is not None and _file_scope(fn, p))
        if out is not None and out.guard is not None:
            # (an out-parameter stored with an error return: uses past a test of it are fine)
            tests, derefs = [m for m in tests if not out.guard(m)], [m for m in derefs if not out.guard(m)]
            handed = [(m, c2) for m, c2 in handed if not out.guard(m)]
        if not (tests or is_err_tests or derefs or handed or stored):
            return
        if not is_err_tests and not self._may_err(S, c, fn, out):
            return
        # 2. only now the facts that cost something: reaching definitions, the callee's summary
        alive = live()
        if defn.id not in alive:
            return
        tests, err_tests, is_err_tests, derefs = ([m for m in ms if m.id in alive]
                                                  for ms in (tests, err_tests, is_err_tests, derefs))
        handed = [(m, c2) for m, c2 in handed if m.id in alive]
        def_nodes = {m.id for m in fn.nodes for v, _ in m.defs if v == p}
        if out is not None:
            # every call handed &p may store through it again
            def_nodes |= {m.id for m in fn.nodes for c3 in m.calls if "&" + p in (a.replace(" ", "") for a in c3.args)}
        if p not in fn.params and def_nodes == {defn.id}:
            # one definition of a local: every use sees it
            reach = only = lambda m: True
        else:
            # plain CFG walks instead of a reaching-definitions pass
            from_def = _walk(fn, [defn.id], def_nodes)
            others = _walk(fn, [0] + sorted(def_nodes - {defn.id}), {defn.id})
            reach = lambda m: m.id == defn.id or m.id in from_def
            only = lambda m: m.id == defn.id or m.id not in others
        err_tests = [m for m in err_tests if reach(m)]
        is_err_tests = [m for m in is_err_tests if reach(m)]
        if stored and err_tests and not any(m.id != defn.id and m.id in alive and any(v == p for v, _ in m.defs)
                                              for m in fn.nodes):
            # checked, but the ERR_PTR stays in the field on the error path
            yield from self._left_in_field(fn, S, defn, c, p, err_tests, out)
        or_null = [m for m in err_tests if m.kind == "cond" and any(a == f"IS_ERR_OR_NULL({p})"
                                                                   for a, _ in m.true_lits | m.false_lits)]
        if (is_err_tests or or_null) and derefs:
            # `if (IS_ERR(ref)) break; ... } return ref->count;`: the error side itself
            # runs straight into a dereference (also round a loop by `continue`)
            found = False
            for f in self._deref_on_error_side(fn, S, defn, c, p, is_err_tests + or_null, derefs, def_nodes, out):
                found = True
                yield f
            if found:
                return
        if is_err_tests and handed:
            # the error branch itself hands the ERR_PTR on: `if (IS_ERR(skb)) goto err;
            # ... err: kfree_skb(skb);`
            yield from self._handed_on_error_path(fn, S, defn, c, p, is_err_tests, handed, def_nodes, out)
        if err_tests and (derefs or handed):
            # checked, but only after a use: the use sees the ERR_PTR
            stop = {m.id for m in err_tests}
            before = _walk(fn, [defn.id], stop | def_nodes) - stop
            # a use written before the test (not one reached again round a loop); a valid-pointer
            # predicate on the way (`if (!i2c_client_has_driver(client)) goto err;`) is a test too,
            # and `&p->member` only computes an address
            preds = [x.id for x in fn.nodes if x.kind == "cond" and p in x.text and "(" in x.text
                     and any(_NEGATED_CALL.search(x.text.replace(" ", "")) and
                             _pointer_predicate(S, mm.group(1), fn.path) is not None
                             for mm in _NEGATED_CALL.finditer(x.text.replace(" ", "")))]
            if preds:
                stop |= set(preds)
                before = _walk(fn, [defn.id], stop | def_nodes) - stop
            real = [m for m in derefs if re.search(r"(?<![&\w])%s\s*->" % re.escape(p), m.text)]
            first = min(m.line for m in err_tests)
            early = [m for m in real if m.id in before and reach(m) and defn.line <= m.line < first
                     and not self._iterated(fn, m, defn, p)]
            early_h = [(m, c2) for m, c2 in handed if m.id in before and m.id not in stop and reach(m)
                       and defn.line <= m.line < first]
            if early or early_h:
                yield from self._used_before_check(fn, S, defn, c, p, early, early_h, err_tests, out)
                return
        if not is_err_tests:
            if err_tests or not self._may_err(S, c, fn, out):
                return
        tests = [m for m in tests if reach(m)]
        derefs = [m for m in derefs if reach(m) and not self._iterated(fn, m, defn, p)]
        handed = [(m, c2) for m, c2 in handed if reach(m) and not self._iterated(fn, m, defn, p)]
        if len(derefs) + len(handed) > 1:   # report the first use after the definition
            dist = _distances(fn, defn.id)
            derefs.sort(key=lambda m: dist.get(m.id, 1 << 30))
            handed.sort(key=lambda mc: dist.get(mc[0].id, 1 << 30))
        if not (tests or is_err_tests or derefs or handed or stored):
            return
        if any(self._consumes_err(S, fn, m, c2, p) for m, c2 in handed):
            return   # handed to a function that checks IS_ERR() itself: the caller relies on it
        got = self._callee(S, fn, c.name, c, out)
        if got is None:
            return
        outs, callee = got
        cls = _classify(outs)
        deps = self._deps(outs, callee)
        # a NULL or IS_ERR() test speaks about this call only if no other value reaches it
        tests = [m for m in tests if only(m)]
        is_err_tests = [m for m in is_err_tests if only(m)]
        set_ev = Evidence(fn.path, defn.line, fn.name, f"'{p}' set from {c.name}(): {defn.text}")
        # `p = f(a); use(p); p = f(b); use(p);`: each assignment is its own finding,
        # told apart by its ordinal (stable under unrelated edits, unlike a line)
        k = sum(1 for m in fn.nodes if m.id < defn.id and any(x.result == p and x.name == c.name for x in m.calls))
        nth = (f"#{k + 1}",) if k else ()
        if cls["err_only"] and tests and not err_tests:
            m = tests[0]
            if self._harmless(S, fn, p, "err", defn, compound):
                return   # the NULL test only guards calls that accept the ERR_PTR too
            ev = [set_ev] + self._callee_evidence(fn, c.name, outs, callee, "errptr", out)
            ev.append(Evidence(fn.path, m.line, fn.name, f"tested for NULL only: {m.text}"))
            yield self.finding(fn, m.line, m.column,
                               f"'{p}' from {c.name}() is tested for NULL, but {c.name}() returns an "
                               f"ERR_PTR on failure and never NULL: use IS_ERR()",
                               names=(p, c.name, "null-test") + nth, evidence=ev, depends_on=deps,
                               confidence="high" if callee is not None else "medium")
            return
        if cls["null_only"] and is_err_tests:
            # (not after `if (!p) continue;`: the NULL is handled, the IS_ERR() is only redundant)
            m = next((t for t in is_err_tests if p not in {a for a, _ in t.true_lits | t.false_lits}
                      and f"IS_ERR_OR_NULL({p})" not in t.text.replace(" ", "")
                      and not fn.holds(t.id, p, True)), None)
            if m is not None and not self._admits_err_ptr(S, callee):
                ev = [set_ev] + self._callee_evidence(fn, c.name, outs, callee, "null", out)
                ev.append(Evidence(fn.path, m.line, fn.name, f"tested with IS_ERR(): {m.text}"))
                conf = "high" if callee is not None else "medium"
                harmless = self._harmless_ev(S, fn, p, "null", defn, compound)
                if harmless:
                    # nothing crashes: every use accepts the NULL (clk_prepare_enable(NULL) is a
                    # no-op), but the failure is lost silently; stable still fixes these
                    conf = "low"
                    ev += harmless + [Evidence(fn.path, m.line, fn.name,
                                               "low: every use of it accepts a NULL, so the missed failure is "
                                               "lost silently rather than dereferenced")]
                if callee is not None and self._null_only_for_bad_args(outs, callee):
                    # `if (index >= state->num_connector) return NULL;`: an accessor's NULL for
                    # an argument out of its range, which the caller's context usually excludes
                    conf = "low"
                    ev.append(Evidence(callee.path, callee.line, callee.name,
                                       f"low: {callee.name}() returns NULL only under tests of its own "
                                       f"arguments (a bad argument, which the caller's context may exclude)"))
                yield self.finding(fn, m.line, m.column,
                                   f"IS_ERR() on '{p}' from {c.name}(), which returns NULL on failure and "
                                   f"never an ERR_PTR: the failure is missed",
                                   names=(p, c.name, "is-err") + nth, evidence=ev, depends_on=deps,
                                   confidence=conf)
            return
        if cls["err"] and cls["null"] and is_err_tests and not tests and derefs \
                and not any("IS_ERR_OR_NULL" in m.text for m in err_tests):
            # NULL and ERR_PTR: the IS_ERR() test lets the NULL through to the dereference
            m = derefs[0]
            ev = [set_ev] + self._callee_evidence(fn, c.name, outs, callee, "null", out)
            ev.append(Evidence(fn.path, is_err_tests[0].line, fn.name, f"tested with IS_ERR() only: {is_err_tests[0].text}"))
            ev.append(Evidence(fn.path, m.line, fn.name, f"dereferenced with no NULL test: {m.text}"))
            # low: on the whole 6.12.117 kernel most callers know which of the two a lookup
            # gives in their context (198 findings at medium, mostly false on a sample)
            conf = "low"
            ev.append(Evidence(fn.path, m.line, fn.name, "the caller's context usually rules one of the two out: "
                                                          "low until the NULL's condition is shown reachable"))
            sib = self._sibling_tests(S, fn, callee)
            if sib["null"]:
                ev.append(_sibling_evidence(sib["null"], c.name, f"for NULL, {sib['err_only']} with IS_ERR() only"))
            yield self.finding(fn, m.line, m.column,
                               f"'{p}' from {c.name}() may be NULL ({c.name}() returns NULL and ERR_PTR) and is "
                               f"dereferenced after an IS_ERR() test only: use IS_ERR_OR_NULL()",
                               names=(p, c.name, "null-deref") + nth, evidence=ev, depends_on=deps,
                               confidence=conf)
            return
        if cls["err"] and not err_tests:
            if any("__GFP_NOFAIL" in a for a in c.args):
                return   # the caller asked for an allocation that cannot fail
            failures = self._failure_errors(S, outs, callee)
            if not failures:
                return   # ERR_PTR only for invalid arguments: a contract the caller keeps
            only_null = " (it is checked for NULL only)" if tests else ""
            # kunit tests assume their helpers succeed: true, but rarely worth a patch
            conf = "low" if _test_code(fn) else "medium"
            if conf == "low":
                only_null += " in test code"
            codes = {k[1] for k, _ in failures}
            contract = None
            if conf == "medium" and codes <= CONTRACT_ERRNOS:
                # no resource can fail here: the caller's context usually rules the ERR_PTR out
                conf = "low"
                contract = Evidence(fn.path, defn.line, fn.name,
                                    f"{c.name}() returns an ERR_PTR only with "
                                    f"{', '.join('-' + x for x in sorted(codes))}: a bad argument, an absent "
                                    f"optional item or a retry, which the caller's context may exclude")
            hook = self._hook_only(S, failures) if conf == "medium" else None
            if hook is None and conf == "medium":
                hook = self._checked_elsewhere(S, fn, c)
            if hook is None and conf == "medium":
                hook = self._known_to_exist(S, fn, defn, c, callee, codes)
            if hook is not None:
                conf = "low"
                contract = hook
            if derefs:
                m = derefs[0]
                ev = [set_ev] + self._callee_evidence(fn, c.name, outs, callee, "errptr", out)
                ev.append(Evidence(fn.path, m.line, fn.name, f"dereferenced with no IS_ERR() check: {m.text}"))
                if contract is not None:
                    ev.append(contract)
                yield self.finding(fn, m.line, m.column,
                                   f"'{p}' from {c.name}() may be an ERR_PTR and is dereferenced without "
                                   f"IS_ERR(){only_null}",
                                   names=(p, c.name, "deref") + nth, evidence=ev, depends_on=deps,
                                   confidence=conf)
                return
            for m, c2 in handed:
                gev = _dereferences(S, fn.path, c2.name, c2.args.index(p))
                if gev is None:
                    continue
                ev = [set_ev] + self._callee_evidence(fn, c.name, outs, callee, "errptr", out)
                ev.append(Evidence(fn.path, m.line, fn.name, f"handed to {c2.name}() with no IS_ERR() check: {m.text}"))
                ev.append(gev)
                if contract is not None:
                    ev.append(contract)
                yield self.finding(fn, m.line, m.column,
                                   f"'{p}' from {c.name}() may be an ERR_PTR and is passed to {c2.name}(), "
                                   f"which dereferences it, without IS_ERR(){only_null}",
                                   names=(p, c.name, "handed", c2.name) + nth, evidence=ev,
                                   depends_on=deps | {gev.path}, confidence=conf)
                return
            if stored and not tests and not derefs and not handed:
                use = _field_use(S, fn, p)
                if use is not None:
                    ev = [set_ev] + self._callee_evidence(fn, c.name, outs, callee, "errptr", out)
                    ev.append(Evidence(fn.path, defn.line, fn.name,
                                       f"'{p}' keeps the result with no IS_ERR() check in {fn.name}()"))
                    ev += use[1]
                    if contract is not None:
                        ev.append(contract)
                    # low: the store usually happens while something is set up, and whether the
                    # reader can run after a failed store is not shown (on 6.12.117: 14 medium
                    # findings, 1 reachable in normal operation)
                    ev.append(Evidence(fn.path, defn.line, fn.name, "low: that the reader runs after a failed "
                                                                    "store is not shown"))
                    conf = "low"
                    yield self.finding(fn, defn.line, defn.column,
                                       f"'{p}' from {c.name}() may hold an ERR_PTR, and {use[0]}() "
                                       f"{use[2]}, without IS_ERR()",
                                       names=(p, c.name, "field", use[0]) + nth, evidence=ev,
                                       depends_on=deps | {e.path for e in use[1]}, confidence=conf)
                    return
            if tests:
                # NULL (or an unknown pointer) and ERR_PTR, tested for NULL only: the ERR_PTR
                # passes the test and is kept, compared or handed on as a valid pointer
                m = tests[0]
                if self._hands_up(fn, m, p):
                    return   # `if (res) return res;`: both kinds go to the caller, which tests them
                what = "returns NULL and ERR_PTR" if cls["null"] else "may also return an ERR_PTR"
                if conf == "medium":
                    # low: `if (res) return res;` hands both kinds up (d_splice_alias() and
                    # lookup callers), and an unseen NULL may be the one the API documents
                    # (debugfs_create_dir() callers test for NULL, harmlessly)
                    conf = "low"
                ev = [set_ev] + self._callee_evidence(fn, c.name, outs, callee, "errptr", out)
                ev.append(Evidence(fn.path, m.line, fn.name, f"tested for NULL only: {m.text}"))
                if contract is not None:
                    ev.append(contract)
                sib = self._sibling_tests(S, fn, callee)
                if sib["err"]:
                    ev.append(_sibling_evidence(sib["err"], c.name, "with IS_ERR()"))
                yield self.finding(fn, m.line, m.column,
                                   f"'{p}' from {c.name}() is tested for NULL only, but {c.name}() {what}: "
                                   f"the ERR_PTR passes the test; use IS_ERR_OR_NULL()",
                                   names=(p, c.name, "null-test-mixed") + nth, evidence=ev, depends_on=deps,
                                   confidence=conf)
                return

    def _check_nested(self, fn, S, n, c2, i, name, live):
        """`clk_get_rate(devm_clk_get(dev, "ref"))`: the ERR_PTR goes straight into a
        function that dereferences it."""
        gev = _dereferences(S, fn.path, c2.name, i)
        if gev is None or n.id not in live():
            return
        call = next((x for x in n.calls if x.name == name), None)
        got = self._callee(S, fn, name, call)
        if got is None:
            return
        outs, callee = got
        if not _classify(outs)["err"]:
            return
        failures = self._failure_errors(S, outs, callee)
        if not failures:
            return
        conf = "low" if _test_code(fn) else "medium"
        ev = self._callee_evidence(fn, name, outs, callee, "errptr")
        ev.append(Evidence(fn.path, n.line, fn.name, f"{name}()'s result handed straight to {c2.name}(): {n.text}"))
        ev.append(gev)
        codes = {k[1] for k, _ in failures}
        if conf == "medium" and codes <= CONTRACT_ERRNOS:
            conf = "low"
            ev.append(Evidence(fn.path, n.line, fn.name,
                               f"{name}() returns an ERR_PTR only with {', '.join('-' + x for x in sorted(codes))}: "
                               f"a bad argument, an absent optional item or a retry, which the caller's context may exclude"))
        yield self.finding(fn, n.line, n.column,
                           f"{name}() may return an ERR_PTR, which is passed straight to {c2.name}(), which "
                           f"dereferences it", names=(name, "nested", c2.name), evidence=ev,
                           depends_on=self._deps(outs, callee) | {gev.path}, confidence=conf)

    def _handed_on_error_path(self, fn, S, defn, c, p, is_err_tests, handed, def_nodes, out=None):
        starts = []
        for atom in (f"IS_ERR({p})", f"IS_ERR_OR_NULL({p})"):
            starts += [t for m in is_err_tests for t, e in m.succ
                       if e is (True if (atom, True) in m.true_lits else False if (atom, True) in m.false_lits
                                else None)]
        if not starts:
            return
        seen: set = set()
        work = list(starts)
        while work:   # the error side, until p is given a new value
            n = work.pop()
            if n in seen:
                continue
            seen.add(n)
            if n in def_nodes:
                continue
            work.extend(s for s, _ in fn.nodes[n].succ)
        for m, c2 in sorted(handed, key=lambda mc: mc[0].line):
            if m.id not in seen or c2.name in ("IS_ERR", "PTR_ERR") or self._consumes_err(S, fn, m, c2, p):
                continue
            if any(x.kind == "cond" and x.id in seen and x.line <= m.line and p in x.text for x in fn.nodes
                   if x.id != m.id and x.kind == "cond" and (p, True) in x.true_lits | x.false_lits):
                continue   # a NULL/pointer test on the way (`if (reply) kfree_skb(reply)` after `reply = NULL`)
            gev = _dereferences(S, fn.path, c2.name, c2.args.index(p),
                                _HAND_ON_DEPTH)   # the cleanup itself only: its shape is low and path-blind already
            if gev is None:
                continue
            got = self._callee(S, fn, c.name, c, out)
            if got is None:
                return
            outs, callee = got
            if not self._failure_errors(S, outs, callee) or _inferred(outs, callee):
                return   # (a convention inferred from IS_ERR() tests: this one is among them)
            ev = [Evidence(fn.path, defn.line, fn.name, f"'{p}' set from {c.name}(): {defn.text}")]
            ev += self._callee_evidence(fn, c.name, outs, callee, "errptr", out)
            ev.append(Evidence(fn.path, is_err_tests[0].line, fn.name, f"the error branch: {is_err_tests[0].text}"))
            ev.append(Evidence(fn.path, m.line, fn.name, f"still holding the ERR_PTR, handed to {c2.name}(): {m.text}"))
            ev.append(gev)
            ev.append(Evidence(fn.path, m.line, fn.name, "low: the path to the cleanup is not checked against the "
                                                          "conditions on the way (a status test may skip it)"))
            yield self.finding(fn, m.line, m.column,
                               f"'{p}' is an ERR_PTR on the error path after IS_ERR() and is passed to "
                               f"{c2.name}(), which dereferences it: set it to NULL first",
                               names=(p, c.name, "error-path", c2.name), evidence=ev,
                               depends_on=self._deps(outs, callee) | {gev.path}, confidence="low")
            return

    def _deref_on_error_side(self, fn, S, defn, c, p, is_err_tests, derefs, def_nodes, out=None):
        """A dereference of p reached from the side of its IS_ERR() test where p is
        the ERR_PTR, through plain statements only (no other test on the way, p not
        given a new value): a loop that breaks out on the error and then uses the
        last value (`if (IS_ERR(ref)) break;` ... `return ref->count;`)."""
        starts = []
        for atom in (f"IS_ERR({p})", f"IS_ERR_OR_NULL({p})"):
            starts += [t for m in is_err_tests for t, e in m.succ
                       if e is (True if (atom, True) in m.true_lits else False if (atom, True) in m.false_lits
                                else None)]
        if not starts:
            return
        real = {}
        for m in derefs:
            d = re.search(r"(?<![&\w])%s\s*->" % re.escape(p), m.text)
            if d is None and any(a.replace(" ", "").startswith(f"&{p}->") for c2 in m.calls for a in c2.args):
                # `spin_lock(&head->lock)`: the member's address of an ERR_PTR handed to a call
                d = re.search(r"%s\s*->" % re.escape(p), m.text)
            # not one evaluated only under a condition of its own statement (`!IS_ERR(ret) ?
            # ret->nr : -1`, `!err && !group->parent`): that condition may exclude the error
            if d is not None and not re.search(r"&&|\|\||\?", m.text[:d.start()]) \
                    and not ("ERR" in m.text and _err_checked_text(p).search(m.text)):
                real[m.id] = m
        if not real:
            return
        seen: set = set()
        work = list(starts)
        hit = None
        # a loop head is passed only after a test of p sent the walk round (a `continue`
        # into `while (... || p)`); not straight from the error side
        loop_ok = {t for x in fn.nodes if x.kind == "cond" and _err_ptr_edges(x, p) for t, _ in x.succ}
        while work and hit is None:
            n = work.pop()
            if n in seen:
                continue
            seen.add(n)
            if n in real:
                hit = real[n]
                break
            x = fn.nodes[n]
            if x.kind == "cond" and n not in def_nodes:
                # a test of p itself is decided by the ERR_PTR, which is not NULL: round a loop
                # by `continue`, `while (... || head)` holds and `if (!head)` is skipped
                edges = _err_ptr_edges(x, p)
                if edges is not None:
                    work.extend(edges)
                continue
            if n in def_nodes or x.kind in ("switch", "return", "exit") or (x.kind == "loop" and n not in loop_ok):
                continue   # a new value, another test (a status check may skip the use), or the end
            work.extend(t for t, _ in x.succ)
        if hit is None:
            return
        got = self._callee(S, fn, c.name, c, out)
        if got is None:
            return
        outs, callee = got
        failures = self._failure_errors(S, outs, callee)
        if not _classify(outs)["err"] or not failures:
            return
        conf = "low" if _test_code(fn) else "medium"
        ev = [Evidence(fn.path, defn.line, fn.name, f"'{p}' set from {c.name}(): {defn.text}")]
        ev += self._callee_evidence(fn, c.name, outs, callee, "errptr", out)
        ev.append(Evidence(fn.path, is_err_tests[0].line, fn.name, f"the error side of: {is_err_tests[0].text}"))
        ev.append(Evidence(fn.path, hit.line, fn.name, f"reached from it with the ERR_PTR still in '{p}', "
                                                        f"no other test on the way: {hit.text}"))
        yield self.finding(fn, hit.line, hit.column,
                           f"'{p}' from {c.name}() is dereferenced on the path where IS_ERR() found it an "
                           f"ERR_PTR", names=(p, c.name, "deref", "error-side"), evidence=ev,
                           depends_on=self._deps(outs, callee), confidence=conf)

    def _used_before_check(self, fn, S, defn, c, p, derefs, handed, err_tests, out=None):
        """`zone = register(); enable(zone); if (IS_ERR(zone)) ...`: the IS_ERR() test
        comes after a use that already took the ERR_PTR for a pointer."""
        if not self._may_err(S, c, fn, out) or any("__GFP_NOFAIL" in a for a in c.args):
            return
        use = None
        if derefs:
            m = min(derefs, key=lambda x: x.line)
            use = (m, f"dereferenced before the IS_ERR() check: {m.text}", "is dereferenced", (), None)
        else:
            for m, c2 in sorted(handed, key=lambda mc: mc[0].line):
                if self._consumes_err(S, fn, m, c2, p):
                    continue
                gev = _dereferences(S, fn.path, c2.name, c2.args.index(p))
                if gev is not None:
                    use = (m, f"handed to {c2.name}() before the IS_ERR() check: {m.text}",
                           f"is passed to {c2.name}(), which dereferences it,", (c2.name,), gev)
                    break
        if use is None:
            return
        got = self._callee(S, fn, c.name, c, out)
        if got is None:
            return
        outs, callee = got
        if not _classify(outs)["err"]:
            return
        failures = self._failure_errors(S, outs, callee)
        if not failures:
            return
        m, note, what, extra, gev = use
        conf = "low" if _test_code(fn) else "medium"
        ev = [Evidence(fn.path, defn.line, fn.name, f"'{p}' set from {c.name}(): {defn.text}")]
        ev += self._callee_evidence(fn, c.name, outs, callee, "errptr", out)
        ev.append(Evidence(fn.path, m.line, fn.name, note))
        if gev is not None:
            ev.append(gev)
        chk = min(err_tests, key=lambda x: x.line)
        ev.append(Evidence(fn.path, chk.line, fn.name, f"the IS_ERR() check comes later: {chk.text}"))
        codes = {k[1] for k, _ in failures}
        if conf == "medium" and codes <= CONTRACT_ERRNOS:
            conf = "low"
            ev.append(Evidence(fn.path, defn.line, fn.name,
                               f"{c.name}() returns an ERR_PTR only with {', '.join('-' + x for x in sorted(codes))}: "
                               f"a bad argument, an absent optional item or a retry, which the caller's context may exclude"))
        yield self.finding(fn, m.line, m.column,
                           f"'{p}' from {c.name}() may be an ERR_PTR and {what} before its IS_ERR() check "
                           f"(line {chk.line})",
                           names=(p, c.name, "deref" if not extra else "handed") + extra, evidence=ev,
                           depends_on=self._deps(outs, callee) | ({gev.path} if gev is not None else set()),
                           confidence=conf)

    def _left_in_field(self, fn, S, defn, c, p, err_tests, out=None):
        """`q->f = f(); if (IS_ERR(q->f)) return PTR_ERR(q->f);` leaves the ERR_PTR in
        the field; a reader elsewhere in the file that takes NULL for "not set up"
        (`if (!q->f) return; kthread_stop(q->f);`) then uses it as a pointer."""
        if not S.may_return_err_ptr(c.name, fn.path):
            return
        init = init_context(S, fn)
        kept = None
        if init:
            # a failed probe or init discards the object: nothing reads the field again,
            # unless the setup reports success after the failure (a void helper that only
            # logs it): then the object, and the ERR_PTR in it, outlive the failure
            kept = self._succeeds_after(fn, err_tests, p)
            if kept is None:
                return
        use = _field_use(S, fn, p, null_tested=True)
        if use is None:
            return
        got = self._callee(S, fn, c.name, c, out)
        if got is None:
            return
        outs, callee = got
        if not _classify(outs)["err"] or not self._failure_errors(S, outs, callee):
            return
        ev = [Evidence(fn.path, defn.line, fn.name, f"'{p}' set from {c.name}(): {defn.text}")]
        ev += self._callee_evidence(fn, c.name, outs, callee, "errptr", out)
        ev.append(Evidence(fn.path, err_tests[0].line, fn.name,
                           f"the ERR_PTR is tested but left in '{p}': {err_tests[0].text}"))
        if kept is not None:
            ev.append(Evidence(fn.path, kept.line, fn.name,
                               f"{fn.name}() is {init}, but after the failure it returns success ({kept.text.strip()}): "
                               f"the object is kept with the ERR_PTR in it"))
        ev += use[1]
        ev.append(Evidence(fn.path, defn.line, fn.name, "low: that the reader runs on the object after the failure "
                                                        "is not shown" if kept is not None else
                           "low: that the object outlives the failure and the reader runs on it afterwards is not shown"))
        yield self.finding(fn, defn.line, defn.column,
                           f"'{p}' keeps the ERR_PTR of {c.name}() after the IS_ERR() test, and "
                           f"{use[0]}(), which tests it for NULL only, {use[2]}; set it to NULL on failure",
                           names=(p, c.name, "left-in-field", use[0]), evidence=ev,
                           depends_on=self._deps(outs, callee) | {e.path for e in use[1]},
                           confidence="low")

    def _succeeds_after(self, fn, err_tests, p):
        """A return node reached from the error side of the IS_ERR() test of p, when
        every return reached there (before p gets a new value) reports success: a
        `return;` of a void function or `return 0;`. Else None."""
        atom = f"IS_ERR({p})"
        starts = [t for m in err_tests for t, e in m.succ
                  if e is (True if (atom, True) in m.true_lits else False if (atom, True) in m.false_lits else None)]
        if not starts:
            return None
        void = fn.return_type.split() == ["void"]
        seen, work, rets = set(), list(starts), []
        while work:
            n = work.pop()
            if n in seen:
                continue
            seen.add(n)
            x = fn.nodes[n]
            if any(v == p for v, _ in x.defs):
                return None   # the field is given a new value (NULL) on the way
            if x.kind == "return":
                if not (void and x.ret is None or x.ret == ("int", 0)):
                    return None
                rets.append(x)
                continue
            work.extend(s for s, _ in x.succ)
        return min(rets, key=lambda x: x.line) if rets else None

    # -- calls tested directly: if (!f(x)) / if (IS_ERR(f(x))) ---------------------
    def _check_direct(self, fn, S, n, c, live):
        call_text = f"{c.name}({','.join(c.args)})"
        atoms = {a for a, _ in n.true_lits | n.false_lits}
        null_test = call_text in atoms
        err_test = f"IS_ERR({call_text})" in atoms
        if not (null_test or err_test):
            return
        if not err_test and not S.may_return_err_ptr(c.name, fn.path):
            return
        if n.id not in live():
            return
        got = self._callee(S, fn, c.name, c)
        if got is None:
            return
        outs, callee = got
        cls = _classify(outs)
        deps = self._deps(outs, callee)
        if null_test and cls["err_only"]:
            ev = self._callee_evidence(fn, c.name, outs, callee, "errptr")
            ev.append(Evidence(fn.path, n.line, fn.name, f"tested for NULL only: {n.text}"))
            yield self.finding(fn, n.line, n.column,
                               f"{c.name}() is tested for NULL, but it returns an ERR_PTR on failure and "
                               f"never NULL: use IS_ERR()", names=(c.name, "null-test"), evidence=ev,
                               depends_on=deps)
        elif err_test and cls["null_only"]:
            ev = self._callee_evidence(fn, c.name, outs, callee, "null")
            ev.append(Evidence(fn.path, n.line, fn.name, f"tested with IS_ERR(): {n.text}"))
            yield self.finding(fn, n.line, n.column,
                               f"IS_ERR() on {c.name}(), which returns NULL on failure and never an "
                               f"ERR_PTR: the failure is missed", names=(c.name, "is-err"), evidence=ev,
                               depends_on=deps)


RULE = ErrPtrNullMismatch()
