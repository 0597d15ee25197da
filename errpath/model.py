"""The one Finding model every layer shares, and its JSON form (schema 1).

Rules create Findings; attribution fills `introduced_by` / `fixed_by`; every
formatter (text, JSON, SARIF, HTML, mail) reads the same objects.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1
SEVERITIES = ("note", "warning", "error")
CONFIDENCES = ("low", "medium", "high")


@dataclass(frozen=True)
class Evidence:
    """One step of a finding's evidence chain."""
    path: str
    line: int
    function: str
    note: str

    def to_json(self) -> dict[str, Any]:
        # Not dataclasses.asdict(): it deep-copies field by field, and a low-confidence
        # scan of a whole tree writes hundreds of thousands of these.
        return {"path": self.path, "line": self.line, "function": self.function, "note": self.note}


@dataclass(frozen=True)
class PatchRef:
    """A patch of a series (`audit --series`): what a finding in a series is
    pinned on instead of a commit, since its commit exists only in errpath's
    scratch object database."""
    index: int                    # 1-based position in the applied order
    label: str                    # "[PATCH v2 2/3]" (from the subject; "[PATCH]" when unnumbered)
    subject: str                  # without the [PATCH ...] prefix
    file: str                     # the patch file ("#k": the k-th mail of a mailbox)
    message_id: str | None
    author: str                   # "Name <email>"
    date: str

    @property
    def title(self) -> str:
        return f"{self.label} {self.subject}"

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "label": self.label, "file": self.file, "subject": self.subject,
                "message_id": self.message_id, "author": self.author, "date": self.date}


@dataclass(frozen=True)
class CommitRef:
    sha: str
    subject: str
    author: str
    date: str  # ISO 8601 with the author's offset
    patch: PatchRef | None = field(default=None, compare=False)   # a series' scratch commit: its patch

    @property
    def sha12(self) -> str:
        return self.sha[:12]

    @property
    def display(self) -> str:
        """How a report names it: the sha, or for a series' scratch commit its patch label."""
        return self.patch.label if self.patch is not None else self.sha12

    @property
    def key(self) -> str:
        """A stable name for anchors: the sha, or patch<N> (a scratch sha is shown nowhere)."""
        return f"patch{self.patch.index}" if self.patch is not None else self.sha12

    @property
    def fixes_tag(self) -> str | None:
        # Documentation/process/submitting-patches.rst: never wrapped, exact subject.
        # A patch of a series is in no tree: it is fixed by its next version, not by a Fixes: tag.
        if self.patch is not None:
            return None
        return f'Fixes: {self.sha12} ("{self.subject}")'

    def to_json(self) -> dict[str, Any]:
        return {"sha": self.sha, "subject": self.subject, "author": self.author, "date": self.date}


def fingerprint(rule: str, path: str, function: str, names: tuple[str, ...] = ()) -> str:
    """Stable identity of a finding: no line numbers, so unrelated edits keep it."""
    key = "\x1f".join((rule, path, function, *names))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:20]


@dataclass
class Finding:
    rule: str
    severity: str
    confidence: str
    path: str
    line: int
    column: int
    function: str
    message: str
    names: tuple[str, ...] = ()          # the names that make the finding unique in its function
    evidence: list[Evidence] = field(default_factory=list)
    introduced_by: CommitRef | None = None
    fixed_by: CommitRef | None = None
    # Files whose change can create or remove this finding (its own file plus
    # the files of every callee in the evidence): attribution only looks at
    # commits touching these.
    depends_on: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.rule, self.path, self.function, self.names)

    @property
    def fixes_tag(self) -> str | None:
        return self.introduced_by.fixes_tag if self.introduced_by else None

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule, self.fingerprint)

    def to_json(self, *, fixed: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "confidence": self.confidence,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "function": self.function,
            "message": self.message,
            "fingerprint": self.fingerprint,
            "introduced_by": self.introduced_by.to_json() if self.introduced_by else None,
            "fixes_tag": self.fixes_tag,
            "evidence": [e.to_json() for e in self.evidence],
        }
        if fixed:
            out["fixed_by"] = self.fixed_by.to_json() if self.fixed_by else None
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Finding":
        def ref(x):
            return CommitRef(**x) if x else None
        f = cls(rule=d["rule"], severity=d["severity"], confidence=d["confidence"],
                path=d["path"], line=d["line"], column=d["column"], function=d["function"],
                message=d["message"], evidence=[Evidence(**e) for e in d.get("evidence", [])],
                introduced_by=ref(d.get("introduced_by")), fixed_by=ref(d.get("fixed_by")))
        return f


@dataclass
class UnparsedFunction:
    """A function errpath did not analyse, and why (never skipped silently)."""
    path: str
    line: int
    name: str
    reason: str  # "parse-error", "budget", "internal-error: ..."

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "name": self.name, "reason": self.reason}


@dataclass
class RunResult:
    """Everything a formatter needs about one run."""
    base: CommitRef | None
    head: CommitRef
    paths: list[str]
    rules: list[str]
    findings: list[Finding]
    fixed: list[Finding]
    stats: dict[str, Any]
    unparsed: list[UnparsedFunction] = field(default_factory=list)
    commits: list[CommitRef] = field(default_factory=list)  # the range, oldest first

    def to_json(self, tool_version: str) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "tool": {"name": "errpath", "version": tool_version},
            "base": self.base.sha if self.base else None,
            "head": self.head.sha,
            "paths": list(self.paths),
            "rules": list(self.rules),
            "findings": [f.to_json() for f in sorted(self.findings, key=Finding.sort_key)],
            "fixed": [f.to_json(fixed=True) for f in sorted(self.fixed, key=Finding.sort_key)],
            "unparsed": [u.to_json() for u in self.unparsed],
            "stats": self.stats,
        }
