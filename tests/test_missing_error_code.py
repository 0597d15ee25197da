"""missing-error-code beyond the fixture marks: what the message tells the
developer to write, and the evidence of where the 0 came from."""
from __future__ import annotations

from pathlib import Path

from errpath.rules import load_rules
from rulecheck import findings_for_file

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "missing-error-code"
RULE = {r.id: r for r in load_rules()}["missing-error-code"]


def _by_line():
    _, found = findings_for_file(FIX / "bad_bind_status_zero.c", [RULE])
    return {f.line: f for f in found}


def test_message_names_the_fix_for_null_and_error_pointers():
    f = _by_line()
    assert f[26].message.endswith("set status = -ENOMEM before 'goto fail'")
    assert f[95].message.endswith("set err = PTR_ERR(ctx) before 'goto out_power'")
    assert f[67].message.endswith("set ret = -ENOMEM before 'break'")


def test_evidence_shows_where_the_zero_came_from_and_the_return():
    f = _by_line()
    notes = [(e.line, e.note) for e in f[26].evidence]
    assert notes[0] == (20, "'status' is 0 after this test: (status)")
    assert notes[-1] == (38, "returns 'status': return status;")
    assert f[61].evidence[0].note == "'ret' set to 0 here: ret = 0;"


def test_helper_whose_null_is_an_allocation_failure_counts():
    f = _by_line()[134]
    assert "demo_alloc_req() fails" in f.message and f.function == "loop_bind"
