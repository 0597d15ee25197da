"""Text output: a finding the range fixed is not printed as `warning:` or
`error:` (grep, `make`-style counters and editors' quickfix count those as
live), but as a `note: fixed:` line (issue 23, item 8)."""
from __future__ import annotations

import re

from clirun import errpath
from histories import History
from inproc import BAD_NAME_RULE, fn, rules_dir


def test_fixed_findings_are_notes_not_warnings(tmp_path):
    h = History(tmp_path)
    h.commit("base", {"fs/a.c": fn("bad_old")})
    h.tag("v1", "HEAD")
    h.commit("fix old, add new", {"fs/a.c": fn("good_old") + fn("bad_new")})
    r = errpath("audit", "v1..HEAD", "--repo", str(h.path), "--no-cache", "-q",
                "--rules-dir", str(rules_dir(tmp_path, BAD_NAME_RULE)), "--select", "bad-name", cwd=tmp_path)
    assert r.code == 1, r.err
    live = [ln for ln in r.out.splitlines() if re.match(r"^\S+:\d+:\d+: (warning|error):", ln)]
    assert live == ["fs/a.c:5:1: warning: function bad_new is bad [bad-name]"]
    assert "fs/a.c:1:1: note: fixed: function bad_old is bad (was warning) [bad-name]" in r.out.splitlines()


def test_the_demo_agrees_with_the_command_it_prints(tmp_path):
    """Issue 23, item 9: `errpath demo` prints `$ errpath audit v1.0..v1.1`; run in the
    demo's repository, that command gives the very findings the demo printed."""
    where = tmp_path / "demo"
    demo = errpath("demo", "--keep", str(where), "-o", str(tmp_path / "html"), cwd=tmp_path)
    assert demo.code == 0, demo.err
    assert "errpath demo: $ errpath audit v1.0..v1.1" in demo.err
    again = errpath("audit", "v1.0..v1.1", "--no-cache", cwd=where)
    assert again.code == 1 and again.out == demo.out and demo.out
