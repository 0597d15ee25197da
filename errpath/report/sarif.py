"""SARIF 2.1.0 (OASIS), one run.

- tool.driver: name, version, informationUri, rules (from the rule docs);
- results: the findings present at head, each with its evidence as
  relatedLocations *and* as a codeFlow (viewers show either), a stable
  partialFingerprints["errpath/v1"], and properties.introducedBy / fixesTag;
- findings fixed in the range are not results (a code-scanning service would
  open alerts for them); they are listed in run.properties["errpath/fixed"];
- functions errpath could not analyse are toolExecutionNotifications of the
  invocation, so nothing is skipped silently;
- versionControlProvenance needs a repositoryUri (the schema requires it): it
  is written only when one is given; the head sha is always in
  run.properties.revisionId.

Paths are relative to the SRCROOT uriBaseId, percent-encoded.  Text taken
from the repository goes through escape_control.
"""
from __future__ import annotations

import json
import re
from typing import Any, Mapping
from urllib.parse import quote

from ..model import Evidence, Finding, RunResult
from .common import sorted_findings
from .escape import escape_control, one_line

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI: str | None = None  # set when the project has a home page
FINGERPRINT_KEY = "errpath/v1"
_LEVELS = {"error": "error", "warning": "warning", "note": "note"}


def _level(severity: str) -> str:
    return _LEVELS.get(severity, "warning")


def _uri(path: str) -> str:
    return quote(path.encode("utf-8", "surrogateescape"), safe="/-._~!$&'()*+,;=:@")


def _physical(path: str, line: int, column: int | None = None) -> dict[str, Any]:
    loc: dict[str, Any] = {"artifactLocation": {"uri": _uri(path), "uriBaseId": "SRCROOT"}}
    if line and line >= 1:
        region: dict[str, Any] = {"startLine": line}
        if column and column >= 1:
            region["startColumn"] = column
        loc["region"] = region
    return loc


def _pascal(rule_id: str) -> str:
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", rule_id) if p]
    return "".join(p[:1].upper() + p[1:] for p in parts) or rule_id


def _first_paragraph(doc: str) -> str:
    for para in re.split(r"\n\s*\n", doc.strip()):
        text = " ".join(line.strip().lstrip("#").strip() for line in para.splitlines()).strip()
        if text:
            return text
    return ""


def _rule(rule_id: str, doc) -> dict[str, Any]:
    title = escape_control(getattr(doc, "title", "") or rule_id, single_line=True)
    text = escape_control(getattr(doc, "doc", "") or "")
    severity = getattr(doc, "severity", "warning") or "warning"
    confidence = getattr(doc, "confidence", None)
    out: dict[str, Any] = {
        "id": rule_id,
        "name": _pascal(rule_id),
        "shortDescription": {"text": title},
        "fullDescription": {"text": _first_paragraph(text) or title},
        "help": {"text": text or title, "markdown": text or title},
        "defaultConfiguration": {"level": _level(severity)},
    }
    props: dict[str, Any] = {}
    if confidence:
        props["confidence"] = confidence
    if doc is None:
        props["documented"] = False
    if props:
        out["properties"] = props
    return out


def _related(i: int, e: Evidence) -> dict[str, Any]:
    note = escape_control(e.note, single_line=True)
    fn = one_line(e.function)
    return {
        "id": i,
        "physicalLocation": _physical(e.path, e.line),
        "message": {"text": f"{fn}(): {note}" if fn else note},
    }


def _result(f: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    res: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index[f.rule],
        "level": _level(f.severity),
        "message": {"text": escape_control(f.message)},
        "locations": [{
            "physicalLocation": _physical(f.path, f.line, f.column),
            "logicalLocations": [{"name": one_line(f.function), "kind": "function"}],
        }] if f.function else [{"physicalLocation": _physical(f.path, f.line, f.column)}],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
    }
    if f.evidence:
        related = [_related(i, e) for i, e in enumerate(f.evidence, 1)]
        res["relatedLocations"] = related
        res["codeFlows"] = [{"threadFlows": [{"locations": [
            {"location": {"physicalLocation": r["physicalLocation"], "message": r["message"]}}
            for r in related]}]}]
    props: dict[str, Any] = {"confidence": f.confidence}
    if f.introduced_by and f.introduced_by.patch is not None:   # a series: name the patch, no Fixes:
        props["introducedByPatch"] = _patch(f.introduced_by.patch)
    elif f.introduced_by:
        props["introducedBy"] = f.introduced_by.sha
        props["fixesTag"] = escape_control(f.fixes_tag or "", single_line=True)
    res["properties"] = props
    return res


def _patch(p) -> dict[str, Any]:
    return {k: (escape_control(v, single_line=True) if isinstance(v, str) else v)
            for k, v in p.to_json().items()}


def _revision(result: RunResult) -> str:
    """The revision the locations refer to; a series' head is in no tree: the
    revision it applies onto (run.properties["errpath/series"] names the patches)."""
    if result.head.patch is not None and result.base is not None:
        return result.base.sha
    return result.head.sha


def _ref(c) -> Any:
    if c is None:
        return None
    return _patch(c.patch) if c.patch is not None else c.sha


def sarif_log(result: RunResult, *, tool_version: str, rule_docs: Mapping[str, Any],
              repository_uri: str | None = None) -> dict[str, Any]:
    findings = sorted_findings(result.findings)
    fixed = sorted_findings(result.fixed)
    rule_ids: list[str] = []
    for r in list(result.rules) + [f.rule for f in findings] + [f.rule for f in fixed]:
        if r not in rule_ids:
            rule_ids.append(r)
    rule_index = {r: i for i, r in enumerate(rule_ids)}
    driver: dict[str, Any] = {
        "name": "errpath",
        "version": tool_version,
        "rules": [_rule(r, rule_docs.get(r)) for r in rule_ids],
    }
    if INFORMATION_URI:
        driver["informationUri"] = INFORMATION_URI
    notifications = [{
        "level": "note",
        "message": {"text": f"{one_line(u.name)}() not analysed: {escape_control(u.reason, single_line=True)}"},
        "locations": [{"physicalLocation": _physical(u.path, u.line)}],
        "descriptor": {"id": "unparsed"},
    } for u in result.unparsed]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run_props: dict[str, Any] = {
        "revisionId": _revision(result),
        "baseRevisionId": result.base.sha if result.base else None,
        "paths": [one_line(p) for p in result.paths],
        "errpath/fixed": [{
            "ruleId": f.rule,
            "fingerprint": f.fingerprint,
            "path": one_line(f.path),
            "line": f.line,
            "message": escape_control(f.message),
            "introducedBy": _ref(f.introduced_by),
            "fixedBy": _ref(f.fixed_by),
        } for f in fixed],
    }
    if result.head.patch is not None:   # a series: its patches, applied onto baseRevisionId
        run_props["errpath/series"] = [_patch(c.patch) for c in result.commits if c.patch is not None]
    if "parse_coverage" in (result.stats or {}):
        run_props["parseCoverage"] = result.stats["parse_coverage"]
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "originalUriBaseIds": {"SRCROOT": {
            "description": {"text": "The top of the audited kernel tree (the git work tree)."}}},
        "results": [_result(f, rule_index) for f in findings],
        "properties": run_props,
    }
    if repository_uri:
        run["versionControlProvenance"] = [{
            "repositoryUri": repository_uri,
            "revisionId": _revision(result),
            "mappedTo": {"uriBaseId": "SRCROOT"},
        }]
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(result: RunResult, *, tool_version: str, rule_docs: Mapping[str, Any],
                 repository_uri: str | None = None) -> str:
    log = sarif_log(result, tool_version=tool_version, rule_docs=rule_docs,
                    repository_uri=repository_uri)
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
