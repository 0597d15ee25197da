"""The cache under concurrent runs, and progress output only on a terminal."""
from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading

from clirun import errpath
from errpath.cli.story import build_story, builtin_story_dir


def test_concurrent_runs_share_one_cache_without_corruption(tmp_path):
    where = tmp_path / "linux"
    build_story(builtin_story_dir("discard-loop"), where)
    cache = tmp_path / "cache"
    results = []

    def run():
        results.append(errpath("audit", "v1.0..v1.1", "--format", "json", "--cache-dir", str(cache),
                               "-j", "1", cwd=where))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.code for r in results] == [1, 1, 1, 1], [r.err for r in results]
    docs = [r.json() for r in results]
    assert all(d["findings"] == docs[0]["findings"] for d in docs)
    again = errpath("audit", "v1.0..v1.1", "--format", "json", "--cache-dir", str(cache), cwd=where).json()
    assert again["stats"]["files_parsed"] == 0 and again["findings"] == docs[0]["findings"]


def _run_in_pty(args, cwd):
    """Run errpath with stderr on a pseudo-terminal; return (stdout, terminal output)."""
    master, slave = pty.openpty()
    env = dict(os.environ, XDG_CACHE_HOME=str(cwd / ".cache"))
    p = subprocess.Popen([sys.executable, "-m", "errpath", *args], cwd=cwd, stdout=subprocess.PIPE,
                         stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    out = p.stdout.read()
    p.wait(timeout=60)
    os.close(master)
    return out.decode(), b"".join(chunks).decode(errors="replace")


def test_progress_only_on_a_terminal_and_never_on_stdout(tmp_path):
    where = tmp_path / "linux"
    build_story(builtin_story_dir("discard-loop"), where)
    out, term = _run_in_pty(["audit", "v1.0..v1.1", "--no-cache", "-j", "1"], where)
    assert "analysed" in term and "\r" in term          # a progress line on the terminal
    assert "analysed" not in out                         # never mixed into the report
    piped = errpath("audit", "v1.0..v1.1", "--no-cache", cwd=where)
    assert "analysed" not in piped.err and "\r" not in piped.err
    quiet_out, quiet_term = _run_in_pty(["audit", "v1.0..v1.1", "--no-cache", "-q"], where)
    assert "analysed" not in quiet_term and "finding(s)" not in quiet_term


def test_progress_shows_files_done_of_total_and_time_left(tmp_path):
    """Issue 23, item 7: on a terminal, the phase, files done / total and an estimate."""
    import re
    where = tmp_path / "linux"
    build_story(builtin_story_dir("discard-loop"), where)
    out, term = _run_in_pty(["scan", "--no-cache", "-j", "1"], where)
    bars = re.findall(r"errpath: analysed (\d+)/(\d+) files .*?\[(\d\d:\d\d)<([0-9:?]+)", term)
    assert bars, term
    assert all(int(total) > 0 and int(n) <= int(total) for n, total, _, _ in bars)
    total = bars[0][1]
    assert f"errpath: analysed {total} files; running the rules" in term   # then the next phase
    assert "files" not in out and "\x1b" not in out            # the report stays clean
    piped = errpath("scan", "--no-cache", cwd=where)
    assert "analysed" not in piped.err and "\x1b" not in piped.err
