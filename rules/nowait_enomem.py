"""-ENOMEM leaves a NOWAIT path where -EAGAIN is owed.

What it finds
-------------
A NOWAIT context — a function that tests or passes IOCB_NOWAIT, IOMAP_NOWAIT,
FGP_NOWAIT, REQ_NOWAIT, BLK_MQ_REQ_NOWAIT or RWF_NOWAIT, or that receives such
a flag and hands it on — that returns -ENOMEM or `ERR_PTR(-ENOMEM)` on a path
where the flag is set, when the -ENOMEM comes from a non-blocking allocation
or lookup (GFP_NOWAIT, GFP_ATOMIC, a mask with __GFP_DIRECT_RECLAIM removed,
a callee run with the flag set) or is returned on the flag's own branch. The
error may be returned directly, through a variable, or passed on from a
callee (`if (IS_ERR(folio)) return PTR_ERR(folio);`).

A NULL counts as "would block" when the callee returns it on its own NOWAIT
branch (a failed trylock under FGP_NOWAIT) or after a non-blocking allocation,
and the caller called it with the flag set (`fgp |= FGP_NOWAIT`): a caller that
turns that NULL into -ENOMEM is reported in itself, since only it knew what the
NULL meant (Linux 6.1's iomap_write_begin() with `status = -ENOMEM;` in place of
`(iter->flags & IOMAP_NOWAIT) ? -EAGAIN : -ENOMEM`, the shape before
the 2023 refactor).

Otherwise it reports in the function from which the -ENOMEM leaves the NOWAIT-aware code
without a remap: the outermost function on the chain whose callers either do
not see the flag, or lose the value. A callee that returns -ENOMEM is fine when
every caller that passes it the flag turns the error into -EAGAIN.

The evidence is the chain: the flag test, the non-blocking allocation or
lookup, the -ENOMEM, and each return on the way out.

Why it matters
--------------
io_uring and AIO first issue I/O with NOWAIT set. -EAGAIN means "would block,
retry from a worker that may sleep"; -ENOMEM goes to the application as a real
out-of-memory error. A GFP_NOWAIT allocation fails whenever reclaim would be
needed, so under memory pressure the application sees ENOMEM with plenty of
memory available. This is the io_uring NOWAIT regression: after "mm: return an ERR_PTR from
__filemap_get_folio" the ERR_PTR(-ENOMEM) of a failed GFP_NOWAIT folio
allocation went straight up through iomap, where iomap_write_begin() used to
turn a NULL folio into `(iter->flags & IOMAP_NOWAIT) ? -EAGAIN : -ENOMEM`.

Example
-------
    folio = filemap_alloc_folio(gfp, 0);   /* gfp has GFP_NOWAIT under FGP_NOWAIT */
    if (!folio)
            return ERR_PTR(-ENOMEM);

Use instead
-----------
    if (!folio)
            return ERR_PTR((fgp_flags & FGP_NOWAIT) ? -EAGAIN : -ENOMEM);

or remap in the caller that sees the flag:

    status = (iter->flags & IOMAP_NOWAIT) ? -EAGAIN : -ENOMEM;

Known false positives
---------------------
A caller outside the analysed paths (or behind a function pointer) may do the
remap; add it with `--context`. A caller that stores the error in a structure
instead of returning it counts as losing the value, so the callee is reported.
The flag is followed through parameters and struct fields named like the test
(`iter->flags`); a flag copied through an unrelated variable is not, and then
the rule stays silent rather than guess.

References
----------
- Raphael
  Carvalho, "Hunting a Kernel Allocation Bug Triggered by io_uring".
- "mm: return an ERR_PTR from __filemap_get_folio" (Linux 6.4 merge window),
  which dropped iomap's NOWAIT remap, and the 2025 fix in
  __filemap_get_folio() that restores it
  (`if ((fgp_flags & FGP_NOWAIT) && err == -ENOMEM) err = -EAGAIN;`, present in
  Debian 6.12.107 and 6.12.117).
- Smatch, Coccinelle, sparse and the clang analyzer have no such check.
"""
from __future__ import annotations

from errpath.api import Evidence, FLAGGABLE, Rule, has_token, nowait_flags


def _flaggable(outs: dict) -> list:
    return [(k, t) for k, t in outs.items()
            if k[0] in ("errno", "errptr") and k[1] == "ENOMEM" and k[2] in FLAGGABLE]


def _converter(trail) -> tuple | None:
    """(path, function) that turned a callee's NULL into the -ENOMEM, if it did:
    iomap_write_begin() in Linux 6.1, on a NULL from __filemap_get_folio() called
    with FGP_NOWAIT (a failed trylock or GFP_NOWAIT allocation, i.e. "would block").
    That function chose the errno knowing the flag; its callers only see an errno,
    so it is the one reported, even when they pass the errno further up."""
    i = next((j for j, s in enumerate(trail) if s[3].startswith("-ENOMEM:")), None)
    if i is None:
        return None
    path, name = trail[i][0], trail[i][2]
    if any(s[0] == path and s[2] == name and "() returns it here" in s[3] for s in trail[:i]):
        return path, name
    return None


def _passes_through(trail, fn) -> bool:
    return any(s[0] == fn.path and s[2] == fn.name for s in trail)


class NowaitEnomem(Rule):
    id = "nowait-enomem"
    title = "-ENOMEM returned on a NOWAIT path (should be -EAGAIN)"
    severity = "warning"
    confidence = "high"
    differential = "callers"   # callees, and callers any levels up (S.callers, nowait_live): see Rule.differential

    def applies_to(self, fn) -> bool:
        return True   # decided in check(): the flag may arrive through a parameter

    def check(self, fn, ctx):
        S = ctx.summaries
        if S is None:
            return
        if not has_token(fn, nowait_flags()) and not S.flag_params(fn):
            return
        info = S.info(fn)
        mode = "set" if S.has_modes(fn) else "any"
        bad = _flaggable(S.outcomes(fn, mode))
        # an -ENOMEM chosen by a callee for a would-block NULL is reported there, not here
        bad = [(k, t) for k, t in bad if _converter(t) in (None, (fn.path, fn.name))]
        if not bad:
            return
        if not S.nowait_live(fn):
            return
        consulted: set[str] = set()
        seen_flag = 0
        lost = False
        losers: list = []   # (caller, call) that pass the flag and lose the error
        for g, call in S.callers(fn):
            if g is fn:
                continue
            gmode = "set" if S.has_modes(g) else "any"
            if S.flow(g, gmode).call_mode(call, fn) != "set":
                continue   # this caller does not pass the flag set
            seen_flag += 1
            consulted.add(g.path)
            gouts = S.outcomes(g, gmode)
            if any(_passes_through(t, fn) for _, t in _flaggable(gouts)):
                if all(_converter(t) == (fn.path, fn.name) for _, t in bad):
                    lost = True   # it goes further up as -ENOMEM: this function chose it
                continue   # it goes further up: reported where it leaves
            if any(k[1] == "EAGAIN" and k[0] in ("errno", "errptr") for k in gouts) or _ends_bio_again(g):
                continue   # remapped
            lost = True
            losers.append((g, call))
        if seen_flag and not lost:
            return
        key, trail = sorted(bad, key=lambda kt: (kt[0][2] != "nb", len(kt[1])))[0]
        ret = next((s for s in reversed(trail) if s[0] == fn.path and s[2] == fn.name), None)
        line = ret[1] if ret else fn.line
        column = next((n.column for n in fn.nodes if n.line == line and n.kind == "return"), 1)
        flags = [t for s in trail for t in sorted(nowait_flags()) if t in s[3]] + sorted(info.own_tokens)
        flag = flags[0] if flags else "the NOWAIT flag"
        origin = next((s for s in trail if "can fail" in s[3]), None)
        how = (f"a failed non-blocking allocation in {origin[2]}()" if origin and key[2] == "nb"
               else "the branch where the flag is set")
        what = "ERR_PTR(-ENOMEM)" if key[0] == "errptr" else "-ENOMEM"
        message = (f"{what} leaves NOWAIT context '{fn.name}' with {flag} set: it comes from {how} "
                   f"and is not remapped to -EAGAIN")
        evidence = []
        if info.flag_tests:
            l0, t0 = info.flag_tests[0]
            evidence.append(Evidence(fn.path, l0, fn.name, f"NOWAIT flag tested: {t0}"))
        seen = {(e.path, e.line, e.note) for e in evidence}
        for s in trail:
            if (s[0], s[1], s[3]) not in seen:
                seen.add((s[0], s[1], s[3]))
                evidence.append(Evidence(s[0], s[1], s[2], s[3]))
        if _converter(trail) == (fn.path, fn.name):
            evidence.append(Evidence(fn.path, fn.line, fn.name,
                                     f"{fn.name}() turns the callee's NULL (\"would block\" under the flag) into "
                                     f"-ENOMEM: its callers see only the errno"))
        elif not seen_flag:
            evidence.append(Evidence(fn.path, fn.line, fn.name,
                                     "no caller in the analysed paths passes the flag and remaps the error"))
        elif losers:
            # name the caller it comes through, at its call (not at this signature line)
            for g, call in losers[:3]:
                text = g.nodes[call.node].text if 0 <= call.node < len(g.nodes) else ""
                evidence.append(Evidence(g.path, call.line, g.name,
                                         f"{g.name}() passes the flag and neither remaps nor returns the "
                                         f"error of {fn.name}()" + (f": {text}" if text else "")))
        else:
            evidence.append(Evidence(fn.path, line, fn.name,
                                     "a caller that passes the flag neither remaps nor returns the error"))
        unknown = [t for k, t in S.outcomes(fn, mode).items() if k[0] == "unknown" and t and "pointer" in t[-2 if len(t) > 1 else -1][3]]
        for t in unknown[:1]:
            s = next((x for x in t if "pointer" in x[3]), None)
            if s:
                evidence.append(Evidence(s[0], s[1], s[2], s[3]))
        deps = {s[0] for s in trail} | consulted
        yield self.finding(fn, line, column, message, names=("ENOMEM",), evidence=evidence,
                           confidence="high" if key[2] == "nb" else "medium", depends_on=deps)


RULE = NowaitEnomem()


def _ends_bio_again(fn) -> bool:
    """A submit_bio handler returns nothing: it remaps by completing the bio
    with BLK_STS_AGAIN (`bio_wouldblock_error(bio)`, brd_submit_bio())."""
    return any(c.name == "bio_wouldblock_error" for c in fn.calls()) or \
        any("BLK_STS_AGAIN" in n.text for n in fn.nodes if n.kind != "entry")
