"""Suppressions in the source (issue 23, item 6): a comment
`/* errpath: ignore <rule-id> -- reason */` on the finding's line or in the
comment block right above it silences that finding; the report counts what was
silenced (stats.suppressions), and --report-unused-suppressions lists the
comments that silence nothing."""
from __future__ import annotations

import json

import pytest

from clirun import errpath
from histories import History

LOOP = """struct rec {{ unsigned short rec_len; }};
int {name}(char *p, char *end)
{{
\twhile (p < end) {{
\t\tstruct rec *de = (struct rec *)p;
\t\tunsigned int rec_len = le16_to_cpu(de->rec_len);
{above}\t\tp += rec_len;{trailing}
\t}}
\treturn 0;
}}
"""


def loop(name, above="", trailing=""):
    return LOOP.format(name=name, above=above, trailing=trailing)


SILENCED_ABOVE = loop("walk_above", above="\t\t/* errpath: ignore zero-step-loop -- rec_len checked by the caller */\n")
SILENCED_BLOCK = loop("walk_block", above="\t\t/*\n\t\t * errpath: ignore nowait-enomem, zero-step-loop\n"
                                           "\t\t * -- the records come from our own buffer\n\t\t */\n")
SILENCED_TRAILING = loop("walk_trailing", trailing="\t/* errpath: ignore zero-step-loop */")
OTHER_RULE = loop("walk_other", above="\t\t/* errpath: ignore nowait-enomem -- the wrong rule */\n")
NOT_RIGHT_ABOVE = loop("walk_far", above="\t\t/* errpath: ignore zero-step-loop */\n\t\t*(char *)de = 0;\n")
WALK_C = SILENCED_ABOVE + SILENCED_BLOCK + SILENCED_TRAILING + OTHER_RULE + NOT_RIGHT_ABOVE
FAR_LINE = WALK_C.split("\n").index("\t\t/* errpath: ignore zero-step-loop */") + 1   # a statement between
UNUSED = "int tidy(int x)\n{\n\t/* errpath: ignore zero-step-loop -- left over */\n\treturn x;\n}\n"
TYPO = "int typo(int x)\n{\n\t// errpath: ignore zero-step-lop -- a typo\n\treturn x;\n}\n"


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("suppress")
    h = History(tmp)
    h.commit("base", {"README": "x\n", "fs/clean.c": UNUSED})
    h.tag("v1", "HEAD")
    h.commit("walkers", {"fs/walk.c": WALK_C, "fs/typo.c": TYPO})
    return h, tmp


def ep(repo, *args):
    h, tmp = repo
    r = errpath(*args, "--repo", str(h.path), "--no-cache", "--select", "zero-step-loop",
                "--min-confidence", "low", cwd=tmp)
    assert "Traceback" not in r.err, r.err
    return r


def test_comments_silence_their_findings_and_are_counted(repo):
    r = ep(repo, "scan", "--format", "json")
    assert r.code == 1
    doc = json.loads(r.out)
    assert sorted(f["function"] for f in doc["findings"]) == ["walk_far", "walk_other"]
    assert doc["stats"]["suppressions"] == {"suppressed": 3, "rules": {"zero-step-loop": 3}}
    assert "errpath: 3 finding(s) silenced by errpath: ignore comments in the source" in r.err


def test_an_audit_drops_them_too(repo):
    r = ep(repo, "audit", "v1..HEAD")
    assert r.code == 1
    assert "walk_above" not in r.out and "walk_trailing" not in r.out and "'walk_far'" not in r.out
    assert r.out.count("[zero-step-loop]") == 2
    r = ep(repo, "audit", "v1..HEAD", "--format", "json")
    assert json.loads(r.out)["stats"]["suppressions"]["suppressed"] == 3


def test_unused_suppressions_are_listed(repo):
    for cmd in (["scan"], ["audit", "v1..HEAD"]):
        r = ep(repo, *cmd, "--format", "json", "--report-unused-suppressions", "-q")
        doc = json.loads(r.out)
        unused = doc["stats"]["suppressions"]["unused"]
        assert [(u["path"], u["line"], u["why"]) for u in unused] == [
            ("fs/clean.c", 3, "silences no finding"),
            ("fs/typo.c", 3, "unknown rule zero-step-lop"),
            ("fs/walk.c", FAR_LINE, "silences no finding"),   # not right above its line
        ], cmd
        assert unused[0]["reason"] == "left over"
        assert "fs/clean.c:3: note: unused suppression 'errpath: ignore zero-step-loop': silences no finding" \
               " -- left over [unused-suppression]" in r.err.splitlines()
        assert doc["stats"]["suppressions"]["comments"] == 7


def test_without_the_flag_nothing_is_listed(repo):
    r = ep(repo, "scan", "--format", "json")
    assert "unused" not in json.loads(r.out)["stats"]["suppressions"]
    assert "unused suppression" not in r.err


def test_a_hostile_reason_stays_escaped(repo, tmp_path):
    h, _ = repo
    h2 = History(tmp_path)
    h2.commit("evil", {"fs/e.c": "int e(int x)\n{\n\t/* errpath: ignore zero-step-loop -- \x1b[2J\u202ehi */\n"
                                 "\treturn x;\n}\n"})
    r = errpath("scan", "--repo", str(h2.path), "--no-cache", "--report-unused-suppressions", cwd=tmp_path)
    assert r.code == 0 and "\x1b" not in r.err and "\u202e" not in r.err
    assert "unused suppression" in r.err
