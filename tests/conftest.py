"""Shared pytest fixtures.

Report fixtures (prefix `report_`): hand-built RunResults and an in-memory
SourceView, so the formatter tests need no git repository.
"""
from __future__ import annotations

import pytest

from errpath.model import CommitRef, Evidence, Finding, RunResult, UnparsedFunction
from errpath.report import Hunk, RuleDoc


class FakeSourceView:
    """In-memory SourceView: texts[(sha, path)] and hunks[(sha, path)]."""

    def __init__(self, texts=None, hunks=None):
        self.texts = dict(texts or {})
        self.hunk_map = dict(hunks or {})
        self.calls: list[tuple[str, str, str]] = []

    def text(self, sha, path):
        self.calls.append(("text", sha, path))
        return self.texts.get((sha, path))

    def hunks(self, sha, path):
        self.calls.append(("hunks", sha, path))
        return list(self.hunk_map.get((sha, path), []))


def _sha(n: int) -> str:
    return f"{n:02x}" * 20


def _commit(n: int, subject: str, author: str = "A. U. Thor <author@example.org>") -> CommitRef:
    return CommitRef(_sha(n), subject, author, f"2023-08-{n:02d}T10:00:00+02:00")


IOMAP_SRC = "\n".join([
    "// SPDX-License-Identifier: GPL-2.0",
    "#include <linux/iomap.h>",
    "",
    "static int iomap_write_begin(struct iomap_iter *iter, loff_t pos, unsigned len)",
    "{",
    "\tstruct folio *folio;",
    "\tint status = 0;",
    "",
    "\tfolio = __iomap_get_folio(iter, pos, len);",
    "\tif (IS_ERR(folio))",
    "\t\treturn PTR_ERR(folio);\t/* -ENOMEM under IOCB_NOWAIT */",
    "",
    "\tif (pos + len > folio_pos(folio) + folio_size(folio))",
    "\t\tlen = folio_pos(folio) + folio_size(folio) - pos;",
    "\treturn status;",
    "}",
    "",
]) + "\n"

FILEMAP_SRC = "\n".join([
    "struct folio *__filemap_get_folio(struct address_space *mapping, pgoff_t index,",
    "\t\tfgf_t fgp_flags, gfp_t gfp)",
    "{",
    "\tstruct folio *folio;",
    "",
    "\tif (fgp_flags & FGP_NOWAIT)",
    "\t\tgfp &= ~__GFP_DIRECT_RECLAIM;",
    "\tfolio = filemap_alloc_folio(gfp, 0);",
    "\tif (!folio)",
    "\t\treturn ERR_PTR(-ENOMEM);",
    "\treturn folio;",
    "}",
]) + "\n"

BLK_SRC = "".join(f"\tline {i};\n" for i in range(1, 80))


@pytest.fixture
def report_commits() -> list[CommitRef]:
    return [
        _commit(1, "mm: base of the range"),
        _commit(2, "mm: make __filemap_get_folio honour FGP_NOWAIT"),
        _commit(3, "fs: unrelated cleanup"),
        _commit(4, "block: add bio_allowed_max_sectors()"),
        _commit(5, "iomap: fix the old zero-length loop"),
        _commit(6, "mm: head of the range"),
    ]


@pytest.fixture
def report_rule_docs() -> dict[str, RuleDoc]:
    return {
        "nowait-enomem": RuleDoc(
            "nowait-enomem", "NOWAIT path returns -ENOMEM instead of -EAGAIN", "warning", "high",
            "A NOWAIT path fails with -ENOMEM.\n\nWhat it finds\n-------------\n"
            "A function that tests `IOCB_NOWAIT` and returns **-ENOMEM**.\n\n"
            "Example\n-------\n    if (!folio)\n            return -ENOMEM;\n\n"
            "References\n----------\n- seed 000\n- b88aef36b87c (\"block: fix\")\n"),
        "zero-step-loop": RuleDoc(
            "zero-step-loop", "A loop whose step can be 0", "error", "medium",
            "A loop that may never end.\n"),
    }


@pytest.fixture
def report_result(report_commits) -> RunResult:
    c = report_commits
    a = Finding(
        rule="nowait-enomem", severity="warning", confidence="high",
        path="fs/iomap/buffered-io.c", line=11, column=3, function="iomap_write_begin",
        message="NOWAIT write returns -ENOMEM from __filemap_get_folio(); callers expect -EAGAIN",
        names=("folio",),
        evidence=[
            Evidence("fs/iomap/buffered-io.c", 9, "iomap_write_begin", "calls __iomap_get_folio() with FGP_NOWAIT"),
            Evidence("mm/filemap.c", 8, "__filemap_get_folio", "allocation without direct reclaim can fail"),
            Evidence("mm/filemap.c", 10, "__filemap_get_folio", "returns ERR_PTR(-ENOMEM)"),
            Evidence("fs/iomap/buffered-io.c", 11, "iomap_write_begin", "passes the error up"),
        ],
        introduced_by=c[1], depends_on=("fs/iomap/buffered-io.c", "mm/filemap.c"))
    b = Finding(
        rule="nowait-enomem", severity="warning", confidence="medium",
        path="mm/filemap.c", line=10, column=10, function="__filemap_get_folio",
        message="returns -ENOMEM on a NOWAIT path", names=("gfp",),
        evidence=[Evidence("mm/filemap.c", 6, "__filemap_get_folio", "tests FGP_NOWAIT"),
                  Evidence("mm/filemap.c", 10, "__filemap_get_folio", "returns ERR_PTR(-ENOMEM)")],
        introduced_by=c[1])
    cc = Finding(
        rule="zero-step-loop", severity="error", confidence="medium",
        path="block/blk-lib.c", line=40, column=2, function="__blkdev_issue_discard",
        message="loop step req_sects can be 0: bio_allowed_max_sectors() may return 0",
        names=("nr_sects", "req_sects"),
        evidence=[Evidence("block/blk-lib.c", 38, "__blkdev_issue_discard", "req_sects = min(...)"),
                  Evidence("block/blk-merge.c", 5, "bio_allowed_max_sectors", "returns round_down(UINT_MAX, lbs) >> 9")],
        introduced_by=c[3])
    d = Finding(
        rule="zero-step-loop", severity="warning", confidence="low",
        path="block/blk-lib.c", line=70, column=1, function="blkdev_issue_zeroout",
        message="loop step can be 0 (callee not proven nonzero)", names=("len",))
    fixed_old = Finding(
        rule="zero-step-loop", severity="error", confidence="medium",
        path="fs/iomap/buffered-io.c", line=13, column=2, function="iomap_write_begin",
        message="loop step len can be 0", names=("len",),
        introduced_by=_commit(0x30, "iomap: old commit before the range"), fixed_by=c[4])
    fixed_by_intro = Finding(
        rule="nowait-enomem", severity="warning", confidence="high",
        path="mm/filemap.c", line=7, column=3, function="filemap_alloc_folio",
        message="old NOWAIT ENOMEM", names=("x",), fixed_by=c[1])
    return RunResult(
        base=c[0], head=c[-1], paths=["mm/", "fs/iomap", "block/"],
        rules=["nowait-enomem", "zero-step-loop"],
        findings=[cc, a, d, b], fixed=[fixed_old, fixed_by_intro],
        stats={"parse_coverage": 0.9234, "functions": 1234, "commits_analysed": 6},
        unparsed=[UnparsedFunction("mm/filemap.c", 200, "filemap_read", "parse-error"),
                  UnparsedFunction("block/blk-lib.c", 90, "blkdev_issue_secure_erase", "budget")],
        commits=list(c))


@pytest.fixture
def report_sources(report_commits) -> FakeSourceView:
    c = report_commits
    hunk_filemap = Hunk(5, 3, 5, 6, "@@ -5,3 +5,6 @@ struct folio *__filemap_get_folio(",
                        [(" ", ""), ("+", "\tif (fgp_flags & FGP_NOWAIT)"),
                         ("+", "\t\tgfp &= ~__GFP_DIRECT_RECLAIM;"), (" ", "\tfolio = filemap_alloc_folio(gfp, 0);"),
                         ("-", "\tif (folio == NULL)"), ("+", "\tif (!folio)"), (" ", "\t\treturn ERR_PTR(-ENOMEM);")])
    hunk_iomap_fix = Hunk(12, 2, 12, 3, "@@ -12,2 +12,3 @@",
                          [(" ", ""), ("+", "\tif (!len) return -EIO;"), (" ", "\treturn status;")])
    return FakeSourceView(
        # Findings' lines are head's, fixed findings' lines are base's (errpath.pipeline.attribution.audit).
        texts={
            (c[5].sha, "fs/iomap/buffered-io.c"): IOMAP_SRC,
            (c[5].sha, "mm/filemap.c"): FILEMAP_SRC,
            (c[5].sha, "block/blk-lib.c"): BLK_SRC,
            (c[0].sha, "fs/iomap/buffered-io.c"): IOMAP_SRC,
            (c[0].sha, "mm/filemap.c"): FILEMAP_SRC.replace("if (!folio)", "if (folio == NULL)"),
        },
        hunks={
            (c[1].sha, "mm/filemap.c"): [hunk_filemap],
            (c[4].sha, "fs/iomap/buffered-io.c"): [hunk_iomap_fix],
        })


HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>"


@pytest.fixture
def report_hostile():
    """A RunResult whose every repository-supplied string is hostile, and its sources."""
    subject = f"mm: {HOSTILE} \x1b[31mred\x1b[0m\r\u202eevil"
    author = 'Mallory "><img src=x onerror=alert(4)> <m@evil.example>\x07'
    path = "fs/<svg onload=alert(5)>\x1b.c"
    c1 = CommitRef("a" * 40, "base", "B <b@example.org>", "2023-01-01T00:00:00+00:00")
    c2 = CommitRef("b" * 40, subject, author, "2023-01-02T00:00:00+00:00")
    c3 = CommitRef("c" * 40, f"fix {HOSTILE}\x9b", author, "2023-01-03T00:00:00+00:00")
    src = ("int f(void)\n{\n\t/* </pre></td><script>alert(6)</script> \x1b[2J */\n"
           "\treturn -ENOMEM; /* <img src=x onerror=alert(7)> */\n}\n")
    f = Finding(rule="nowait-enomem", severity="warning", confidence="high", path=path, line=4,
                column=2, function="<img src=x onerror=alert(8)>",
                message=f"message {HOSTILE} \x1b]0;title\x07",
                evidence=[Evidence(path, 3, "f", f"note {HOSTILE}\r\x85"),
                          Evidence("mm/<b>x.c", 1, "<script>g", "other file")],
                introduced_by=c2)
    g = Finding(rule="<script>rule", severity="error", confidence="low", path=path, line=2,
                column=1, function="f", message="fixed " + HOSTILE, fixed_by=c3, introduced_by=c2)
    result = RunResult(base=c1, head=c3, paths=[path], rules=["nowait-enomem"],
                       findings=[f], fixed=[g], stats={"parse_coverage": 1.0},
                       unparsed=[UnparsedFunction(path, 9, "<script>h", f"parse-error {HOSTILE}")],
                       commits=[c1, c2, c3])
    sources = FakeSourceView(
        texts={(c3.sha, path): src, (c3.sha, "mm/<b>x.c"): "x <script>;\n", (c1.sha, path): src},
        hunks={(c2.sha, path): [Hunk(1, 0, 1, 5, f"@@ -0,0 +1,5 @@ {HOSTILE}",
                                     [("+", ln) for ln in src.split("\n")[:5]])],
               (c3.sha, path): [Hunk(2, 1, 2, 1, "@@ -2 +2 @@", [("-", "<script>"), ("+", "<img>")])]})
    docs = {"nowait-enomem": RuleDoc("nowait-enomem", f"title {HOSTILE}", "warning", "high",
                                     f"doc {HOSTILE}\n\n    code <script>\n\n- item `<img>`\n")}
    return result, sources, docs
