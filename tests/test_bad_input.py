"""Every bad input gets one clear stderr line and exit 2, never a traceback
(issues 2 and 7). Inputs errpath can analyse badly (binary, huge, broken C)
are analysed as far as possible and listed as not analysed. A bare mirror is
not bad input: errpath reads only the object database, so it just works."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from clirun import errpath as subprocess_errpath
from histories import History
from inproc import BAD_NAME_RULE, BOOM_RULE, fn, one_error_line, rules_dir, run

WALK = """struct rec { unsigned short rec_len; };
int walk(char *p, char *end)
{
\twhile (p < end) {
\t\tstruct rec *de = (struct rec *)p;
\t\tunsigned int rec_len = le16_to_cpu(de->rec_len);
\t\tp += rec_len;
\t}
\treturn 0;
}
"""


@pytest.fixture(scope="module")
def hist(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    h = History(tmp)
    h.commit("base", {"README": "x\n", "fs/ok.c": fn("good")})
    h.tag("v1", "HEAD")
    h.commit("mid", {"fs/a.c": fn("bad_a")})
    h.tag("v2", "HEAD")
    h.commit("top", {"mm/b.c": fn("bad_b") + WALK})
    return h, rules_dir(tmp, BAD_NAME_RULE)


def audit(h, *args):
    return run("audit", *args, "--repo", str(h.path), "--no-cache")


# -- exit 2, one line ------------------------------------------------------------

def test_not_a_git_repository(tmp_path):
    (tmp_path / "plain").mkdir()
    r = subprocess_errpath("audit", "v1..v2", "--repo", str(tmp_path / "plain"), "--no-cache", cwd=tmp_path)
    assert r.code == 2 and "not a git repository" in one_error_line(r) and r.out == ""


@pytest.mark.parametrize("spec, words", [
    ("v1..nope", "unknown revision: nope"),
    ("nope..v2", "unknown revision: nope"),
    ("v1..v2~9", "v2~9"),
    ("..", "invalid revision range"),
    ("v2..v1", "empty range v2..v1"),
    ("v2..v2", "empty range"),
])
def test_bad_ranges(hist, spec, words):
    h, _ = hist
    r = audit(h, spec)
    assert r.code == 2 and words in one_error_line(r) and r.out == ""


@pytest.mark.parametrize("path", ["../outside", "/etc", "fs/../../x"])
def test_pathspec_outside_the_tree(hist, path):
    h, _ = hist
    r = audit(h, "v1..HEAD", path)
    assert r.code == 2 and "invalid pathspec" in one_error_line(r)


def test_path_matching_nothing_is_an_error_unless_allow_empty(hist):
    h, _ = hist
    r = audit(h, "v1..HEAD", "drivers/nothing/", "-q")   # a typo in CI must not pass (issue 23)
    assert r.code == 2 and r.out == ""
    assert one_error_line(r).startswith("errpath: error: path 'drivers/nothing/' matches nothing in v1..HEAD")
    r = audit(h, "v1..HEAD", "drivers/nothing/", "-q", "--allow-empty")
    assert r.code == 0
    assert one_error_line(r) == "errpath: warning: path 'drivers/nothing/' matches nothing in v1..HEAD"


def test_shallow_clone_without_the_base(hist, tmp_path):
    h, _ = hist
    shallow = h.shallow_copy(tmp_path / "shallow.git", [h.sha("v2")])
    r = run("audit", f"{h.sha('v1')}..HEAD", "--repo", str(shallow), "--no-cache")
    assert r.code == 2 and "shallow clone" in one_error_line(r)
    ok = run("audit", "v2..HEAD", "--repo", str(shallow), "--no-cache", "--format", "json",
             "--min-confidence", "low")
    assert ok.code == 1 and json.loads(ok.out)["findings"]   # what it has, it audits


def test_unreadable_or_unusable_cache_dir(hist, tmp_path):
    h, _ = hist
    afile = tmp_path / "afile"
    afile.write_text("x")
    for cache in (afile, afile / "sub"):
        r = run("audit", "v1..HEAD", "--repo", str(h.path), "--cache-dir", str(cache))
        assert r.code == 2 and "cannot use cache dir" in one_error_line(r)
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "cache.sqlite3").write_bytes(b"this is not sqlite" * 100)
    r = run("audit", "v1..HEAD", "--repo", str(h.path), "--cache-dir", str(garbage))
    assert r.code == 2 and "cannot use cache dir" in one_error_line(r)
    locked = tmp_path / "locked"
    locked.mkdir()
    with _unwritable(locked):
        r = run("audit", "v1..HEAD", "--repo", str(h.path), "--cache-dir", str(locked))
    assert r.code == 2 and "cannot use cache dir" in one_error_line(r)


def test_unwritable_output_dir(hist, tmp_path):
    h, _ = hist
    locked = tmp_path / "locked"
    locked.mkdir()
    with _unwritable(locked):
        for out in (locked / "r.json", locked / "sub" / "r.json"):
            r = audit(h, "v1..HEAD", "--format", "json", "-o", str(out))
            line = one_error_line(r)
            assert r.code == 2 and line.startswith(f"errpath: error: cannot write report {out}")
            assert r.out == ""
    assert list(locked.iterdir()) == []
    afile = tmp_path / "afile"
    afile.write_text("x")
    r = audit(h, "v1..HEAD", "--format", "json", "-o", str(afile / "r.json"))
    assert r.code == 2 and "cannot write report" in one_error_line(r)


def test_a_full_standard_output_is_a_one_line_error(hist):
    h, _ = hist
    with open("/dev/full", "w") as full:
        p = subprocess.run([sys.executable, "-m", "errpath", "audit", "v1..HEAD", "--repo", str(h.path),
                            "--format", "json", "--no-cache"], stdout=full, stderr=subprocess.PIPE, text=True,
                           stdin=subprocess.DEVNULL, timeout=120)
    lines = p.stderr.splitlines()
    assert p.returncode == 2 and len(lines) == 1, p.stderr
    assert lines[0] == "errpath: error: cannot write report to standard output: No space left on device"


def test_corrupt_config(hist, tmp_path):
    h, _ = hist
    cfg = tmp_path / "c.toml"
    cfg.write_text("[rules]\nselect = [\n")
    r = audit(h, "v1..HEAD", "--config", str(cfg))
    assert r.code == 2 and "invalid TOML" in one_error_line(r)


@pytest.mark.parametrize("args, words", [
    (["--jobs", "0"], "--jobs"),
    (["--format", "pdf"], "--format"),
    (["--no-such-option"], "No such option"),
    (["--rules-dir", "/nonexistent/rules"], "not a directory"),
    (["--select", "no-such-rule"], "unknown rule: no-such-rule"),
])
def test_usage_errors(hist, args, words):
    h, _ = hist
    r = audit(h, "v1..HEAD", *args)
    assert r.code == 2 and words in one_error_line(r)


def test_broken_user_rule_file(hist, tmp_path):
    h, _ = hist
    d = tmp_path / "rules"
    d.mkdir()
    (d / "broken.py").write_text("def oops(:\n")
    r = audit(h, "v1..HEAD", "--rules-dir", str(d))
    assert r.code == 2 and "failed to load" in one_error_line(r)


def test_user_rule_with_an_unknown_differential_kind(hist, tmp_path):
    h, _ = hist
    d = tmp_path / "rules"
    d.mkdir()
    (d / "typo.py").write_text("from errpath.rules import Rule\n"
                               "class Typo(Rule):\n"
                               "    id = 'typo'\n"
                               "    differential = 'calees'\n"
                               "RULE = Typo()\n")
    r = audit(h, "v1..HEAD", "--rules-dir", str(d))
    assert r.code == 2 and "differential must be one of" in one_error_line(r) and "'calees'" in one_error_line(r)


# -- inputs that are analysed as far as possible ------------------------------------

@pytest.fixture(scope="module")
def awful(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("awful")
    h = History(tmp)
    h.commit("base", {"README": "x\n"})
    h.tag("v1", "HEAD")
    h.commit("awful files", {
        "a/binary.c": bytes(range(256)) * 64 + b"\0\0int bad_bin(int x) { return 0; }\n",
        "a/latin1.c": "/* auteur: Fran\xe7ois \xff\xfe */\n".encode("latin-1") + fn("bad_latin1").encode()
                      + b"char *s = \"\xe9t\xe9\";\n",
        "a/huge.c": b"int bad_huge(int x) { return x" + b" + x" * (5 * 1024 * 1024 // 4) + b"; }",
        "a/unbalanced.c": fn("bad_before") + "int broken(int x)\n{\n\tif (x) {\n\t\tx++;\n" + fn("bad_after")
                          + "}}}}}}}\n{{{{\n",
        "a/braces.c": "{" * 50000 + "}" * 49000,
        "a/nul.h": b"\0" * 1000,
        "a/empty.c": b"",
    })
    return h, rules_dir(tmp, BAD_NAME_RULE)


def test_binary_non_utf8_huge_and_broken_files(awful):
    h, rd = awful
    t0 = time.monotonic()
    r = run("audit", "v1..HEAD", "--repo", str(h.path), "--no-cache", "--rules-dir", str(rd),
            "--select", "bad-name", "--format", "json")
    assert time.monotonic() - t0 < 30
    assert r.code == 1 and "Traceback" not in r.err, r.err
    doc = json.loads(r.out)
    found = {f["function"] for f in doc["findings"]}
    assert {"bad_latin1", "bad_before"} <= found           # what can be read, is
    assert "bad_bin" not in found and "bad_huge" not in found
    why = {(u["path"], u["reason"]) for u in doc["unparsed"]}
    assert ("a/binary.c", "binary file") in why and ("a/huge.c", "file too large") in why
    assert any(p == "a/unbalanced.c" for p, _ in why)       # listed, never skipped silently
    assert doc["stats"]["files"] == 7


# -- a bare mirror works --------------------------------------------------------------

def test_bare_mirror_is_audited_like_a_checkout(hist, tmp_path):
    h, rd = hist
    bare = tmp_path / "mirror.git"
    shutil.copytree(h.repo.path, bare)                 # a bare copy of the object db and refs
    with open(bare / "config", "a") as c:
        c.write("[core]\n\tbare = true\n")
    a = run("audit", "v1..HEAD", "--repo", str(h.path), "--no-cache", "--rules-dir", str(rd),
            "--format", "json", "--min-confidence", "low", "--reproducible")
    b = subprocess_errpath("audit", "v1..HEAD", "--repo", str(bare), "--no-cache", "--rules-dir", str(rd),
                           "--format", "json", "--min-confidence", "low", "--reproducible", cwd=tmp_path)
    assert a.code == b.code == 1, b.err
    assert a.out == b.out and json.loads(b.out)["findings"]
    c = subprocess_errpath("scan", "--repo", str(bare), "--no-cache", "--rules-dir", str(rd),
                           "--select", "bad-name", cwd=bare)     # run from inside the bare dir
    assert c.code == 1 and "bad_b" in c.out


# -- a rule that raises is contained ---------------------------------------------------

def test_rule_that_raises_is_an_internal_error_for_that_function(tmp_path):
    h = History(tmp_path)
    h.commit("base", {"README": "x\n"})
    h.tag("v1", "HEAD")
    h.commit("add", {"fs/a.c": fn("boom_one") + fn("bad_one"), "fs/b.c": fn("bad_two")})
    rd = rules_dir(tmp_path, BAD_NAME_RULE, BOOM_RULE)
    out = tmp_path / "r.json"
    r = run("audit", "v1..HEAD", "--repo", str(h.path), "--no-cache", "--rules-dir", str(rd),
            "--select", "bad-name,boom", "--format", "json", "-o", str(out))
    assert r.code == 3                                   # the audit is incomplete: internal error
    doc = json.loads(out.read_text())                    # ... but the report is written, complete
    assert {f["function"] for f in doc["findings"]} == {"bad_one", "bad_two"}
    errors = doc["stats"]["rule_errors"]
    assert errors and {(e["rule"], e["path"], e["function"]) for e in errors} == {("boom", "fs/a.c", "boom_one")}
    assert "RuntimeError: rule bug on boom_one" in errors[0]["error"]
    assert "internal error: rule boom in fs/a.c:boom_one(): RuntimeError: rule bug on boom_one" in r.err
    assert "Traceback" not in r.err
    clean = run("audit", "v1..HEAD", "--repo", str(h.path), "--no-cache", "--rules-dir", str(rd),
                "--select", "bad-name", "-q")
    assert clean.code == 1                               # without the broken rule: findings → 1


# -- helpers ----------------------------------------------------------------------------

class _unwritable:
    """Make a folder unwritable even for root (chattr +i), else chmod 0."""

    def __init__(self, path):
        self.path = path
        self.how = None

    def __enter__(self):
        if os.geteuid() == 0:
            p = subprocess.run(["chattr", "+i", str(self.path)], capture_output=True)
            if p.returncode != 0:
                pytest.skip("running as root without chattr: cannot make a folder unwritable")
            self.how = "chattr"
        else:
            self.path.chmod(0)
            self.how = "chmod"
        return self

    def __exit__(self, *exc):
        if self.how == "chattr":
            subprocess.run(["chattr", "-i", str(self.path)], check=True)
        else:
            self.path.chmod(0o755)



def test_a_usage_error_points_at_the_help_that_exists():
    unknown = subprocess_errpath("bogus")
    assert unknown.code == 2 and one_error_line(unknown) == \
        "errpath: error: No such command 'bogus'. (try 'errpath --help')"
    bad_option = subprocess_errpath("audit", "--bogus")
    assert bad_option.code == 2 and one_error_line(bad_option).endswith("(try 'errpath audit --help')")
