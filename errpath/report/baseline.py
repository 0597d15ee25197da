"""Baselines: accept today's findings, fail only on new ones.

    errpath baseline v6.5..v6.6 mm/ -o errpath-baseline.json   # what the range introduced
    errpath baseline --rev v6.6 mm/ -o errpath-baseline.json    # everything present at v6.6
    errpath audit v6.6..HEAD mm/ --baseline errpath-baseline.json

A baseline records findings by fingerprint (rule, file, function and the
names involved, never line numbers), so it survives unrelated edits and line
moves; a finding whose function or names change is a new finding. With
`--baseline FILE`, findings whose fingerprint is in FILE are dropped from the
report and the exit code, and `stats.baseline` says how many were suppressed
(the stderr summary says it too). Fixed findings are never suppressed.

The file is JSON, sorted, byte-identical for the same findings::

    {"errpath_baseline": 1, "tool": {...}, "base": sha|null, "head": sha,
     "findings": [{"fingerprint", "rule", "path", "function", "message"}, ...]}

An errpath JSON report (`--format json`) is accepted as a baseline too.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..model import Finding, RunResult

BASELINE_VERSION = 1
MAX_BASELINE_BYTES = 256 << 20


class BaselineError(Exception):
    """A baseline problem: str(err) is one line naming the file."""


@dataclass
class Baseline:
    source: str
    fingerprints: frozenset[str]


def render(result: RunResult, tool_version: str) -> bytes:
    entries = sorted(
        ({"fingerprint": f.fingerprint, "rule": f.rule, "path": f.path, "function": f.function,
          "message": f.message} for f in result.findings),
        key=lambda e: (e["path"], e["function"], e["rule"], e["fingerprint"]))
    seen, unique = set(), []
    for e in entries:
        if e["fingerprint"] not in seen:
            seen.add(e["fingerprint"])
            unique.append(e)
    doc = {"errpath_baseline": BASELINE_VERSION,
           "tool": {"name": "errpath", "version": tool_version},
           "base": result.base.sha if result.base else None,
           "head": result.head.sha,
           "paths": list(result.paths),
           "findings": unique}
    return (json.dumps(doc, indent=2, ensure_ascii=True) + "\n").encode("ascii")


def write(result: RunResult, output: str, tool_version: str) -> Path | None:
    """Write the baseline atomically ("-" = stdout); return the path written."""
    import sys
    from . import atomic_write
    data = render(result, tool_version)
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return None
    target = Path(output)
    if target.is_dir():
        target = target / "errpath-baseline.json"
    atomic_write(target, data)
    return target


def load(path: str) -> Baseline:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BASELINE_BYTES + 1)
    except OSError as e:
        raise BaselineError(f"cannot read baseline {path}: {e.strerror or e}") from None
    if len(data) > MAX_BASELINE_BYTES:
        raise BaselineError(f"baseline {path}: too large")
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as e:
        raise BaselineError(f"baseline {path}: not valid JSON ({' '.join(str(e).split())[:120]})") from None
    if not isinstance(doc, dict):
        raise BaselineError(f"baseline {path}: not an errpath baseline (expected a JSON object)")
    if "errpath_baseline" in doc:
        if doc["errpath_baseline"] != BASELINE_VERSION:
            raise BaselineError(f"baseline {path}: unsupported version {doc['errpath_baseline']!r} "
                                f"(this errpath reads version {BASELINE_VERSION})")
    elif not (doc.get("schema") == 1 and isinstance(doc.get("tool"), dict)
              and doc["tool"].get("name") == "errpath"):
        raise BaselineError(f"baseline {path}: not an errpath baseline or JSON report")
    entries = doc.get("findings")
    if not isinstance(entries, list):
        raise BaselineError(f"baseline {path}: 'findings' must be a list")
    fps = set()
    for i, e in enumerate(entries):
        fp = e.get("fingerprint") if isinstance(e, dict) else None
        if not isinstance(fp, str) or not fp:
            raise BaselineError(f"baseline {path}: findings[{i}] has no fingerprint")
        fps.add(fp)
    return Baseline(path, frozenset(fps))


def suppress(result: RunResult, baseline: Baseline | None) -> int:
    """Drop the findings the baseline knows; record the count in stats. Returns it."""
    if baseline is None:
        return 0
    kept: list[Finding] = []
    n = 0
    for f in result.findings:
        if f.fingerprint in baseline.fingerprints:
            n += 1
        else:
            kept.append(f)
    result.findings = kept
    result.stats["baseline"] = {"file": baseline.source, "entries": len(baseline.fingerprints),
                                "suppressed": n}
    return n


__all__ = ["Baseline", "BaselineError", "render", "write", "load", "suppress"]
