"""A loop whose only progress is a step that can be 0, so it may never end.

What it finds
-------------
A loop that ends only when a counter reaches its bound (`while (nr)` with
`nr -= step`) or a cursor passes an end (`while (p < end)` with `p += len`,
also `while (buf - start < len)`, `while (ok(q) && len)`), where every step can
be 0. The exit can be the loop's own test or, in a `for (;;)` / `while (1)`
loop, a test in the body that leaves it (`if (off >= end) break;`); `do { }
while` loops too. The step comes from `min()`/`min_t()`/`clamp()` with an
operand not proven nonzero, from a function (in this file or a header) that can
return 0, from a length read out of device, disk, firmware or network data
(`le16_to_cpu(h->len)`, `ntohs()`, a plain `h->length`, whatever the byte
order), from a byte of a buffer that a function of the file fills with received
data (`memcpy(d->report, data, size)` in a raw-event handler, copy_from_user(),
a bus read), or from `size -= copy_to_user(...)` (0 when the copy faults).
There is no `if (!step) break;` guard on the way to the update, and no division
by the step on every path from where it is set (`n = total / step;` would have
trapped on a 0 first, as in ibmvnic's alloc_ltb_set()).

The loop test can name its cursor in any of the usual ways (`p < end`, `end - pos >=
sizeof(*h)`, `sizeof(*h) <= end - pos`, `off + sizeof(u32) + hdr < max`, `fw->size > p -
fw->data`, `len >= 2 * n`); `off = ALIGN(off, 4)` after the step and `left = 0` before a
break are no other way of moving it. A length counts as walked data when it is read at
the cursor (`p->len`, `le16_to_cpu(h->len)` with `h = (void *)p`), at an index the loop
walks (`i += buf[i]`, `l = data[pos + 1]; pos += l;`), from a record at an offset the loop
advances by that length (`h = buf + off; off += h->len;`), by a helper handed the walked
record (`p += rec_len(p)` where rec_len() returns `le16_to_cpu(r->len)`), or out of an
object whose length the loop consumes (`while (skb->len > 0) { h = (void *)skb->data;
...; skb_pull(skb, le16_to_cpu(h->len)); }`, the consumers in data/consumers.txt). A
length byte plus a constant kept in a u8/u16 (`u8 plen = p[0] + 1;`) wraps to 0 for
0xff.

More shapes of the same bug:

* the cursor moved only by a helper that returns it advanced (`de = next_entry(de)`
  where `next_entry()` returns `(void *)de + le16_to_cpu(de->len)`): the step is judged
  inside the helper, the record being its parameter;
* a loop whose only progress is a lookup in its test, `while ((e = lookup(a, b)))`,
  that returns a pointer, gets arguments the loop never changes (not assigned, not handed
  to a call) and only reads them (no store through a pointer, nothing volatile, its own
  callees likewise, no register accessor), while the body changes nothing the result
  points at (no store through it or through a pointer loaded from it, no call handed
  them but as a copy's source): it returns the same element every time, so the loop
  repeats the same element until some other exit, or for ever (cfg80211's merged
  multi-BSSID profile walk); a bare call in a loop test is an iterator's bound, not this;
* a `continue` that skips the only advance of the cursor, taken after a failed allocation,
  or under a test of the same element when nothing on the way changes (a type filter at
  the top of a record walk whose advance is at the bottom): the loop test itself must not
  move on (`for (i = n; i--; )`, `while ((tok = strsep(&s, ",")))`), and the path may set
  only the iteration's own locals, from no call but a byte-order reader;

* progress made by a callee through a pointer argument: `while ((bio =
  next_bio(bdev, &sector, &nr_sects)))` where the callee does `*nr_sects -= n`
  (errpath.analysis.progress summarises what a function does to `*param`). The loop ends
  only when the callee returns NULL/0; when none of those returns is under a
  test of the step or of `*nr_sects` (`if (!n) return NULL;`), it ends only on
  failures, after eating memory (the discard loop as Linux 6.12 writes it);
* a `continue` taken when an allocation fails that skips the cursor's only
  advance: the same element is retried for ever;
* a record pointer advanced by the length it reads (`len -= p->len; p = (void
  *)p + p->len`), the length counting as walked data for the count as well;
* the cursor stepped through a local first (`next = (void *)cur + cur->len; ...;
  cur = next;`), kept in a struct member (`ps->pos += le16_to_cpu(h->len)`), or moved
  by a pointer-add macro or helper out of sight handed it and one length (`attr =
  Add2Ptr(attr, asize)`: reported only when that length is data);
* the offset advanced in a callee handed its address inside the loop (`ret =
  parse_one(buf, size, &off); if (ret) return ret;` where parse_one() does `*off +=
  le16_to_cpu(r->len)`): the step is judged inside the callee, with the record at
  `*off` as walked data, so a check there (`if (len < sizeof(*r)) return -EINVAL;`)
  keeps it quiet;
* the length read by `get_unaligned_le16(p + 2)` (a reader handed a pointer into the
  record), copied out of the walked data into a local header (`memcpy(&hdr, buf +
  off, sizeof(hdr)); off += hdr.len;`), or read from a device into one by a bus
  transfer (`regmap_bulk_read(map, reg, &hdr, sizeof(hdr))`, i2c, spi, a USB control or
  bulk message, a HID raw request) or from user
  space; an inline cast (`p += ((struct sub *)p)->len`);
* a `while (1)` loop left by `if (left < sizeof(*h)) return;`, counting `left` down;
* progress equal to the count a call returns, `n = kernel_read(f, buf, left, &pos); if
  (n < 0) return n; left -= n;`: a read, receive or copy that returns 0 when there is
  nothing more (data/count_returners.txt: the end of a file, a closed peer, a full
  iterator), or a function of the files read that returns a count, an errno, or a
  literal 0 for "nothing done" (an empty FIFO), also set in the status variable it
  returns at one exit (`if (offs >= size) { ret = 0; break; }` in a `do { } while
  (0)`, `ret = 0; goto out;`). That 0 alone is weak (low); with a loop that tests
  the result for a negative error only it is medium, the author having taken it for
  a count, when the helper is the driver's own (its file or its directory: a 0 three
  calls down in mm/gup.c is rarely one the caller can get), unless the loop leaves on
  a signal, a reschedule or a timeout (`if (need_resched()) break;`: it polls, and a
  0 is "none yet", as in io_uring's iopoll wait). A test in the loop of
  the request handed to the call (`if (c1 > PAGE_SIZE) c1 = PAGE_SIZE;`) or a copy
  handed the count (`if (copy_to_user(ubuf, tmp, n))`) is no look at the count. A
  callee's `if (!len) return 0;` is 0 only for a request of 0, which the loop's
  `len - got` under `got < len` is not, and a 0 that is the start of the sum the
  callee returns (`for (total = 0; msg_data_left(msg); total += n)`) only for a
  request of nothing: both stay low;
* a step clamped to a limit read through a byte-order reader from whatever header
  (`min_t(size_t, len, le32_to_cpu(caps->max_chunk))`, `clamp(le16_to_cpu(...), 0,
  len)`): 0 when the device or firmware reports 0 (weak on fs/, where superblock
  fields are checked at mount);
* the advance in a function-like macro of the same file (`#define NEXT_REC(r)
  ((void *)(r) + le16_to_cpu((r)->len))`, `r = NEXT_REC(r)`, `off += REC_LEN(r)`),
  read as its expansion in the caller's names, so the caller's own checks count;
  a header's pointer-add macro that also takes the record's type
  (`ADD_PTR(struct sub, entry, entry->length)`) is read as `entry + entry->length`.

Confidence is **medium** when the step is computed in a way that can reach 0 (a
rounding down to a runtime multiple, a shift or division of such a value: the
seed's shape), or is a length from device, firmware or network data that is not
checked against 0 or a minimum on the way (the record walks of mt76 CLC and TLV
firmware, VBIOS voltage tables, SCTP parameters: the commonest stable-update
infinite loops). It is **low** when the zero rests on weaker ground: a callee's
literal `return 0` (usually a "nothing" result the caller's invariants exclude),
a rounding down to a multiple fixed at build time (`ALIGN_DOWN(max, 2)`,
`rounddown(n, 1 << align)`: 0 only for a value below it), a multiple the caller
proved nonzero on the way (`round_down(UINT_MAX, g)` is 0 only for `g == 0`, and
6.1's __blkdev_issue_discard() returns on `!bdev_discard_granularity(bdev)`
before its loop), a `!off` step of a two-level cursor (`i += !off;`), a length
read from a filesystem's on-disk record (fs/: usually validated when the block
was read), or a step that is only not proven nonzero (an unknown callee).
A validation that keeps a length quiet: `if (!len)`, `if (len < sizeof(*h))`,
`if (le16_to_cpu(h->len) < sizeof(*h))` (any positive constant or sizeof bound) on the
path to the step, in or before the loop, in the loop test itself (`while (p < end &&
le16_to_cpu(tlv->len))`), on every path from where the length is read to the step
(`olen = p[1]; if (olen < 2 || olen > left) break;` on one branch and `olen = 1;` on
the other), or inside the helper that returns the next position, or by a verifier on the path
handed the record or the buffer it is read from, whose result the path tested (`if
(!rec_ok(h, left)) break;`, `ret = validate_blob(buf, size); if (ret) return ret;`
before the loop) and that compares the same member against 0 or a minimum (in a
test or in what it returns: `return le16_to_cpu(h->len) >= sizeof(*h) && ...`; a
minimum held in a local, `int min_len = sizeof(*op); if (op->no < min_len)`, counts);
an exit
test that leaves when the step falls short (`if (copied < bytes) break;`; a test that
leaves only on a large step, `if (len > skb->len) return;`, does not count, and a
multi-argument call in a test, `if (send(d, p, len) < 0)`, tests what it returns).
Data the kernel holds itself is not walked data: a record of a file-scope array the
function bounds with ARRAY_SIZE() or indexes as `&tbl[n]` or sizes with `sizeof(tbl)`, or of a local `static
const` table (aic7xxx's sequencer patch table); a buffer a core validated before it
handed it over in a member (data/validated_buffers.txt: USB's `->extra` descriptors,
which usb_parse_configuration() cuts at a `bLength < 2`), also when a static helper
walks it as a parameter and every caller in the file hands it such a buffer
(uvc_parse_format() from uvc_parse_streaming()); a record a lookup by the
cursor returns (`chip = get_chip(nr); nr += chip->ngpio;`). Low instead of medium: a field that a
function of the same file checks against a minimum, or that a verifier in another file
checks when this file calls it (directly or one call down: ip_tables.c reaches
x_tables.c's xt_check_entry_match() through xt_check_entry_offsets(), which rejects a
`match_size` below `sizeof(struct xt_entry_match)`; found by the record's struct type
and member), and a rounding down of a build-time maximum to a runtime multiple that nothing shows can be 0
(`ALIGN_DOWN(desc_max, crypto_ahash_blocksize(tfm))`).
The default `--min-confidence medium` shows only the medium ones.

Why it matters
--------------
A zero step spins the CPU forever, and if the loop allocates (a bio per
iteration) it eats all memory. This is the discard-loop bug (Ubuntu 4.15, LP: #1836802): `__blkdev_issue_discard()` did
`req_sects = min(req_sects, bio_allowed_max_sectors(q))` and
`bio_allowed_max_sectors()` returns `round_down(UINT_MAX, lbs) >> 9`, which is 0
for some block sizes, so `nr_sects -= req_sects` never reached 0 and the
machine ran out of memory while formatting a RAID array.

Example
-------
    while (nr_sects) {
            unsigned int req_sects = min(nr_sects, max_sectors(q));
            ...
            nr_sects -= req_sects;
    }

Use instead
-----------
    while (nr_sects) {
            unsigned int req_sects = min(nr_sects, max_sectors(q));
            if (!req_sects)
                    goto fail;
            ...
            nr_sects -= req_sects;
    }

Known false positives
---------------------
Buffers the kernel built itself but that arrive through a field (SCTP's
`asoc->addip_last_asconf`, the last ASCONF chunk it sent) look like received
data; descriptor lists and scatterlists stepped with `sg++` or `sg_next()` are not
taken as data walks. A validated buffer handed on through a parameter (uvc's
format parser gets the `extra` bytes from its caller) is not recognised as such.
A file-scope array the kernel fills from a device at run time, bounded by
ARRAY_SIZE(), is taken as a kernel table. The same-call shape trusts that a helper
outside the files read (one not found, or three calls down) only reads, unless its
name is a register or clock accessor's.
A callee that can return 0 only in a configuration the caller never runs in
(the rule does not know the .config). Device-data lengths that an earlier
validation pass (outside the loop) already rejected when zero, as xfs buffer
verifiers and ocfs2 block validation do: reported at low confidence only.
Invariants that need arithmetic (`j` starts inside `[first, last]`, so the
inner loop runs at least once) are not proven.

References
----------
- The loop in `__blkdev_issue_discard()`, made
  spinnable by "block: make sure discard bio is aligned with logical block size"
  and the helper `bio_allowed_max_sectors()` it added.
- b88aef36b87c ("block: fix infinite loop if the device loses discard capability"),
  the upstream fix that added `if (!req_sects) goto fail;`.
- Stable-update fixes of the shapes above (bench/recall): "wifi: mt76: mt7921:
  validate CLC firmware records", "wifi: mt76: mt7996: bound TLV walk in
  mt7996_mcu_get_chip_config", "drm/amd/powerplay: fix VoltageObjectInfo
  zero-stride loop and OOB read", "sctp: fix soft lockup from unpadded
  ASCONF-ACK parameter iteration", "HID: rmi: fix OOB access with undersized
  RMI reports", "usb: gadget: printer: fix infinite loop in printer_read()",
  "ACPI: RISC-V: Fix riscv_acpi_add_prt_dep() loop handling", "wifi: cfg80211:
  advance loop vars in cfg80211_merge_profile()", "Bluetooth: btintel: validate DDC
  record lengths".
- Smatch checks loops that are never entered, not loops that never end.
"""
# Size: over 800 lines because it is one rule, and one rule is one file (the
# layout of rules/ and --rules-dir): the loop shapes, the step's sources and the
# validations that keep near misses quiet are this rule's policy alone.
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from errpath.api import (Evidence, MAYBE, NONZERO, Rule, STEP_TOKEN, UNKNOWN, Verdict, ZeroAnalysis,
                         allocators, expand_macro, idents, progress, table)


def _counters(cond) -> list[tuple[str, str]]:
    """(counter, direction) pairs the loop condition ends on: 'down' counts to 0,
    'up' runs to a bound."""
    if cond is None:
        return []
    kind = cond[0]
    if kind == "var":
        return [(cond[1], "down")]
    if kind == "bin" and cond[1] == "&&":
        # `while (have_data(q) && len)`: the loop also ends when either side fails
        return _counters(cond[2]) + _counters(cond[3])
    if kind == "bin":
        op, a, b = cond[1], cond[2], cond[3]
        if op in ("<", "<=") and b[0] == "bin" and b[1] == "-" and b[3][0] == "var" and a[0] != "bin":
            # `sizeof(*info) <= end - pos` is `end - pos >= sizeof(*info)`
            op, a, b = {"<": ">", "<=": ">="}[op], b, a
        if op in (">", ">=") and a[0] == "bin" and a[1] == "-" and a[3][0] == "var" \
                and not _mentions_var(b, a[3][1]):
            # `end - pos >= sizeof(*h)`, `len - off > 0`: the cursor is subtracted
            return [(a[3][1], "up")]
        # `buf - skb->data < skb->len`, `p + sizeof(*h) <= end`, `off + sizeof(u32) + hdr < max`:
        # the cursor is the leftmost term on the left
        if op in ("<", "<="):
            while a[0] == "bin" and a[1] in ("-", "+") and a[2][0] in ("bin", "var"):
                a = a[2]
        name = a[1] if a[0] in ("var", "field") else None
        if name is None:
            return []
        if op in (">", "!=") and b == ("int", 0):
            return [(name, "down")]
        if op in (">", ">=") and b[0] == "bin" and b[1] in ("-", "+") and b[2][0] == "var":
            # `fw->size > fw_ptr - fw->data`: the cursor is on the right
            return [(b[2][1], "up")]
        if op == ">" and b[0] == "var":
            # `while (end > p)` walks p up; `while (len > hdr)` counts len down
            return [(name, "down"), (b[1], "up")]
        if op == ">=" and b[0] in ("int", "macro", "var", "sizeof"):
            return [(name, "down")]
        if op == ">" and b[0] in ("int", "macro", "sizeof"):
            return [(name, "down")]
        if op in (">", ">=") and b[0] == "bin" and not _mentions_var(b, name):
            # `len >= 2 * sizeof(*val)`, `left > hdr_len + 4`
            return [(name, "down")]
        if op in ("<", "<=", "!="):
            return [(name, "up")]
    return []


def _mentions_var(v, name: str) -> bool:
    if isinstance(v, tuple) and v:
        if v[0] in ("var", "field") and isinstance(v[1], str):
            return name in idents(v[1])
        return any(_mentions_var(x, name) for x in v[1:] if isinstance(x, tuple))
    return False


_ALIGNERS = frozenset({"ALIGN", "PTR_ALIGN", "round_up", "roundup", "ALIGN_UP", "__ALIGN_KERNEL"})


def _no_progress(defval, counter: str, direction: str) -> bool:
    """An update that moves nothing on its own and cannot undo a step: rounding the
    cursor up to an alignment (`off = ALIGN(off, 4)`, 0 more when aligned), or a
    count set to 0 (`left = 0;` ends the loop like a break)."""
    if direction == "up" and defval[0] == "call" and defval[1] in _ALIGNERS and defval[2] \
            and defval[2][0] == ("var", counter):
        return True
    return direction == "down" and defval == ("int", 0)


def _step_of(defval, counter: str, direction: str):
    """The step of `counter -= step` / `counter += step` (also `c = c - step`), or None."""
    if defval[0] != "bin" or defval[2] != ("var", counter):
        return None
    if direction == "down" and defval[1] == "-":
        return defval[3]
    if direction == "up" and defval[1] == "+":
        return defval[3]
    return None


def _text(v) -> str:
    k = v[0]
    if k in ("var", "field", "macro"):
        return v[1]
    if k == "int":
        return str(v[1])
    if k == "call":
        return f"{v[3]}()"
    if k == "minmax":
        return f"{v[1]}(...)"
    return k


class ZeroStepLoop(Rule):
    id = "zero-step-loop"
    title = "Loop counter stepped by a value that can be 0"
    severity = "warning"
    confidence = "medium"
    differential = "callees"   # see Rule.differential

    # iterator macros are normalised to `while`, so these three cover every loop
    needs_tokens = frozenset({"while", "for", "do"})

    def applies_to(self, fn) -> bool:
        # and a counter step somewhere (`-=`, `+=`, `x = x - n`): found in the
        # light facts, so loops without one never have their CFG built for this rule
        return super().applies_to(fn) and STEP_TOKEN in fn.text_tokens

    def check(self, fn, ctx):
        yield from self.rank_init_only(self._check(fn, ctx), fn, ctx,
                                       "a zero step here needs broken firmware or hardware at init")

    def _check(self, fn, ctx):
        for loop in fn.loops:
            counters = _counters(loop.cond)
            if not counters and _forever(loop):
                counters = _exit_counters(fn, loop)
            if len(counters) > 1 and any(self._progresses(fn, ctx, loop, c, d) for c, d in counters):
                counters = []   # `i < num && size >= len`: `i++` alone ends the loop
            for counter, direction in counters:
                yield from self._check_counter(fn, ctx, loop, counter, direction)
            call = _loop_call(loop.cond)
            if call is not None and ctx is not None:
                yield from self._check_callee_progress(fn, ctx, loop, call)
                yield from self._check_same_call(fn, ctx, loop, call)
            yield from self._check_skipped_advance(fn, loop)

    def _check_skipped_advance(self, fn, loop):
        """`while (entry) { p = kcalloc(...); if (!p) continue; ... entry += entry->len; }`:
        the `continue` taken when an allocation fails skips the only advance of the
        cursor, so the same element is retried for ever (a zero step on that path)."""
        cond_ids = idents(loop.cond_text)
        advanced: dict[str, list[int]] = {}
        for nid in range(loop.first, loop.last + 1):
            for var, val in fn.nodes[nid].defs:
                if var in cond_ids and val[0] == "bin" and val[1] in ("+", "-") and val[2] == ("var", var):
                    advanced.setdefault(var, []).append(nid)
        if not advanced:
            return
        for nid in range(loop.first, loop.last + 1):
            node = fn.nodes[nid]
            if node.kind != "continue" or [s for s, _ in node.succ] != [loop.head]:
                continue   # a for loop's continue runs its update; an inner loop's is not ours
            failed = _failed_allocation(fn, nid)
            if failed is not None and _changes_before(fn, loop, nid):
                continue
            for var, upd in advanced.items():
                if not _reached_without(fn, loop, nid, var):
                    continue
                if failed is None:
                    test = _same_state_test(fn, loop, nid, var)
                    if test is None:
                        continue
                    why = f"the 'continue' taken when {test} skips the advance of '{var}', and nothing on " \
                          f"the way changes, so the same element is tested for ever"
                else:
                    why = f"the 'continue' taken when {failed}() fails skips the advance of '{var}', so the " \
                          f"same element is retried for ever"
                u = fn.nodes[upd[0]]
                message = f"loop on '{var}' may never end: {why}"
                evidence = [Evidence(fn.path, loop.line, fn.name, f"loop ends only on '{var}': {loop.cond_text}"),
                            Evidence(fn.path, node.line, fn.name, f"back to the loop test, '{var}' unchanged: "
                                                                  f"{node.text}"),
                            Evidence(fn.path, u.line, fn.name, f"the only advance of '{var}': {u.text}")]
                yield self.finding(fn, node.line, node.column, message, names=(var, failed or "test", "continue"),
                                   evidence=evidence, confidence="medium")
                return   # one finding per loop

    def _progresses(self, fn, ctx, loop, counter, direction) -> bool:
        """Does every iteration move the counter by a step proven nonzero?"""
        analysis = ZeroAnalysis(ctx, counter=counter, loop=loop, cursor=direction == "up")
        for nid in range(loop.first, loop.last + 1):
            node = fn.nodes[nid]
            for var, val in node.defs:
                if var != counter:
                    continue
                step = _step_of(val, counter, direction)
                if step is not None and _unconditional(fn, loop, node) \
                        and analysis.value(step, fn, node.id).kind == NONZERO:
                    return True
        return False

    def _check_same_call(self, fn, ctx, loop, call):
        """`while ((next = get_continuation(ie, len, elem, sub)))` where the loop changes
        none of the arguments and the callee only reads them: every test makes the same
        call on the same data, so the cursor never moves (a zero step) and the loop ends
        only through another exit, after repeating the same element, or never."""
        name, args = call[1], call[2]
        if name is None or not args:
            return
        names: set[str] = set()
        for a in args:
            if a[0] not in ("var", "param", "field", "int", "macro", "sizeof"):
                return
            if a[0] in ("var", "param", "field"):
                names |= set(idents(a[1]))
        if not names or names & _changed_in_loop(fn, loop):
            return
        result = _assigned_var(loop.cond_text)
        if result is None:
            return   # `while ((e = lookup(...)))` only: a bare call is an iterator's bound
        callee = ctx.function(name, fn.path)
        if callee is None or callee is fn or "*" not in (callee.return_type or "") \
                or not _reads_only(ctx, callee, 0, set()):
            return   # an element (a pointer) looked up, by a function that only reads
        if result in _handed_on(fn, loop, result):
            return   # the loop changes what the result points at (`e->done = 1;`, `consume(e)`)
        arg_text = ", ".join(_value_text(a) or "?" for a in args)
        message = (f"loop on '{result or name + '()'}' may never end: each test calls {name}({arg_text}) with "
                   f"arguments the loop never changes, and {name}() only reads them, so it returns the same "
                   f"element every time")
        evidence = [Evidence(fn.path, loop.line, fn.name, f"the loop's only progress is this call: {loop.cond_text}"),
                    Evidence(callee.path, callee.line, callee.name,
                             f"{name}() writes nothing through its parameters and calls only functions that do not")]
        yield self.finding(fn, loop.line, loop.column, message, names=(name, "same-call"),
                           evidence=evidence, confidence="medium", depends_on={callee.path})

    def _check_callee_progress(self, fn, ctx, loop, call):
        """`while ((bio = next_bio(dev, &pos, &left)))`: the callee steps `*left`; the
        loop ends only when it returns NULL/0, so one of those returns must follow
        from the progress (`if (!step) return NULL;`), or the loop ends only on failure."""
        name, args = call[1], call[2]
        if name is None:
            return
        callee = ctx.function(name, fn.path)
        if callee is None or callee is fn:
            return
        steps = progress.pointer_steps(callee)
        if not steps:
            return
        ending = progress.ending_returns(callee)
        if not ending:
            return
        exit_tests = _exit_test_idents(fn, loop)
        # a count handed down first (`&nr_sects` before `&sector`): one finding per loop
        order = sorted(range(len(args)), key=lambda i: not any(
            st.op == "-" for st in steps.get(callee.params[i] if i < len(callee.params) else "", ())))
        for i in order:
            arg = args[i]
            if arg[0] != "un" or arg[1] != "&" or arg[2][0] != "var" or i >= len(callee.params):
                continue
            var, param = arg[2][1], callee.params[i]
            if any(var in ids for ids, _ in exit_tests):
                continue   # the caller's loop leaves on a test of it
            for st in steps.get(param, ()):
                names = progress.value_names(callee, st.node, st.step) | {st.target}
                if any(progress.tested_by(callee, r.id, names) for r in ending):
                    continue   # `if (!step) return NULL;`: the loop ends with the progress
                verdict = _callee_step_verdict(ctx, callee, st)
                if verdict.kind != MAYBE:
                    continue
                node = callee.nodes[st.node]
                step_text = _text(st.step) if st.step[0] in ("var", "field", "int", "macro") else _rhs(node.text)
                ends = ", ".join(sorted({callee.nodes[r.id].text for r in ending}))
                message = (f"loop on '{var}' may never end: {name}() steps '{st.target}' by '{step_text}', "
                           f"which can be 0 ({verdict.reason}), and returns what ends the loop only on "
                           f"tests unrelated to it")
                evidence = [Evidence(fn.path, loop.line, fn.name,
                                     f"loop ends only when {name}() returns NULL/0: {loop.cond_text}")]
                evidence += verdict.evidence
                evidence.append(Evidence(callee.path, node.line, callee.name,
                                         f"'{st.target}' advanced by '{step_text}' with no zero check: {node.text}"))
                for r in ending:
                    rn = callee.nodes[r.id]
                    evidence.append(Evidence(callee.path, rn.line, callee.name,
                                             f"ends the loop, not on the progress: {rn.text}"))
                confidence = "low" if verdict.weak else "medium"
                yield self.finding(fn, loop.line, loop.column, message, names=(var, name, step_text),
                                   evidence=evidence, confidence=confidence,
                                   depends_on=verdict.files | {callee.path})
                return

    def _check_next_position(self, fn, ctx, loop, counter, helpers):
        """The cursor moves only through helpers that return it advanced by a record's
        own length: judge the step inside the helper, the record being its parameter."""
        verdicts = []
        for node, (callee, param, ret, step) in helpers:
            verdict = ZeroAnalysis(ctx, counter=param, cursor=True).value(step, callee, ret.id)
            if verdict.kind != MAYBE:
                return
            verdicts.append(verdict)
        node, (callee, param, ret, step) = helpers[0]
        yield self._moved_by_callee(fn, loop, counter, node, callee, "returns", param, step, ret, verdicts[0])

    def _check_callee_moves(self, fn, ctx, loop, counter, direction, callees):
        """`while (off < size) { ret = parse_one(buf, size, &off); if (ret) return ret; }`: the
        loop's only progress is a callee's `*off += len`. The step is judged inside the callee
        (a length it reads from the record at `*off`, unless it checks it first); a loop test
        of what the callee returns, on a path where the step is tested, ends it too."""
        found = []
        for node, moved in callees:
            for callee, st in moved:
                analysis = ZeroAnalysis(ctx, counter=st.param, cursor=direction == "up")
                verdict = analysis.value(st.step, callee, st.node)
                if verdict.kind == NONZERO:
                    return   # one call moves it by a proven step on every path through it
                found.append((node, callee, st, verdict))
        maybe = [x for x in found if x[3].kind == MAYBE]
        if maybe:
            node, callee, st, verdict = maybe[0]
            yield self._moved_by_callee(fn, loop, counter, node, callee, "advances", st.target, st.step,
                                        callee.nodes[st.node], verdict)

    def _moved_by_callee(self, fn, loop, counter, node, callee, verb, target, step, at, verdict):
        """The finding for a cursor moved only by a callee (or a function-like macro) that
        `verb`s `target` (its parameter, or what one points at) by a step that can be 0,
        at the callee's node `at`."""
        step_text = _value_text(step) if step[0] in ("var", "field", "int", "macro", "call") else None
        step_text = step_text or _rhs(at.text)
        how = f"returns '{target}' advanced by" if verb == "returns" else f"advances '{target}' by"
        message = (f"loop on '{counter}' may never end: {callee.name}() {how} '{step_text}', which can be 0 "
                   f"({verdict.reason})")
        evidence = [Evidence(fn.path, loop.line, fn.name, f"loop ends only on '{counter}': {loop.cond_text}"),
                    Evidence(fn.path, node.line, fn.name, f"'{counter}' moved only by {callee.name}(): {node.text}")]
        evidence += verdict.evidence
        evidence.append(Evidence(callee.path, at.line, callee.name,
                                 f"'{target}' advanced by '{step_text}' with no zero check: {at.text}"))
        return self.finding(fn, node.line, node.column, message, names=(counter, callee.name, step_text),
                            evidence=evidence, confidence="low" if verdict.weak else "medium",
                            depends_on=verdict.files | {callee.path})

    def _check_counter(self, fn, ctx, loop, counter, direction):
        updates, helpers, callees, opaque, macros = [], [], [], set(), {}
        for nid in range(loop.first, loop.last + 1):
            node = fn.nodes[nid]
            for var, val in node.defs:
                if var != counter:
                    continue
                # `r = BLOB_NEXT(r)`: a function-like macro of the file, judged as what it expands to
                expanded = expand_macro(ctx, fn.path, val)
                if expanded is not None:
                    macros[node.id] = ctx.macro(val[1], fn.path)
                    val = expanded
                step = _step_of(val, counter, direction)
                if step is None and _no_progress(val, counter, direction):
                    continue
                if step is None and val[0] == "var":
                    # `next = (void *)cur + cur->len; ...; cur = next;`: the step of the local
                    # the cursor is copied from, judged where that local is set
                    via = _through_local(fn, loop, node, val[1], counter, direction)
                    if via is not None:
                        updates.append(via)
                        continue
                if step is None and val[0] == "unknown" and ctx is not None:
                    # `ret = parse_one(buf, size, &off);`: the callee advances `*off`
                    moved = _callee_moves(ctx, fn, node, counter, direction)
                    if moved:
                        callees.append((node, moved))
                        continue
                if step is None and direction == "up":
                    # `attr = Add2Ptr(attr, asize)`: a macro or helper out of sight handed the
                    # cursor and one length; judged as `attr + asize`, reported only when that
                    # length is data
                    added = _added_by_unknown(ctx, fn, val, counter)
                    if added is not None:
                        updates.append((node, added))
                        opaque.add(node.id)
                        continue
                if step is None:
                    helper = _next_position(ctx, fn, val, counter) if direction == "up" else None
                    if helper is None:
                        return  # the counter also moves some other way: not ours to judge
                    helpers.append((node, helper))
                    continue
                updates.append((node, step))
        if helpers and not updates and not callees:
            yield from self._check_next_position(fn, ctx, loop, counter, helpers)
            return
        if helpers:
            return
        if callees and not updates:
            yield from self._check_callee_moves(fn, ctx, loop, counter, direction, callees)
            return
        if callees:
            return   # moved both here and in a callee: judged by neither (a nonzero step may be the other)
        if direction == "down":
            updates += _consumed(fn, loop, counter)
        if not updates:
            return
        analysis = ZeroAnalysis(ctx, counter=counter, loop=loop, cursor=direction == "up")
        exit_tests = _exit_test_idents(fn, loop)
        verdicts = [(node, step, analysis.value(step, fn, node.id)) for node, step in updates
                    if not (step[0] == "var" and step[1] == counter)]
        # One update that always runs and always moves the counter is enough.
        if any(v.kind == NONZERO and _unconditional(fn, loop, node) for node, _, v in verdicts):
            return
        for node, step, verdict in verdicts:
            if verdict.kind == NONZERO:
                continue
            if _tested_on_exit(_step_names(fn, node, step) - {counter}, exit_tests):
                continue  # `if (copied < bytes) break;`: the loop leaves when the step falls short
            if step[0] == "var" and step[1] in _head_nonzero(loop):
                continue  # `} while (ret > 0 && off < count);`
            if verdict.kind == UNKNOWN and not _classic_shape(fn, node, step):
                continue  # an unproven plain variable is not enough to speak
            if verdict.count and _compared_in_loop(fn, loop, _step_names(fn, node, step, calls=False) - {counter}):
                continue  # `if (copied < bytes) { error = -EFAULT; break; }`: the count is looked at
            if verdict.kind != MAYBE and node.id in opaque:
                continue  # a call out of sight: speak only of a length read from data
            confidence = "medium" if verdict.kind == MAYBE and not verdict.weak else "low"
            step_text = _text(step) if step[0] in ("var", "field", "int", "macro") else _rhs(node.text)
            # only a helper of the same driver (its directory): a 0 deep in another
            # subsystem's callee (a `return 0;` three calls down in mm/gup.c) is rarely
            # one the caller can get, a 0 of its own driver's helper the author wrote
            tested = _error_tested(fn, loop, _step_names(fn, node, step)) \
                if verdict.kind == MAYBE and verdict.count and _same_driver(fn.path, verdict.files) \
                and not fn.path.startswith(("tools/", "scripts/", "samples/")) and not _waits(fn, loop) else None
            if tested is not None:
                # a count-or-errno tested for the error only: the callee's "nothing done" 0
                # is what the loop forgot (a read at the end of the data, an empty FIFO)
                confidence = "medium"
                verdict = replace(verdict, evidence=verdict.evidence + [Evidence(
                    fn.path, tested.line, fn.name,
                    f"the result is tested for a negative error only, not for 0: {tested.text.strip()}")])
            what = "can be 0" if verdict.kind == MAYBE else "is not proven nonzero"
            message = (f"loop on '{counter}' may never end: step '{step_text}' {what}"
                       + (f" ({verdict.reason})" if verdict.reason else ""))
            evidence = [Evidence(fn.path, loop.line, fn.name, f"loop ends only on '{counter}': {loop.cond_text}")]
            evidence += verdict.evidence
            if node.id in macros:
                m = macros[node.id]
                evidence.append(Evidence(m.path, m.line, m.name, f"{m.name}() is a macro of this file, read as "
                                                                  f"its expansion: {m.returns()[0].text}"))
            evidence.append(Evidence(fn.path, node.line, fn.name,
                                     f"'{counter}' advanced by '{step_text}' with no zero check: {node.text}"))
            yield self.finding(fn, node.line, node.column, message, names=(counter, step_text),
                               evidence=evidence, confidence=confidence, depends_on=verdict.files)


_TYPE_ARG = re.compile(r"^(?:(?:struct|union|enum)_\w+|void|char|u8|u16|u32|u64|__u8|int|long|unsigned\w*)$")


def _added_by_unknown(ctx, fn, val, counter: str):
    """`p = Add2Ptr(p, len)`: a call with no definition in the files read, handed the
    cursor and one other value that is no constant: that value, or None."""
    if val[0] != "call" or val[1] is None or ctx is None:
        return None
    # `ACPI_ADD_PTR(struct acpi_subtable_header, entry, entry->length)`: a type is no operand
    args = [a for a in val[2] if not (a[0] == "var" and _TYPE_ARG.match(a[1]))]
    if len(args) != 2:
        return None
    if ("var", counter) not in args or args.count(("var", counter)) != 1:
        return None
    other = args[1 - args.index(("var", counter))]
    if other[0] in ("int", "macro", "sizeof") or ctx.function(val[1], fn.path) is not None:
        return None
    return other


def _through_local(fn, loop, node, local: str, counter: str, direction: str):
    """`cur = next;` where every definition of `next` reaching it, inside the loop, is
    `next = cur + step`: (the node that sets it, step), or None."""
    defs = fn.reaching(node.id, local)
    if not defs or any(not d or not loop.contains(d) for d, _ in defs):
        return None
    steps = [(fn.nodes[d], _step_of(v, counter, direction)) for d, v in defs]
    if len(steps) != 1 or steps[0][1] is None:
        return None
    return steps[0]


def _callee_moves(ctx, fn, node, counter: str, direction: str):
    """[(callee, PointerStep)] of the call at node handed `&counter`, whose callee steps
    `*param` the way the loop runs (`*off += len` for a cursor, `*left -= n` for a count)."""
    out = []
    op = "+" if direction == "up" else "-"
    for c in node.calls:
        for i, a in enumerate(c.arg_values):
            if a != ("un", "&", ("var", counter)) or c.name is None:
                continue
            callee = ctx.function(c.name, fn.path)
            if callee is None or callee is fn or i >= len(callee.params):
                return []
            steps = progress.pointer_steps(callee).get(callee.params[i], [])
            if not steps or any(st.op != op for st in steps):
                return []
            out += [(callee, st) for st in steps]
    return out


_IMPURE = re.compile(r"\b(asm|__asm__|volatile|READ_ONCE|jiffies|current|get_cycles|ktime_get\w*)\b")


def _reads_only(ctx, f, depth: int, seen: set) -> bool:
    """Does f only compute from its arguments: no store through a pointer, a field or
    an array element, nothing volatile (asm, READ_ONCE, jiffies), and every call to a
    function (two levels down) that does the same?"""
    if (f.path, f.name) in seen or depth > 2:
        return True    # deeper down: judged by name only, as a helper outside the files read
    seen.add((f.path, f.name))
    if f.return_type == "void":
        return False
    for node in f.nodes:
        if _IMPURE.search(node.text):
            return False
        for var, _ in node.defs:
            if var.startswith(("*", "(")) or "->" in var or "." in var or "[" in var:
                return False
        for c in node.calls:
            if c.name is None:
                return False
            g = ctx.function(c.name, f.path)
            if g is None or depth == 2:
                # a helper outside the files read (a header's lookup), unless it talks
                # to hardware or to the clock: a register read changes by itself
                if _ACCESSOR.search(c.name):
                    return False
                continue
            if not _reads_only(ctx, g, depth + 1, seen):
                return False
    return True


# MMIO/port/bus accessors and clocks, whose result changes with no store by the caller
_ACCESSOR = re.compile(r"^(__raw_)?(read|write|in|out)[bwlq]?(_relaxed|_be|_le)?$|^io(read|write)|^regmap_|"
                       r"_(read|rd|status|poll|jiffies|time|clock|now)\w*$|^(get|read)_")


def _changed_in_loop(fn, loop) -> set[str]:
    """Identifiers the loop (its test included) assigns, or hands to a call by address
    or as a plain pointer argument (the callee may change what it points at)."""
    out: set[str] = set()
    for nid in [loop.head] + list(range(loop.first, loop.last + 1)):
        node = fn.nodes[nid]
        for var, _ in node.defs:
            out |= set(idents(var.split("->")[0].split(".")[0].split("[")[0]))
        for c in node.calls:
            if nid == loop.head:
                continue
            for a in c.arg_values:
                if a[0] == "un" and a[1] == "&":
                    out |= set(idents(a[2][1])) if a[2][0] == "var" else set()
                elif a[0] in ("var", "param"):
                    out.add(a[1])
    return out


def _assigned_var(cond_text: str) -> str | None:
    m = re.match(r"^\(*\s*([A-Za-z_]\w*)\s*=[^=]", cond_text)
    return m.group(1) if m else None


_COPIERS = frozenset({"memcpy", "memmove", "memcpy_toio", "memcpy_fromio", "memset", "strscpy", "strcpy"})


def _handed_on(fn, loop, result: str) -> set[str]:
    """{result} when the loop body may change what the result points at: a store
    through it, or a call handed it (or a pointer derived from it), except as the
    source of a copy; else empty."""
    derived = {result}
    for nid in range(loop.first, loop.last + 1):
        for var, val in fn.nodes[nid].defs:
            base = var.lstrip("*(").split("->")[0].split(".")[0].split("[")[0]
            if base in derived and var != base:
                return {result}
            if var == base and (_points_into(val, derived) or (val[0] == "field" and _BASES(val) & derived)):
                derived.add(var)   # `piece = &e->data[1]`, `bo = res->bo`
    for nid in range(loop.first, loop.last + 1):
        for c in fn.nodes[nid].calls:
            for i, a in enumerate(c.arg_values):
                if c.name in _COPIERS and i > 0:
                    continue
                if _BASES(a) & derived:
                    return {result}
    return set()


def _points_into(v, derived: set) -> bool:
    """Is v a pointer into what one of `derived` points at (`&e->data[1]`, `e`, `e + 1`),
    not a value read from it (`e->len`)?"""
    if v[0] in ("var", "param"):
        return v[1] in derived
    if v[0] == "un" and v[1] == "&":
        return bool(_BASES(v[2]) & derived)
    if v[0] == "bin" and v[1] in ("+", "-"):
        return _points_into(v[2], derived)
    return False


def _BASES(v) -> set[str]:
    """The variables a value reads (the base of `e->data[1]` is e)."""
    out: set[str] = set()
    if isinstance(v, tuple) and v and isinstance(v[0], str):
        if v[0] in ("var", "param", "field") and isinstance(v[1], str):
            m = re.match(r"^[*(&\s]*([A-Za-z_]\w*)", v[1])
            return {m.group(1)} if m else set()
        for x in v[1:]:
            if isinstance(x, tuple):
                out |= _BASES(x)
    return out


@lru_cache(maxsize=None)
def _consumers() -> dict:
    """{name: (object argument, member, amount argument)} from data/consumers.txt."""
    return {name: (int(obj), member, int(amount)) for name, (obj, member, amount, *_) in table("consumers").items()}


def _consumed(fn, loop, counter: str) -> list:
    """`while (skb->len > 0) { ...; skb_pull(skb, n); }`: (node, amount) of every call in
    the loop that lowers the counter member of its object (data/consumers.txt)."""
    m = re.match(r"^([A-Za-z_]\w*)(->|\.)([A-Za-z_]\w*)$", counter)
    if m is None:
        return []
    obj, member = m.group(1), m.group(3)
    table = _consumers()
    out = []
    for nid in range(loop.first, loop.last + 1):
        node = fn.nodes[nid]
        for c in node.calls:
            spec = table.get(c.name)
            if spec is None or spec[1] != member or max(spec[0], spec[2]) >= len(c.arg_values):
                continue
            a = c.arg_values[spec[0]]
            if a in (("var", obj), ("param", obj)) or (m.group(2) == "." and a == ("un", "&", ("var", obj))):
                out.append((node, c.arg_values[spec[2]]))
    return out


def _value_text(v) -> str | None:
    """C text of a plain value (`le16_to_cpu(r->len)`), or None."""
    if v[0] in ("var", "field", "macro", "param"):
        return v[1]
    if v[0] == "int":
        return str(v[1])
    if v[0] == "call" and v[1] is not None:
        args = [_value_text(a) for a in v[2]]
        return f"{v[1]}({', '.join(args)})" if None not in args else None
    return None


def _next_position(ctx, fn, val, counter):
    """`de = next_entry(de)` / `p = skip_rec(p, end)`: a helper (in this file or a
    header) handed the cursor, that returns it advanced (`return (void *)p + p->len;`).
    (callee, parameter, return node, step) or None."""
    if ctx is None or val[0] != "call" or val[1] is None:
        return None
    idx = [i for i, a in enumerate(val[2]) if a == ("var", counter)]
    if len(idx) != 1:
        return None
    callee = ctx.function(val[1], fn.path)
    if callee is None or callee is fn or idx[0] >= len(callee.params):
        return None
    param = callee.params[idx[0]]
    for r in callee.returns():
        v = r.ret
        if v is not None and v[0] == "bin" and v[1] == "+" and v[2] in (("var", param), ("param", param)):
            return callee, param, r, v[3]
    return None


def _failed_allocation(fn, nid) -> str | None:
    """The allocator whose NULL result the node is reached under (`if (!p) continue;`)."""
    allocs = allocators()
    for atom, polarity in fn.must_hold(nid):
        if polarity or not (atom.replace("->", "").replace(".", "").replace("_", "a").isalnum()):
            continue
        for _, val in fn.reaching(nid, atom):
            if val[0] == "call" and val[1] in allocs:
                return val[1]
    return None


def _same_state_test(fn, loop, target, var) -> str | None:
    """`while (p < end) { h = (void *)p; if (h->type != WANTED) continue; ...; p += len; }`:
    every node from the top of the body to this `continue` (without passing an advance of
    var) only recomputes locals from the unchanged element (no call but a byte-order
    reader, no store through a pointer, no `x++`), so the next iteration takes the same
    branch again. The text of the test the `continue` hangs from, or None."""
    readers = name_list_readers()
    head = fn.nodes[loop.head]
    if head.defs or any(any(a[0] == "un" and a[1] == "&" for a in c.arg_values) for c in head.calls):
        return None   # the test itself moves on (`for (i = n; i--; )`, `while ((tok = strsep(&s, ",")))`)
    local = set()
    for n in range(loop.first, loop.last + 1):
        if fn.nodes[n].kind == "decl":
            local.update(v for v, _ in fn.nodes[n].defs)
    start = [s for s, _ in fn.nodes[loop.head].succ if loop.contains(s) and s != loop.head]
    fwd, stack = set(), list(start)
    while stack:
        n = stack.pop()
        if n in fwd or not loop.contains(n) or n == loop.head or any(v == var for v, _ in fn.nodes[n].defs):
            continue
        fwd.add(n)
        if n != target:
            stack.extend(s for s, _ in fn.nodes[n].succ)
    preds = fn.preds()
    back, stack = set(), [target]
    while stack:
        n = stack.pop()
        if n in back or n not in fwd:
            continue
        back.add(n)
        stack.extend(p for p, _ in preds[n])
    if target not in back:
        return None
    test = None
    for n in sorted(back):
        node = fn.nodes[n]
        if node.kind in ("loop", "switch") or any(c.name not in readers for c in node.calls):
            return None
        for v, val in node.defs:
            if v not in local or (val[0] == "bin" and val[2] == ("var", v)):
                return None   # only the iteration's own locals, recomputed from the element
        if node.kind == "cond":
            test = node.text.strip()
    return test


def name_list_readers() -> frozenset:
    from errpath.api import name_list
    return name_list("device_data_readers")


def _changes_before(fn, loop, nid) -> bool:
    """Does the branch that ends in this `continue` change anything (`order--;`, a
    flag that allows one retry, a trimmed cache)? Walked back to the test it hangs from."""
    preds = fn.preds()
    seen, stack = set(), [p for p, _ in preds[nid]]
    while stack:
        n = stack.pop()
        if n in seen or not loop.contains(n) or n == loop.head:
            continue
        seen.add(n)
        node = fn.nodes[n]
        if node.kind in ("cond", "switch"):
            continue
        if node.defs:
            return True
        stack.extend(p for p, _ in preds[n])
    return False


def _reached_without(fn, loop, target, var) -> bool:
    """Is `target` reached from the top of the loop body on a path that never sets var?"""
    start = [s for s, edge in fn.nodes[loop.head].succ if loop.contains(s) and s != loop.head]
    seen, stack = set(), list(start)
    while stack:
        n = stack.pop()
        if n in seen or not loop.contains(n) or n == loop.head:
            continue
        seen.add(n)
        if any(v == var for v, _ in fn.nodes[n].defs):
            continue
        if n == target:
            return True
        stack.extend(s for s, _ in fn.nodes[n].succ)
    return False


def _callee_step_verdict(ctx, callee, st):
    """Can the callee's step be 0? `min(*left, limit)` is 0 once `*left` is used up."""
    step = st.step
    defs = [step]
    if step[0] == "var":
        defs += [v for _, v in callee.reaching(st.node, step[1])]
    for v in defs:
        if v[0] == "minmax" and v[1] in ("min", "clamp") and any(
                a[0] in ("var", "field") and a[1].strip("()") == st.target for a in v[2]):
            return Verdict(MAYBE, f"min() with '{st.target}' itself, 0 once all of it is done",
                           [Evidence(callee.path, callee.nodes[st.node].line, callee.name,
                                     f"the step is bounded by '{st.target}': it is 0 when that reaches 0")])
    analysis = ZeroAnalysis(ctx, counter=st.target)
    return analysis.value(step, callee, st.node)


def _loop_call(cond):
    """The call a loop condition tests: `(x = f(...))`, `f(...)`, `f(...) != NULL`, `f(...) > 0`."""
    if cond is None:
        return None
    if cond[0] == "call":
        return cond
    if cond[0] == "bin" and cond[1] in ("!=", ">") and cond[2][0] == "call" and cond[3] in (("int", 0), ("null",)):
        return cond[2]
    return None


def _forever(loop) -> bool:
    return loop.cond is None or loop.cond == ("int", 1)


_EXIT_ATOM = re.compile(r"^([A-Za-z_]\w*)(?:[+-][^<>=!]*)?(<=|>=|==|<|>)(.+)$")


def _exit_counters(fn, loop) -> list[tuple[str, str]]:
    """Counters a `for (;;)` / `while (1)` loop ends on, from the tests in its body
    that leave it: `if (off >= end) break;` (a cursor), `if (!left) return;` (a count)."""
    out: list[tuple[str, str]] = []
    for nid in range(loop.first, loop.last + 1):
        node = fn.nodes[nid]
        if node.kind != "cond":
            continue
        for succ, edge in node.succ:
            if edge not in (True, False) or not _leaves(fn, loop, succ):
                continue
            for atom, polarity in (node.true_lits if edge else node.false_lits):
                found = None
                if atom.isidentifier() and not polarity:
                    found = (atom, "down")
                else:
                    m = _EXIT_ATOM.match(atom)
                    if m and polarity:
                        op, bound = m.group(2), m.group(3)
                        if op in (">=", ">", "=="):
                            found = (m.group(1), "up")
                        elif op in ("<", "<="):
                            # `if (!left)`-like: `left <= 0`, `left < 1`, `left < sizeof(*h)`
                            found = (m.group(1), "down")
                if found and found not in out:
                    out.append(found)
    return out


def _unconditional(fn, loop, node) -> bool:
    """Runs on every iteration: no branch inside the loop guards it, or every way back
    to the loop test passes it (`if (copy_from_user(&h, p, sizeof(h))) return -EFAULT;
    p += sizeof(h);`: the other branch leaves the loop)."""
    if fn.must_hold(node.id) <= (loop.cond_true | fn.must_hold(loop.head)):
        return True
    start = [s for s, _ in fn.nodes[loop.head].succ if loop.contains(s) and s != loop.head]
    seen, stack = set(), list(start)
    while stack:
        n = stack.pop()
        if n == loop.head:
            return False    # an iteration went round without it
        if n in seen or n == node.id or not loop.contains(n):
            continue
        seen.add(n)
        stack.extend(s for s, _ in fn.nodes[n].succ)
    return bool(start)


def _rhs(statement: str) -> str:
    m = re.search(r"(?:\+=|-=|=)\s*(.+?);?\s*$", statement)
    return " ".join(m.group(1).split()) if m else statement


def _exit_test_idents(fn, loop) -> list[tuple[frozenset, str]]:
    """(identifiers, normalised text) of each condition or switch inside the loop
    that can leave it (a branch to break, return, goto, or straight out of the loop)."""
    tests = []
    for nid in range(loop.first, loop.last + 1):
        node = fn.nodes[nid]
        if node.kind not in ("cond", "switch") or nid == loop.head:
            continue
        leaving = [edge for succ, edge in node.succ if _leaves(fn, loop, succ)]
        if not leaving:
            continue
        if node.kind == "cond" and all(e in (True, False) for e in leaving):
            # what must hold to leave, less upper bounds (`if (len > skb->len) return;`
            # leaves on a large step, never on 0)
            parts = []
            for e in leaving:
                for atom, pol in (node.true_lits if e else node.false_lits):
                    if _negative_only(atom, pol):
                        continue   # `if (n < 0) return n;` leaves on an error, never on a 0 count
                    m = _UPPER.match(atom)
                    if m and ((pol and m.group(2) in (">", ">=")) or (not pol and m.group(2) in ("<", "<="))) \
                            and m.group(3) != "0":
                        parts.append(m.group(3))
                    else:
                        parts.append(atom)
            text = _without_operations(" ".join(parts))
        else:
            text = _without_operations(node.text)
        # variables, not members (`skb->len` does not test a variable `len`)
        tests.append((frozenset(_VAR.findall(text)), "".join(text.split())))
    return tests


_VAR = re.compile(r"(?<!->)(?<!\.)(?<![\w$])([A-Za-z_]\w*)")

_NONZERO_TEST = re.compile(r"^([A-Za-z_]\w*)(>0|!=0|>=1|<=0|==0|<1)$")

_NEGATIVE = re.compile(r"^([A-Za-z_]\w*)(<0|<=-1|>=0|>-1)$")


def _negative_only(atom: str, polarity: bool) -> str | None:
    """The variable a literal holds negative (`n<0` true, `n>=0` false), or None."""
    m = _NEGATIVE.match(atom)
    if m and polarity == (m.group(2) in ("<0", "<=-1")):
        return m.group(1)
    return None


def _head_nonzero(loop) -> set[str]:
    """Variables the loop's own test requires nonzero: `do { ret = pkt_rx(...); off += ret; }
    while (ret > 0 && off < n);` leaves on a 0 step (not `while (sent < len)`, a bound)."""
    out = set()
    for atom, pol in loop.cond_true:
        if atom.isidentifier() and pol:
            out.add(atom)
        m = _NONZERO_TEST.match(atom)
        if m and pol == (m.group(2) in (">0", "!=0", ">=1")):
            out.add(m.group(1))
    return out


def _compared_in_loop(fn, loop, names: set[str]) -> bool:
    """Does a test in the loop compare a count it steps by, other than for a negative
    error (`if (copied < bytes)` breaking an inner loop and setting `error`, `if (tbc >=
    sg->length) sg = sg_next(sg);`)? The author looked at the count: a 0 is handled some
    other way than by this loop's exit tests."""
    for nid in range(loop.first, loop.last + 1):
        node = fn.nodes[nid]
        if node.kind != "cond" or nid == loop.head:
            continue
        for atom, pol in node.true_lits:
            if _negative_only(atom, pol) or _negative_only(atom, not pol):
                continue
            # `if (copy_to_user(ubuf, tmp, n))` tests what the copy returns, not n
            if set(idents(_without_operations(atom))) & names:
                return True
    return False


def _error_tested(fn, loop, names: set[str]):
    """The test by which the loop leaves when the step is a negative error (`if (n < 0)
    return n;`): the author took the result for a count or an errno and forgot the 0."""
    for nid in range(loop.first, loop.last + 1):
        node = fn.nodes[nid]
        if node.kind != "cond" or nid == loop.head:
            continue
        for succ, edge in node.succ:
            if edge not in (True, False) or not _leaves(fn, loop, succ):
                continue
            for atom, pol in (node.true_lits if edge else node.false_lits):
                if _negative_only(atom, pol) in names:
                    return node
    return None


_UPPER = re.compile(r"^([A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*)*)(>=|<=|>|<)(.+)$")


_MULTI_ARG_CALL = re.compile(r"\b[A-Za-z_]\w*\s*\([^()]*,[^()]*\)")


def _without_operations(text: str) -> str:
    """A test's text without the calls of two or more arguments it makes: `if
    (send_cmd(d, p, plen) < 0)` tests what send_cmd() returns, not plen (a
    one-argument conversion such as `le16_to_cpu(h->len)` stays)."""
    for _ in range(4):
        new = _MULTI_ARG_CALL.sub("f()", text)
        if new == text:
            break
        text = new
    return text


def _tested_on_exit(names: set[str], tests) -> bool:
    """Does an exit test name the step: a variable it is computed from, or a field
    it reads as a whole (`h->len`, not merely the record `h` the test also reads)?"""
    for name in names:
        if "->" in name or "." in name or "[" in name or name.startswith("*"):
            if any(name in text for _, text in tests):
                return True
        elif any(name in ids for ids, _ in tests):
            return True
    return False


def _leaves(fn, loop, nid, depth: int = 0) -> bool:
    """Does control at nid leave the loop before reaching another branch?"""
    while depth < 8:
        if not loop.contains(nid):
            return True
        node = fn.nodes[nid]
        if node.kind in ("return", "goto", "noreturn"):
            return True
        if node.kind == "expr" and node.text.lstrip().startswith(("return_ACPI_STATUS", "return_VALUE",
                                                                  "return_PTR", "return_UINT", "return_VOID")):
            return True   # ACPICA's returning macros (`return_ACPI_STATUS(AE_AML_BAD_RESOURCE_LENGTH);`)
        if node.kind == "break":
            return any(not loop.contains(s) for s, _ in node.succ)
        if node.kind not in ("expr", "decl", "case", "label") or len(node.succ) != 1:
            return False
        nid = node.succ[0][0]
        depth += 1
    return False


def _step_names(fn, node, step, calls: bool = True) -> set[str]:
    """Every variable the step is computed from (one definition deep); without calls,
    not the arguments of a call it is the result of (`n = pull(dev, buf, want)`: a test
    of `want` looks at the request, not at the count)."""
    names = _value_idents(step, calls)
    if step[0] == "var":
        for _, v in fn.reaching(node.id, step[1]):
            names |= _value_idents(v, calls)
    return names


def _value_idents(v, calls: bool = True) -> set[str]:
    out: set[str] = set()
    if not calls and isinstance(v, tuple) and v and v[0] == "call":
        return out
    if isinstance(v, tuple) and v:
        if isinstance(v[0], str) and v[0] == "var" and isinstance(v[1], str):
            return set(idents(v[1]))
        if isinstance(v[0], str) and v[0] == "field" and isinstance(v[1], str):
            return {"".join(v[1].split())}   # the field as a whole (see _tested_on_exit)
        for x in (v[1:] if isinstance(v[0], str) else v):
            if isinstance(x, tuple):
                out |= _value_idents(x, calls)
    return out


_WAIT_TEST = re.compile(r"\b(?:signal_pending|fatal_signal_pending|task_sigpending|need_resched|kthread_should_stop|"
                        r"time_(?:after|before)(?:_eq)?(?:64)?|ktime_(?:after|before|compare))\s*\(")


def _waits(fn, loop) -> bool:
    """Does the loop leave on a signal, a reschedule or a timeout (`if (need_resched())
    break;`)? Then it polls for progress that may be 0 for a while, by design."""
    for nid in range(loop.first, loop.last + 1):
        node = fn.nodes[nid]
        if node.kind == "cond" and _WAIT_TEST.search(node.text) \
                and any(_leaves(fn, loop, s) for s, e in node.succ if e in (True, False)):
            return True
    return False


def _same_driver(path: str, files) -> bool:
    """Are all these files in path's own directory?"""
    d = path.rsplit("/", 1)[0]
    return all(f.rsplit("/", 1)[0] == d for f in files)


def _classic_shape(fn, node, step) -> bool:
    """The step is (or is set from) min()/clamp() or a call: the discard-loop pattern."""
    if step[0] in ("minmax", "call"):
        return True
    if step[0] == "var":
        return any(v[0] in ("minmax", "call") for _, v in fn.reaching(node.id, step[1]))
    return False


RULE = ZeroStepLoop()
