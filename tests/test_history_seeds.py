"""The seeds replayed as git histories and audited through the command line:
the right commit is blamed, and nothing else in the range is."""
from __future__ import annotations

import pytest

from clirun import errpath
from errpath.cli.story import build_story, builtin_story_dir


@pytest.fixture(scope="module")
def overflow(tmp_path_factory):
    where = tmp_path_factory.mktemp("overflow") / "linux"
    return where, build_story(builtin_story_dir("overflow-memcg"), where)


@pytest.fixture(scope="module")
def start_write(tmp_path_factory):
    where = tmp_path_factory.mktemp("start-write") / "linux"
    return where, build_story(builtin_story_dir("nowait-start-write"), where)


def test_accounted_atomic_allocation_is_blamed_on_the_commit_that_charged_it(overflow):
    where, shas = overflow
    r = errpath("audit", "v1.0..v1.1", "--format", "json", "--no-cache", cwd=where)
    assert r.code == 1, r.err
    doc = r.json()
    mine = [f for f in doc["findings"] if f["rule"] == "atomic-account"]
    assert len(mine) == 1 and len(doc["findings"]) == 1
    f = mine[0]
    assert (f["path"], f["line"], f["function"]) == ("io_ring/ring.c", 9, "ring_cqe_overflow")
    assert f["introduced_by"]["sha"] == shas["account"]
    assert f["fixes_tag"] == f'Fixes: {shas["account"][:12]} ("ring: charge overflow entries to the memory cgroup")'
    assert f["confidence"] == "high"          # ring_nop() takes issue_flags: the io_uring issue path
    assert "GFP_NOWAIT | __GFP_ACCOUNT" in f["message"]
    assert any("ring_nop()" in e["note"] for e in f["evidence"])


def test_the_gfp_nowait_fix_is_reported_fixed(overflow):
    where, shas = overflow
    doc = errpath("audit", "v1.1..v1.2", "--format", "json", "--no-cache", cwd=where).json()
    assert doc["findings"] == []
    assert [(f["rule"], f["fixed_by"]["sha"]) for f in doc["fixed"]] == [("atomic-account", shas["fix"])]


def test_nowait_blocking_is_blamed_on_the_simplification_not_the_trylock_helper(start_write):
    where, shas = start_write
    r = errpath("audit", "v1.0..v1.1", "--format", "json", "--no-cache", cwd=where)
    assert r.code == 1, r.err
    doc = r.json()
    assert [f["rule"] for f in doc["findings"]] == ["nowait-blocks"]
    f = doc["findings"][0]
    assert (f["path"], f["line"], f["function"]) == ("io_ring/rw.c", 20, "ring_write")
    assert f["introduced_by"]["sha"] == shas["simplify"]
    assert "sb_start_write_trylock()" in f["message"] and "IOCB_NOWAIT" in f["message"]
    assert f["evidence"][0]["note"].startswith("IOCB_NOWAIT set here")
    # the xfs-like trylock helper added in the same range stays silent
    assert not any(x["path"] == "fs/demo/file.c" for x in doc["findings"])
