"""A repository built to hurt: markup and control characters in commit
metadata, file names with `..`, spaces, newlines and raw bytes, symlinks out of
the tree, hooks and filter drivers. errpath must audit it, write only where it
is told, escape everything in every format, follow no symlink and run nothing."""
from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from histories import History, Symlink
from inproc import BAD_NAME_RULE, fn, rules_dir, run

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
SUBJECT = f"mm: {HOSTILE} \x1b[31mred\x1b[0m\r\u202eevil\x07 & \"q\" ]]> -->"
AUTHOR = ("Mal <script>lory\x1b[2J", "m@evil.example")
SECRET = "TOP-SECRET-OUTSIDE-THE-REPO"
NAMES = ["d/../up.c", "sp ace/f ile.c", "nl/new\nline.c", b"raw/f\xff\xfe.c",
         f"html/{HOSTILE}.c", "ctl/\x1b]0;title\x07.c", "bidi/\u202eevil.c"]
# What must never appear raw in a human-facing report (text, mail, html, sarif).
RAW_CONTROLS = [chr(c) for c in range(0x20) if chr(c) not in "\n\t"] + \
    [chr(c) for c in range(0x7f, 0xa0)] + list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    outside = tmp / "outside"
    outside.mkdir()
    (outside / "secret.c").write_text(fn("bad_secret") + f"/* {SECRET} */\n")
    (outside / "clang-format").write_text("ForEachMacros:\n  - 'bad_macro'\n")
    h = History(tmp)
    h.commit("base", {"README": "x\n", "ok/base.c": fn("good")})
    h.tag("v1", "HEAD")
    files = {n: fn("bad_" + str(i)) for i, n in enumerate(NAMES)}
    files.update({
        "link.c": Symlink(str(outside / "secret.c")),
        "linkdir": Symlink(str(outside)),
        "include": Symlink(str(outside)),           # <linux/...> lookups must not follow it
        ".clang-format": Symlink(str(outside / "clang-format")),
        ".errpath.toml": Symlink("/etc/passwd"),
        "uses/inc.c": "#include <secret.c>\n#include \"../../../outside/secret.c\"\n" + fn("bad_inc"),
    })
    h.commit(SUBJECT + "\n\nbody <b>bold</b>\x1b[0m\n", files, author=AUTHOR)
    # things a careless tool would run: hooks and a filter driver
    hooks = Path(h.repo.path) / "hooks"
    hooks.mkdir(exist_ok=True)
    marker = tmp / "ran"
    for hook in ("post-checkout", "pre-commit", "post-index-change", "reference-transaction"):
        (hooks / hook).write_text(f"#!/bin/sh\ntouch {marker}\n")
        (hooks / hook).chmod(0o755)
    with open(Path(h.repo.path) / "config", "a") as c:
        c.write(f"[filter \"evil\"]\n\tsmudge = touch {marker}\n\tclean = touch {marker}\n"
                f"[core]\n\tfsmonitor = touch {marker}\n")
    h.commit("attrs", {".gitattributes": "* filter=evil\n"})
    return h, rules_dir(tmp, BAD_NAME_RULE), marker, tmp


def files_under(p: Path) -> set[str]:
    return {str(x.relative_to(p)) for x in p.rglob("*")}


@pytest.mark.parametrize("fmt, name", [("text", "errpath.txt"), ("json", "errpath.json"),
                                       ("sarif", "errpath.sarif"), ("mail", "errpath.mail.txt"),
                                       ("html", "index.html")])
def test_every_format_writes_one_file_and_escapes_everything(hostile, tmp_path, fmt, name):
    h, rd, marker, tmp = hostile
    before = files_under(tmp)
    out = tmp_path / "out"
    r = run("audit", "v1..HEAD", "--repo", str(h.path), "--no-cache", "--rules-dir", str(rd),
            "--select", "bad-name", "--format", fmt, "-o", str(out) + "/", "-q")
    assert r.code == 1, r.err
    assert files_under(out) == {name}                     # exactly one file, where it was told
    assert files_under(tmp) == before                     # nothing beside the repo, nothing in it
    assert not marker.exists()                            # no hook, filter or fsmonitor ran
    data = (out / name).read_bytes()
    text = data.decode("utf-8")                           # always valid UTF-8
    assert SECRET not in text and "bad_secret" not in text  # no symlink followed
    if fmt in ("json", "sarif"):
        doc = json.loads(text)
        if fmt == "json":
            subjects = {f["introduced_by"]["subject"] for f in doc["findings"]}
            assert subjects == {SUBJECT}                  # lossless: the raw data, JSON-escaped
            assert sorted(doc["stats"]["skipped_paths"]) == ["d/../up.c"]
            paths = {f["path"] for f in doc["findings"]}
            assert "raw/f\udcff\udcfe.c" in paths and "nl/new\nline.c" in paths
        return
    for ch in RAW_CONTROLS:
        assert ch not in text, f"raw {ch!r} in {fmt}"
    if fmt == "html":
        check_html(text)
    else:
        assert "\\x1b" in text                             # visible, not swallowed
        assert "\\xff\\xfe" in text                        # raw bytes of the name, shown
        assert "nl/new\\nline.c" in text


def test_json_escapes_bidi_and_c1_controls(hostile, tmp_path):
    h, rd, _, _ = hostile
    r = run("audit", "v1..HEAD", "--repo", str(h.path), "--no-cache", "--rules-dir", str(rd),
            "--select", "bad-name", "--format", "json", "-q")
    for ch in RAW_CONTROLS:
        assert ch not in r.out
    # escaped, not dropped: the decoded JSON still carries the exact text
    decoded = json.dumps(json.loads(r.out), ensure_ascii=False)
    assert any(ch in decoded for ch in RAW_CONTROLS)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [k for k, _ in attrs]


def check_html(text: str) -> None:
    p = _Tags()
    p.feed(text)
    assert "script" not in p.tags and "img" not in p.tags   # the report itself has an svg timeline
    assert not [a for a in p.attrs if a.startswith("on")]
    assert "&lt;script&gt;" in text


def test_cache_handles_every_name(hostile, tmp_path):
    """Non-UTF-8 names in the cache keys: cold and warm runs work and agree."""
    h, rd, _, _ = hostile
    args = ("audit", "v1..HEAD", "--repo", str(h.path), "--cache-dir", str(tmp_path / "cache"),
            "--rules-dir", str(rd), "--select", "bad-name", "--format", "json", "--reproducible")
    cold, warm = run(*args), run(*args)
    assert cold.code == warm.code == 1, cold.err
    assert cold.out == warm.out and "raw/f\\udcff\\udcfe.c" in cold.out


def test_symlinks_are_not_followed_and_names_are_audited(hostile):
    h, rd, _, _ = hostile
    r = run("scan", "--repo", str(h.path), "--no-cache", "--rules-dir", str(rd), "--select", "bad-name",
            "--format", "json", "-q")
    doc = json.loads(r.out)
    fns = {f["function"] for f in doc["findings"]}
    assert fns == {f"bad_{i}" for i in range(1, len(NAMES))} | {"bad_inc"}   # not bad_0 (the .. name)
    assert "bad_secret" not in json.dumps(doc)
    assert doc["stats"]["context_files"] == 0              # no include resolved through a symlink


def test_default_html_folder_stays_under_reports(hostile, tmp_path):
    h, rd, _, _ = hostile
    work = tmp_path / "work"
    work.mkdir()
    p = subprocess.run([sys.executable, "-m", "errpath", "audit", "v1..HEAD", "--repo", str(h.path),
                        "--no-cache", "--rules-dir", str(rd), "--format", "html", "-q"],
                       cwd=work, capture_output=True, text=True, timeout=120)
    assert p.returncode == 1, p.stderr
    made = files_under(work)
    assert all(m.startswith("reports") for m in made)
    [index] = [m for m in made if m.endswith("index.html")]
    assert Path(index).parts[:1] == ("reports",) and len(Path(index).parts) == 3


def test_series_from_a_hostile_repo_writes_nothing_into_it(hostile, tmp_path):
    h, rd, marker, tmp = hostile
    patch = tmp_path / "p.patch"
    patch.write_text(f"Subject: [PATCH] {HOSTILE}\nMessage-Id: <{HOSTILE}>\n\n---\n"
                     "diff --git a/ok/base.c b/ok/base.c\n--- a/ok/base.c\n+++ b/ok/base.c\n"
                     "@@ -2,3 +2,7 @@\n {\n \treturn 0;\n }\n+int bad_patch(int x)\n+{\n+\treturn 0;\n+}\n")
    before = files_under(tmp)
    r = run("audit", "--series", str(patch), "--onto", "HEAD", "--repo", str(h.path), "--no-cache",
            "--rules-dir", str(rd), "--select", "bad-name")
    assert r.code == 1, r.err
    assert files_under(tmp) == before and not marker.exists()
    assert "<script>" not in r.err.replace(HOSTILE, "")   # only the escaped subject line
    for ch in RAW_CONTROLS:
        assert ch not in r.err
