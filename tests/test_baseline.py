"""errpath baseline + --baseline: accepted findings stay quiet, new ones do not."""
from __future__ import annotations

import json

import pytest

from histories import History
from inproc import BAD_NAME_RULE, fn, one_error_line, rules_dir, run

WALK = """struct rec {{ unsigned short rec_len; }};

int {name}(char *p, char *end)
{{
\twhile (p < end) {{
\t\tstruct rec *de = (struct rec *)p;
\t\tunsigned int rec_len = le16_to_cpu(de->rec_len);
\t\tp += rec_len;
\t}}
\treturn 0;
}}
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """v1: two bad_* functions (and a walk loop); v2: everything moved down,
    unrelated edits, plus one new bad_* function."""
    tmp = tmp_path_factory.mktemp("baseline")
    h = History(tmp)
    h.commit("base", {"README": "x\n"})
    h.tag("v0", "HEAD")
    a_v1 = fn("bad_one") + fn("good_one") + WALK.format(name="walk_one")
    h.commit("add", {"fs/a.c": a_v1, "mm/b.c": fn("bad_two")})
    h.tag("v1", "HEAD")
    a_v2 = ("/* a long comment\n" + " * moved everything\n" * 30 + " */\n" + fn("unrelated", "return 7;")
            + a_v1.replace("return 0;", "x++;\n\treturn x;") + fn("bad_three"))
    h.commit("edit", {"fs/a.c": a_v2, "mm/b.c": "#include <x.h>\n\n\n" + fn("bad_two", "return 1;")})
    h.tag("v2", "HEAD")
    return h, rules_dir(tmp, BAD_NAME_RULE)


def common(h, rd):
    return ("--repo", str(h.path), "--no-cache", "--rules-dir", str(rd), "--min-confidence", "low")


def findings(r):
    return sorted((f["rule"], f["function"]) for f in json.loads(r.out)["findings"])


def test_baseline_survives_line_moves_and_unrelated_edits(repo, tmp_path):
    h, rd = repo
    bl = tmp_path / "bl.json"
    r = run("baseline", "--rev", "v1", "-o", str(bl), *common(h, rd))
    assert r.code == 0, r.err
    recorded = json.loads(bl.read_text())
    assert {e["function"] for e in recorded["findings"]} >= {"bad_one", "bad_two"}
    before = run("scan", "--rev", "v2", "--format", "json", *common(h, rd))
    assert ("bad-name", "bad_one") in findings(before)
    assert before.code == 1
    after = run("scan", "--rev", "v2", "--format", "json", "--baseline", str(bl), *common(h, rd))
    assert findings(after) == [("bad-name", "bad_three")]   # only the new one
    st = json.loads(after.out)["stats"]["baseline"]
    assert st["suppressed"] == len(findings(before)) - 1 and st["file"] == str(bl)
    assert f"{st['suppressed']} finding(s) suppressed by baseline" in after.err
    assert after.code == 1


def test_baseline_also_holds_for_a_real_rule(repo, tmp_path):
    h, rd = repo
    bl = tmp_path / "bl.json"
    assert run("baseline", "--rev", "v1", "-o", str(bl), "--select", "zero-step-loop", *common(h, rd)).code == 0
    entries = json.loads(bl.read_text())["findings"]
    assert [e["function"] for e in entries] == ["walk_one"]
    r = run("scan", "--rev", "v2", "--format", "json", "--select", "zero-step-loop",
            "--baseline", str(bl), *common(h, rd))
    assert r.code == 0 and findings(r) == [], r.out
    assert json.loads(r.out)["stats"]["baseline"]["suppressed"] == 1


def test_range_baseline_and_audit(repo, tmp_path):
    h, rd = repo
    bl = tmp_path / "range.json"
    assert run("baseline", "v0..v1", "-o", str(bl), "--select", "bad-name", *common(h, rd)).code == 0
    assert sorted(e["function"] for e in json.loads(bl.read_text())["findings"]) == ["bad_one", "bad_two"]
    r = run("audit", "v0..v2", "--format", "json", "--select", "bad-name", "--baseline", str(bl), *common(h, rd))
    assert findings(r) == [("bad-name", "bad_three")] and r.code == 1


def test_baseline_file_is_deterministic_and_a_json_report_works_too(repo, tmp_path):
    h, rd = repo
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    run("baseline", "--rev", "v2", "-o", str(a), *common(h, rd))
    run("baseline", "--rev", "v2", "-o", str(b), *common(h, rd))
    assert a.read_bytes() == b.read_bytes()
    report = tmp_path / "report.json"
    run("scan", "--rev", "v2", "--format", "json", "-o", str(report), *common(h, rd))
    r = run("scan", "--rev", "v2", "--format", "json", "--baseline", str(report), *common(h, rd))
    assert findings(r) == [] and r.code == 0


def test_fixed_findings_are_not_suppressed(tmp_path):
    h = History(tmp_path)
    h.commit("base", {"fs/a.c": fn("bad_old")})
    h.tag("v1", "HEAD")
    h.commit("rename it", {"fs/a.c": fn("good_now")})
    rd = rules_dir(tmp_path, BAD_NAME_RULE)
    bl = tmp_path / "bl.json"
    run("baseline", "--rev", "v1", "-o", str(bl), *common(h, rd))
    r = run("audit", "v1..HEAD", "--format", "json", "--baseline", str(bl), *common(h, rd))
    doc = json.loads(r.out)
    assert [f["function"] for f in doc["fixed"]] == ["bad_old"] and doc["findings"] == []


@pytest.mark.parametrize("content, words", [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "not an errpath baseline"),
    (b'{"errpath_baseline": 99, "findings": []}', "unsupported version"),
    (b'{"errpath_baseline": 1, "findings": [{"rule": "x"}]}', "findings[0] has no fingerprint"),
    (b'{"errpath_baseline": 1, "findings": 3}', "'findings' must be a list"),
    (b"[" * 100000 + b"]" * 100000, "not valid JSON"),
])
def test_corrupt_baseline_is_one_clear_line(repo, tmp_path, content, words):
    h, rd = repo
    bl = tmp_path / "bad.json"
    bl.write_bytes(content)
    r = run("scan", "--rev", "v2", "--baseline", str(bl), *common(h, rd))
    line = one_error_line(r)
    assert r.code == 2 and r.out == "" and words in line and str(bl) in line


def test_baseline_usage_errors(repo, tmp_path):
    h, rd = repo
    r = run("baseline", "--rev", "v2", *common(h, rd))
    assert r.code == 2 and "needs -o FILE" in one_error_line(r)
    r = run("baseline", "-o", str(tmp_path / "x.json"), *common(h, rd))
    assert r.code == 2 and "BASE..HEAD or --rev" in one_error_line(r)
    r = run("scan", "--rev", "v2", "--baseline", str(tmp_path / "missing.json"), *common(h, rd))
    assert r.code == 2 and "cannot read baseline" in one_error_line(r)
