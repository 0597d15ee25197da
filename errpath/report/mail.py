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

import os
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


def excerpt_lines(src: Sources, sha: str | None, path: str, line: int, at: str | None = None) -> list[str]:
    """`vim +LINE path` (and the commit the lines are from, or `at`), then the
    lines around LINE, the finding's marked with '>'."""
    lines = src.lines(sha, path) if sha else None
    if lines is None or not 1 <= line <= file_line_count(lines):
        return []
    first, last = excerpt_window(file_line_count(lines), line, EXCERPT_CONTEXT)
    width = max(4, len(str(last)))
    out = [*_wrap(f"vim +{line} {one_line(path)}   # {at or 'at ' + sha[:12]}"), ""]
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
    at = "with the series applied" if result.head.patch is not None else None
    ex = excerpt_lines(src, excerpt_sha(result, f), f.path, f.line, at)
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


PLACEHOLDER_FROM = "YOUR NAME <you@example.org>"
PLACEHOLDER_CLOSES = "https://lore.kernel.org/r/MESSAGE-ID-OF-THIS-REPORT/"


def _tags(options: dict, fields: dict) -> list[str]:
    """The kernel test robot's tags block, with the user's Reported-by/Closes
    ([mail] in .errpath.toml; placeholders until configured)."""
    reported = options.get("reported_by") or options.get("from") or PLACEHOLDER_FROM
    closes = options.get("closes") or PLACEHOLDER_CLOSES
    for k, v in fields.items():
        closes = closes.replace("{" + k + "}", v)
    return ["If you fix the issue in a separate patch/commit (i.e. not just a new version of",
            "the same patch/commit), kindly add following tags",
            _Unwrapped(f"| Reported-by: {one_line(reported)}"),
            _Unwrapped(f"| Closes: {one_line(closes)}")]


def render_mail(result: RunResult, *, sources=None, options: dict | None = None) -> str:
    src = sources if isinstance(sources, Sources) else Sources(sources)
    options = dict(options or {})
    if result.head.patch is not None:
        return _render_replies(result, src, options)
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
            *_tags(options, {"sha": c.sha, "sha12": c.sha12}),
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


def _msgid_domain(addr: str) -> str:
    import re
    m = re.search(r"@([A-Za-z0-9.-]+)", addr or "")
    return m.group(1) if m else "localhost"


def _render_replies(result: RunResult, src: Sources, options: dict) -> str:
    """A series: one reply per patch with findings (an mbox), threaded under the
    patch's Message-Id, in the test robot's shape, without a Fixes: tag (the
    patch is in no tree: a new version of it fixes the finding)."""
    import hashlib
    sender = options.get("from") or PLACEHOLDER_FROM
    onto = result.base.sha12 if result.base else "?"
    messages: list[list[str]] = []
    groups = group_by_commit(result, result.findings, "introduced_by")
    for g in groups:
        p = g.commit.patch
        if p is None:       # not a patch of the series (cannot happen today): as in a range
            continue
        digest = hashlib.sha256("\0".join([p.message_id or p.file, *(f.fingerprint for f in g.findings)])
                                .encode("utf-8", "surrogateescape")).hexdigest()[:16]
        own_id = f"errpath-{digest}@{_msgid_domain(sender)}"
        msg = [
            "From errpath Mon Sep 17 00:00:00 2001",
            _Unwrapped(f"From: {one_line(sender)}"),
            _Unwrapped(f"To: {one_line(p.author)}"),
            _Unwrapped(f"Subject: Re: {one_line(p.label)} {one_line(p.subject)}"),
            _Unwrapped(f"Message-Id: <{own_id}>"),
        ]
        if p.message_id:
            mid = one_line(p.message_id)
            mid = mid if mid.startswith("<") else f"<{mid}>"
            msg += [_Unwrapped(f"In-Reply-To: {mid}"), _Unwrapped(f"References: {mid}")]
        name = one_line(p.author.split("<")[0].strip() or p.author)
        before = p.index - 1
        msg += [
            "",
            f"Hi {name},",
            "",
            *textwrap.wrap(f"errpath (static analysis of Linux-kernel error paths) found new warnings "
                           f"in this patch ({one_line(os.path.basename(p.file))}), applied onto {onto}"
                           + (f" after the {before} patch(es) before it" if before else "") + ".",
                           width=72, break_long_words=True, break_on_hyphens=False),
            "",
            *_tags(options, {"message_id": own_id, "patch_message_id": (p.message_id or "").strip("<>")}),
            "",
        ]
        msg += _findings_section(src, result, "New errpath warnings:", g.findings)
        messages.append(msg)

    rest: list[str] = []
    loose = unattributed(result.findings)
    if loose:
        rest += _findings_section(src, result, "errpath warnings with the series applied, not attributed "
                                  "to one patch:", loose)
    fixed = sorted(result.fixed, key=Finding.sort_key)
    if fixed:
        if rest:
            rest.append("")
        rest.append("Old errpath warnings this series fixes:")
        for f in fixed:
            rest += _wrap(warning_line(f))
            if f.fixed_by:
                rest += _wrap(f"    fixed by {_patch_or_commit(f.fixed_by)}", indent="        ")
    if not messages and not rest:
        rest = [f"No new errpath warnings in the series ({len(result.commits)} patch(es) onto {onto})."]
    if rest:
        messages.append(rest if not messages else ["", RULE, "", *rest])
    lines: list[str] = []
    for i, msg in enumerate(messages):
        if i and msg[0].startswith("From errpath "):
            lines.append("")
        lines += msg
    lines = [ln if isinstance(ln, _Unwrapped) or display_width(ln) <= WIDTH else truncate(ln, WIDTH)
             for ln in lines]
    return "\n".join(lines) + "\n"


def _patch_or_commit(ref: CommitRef) -> str:
    if ref.patch is not None:
        return f"{one_line(ref.patch.label)} {one_line(ref.patch.subject)}"
    return _commit_ref(ref)
