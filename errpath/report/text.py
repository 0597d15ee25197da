"""gcc-style text, what kernel tools print.

    mm/filemap.c:1953:4: warning: message [nowait-enomem]
        mm/filemap.c:1940: note
        introduced by 0123456789ab ("subject")
        (a series: introduced by [PATCH 2/3] subject (0002-x.patch, <msgid>, Author <a@b>))
    fixed in range:
    fs/iomap/buffered-io.c:10:2: note: fixed: message (was warning) [rule]
        fixed by 0123456789ab ("subject")

The summary line is the CLI's (on stderr), not ours.
"""
from __future__ import annotations

from ..model import CommitRef, Finding, RunResult
from .common import sorted_findings
from .escape import escape_control, one_line


def _commit(ref: CommitRef) -> str:
    if ref.patch is not None:   # a patch of a series: its commit exists in no tree
        p = ref.patch
        where = ", ".join(one_line(x) for x in (p.file, p.message_id, p.author) if x)
        return f"{one_line(p.label)} {one_line(p.subject)} ({where})"
    return f'{ref.sha12} ("{one_line(ref.subject)}")'


def location(path: str, line: int, column: int | None = None) -> str:
    loc = f"{one_line(path)}:{line}"
    if column is not None and column > 0:
        loc += f":{column}"
    return loc


def finding_head(f: Finding, *, fixed: bool = False) -> str:
    sev = f.severity if f.severity in ("note", "warning", "error") else "warning"
    msg = escape_control(f.message, single_line=True)
    if fixed:   # not live: grep and editors' quickfix count warning:/error: lines
        return f"{location(f.path, f.line, f.column)}: note: fixed: {msg} (was {sev}) [{one_line(f.rule)}]"
    return f"{location(f.path, f.line, f.column)}: {sev}: {msg} [{one_line(f.rule)}]"


def _finding_lines(f: Finding, *, fixed: bool) -> list[str]:
    out = [finding_head(f, fixed=fixed)]
    for e in f.evidence:
        out.append(f"    {location(e.path, e.line)}: {escape_control(e.note, single_line=True)}")
    if f.introduced_by:
        out.append(f"    introduced by {_commit(f.introduced_by)}")
    if fixed and f.fixed_by:
        out.append(f"    fixed by {_commit(f.fixed_by)}")
    return out


def render_text(result: RunResult) -> str:
    lines: list[str] = []
    for f in sorted_findings(result.findings):
        lines += _finding_lines(f, fixed=False)
    if result.fixed:
        lines.append("fixed in range:")
        for f in sorted_findings(result.fixed):
            lines += _finding_lines(f, fixed=True)
    return "".join(line + "\n" for line in lines)
