"""nowait-blocks beyond the fixture marks: confidence, the suggested
non-blocking variant, the DIO_CALLER_COMP stretch, and the near-misses that
need the summaries."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from errpath.pipeline.blob import analyse_blob
from errpath.facts.index import FactsIndex
from errpath.rules import RuleContext, load_rules
from rulecheck import findings_for_file

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "nowait-blocks"
RULE = {r.id: r for r in load_rules()}["nowait-blocks"]


def _by_line(name):
    _, found = findings_for_file(FIX / name, [RULE])
    return {f.line: f for f in found}


def test_confidence_and_suggested_trylock():
    f = _by_line("bad_blocking_under_nowait.c")
    assert f[72].confidence == "high"             # inside `if (flags & IOMAP_NOWAIT)`: every NOWAIT path
    assert "folio_trylock()" in f[72].message
    assert f[46].confidence == "medium"           # on some NOWAIT paths only
    assert "inode_trylock_shared()" in f[46].message and "-EAGAIN" in f[46].message
    assert f[61].message.endswith("use mutex_trylock() and return -EAGAIN when it fails")
    assert "IOCB_NOWAIT" in f[61].message         # the bool `nowait` is traced to its flag


def test_sleep_inside_a_helper_is_reported_with_the_chain():
    f = _by_line("bad_blocking_under_nowait.c")[29]
    assert "demo_start_write()" in f.message and "sb_start_write()" in f.message
    assert "sb_start_write_trylock()" in f.message
    assert f.evidence[0].note.startswith("IOCB_NOWAIT set here")


def test_dio_caller_comp_self_deadlock_is_low_confidence_with_the_chain():
    f = _by_line("bad_blocking_under_nowait.c")[90]
    assert f.confidence == "low"
    assert "IOCB_DIO_CALLER_COMP" in f.message and "inode_dio_wait()" in f.message
    assert [e.function for e in f.evidence] == ["demo_dio_issue", "demo_dio_issue", "demo_drain"]
    assert f.evidence[-1].note == "calls inode_dio_wait()"


def test_near_misses_that_need_callee_results_fire_without_the_summaries():
    """Without the summaries the fallback near-miss is a finding: the test
    above would not catch a regression in how the rule reads them."""
    path = FIX / "good_trylock_under_nowait.c"
    a = analyse_blob(path.name, path.read_bytes(), None)
    index = FactsIndex(a.functions, in_scope={path.name})
    index.summaries = None
    found = list(f for fn in index.functions_in_scope() if RULE.applies_to(fn)
                 for f in RULE.check(fn, RuleContext(index)))
    assert [f.function for f in found] == ["demo_dio_write_fallback"]


RECURSIVE_SLEEPERS = b"""
void drain_a(struct demo *d)
{
	drain_b(d);
	mutex_lock(&d->lock);
}

void drain_b(struct demo *d)
{
	drain_a(d->next);
}
"""


@pytest.mark.parametrize("first", ["drain_a", "drain_b"])
def test_always_sleeps_through_a_recursion_does_not_depend_on_who_asks_first(first):
    """drain_a always takes a mutex and drain_b always calls drain_a: both always
    sleep, whichever is asked first (drain_b used to be memoised as 'does not
    sleep' while drain_a was still being asked, and a helper's answer depended
    on how deep below the first question it had been met)."""
    always_sleeps = sys.modules[type(RULE).__module__].always_sleeps
    a = analyse_blob("fs/d.c", RECURSIVE_SLEEPERS, None)
    index = FactsIndex(a.functions, in_scope={"fs/d.c"})
    ctx = RuleContext(index)
    by_name = {f.name: f for f in a.functions}
    always_sleeps(ctx, by_name[first])
    assert always_sleeps(ctx, by_name["drain_a"]) is not None
    got = always_sleeps(ctx, by_name["drain_b"])
    assert got is not None and got[0] == "mutex_lock"
