"""The `errpath` process leaves with os._exit (errpath.cli.entry), skipping the
interpreter's object-by-object teardown: what a user sees must not change. Its
whole report still reaches a pipe, its exit code still says what --fail-on
says, a reader that goes away early gets no traceback, and a series' scratch
object database (an atexit handler) is still removed."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from clirun import errpath
from errpath.cli.story import build_story, builtin_story_dir


def _story(tmp_path):
    where = tmp_path / "linux"
    build_story(builtin_story_dir("discard-loop"), where)
    return where


def test_the_whole_report_reaches_a_pipe_and_the_exit_code_follows_fail_on(tmp_path):
    where = _story(tmp_path)
    found = errpath("audit", "v1.0..v1.1", "--format", "json", "--no-cache", cwd=where)
    assert found.code == 1, found.err
    doc = json.loads(found.out)          # complete: it parses
    assert doc["findings"] and found.out.rstrip().endswith("}")
    assert found.err.count("\n") <= 2 and "Traceback" not in found.err
    calm = errpath("audit", "v1.0..v1.1", "--format", "json", "--no-cache", "--fail-on", "none", cwd=where)
    assert calm.code == 0 and json.loads(calm.out)["findings"] == doc["findings"]
    usage = errpath("audit", "v1.0..v1.1", "--format", "nonsense", cwd=where)
    assert usage.code == 2 and "Traceback" not in usage.err


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    where = _story(tmp_path)
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / ".cache"))
    p = subprocess.Popen([sys.executable, "-m", "errpath", "audit", "v1.0..v1.1", "--format", "json",
                          "--no-cache"], cwd=where, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL)
    p.stdout.read(1)
    p.stdout.close()                      # `errpath ... | head -c 1`
    err = p.stderr.read().decode()
    p.wait(timeout=120)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert p.returncode in (0, 1, 120), (p.returncode, err)


def test_a_series_scratch_database_is_removed_on_the_way_out(tmp_path):
    where = _story(tmp_path)
    patch = subprocess.run(["git", "format-patch", "--stdout", "v1.0..v1.1"], cwd=where,
                           capture_output=True, text=True, check=True).stdout
    (tmp_path / "series.mbox").write_text(patch)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    ok = errpath("audit", "--series", str(tmp_path / "series.mbox"), "--onto", "v1.0", "--format", "json",
                 "--no-cache", cwd=where, env_extra={"TMPDIR": str(scratch)})
    assert ok.code == 1 and json.loads(ok.out)["findings"], ok.err
    assert not any(scratch.iterdir()), sorted(p.name for p in scratch.iterdir())
    # onto v1.1 the patch is already in: nothing applies, and only the atexit
    # handler is left to remove the scratch database
    failed = errpath("audit", "--series", str(tmp_path / "series.mbox"), "--onto", "v1.1", "--no-cache",
                     cwd=where, env_extra={"TMPDIR": str(scratch)})
    assert failed.code == 2 and failed.err.count("\n") == 1 and "Traceback" not in failed.err, failed.err
    assert not any(scratch.iterdir()), sorted(p.name for p in scratch.iterdir())
