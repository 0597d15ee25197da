"""Real processes: Ctrl-C exits 130 with no partial report; kill -9 leaves the
cache usable (the next run works and gives the same results)."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from histories import History
from inproc import BAD_NAME_RULE

SLOW_RULE = '''"""Sleeps on every function and leaves a marker when it starts (a test rule)."""
import os
import time

from errpath.rules import Rule


class Slow(Rule):
    id = "slow"
    title = "sleeps"
    severity = "warning"
    confidence = "high"

    def check(self, fn, ctx):
        open(os.environ["ERRPATH_TEST_MARKER"], "a").close()
        time.sleep(0.05)
        return []


RULE = Slow()
'''


def fn_src(i: int) -> str:
    return (f"int f{i}(int x)\n{{\n\twhile (x) {{\n\t\tif (x & {i})\n\t\t\tx -= g(x);\n"
            f"\t\telse\n\t\t\tx--;\n\t}}\n\treturn x;\n}}\n")


def _as_a_shell_starts_a_job():
    # A shell gives a foreground job the default SIGINT/SIGTERM handling, whatever it
    # inherited itself; the test process may by now ignore or block them (a library an
    # earlier test loaded in-process), and a child would inherit that.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def start(args, cwd, env_extra=None) -> subprocess.Popen:
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.Popen([sys.executable, "-m", "errpath", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True,   # its own process group, like a shell job
                            preexec_fn=_as_a_shell_starts_a_job)


def wait_for(cond, timeout=60.0):
    t0 = time.monotonic()
    while not cond():
        if time.monotonic() - t0 > timeout:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


@pytest.fixture(scope="module")
def slow_repo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sig")
    h = History(tmp)
    h.commit("base", {"README": "x\n"})
    h.tag("v1", "HEAD")
    h.commit("add", {f"drivers/d{i % 4}/f{i}.c": fn_src(i) for i in range(200)})
    rules = tmp / "rules"
    rules.mkdir()
    (rules / "slow.py").write_text(SLOW_RULE)
    return h, rules


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigint_exits_130_with_no_partial_report(slow_repo, tmp_path, jobs):
    h, rules = slow_repo
    marker = tmp_path / "started"
    out = tmp_path / "out"
    p = start(["audit", "v1..HEAD", "--no-cache", "--rules-dir", str(rules), "-j", jobs,
               "--format", "json", "-o", str(out / "report.json")], h.path,
              {"ERRPATH_TEST_MARKER": str(marker)})
    wait_for(marker.exists)                 # it is in the middle of the rules now
    os.killpg(p.pid, signal.SIGINT)         # what Ctrl-C in a terminal does: the whole group
    stdout, stderr = p.communicate(timeout=60)
    assert p.returncode == 130, stderr
    assert stderr.decode() == "errpath: interrupted\n"      # no traceback, from any process
    assert stdout == b""
    assert not out.exists() or list(out.iterdir()) == []     # no report, no temp file


def test_sigint_during_parsing_with_workers(tmp_path):
    h = History(tmp_path)
    h.commit("base", {"README": "x\n"})
    h.tag("v1", "HEAD")
    h.commit("add", {f"d{i % 8}/f{i}.c": "".join(fn_src(i * 20 + k) for k in range(20)) for i in range(300)})
    cache = tmp_path / "cache"
    p = start(["audit", "v1..HEAD", "--cache-dir", str(cache), "-j", "2", "--format", "sarif"], h.path)
    wait_for(lambda: (cache / "cache.sqlite3").exists())
    time.sleep(0.3)
    os.killpg(p.pid, signal.SIGINT)
    stdout, stderr = p.communicate(timeout=60)
    if p.returncode == 130:
        assert stderr.decode() == "errpath: interrupted\n" and stdout == b""
    else:  # the machine was fast enough to finish first: then the run must be whole
        assert p.returncode in (0, 1) and json.loads(stdout)["version"] == "2.1.0"


def test_kill_9_mid_run_leaves_the_cache_usable(tmp_path):
    h = History(tmp_path)
    h.commit("base", {"README": "x\n"})
    h.tag("v1", "HEAD")
    # a finding (the test rule bad-name) in every 50th file, so there are findings to compare
    files = {}
    for i in range(700):
        src = fn_src(i)
        if i % 50 == 0:
            src += f"int bad_{i}(int x)\n{{\n\treturn x;\n}}\n"
        files[f"drivers/d{i % 5}/f{i}.c"] = src
    h.commit("add", files)
    cache = tmp_path / "cache"
    db = cache / "cache.sqlite3"
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad_name.py").write_text(BAD_NAME_RULE)
    args = ["audit", "v1..HEAD", "--format", "json", "--reproducible", "-q", "--rules-dir", str(rules),
            "--select", "bad-name"]

    def rows() -> int:
        if not db.exists():
            return 0
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as c:
                return c.execute("SELECT count(*) FROM blobs").fetchone()[0]
        except sqlite3.Error:
            return 0

    p = start([*args, "--cache-dir", str(cache), "-j", "2"], h.path)
    wait_for(lambda: rows() > 0 or p.poll() is not None)
    killed_mid_run = p.poll() is None
    os.killpg(p.pid, signal.SIGKILL)
    p.communicate(timeout=60)
    assert killed_mid_run, "the run ended before it could be killed"
    assert rows() > 0               # usually 200 or 400 of 700: killed between two cache writes
    # the next run works, fills the cache and gives the same report as a cache-less run
    again = subprocess.run([sys.executable, "-m", "errpath", *args, "--cache-dir", str(cache)],
                           cwd=h.path, capture_output=True, timeout=120)
    fresh = subprocess.run([sys.executable, "-m", "errpath", *args, "--no-cache"],
                           cwd=h.path, capture_output=True, timeout=120)
    assert again.returncode == fresh.returncode == 1, again.stderr
    assert again.stdout == fresh.stdout
    assert len(json.loads(fresh.stdout)["findings"]) >= 14
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert rows() >= 700


def test_no_leftover_worker_processes_after_sigint(slow_repo, tmp_path):
    h, rules = slow_repo
    marker = tmp_path / "started"
    p = start(["scan", "--no-cache", "--rules-dir", str(rules), "-j", "2"], h.path,
              {"ERRPATH_TEST_MARKER": str(marker)})
    wait_for(marker.exists)
    os.killpg(p.pid, signal.SIGINT)
    p.communicate(timeout=60)
    assert p.returncode == 130
    time.sleep(0.2)
    alive = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if os.getpgid(int(proc.name)) == p.pid:
                    alive.append(proc.name)
            except OSError:
                pass
    assert alive == []


def test_sigterm_exits_143_and_leaves_no_scratch_files(slow_repo, tmp_path):
    """A cancelled CI job gets SIGTERM: the run unwinds like Ctrl-C (exit 143, no
    report, no traceback) and removes what it put in the temp folder."""
    h, rules = slow_repo
    marker = tmp_path / "started"
    out = tmp_path / "out"
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    p = start(["audit", "v1..HEAD", "--no-cache", "--rules-dir", str(rules), "-j", "2",
               "--format", "json", "-o", str(out / "report.json")], h.path,
              {"ERRPATH_TEST_MARKER": str(marker), "TMPDIR": str(tmpdir)})
    wait_for(marker.exists)
    os.killpg(p.pid, signal.SIGTERM)        # what a CI runner does to the job's process group
    stdout, stderr = p.communicate(timeout=60)
    assert p.returncode == 143, stderr
    assert stderr.decode() == "errpath: terminated\n"
    assert stdout == b""
    assert not out.exists() or list(out.iterdir()) == []
    assert list(tmpdir.iterdir()) == []
