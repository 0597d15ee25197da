"""text (gcc-style) and json formatters."""
from __future__ import annotations

import json
import random

from errpath.report import render

V = "0.1.0"


def _render(result, fmt, sources=None, docs=None):
    return render(result, fmt, sources=sources, tool_version=V, rule_docs=docs or {})


def test_text_golden(report_result):
    out = _render(report_result, "text")
    assert out == (
        "block/blk-lib.c:40:2: error: loop step req_sects can be 0: bio_allowed_max_sectors() may return 0 [zero-step-loop]\n"
        "    block/blk-lib.c:38: req_sects = min(...)\n"
        "    block/blk-merge.c:5: returns round_down(UINT_MAX, lbs) >> 9\n"
        '    introduced by 040404040404 ("block: add bio_allowed_max_sectors()")\n'
        "block/blk-lib.c:70:1: warning: loop step can be 0 (callee not proven nonzero) [zero-step-loop]\n"
        "fs/iomap/buffered-io.c:11:3: warning: NOWAIT write returns -ENOMEM from __filemap_get_folio(); callers expect -EAGAIN [nowait-enomem]\n"
        "    fs/iomap/buffered-io.c:9: calls __iomap_get_folio() with FGP_NOWAIT\n"
        "    mm/filemap.c:8: allocation without direct reclaim can fail\n"
        "    mm/filemap.c:10: returns ERR_PTR(-ENOMEM)\n"
        "    fs/iomap/buffered-io.c:11: passes the error up\n"
        '    introduced by 020202020202 ("mm: make __filemap_get_folio honour FGP_NOWAIT")\n'
        "mm/filemap.c:10:10: warning: returns -ENOMEM on a NOWAIT path [nowait-enomem]\n"
        "    mm/filemap.c:6: tests FGP_NOWAIT\n"
        "    mm/filemap.c:10: returns ERR_PTR(-ENOMEM)\n"
        '    introduced by 020202020202 ("mm: make __filemap_get_folio honour FGP_NOWAIT")\n'
        "fixed in range:\n"
        "fs/iomap/buffered-io.c:13:2: note: fixed: loop step len can be 0 (was error) [zero-step-loop]\n"
        '    introduced by 303030303030 ("iomap: old commit before the range")\n'
        '    fixed by 050505050505 ("iomap: fix the old zero-length loop")\n'
        "mm/filemap.c:7:3: note: fixed: old NOWAIT ENOMEM (was warning) [nowait-enomem]\n"
        '    fixed by 020202020202 ("mm: make __filemap_get_folio honour FGP_NOWAIT")\n'
    )


def test_text_no_findings_is_empty(report_result):
    report_result.findings = []
    report_result.fixed = []
    assert _render(report_result, "text") == ""


def test_text_escapes_control_characters(report_hostile):
    result, _, _ = report_hostile
    out = _render(result, "text")
    for ch in ("\x1b", "\r", "\x07", "\x85", "\x9b", "\u202e"):
        assert ch not in out
    assert "\\x1b[31mred" in out and "\\u202eevil" in out and "\\r\\x85" in out
    # readable, not dropped: the markup is printed as is in a terminal
    assert "<script>alert(1)</script>" in out
    # one finding line per finding: a newline in a field cannot forge a line
    assert sum(1 for line in out.splitlines() if not line.startswith(" ")) == 3


def test_json_is_exactly_to_json(report_result):
    out = _render(report_result, "json")
    assert out == json.dumps(report_result.to_json(V), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
    assert json.loads(out)["schema"] == 1


def test_json_byte_deterministic(report_result):
    a = _render(report_result, "json").encode()
    random.Random(1).shuffle(report_result.findings)
    random.Random(2).shuffle(report_result.fixed)
    assert _render(report_result, "json").encode() == a


def test_json_strips_nothing(report_hostile):
    result, _, _ = report_hostile
    data = json.loads(_render(result, "json"))
    assert data["findings"][0]["introduced_by"]["subject"] == result.findings[0].introduced_by.subject
    assert data["findings"][0]["message"] == result.findings[0].message
