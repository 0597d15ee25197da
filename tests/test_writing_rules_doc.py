"""docs/writing-rules.md's example rule is real: the file the doc shows is the file
in docs/example-rule/, it imports only errpath.api, and `errpath scan --rules-dir`
loads it and reports exactly the lines its fixtures mark `// expect:`."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pygit2

from clirun import errpath

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "writing-rules.md"
EXAMPLE = ROOT / "docs" / "example-rule"
RULE_FILE = EXAMPLE / "nowait_alloc_enomem.py"
RULE_ID = "example-nowait-alloc-enomem"
MARK = re.compile(r"//\s*(expect|ok):\s*([\w-]+)")


def _blocks(text: str) -> dict[str, str]:
    """```lang file=NAME fenced blocks of the doc, by NAME."""
    return {m.group(1): m.group(2) for m in
            re.finditer(r"^```\w+ file=(\S+)\n(.*?)^```$", text, re.S | re.M)}


def test_the_doc_shows_the_example_files_as_they_are():
    blocks = _blocks(DOC.read_text())
    for f in ("nowait_alloc_enomem.py", "bad_1.c", "good_1.c"):
        assert blocks.get(f) == (EXAMPLE / f).read_text(), f"docs/writing-rules.md's {f} differs from docs/example-rule/{f}"


def test_the_example_imports_only_the_rule_api():
    imports = re.findall(r"^\s*(?:from|import)\s+(errpath\S*)", RULE_FILE.read_text(), re.M)
    assert imports == ["errpath.api"]


def _repo(path: Path, files: dict[str, bytes]) -> None:
    repo = pygit2.init_repository(str(path))
    tb = repo.TreeBuilder()
    sub = repo.TreeBuilder()
    for name, data in files.items():
        sub.insert(name, repo.create_blob(data), pygit2.GIT_FILEMODE_BLOB)
    drivers = repo.TreeBuilder()
    drivers.insert("example", sub.write(), pygit2.GIT_FILEMODE_TREE)
    tb.insert("drivers", drivers.write(), pygit2.GIT_FILEMODE_TREE)
    sig = pygit2.Signature("A. U. Thor", "author@example.org", 1700000000, 0)
    repo.create_commit("HEAD", sig, sig, "example", tb.write(), [])


def test_the_example_rule_loads_through_rules_dir_and_finds_its_fixtures(tmp_path):
    rules = tmp_path / "my-rules"
    rules.mkdir()
    shutil.copy(RULE_FILE, rules / RULE_FILE.name)
    fixtures = {f.name: f.read_bytes() for f in sorted(EXAMPLE.glob("*.c"))}
    _repo(tmp_path / "repo", fixtures)
    expect, ok = set(), set()
    for name, data in fixtures.items():
        for n, line in enumerate(data.decode().splitlines(), 1):
            m = MARK.search(line)
            if m and m.group(2) == RULE_ID:
                (expect if m.group(1) == "expect" else ok).add((f"drivers/example/{name}", n + 1))
    assert expect and ok

    r = errpath("scan", "--repo", str(tmp_path / "repo"), "--rules-dir", str(rules), "--select", RULE_ID,
                "--format", "json", "--min-confidence", "low", "--no-cache", cwd=tmp_path)
    assert r.code == 1, r.err                       # 1: findings
    found = {(f["path"], f["line"]) for f in r.json()["findings"] if f["rule"] == RULE_ID}
    assert found == expect
    assert not found & ok

    # without --rules-dir the rule does not exist: the finding above came from the file
    r = errpath("scan", "--repo", str(tmp_path / "repo"), "--select", RULE_ID, "--no-cache", cwd=tmp_path)
    assert r.code == 2 and f"unknown rule: {RULE_ID}" in r.err, (r.code, r.err)
