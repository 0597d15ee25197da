"""Blame across files: a commit that changes a callee's contract in one file
creates (or fixes) a finding in an unchanged caller in another, and
`errpath audit A..B --format json` names that commit and shows the callee's
old and new behaviour."""
from __future__ import annotations

from pathlib import Path

import pytest

from errpath.story import build_story
from histories import History
from inproc import run

STORIES = Path(__file__).resolve().parent.parent / "fixtures" / "histories"


def audit(repo: Path, spec: str, *paths: str, extra=()):
    r = run("audit", spec, *paths, "--repo", str(repo), "--format", "json", "--no-cache", "-q",
            "-j", "1", "--select", "nowait-enomem,err-ptr-null-mismatch", *extra)
    assert r.code in (0, 1), r.err
    return r.json()


@pytest.fixture(scope="module")
def seed_story(tmp_path_factory):
    where = tmp_path_factory.mktemp("folio-err-ptr") / "repo"
    return where, build_story(STORIES / "folio-err-ptr", where)


@pytest.fixture(scope="module")
def remap_story(tmp_path_factory):
    where = tmp_path_factory.mktemp("nowait-remap-lost") / "repo"
    return where, build_story(STORIES / "nowait-remap-lost", where)


def _by_rule(doc) -> dict:
    return {f["rule"]: f for f in doc["findings"]}


def test_forgotten_caller_is_blamed_on_the_callee_commit(seed_story):
    repo, shas = seed_story
    doc = audit(repo, "v6.3..v6.4")
    found = _by_rule(doc)
    assert set(found) == {"err-ptr-null-mismatch", "nowait-enomem"}
    f = found["err-ptr-null-mismatch"]
    # the finding lands in the caller nobody touched ...
    assert (f["path"], f["function"]) == ("fs/nfs/file.c", "nfs_write_begin")
    # ... and is pinned on the mm/ commit that changed the callee
    assert f["introduced_by"]["sha"] == shas["err-ptr"]
    assert f["fixes_tag"].startswith(f"Fixes: {shas['err-ptr'][:12]} (\"mm: return an ERR_PTR")
    change = [e for e in f["evidence"] if "changed __filemap_get_folio()" in e["note"]]
    assert change and change[0]["path"] == "mm/filemap.c"
    note = change[0]["note"]
    assert "before: NULL" in note and "after: ERR_PTR(" in note and "NULL -> ERR_PTR" in note
    # the same refactor dropped iomap's NOWAIT remap
    g = found["nowait-enomem"]
    assert (g["path"], g["function"]) == ("fs/iomap/buffered-io.c", "iomap_write_iter")
    assert g["introduced_by"]["sha"] == shas["err-ptr"]
    blamed = {x["introduced_by"]["sha"] for x in doc["findings"]}
    assert not blamed & {shas["mm-doc"], shas["nfs-comment"]}


def test_dropped_remap_in_mm_is_blamed_for_the_iomap_finding(remap_story):
    repo, shas = remap_story
    doc = audit(repo, "v6.15..v6.16")
    assert [(f["rule"], f["path"], f["function"]) for f in doc["findings"]] == [
        ("nowait-enomem", "fs/iomap/buffered-io.c", "iomap_write_iter")]
    f = doc["findings"][0]
    assert f["introduced_by"]["sha"] == shas["drop-remap"]
    notes = [e["note"] for e in f["evidence"]]
    # evidence order: the flag test, the non-blocking allocation, the -ENOMEM, the returns
    flag = next(i for i, n in enumerate(notes) if n.startswith("NOWAIT flag tested"))
    alloc = next(i for i, n in enumerate(notes) if "can fail (non-blocking" in n)
    enomem = next(i for i, n in enumerate(notes) if n.startswith("-ENOMEM"))
    ret = max(i for i, n in enumerate(notes) if n.startswith("returns"))
    assert flag < alloc < enomem < ret
    change = next(n for n in notes if "changed __filemap_get_folio()" in n)
    assert "-EAGAIN under NOWAIT" in change.split("after:")[0]
    assert "EAGAIN remap lost" in change


def test_scoped_audit_with_context_blames_the_same_commit(remap_story):
    repo, shas = remap_story
    doc = audit(repo, "v6.15..v6.16", "fs/iomap", extra=("--context", "mm"))
    assert [f["introduced_by"]["sha"] for f in doc["findings"]] == [shas["drop-remap"]]
    # without mm/ as context the callee is unknown: no claim
    assert audit(repo, "v6.15..v6.16", "fs/iomap")["findings"] == []


def test_a_callee_fix_in_another_file_is_reported_as_fixed(tmp_path):
    story = STORIES / "nowait-remap-lost"
    h = History(tmp_path)
    bad = h.commit("mm, iomap: write path", {
        "mm/filemap.c": (story / "filemap-v2.c").read_bytes(),
        "fs/iomap/buffered-io.c": (story / "iomap-v1.c").read_bytes()})
    fix = h.commit("mm: return -EAGAIN for failed NOWAIT folio allocations",
                   {"mm/filemap.c": (story / "filemap-v1.c").read_bytes()})
    doc = audit(h.path, f"{bad}..{fix}")
    assert doc["findings"] == []
    assert len(doc["fixed"]) == 1
    f = doc["fixed"][0]
    assert (f["rule"], f["function"]) == ("nowait-enomem", "iomap_write_iter")
    assert f["fixed_by"]["sha"] == fix
    assert any("changed __filemap_get_folio()" in e["note"] and "EAGAIN remap added" in e["note"]
               for e in f["evidence"])
