"""zero-step-loop: how sure a finding is, as a user filtering on confidence sees it."""
from __future__ import annotations

from pathlib import Path

from errpath.rules import load_rules
from rulecheck import findings_for_file

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "zero-step-loop"
RULE = next(r for r in load_rules() if r.id == "zero-step-loop")


def test_rounding_down_to_a_fixed_multiple_is_low_and_to_a_runtime_one_medium():
    _, fixed = findings_for_file(FIX / "bad_constant_multiple.c", [RULE])
    assert sorted((f.function, f.confidence) for f in fixed) == [
        ("dma_fill_segments", "low"), ("spi_send_chunks", "low")]
    assert any("multiple of 2, 0 for a value below it" in f.message for f in fixed)
    assert any("multiple of 1 << align" in f.message for f in fixed)
    _, seed = findings_for_file(FIX / "bad_discard_split.c", [RULE])
    split = [f for f in seed if f.function == "split_discard"]
    assert split and all(f.confidence == "medium" for f in split)
    assert "runtime value" in split[0].message


def test_a_logical_not_step_of_a_two_level_cursor_is_low():
    _, found = findings_for_file(FIX / "bad_two_level_cursor.c", [RULE])
    assert [(f.function, f.confidence) for f in found] == [("pin_chunks", "low")]
    assert "logical not" in found[0].message
