"""Helpers shared by the formatters: grouping, source access, excerpts."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from ..model import CommitRef, Finding, RunResult

if TYPE_CHECKING:
    from . import Hunk, SourceView

EXCERPT_CONTEXT = 5


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)


@dataclass
class CommitGroup:
    commit: CommitRef
    findings: list[Finding] = field(default_factory=list)


def _commit_order(result: RunResult) -> dict[str, int]:
    return {c.sha: i for i, c in enumerate(result.commits)}


def group_by_commit(result: RunResult, findings: Iterable[Finding], attr: str) -> list[CommitGroup]:
    """Findings grouped by `introduced_by` / `fixed_by`, in range order.

    Commits missing from `result.commits` come last, by date then sha, so the
    order never depends on input order.
    """
    order = _commit_order(result)
    groups: dict[str, CommitGroup] = {}
    for f in findings:
        ref: CommitRef | None = getattr(f, attr)
        if ref is None:
            continue
        groups.setdefault(ref.sha, CommitGroup(ref)).findings.append(f)
    out = sorted(groups.values(), key=lambda g: (order.get(g.commit.sha, len(order)),
                                                 g.commit.date, g.commit.sha))
    for g in out:
        g.findings.sort(key=Finding.sort_key)
    return out


def unattributed(findings: Iterable[Finding]) -> list[Finding]:
    return sorted_findings(f for f in findings if f.introduced_by is None)


class Sources:
    """Caching, exception-proof wrapper around an optional SourceView.

    A report must render even when the repository cannot give a file: any
    error becomes "no text" / "no hunks".
    """

    def __init__(self, view: "SourceView | None"):
        self.view = view
        self._text: dict[tuple[str, str], list[str] | None] = {}
        self._hunks: dict[tuple[str, str], list["Hunk"]] = {}

    def lines(self, sha: str, path: str) -> list[str] | None:
        key = (sha, path)
        if key not in self._text:
            text = None
            if self.view is not None:
                try:
                    text = self.view.text(sha, path)
                except Exception:
                    text = None
            if isinstance(text, bytes):
                text = text.decode("utf-8", "surrogateescape")
            self._text[key] = text.split("\n") if text is not None else None
        return self._text[key]

    def text(self, sha: str, path: str) -> str | None:
        lines = self.lines(sha, path)
        return "\n".join(lines) if lines is not None else None

    def hunks(self, sha: str, path: str) -> list["Hunk"]:
        key = (sha, path)
        if key not in self._hunks:
            hunks: list = []
            if self.view is not None:
                try:
                    hunks = list(self.view.hunks(sha, path) or [])
                except Exception:
                    hunks = []
            self._hunks[key] = hunks
        return self._hunks[key]

    def line(self, sha: str, path: str, lineno: int) -> str | None:
        lines = self.lines(sha, path)
        if lines is None or not 1 <= lineno <= len(lines):
            return None
        return lines[lineno - 1].rstrip("\r")


def excerpt_window(n_lines: int, line: int, context: int = EXCERPT_CONTEXT) -> tuple[int, int]:
    """1-based inclusive [first, last] around `line`, clamped to the file."""
    first = max(1, line - context)
    last = min(n_lines, line + context)
    # A trailing newline makes split() yield an empty last element: not a line.
    return first, last


def file_line_count(lines: list[str]) -> int:
    return len(lines) - 1 if lines and lines[-1] == "" else len(lines)


def excerpt_sha(result: RunResult, f: Finding, *, fixed: bool = False) -> str | None:
    """The commit whose text a finding's line numbers refer to.

    errpath.pipeline.attribution.audit reports the findings of the head snapshot (their
    lines are head's, whichever commit introduced them) and the fixed ones of
    the base snapshot.  Showing the introducing commit's text instead would
    point at the wrong lines whenever the file changed after that commit.
    """
    if fixed:
        return result.base.sha if result.base else None
    return result.head.sha


def hunks_for_finding(src: Sources, sha: str, f: Finding, *, max_hunks: int = 8) -> list[tuple[str, "Hunk"]]:
    """Hunks of commit `sha` touching the finding's evidence files and lines.

    Per file (finding file first, then evidence files in order): the hunks
    whose new-side range contains (±3 lines) a finding/evidence line of that
    file; when none does, every hunk of that file (the commit changed the file
    the evidence goes through, e.g. a callee).
    """
    files: list[str] = []
    wanted: dict[str, set[int]] = {}
    for path, line in [(f.path, f.line)] + [(e.path, e.line) for e in f.evidence]:
        if path not in wanted:
            files.append(path)
            wanted[path] = set()
        wanted[path].add(line)
    out: list[tuple[str, Hunk]] = []
    for path in files:
        hunks = src.hunks(sha, path)
        if not hunks:
            continue
        lines = wanted[path]
        touching = [h for h in hunks
                    if any(new_range(h)[0] - 3 <= ln <= new_range(h)[1] + 3 for ln in lines)]
        for h in touching or hunks:
            out.append((path, h))
    return out[:max_hunks]


def new_range(h) -> tuple[int, int]:
    """First and last new-side line of a hunk (a pure deletion: one line)."""
    return h.new_start, h.new_start + max(h.new_lines, 1) - 1


def display_width(s: str) -> int:
    """Terminal columns of `s` (tabs must already be expanded)."""
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def truncate(s: str, width: int, ellipsis: str = "…") -> str:
    """Cut `s` to at most `width` columns, ending in `ellipsis` when cut."""
    if display_width(s) <= width:
        return s
    out = []
    w = 0
    limit = width - display_width(ellipsis)
    for ch in s:
        cw = 0 if unicodedata.combining(ch) else (2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1)
        if w + cw > limit:
            break
        out.append(ch)
        w += cw
    return "".join(out) + ellipsis


def parse_coverage_text(stats: dict) -> str | None:
    """stats["parse_coverage"] as a human string (fraction, percent, or mapping)."""
    cov = stats.get("parse_coverage") if isinstance(stats, dict) else None
    if cov is None:
        return None
    if isinstance(cov, bool):
        return str(cov)
    if isinstance(cov, (int, float)):
        pct = cov * 100 if cov <= 1 else cov
        return f"{pct:.1f}%"
    if isinstance(cov, dict):
        parts = []
        for k, v in cov.items():
            if isinstance(v, float) and 0 <= v <= 1:
                parts.append(f"{k}: {v * 100:.1f}%")
            else:
                parts.append(f"{k}: {v}")
        return ", ".join(parts)
    return str(cov)
