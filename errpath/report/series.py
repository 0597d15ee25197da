"""Reporting a patch series: each finding names the patch that introduced it
(SeriesRunResult's JSON, the PatchRef on every commit) and one stderr line per
applied patch. Applying the series is errpath.git.series."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..git.series import Series
from ..model import RunResult


# -- reporting ---------------------------------------------------------------------

@dataclass
class SeriesRunResult(RunResult):
    """A RunResult whose JSON names each finding's patch and lists the series."""
    series: dict = field(default_factory=dict)
    patch_by_sha: dict = field(default_factory=dict)

    def to_json(self, tool_version: str) -> dict[str, Any]:
        doc = super().to_json(tool_version)
        for key, attr in (("findings", "introduced_by"), ("fixed", "fixed_by")):
            for f in doc[key]:
                ref = f.get(attr)
                f["patch"] = self.patch_by_sha.get(ref["sha"]) if ref else None
        doc["series"] = self.series
        return doc


def patch_refs(result: RunResult, series: Series) -> dict:
    """sha of each scratch commit -> the PatchRef reports name it by."""
    from ..model import PatchRef
    out = {}
    dates = {c.sha: c.date for c in result.commits}
    for p in series.patches:
        if p.sha:
            out[p.sha] = PatchRef(index=p.index, label=p.tag(), subject=p.subject, file=p.source,
                                  message_id=p.message_id, author=f"{p.author[0]} <{p.author[1]}>",
                                  date=dates.get(p.sha, ""))
    return out


def annotate(result: RunResult, series: Series) -> SeriesRunResult:
    """Name every scratch commit by its patch: the findings' introduced_by /
    fixed_by, the range's commits and its head carry a PatchRef, so every report
    says "[PATCH 2/3] subject" (and no Fixes: tag) instead of a sha that exists
    only in the scratch object database."""
    import dataclasses
    refs = patch_refs(result, series)

    def named(c):
        if c is None or c.sha not in refs:
            return c
        return dataclasses.replace(c, patch=refs[c.sha])
    for f in (*result.findings, *result.fixed):
        f.introduced_by, f.fixed_by = named(f.introduced_by), named(f.fixed_by)
    result.commits = [named(c) for c in result.commits]
    result.head = named(result.head)
    by_sha = {sha: {**p.ref(), **refs[sha].to_json()} for sha in refs for p in series.patches if p.sha == sha}
    info = {"onto": str(series.onto.id), "scope": list(series.scope),
            "patches": [p.to_json() for p in series.patches]}
    out = SeriesRunResult(**{f: getattr(result, f) for f in RunResult.__dataclass_fields__},
                          series=info, patch_by_sha=by_sha)
    out.stats = dict(result.stats)
    out.stats["series"] = {"patches": len(series.patches),
                           "applied": sum(p.status == "applied" for p in series.patches),
                           "failed": series.failed.source if series.failed else None}
    return out


def summary_lines(result: RunResult, series: Series) -> list[str]:
    """One stderr line per applied patch: how many findings it introduced."""
    count: dict[str, int] = {}
    for f in result.findings:
        if f.introduced_by is not None:
            count[f.introduced_by.sha] = count.get(f.introduced_by.sha, 0) + 1
    out = []
    from .escape import one_line
    for p in series.patches:
        if p.status != "applied":
            continue
        out.append(f"errpath: patch {p.index} {one_line(p.source)} "
                   f"<{one_line((p.message_id or '').strip('<>')) or 'no Message-Id'}> "
                   f'"{one_line(p.subject)}": {count.get(p.sha, 0)} finding(s)')
    return out



__all__ = ["SeriesRunResult", "annotate", "summary_lines"]
