"""mail: kernel test robot style, 100 columns, Fixes: never wrapped."""
from __future__ import annotations

import re

from errpath.model import CommitRef
from errpath.report import render
from errpath.report.common import display_width

V = "0.1.0"


def _mail(result, sources=None) -> str:
    return render(result, "mail", sources=sources, tool_version=V, rule_docs={})


def _check_widths(out: str) -> None:
    for line in out.splitlines():
        if line.startswith("Fixes: "):
            continue
        assert display_width(line.expandtabs(8)) <= 100, line


def test_mail_structure(report_result, report_sources):
    out = _mail(report_result, report_sources)
    _check_widths(out)
    lines = out.splitlines()
    assert lines[0] == "commit " + report_result.commits[1].sha
    assert 'Fixes: 020202020202 ("mm: make __filemap_get_folio honour FGP_NOWAIT")' in lines
    assert 'Fixes: 040404040404 ("block: add bio_allowed_max_sectors()")' in lines
    # commits in range order, fixed findings last
    assert out.index("020202020202") < out.index("Fixes: 040404040404")
    assert out.rindex("New errpath warnings:") < out.index("Old errpath warnings fixed in this range:")
    assert out.index("Old errpath warnings fixed in this range:") > out.index("not attributed to a commit")
    # smatch-style warning lines
    assert "mm/filemap.c:10 __filemap_get_folio() warn: returns -ENOMEM on a NOWAIT path [nowait-enomem]" in lines
    assert any(line.startswith("block/blk-lib.c:40 __blkdev_issue_discard() error: loop step") for line in lines)
    # vim pointer and the marked line
    assert f"vim +11 fs/iomap/buffered-io.c   # at {report_result.head.sha12}" in lines
    marked = [line for line in lines if line.startswith("> ")]
    assert any(re.match(r">\s+11  \s*return PTR_ERR\(folio\);", m) for m in marked)
    assert any(re.match(r"  \s*10  \s*if \(IS_ERR\(folio\)\)", line) for line in lines)
    fixed_part = out[out.index("Old errpath warnings"):]
    assert 'fixed by 050505050505 ("iomap: fix the old zero-length loop")' in fixed_part


def test_mail_fixes_line_never_wrapped(report_result, report_sources):
    long_subject = "mm: " + " ".join(["a-very-long-subject-word"] * 8)
    assert len(long_subject) > 150
    c = report_result.commits[1]
    long = CommitRef(c.sha, long_subject, c.author, c.date)
    for f in report_result.findings:
        if f.introduced_by == c:
            f.introduced_by = long
    out = _mail(report_result, report_sources)
    _check_widths(out)
    fixes = f'Fixes: {c.sha12} ("{long_subject}")'
    assert fixes in out.splitlines()
    assert len(fixes) > 100


def test_mail_wraps_long_messages_and_truncates_code(report_result, report_sources):
    f = report_result.findings[0]
    f.message = "word " * 60
    sha = report_result.head.sha
    lines = report_sources.texts[(sha, f.path)].split("\n")
    lines[f.line - 1] = "\t\t" + "x = " + "y + " * 60 + "z;"
    report_sources.texts[(sha, f.path)] = "\n".join(lines)
    out = _mail(report_result, report_sources)
    _check_widths(out)
    marked = [line for line in out.splitlines() if line.startswith(f">   {f.line}")]
    assert marked and marked[0].endswith("…") and display_width(marked[0]) == 100
    # the wrapped message keeps every word
    block = out[out.index(f"{f.path}:{f.line} "):]
    assert block.split("[zero-step-loop]")[0].count("word") == 60


def test_mail_escapes_control_characters(report_hostile):
    result, sources, _ = report_hostile
    out = _mail(result, sources)
    _check_widths(out)
    for ch in ("\x1b", "\r", "\x07", "\x85", "\x9b", "\u202e"):
        assert ch not in out
    assert "\\x1b[2J" in out                      # from the C comment
    assert "\\x1b[31mred" in out                  # from the subject
    assert "<script>alert(1)</script>" in out     # readable, not dropped


def test_mail_without_sources_and_without_findings(report_result):
    out = _mail(report_result, None)
    assert "vim +" not in out and "New errpath warnings:" in out
    report_result.findings, report_result.fixed = [], []
    assert _mail(report_result).startswith("No errpath warnings in 010101010101..060606060606")
