"""The real-bug recall corpus (bench/recall/) is data the benchmark and CI rely on: every
entry must load, name a known class and rule, and fall in a fixed part of the split.

bench/recall/regression.toml lists the entries the benchmark found and the fixture pair
(fixtures/<rule>/bad_recall_*.c and its good_ fix) that keeps each one found in CI; the
tests below check that table against the corpus and the fixture files (the findings
themselves are checked by tests/test_rule_fixtures.py, with `@medium` on the markers of
entries found at default confidence)."""
from __future__ import annotations

import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "bench" / "recall")]
import run as recall  # noqa: E402

from errpath.rules import load_rules  # noqa: E402


@pytest.fixture(scope="module")
def corpus():
    return recall.load_corpus(ROOT / "bench" / "recall" / "corpus")


def test_every_entry_loads_with_a_known_class_and_rule(corpus):
    assert len(corpus) > 100
    rules = {r.id for r in load_rules()}
    for e in corpus:
        assert e.rule == "" or e.rule in rules, e.id
        assert e.klass in recall.CLASSES, e.id
        assert e.file.endswith((".c", ".h")) and e.function and e.line > 0, e.id
    assert len({e.id for e in corpus}) == len(corpus)


def test_the_split_is_by_title_and_both_parts_cover_each_large_rule(corpus):
    by_fix = {}
    for e in corpus:
        # a fix never straddles the parts, however Debian spells its title in each series
        assert by_fix.setdefault(recall.fix_key(e.title), e.part) == e.part, e.title
    counts = Counter((e.rule, e.part) for e in corpus if e.rule)
    for rule in ("missing-error-code", "err-ptr-null-mismatch", "zero-step-loop"):
        assert counts[(rule, "tuned")] >= 5 and counts[(rule, "held-out")] >= 5, counts


def test_a_malformed_entry_is_named(tmp_path):
    (tmp_path / "6.1.1..6.1.2.toml").write_text(
        'old = "6.1.1"\nnew = "6.1.2"\n[[entry]]\ntitle = "x"\nfile = "a.c"\nfunction = "f"\n'
        'class = "use-after-free"\nrule = ""\n')
    with pytest.raises(recall.CorpusError, match="entry 1: unknown class 'use-after-free'"):
        recall.load_corpus(tmp_path)


def test_every_seed_mutation_has_edits_and_a_rule():
    with open(ROOT / "bench" / "recall" / "seeds.toml", "rb") as f:
        seeds = tomllib.load(f)["seed"]
    assert {s["seed"] for s in seeds} >= {"000", "001", "002", "004"}
    for s in seeds:
        assert s["rule"] in recall.RULES
        assert s.get("kind") == "present" or s["edits"], s["id"]


# --------------------------------------------------------------------------
# regression.toml: the found entries and the CI fixtures that guard them
# --------------------------------------------------------------------------

REGRESSION = ROOT / "bench" / "recall" / "regression.toml"
FIXTURES = ROOT / "fixtures"
ENTRY_ID = re.compile(r"\d+\.\d+\.\d+\.\.\d+\.\d+\.\d+#\d+")
MARK = re.compile(r"//\s*expect:\s*([\w-]+)(?:@(\w+))?")


def _fix_title(title: str) -> str:
    """The upstream title without the changelog's decorations: '[arm*] ', '[not in
    changelog] ' in front, ' (CVE-...)' at the end."""
    title = re.sub(r"^(?:\[[^\]]*\]\s*)+", "", title)
    return re.sub(r"\s*\(CVE-[\d-]+\)$", "", title)


@pytest.fixture(scope="module")
def guards():
    with open(REGRESSION, "rb") as f:
        return tomllib.load(f)["guard"]


def test_every_guarded_entry_is_a_corpus_entry_of_the_guards_rule_and_fix(corpus, guards):
    by_id = {e.id: e for e in corpus}
    seen = Counter(i for g in guards for i in g["entries"])
    assert not [i for i, n in seen.items() if n > 1], "an entry guarded twice"
    for g in guards:
        assert g["entries"] and g["found"] in ("default", "low"), g
        for i in g["entries"]:
            e = by_id.get(i)
            assert e is not None, f"{i}: no such corpus entry"
            assert e.rule == g["rule"], f"{i}: the corpus says rule {e.rule!r}, the guard {g['rule']!r}"
            assert _fix_title(e.title) == g["fix"], f"{i}: {e.title!r} is not the guard's fix {g['fix']!r}"


def test_every_guard_has_its_fixture_pair_naming_its_entries(guards):
    for g in guards:
        bad, good = FIXTURES / g["rule"] / g["bad"], FIXTURES / g["rule"] / g["good"]
        assert bad.name.startswith("bad_") and bad.is_file(), bad
        assert good.name.startswith("good_") and good.is_file(), good
        text = bad.read_text()
        head = text.split("\n\n", 1)[0]          # the top comment
        assert set(ENTRY_ID.findall(head)) == set(g["entries"]), f"{bad.name}: its top comment names other entries"
        assert " ".join(head.replace("//", " ").split()).find(g["fix"]) >= 0, \
            f"{bad.name}: its top comment does not name the fix {g['fix']!r}"
        marks = [m.group(2) for m in MARK.finditer(text) if m.group(1) == g["rule"]]
        assert marks, f"{bad.name}: no // expect: {g['rule']}"
        if g["found"] == "default":
            # found at default by the benchmark: the fixture must keep it there
            assert all(m in ("medium", "high") for m in marks), \
                f"{bad.name}: every expect must say @medium or @high, found at default"
        else:
            assert not any(marks), f"{bad.name}: found at low only, the markers are plain"
        assert "// ok: " + g["rule"] in good.read_text(), f"{good.name}: no // ok: near-miss"


def test_every_recall_fixture_is_a_guard(guards):
    listed = {(g["rule"], n) for g in guards for n in (g["bad"], g["good"])}
    on_disk = {(p.parent.name, p.name) for p in FIXTURES.glob("*/*_recall_*.c")}
    assert on_disk == listed, on_disk ^ listed
