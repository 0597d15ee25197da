""".errpath.toml: read from the audited repo's HEAD tree (object db) or --config,
overridden by command-line flags, strict about unknown keys."""
from __future__ import annotations

import json

import pytest

from histories import History, Symlink
from inproc import BAD_NAME_RULE, fn, one_error_line, rules_dir, run

URL = "https://git.example.org/linux/commit/?id={sha}"


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """v1: nothing; HEAD: bad_* functions in fs/ and drivers/staging/, and a config."""
    tmp = tmp_path_factory.mktemp("cfg")
    h = History(tmp)
    h.commit("base", {"README": "x\n", "fs/ok.c": fn("good")})
    h.tag("v1", "HEAD")
    h.commit("fs: add things", {"fs/a.c": fn("bad_fs"), "drivers/staging/b.c": fn("bad_staging")})
    h.commit("add errpath config", {".errpath.toml": f"""
[rules]
select = ["bad-name"]
fail-on = "error"

[rules.severity]
"bad-name" = "note"

[paths]
exclude = ["drivers/staging/"]

[report]
commit-url = "{URL}"
"""})
    return h, rules_dir(tmp, BAD_NAME_RULE)


def audit(h, rd, *extra):
    return run("audit", "v1..HEAD", "--repo", str(h.path), "--no-cache", "--rules-dir", str(rd),
               "--format", "json", "-q", *extra)


def paths_of(r):
    return sorted(f["path"] for f in json.loads(r.out)["findings"])


def test_repo_config_applies(repo):
    h, rd = repo
    r = audit(h, rd)
    doc = json.loads(r.out)
    assert doc["rules"] == ["bad-name"]                       # rules.select
    assert paths_of(r) == ["fs/a.c"]                          # paths.exclude (a folder)
    assert doc["findings"][0]["severity"] == "note"           # rules.severity
    assert r.code == 0                                        # fail-on = "error": a note passes


def test_cli_flags_override_the_config(repo):
    h, rd = repo
    assert audit(h, rd, "--fail-on", "note").code == 1
    assert paths_of(audit(h, rd, "--exclude", "nothing/")) == ["drivers/staging/b.c", "fs/a.c"]
    both = audit(h, rd, "--select", "bad-name,zero-step-loop")
    assert json.loads(both.out)["rules"] == ["zero-step-loop", "bad-name"]


def test_commit_url_from_config_reaches_the_html_report(repo, tmp_path):
    h, rd = repo
    out = tmp_path / "report"
    r = run("audit", "v1..HEAD", "--repo", str(h.path), "--no-cache", "--rules-dir", str(rd),
            "--format", "html", "-o", str(out), "-q")
    assert r.code == 0, r.err
    head = h.sha("HEAD~1")   # the commit that added fs/a.c
    assert URL.format(sha=head) in (out / "index.html").read_text()


def test_no_config_and_config_file(repo, tmp_path):
    h, rd = repo
    r = audit(h, rd, "--no-config")
    assert paths_of(r) == ["drivers/staging/b.c", "fs/a.c"] and r.code == 1
    other = tmp_path / "ci.toml"
    other.write_text('[rules]\nfail-on = "none"\n')
    r = audit(h, rd, "--config", str(other))       # replaces .errpath.toml entirely
    assert paths_of(r) == ["drivers/staging/b.c", "fs/a.c"] and r.code == 0


def test_config_is_read_from_the_object_db_not_the_work_tree(tmp_path):
    h = History(tmp_path)
    h.commit("base", {"README": "x\n"})
    h.tag("v1", "HEAD")
    # the tree's .errpath.toml is a symlink pointing out of the repo: ignored
    h.commit("add", {"fs/a.c": fn("bad_a"), ".errpath.toml": Symlink("/etc/passwd")})
    # an uncommitted file at the work-tree root is not the audited tree's config
    (h.path / ".errpath.toml").write_text('[rules]\nfail-on = "none"\n')
    rd = rules_dir(tmp_path, BAD_NAME_RULE)
    r = audit(h, rd)
    assert r.code == 1 and paths_of(r) == ["fs/a.c"], r.err


@pytest.mark.parametrize("text, words", [
    ('[rules]\nselcet = ["x"]\n', ["unknown key 'rules.selcet'", "select"]),
    ('[rulez]\n', ["unknown key 'rulez'"]),
    ('[rules]\nfail-on = "sometimes"\n', ["rules.fail-on", "none"]),
    ('[rules]\nselect = "bad-name"\n', ["rules.select", "list"]),
    ('[rules.severity]\nbad-name = "fatal"\n', ["rules.severity.bad-name"]),
    ('[paths]\nexclude = [1]\n', ["paths.exclude"]),
    ('[rules]\nignore = ["no-such-rule"]\n', ["rules.ignore", "no-such-rule"]),
    ('[rules\nselect = [\n', ["invalid TOML"]),
    ('rules = 3\n', ["'rules' must be a table"]),
    ('\xff\xfe[rules]\n', ["not UTF-8"]),
])
def test_bad_config_is_one_clear_line_naming_the_key(repo, tmp_path, text, words):
    h, rd = repo
    cfg = tmp_path / "bad.toml"
    cfg.write_bytes(text.encode("latin-1"))
    r = audit(h, rd, "--config", str(cfg))
    line = one_error_line(r)
    assert r.code == 2 and r.out == ""
    assert line.startswith("errpath: error: config ") and str(cfg) in line, line
    for w in words:
        assert w in line, line


def test_corrupt_config_committed_in_the_repo(tmp_path):
    h = History(tmp_path)
    h.commit("base", {"README": "x\n", ".errpath.toml": "[paths]\nexclud = []\n"})
    r = run("scan", "--repo", str(h.path), "--no-cache")
    line = one_error_line(r)
    assert r.code == 2 and "unknown key 'paths.exclud'" in line and ".errpath.toml" in line


def test_missing_config_file(repo, tmp_path):
    h, rd = repo
    r = audit(h, rd, "--config", str(tmp_path / "nope.toml"))
    assert r.code == 2 and "cannot read config" in one_error_line(r)


LOW_RULE = '''"""Flags functions named maybe_* with low confidence (a test rule)."""
from errpath.rules import Rule


class Maybe(Rule):
    id = "maybe"
    title = "a function named maybe_*"
    severity = "warning"
    confidence = "low"

    def check(self, fn, ctx):
        if fn.name.startswith("maybe_"):
            yield self.finding(fn, fn.line, 1, "maybe", names=(fn.name,))


RULE = Maybe()
'''


def test_min_confidence_and_context_paths_from_config(tmp_path):
    h = History(tmp_path)
    h.commit("base", {"README": "x\n", "lib/one.c": fn("helper_one"), "lib/two.c": fn("helper_two")})
    h.tag("v1", "HEAD")
    h.commit("add", {"fs/a.c": fn("maybe_a"), ".errpath.toml":
                     '[rules]\nmin-confidence = "low"\n[paths]\ncontext = ["lib/"]\n'})
    rd = rules_dir(tmp_path, LOW_RULE)
    r = audit(h, rd, "fs/")
    doc = json.loads(r.out)
    assert [f["function"] for f in doc["findings"]] == ["maybe_a"]     # min-confidence = "low"
    assert doc["stats"]["context_files"] == 2                          # paths.context
    r = audit(h, rd, "fs/", "--min-confidence", "medium", "--context", "lib/one.c")
    doc = json.loads(r.out)
    assert doc["findings"] == [] and doc["stats"]["context_files"] == 1
