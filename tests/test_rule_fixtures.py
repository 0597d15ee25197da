"""One parametrised test over every fixture of every rule.

In fixtures/<rule-id>/{bad,good}_*.c, `// expect: <rule-id>` marks the next
line as a finding that must be reported and `// ok: <rule-id>` marks a
near-miss that must stay silent; every other line must stay silent too.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from errpath.rules import DOC_SECTIONS, BUILTIN_RULES, builtin_rules_dir, load_rules
from rulecheck import findings_for_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
RULES = {r.id: r for r in load_rules()}
MARK = re.compile(r"//\s*(expect|ok):\s*([\w-]+)")


def _fixture_files():
    for rule_id in sorted(RULES):
        for f in sorted((FIXTURES / rule_id).glob("*.c")):
            yield pytest.param(rule_id, f, id=f"{rule_id}/{f.name}")


def _marks(path: Path, rule_id: str):
    expect, ok = set(), set()
    for n, line in enumerate(path.read_text().splitlines(), 1):
        m = MARK.search(line)
        if m and m.group(2) == rule_id:
            (expect if m.group(1) == "expect" else ok).add(n + 1)
    return expect, ok


@pytest.mark.parametrize("rule_id,path", list(_fixture_files()))
def test_fixture(rule_id, path):
    expect, ok = _marks(path, rule_id)
    analysis, found = findings_for_file(path, [RULES[rule_id]])
    assert not analysis.unparsed, f"fixture does not parse: {analysis.unparsed}"
    lines = {f.line for f in found if f.rule == rule_id}
    if path.name.startswith("bad_"):
        assert expect, "a bad_ fixture must mark at least one // expect:"
    else:
        assert ok and not expect, "a good_ fixture marks near-misses with // ok: and expects nothing"
    assert lines == expect, (
        f"reported at {sorted(lines)}, expected at {sorted(expect)}:\n"
        + "\n".join(f"  {f.line}: {f.message}" for f in found))
    assert not (lines & ok)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_is_registered_documented_and_has_fixtures(rule_id):
    rule = RULES[rule_id]
    for section in DOC_SECTIONS:
        assert rule.doc_section(section), f"{rule_id}: docstring lacks a '{section}' section"
    files = {f.name for f in (FIXTURES / rule_id).glob("*.c")}
    assert any(n.startswith("bad_") for n in files), f"{rule_id}: no bad_ fixture"
    assert any(n.startswith("good_") for n in files), f"{rule_id}: no good_ (near-miss) fixture"


def test_every_rule_file_is_in_the_registry():
    on_disk = {p.stem for p in builtin_rules_dir().glob("*.py") if not p.name.startswith("_")}
    assert on_disk == set(BUILTIN_RULES)


def test_confidence_separates_can_be_zero_from_not_proven():
    rule = RULES["zero-step-loop"]
    _, found = findings_for_file(FIXTURES / "zero-step-loop" / "bad_discard_split.c", [rule])
    by_fn = {f.function: f.confidence for f in found}
    # a rounding that truncates (the seed) is medium; a callee's literal `return 0` is low
    assert by_fn == {"split_discard": "medium", "fill_stripes": "low"}
    # a record length from device or firmware data, not checked on the way, is medium;
    # a filesystem's on-disk record (validated when its block was read) is low
    _, found = findings_for_file(FIXTURES / "zero-step-loop" / "bad_cursor_records.c", [rule])
    assert {f.confidence for f in found} == {"medium"}
    _, found = findings_for_file(FIXTURES / "zero-step-loop" / "bad_cursor_records.c", [rule],
                                 rel="fs/x/records.c")
    assert {f.confidence for f in found} == {"low"}
    assert all("on-disk record" in f.message for f in found)
    _, found = findings_for_file(FIXTURES / "zero-step-loop" / "bad_unproven_callee.c", [rule])
    assert [f.confidence for f in found] == ["low"]
    assert "not proven nonzero" in found[0].message
