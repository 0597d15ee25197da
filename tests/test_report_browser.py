"""The HTML report in a real browser: headless Chromium driven by Playwright.

Loads rendered reports from file:// and checks: no console errors (a CSP
violation is one), no network request, every in-page link resolves to an
element, links work, and a screenshot of non-zero size.  Chromium is the
Debian `chromium` package (never `playwright install`); the test is skipped
only when /usr/bin/chromium is missing.
"""
from __future__ import annotations

import os
import struct
import tempfile
from pathlib import Path

import pytest

from errpath.report import write_report

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason=f"{CHROMIUM} missing: install Debian's chromium package (apt-get install -y chromium)")

UNRESOLVED_JS = """() => {
  const bad = [];
  for (const a of document.querySelectorAll('a[href^="#"]')) {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    if (!document.getElementById(id)) bad.push(id);
  }
  return {count: document.querySelectorAll('a[href^="#"]').length, bad};
}"""


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def report_browser():
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory(prefix="errpath-chromium-") as profile, sync_playwright() as pw:
        # --user-data-dir is given the Playwright way (launch_persistent_context).
        ctx = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS,
            viewport={"width": 1280, "height": 900})
        try:
            yield ctx
        finally:
            ctx.close()


def _load(ctx, path: Path):
    page = ctx.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("request", lambda r: problems.append(f"request: {r.url}")
            if not r.url.startswith(("file://", "data:", "about:")) else None)
    page.goto(path.as_uri(), wait_until="load")
    return page, problems


@pytest.mark.parametrize("which", ["normal", "hostile"])
def test_report_in_chromium(tmp_path, report_browser, which, report_result, report_sources,
                            report_rule_docs, report_hostile):
    if which == "normal":
        result, sources, docs = report_result, report_sources, report_rule_docs
    else:
        result, sources, docs = report_hostile
    out = write_report(result, "html", tmp_path / which, sources=sources, tool_version="0.1.0",
                       rule_docs=docs, commit_url="https://git.kernel.org/linus/{sha}")
    page, problems = _load(report_browser, out)

    assert page.title().startswith("errpath ")
    links = page.evaluate(UNRESOLVED_JS)
    assert links["count"] > 5 and links["bad"] == []
    # nothing hostile became live: no script element, no event handler attribute
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("""() => [...document.querySelectorAll('*')].filter(
        el => [...el.attributes].some(a => a.name.startsWith('on'))).length""") == 0
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0

    # a timeline mark navigates to its commit section
    mark = page.locator("svg.timeline a").first
    href = mark.get_attribute("href")
    mark.click()
    assert page.evaluate("location.hash") == href
    assert page.evaluate(f"document.getElementById({href[1:]!r}) !== null")

    shots = Path(os.environ.get("ERRPATH_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    shot = shots / f"report-{which}.png"
    page.screenshot(path=str(shot), full_page=True)
    width, height = _png_size(shot)
    print(f"screenshot: {shot} ({width}x{height})")
    assert width > 0 and height > 0

    if which == "hostile":
        body = page.inner_text("body")
        assert "<script>alert(1)</script>" in body      # shown as text
    assert problems == []


def test_harness_sees_csp_violations(tmp_path, report_browser):
    """The checks above would notice a blocked fetch or script (the CSP works)."""
    from errpath.report.html import CSP
    bad = tmp_path / "bad.html"
    bad.write_text(f'<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="{CSP}">'
                   '<img src="https://example.invalid/x.png"><script>document.title="ran"</script>')
    page, problems = _load(report_browser, bad)
    assert page.title() != "ran"                       # inline script blocked
    assert any("Content Security Policy" in p for p in problems), problems


def test_series_report_in_chromium_shows_the_patch(tmp_path, report_browser):
    """Issue 23: the HTML report of `audit --series` names each finding's patch
    ([PATCH v2 n/m], file, Message-Id), never the scratch commit, and links no
    commit to a web server. Rendered and screenshotted in headless Chromium."""
    import json

    from histories import History
    from inproc import BAD_NAME_RULE, fn, rules_dir, run
    from test_series import BASE_FILES, mail

    dev = History(tmp_path / "dev", subdir=None)
    dev.commit("base", BASE_FILES)
    p1 = dev.commit("fs: add new helper\n\nIt helps.", {"fs/a.c": BASE_FILES["fs/a.c"] + fn("bad_new")})
    p2 = dev.commit("mm: add mm helper\n\nMore.", {"mm/b.c": BASE_FILES["mm/b.c"] + fn("bad_mm")})
    patches = []
    for i, sha in enumerate((p1, p2), 1):
        p = tmp_path / f"000{i}.patch"
        p.write_text(mail(dev, sha, i, 2, f"20231114.{i}-pat@example.org"))
        patches.append(str(p))
    maint = History(tmp_path / "maint", subdir=None)
    maint.commit("base", BASE_FILES)
    maint.tag("v1", "HEAD")
    common = ("audit", "--series", *patches, "--onto", "v1", "--repo", str(maint.path), "--no-cache",
              "--rules-dir", str(rules_dir(tmp_path, BAD_NAME_RULE)), "--select", "bad-name",
              "--commit-url", "https://git.kernel.org/linus/{sha}")
    scratch = [p["commit"] for p in json.loads(run(*common, "--format", "json").out)["series"]["patches"]]
    r = run(*common, "--format", "html", "-o", str(tmp_path / "series"))
    assert r.code == 1, r.err
    out = tmp_path / "series" / "index.html"
    page, problems = _load(report_browser, out)

    body = page.inner_text("body")
    assert "[PATCH v2 1/3] fs: add new helper" not in body     # (2 patches: n/2)
    assert "[PATCH v2 1/2] fs: add new helper" in body and "[PATCH v2 2/2] mm: add mm helper" in body
    assert "<20231114.1-pat@example.org>" in body and "0001.patch" in body
    html = out.read_text()
    for sha in scratch:
        assert sha[:12] not in html
    assert page.evaluate("document.querySelectorAll('a[href^=\"https://git.kernel.org/linus/\"]').length") == 1  # base only
    assert page.evaluate(UNRESOLVED_JS)["bad"] == []
    mark = page.locator("svg.timeline a").first
    href = mark.get_attribute("href")
    mark.click()
    assert page.evaluate("location.hash") == href

    shots = Path(os.environ.get("ERRPATH_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    shot = shots / "report-series.png"
    page.screenshot(path=str(shot), full_page=True)
    width, height = _png_size(shot)
    print(f"screenshot: {shot} ({width}x{height})")
    assert width > 0 and height > 0
    assert problems == []
