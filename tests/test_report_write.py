"""write_report: atomic writes, folders, default html folder, stdout; render() errors."""
from __future__ import annotations

import os
import stat

import pytest

import errpath.report as report
from errpath.report import range_slug, render, write_report

V = "0.1.0"


def _write(result, fmt, output, **kw):
    return write_report(result, fmt, output, sources=None, tool_version=V, rule_docs={}, **kw)


def _listing(d):
    return sorted(str(p.relative_to(d)) for p in d.rglob("*"))


@pytest.mark.parametrize("fmt", report.FORMATS)
def test_write_each_format(tmp_path, report_result, fmt):
    out = tmp_path / f"out.{fmt}"
    assert _write(report_result, fmt, out) == out
    data = out.read_bytes()
    assert data == render(report_result, fmt, sources=None, tool_version=V, rule_docs={}).encode()
    assert _listing(tmp_path) == [out.name]                    # no temp file left behind
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask   # not mkstemp's 0600


def test_unknown_format(report_result):
    with pytest.raises(ValueError, match="unknown report format 'xml'"):
        render(report_result, "xml", sources=None, tool_version=V, rule_docs={})


def test_html_folder_and_default_folder(tmp_path, report_result):
    assert _write(report_result, "html", tmp_path / "site") == tmp_path / "site" / "index.html"
    (tmp_path / "existing").mkdir()
    assert _write(report_result, "html", tmp_path / "existing") == tmp_path / "existing" / "index.html"
    assert _write(report_result, "json", str(tmp_path / "j") + "/") == tmp_path / "j" / "errpath.json"
    got = _write(report_result, "html", None, reports_root=tmp_path / "reports")
    assert range_slug(report_result) == "010101010101-060606060606"
    assert got == tmp_path / "reports" / "010101010101-060606060606" / "index.html"
    assert got.read_text().startswith("<!DOCTYPE html>")
    report_result.base = None
    assert range_slug(report_result) == "060606060606"


def test_stdout(tmp_path, report_result, capsys):
    assert _write(report_result, "text", None) is None
    assert capsys.readouterr().out == render(report_result, "text", sources=None,
                                             tool_version=V, rule_docs={})
    assert _write(report_result, "html", "-") is None
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")
    assert _listing(tmp_path) == []


def test_render_error_leaves_nothing(tmp_path, report_result, monkeypatch):
    target = tmp_path / "sub" / "report.html"

    def boom(*a, **kw):
        raise RuntimeError("render failed")

    monkeypatch.setattr("errpath.report.html.render_html", boom)
    with pytest.raises(RuntimeError, match="render failed"):
        _write(report_result, "html", target)
    assert _listing(tmp_path) == []          # not even the folder


def test_write_error_keeps_old_file_and_no_temp(tmp_path, report_result, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("old")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(report.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        _write(report_result, "json", target)
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert _listing(tmp_path) == ["report.json"]


def test_surrogate_paths_survive_json(tmp_path, report_result):
    """A non-UTF-8 file name (surrogateescape'd) round-trips through JSON."""
    import json
    report_result.findings[0].path = "drivers/bad\udcff.c"
    out = _write(report_result, "json", tmp_path / "r.json")
    data = json.loads(out.read_bytes().decode("utf-8"))
    assert any(f["path"] == "drivers/bad\udcff.c" for f in data["findings"])
    for fmt in ("text", "mail", "sarif", "html"):
        text = _write(report_result, fmt, tmp_path / f"r.{fmt}").read_bytes().decode("utf-8")
        assert "bad\\xff.c" in text or "bad%FF.c" in text, fmt
