"""The audit pipeline end to end, through the real command line."""
from __future__ import annotations

import re
import textwrap

import pytest

from clirun import errpath
from errpath.cli.story import build_story, builtin_story_dir
from histories import History


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    where = tmp_path_factory.mktemp("story") / "linux"
    shas = build_story(builtin_story_dir("discard-loop"), where)
    return where, shas


def test_demo_prints_findings_blamed_on_side_branch_and_writes_html(tmp_path):
    r = errpath("demo", cwd=tmp_path)
    assert r.code == 0, r.err
    assert "block/blk-lib.c:" in r.out and "[zero-step-loop]" in r.out
    assert 'introduced by' in r.out and '("block: simplify discard bio splitting")' in r.out
    assert "Merge branch" not in r.out
    m = re.search(r"HTML report: (\S+)", r.err)
    assert m and (tmp_path / m.group(1)).is_file()


def test_audit_blames_side_branch_commit_not_merge_and_ignores_unrelated(story):
    where, shas = story
    r = errpath("audit", "v1.0..v1.1", "--format", "json", "--no-cache", "--min-confidence", "low", cwd=where)
    assert r.code == 1, r.err  # warnings introduced → exit 1
    doc = r.json()
    by_path = {f["path"]: f for f in doc["findings"]}
    assert set(by_path) == {"block/blk-lib.c", "fs/demo/dir.c"}
    discard = by_path["block/blk-lib.c"]
    assert discard["introduced_by"]["sha"] == shas["side-simplify"]
    assert discard["fixes_tag"] == f'Fixes: {shas["side-simplify"][:12]} ("block: simplify discard bio splitting")'
    assert discard["function"] == "__blkdev_issue_discard"
    assert any(e["path"] == "include/linux/blkdev.h" for e in discard["evidence"]), "callee evidence"
    assert by_path["fs/demo/dir.c"]["introduced_by"]["sha"] == shas["fs-fast"]
    blamed = {f["introduced_by"]["sha"] for f in doc["findings"]}
    assert not blamed & {shas["merge"], shas["mm-tidy"], shas["side-doc"]}
    assert doc["base"] == shas["base"] and doc["head"] == shas["merge"]
    assert doc["stats"]["commits"] == 5 and doc["fixed"] == []
    # an on-disk length alone is weak ground (low), but the blamed commit removed the
    # record-length check: that is evidence, and the finding is raised to medium
    dirent = by_path["fs/demo/dir.c"]
    assert dirent["confidence"] == "medium"
    assert any(e["note"] == f"{shas['fs-fast'][:12]} removed this test of the same variable: "
               "if (rec_len < sizeof(*de))" for e in dirent["evidence"])
    default = errpath("audit", "v1.0..v1.1", "--format", "json", "--no-cache", cwd=where).json()
    assert [f["path"] for f in default["findings"]] == ["block/blk-lib.c", "fs/demo/dir.c"]


def test_json_contract_shape(story):
    where, _ = story
    doc = errpath("audit", "v1.0..v1.1", "--format", "json", "--no-cache", cwd=where).json()
    assert doc["schema"] == 1 and doc["tool"]["name"] == "errpath"
    for key in ("base", "head", "paths", "findings", "fixed", "stats"):
        assert key in doc
    for key in ("commits", "files", "functions", "functions_unparsed", "parse_coverage", "seconds"):
        assert key in doc["stats"]
    f = doc["findings"][0]
    assert set(f) >= {"rule", "severity", "confidence", "path", "line", "column", "function", "message",
                      "fingerprint", "introduced_by", "fixes_tag", "evidence"}
    assert set(f["introduced_by"]) == {"sha", "subject", "author", "date"}
    assert set(f["evidence"][0]) == {"path", "line", "function", "note"}


def test_text_output_is_gcc_style_with_commit(story):
    where, shas = story
    r = errpath("audit", "v1.0..v1.1", "--no-cache", cwd=where)
    first = r.out.splitlines()[0]
    assert re.match(r"^[\w/.-]+\.c:\d+:\d+: warning: .+ \[zero-step-loop\]$", first), first
    assert f'    introduced by {shas["side-simplify"][:12]} ("block: simplify discard bio splitting")' in r.out


def test_scan_has_no_attribution(story):
    where, _ = story
    r = errpath("scan", "block/", "--rev", "v1.1", "--format", "json", "--no-cache", cwd=where)
    doc = r.json()
    assert r.code == 1 and doc["base"] is None
    assert [f["path"] for f in doc["findings"]] == ["block/blk-lib.c"]
    assert doc["findings"][0]["introduced_by"] is None and doc["findings"][0]["fixes_tag"] is None
    clean = errpath("scan", "block/", "--rev", "v1.0", "--format", "json", "--no-cache", cwd=where)
    assert clean.code == 0 and clean.json()["findings"] == []


def test_fixed_findings_are_attributed_to_the_fixing_commit(tmp_path):
    bad = textwrap.dedent("""\
        static unsigned int room(struct q *q) { return round_down(q->cap, q->blk) >> 9; }
        void drain(struct q *q, unsigned long n)
        {
        \twhile (n) {
        \t\tunsigned long step = min(n, room(q));
        \t\tpop(q, step);
        \t\tn -= step;
        \t}
        }
        """)
    good = bad.replace("\t\tpop(q, step);", "\t\tif (!step)\n\t\t\tbreak;\n\t\tpop(q, step);")
    h = History(tmp_path)
    a = h.commit("lib: add drain", {"lib/drain.c": bad})
    b = h.commit("lib: unrelated", {"lib/other.c": "int x(void) { return 1; }\n"})
    c = h.commit("lib: stop drain on empty room", {"lib/drain.c": good})
    doc = errpath("audit", f"{a}..{c}", "--format", "json", "--no-cache", cwd=h.path).json()
    assert doc["findings"] == []
    assert len(doc["fixed"]) == 1
    assert doc["fixed"][0]["fixed_by"]["sha"] == c
    r = errpath("audit", f"{a}..{c}", "--no-cache", cwd=h.path)
    assert r.code == 0  # fixing something is not a failure


def test_cache_reuses_blobs_across_runs(story, tmp_path):
    where, _ = story
    cache = tmp_path / "cache"
    first = errpath("audit", "v1.0..v1.1", "--format", "json", "--cache-dir", str(cache), cwd=where).json()
    second = errpath("audit", "v1.0..v1.1", "--format", "json", "--cache-dir", str(cache), cwd=where).json()
    assert first["stats"]["files_parsed"] > 0
    assert second["stats"]["files_parsed"] == 0 and second["stats"]["cache_hits"] > 0
    assert first["findings"] == second["findings"]
    assert (cache / "cache.sqlite3").is_file()


def test_select_ignore_and_fail_on(story):
    where, _ = story
    none = errpath("audit", "v1.0..v1.1", "--ignore", "zero-step-loop", "--format", "json", "--no-cache", cwd=where)
    assert none.code == 0 and none.json()["findings"] == []
    sel = errpath("audit", "v1.0..v1.1", "--select", "zero-step-loop", "--fail-on", "none", "--no-cache", cwd=where)
    assert sel.code == 0 and "[zero-step-loop]" in sel.out
    err = errpath("audit", "v1.0..v1.1", "--select", "no-such-rule", cwd=where)
    assert err.code == 2 and "unknown rule: no-such-rule" in err.err and "Traceback" not in err.err


def test_user_rules_dir(story, tmp_path):
    where, _ = story
    rules = tmp_path / "myrules"
    rules.mkdir()
    (rules / "no_cond_resched.py").write_text(textwrap.dedent('''\
        """Flags cond_resched() calls (a test rule)."""
        from errpath.rules import Rule

        class NoCondResched(Rule):
            id = "no-cond-resched"
            title = "cond_resched() called"
            needs_tokens = frozenset({"cond_resched"})

            def check(self, fn, ctx):
                for call in fn.calls():
                    if call.name == "cond_resched":
                        yield self.finding(fn, call.line, call.column, "cond_resched() here",
                                           names=(call.name,))

        RULE = NoCondResched()
        '''))
    listed = errpath("rules", "--rules-dir", str(rules))
    assert "no-cond-resched" in listed.out and "zero-step-loop" in listed.out
    r = errpath("scan", "--rules-dir", str(rules), "--select", "no-cond-resched", "--format", "json",
                "--no-cache", cwd=where)
    assert [f["rule"] for f in r.json()["findings"]] == ["no-cond-resched"]


def test_rule_command_prints_docs():
    r = errpath("rule", "zero-step-loop")
    assert r.code == 0
    for section in ("What it finds", "Why it matters", "Example", "Use instead", "Known false positives", "References"):
        assert section in r.out
    assert errpath("rule", "nope").code == 2


def test_output_file_is_written_atomically(story, tmp_path):
    where, _ = story
    out = tmp_path / "out.json"
    r = errpath("audit", "v1.0..v1.1", "--format", "json", "-o", str(out), "--no-cache", cwd=where)
    assert r.code == 1 and r.out == ""
    assert out.read_text().startswith("{") and not list(tmp_path.glob(".out.json.*"))


def test_a_renamed_function_keeps_its_finding_neither_introduced_nor_fixed(tmp_path):
    """Upstream renamed btrfs' lock_and_cleanup_extent_if_need() between 6.12.107
    and 6.12.117 and the audit said 'introduced by Linux 6.12.117' and 'fixed' for
    the same old finding: a rename (lines moving with it) is neither."""
    bad = textwrap.dedent("""\
        static unsigned int room(struct q *q) { return round_down(q->cap, q->blk) >> 9; }
        void drain(struct q *q, unsigned long n)
        {
        \twhile (n) {
        \t\tunsigned long step = min(n, room(q));
        \t\tpop(q, step);
        \t\tn -= step;
        \t}
        }
        """)
    renamed = "/* moved down */\n\n" + bad.replace("void drain(", "void drain_queue(")
    h = History(tmp_path)
    a = h.commit("lib: add drain", {"lib/drain.c": bad})
    b = h.commit("lib: rename drain", {"lib/drain.c": renamed})
    doc = errpath("audit", f"{a}..{b}", "--format", "json", "--no-cache", cwd=h.path).json()
    assert doc["findings"] == [] and doc["fixed"] == []
    assert doc["stats"]["renamed"] == 1
    # a rename that also changes what the finding says is still reported
    other = renamed.replace("n -= step", "n -= step;\n\t\tn -= step")
    c = h.commit("lib: rename and step twice", {"lib/drain.c": other.replace("unsigned long n)", "unsigned long m)").replace("while (n)", "while (m)").replace("min(n,", "min(m,").replace("n -= step", "m -= step")})
    doc = errpath("audit", f"{a}..{c}", "--format", "json", "--no-cache", cwd=h.path).json()
    assert len(doc["findings"]) == 1 and len(doc["fixed"]) == 1


def test_each_tree_is_normalised_with_its_own_iterator_macros(tmp_path):
    """The same blob in two trees whose .clang-format lists other ForEachMacros is
    analysed once per tree: BASE cannot parse the loop, HEAD can, so the audit
    says HEAD's finding is new (it used to reuse whichever tree came first)."""
    from histories import History
    from inproc import run
    h = History(tmp_path / "repo")
    h.commit("base", {"fs/a.c": """static unsigned int room(struct q *q) { return q->cap >> 9; }
void drain(struct q *q, unsigned long n)
{
	struct item *it;
	walk_items(it, &q->items)
		while (n) {
			unsigned long step = min(n, room(q));
			n -= step;
		}
}
"""})
    h.tag("v1", "HEAD")
    h.commit("clang-format: walk_items is an iterator",
             {".clang-format": "BasedOnStyle: LLVM\nForEachMacros:\n  - 'walk_items'\n"})
    args = ("--repo", str(h.path), "--format", "json", "--no-cache", "-q", "-j", "1", "--min-confidence", "low")
    base = run("scan", "--rev", "v1", *args).json()
    assert base["findings"] == [] and [u["name"] for u in base["unparsed"]] == ["drain"]
    doc = run("audit", "v1..HEAD", *args).json()
    assert [(f["function"], f["introduced_by"]["subject"]) for f in doc["findings"]] == [
        ("drain", "clang-format: walk_items is an iterator")]
