"""Formatters over the one Finding model: text, json, html, sarif, mail.

Entry points::

    render(result, fmt, *, sources, tool_version, rule_docs, commit_url=None,
           repository_uri=None) -> str
    write_report(result, fmt, output, *, sources, tool_version, rule_docs, ...)
        -> Path | None

Every formatter reads a `RunResult` (errpath.model) and nothing else, plus two
optional helpers: a `SourceView` (file text and diff hunks at a commit, for
code excerpts) and the rules' documentation (`RuleDoc`).  The git layer
satisfies `SourceView` through `errpath.report.sources.GitSourceView`.

Layer: report, after the pipeline, below the CLI (git -> frontend -> facts ->
analysis -> rules -> pipeline -> report -> cli). Besides the formatters:
baseline.py and suppress.py (filters over a result's findings, applied just
before rendering) and series.py (a patch series' names on findings). A new
output format goes here: a render_<fmt> module and its entry in render().
May import: errpath.model, errpath.git (sources.py reads blobs) and the
standard library; nothing of the pipeline or the CLI.
"""
from __future__ import annotations

import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Protocol, runtime_checkable

from ..model import RunResult

FORMATS = ("text", "json", "html", "sarif", "mail")

#: Default file name per format when write_report() is given a folder.
DEFAULT_NAMES = {
    "text": "errpath.txt",
    "json": "errpath.json",
    "html": "index.html",
    "sarif": "errpath.sarif",
    "mail": "errpath.mail.txt",
}


@dataclass(frozen=True)
class Hunk:
    """One hunk of a commit's diff against its first parent.

    Same fields as errpath.git.Hunk; formatters only read the fields.
    """
    old_start: int
    old_lines: int
    new_start: int
    new_lines: int
    header: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (origin ' '/'+'/'-', text)

    def new_range(self) -> tuple[int, int]:
        """First and last line of the hunk on the new side (a deletion: one line)."""
        return self.new_start, self.new_start + max(self.new_lines, 1) - 1


@runtime_checkable
class SourceView(Protocol):
    """What formatters need from git: file text and diff hunks at a commit."""

    def text(self, sha: str, path: str) -> str | None:
        """Content of `path` at commit `sha` (None when absent)."""
        ...

    def hunks(self, sha: str, path: str) -> list[Hunk]:
        """Hunks of commit `sha`'s diff (against its first parent) touching `path`."""
        ...


@dataclass(frozen=True)
class RuleDoc:
    """A rule's documentation as formatters show it (rules section, SARIF rules).

    Formatters only read the attributes, so any object with the same fields
    (errpath.rules.RuleDoc) is accepted as well.
    """
    id: str
    title: str
    severity: str
    confidence: str
    doc: str = ""


def render(result: RunResult, fmt: str, *, sources: SourceView | None, tool_version: str,
           rule_docs: Mapping[str, RuleDoc], commit_url: str | None = None,
           repository_uri: str | None = None, mail_options: Mapping[str, str] | None = None) -> str:
    """Render `result` in format `fmt` (one of FORMATS) and return the text.

    `commit_url`: template with `{sha}` for links to commits (html only; only
    http/https URLs are used).  `mail_options` (mail only): `from`,
    `reported-by` and `closes` (keys with "_"), from .errpath.toml's [mail].  `repository_uri`: the audited repository's URI,
    recorded in SARIF versionControlProvenance when given.
    """
    rule_docs = dict(rule_docs or {})
    if fmt == "text":
        from .text import render_text
        return render_text(result)
    if fmt == "json":
        from .jsonfmt import render_json
        return render_json(result, tool_version)
    if fmt == "html":
        from .html import render_html
        return render_html(result, sources=sources, tool_version=tool_version,
                           rule_docs=rule_docs, commit_url=commit_url)
    if fmt == "sarif":
        from .sarif import render_sarif
        return render_sarif(result, tool_version=tool_version, rule_docs=rule_docs,
                            repository_uri=repository_uri)
    if fmt == "mail":
        from .mail import render_mail
        return render_mail(result, sources=sources, options=dict(mail_options or {}))
    raise ValueError(f"unknown report format {fmt!r} (expected one of: {', '.join(FORMATS)})")


def range_slug(result: RunResult) -> str:
    """Filesystem-safe name of the run's range: `<base12>-<head12>` (or `<head12>`)."""
    head = result.head.sha12
    raw = f"{result.base.sha12}-{head}" if result.base else head
    return re.sub(r"[^0-9A-Za-z._-]", "_", raw)


def default_output(result: RunResult, fmt: str, root: Path | str = "reports") -> Path:
    """`reports/<range>/<default name>`: where html goes when no output is given."""
    return Path(root) / range_slug(result) / DEFAULT_NAMES[fmt]


def _resolve_output(output: Path | str, fmt: str) -> Path:
    """A folder (existing, ending in a separator, or html without suffix) gets the default name."""
    s = os.fspath(output)
    path = Path(s)
    if path.is_dir() or s.endswith(("/", os.sep)) or (fmt == "html" and not path.suffix):
        return path / DEFAULT_NAMES[fmt]
    return path


def _encode(text: str, fmt: str) -> bytes:
    # Lone surrogates can only come from surrogateescape'd file names.  In JSON
    # and SARIF they sit inside string literals, where a backslash escape is
    # valid JSON and round-trips; elsewhere formatters already escaped them.
    return text.encode("utf-8", "backslashreplace")


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temp file in the same folder + os.replace.

    On any error the temp file is removed and `path` is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_report(result: RunResult, fmt: str, output: Path | str | None, *,
                 sources: SourceView | None = None, tool_version: str,
                 rule_docs: Mapping[str, RuleDoc], commit_url: str | None = None,
                 repository_uri: str | None = None, stdout=None,
                 reports_root: Path | str = "reports",
                 mail_options: Mapping[str, str] | None = None) -> Path | None:
    """Render and write a report; return the file written (None for stdout).

    - `output` None: stdout, except html, which goes to
      `<reports_root>/<range>/index.html` (a browser wants a file);
    - `output` "-": stdout for every format;
    - otherwise a file, or a folder (existing, or ending in "/", or for html a
      name without suffix) that receives the format's default file name.

    The write is atomic: nothing is created or replaced unless rendering and
    writing both succeed.
    """
    text = render(result, fmt, sources=sources, tool_version=tool_version,
                  rule_docs=rule_docs, commit_url=commit_url, repository_uri=repository_uri,
                  mail_options=mail_options)
    data = _encode(text, fmt)
    if output is None and fmt == "html":
        output = default_output(result, fmt, reports_root)
    if output is None or str(output) == "-":
        stream = stdout if stdout is not None else sys.stdout
        buf = getattr(stream, "buffer", None)
        if buf is not None:
            stream.flush()
            buf.write(data)
            buf.flush()
        else:
            stream.write(data.decode("utf-8"))
        return None
    target = _resolve_output(output, fmt)
    atomic_write(target, data)
    return target


__all__ = ["FORMATS", "Hunk", "SourceView", "RuleDoc", "render", "write_report",
           "range_slug", "default_output", "atomic_write"]
