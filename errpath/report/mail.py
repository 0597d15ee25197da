"""Plain-text mail in the kernel test robot's style, to paste below a patch.

Per introducing commit::

    commit 0123456789abcdef0123456789abcdef01234567
    Author: A U Thor <author@example.org>
    Date:   2023-08-01T10:00:00+02:00

    Fixes: 0123456789ab ("mm: subject")

    New errpath warnings:
    mm/filemap.c:1953 filemap_get_folio() warn: message [rule]

    vim +1953 mm/filemap.c

      1948  code
    > 1953  code

Findings fixed in the range come last under "Old errpath warnings fixed in
this range:".  No line is longer than 100 columns except the `Fixes:` line,
which is never wrapped (Documentation/process/submitting-patches.rst):
prose is wrapped with textwrap, code is cut with an ellipsis.
"""
from __future__ import annotations

import textwrap

from ..model import CommitRef, Finding, RunResult
from .common import (EXCERPT_CONTEXT, Sources, display_width, excerpt_sha, excerpt_window,
                     file_line_count, group_by_commit, truncate, unattributed)
from .escape import escape_control, one_line

WIDTH = 100
RULE = "=" * 72


def _wrap(text: str, indent: str = "    ") -> list[str]:
    if display_width(text) <= WIDTH:
        return [text]
    lines = textwrap.wrap(text, width=WIDTH, subsequent_indent=indent,
                          break_long_words=True, break_on_hyphens=False)
    return [truncate(line, WIDTH) for line in lines] or [""]


def _commit_ref(ref: CommitRef) -> str:
    return f'{ref.sha12} ("{one_line(ref.subject)}")'


class _Unwrapped(str):
    """A line exempt from the width limit (only the Fixes: tag)."""


def _fixes(ref: CommitRef) -> str:
    return _Unwrapped(f'Fixes: {ref.sha12} ("{one_line(ref.subject)}")')


def warning_line(f: Finding) -> str:
    word = "error" if f.severity == "error" else "warn"
    fn = f" {one_line(f.function)}()" if f.function else ""
    msg = escape_control(f.message, single_line=True)
    return f"{one_line(f.path)}:{f.line}{fn} {word}: {msg} [{one_line(f.rule)}]"


def excerpt_lines(src: Sources, sha: str | None, path: str, line: int) -> list[str]:
    """`vim +LINE path` (and the commit the lines are from), then the lines
    around LINE, the finding's marked with '>'."""
    lines = src.lines(sha, path) if sha else None
    if lines is None or not 1 <= line <= file_line_count(lines):
        return []
    first, last = excerpt_window(file_line_count(lines), line, EXCERPT_CONTEXT)
    width = max(4, len(str(last)))
    out = [*_wrap(f"vim +{line} {one_line(path)}   # at {sha[:12]}"), ""]
    for n in range(first, last + 1):
        code = escape_control(lines[n - 1].rstrip("\r")).expandtabs(8)
        marker = "> " if n == line else "  "
        out.append(truncate(f"{marker}{n:>{width}}  {code}".rstrip(), WIDTH))
    return out


def _evidence(f: Finding) -> list[str]:
    if not f.evidence:
        return []
    out = ["errpath evidence:"]
    for i, e in enumerate(f.evidence, 1):
        fn = f" {one_line(e.function)}():" if e.function else ""
        out += _wrap(f"  {i}. {one_line(e.path)}:{e.line}{fn} "
                     f"{escape_control(e.note, single_line=True)}", indent="     ")
    return out


def _finding_block(src: Sources, result: RunResult, f: Finding) -> list[str]:
    out: list[str] = []
    ex = excerpt_lines(src, excerpt_sha(result, f), f.path, f.line)
    if ex:
        out += ["", *ex]
    ev = _evidence(f)
    if ev:
        out += ["", *ev]
    return out


def _findings_section(src: Sources, result: RunResult, title: str, findings: list[Finding]) -> list[str]:
    out = [title]
    for f in findings:
        out += _wrap(warning_line(f))
    for f in findings:
        out += _finding_block(src, result, f)
    return out


def render_mail(result: RunResult, *, sources=None) -> str:
    src = sources if isinstance(sources, Sources) else Sources(sources)
    blocks: list[list[str]] = []
    for g in group_by_commit(result, result.findings, "introduced_by"):
        c = g.commit
        block = [
            f"commit {one_line(c.sha)}",
            *_wrap(f"Author: {one_line(c.author)}"),
            *_wrap(f"Date:   {one_line(c.date)}"),
            "",
            _fixes(c),  # never wrapped, whatever its length
            "",
        ]
        block += _findings_section(src, result, "New errpath warnings:", g.findings)
        blocks.append(block)

    loose = unattributed(result.findings)
    if loose:
        blocks.append(_findings_section(
            src, result, f"errpath warnings at {result.head.sha12} not attributed to a commit:", loose))

    fixed = sorted(result.fixed, key=Finding.sort_key)
    if fixed:
        block = ["Old errpath warnings fixed in this range:"]
        for f in fixed:
            block += _wrap(warning_line(f))
            if f.fixed_by:
                block += _wrap(f"    fixed by {_commit_ref(f.fixed_by)}", indent="        ")
            if f.introduced_by:
                block += _wrap(f"    introduced by {_commit_ref(f.introduced_by)}", indent="        ")
        blocks.append(block)

    if not blocks:
        blocks.append([f"No errpath warnings in {result.base.sha12 + '..' if result.base else ''}"
                       f"{result.head.sha12}."])

    lines: list[str] = []
    for i, block in enumerate(blocks):
        if i:
            lines += ["", RULE, ""]
        lines += block
    # Last guard: whatever slipped through is cut, except the Fixes: lines.
    lines = [ln if isinstance(ln, _Unwrapped) or display_width(ln) <= WIDTH else truncate(ln, WIDTH)
             for ln in lines]
    return "\n".join(lines) + "\n"
