"""GitSourceView over a tiny pygit2 repository (errpath.git.Repo and raw pygit2)."""
from __future__ import annotations

import pygit2
import pytest

from errpath.report import Hunk, SourceView, render
from errpath.report.sources import GitSourceView

OLD = "int f(void)\n{\n\treturn 0;\n}\n"
NEW = "int f(void)\n{\n\tif (x)\n\t\treturn -ENOMEM;\n\treturn 0;\n}\n"


def _commit(repo, files, parents, msg):
    builder = repo.TreeBuilder()
    sub = repo.TreeBuilder()
    for name, text in files.items():
        sub.insert(name, repo.create_blob(text.encode()), pygit2.GIT_FILEMODE_BLOB)
    builder.insert("mm", sub.write(), pygit2.GIT_FILEMODE_TREE)
    sig = pygit2.Signature("T", "t@example.org", 1_700_000_000, 0)
    return str(repo.create_commit("refs/heads/main", sig, sig, msg, builder.write(), parents))


@pytest.fixture
def report_git(tmp_path):
    repo = pygit2.init_repository(str(tmp_path / "r"), bare=True)
    c1 = _commit(repo, {"a.c": OLD, "b.c": "x\n"}, [], "mm: add a")
    c2 = _commit(repo, {"a.c": NEW, "b.c": "x\n"}, [c1], "mm: change a")
    return repo, c1, c2


def _views(repo):
    views = [GitSourceView(repo)]
    try:
        from errpath.git.repo import Repo
    except ImportError:  # the git layer is optional for the formatters
        return views
    views.append(GitSourceView(Repo(repo.path)))
    return views


def test_git_source_view(report_git):
    repo, c1, c2 = report_git
    for view in _views(repo):
        assert isinstance(view, SourceView)
        assert view.text(c1, "mm/a.c") == OLD
        assert view.text(c2, "mm/a.c") == NEW
        assert view.text(c2, "mm/missing.c") is None
        (h,) = view.hunks(c2, "mm/a.c")
        assert isinstance(h, Hunk)
        assert (h.old_start, h.new_start) == (1, 1)
        assert ("+", "\tif (x)") in h.lines and ("+", "\t\treturn -ENOMEM;") in h.lines
        assert view.hunks(c2, "mm/b.c") == []
        root = view.hunks(c1, "mm/a.c")     # root commit: diff against the empty tree
        assert root and all(o == "+" for h in root for o, _ in h.lines)


def test_pygit2_fallback_without_git_layer(report_git):
    """The adapter works on an object that only exposes a pygit2 repository."""
    repo, _, c2 = report_git

    class Bare:
        pygit2_repo = repo

    view = GitSourceView(Bare())
    assert view.text(c2, "mm/a.c") == NEW
    assert len(view.hunks(c2, "mm/a.c")) == 1


def test_html_with_git_sources(report_git, report_result):
    from errpath.model import CommitRef, Evidence, Finding
    repo, c1, c2 = report_git
    ref = CommitRef(c2, "mm: change a", "T <t@example.org>", "2023-11-14T22:13:20+00:00")
    report_result.findings = [Finding(
        rule="nowait-enomem", severity="warning", confidence="high", path="mm/a.c", line=4,
        column=3, function="f", message="returns -ENOMEM",
        evidence=[Evidence("mm/a.c", 3, "f", "tests x")], introduced_by=ref)]
    report_result.fixed = []
    report_result.commits = [ref]
    report_result.head = ref
    html = render(report_result, "html", sources=GitSourceView(repo), tool_version="0", rule_docs={})
    assert '<tr class="mark"><td class="ln">4</td>' in html
    assert "@@ -1,4 +1,6 @@" in html
