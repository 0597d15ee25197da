"""errpath.report.escape: control characters become visible, nothing is dropped."""
from __future__ import annotations

import pytest

from errpath.report.escape import escape_control, has_control, one_line


@pytest.mark.parametrize("raw, shown", [
    ("plain text", "plain text"),
    ("a\x1b[31mred", "a\\x1b[31mred"),
    ("bell\x07", "bell\\x07"),
    ("nul\x00", "nul\\x00"),
    ("del\x7f", "del\\x7f"),
    ("csi\x9b c1\x85", "csi\\x9b c1\\x85"),
    ("cr\rlf", "cr\\rlf"),
    ("keep\nnewline\tand tab", "keep\nnewline\tand tab"),
    ("bidi \u202eevil\u2066", "bidi \\u202eevil\\u2066"),
    ("sep\u2028x", "sep\\u2028x"),
    ("raw byte \udcff", "raw byte \\xff"),
    ("<script>&amp;", "<script>&amp;"),           # markup is the HTML layer's job
    ("ünïcödé ✓ 漢字", "ünïcödé ✓ 漢字"),
])
def test_escape_control(raw, shown):
    assert escape_control(raw) == shown


def test_one_line_escapes_newline_and_tab():
    assert one_line("subject\nInjected: line\tx") == "subject\\nInjected: line\\tx"
    assert "\n" not in one_line("a\nb\rc")


def test_escaped_text_has_no_control_left():
    raw = "".join(chr(c) for c in range(0, 0xA0)) + "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    out = escape_control(raw)
    assert not has_control(out)
    assert all(ch in "\n\t" or 0x20 <= ord(ch) < 0x7F for ch in out)
    # every character is still accounted for: nothing dropped
    assert out.count("\\x") + out.count("\\u") + out.count("\\r") + 2 + (0x7F - 0x20) == len(raw)
