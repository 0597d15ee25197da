"""Self-contained HTML report (jinja2, autoescape on, no scripts, no fetches).

The page has a Content-Security-Policy that forbids everything but inline
styles and data: images, so it is safe to open from file:// even though it
shows commit subjects, author names, paths and C source from the audited
repository.  Every untrusted string goes through jinja2's autoescape, after
escape_control (the environment's `finalize`) made control and bidi
characters visible.  The only Markup built in Python is Pygments' output
(which escapes its input), the doc renderer below (escapes each piece) and
nothing else.

Anchors are stable: `commit-<sha12>`, `finding-<fingerprint>`,
`fixed-<sha12>`, `fixed-finding-<fingerprint>`, `rule-<id>`; never counters.
"""
from __future__ import annotations

import re
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from ..model import CommitRef, Finding, RunResult
from .common import (EXCERPT_CONTEXT, Sources, excerpt_sha, excerpt_window, file_line_count,
                     group_by_commit, hunks_for_finding, parse_coverage_text, sorted_findings,
                     unattributed)
from .escape import escape_control, one_line

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
HL_CLASS = "hl"


# -- jinja environment --------------------------------------------------------

def _finalize(value: Any) -> Any:
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return escape_control(value)


def anchor(prefix: str, key: str) -> str:
    """An element id: `prefix-key`, key reduced to [A-Za-z0-9_.-]."""
    return f"{prefix}-{re.sub(r'[^A-Za-z0-9_.-]', '_', key)}"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["oneline"] = lambda s: one_line(str(s))
    return env


# -- syntax highlighting ------------------------------------------------------

@lru_cache(maxsize=1)
def _pygments():
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import CLexer
    return CLexer(stripnl=False, ensurenl=False, tabsize=0), HtmlFormatter(nowrap=True)


def pygments_css() -> str:
    from pygments.formatters import HtmlFormatter
    rules = HtmlFormatter(style="default").get_style_defs(f".{HL_CLASS}")
    # Only the token rules, scoped to .hl (drop the formatter's global pre/td rules).
    return "\n".join(r for r in rules.splitlines() if r.startswith(f".{HL_CLASS} "))


class Highlighter:
    """C source of (sha, path) as one Markup per line, highlighted once per file."""

    def __init__(self, sources: Sources):
        self.sources = sources
        self._cache: dict[tuple[str, str], list[Markup] | None] = {}

    def lines(self, sha: str, path: str) -> list[Markup] | None:
        key = (sha, path)
        if key in self._cache:
            return self._cache[key]
        raw = self.sources.lines(sha, path)
        out: list[Markup] | None = None
        if raw is not None:
            plain = [escape_control(line.rstrip("\r")) for line in raw]
            out = self._highlight(plain)
        self._cache[key] = out
        return out

    @staticmethod
    def _highlight(plain: list[str]) -> list[Markup]:
        from pygments import highlight
        lexer, formatter = _pygments()
        try:
            html = highlight("\n".join(plain), lexer, formatter)
            hl = html.split("\n")
            if hl and hl[-1] == "" and len(hl) == len(plain) + 1:
                hl.pop()
            if len(hl) == len(plain):
                return [Markup(h) for h in hl]
        except Exception:
            pass
        return [escape(p) for p in plain]

    _LEADING_WS = re.compile(r'^(?:<span class="w">[ \t]*</span>|[ \t]+)')

    def line(self, sha: str, path: str, lineno: int) -> Markup | None:
        """One line, its indentation dropped (for one-line evidence excerpts)."""
        lines = self.lines(sha, path)
        if lines is None or not 1 <= lineno <= len(lines):
            return None
        return Markup(self._LEADING_WS.sub("", str(lines[lineno - 1]), count=1))


# -- rule docs: a small, escaping markdown-ish renderer -----------------------

_INLINE = re.compile(r"`([^`\n]+)`|\*\*([^*\n]+)\*\*")


def _inline(text: str) -> Markup:
    out = Markup("")
    pos = 0
    for m in _INLINE.finditer(text):
        out += escape(text[pos:m.start()])
        if m.group(1) is not None:
            out += Markup("<code>") + escape(m.group(1)) + Markup("</code>")
        else:
            out += Markup("<strong>") + escape(m.group(2)) + Markup("</strong>")
        pos = m.end()
    return out + escape(text[pos:])


def doc_html(doc: str) -> Markup:
    """Rule docstring (setext/ATX headings, paragraphs, `- ` lists, indented or
    fenced code) to escaped HTML.  Links are shown as text, never followed."""
    lines = escape_control(textwrap.dedent(doc or "")).strip("\n").split("\n")
    parts: list[Markup] = []
    para: list[str] = []
    items: list[str] = []

    def flush():
        if para:
            parts.append(Markup("<p>") + _inline(" ".join(s.strip() for s in para)) + Markup("</p>"))
            para.clear()
        if items:
            parts.append(Markup("<ul>") + Markup("").join(
                Markup("<li>") + _inline(it) + Markup("</li>") for it in items) + Markup("</ul>"))
            items.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if stripped.startswith("```"):
            flush()
            j = i + 1
            code = []
            while j < len(lines) and not lines[j].strip().startswith("```"):
                code.append(lines[j])
                j += 1
            parts.append(Markup('<pre class="doc-code">') + escape("\n".join(code)) + Markup("</pre>"))
            i = j + 1
            continue
        if stripped and nxt and set(nxt) <= {"-"} and len(nxt) >= 3 or \
                stripped and nxt and set(nxt) <= {"="} and len(nxt) >= 3:
            flush()
            parts.append(Markup("<h4>") + _inline(stripped) + Markup("</h4>"))
            i += 2
            continue
        if stripped.startswith("#"):
            flush()
            parts.append(Markup("<h4>") + _inline(stripped.lstrip("#").strip()) + Markup("</h4>"))
            i += 1
            continue
        if not stripped:
            flush()
            i += 1
            continue
        if (line.startswith("    ") or line.startswith("\t")) and not para and not items:
            code = []
            while i < len(lines) and (lines[i].startswith(("    ", "\t")) or not lines[i].strip()):
                code.append(lines[i])
                i += 1
            while code and not code[-1].strip():
                code.pop()
            parts.append(Markup('<pre class="doc-code">') + escape(textwrap.dedent("\n".join(code)))
                         + Markup("</pre>"))
            continue
        if stripped.startswith(("- ", "* ")):
            if para:
                flush()
            items.append(stripped[2:])
            i += 1
            continue
        if items and line.startswith(" "):   # continuation of a list item
            items[-1] += " " + stripped
            i += 1
            continue
        if items:
            flush()
        para.append(stripped)
        i += 1
    flush()
    return Markup("\n").join(parts)


# -- SVG geometry -------------------------------------------------------------

def _clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


@dataclass
class ChainNode:
    function: str
    path: str
    steps: list[int]
    x: float = 0
    y: float = 0
    w: float = 0
    h: float = 40


@dataclass
class ChainEdge:
    d: str          # SVG path
    head: str       # arrowhead polygon points


@dataclass
class Chain:
    width: float
    height: float
    nodes: list[ChainNode]
    edges: list[ChainEdge]


def call_chain(f: Finding) -> Chain | None:
    """Boxes for the functions the evidence goes through (their step numbers on
    them), arrows in call order: from the function the evidence was in when it
    first reached a function, to that function (caller to callee). Going back
    up (a return) draws no arrow. None when everything happens in one function
    of one file."""
    order: list[tuple[str, str]] = [(f.path, f.function)]
    steps: dict[tuple[str, str], list[int]] = {order[0]: []}
    calls: list[tuple[tuple[str, str], tuple[str, str]]] = []
    current = order[0]
    for i, e in enumerate(f.evidence, 1):
        key = (e.path, e.function)
        if key not in steps:
            steps[key] = []
            order.append(key)
            # a new function whose step calls the current one is its caller (the evidence
            # went up: "foo() ... loses the error of bar(): x = bar(...)"), else its callee
            up = bool(current[1]) and key[1] != current[1] and f"{current[1]}(" in e.note
            calls.append((key, current) if up else (current, key))
        steps[key].append(i)
        current = key
    if len(order) < 2:
        return None
    char_w, pad, gap, h, margin = 7.4, 24, 26, 40, 10

    def label(fn: str, key) -> str:
        text = _clip(f"{fn}()" if fn else "?", 70)
        nums = steps[key]
        return f"{text} · {', '.join(map(str, nums[:8]))}{'…' if len(nums) > 8 else ''}" if nums else text

    labels = [(label(fn, (p, fn)), _clip(p, 80)) for p, fn in order]
    box_w = max(160.0, max(max(len(a) * char_w, len(b) * 6.4) for a, b in labels) + pad)
    nodes = []
    for idx, (key, (fn_label, path_label)) in enumerate(zip(order, labels)):
        nodes.append(ChainNode(fn_label, path_label, steps[key], x=margin,
                               y=margin + idx * (h + gap), w=box_w, h=h))
    index = {key: i for i, key in enumerate(order)}
    edges: list[ChainEdge] = []
    seen: set[tuple[int, int]] = set()
    for a, b in calls:
        ia, ib = index[a], index[b]
        if (ia, ib) in seen:
            continue
        seen.add((ia, ib))
        na, nb = nodes[ia], nodes[ib]
        cx = na.x + na.w / 2
        if ib == ia + 1:
            y1, y2 = na.y + na.h, nb.y
            edges.append(ChainEdge(f"M{cx:.1f},{y1:.1f} L{cx:.1f},{y2 - 6:.1f}",
                                   f"{cx - 5:.1f},{y2 - 7:.1f} {cx + 5:.1f},{y2 - 7:.1f} {cx:.1f},{y2:.1f}"))
        else:
            # Any other transition: a curve on the right side of the boxes.
            xr = na.x + na.w
            ya, yb = na.y + na.h / 2, nb.y + nb.h / 2
            bulge = xr + 30 + 8 * len(edges)
            edges.append(ChainEdge(
                f"M{xr:.1f},{ya:.1f} C{bulge:.1f},{ya:.1f} {bulge:.1f},{yb:.1f} {xr + 7:.1f},{yb:.1f}",
                f"{xr + 8:.1f},{yb - 5:.1f} {xr + 8:.1f},{yb + 5:.1f} {xr:.1f},{yb:.1f}"))
    width = margin * 2 + box_w + 40 + 8 * len(edges)
    height = margin * 2 + len(nodes) * h + (len(nodes) - 1) * gap
    return Chain(width, height, nodes, edges)


@dataclass
class TimelineMark:
    x: float
    sha12: str
    subject: str
    introduced: int
    fixed: int
    href: str


@dataclass
class Timeline:
    width: float
    height: float
    ticks: list[tuple[float, str, str]]   # x, sha12, subject
    marks: list[TimelineMark]
    first: str
    last: str


def timeline(result: RunResult, introduced: Counter, fixed: Counter) -> Timeline | None:
    commits = result.commits
    if not commits:
        return None
    width, left, right = 1000.0, 30.0, 970.0
    n = len(commits)

    def x(i: int) -> float:
        return (left + right) / 2 if n == 1 else left + i * (right - left) / (n - 1)

    ticks = [(x(i), c.display, c.subject) for i, c in enumerate(commits)] if n <= 600 else []
    marks = [TimelineMark(x(i), c.display, c.subject, introduced[c.sha], fixed[c.sha],
                          "#" + anchor("commit", c.key))
             for i, c in enumerate(commits) if introduced[c.sha] or fixed[c.sha]]
    return Timeline(width, 80.0, ticks, marks, commits[0].display, commits[-1].display)


# -- view models --------------------------------------------------------------

@dataclass
class ExcerptRow:
    n: int
    code: Markup
    mark: bool


@dataclass
class Step:
    n: int
    path: str
    line: int
    function: str
    note: str
    code: Markup | None


@dataclass
class HunkRow:
    cls: str
    origin: str
    old: int | None
    new: int | None
    text: str


@dataclass
class HunkView:
    path: str
    header: str
    rows: list[HunkRow]


@dataclass
class FindingView:
    f: Finding
    id: str
    rule_href: str
    sha: str
    excerpt: list[ExcerptRow] | None
    steps: list[Step]
    chain: Chain | None
    hunks: list[HunkView]
    hunks_sha: str | None
    hunks_label: str | None = None     # how the page names that commit (sha12 or [PATCH n/m])
    introduced_href: str | None = None


@dataclass
class CommitView:
    commit: CommitRef
    id: str
    url: str | None
    findings: list[FindingView] = field(default_factory=list)
    also_fixes: str | None = None      # href of this commit's fixed group


@dataclass
class FixedGroup:
    commit: CommitRef | None
    id: str
    commit_id: str | None              # id="commit-<sha12>" when no introducing section has it
    url: str | None
    findings: list[FindingView] = field(default_factory=list)
    introduced_href: str | None = None


@dataclass
class RuleView:
    id: str
    anchor: str
    title: str
    severity: str
    confidence: str
    doc: Markup
    documented: bool


def safe_commit_url(template: str | None, sha: str) -> str | None:
    """`template` with `{sha}` replaced, if it is an absolute http(s) URL."""
    if not template:
        return None
    url = template.replace("{sha}", sha)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        return None
    return url


def _hunk_view(path: str, h) -> HunkView:
    rows = []
    old, new = h.old_start, h.new_start
    for origin, text in h.lines:
        text = text.rstrip("\n")
        if origin == "+":
            rows.append(HunkRow("add", "+", None, new, text))
            new += 1
        elif origin == "-":
            rows.append(HunkRow("del", "-", old, None, text))
            old += 1
        else:
            rows.append(HunkRow("ctx", " ", old, new, text))
            old += 1
            new += 1
    return HunkView(path, h.header, rows)


class _Builder:
    def __init__(self, result: RunResult, sources, rule_docs: Mapping[str, Any],
                 commit_url: str | None):
        self.result = result
        self.src = sources if isinstance(sources, Sources) else Sources(sources)
        self.hl = Highlighter(self.src)
        self.rule_docs = rule_docs
        self.commit_url = commit_url
        self.ids: set[str] = set()
        self.labels = {c.sha: (c.patch.label + (" (the series applied)" if c.sha == result.head.sha else ""))
                       for c in (*result.commits, result.head) if c.patch is not None}

    def url(self, c) -> str | None:
        """A link to the commit; none for a series' scratch commit (it is in no tree)."""
        return None if c.patch is not None else safe_commit_url(self.commit_url, c.sha)

    def rev(self, sha: str | None) -> str:
        """How the page names a revision: sha12, or a series' patch label."""
        if not sha:
            return ""
        return self.labels.get(sha) or sha[:12]

    def unique(self, base: str, f: Finding | None = None) -> str:
        id_ = base
        if id_ in self.ids and f is not None:
            id_ = f"{base}-L{f.line}"
        n = 2
        while id_ in self.ids:
            id_ = f"{base}-{n}"
            n += 1
        self.ids.add(id_)
        return id_

    def finding(self, f: Finding, *, fixed: bool, section_ids: set[str]) -> FindingView:
        sha = excerpt_sha(self.result, f, fixed=fixed) or ""
        excerpt = None
        if sha:
            hl = self.hl.lines(sha, f.path)
            raw = self.src.lines(sha, f.path)
            if hl is not None and raw is not None and 1 <= f.line <= file_line_count(raw):
                first, last = excerpt_window(file_line_count(raw), f.line, EXCERPT_CONTEXT)
                excerpt = [ExcerptRow(n, hl[n - 1], n == f.line) for n in range(first, last + 1)]
        steps = [Step(i, e.path, e.line, e.function, e.note,
                      self.hl.line(sha, e.path, e.line) if sha else None)
                 for i, e in enumerate(f.evidence, 1)]
        hunk_commit = f.fixed_by if fixed else f.introduced_by
        hunks = []
        if hunk_commit is not None:
            hunks = [_hunk_view(p, h) for p, h in hunks_for_finding(self.src, hunk_commit.sha, f)]
        fv = FindingView(
            f=f,
            id=self.unique(anchor("fixed-finding" if fixed else "finding", f.fingerprint), f),
            rule_href="#" + anchor("rule", f.rule),
            sha=sha,
            excerpt=excerpt,
            steps=steps,
            chain=call_chain(f),
            hunks=hunks,
            hunks_sha=hunk_commit.sha if hunk_commit else None,
            hunks_label=hunk_commit.display if hunk_commit else None,
        )
        if f.introduced_by and anchor("commit", f.introduced_by.key) in section_ids:
            fv.introduced_href = "#" + anchor("commit", f.introduced_by.key)
        return fv

    def build(self, tool_version: str) -> dict[str, Any]:
        r = self.result
        intro_groups = group_by_commit(r, r.findings, "introduced_by")
        fixed_groups = group_by_commit(r, r.fixed, "fixed_by")
        intro_ids = {anchor("commit", g.commit.key) for g in intro_groups}
        fixed_by_sha = {g.commit.sha: anchor("fixed", g.commit.key) for g in fixed_groups}
        # Every id an in-page link may target, decided before links are made.
        section_ids = set(intro_ids) | {anchor("commit", g.commit.key) for g in fixed_groups}

        commits = []
        for g in intro_groups:
            cid = self.unique(anchor("commit", g.commit.key))
            cv = CommitView(g.commit, cid, self.url(g.commit),
                            also_fixes=("#" + fixed_by_sha[g.commit.sha]) if g.commit.sha in fixed_by_sha else None)
            cv.findings = [self.finding(f, fixed=False, section_ids=section_ids) for f in g.findings]
            commits.append(cv)

        loose = [self.finding(f, fixed=False, section_ids=section_ids) for f in unattributed(r.findings)]

        fixed = []
        for g in fixed_groups:
            gid = self.unique(anchor("fixed", g.commit.key))
            commit_id = None
            if anchor("commit", g.commit.key) not in intro_ids:
                commit_id = self.unique(anchor("commit", g.commit.key))
            fg = FixedGroup(g.commit, gid, commit_id, self.url(g.commit))
            if commit_id is None:
                fg.introduced_href = "#" + anchor("commit", g.commit.key)
            fg.findings = [self.finding(f, fixed=True, section_ids=section_ids) for f in g.findings]
            fixed.append(fg)
        no_commit = sorted_findings(f for f in r.fixed if f.fixed_by is None)
        if no_commit:
            fg = FixedGroup(None, self.unique("fixed-unknown"), None, None)
            fg.findings = [self.finding(f, fixed=True, section_ids=section_ids) for f in no_commit]
            fixed.append(fg)

        # Rules: those that ran, then any other a finding names.
        rule_ids: list[str] = []
        for rid in list(r.rules) + [f.rule for f in r.findings] + [f.rule for f in r.fixed]:
            if rid not in rule_ids:
                rule_ids.append(rid)
        rules = []
        for rid in rule_ids:
            d = self.rule_docs.get(rid)
            rules.append(RuleView(
                id=rid, anchor=self.unique(anchor("rule", rid)),
                title=getattr(d, "title", "") or "",
                severity=getattr(d, "severity", "") or "",
                confidence=getattr(d, "confidence", "") or "",
                doc=doc_html(getattr(d, "doc", "") or ""),
                documented=d is not None))

        # Counts by rule and severity.
        severities = ["error", "warning", "note"]
        for f in r.findings:
            if f.severity not in severities:
                severities.append(f.severity)
        counts = {rid: Counter() for rid in rule_ids}
        fixed_counts: Counter = Counter()
        for f in r.findings:
            counts[f.rule][f.severity] += 1
        for f in r.fixed:
            fixed_counts[f.rule] += 1
        totals = Counter(f.severity for f in r.findings)

        introduced_c = Counter(f.introduced_by.sha for f in r.findings if f.introduced_by)
        fixed_c = Counter(f.fixed_by.sha for f in r.fixed if f.fixed_by)

        stats = [(k, v) for k, v in (r.stats or {}).items()
                 if k not in ("parse_coverage", "commits")
                 and isinstance(v, (str, int, float)) and not isinstance(v, bool)]
        unparsed = sorted(r.unparsed, key=lambda u: (u.path, u.line, u.name))

        return dict(
            r=r, tool_version=tool_version, csp=CSP, hl_css=Markup(pygments_css()),
            title=(f"errpath {r.base.sha12}..{r.head.display}" if r.base else f"errpath {r.head.sha12}"),
            rev=self.rev, series=r.head.patch is not None,
            commits=commits, loose=loose, fixed=fixed, rules=rules,
            severities=severities, counts=counts, fixed_counts=fixed_counts, totals=totals,
            coverage=parse_coverage_text(r.stats or {}), stats=stats, unparsed=unparsed,
            timeline=timeline(r, introduced_c, fixed_c),
            base_url=safe_commit_url(self.commit_url, r.base.sha) if r.base else None,
            head_url=self.url(r.head),
        )


def render_html(result: RunResult, *, sources=None, tool_version: str,
                rule_docs: Mapping[str, Any], commit_url: str | None = None) -> str:
    ctx = _Builder(result, sources, rule_docs, commit_url).build(tool_version)
    return environment().get_template("report.html.j2").render(**ctx)
