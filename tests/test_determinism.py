"""Same inputs and options, byte-identical reports: across runs, cold and warm
caches, and --jobs values (JSON, SARIF, mail, text; HTML apart from at most
one timestamp line). --reproducible leaves out the only run-dependent stats."""
from __future__ import annotations

import json

import pytest

from histories import History
from inproc import BAD_NAME_RULE, fn, rules_dir, run

DRAIN = """static unsigned int room{i}(struct q *q) {{ return q->cap >> 9; }}
void drain{i}(struct q *q, unsigned long n)
{{
\twhile (n) {{
\t\tunsigned long step = min(n, room{i}(q));
\t\tn -= step;
\t}}
}}
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("det")
    h = History(tmp)
    h.commit("base", {"README": "x\n", "fs/old.c": fn("bad_old"), **{f"fs/f{i}.c": fn(f"good{i}") for i in range(12)}})
    h.tag("v1", "HEAD")
    h.branch("side", "v1")
    h.commit("fs: side <b>work</b>", {f"fs/f{i}.c": fn(f"good{i}") + DRAIN.format(i=i) for i in range(0, 12, 3)},
             branch="side")
    h.commit("mm: main work \x1b[1m", {**{f"mm/m{i}.c": fn(f"bad_m{i}") + DRAIN.format(i=100 + i)
                                        for i in range(8)}, "fs/f1.c": fn("good1") + fn("bad_f1")})
    h.merge("Merge branch 'side'", [h.tip(), h.tip("side")],
            files={f"fs/f{i}.c": fn(f"good{i}") + DRAIN.format(i=i) for i in range(0, 12, 3)})
    h.commit("fs: fix one", {"fs/f0.c": fn("good0"), "fs/old.c": fn("good_old")})
    return h, rules_dir(tmp, BAD_NAME_RULE)


def report(h, rd, fmt, out, *extra):
    r = run("audit", "v1..HEAD", "--repo", str(h.path), "--rules-dir", str(rd), "--min-confidence", "low",
            "--format", fmt, "-o", str(out), "-q", *extra)
    assert r.code == 1, r.err
    return out.read_bytes()


@pytest.mark.parametrize("fmt", ["json", "sarif", "mail", "text", "html"])
def test_byte_identical_across_runs_caches_and_jobs(repo, tmp_path, fmt):
    h, rd = repo
    cache = tmp_path / "cache"
    outs = [
        report(h, rd, fmt, tmp_path / f"a.{fmt}", "--reproducible", "-j", "1", "--no-cache"),
        report(h, rd, fmt, tmp_path / f"b.{fmt}", "--reproducible", "-j", "2", "--cache-dir", str(cache)),
        report(h, rd, fmt, tmp_path / f"c.{fmt}", "--reproducible", "-j", "2", "--cache-dir", str(cache)),
        report(h, rd, fmt, tmp_path / f"d.{fmt}", "--reproducible", "-j", "1", "--cache-dir", str(cache)),
    ]
    if fmt == "html":
        first = outs[0].splitlines()
        for other in outs[1:]:
            lines = other.splitlines()
            assert len(lines) == len(first)
            assert sum(a != b for a, b in zip(first, lines)) <= 1   # one timestamp at most
    else:
        assert outs[0] == outs[1] == outs[2] == outs[3]
    assert len(outs[0]) > 500


def test_the_run_really_has_findings_fixed_and_parallel_work(repo, tmp_path):
    h, rd = repo
    doc = json.loads(report(h, rd, "json", tmp_path / "r.json", "-j", "2", "--no-cache"))
    assert len(doc["findings"]) >= 12 and len(doc["fixed"]) == 1
    assert doc["stats"]["files_parsed"] > 4          # enough tasks for the process pool


def test_without_reproducible_only_timings_and_cache_counters_differ(repo, tmp_path):
    h, rd = repo
    cache = tmp_path / "cache"
    cold = json.loads(report(h, rd, "json", tmp_path / "a.json", "--cache-dir", str(cache)))
    warm = json.loads(report(h, rd, "json", tmp_path / "b.json", "--cache-dir", str(cache)))
    assert cold["stats"]["cache_hits"] != warm["stats"]["cache_hits"]
    for d in (cold, warm):
        from errpath.cli.common import VOLATILE_STATS
        for k in VOLATILE_STATS:
            d["stats"].pop(k, None)
    assert cold == warm
    lean = json.loads(report(h, rd, "json", tmp_path / "c.json", "--reproducible", "--no-cache"))
    assert "seconds" not in lean["stats"] and lean == cold
