"""missing-error-code shows the whole chain in every format a user reads: the
call, its failure test, the exit taken, and the value returned (issue 20)."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from clirun import errpath

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "missing-error-code" / "bad_lost_errno.c"

# bad_lost_errno.c: widget_insert() is called at 17, tested at 18, the branch
# jumps at 22 to a tail that returns 0 at 27.
CHAIN = ["'ret' set from widget_insert()", "failure tested: (ret)", "goto out without using 'ret'",
         "returns 0: return 0;"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("chain")
    shutil.copy(FIX, root / "widget.c")
    for cmd in (["init", "-q"], ["add", "."],
                ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "widget"]):
        subprocess.run(["git", *cmd], cwd=root, check=True)
    return root


def _text_of(fmt: str, out: str) -> str:
    if fmt == "html":
        out = html.unescape(re.sub(r"<[^>]+>", " ", out))
    return re.sub(r"\s+", " ", out)


@pytest.mark.parametrize("fmt", ["text", "mail", "html"])
def test_chain_from_call_to_returned_value(repo, tmp_path, fmt):
    out_file = tmp_path / f"report.{fmt}"
    r = errpath("scan", "--min-confidence", "low", "--select", "missing-error-code", "-j", "1",
                "--format", fmt, "-o", str(out_file), "--fail-on", "none", cwd=repo)
    assert r.code == 0, r.err
    text = _text_of(fmt, out_file.read_text())
    assert "widget_insert() fails here" in text
    positions = [text.find(step) for step in CHAIN]
    assert -1 not in positions, [s for s, p in zip(CHAIN, positions) if p < 0]
    # in the order the code runs: call, test, exit, returned value
    assert positions == sorted(positions)
