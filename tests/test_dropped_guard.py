"""A commit that deletes a test of a finding's variable made the finding likely: the audit
says so in the evidence and raises the finding one confidence level, so a range review shows
it even where the same shape elsewhere stays below the default."""
from __future__ import annotations

from clirun import errpath
from histories import History

WALK = """\
struct rec { __le16 len; char data[]; };

int count_records(const void *buf, size_t size)
{
	const void *p = buf, *end = buf + size;
	int n = 0;

	while (p < end) {
		const struct rec *r = p;
		unsigned int len = le16_to_cpu(r->len);

%s		n++;
		p += len;
	}
	return n;
}
"""
GUARD = "\t\tif (len < sizeof(*r))\n\t\t\treturn -EUCLEAN;\n"
OTHER = "\t\tif (n > 1000)\n\t\t\treturn -E2BIG;\n"


def audit(h, a, b, *extra):
    r = errpath("audit", f"{a}..{b}", "--format", "json", "--no-cache", *extra, cwd=h.path)
    assert r.code in (0, 1), r.err
    return r.json()["findings"]


def test_dropping_the_length_check_raises_the_record_walk_to_default(tmp_path):
    h = History(tmp_path)
    a = h.commit("fs: count records", {"fs/x/rec.c": WALK % GUARD})
    b = h.commit("fs: drop redundant length check", {"fs/x/rec.c": WALK % ""})
    [f] = audit(h, a, b)
    assert (f["rule"], f["function"], f["confidence"]) == ("zero-step-loop", "count_records", "medium")
    assert f["introduced_by"]["sha"] == b
    note = [e for e in f["evidence"] if "removed this test" in e["note"]]
    assert note and note[0]["note"] == f"{b[:12]} removed this test of the same variable: if (len < sizeof(*r))"
    assert note[0]["line"] == 12          # where the test stood in the parent


def test_a_loop_that_never_had_the_check_stays_low(tmp_path):
    """Near miss: the same walk added without a guard has no dropped test to show."""
    h = History(tmp_path)
    a = h.commit("fs: empty", {"fs/x/other.c": "int nothing;\n"})
    b = h.commit("fs: count records", {"fs/x/rec.c": WALK % ""})
    assert audit(h, a, b) == []
    [f] = audit(h, a, b, "--min-confidence", "low")
    assert f["confidence"] == "low" and not any("removed this test" in e["note"] for e in f["evidence"])


def test_dropping_a_test_of_another_variable_is_no_evidence(tmp_path):
    """Near miss: the commit removed a test, but of the counter, not of the step."""
    h = History(tmp_path)
    a = h.commit("fs: count records", {"fs/x/rec.c": WALK % OTHER})
    b = h.commit("fs: no cap on records", {"fs/x/rec.c": WALK % ""})
    assert audit(h, a, b) == []


def test_a_check_moved_elsewhere_in_the_file_is_not_dropped(tmp_path):
    """Near miss: the same test deleted in one place and added back in another is a move."""
    h = History(tmp_path)
    moved = (WALK % "") + "\nint check(const struct rec *r, unsigned int len)\n{\n" + GUARD.replace("\t\t", "\t", 1) + "\treturn 0;\n}\n"
    a = h.commit("fs: count records", {"fs/x/rec.c": WALK % GUARD})
    b = h.commit("fs: move the check", {"fs/x/rec.c": moved})
    assert audit(h, a, b) == []


DRAIN = """\
void drain(struct q *q, unsigned long n)
{
	while (n) {
		unsigned long step = round_down(min(n, q->cap), %s);

		pop(q, step);
		n -= step;
	}
}
"""


def test_a_commit_that_raises_a_low_finding_into_view_is_blamed_for_it(tmp_path):
    """The loop was reported at low (a build-time multiple: 0 only for a tiny count); a
    commit makes the multiple a runtime value: the finding is introduced by that commit
    for anyone reading the default output, and says what it was before."""
    h = History(tmp_path)
    a = h.commit("lib: add drain", {"lib/drain.c": DRAIN % "8"})
    b = h.commit("lib: other", {"lib/other.c": "int x;\n"})
    c = h.commit("lib: round to the queue's block", {"lib/drain.c": DRAIN % "q->blk"})
    low = audit(h, a, c, "--min-confidence", "low")
    assert low == []          # at low it was there all along: nothing new
    [f] = audit(h, a, c)
    assert f["confidence"] == "medium" and f["introduced_by"]["sha"] == c
    assert any(e["note"] == "reported at low confidence before this range; now medium" for e in f["evidence"])
