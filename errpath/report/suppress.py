"""Suppressions in the source, as kernel tools and linters allow.

    /* errpath: ignore zero-step-loop -- rec_len is checked by the caller */
    while (p < end) {

    p += rec_len;   /* errpath: ignore zero-step-loop */

    /*
     * errpath: ignore nowait-enomem, nowait-blocks -- only reached without NOWAIT
     */

A comment naming a rule silences that rule's finding on the comment's own line,
or on the line right below the comment it is part of (a comment block directly
above the line). Several rule ids are separated by commas or spaces; the text
after `--` is the reason, kept in the report. The comment is read from the tree
the finding's line numbers refer to (HEAD; BASE for a fixed finding), straight
from the object database like every other file.

How many findings were silenced is in `stats.suppressions`; with
`--report-unused-suppressions` every suppression comment in the analysed files
that silenced nothing (or names an unknown rule) is listed there and on stderr.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from ..model import Finding

MARK = re.compile(r"errpath:[ \t]*ignore\b(.*)")
_RULE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Suppression:
    path: str
    line: int                    # where the comment says it
    rules: tuple[str, ...]
    reason: str

    def to_json(self) -> dict:
        return {"path": self.path, "line": self.line, "rules": list(self.rules), "reason": self.reason}


def parse(text: str) -> tuple[tuple[str, ...], str] | None:
    """(rule ids, reason) of the `errpath: ignore` comment on this line, or None."""
    m = MARK.search(text)
    if m is None:
        return None
    rest = m.group(1)
    end = rest.find("*/")
    if end >= 0:
        rest = rest[:end]
    ids_part, sep, reason = rest.partition("--")
    ids = tuple(x for x in re.split(r"[\s,]+", ids_part.strip()) if x)
    ids = tuple(x for x in ids if _RULE_ID.match(x))
    return ids, " ".join(reason.split()) if sep else ""


_COMMENT_LINE = re.compile(r"^(/\*|//|\*(\s|/|$))")


def _comment_only(line: str) -> bool:
    """A line that is all comment: `/* ...`, `// ...`, or a block comment's
    ` * ...` / ` */` (not a statement such as `*p = 0;`)."""
    return bool(_COMMENT_LINE.match(line.strip()))


def covering(lines: list[str], lineno: int) -> list[int]:
    """Line numbers whose comment may silence a finding at `lineno`: the line
    itself and the comment block directly above it."""
    out = []
    if 1 <= lineno <= len(lines):
        out.append(lineno)
    i = lineno - 1
    while i >= 1 and i <= len(lines) and _comment_only(lines[i - 1]):
        out.append(i)
        i -= 1
    return out


class Suppressor:
    """Decides which findings a comment silences; remembers which comments were used.

    text(sha, path) -> the file's text at that commit, or None."""

    def __init__(self, text: Callable[[str, str], str | None]):
        self._text = text
        self._lines: dict[tuple[str, str], list[str] | None] = {}
        self.used: set[tuple[str, int]] = set()
        self.silenced: dict[str, int] = {}

    def lines(self, sha: str, path: str) -> list[str] | None:
        key = (sha, path)
        if key not in self._lines:
            t = self._text(sha, path)
            self._lines[key] = t.split("\n") if t is not None else None
        return self._lines[key]

    def match(self, sha: str, f: Finding) -> tuple[int, tuple[str, ...], str] | None:
        lines = self.lines(sha, f.path)
        if not lines:
            return None
        for ln in covering(lines, f.line):
            got = parse(lines[ln - 1]) if "errpath:" in lines[ln - 1] else None
            if got and f.rule in got[0]:
                return ln, got[0], got[1]
        return None

    def filter(self, sha: str | None, findings: Iterable[Finding], *, record: bool = True) -> list[Finding]:
        """The findings no comment silences (sha: the commit their lines refer to)."""
        kept = []
        for f in findings:
            hit = self.match(sha, f) if sha else None
            if hit is None:
                kept.append(f)
                continue
            self.used.add((f.path, hit[0]))
            if record:
                self.silenced[f.rule] = self.silenced.get(f.rule, 0) + 1
        return kept

    def mark_used(self, sha: str, findings: Iterable[Finding]) -> None:
        """Note the comments these findings would meet (not counted as silenced)."""
        for f in findings:
            hit = self.match(sha, f)
            if hit is not None:
                self.used.add((f.path, hit[0]))


def scan_comments(files: Iterable[tuple[str, bytes]]) -> list[Suppression]:
    """Every `errpath: ignore` comment in these (path, content) files."""
    out = []
    for path, data in files:
        if b"errpath:" not in data:
            continue
        text = data.decode("utf-8", "surrogateescape")
        for i, line in enumerate(text.split("\n"), 1):
            if "errpath:" not in line:
                continue
            got = parse(line)
            if got is not None:
                out.append(Suppression(path, i, got[0], got[1]))
    return out


def unused(comments: list[Suppression], used: set[tuple[str, int]], known: set[str],
           ran: set[str]) -> list[dict]:
    """Comments that silenced nothing, or name a rule errpath does not know. A
    comment naming only rules that did not run this time is not judged."""
    out = []
    for c in comments:
        bad = [r for r in c.rules if r not in known]
        if (c.path, c.line) in used and not bad:
            continue
        if not bad and not (set(c.rules) & ran) and c.rules:
            continue
        d = c.to_json()
        d["why"] = (f"unknown rule {', '.join(bad)}" if bad else
                    "no rule id" if not c.rules else "silences no finding")
        out.append(d)
    return out


__all__ = ["Suppression", "Suppressor", "parse", "covering", "scan_comments", "unused"]
