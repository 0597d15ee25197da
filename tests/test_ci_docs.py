"""docs/: the pre-push hook works, and every errpath flag the CI examples use exists."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from errpath.cli.story import build_story, builtin_story_dir

DOCS = Path(__file__).resolve().parent.parent / "docs"
ZERO = "0" * 40


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    where = tmp_path_factory.mktemp("hook") / "linux"
    shas = build_story(builtin_story_dir("discard-loop"), where)
    return where, shas


def hook(where, lines: str, tmp_path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
               XDG_CACHE_HOME=str(tmp_path / "cache"))
    return subprocess.run(["sh", str(DOCS / "pre-push"), "origin", "git@example.org:linux.git"],
                          input=lines, cwd=where, env=env, capture_output=True, text=True, timeout=120)


def test_pre_push_blocks_findings_and_never_blocks_on_tool_trouble(story, tmp_path):
    where, shas = story
    bad = hook(where, f"refs/heads/main {shas['merge']} refs/heads/main {shas['base']}\n", tmp_path)
    assert bad.returncode == 1, bad.stderr
    assert "[zero-step-loop]" in bad.stdout and "introduces findings" in bad.stderr
    same = hook(where, f"refs/heads/main {shas['base']} refs/heads/main {shas['base']}\n", tmp_path)
    assert same.returncode == 0
    gone = hook(where, f"(delete) {ZERO} refs/heads/old {shas['base']}\n", tmp_path)
    assert gone.returncode == 0
    broken = hook(where, f"refs/heads/main {shas['merge']} refs/heads/main {'1' * 40}\n", tmp_path)
    assert broken.returncode == 0 and "not blocking" in broken.stderr
    assert "errpath: error: unknown revision" in broken.stderr


def _flags(text: str) -> set[tuple[str, str]]:
    """(command, --flag) pairs of every `errpath <command> ...` line in a doc."""
    out = set()
    text = text.replace("\\\n", " ")        # shell line continuations
    for m in re.finditer(r"errpath (audit|scan|baseline)\b([^\n]*)", text):
        for flag in re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", m.group(2)):
            out.add((m.group(1), flag))
    return out


@pytest.mark.parametrize("doc", ["ci-github-actions.yml", "gitlab-ci.yml", "pre-push", "ci.md"])
def test_every_flag_in_the_ci_docs_exists(doc):
    from click.testing import CliRunner
    from errpath.cli.commands import cli
    text = (DOCS / doc).read_text()
    flags = _flags(text)
    assert flags, doc
    helps = {}
    for command, flag in sorted(flags):
        if command not in helps:
            helps[command] = CliRunner().invoke(cli, [command, "--help"]).output
        assert flag in helps[command], f"{doc}: errpath {command} has no {flag}"


def test_exit_codes_are_documented():
    text = (DOCS / "ci.md").read_text()
    for code, words in (("0", "clean"), ("1", "findings"), ("2", "usage or input error"), ("3", "internal error")):
        assert re.search(rf"\*\*{code}\*\* \| [^\n]*{words}", text), code
