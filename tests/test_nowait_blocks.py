"""nowait-blocks beyond the fixture marks: confidence, the suggested
non-blocking variant, the DIO_CALLER_COMP stretch, and the near-misses that
need the summaries."""
from __future__ import annotations

from pathlib import Path

from errpath.engine import analyse_blob
from errpath.index import FactsIndex
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
