"""One parametrised test over every fixture of every rule.

In fixtures/<rule-id>/{bad,good}_*.c, `// expect: <rule-id>` marks the next
line as a finding that must be reported (at any confidence) and `// ok: <rule-id>`
marks a near-miss that must stay silent; every other line must stay silent too.

`// expect: <rule-id>@<confidence>` (low, medium or high) also requires the
finding's confidence to be that or higher: `// expect: zero-step-loop@medium`
fails when the finding drops to low, i.e. out of the default output. The
regression fixtures of the real-bug recall benchmark (bad_recall_*.c) use it
for every corpus entry the benchmark found at default confidence.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from errpath.model import CONFIDENCES
from errpath.rules import DOC_SECTIONS, BUILTIN_RULES, builtin_rules_dir, load_rules
from rulecheck import findings_for_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
RULES = {r.id: r for r in load_rules()}
MARK = re.compile(r"//\s*(expect|ok):\s*([\w-]+)(?:@(\w+))?")


def _fixture_files():
    for rule_id in sorted(RULES):
        for f in sorted((FIXTURES / rule_id).glob("*.c")):
            yield pytest.param(rule_id, f, id=f"{rule_id}/{f.name}")


def _marks(path: Path, rule_id: str):
    """(lines expected, lines ok, {expected line: minimum confidence})."""
    expect, ok, at_least = set(), set(), {}
    for n, line in enumerate(path.read_text().splitlines(), 1):
        m = MARK.search(line)
        if m and m.group(2) == rule_id:
            (expect if m.group(1) == "expect" else ok).add(n + 1)
            if m.group(3):
                assert m.group(1) == "expect" and m.group(3) in CONFIDENCES, \
                    f"{path.name}:{n}: '@{m.group(3)}' (only on expect:, one of {CONFIDENCES})"
                at_least[n + 1] = m.group(3)
    return expect, ok, at_least


@pytest.mark.parametrize("rule_id,path", list(_fixture_files()))
def test_fixture(rule_id, path):
    check_fixture(rule_id, path)


def check_fixture(rule_id: str, path: Path):
    expect, ok, at_least = _marks(path, rule_id)
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
    for line, conf in sorted(at_least.items()):
        best = max(CONFIDENCES.index(f.confidence) for f in found if f.rule == rule_id and f.line == line)
        assert best >= CONFIDENCES.index(conf), (
            f"line {line}: reported at {CONFIDENCES[best]}, the marker requires {conf} or higher:\n"
            + "\n".join(f"  {f.line} [{f.confidence}]: {f.message}" for f in found if f.line == line))


def test_a_confidence_marker_fails_when_the_finding_is_below_it(tmp_path):
    # bad_discard_split.c reports split_discard() at medium and fill_stripes() at low
    text = (FIXTURES / "zero-step-loop" / "bad_discard_split.c").read_text()
    lines = text.splitlines()
    marks = [n for n, line in enumerate(lines) if "// expect: zero-step-loop" in line]
    assert len(marks) == 2
    medium_at_medium = tmp_path / "bad_medium.c"
    lines[marks[0]] = lines[marks[0]].replace("zero-step-loop", "zero-step-loop@medium")
    medium_at_medium.write_text("\n".join(lines) + "\n")
    check_fixture("zero-step-loop", medium_at_medium)          # medium satisfies @medium
    low_at_medium = tmp_path / "bad_low.c"
    lines[marks[1]] = lines[marks[1]].replace("zero-step-loop", "zero-step-loop@medium")
    low_at_medium.write_text("\n".join(lines) + "\n")
    with pytest.raises(AssertionError, match="reported at low, the marker requires medium"):
        check_fixture("zero-step-loop", low_at_medium)
    bad_name = tmp_path / "bad_typo.c"
    bad_name.write_text(text.replace("// expect: zero-step-loop", "// expect: zero-step-loop@mid", 1))
    with pytest.raises(AssertionError, match="'@mid'"):
        check_fixture("zero-step-loop", bad_name)


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
