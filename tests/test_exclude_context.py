"""--exclude means "do not report"; what is analysed is the paths plus --context
(issue 23, item 5). On the folio-err-ptr story, the iomap NOWAIT finding rests
on mm/filemap.c's __filemap_get_folio(): excluding mm/filemap.c must not remove
it, and leaving mm/ out of the paths removes it unless --context mm/ brings the
callee back."""
from __future__ import annotations

from pathlib import Path

import pytest

from clirun import errpath
from errpath.cli.story import build_story

STORIES = Path(__file__).resolve().parent.parent / "fixtures" / "histories"


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("exclude")
    shas = build_story(STORIES / "folio-err-ptr", tmp / "repo")
    return tmp, shas


def audit(story, *args):
    tmp, _ = story
    r = errpath("audit", "v6.3..v6.4", *args, "--repo", str(tmp / "repo"), "--no-cache", "-j", "1",
                "--select", "nowait-enomem,err-ptr-null-mismatch", "--format", "json", cwd=tmp)
    assert r.code in (0, 1) and "Traceback" not in r.err, r.err
    return sorted((f["path"], f["rule"]) for f in r.json()["findings"]), r.json()


IOMAP = ("fs/iomap/buffered-io.c", "nowait-enomem")


def test_excluding_the_callee_file_keeps_the_caller_finding(story):
    both, _ = audit(story, "fs/iomap", "mm/")
    assert IOMAP in both
    kept, doc = audit(story, "fs/iomap", "mm/", "--exclude", "mm/filemap.c")
    assert IOMAP in kept                                  # still analysed, so still found
    assert not any(path.startswith("mm/") for path, _ in kept)   # and mm/filemap.c not reported
    f = next(f for f in doc["findings"] if f["path"] == IOMAP[0])
    assert f["introduced_by"]["sha"] == story[1]["err-ptr"]


def test_excluding_the_caller_drops_only_its_report(story):
    kept, _ = audit(story, "fs/iomap", "mm/", "--exclude", "fs/iomap/")
    assert IOMAP not in kept


def test_exclude_in_the_config_file_means_the_same(story, tmp_path):
    cfg = tmp_path / "errpath.toml"
    cfg.write_text('[paths]\nexclude = ["mm/filemap.c"]\n')
    kept, _ = audit(story, "fs/iomap", "mm/", "--config", str(cfg))
    assert IOMAP in kept and not any(p.startswith("mm/") for p, _ in kept)


def test_context_is_what_widens_the_analysis(story):
    alone, _ = audit(story, "fs/iomap")
    assert IOMAP not in alone                             # the callee's body was never read
    widened, doc = audit(story, "fs/iomap", "--context", "mm/")
    assert IOMAP in widened
    assert all(f["path"].startswith("fs/iomap/") for f in doc["findings"])   # context is never reported
