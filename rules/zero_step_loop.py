"""A loop whose only progress is a step that can be 0, so it may never end.

What it finds
-------------
A loop that ends only when a counter reaches its bound (`while (nr)` with
`nr -= step`) or a cursor passes an end (`while (p < end)` with `p += len`),
where every step can be 0: the step comes from `min()`/`min_t()`/`clamp()` with an
operand not proven nonzero, from a function (in this file or a header) that can
return 0, or from a length read out of device, disk or firmware data. There is
no `if (!step) break;` guard on the way to the update, and no division by the
step on every path from where it is set (`n = total / step;` would have trapped
on a 0 first, as in ibmvnic's alloc_ltb_set()).

Confidence is **medium** when the step is computed in a way that can reach 0 (a
rounding down to a runtime multiple, a shift or division of such a value: the
seed's shape). It is **low** when the zero rests on weaker ground: a callee's
literal `return 0` (usually a "nothing" result the caller's invariants exclude),
a rounding down to a multiple fixed at build time (`ALIGN_DOWN(max, 2)`,
`rounddown(n, 1 << align)`: 0 only for a value below it), a `!off` step of a
two-level cursor (`i += !off;`),
a length read from the on-disk record being walked (usually validated when the
block was read), or a step that is only not proven nonzero (an unknown callee).
The default `--min-confidence medium` shows only the first kind.

Why it matters
--------------
A zero step spins the CPU forever, and if the loop allocates (a bio per
iteration) it eats all memory. This is seed 001: `__blkdev_issue_discard()` did
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
A callee that can return 0 only in a configuration the caller never runs in
(the rule does not know the .config). Device-data lengths that an earlier
validation pass (outside the loop) already rejected when zero, as xfs buffer
verifiers and ocfs2 block validation do: reported at low confidence only.
Invariants that need arithmetic (`j` starts inside `[first, last]`, so the
inner loop runs at least once) are not proven.

References
----------
- Seed 001 (../shared/seeds/001): the loop in `__blkdev_issue_discard()`, made
  spinnable by "block: make sure discard bio is aligned with logical block size"
  and the helper `bio_allowed_max_sectors()` it added.
- b88aef36b87c ("block: fix infinite loop if the device loses discard capability"),
  the upstream fix that added `if (!req_sects) goto fail;`.
- Smatch checks loops that are never entered, not loops that never end.
"""
from __future__ import annotations

import re

from errpath.facts import STEP_TOKEN, idents
from errpath.model import Evidence
from errpath.nonzero import MAYBE, NONZERO, UNKNOWN, ZeroAnalysis
from errpath.rules import Rule


def _counters(cond) -> list[tuple[str, str]]:
    """(counter, direction) pairs the loop condition ends on: 'down' counts to 0,
    'up' runs to a bound."""
    if cond is None:
        return []
    kind = cond[0]
    if kind == "var":
        return [(cond[1], "down")]
    if kind == "bin":
        op, a, b = cond[1], cond[2], cond[3]
        name = a[1] if a[0] in ("var", "field") else None
        if name is None:
            return []
        if op in (">", "!=") and b == ("int", 0):
            return [(name, "down")]
        if op == ">=" and b[0] in ("int", "macro", "var", "sizeof"):
            return [(name, "down")]
        if op in ("<", "<=", "!="):
            return [(name, "up")]
    return []


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
        for loop in fn.loops:
            for counter, direction in _counters(loop.cond):
                yield from self._check_counter(fn, ctx, loop, counter, direction)

    def _check_counter(self, fn, ctx, loop, counter, direction):
        updates = []
        for nid in range(loop.first, loop.last + 1):
            node = fn.nodes[nid]
            for var, val in node.defs:
                if var != counter:
                    continue
                step = _step_of(val, counter, direction)
                if step is None:
                    return  # the counter also moves some other way: not ours to judge
                updates.append((node, step))
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
            if (_step_names(fn, node, step) - {counter}) & exit_tests:
                continue  # `if (copied < bytes) break;`: the loop leaves when the step falls short
            if verdict.kind == UNKNOWN and not _classic_shape(fn, node, step):
                continue  # an unproven plain variable is not enough to speak
            confidence = "medium" if verdict.kind == MAYBE and not verdict.weak else "low"
            step_text = _text(step) if step[0] in ("var", "field", "int", "macro") else _rhs(node.text)
            what = "can be 0" if verdict.kind == MAYBE else "is not proven nonzero"
            message = (f"loop on '{counter}' may never end: step '{step_text}' {what}"
                       + (f" ({verdict.reason})" if verdict.reason else ""))
            evidence = [Evidence(fn.path, loop.line, fn.name, f"loop ends only on '{counter}': {loop.cond_text}")]
            evidence += verdict.evidence
            evidence.append(Evidence(fn.path, node.line, fn.name,
                                     f"'{counter}' advanced by '{step_text}' with no zero check: {node.text}"))
            yield self.finding(fn, node.line, node.column, message, names=(counter, step_text),
                               evidence=evidence, confidence=confidence, depends_on=verdict.files)


def _unconditional(fn, loop, node) -> bool:
    """Runs on every iteration: no branch inside the loop guards it."""
    return fn.must_hold(node.id) <= (loop.cond_true | fn.must_hold(loop.head))


def _rhs(statement: str) -> str:
    m = re.search(r"(?:\+=|-=|=)\s*(.+?);?\s*$", statement)
    return " ".join(m.group(1).split()) if m else statement


def _exit_test_idents(fn, loop) -> set[str]:
    """Identifiers tested by a condition or switch inside the loop that can
    leave it (a branch to break, return, goto, or straight out of the loop)."""
    names: set[str] = set()
    for nid in range(loop.first, loop.last + 1):
        node = fn.nodes[nid]
        if node.kind not in ("cond", "switch") or nid == loop.head:
            continue
        if any(_leaves(fn, loop, succ) for succ, _ in node.succ):
            names |= idents(node.text)
    return names


def _leaves(fn, loop, nid, depth: int = 0) -> bool:
    """Does control at nid leave the loop before reaching another branch?"""
    while depth < 8:
        if not loop.contains(nid):
            return True
        node = fn.nodes[nid]
        if node.kind in ("return", "goto", "noreturn"):
            return True
        if node.kind == "break":
            return any(not loop.contains(s) for s, _ in node.succ)
        if node.kind not in ("expr", "decl", "case", "label") or len(node.succ) != 1:
            return False
        nid = node.succ[0][0]
        depth += 1
    return False


def _step_names(fn, node, step) -> set[str]:
    """Every variable the step is computed from (one definition deep)."""
    names = _value_idents(step)
    if step[0] == "var":
        for _, v in fn.reaching(node.id, step[1]):
            names |= _value_idents(v)
    return names


def _value_idents(v) -> set[str]:
    out: set[str] = set()
    if isinstance(v, tuple) and v:
        if isinstance(v[0], str) and v[0] in ("var", "field") and isinstance(v[1], str):
            return set(idents(v[1]))
        for x in (v[1:] if isinstance(v[0], str) else v):
            if isinstance(x, tuple):
                out |= _value_idents(x)
    return out


def _classic_shape(fn, node, step) -> bool:
    """The step is (or is set from) min()/clamp() or a call: the pattern of seed 001."""
    if step[0] in ("minmax", "call"):
        return True
    if step[0] == "var":
        return any(v[0] in ("minmax", "call") for _, v in fn.reaching(node.id, step[1]))
    return False


RULE = ZeroStepLoop()
