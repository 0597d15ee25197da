"""Paths are read from where you stand (issue 23, item 3): inside a kernel
checkout, `errpath scan .` in fs/iomap/ scans fs/iomap/, not the whole kernel,
`errpath scan buffered-io.c` scans that file, and a path that matches nothing
is an error (exit 2: a typo in CI must not pass) unless --allow-empty."""
from __future__ import annotations

import json

import pytest

from clirun import errpath
from histories import History
from inproc import BAD_NAME_RULE, fn, rules_dir


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stand")
    h = History(tmp)
    h.commit("base", {"README": "x\n", "fs/iomap/buffered-io.c": fn("good_io"),
                      "mm/filemap.c": fn("good_mm")})
    h.tag("v1", "HEAD")
    h.commit("bad ones", {"fs/iomap/buffered-io.c": fn("good_io") + fn("bad_io"),
                          "fs/iomap/direct-io.c": fn("bad_dio"),
                          "mm/filemap.c": fn("good_mm") + fn("bad_mm")})
    for d in ("fs/iomap", "mm"):             # as in a checkout: the folders are there
        (h.path / d).mkdir(parents=True)
    return h, rules_dir(tmp, BAD_NAME_RULE), tmp


def ep(k, *args, cwd):
    h, rules, tmp = k
    return errpath(*args, "--no-cache", "--rules-dir", str(rules), "--select", "bad-name",
                   "--format", "json", cwd=cwd, env_extra={"XDG_CACHE_HOME": str(tmp / "cache")})


def functions(r):
    assert "Traceback" not in r.err, r.err
    return sorted(f["function"] for f in json.loads(r.out)["findings"])


def test_scan_dot_in_a_subfolder_scans_that_folder(kernel):
    h = kernel[0]
    r = ep(kernel, "scan", ".", cwd=h.path / "fs/iomap")
    assert r.code == 1 and functions(r) == ["bad_dio", "bad_io"]
    assert json.loads(r.out)["paths"] == ["fs/iomap"]


def test_a_file_name_in_a_subfolder(kernel):
    h = kernel[0]
    r = ep(kernel, "scan", "buffered-io.c", cwd=h.path / "fs/iomap")
    assert r.code == 1 and functions(r) == ["bad_io"]
    assert json.loads(r.out)["paths"] == ["fs/iomap/buffered-io.c"]


def test_parent_and_top_relative_paths(kernel):
    h = kernel[0]
    assert functions(ep(kernel, "scan", "../../mm/", cwd=h.path / "fs/iomap")) == ["bad_mm"]
    assert functions(ep(kernel, "scan", ":/mm", cwd=h.path / "fs/iomap")) == ["bad_mm"]
    assert functions(ep(kernel, "audit", "v1..HEAD", "direct-io.c", cwd=h.path / "fs/iomap")) == ["bad_dio"]
    assert functions(ep(kernel, "scan", "mm", cwd=h.path)) == ["bad_mm"]   # at the top, as before


def test_from_outside_the_work_tree_paths_are_from_the_top(kernel):
    h, _, tmp = kernel
    r = ep(kernel, "scan", "fs/iomap/", "--repo", str(h.path), cwd=tmp)
    assert r.code == 1 and functions(r) == ["bad_dio", "bad_io"]


def test_a_path_that_matches_nothing_is_an_error(kernel):
    h = kernel[0]
    r = ep(kernel, "scan", "bufered-io.c", cwd=h.path / "fs/iomap")
    assert r.code == 2 and r.out == ""
    assert r.err.splitlines() == ["errpath: error: path 'fs/iomap/bufered-io.c' matches nothing at HEAD "
                                  "(paths are read from the current directory inside the work tree; "
                                  "--allow-empty accepts it)"]
    r = ep(kernel, "audit", "v1..HEAD", "drivers/nothing/", cwd=h.path)
    assert r.code == 2 and "path 'drivers/nothing/' matches nothing in v1..HEAD" in r.err
    assert len(r.err.splitlines()) == 1


def test_allow_empty_accepts_it_with_a_warning(kernel):
    h = kernel[0]
    r = ep(kernel, "scan", "bufered-io.c", "buffered-io.c", "--allow-empty", cwd=h.path / "fs/iomap")
    assert r.code == 1 and functions(r) == ["bad_io"]
    assert "errpath: warning: path 'fs/iomap/bufered-io.c' matches nothing at HEAD" in r.err


def test_a_path_leaving_the_work_tree_is_an_error(kernel):
    h = kernel[0]
    r = ep(kernel, "scan", "../../../elsewhere", cwd=h.path / "fs/iomap")
    assert r.code == 2 and len(r.err.splitlines()) == 1
    assert "invalid pathspec: ../../../elsewhere is outside the work tree" in r.err


def test_a_hostile_path_stays_escaped_in_the_error(kernel):
    h = kernel[0]
    r = ep(kernel, "scan", "no\x1b[2Jthing\nerrpath: all clear", cwd=h.path)
    assert r.code == 2 and len(r.err.splitlines()) == 1 and "\x1b" not in r.err
    assert "\\x1b[2J" in r.err and "\\n" in r.err
