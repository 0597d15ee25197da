"""The real-bug recall corpus (bench/recall/) is data the benchmark and CI rely on: every
entry must load, name a known class and rule, and fall in a fixed part of the split."""
from __future__ import annotations

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
    by_title = {}
    for e in corpus:
        assert by_title.setdefault(e.title, e.part) == e.part   # a fix never straddles the parts
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
