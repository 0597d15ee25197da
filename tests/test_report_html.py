"""HTML report: golden structure, anchors, CSP, no scripts, hostile content."""
from __future__ import annotations

import random
import re
from html.parser import HTMLParser

import pytest

from errpath.report import render
from errpath.report.html import call_chain, doc_html, safe_commit_url

V = "0.1.0"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


class Page(HTMLParser):
    """ids, in-page hrefs, all hrefs, text, and element stack facts."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.local_hrefs: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[str] = []
        self.meta: list[dict] = []
        self.text: list[str] = []
        self.by_id: dict[str, str] = {}
        self.pre: list[str] = []
        self._in_pre = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a:
            self.ids.append(a["id"])
            self.by_id[a["id"]] = tag
        if "href" in a:
            self.hrefs.append(a["href"])
            if a["href"].startswith("#"):
                self.local_hrefs.append(a["href"][1:])
        if tag == "meta":
            self.meta.append(a)
        if tag == "pre":
            self._in_pre += 1
            self.pre.append("")

    def handle_endtag(self, tag):
        if tag == "pre":
            self._in_pre -= 1

    def handle_data(self, data):
        self.text.append(data)
        if self._in_pre:
            self.pre[-1] += data

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def _html(result, sources=None, docs=None, **kw) -> str:
    return render(result, "html", sources=sources, tool_version=V, rule_docs=docs or {}, **kw)


@pytest.fixture
def page(report_result, report_sources, report_rule_docs):
    html = _html(report_result, report_sources, report_rule_docs,
                 commit_url="https://git.kernel.org/linus/{sha}")
    return html, Page(html)


def test_self_contained_and_safe(page):
    html, p = page
    assert html.startswith("<!DOCTYPE html>")
    assert {"http-equiv": "Content-Security-Policy", "content": CSP} in p.meta
    assert "<script" not in html.lower()
    assert "script" not in p.tags and "link" not in p.tags and "iframe" not in p.tags
    assert not re.search(r"\bsrc\s*=", html)           # nothing is fetched
    assert not re.search(r"url\(\s*['\"]?(?!#|data:)", html)
    # external links only to the commit URL template (http/https)
    external = [h for h in p.hrefs if not h.startswith("#")]
    assert external and all(h.startswith("https://git.kernel.org/linus/") for h in external)


def test_every_in_page_link_resolves_and_ids_unique(page):
    _, p = page
    assert len(p.ids) == len(set(p.ids)), [i for i in p.ids if p.ids.count(i) > 1]
    missing = sorted(set(p.local_hrefs) - set(p.ids))
    assert not missing
    assert len(p.local_hrefs) > 20


def test_sections_and_anchors(page, report_result):
    html, p = page
    for sec in ("top", "summary", "timeline", "introduced", "findings", "fixed", "unparsed", "rules"):
        assert sec in p.ids, sec
    c = report_result.commits
    # one section per introducing commit, stable ids
    assert p.by_id[f"commit-{c[1].sha12}"] == "section"
    assert p.by_id[f"commit-{c[3].sha12}"] == "section"
    # a fix-only commit gets its commit- anchor in the fixed section
    assert f"commit-{c[4].sha12}" in p.ids and f"fixed-{c[4].sha12}" in p.ids
    for f in report_result.findings:
        assert f"finding-{f.fingerprint}" in p.ids
    for f in report_result.fixed:
        assert f"fixed-finding-{f.fingerprint}" in p.ids
    for rid in report_result.rules:
        assert f"rule-{rid}" in p.ids
    # Fixes: lines in copy-friendly <pre> blocks
    assert 'Fixes: 020202020202 ("mm: make __filemap_get_folio honour FGP_NOWAIT")' in p.pre
    assert 'Fixes: 040404040404 ("block: add bio_allowed_max_sectors()")' in p.pre
    # header facts
    text = p.all_text
    for s in ("010101010101", "mm: base of the range", "060606060606", "mm: head of the range",
              "fs/iomap", "92.3%", "filemap_read", "blkdev_issue_secure_erase", "parse-error"):
        assert s in text, s
    # the timeline marks link to the commit sections
    tl = html[html.index('<svg class="timeline"'):]
    tl = tl[:tl.index("</svg>")]
    marks = re.findall(r'<a href="#(commit-[0-9a-f]{12})">', tl)
    assert marks == [f"commit-{c[1].sha12}", f"commit-{c[3].sha12}", f"commit-{c[4].sha12}"]


def test_finding_details(page, report_result):
    html, p = page
    a = next(f for f in report_result.findings if f.path.startswith("fs/iomap"))
    start = html.index(f'id="finding-{a.fingerprint}"')
    block = html[start:html.index("</article>", start)]
    # rule link, severity, confidence, message
    assert 'href="#rule-nowait-enomem"' in block
    assert ">warning<" in block and "confidence: high" in block
    assert "NOWAIT write returns -ENOMEM" in block
    # excerpt: ±5 lines with numbers, the finding line marked, C highlighted
    rows = re.findall(r'<tr( class="mark")?><td class="ln">(\d+)</td>', block)
    assert [int(n) for _, n in rows[:11]] == list(range(6, 17))
    assert [int(n) for m, n in rows if m] == [11]
    assert '<span class="k">return</span>' in block
    # evidence chain: numbered steps with path:line
    assert block.count("<li>") == 4
    assert "mm/filemap.c:8" in block and "fs/iomap/buffered-io.c:9" in block
    # cross-file evidence: a call-chain diagram
    assert '<figure class="chain">' in block and "__filemap_get_folio()" in block
    # the commit's hunk touching the evidence file
    assert "@@ -5,3 +5,6 @@" in block and 'class="add"' in block and 'class="del"' in block
    # a one-function finding has no diagram
    b = next(f for f in report_result.findings if f.path == "mm/filemap.c")
    start = html.index(f'id="finding-{b.fingerprint}"')
    assert '<figure class="chain">' not in html[start:html.index("</article>", start)]
    # pygments styles are embedded, scoped to .hl
    assert ".hl .k " in html


def test_counts_table(page):
    html, _ = page
    table = html[html.index('<table class="counts">'):]
    table = table[:table.index("</table>")]
    row = re.search(r'rule-zero-step-loop.*?</tr>', table, re.S).group(0)
    assert re.findall(r'<td class="n">(\d+)</td>', row) == ["1", "1", "0", "1"]


def test_deterministic(report_result, report_sources, report_rule_docs):
    a = _html(report_result, report_sources, report_rule_docs)
    random.Random(3).shuffle(report_result.findings)
    report_result.fixed.reverse()
    assert _html(report_result, report_sources, report_rule_docs) == a


def test_scan_mode_and_no_sources(report_result):
    """No base, no commits, no attribution, no source view: still a full page."""
    for f in report_result.findings:
        f.introduced_by = None
    report_result.base, report_result.commits, report_result.fixed = None, [], []
    html = _html(report_result)
    p = Page(html)
    assert "timeline" not in p.ids and "findings" in p.ids
    assert not set(p.local_hrefs) - set(p.ids)
    assert "not available" in p.all_text


def test_commit_url_only_http(report_result):
    for bad in ("javascript:alert(1)//{sha}", "file:///etc/{sha}", "data:text/html,{sha}",
                "//evil/{sha}", "https://x/{sha} onmouseover=alert(1)"):
        html = _html(report_result, commit_url=bad)
        assert [h for h in Page(html).hrefs if not h.startswith("#")] == [], bad
    assert safe_commit_url("http://h/c/{sha}", "ab") == "http://h/c/ab"


def test_hostile_content_is_escaped_but_readable(report_hostile):
    result, sources, docs = report_hostile
    html = _html(result, sources, docs, commit_url="https://example.org/{sha}")
    low = html.lower()
    assert "<script" not in low
    assert "<img" not in low
    assert not re.search(r"<svg[^>]*onload", low)
    assert not re.search(r"<[a-z]+[^>]*\son[a-z]+\s*=", low)     # no event handler attributes
    for ch in ("\x1b", "\x07", "\r", "\x85", "\x9b", "\u202e"):
        assert ch not in html
    p = Page(html)
    text = p.all_text
    # escaped, not dropped
    assert "mm: <script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>" in text
    assert 'Mallory "><img src=x onerror=alert(4)>' in text
    assert "fs/<svg onload=alert(5)>\\x1b.c" in text
    assert "</pre></td><script>alert(6)</script> \\x1b[2J" in text
    assert "\\u202eevil" in text
    assert "code <script>" in text and "title <script>" in text
    assert not set(p.local_hrefs) - set(p.ids)
    assert len(p.ids) == len(set(p.ids))
    # the call chain SVG text is escaped as well
    svg = html[html.index('<figure class="chain">'):]
    svg = svg[:svg.index("</figure>")]
    assert "&lt;img src=x onerror=alert(8)&gt;()" in svg


def test_doc_html_renders_sections_and_escapes():
    doc = ("Intro `x < y` and **bold**.\n\nWhat it finds\n-------------\nText.\n\n"
           "    code <b>\n\n- item one\n  continued\n- item <two>\n\n## Heading\n```\nfenced <i>\n```\n")
    out = str(doc_html(doc))
    assert "<h4>What it finds</h4>" in out and "<h4>Heading</h4>" in out
    assert "<code>x &lt; y</code>" in out and "<strong>bold</strong>" in out
    assert '<pre class="doc-code">code &lt;b&gt;</pre>' in out
    assert "<li>item one continued</li>" in out and "<li>item &lt;two&gt;</li>" in out
    assert '<pre class="doc-code">fenced &lt;i&gt;</pre>' in out


def test_call_chain_geometry(report_result):
    a = next(f for f in report_result.findings if f.path.startswith("fs/iomap"))
    chain = call_chain(a)
    assert [n.path for n in chain.nodes] == ["fs/iomap/buffered-io.c", "mm/filemap.c"]
    assert [n.steps for n in chain.nodes] == [[1, 4], [2, 3]]
    assert len(chain.edges) == 1          # the call, caller to callee; the return draws no arrow (issue 23)
    assert all(n.x + n.w <= chain.width and n.y + n.h <= chain.height for n in chain.nodes)


def test_excerpts_come_from_the_revision_the_lines_refer_to(page, report_result):
    """engine.audit: findings carry head's lines, fixed findings base's."""
    html, _ = page
    head12, base12 = report_result.head.sha12, report_result.base.sha12
    b = next(f for f in report_result.findings if f.path == "mm/filemap.c")
    start = html.index(f'id="finding-{b.fingerprint}"')
    block = html[start:html.index("</article>", start)]
    assert f"<code>mm/filemap.c</code> at <code>{head12}</code>" in block
    fx = next(f for f in report_result.fixed if f.path == "mm/filemap.c")
    start = html.index(f'id="fixed-finding-{fx.fingerprint}"')
    block = html[start:html.index("</article>", start)]
    assert f"<code>mm/filemap.c</code> at <code>{base12}</code>" in block
    assert "folio</span><span class=\"w\"> </span><span class=\"o\">==</span>" in block
