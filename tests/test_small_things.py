"""Smaller things a user noticed (issue 23, item 10), each through the CLI."""
from __future__ import annotations

import re

import pytest

from clirun import errpath
from histories import History
from inproc import BAD_NAME_RULE, fn, rules_dir


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("small")
    h = History(tmp)
    h.commit("base", {"fs/a.c": fn("good_a")})
    h.tag("v1", "HEAD")
    h.commit("bad", {"fs/a.c": fn("good_a") + fn("bad_a")})
    h.tag("v2", "HEAD")
    return h, rules_dir(tmp, BAD_NAME_RULE), tmp


def ep(k, *args, cwd=None):
    h, rules, tmp = k
    return errpath(*args, "--rules-dir", str(rules), "--select", "bad-name", cwd=cwd or h.path,
                   env_extra={"XDG_CACHE_HOME": str(tmp / "cache")})


def test_scan_summary_names_the_revision_not_commit_count(kernel):
    r = ep(kernel, "scan", "--no-cache")
    last = r.err.splitlines()[-1]
    assert "commit(s)" not in last and re.search(r"; at [0-9a-f]{12}, 1 file\(s\)", last), last


def test_audit_of_one_revision_is_refused(kernel):
    r = ep(kernel, "audit", "v2", "--no-cache")
    assert r.code == 2 and r.out == "" and len(r.err.splitlines()) == 1
    assert "audit needs a range BASE..HEAD, not one revision 'v2'" in r.err and "v2~1..v2" in r.err


def test_baseline_help_lists_only_what_applies(kernel):
    r = errpath("baseline", "--help")
    assert r.code == 0
    options = r.out.split("Options:", 1)[1]
    for flag in ("--format", "--fail-on", "--baseline", "--commit-url", "--reproducible"):
        assert not re.search(rf"^\s+{flag}\b", options, re.M), flag
    assert "--rev" in options and "--select" in options and "--output" in options
    r = ep(kernel, "baseline", "v1..v2", "--format", "json", "-o", "-", "--no-cache")
    assert r.code == 2 and len(r.err.splitlines()) == 1
    assert "--format does not apply to errpath baseline" in r.err


def test_where_the_config_comes_from(kernel):
    h = kernel[0]
    r = ep(kernel, "scan", "--no-cache", "-v")
    assert "errpath: config: none (.errpath.toml is not in HEAD's tree); .errpath.toml is read from " \
           "the HEAD commit, not the work tree" in r.err
    (h.path / ".errpath.toml").write_text('[rules]\nfail-on = "none"\n')
    try:
        r = ep(kernel, "scan", "--no-cache")
        assert r.code == 1                                  # the uncommitted file is not read ...
        assert "errpath: note: .errpath.toml in the work tree is not committed; errpath reads the " \
               "committed one (commit it: git add -f .errpath.toml" in r.err   # ... and it says so
        assert ep(kernel, "scan", "--no-cache", "--config", str(h.path / ".errpath.toml")).code == 0
    finally:
        (h.path / ".errpath.toml").unlink()


def test_html_without_o_never_writes_into_the_kernel_tree(kernel):
    h, _, tmp = kernel
    before = sorted(p.name for p in h.path.iterdir())
    r = ep(kernel, "audit", "v1..v2", "--format", "html", "--no-cache")
    assert r.code == 1, r.err
    assert sorted(p.name for p in h.path.iterdir()) == before
    written = re.search(r"report written to (\S+)", r.err).group(1)
    assert written.startswith(str(tmp / "cache" / "errpath" / "reports")) and written.endswith("index.html")


def test_html_call_chain_arrows_follow_the_calls(tmp_path):
    """The nowait-remap-lost story: iomap_write_iter() -> iomap_write_begin() ->
    __filemap_get_folio(); the evidence goes down and back up, the diagram draws
    the two calls, caller to callee, and no arrow for the returns."""
    from pathlib import Path

    from errpath.cli.story import build_story
    stories = Path(__file__).resolve().parent.parent / "fixtures" / "histories"
    build_story(stories / "nowait-remap-lost", tmp_path / "repo")
    r = errpath("audit", "v6.15..v6.16", "--repo", str(tmp_path / "repo"), "--no-cache", "-q",
                "--select", "nowait-enomem", "--format", "html", "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert r.code == 1, r.err
    html = (tmp_path / "out" / "index.html").read_text()
    fig = html[html.index('<figure class="chain">'):html.index("</figure>")]
    names = re.findall(r'<text class="fn"[^>]*>([^<]+)</text>', fig)
    # the evidence also names the caller that loses the error: drawn last, its arrow
    # points down the call, at iomap_write_iter()
    assert [n.split("()")[0] for n in names] == ["iomap_write_iter", "iomap_write_begin", "__filemap_get_folio",
                                                 "iomap_file_buffered_write"]
    edges = re.findall(r'<path class="edge" d="M[\d.]+,([\d.]+) .*?([\d.]+)"/>', fig)
    assert len(edges) == 3
    y_from, y_to = map(float, edges[2])
    assert y_from > y_to           # from the caller's box (drawn last) up to iomap_write_iter()
    assert "arrows: calls, caller to callee" in fig


@pytest.mark.parametrize("rule_id", ["zero-step-loop", "atomic-account", "nowait-enomem", "err-ptr-null-mismatch",
                                     "nowait-blocks", "missing-error-code"])
def test_shipped_rule_docs_cite_upstream_not_the_projects_surroundings(rule_id):
    r = errpath("rule", rule_id)
    assert r.code == 0, r.err
    assert "../shared" not in r.out and "shared/seeds" not in r.out
    assert not re.search(r"\b[Ss]eed 0\d\d\b|\bissue \d+\b", r.out), rule_id
