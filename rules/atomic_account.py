"""A memcg-charged allocation that may dip into the atomic reserves, so it can grow past the cgroup limit.

What it finds
-------------
An allocation charged to the memory cgroup — `__GFP_ACCOUNT` in its mask (also
through `GFP_KERNEL_ACCOUNT`), or an object from a cache created with
`SLAB_ACCOUNT` — whose mask also carries `__GFP_HIGH`, as `GFP_ATOMIC` does.
The mask is followed through local variables (every reaching definition is
one alternative, so `nowait ? GFP_ATOMIC : GFP_KERNEL_ACCOUNT` is not mixed
up) and across calls: when a function ORs `__GFP_ACCOUNT` into its `gfp`
parameter, the finding is at the caller that passes `GFP_ATOMIC`.

Confidence is **high** when the allocation runs in a loop, or when its
function is reachable (through callers in the analysed code) from a system
call (a name in `errpath/data/syscalls.txt`, or `__do_sys_*`/`ksys_*`), an
`*_ioctl` handler or io_uring's issue path (a function taking `issue_flags`)
— a path a user can repeat without bound; **medium** otherwise.

Why it matters
--------------
The memcg charge path lets a charge that carries `__GFP_HIGH` pass when the
cgroup is at its limit (`try_charge_memcg()` forces it instead of failing), so
the task keeps allocating kernel memory its cgroup was meant to stop. This is
what happened in Linux 6.12: io_uring allocated one overflow completion entry per
completion with `GFP_ATOMIC | __GFP_ACCOUNT` while the completion ring was
full; a process that never reaps completions grew to four times a 10 MiB
`MemoryMax` and was never OOM-killed.

Example
-------
    ocqe = kmalloc(ocq_size, GFP_ATOMIC | __GFP_ACCOUNT);
    if (!ocqe)
            return false;

Use instead
-----------
    ocqe = kmalloc(ocq_size, GFP_NOWAIT | __GFP_ACCOUNT);

`GFP_NOWAIT` does not sleep either, but it carries no `__GFP_HIGH`, so the charge
fails at the limit and the caller's failure path (drop, back off) runs.

Known false positives
---------------------
An atomic allocation that must not fail for correctness and whose caller
bounds how many it makes (then `__GFP_HIGH` is deliberate; say so in a
comment and suppress). The rule does not know about masks built by helpers it
cannot see (`current_gfp_context()`, a mask stored in a struct field): those
are never reported.

Not reported, on purpose: a `GFP_ATOMIC` handed to a helper that charges the
cgroup on only some of its paths (`__xas_nomem()` adds `__GFP_ACCOUNT` only for
an xarray made with `XA_FLAGS_ACCOUNT`, which no IDA is), since the call does
not show whether its object is charged; and an allocation on the branch of
`if (WARN_ON(...))`, a refill the code says never runs (KVM's
`kvm_mmu_memory_cache_alloc()`). A branch dead for a reason outside the function
is still reported: BPF task and cgroup storage never take the `GFP_ATOMIC`
kzalloc of `bpf_selem_alloc()` (their maps use the BPF allocator), inode and
socket storage do.

A cache passed in as a parameter, or held in a local, is not matched by name
against the SLAB_ACCOUNT table (a kunit test's local `cache` once made ACPI's
`acpi_os_acquire_object(cache)` look charged, on 6.1).

Precision on the whole 6.12.117 kernel: docs/precision/atomic-account.md.

References
----------
- io_uring's overflow CQEs escaping the memcg limit (one
  `kmalloc(ocq_size, GFP_ATOMIC | __GFP_ACCOUNT)` per completion in
  `io_cqring_event_overflow()`); upstream replaced `GFP_ATOMIC` by `GFP_NOWAIT` for the accounted
  overflow allocation.
- mm/memcontrol.c `try_charge_memcg()`: `if (!(gfp_mask & (__GFP_NOFAIL |
  __GFP_HIGH))) return -ENOMEM;` then the forced charge.
- include/linux/gfp_types.h: `GFP_ATOMIC (__GFP_HIGH|__GFP_KSWAPD_RECLAIM)`,
  `GFP_NOWAIT (__GFP_KSWAPD_RECLAIM|__GFP_NOWARN)`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from errpath.api import (Allocator, Evidence, Mask, Rule, allocator, gfp_composites, mask_alternatives, memo,
                         table)

HIGH, ACCOUNT = "__GFP_HIGH", "__GFP_ACCOUNT"


MAX_CALL_DEPTH = 3     # gfp parameters followed into callees
MAX_CALLER_DEPTH = 12  # callers walked to find a user entry point
MAX_CALLERS = 3000


def high_masks() -> frozenset[str]:
    """Mask names that carry __GFP_HIGH (the rule's token prefilter)."""
    return frozenset({HIGH} | {n for n, (bits, _) in gfp_composites().items() if HIGH in bits})


_SLAB_ACCOUNT = frozenset({"SLAB_ACCOUNT"})


def accounted_caches(index) -> dict[str, Evidence]:
    """Slab cache variables created with SLAB_ACCOUNT: name → where."""
    # a function of the whole function list, whatever the order it is asked in:
    # computed once for all the rule chunks over one index, not once per chunk
    from errpath.api import has_token
    from errpath.api import shared_for
    m = shared_for(index)
    if "atomic-account:caches" in m:
        return m["atomic-account:caches"]
    creators = {n: int(r[0]) for n, r in table("slab_cache_creators").items()}
    out: dict[str, Evidence] = {}
    for fn in index.all:
        if not has_token(fn, _SLAB_ACCOUNT):   # the light token tuple: no set decoded
            continue
        for n in fn.nodes:
            for c in n.calls:
                i = creators.get(c.name or "")
                if i is None or i >= len(c.args) or "SLAB_ACCOUNT" not in c.args[i]:
                    continue
                targets = [c.result] if c.result else [v for v, val in n.defs if val[0] == "call"]
                for t in targets:
                    if t and not _local(fn, t):   # a test's local `cache` names no one else's cache
                        out.setdefault(t, Evidence(fn.path, c.line, fn.name,
                                                   f"cache '{t}' created with SLAB_ACCOUNT"))
    m["atomic-account:caches"] = out
    return out


def _local(fn, name: str) -> bool:
    """A parameter of fn or a variable it declares (entry and decl nodes hold
    their definitions)."""
    return name in fn.params or any(n.kind == "decl" and any(v == name for v, _ in n.defs) for n in fn.nodes)


def callers(index) -> dict[str, list]:
    """Callee name → [(caller facts, Call)] over the whole index."""
    m = memo(index)
    if "callers" not in m:
        m["callers"] = _Callers(index)
    return m["callers"]


class _Callers(dict):
    """name -> [(caller facts, Call)], filled per name from the index's light
    call-name lists: only the callers' CFGs are decoded."""

    def __init__(self, index):
        super().__init__()
        self.functions_calling = index.functions_calling

    def get(self, name, default=None):
        if name not in self:
            self[name] = [(fn, c) for fn in self.functions_calling(name)
                          for c in fn.calls() if c.name == name]
        return dict.get(self, name) or default


@lru_cache(maxsize=None)
def _syscalls() -> frozenset[str]:
    return frozenset(table("syscalls"))


def user_entry(fn) -> str | None:
    """Why fn is a path a user can repeat at will, or None."""
    name = fn.name
    if name in _syscalls() and not fn.is_static:
        return f"system call {name}()"
    if name.startswith(("__do_sys_", "__se_sys_", "ksys_", "compat_sys_", "__do_compat_sys_")):
        return f"system call {name}()"
    if name.endswith("_ioctl"):
        return f"ioctl handler {name}()"
    if "issue_flags" in fn.params:
        return f"io_uring issue path {name}() (takes issue_flags)"
    return None


def user_reachable(index, fn) -> list | None:
    """A caller chain [entry, ..., fn] from a user entry point, or None."""
    m = memo(index)
    key = ("reach", id(fn))
    if key in m:
        return m[key]
    by_callee = callers(index)
    start = (fn, None)
    queue = [(fn, [fn])]
    seen = {(fn.path, fn.name)}
    result = None
    steps = 0
    while queue and steps < MAX_CALLERS:
        cur, chain = queue.pop(0)
        steps += 1
        why = user_entry(cur)
        if why:
            result = list(reversed(chain))
            break
        if len(chain) > MAX_CALLER_DEPTH:
            continue
        for caller, call in by_callee.get(cur.name, ()):
            k = (caller.path, caller.name)
            if k in seen:
                continue
            # a static function is only called from its own file
            if cur.is_static and caller.path != cur.path and not cur.path.endswith(".h"):
                continue
            seen.add(k)
            queue.append((caller, chain + [caller]))
    del start
    m[key] = result
    return result


@dataclass
class Sink:
    """A gfp parameter of a function that reaches an allocation."""
    param_index: int
    mask: Mask                 # what the function adds to / clears from the parameter
    accounted: str | None      # why the allocation is charged regardless of the mask
    chain: list = field(default_factory=list)   # Evidence from the function down to the allocation
    files: frozenset = frozenset()


def _alloc_site(fn, ctx, call, alloc: Allocator) -> tuple[list[Mask], str | None, list]:
    """The mask alternatives of an allocation call and why its object is
    charged regardless of the mask (an accounted cache)."""
    node = call.node
    if alloc.gfp is None or alloc.gfp >= len(call.arg_values):
        return [], None, []
    alts = mask_alternatives(fn, node, call.arg_values[alloc.gfp])
    why, ev = None, []
    if alloc.cache is not None and alloc.cache < len(call.args):
        cache = call.args[alloc.cache]
        # a parameter or local is whatever the caller handed in, not the global of that name
        where = None if _local(fn, cache) else accounted_caches(ctx.index).get(cache)
        if where is not None:
            why = f"cache '{cache}' is SLAB_ACCOUNT"
            ev = [where]
    return alts, why, ev


def gfp_sinks(ctx, fn, depth: int = 0) -> list[Sink]:
    """Which of fn's parameters end up (OR-ed with what) in an allocation's mask,
    following MAX_CALL_DEPTH - depth levels of callees. Memoised per depth: no
    recursion guard is needed (depth grows on every call), and the answer does
    not depend on which function was asked first."""
    m = memo(ctx.index)
    key = ("sinks", id(fn), depth)
    if key in m:
        return m[key]
    out: list[Sink] = []
    if depth <= MAX_CALL_DEPTH and fn.params:
        for call in fn.calls():
            alloc = allocator(call.name)
            if alloc is not None:
                alts, why, ev = _alloc_site(fn, ctx, call, alloc)
                for alt in _unconditional(alts, why):
                    for p in alt.params:
                        if p in fn.params:
                            out.append(Sink(fn.params.index(p), alt, why,
                                            ev + [Evidence(fn.path, call.line, fn.name,
                                                           f"{call.name}() with mask '{_args_text(call, alloc)}'")],
                                            frozenset({fn.path})))
                continue
            if not call.name:
                continue
            callee = ctx.function(call.name, fn.path)
            if callee is None or callee is fn:
                continue
            for sink in gfp_sinks(ctx, callee, depth + 1):
                if sink.param_index >= len(call.arg_values):
                    continue
                for alt in mask_alternatives(fn, call.node, call.arg_values[sink.param_index]):
                    combined = alt.union(sink.mask)
                    for p in alt.params:
                        if p in fn.params:
                            out.append(Sink(fn.params.index(p), Mask(combined.bits, combined.cleared,
                                                                     frozenset(), combined.unknown, combined.text),
                                            sink.accounted,
                                            [Evidence(fn.path, call.line, fn.name,
                                                      f"passes '{call.args[sink.param_index]}' to {call.name}()")]
                                            + sink.chain, sink.files | {fn.path}))
    # keep one sink per (param, bits): enough to explain, bounded
    uniq, seen = [], set()
    for s in out:
        k = (s.param_index, s.mask.bits, s.mask.cleared, s.accounted)
        if k not in seen:
            seen.add(k)
            uniq.append(s)
    m[key] = uniq[:8]
    return m[key]


def _unconditional(alts: list[Mask], accounted: str | None) -> list[Mask]:
    """The alternatives of a parameter's mask at an allocation, without those
    that charge the cgroup only on some of the paths reaching it. __xas_nomem()
    ORs __GFP_ACCOUNT in only when its xarray was made with XA_FLAGS_ACCOUNT:
    whether a caller's GFP_ATOMIC is charged there depends on state the call
    does not show (no IDA, and few xarrays, are accounted), so it is not blamed
    on the caller. A caller that passes __GFP_ACCOUNT itself is still found."""
    if accounted is not None:
        return alts
    out = []
    for alt in alts:
        if alt.has(ACCOUNT) and any(p in other.params and not other.has(ACCOUNT)
                                    for other in alts for p in alt.params):
            continue
        out.append(alt)
    return out


def _on_warn_branch(fn, node_id: int) -> bool:
    """The node runs only on the true branch of `if (WARN_ON(...))` (also
    WARN_ON_ONCE, WARN, WARN_ONCE, under unlikely()): a fallback for a state
    the code says cannot happen."""
    for n in fn.nodes:
        if n.kind != "cond" or not _WARN_TEST.match(n.text):
            continue
        seen = fn.reachable(follow=lambda tail, edge, warn=n.id: not (tail.id == warn and edge is True))
        if node_id not in seen and n.id in seen:
            return True
    return False


_WARN_TEST = re.compile(r"[\s(]*(?:unlikely\s*\(\s*)?WARN(?:_ON)?(?:_ONCE)?\s*\(")


def _args_text(call, alloc: Allocator) -> str:
    if alloc.gfp is not None and alloc.gfp < len(call.args):
        return call.args[alloc.gfp]
    return "?"


def _charged_with_high(mask: Mask, accounted: str | None) -> bool:
    return mask.has(HIGH) and (mask.has(ACCOUNT) or accounted is not None)


# ---------------------------------------------------------------------------


class AtomicAccount(Rule):
    id = "atomic-account"
    title = "memcg-charged allocation with __GFP_HIGH (GFP_ATOMIC) can pass the cgroup limit"
    severity = "warning"
    confidence = "medium"
    needs_tokens = high_masks() | {ACCOUNT, "GFP_KERNEL_ACCOUNT"}
    # gfp masks are followed through callees, void ones too (gfp_sinks), and a
    # cache's SLAB_ACCOUNT is a whole-index table (index_facts). The callers up to
    # a user entry (user_reachable) only rank a finding: its fingerprint, which an
    # audit matches, is the same either way.
    differential = "all-callees"

    def index_facts(self, index):
        return sorted((name, e.path) for name, e in accounted_caches(index).items())

    def check(self, fn, ctx):
        reported = set()
        for call in fn.calls():
            alloc = allocator(call.name)
            if alloc is not None:
                found = self._direct(fn, ctx, call, alloc)
            elif call.name:
                found = self._through_callee(fn, ctx, call)
            else:
                found = None
            if found is None or _on_warn_branch(fn, call.node):
                continue
            key = (call.line, call.name)
            if key in reported:
                continue
            reported.add(key)
            message, names, evidence, files = found
            confidence, why = self._rank(fn, ctx, call)
            if why:
                evidence = evidence + [why]
            yield self.finding(fn, call.line, call.column, message, names=names, evidence=evidence,
                               confidence=confidence, depends_on=files)

    def _direct(self, fn, ctx, call, alloc):
        alts, why, ev = _alloc_site(fn, ctx, call, alloc)
        for alt in alts:
            if _charged_with_high(alt, why):
                gfp = _args_text(call, alloc)
                if alt.text and alt.text.replace(" ", "") != gfp:
                    gfp = f"{gfp}' = '{alt.text}"
                charged = "__GFP_ACCOUNT" if alt.has(ACCOUNT) else why
                message = (f"{call.name}() charges the memory cgroup ({charged}) but its mask '{gfp}' "
                           f"carries __GFP_HIGH, so the charge can pass the cgroup limit; "
                           f"use GFP_NOWAIT | __GFP_ACCOUNT instead of GFP_ATOMIC")
                evidence = ev + [Evidence(fn.path, call.line, fn.name,
                                          f"{call.name}() with mask '{gfp}': __GFP_HIGH and a memcg charge")]
                files = {e.path for e in ev}
                return message, (call.name, gfp), evidence, files
        return None

    def _through_callee(self, fn, ctx, call):
        callee = ctx.function(call.name, fn.path)
        if callee is None or callee is fn:
            return None
        for sink in gfp_sinks(ctx, callee):
            if sink.param_index >= len(call.arg_values):
                continue
            arg = call.args[sink.param_index]
            for alt in mask_alternatives(fn, call.node, call.arg_values[sink.param_index]):
                combined = alt.union(sink.mask)
                if not _charged_with_high(combined, sink.accounted) or _charged_with_high(sink.mask, sink.accounted):
                    continue  # nothing here, or the callee's own finding
                charged = "__GFP_ACCOUNT" if combined.has(ACCOUNT) else sink.accounted
                last = sink.chain[-1]
                message = (f"'{arg}' passed to {call.name}() reaches a memcg-charged allocation ({charged}) "
                           f"at {last.path}:{last.line} with __GFP_HIGH, so the charge can pass the cgroup "
                           f"limit; use GFP_NOWAIT (with __GFP_ACCOUNT) instead of GFP_ATOMIC")
                evidence = [Evidence(fn.path, call.line, fn.name, f"passes '{arg}' to {call.name}()")] + sink.chain
                return message, (call.name, arg), evidence, set(sink.files)
        return None

    def _rank(self, fn, ctx, call):
        for loop in fn.loops:
            if loop.contains(call.node):
                return "high", Evidence(fn.path, loop.line, fn.name,
                                        "in a loop: one charge per iteration")
        chain = user_reachable(ctx.index, fn)
        if chain:
            entry = chain[0]
            if len(chain) == 1:
                note = f"{user_entry(entry)}: a path a user can repeat at will"
            else:
                note = f"reachable from {user_entry(entry)}: " + " -> ".join(f"{f.name}()" for f in chain)
            return "high", Evidence(entry.path, entry.line, entry.name, note)
        return "medium", None


RULE = AtomicAccount()
