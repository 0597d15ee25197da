"""errpath audit --series: patches applied in memory, audited as a range,
each finding attributed to its patch (subject + Message-Id)."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pytest

from histories import History
from inproc import BAD_NAME_RULE, fn, one_error_line, rules_dir, run

BASE_FILES = {"README": "x\n", "fs/a.c": fn("good_a"), "mm/b.c": fn("good_b")}


def mail(h: History, sha: str, n: int, m: int, msgid: str, *, subject_raw: str | None = None) -> str:
    c = h[sha]
    diff = h.repo.diff(c.parents[0], c).patch
    subject = subject_raw or f"[PATCH v2 {n}/{m}] {c.message.splitlines()[0]}"
    return (f"From {sha} Mon Sep 17 00:00:00 2001\n"
            f"From: Pat Sender <pat@example.org>\n"
            f"Date: Tue, 14 Nov 2023 22:{10 + n}:00 +0100\n"
            f"Subject: {subject}\n"
            f"Message-Id: <{msgid}>\n\n"
            f"{c.message.split(chr(10), 2)[-1].strip()}\n\nSigned-off-by: Pat Sender <pat@example.org>\n"
            f"---\n 1 file changed\n\n{diff}-- \n2.43.0\n\n")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A maintainer repo (only v1) and a developer's series of three patches on v1:
    1 adds bad_new in fs/, 2 is clean, 3 adds bad_mm in mm/."""
    tmp = tmp_path_factory.mktemp("series")
    dev = History(tmp / "dev", subdir=None)
    base = dev.commit("base", BASE_FILES)
    p1 = dev.commit("fs: add new helper\n\nIt helps.", {"fs/a.c": BASE_FILES["fs/a.c"] + fn("bad_new")})
    p2 = dev.commit("fs: tidy\n\nTidy.", {"fs/a.c": BASE_FILES["fs/a.c"].replace("return 0", "return 1")
                                         + fn("bad_new")})
    p3 = dev.commit("mm: add mm helper\n\nMore.", {"mm/b.c": BASE_FILES["mm/b.c"] + fn("bad_mm")})
    patches = tmp / "patches"
    patches.mkdir()
    names = []
    for i, (sha, slug) in enumerate([(p1, "fs-add-new-helper"), (p2, "fs-tidy"), (p3, "mm-add-mm-helper")], 1):
        p = patches / f"{i:04d}-{slug}.patch"
        p.write_text(mail(dev, sha, i, 3, f"20231114.{i}-pat@example.org"))
        names.append(str(p))
    maint = History(tmp / "maint", subdir=None)
    assert maint.commit("base", BASE_FILES) == base
    maint.tag("v1", "HEAD")
    return {"dev": dev, "maint": maint, "patches": names, "tmp": tmp, "shas": (p1, p2, p3),
            "rules": rules_dir(tmp, BAD_NAME_RULE)}


def series(w, *files, repo=None, extra=()):
    return run("audit", "--series", *files, "--onto", "v1", "--repo", str(repo or w["maint"].path),
               "--no-cache", "--rules-dir", str(w["rules"]), "--select", "bad-name", *extra)


def tree_digest(path: Path) -> dict[str, str]:
    out = {}
    for p in sorted(path.rglob("*")):
        if p.is_file():
            out[str(p.relative_to(path))] = hashlib.sha1(p.read_bytes()).hexdigest()
        elif p.is_dir():
            out[str(p.relative_to(path)) + "/"] = ""
    return out


def test_series_findings_are_attributed_to_their_patch(world, monkeypatch, tmp_path):
    w = world
    scratch_parent = tmp_path / "tmp"
    scratch_parent.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_parent))
    before = tree_digest(w["maint"].path)
    r = series(w, *w["patches"], extra=("--format", "json"))
    assert r.code == 1, r.err
    doc = json.loads(r.out)
    by_fn = {f["function"]: f for f in doc["findings"]}
    assert set(by_fn) == {"bad_new", "bad_mm"}
    assert by_fn["bad_new"]["patch"] == {"index": 1, "file": w["patches"][0], "subject": "fs: add new helper",
                                         "message_id": "<20231114.1-pat@example.org>",
                                         "label": "[PATCH v2 1/3]", "author": "Pat Sender <pat@example.org>",
                                         "date": "2023-11-14T22:11:00+01:00"}
    assert by_fn["bad_new"]["fixes_tag"] is None      # a patch is fixed by its next version (issue 23)
    assert by_fn["bad_new"]["introduced_by"]["subject"] == "fs: add new helper"
    assert by_fn["bad_mm"]["patch"]["message_id"] == "<20231114.3-pat@example.org>"
    assert by_fn["bad_mm"]["patch"]["subject"] == "mm: add mm helper"
    assert [p["status"] for p in doc["series"]["patches"]] == ["applied"] * 3
    assert doc["series"]["scope"] == ["fs/", "mm/"]
    assert doc["base"] == w["maint"].sha("v1")
    # stderr: one line per patch with its Message-Id and count
    assert 'patch 1 ' in r.err and '<20231114.1-pat@example.org> "fs: add new helper": 1 finding(s)' in r.err
    assert '<20231114.2-pat@example.org> "fs: tidy": 0 finding(s)' in r.err
    # nothing written into the audited repository, nothing left in the temp dir
    assert tree_digest(w["maint"].path) == before
    assert list(scratch_parent.iterdir()) == []


def test_series_commits_are_reproducible(world):
    a = json.loads(series(world, *world["patches"], extra=("--format", "json")).out)
    b = json.loads(series(world, *world["patches"], extra=("--format", "json")).out)
    assert [p["commit"] for p in a["series"]["patches"]] == [p["commit"] for p in b["series"]["patches"]]


def test_one_mbox_with_cover_letter_like_b4(world, tmp_path):
    w = world
    dev = w["dev"]
    cover = ("From git@z Thu Jan  1 00:00:00 1970\nSubject: [PATCH v2 0/3] helpers\n"
             "From: Pat Sender <pat@example.org>\nMessage-Id: <cover@example.org>\n\nA cover letter.\n\n"
             "base-commit: " + w["maint"].sha("v1") + "\n\n")
    body = "".join(Path(p).read_text().replace(f"From {s} Mon Sep 17 00:00:00 2001", "From git@z Thu Jan  1 00:00:00 1970")
                   for p, s in zip(w["patches"], w["shas"]))
    mbox = tmp_path / "series.mbx"
    mbox.write_text(cover + body)
    r = run("audit", "--series", str(mbox), "--repo", str(w["maint"].path), "--no-cache",   # onto: base-commit
            "--rules-dir", str(w["rules"]), "--select", "bad-name", "--format", "json")
    assert r.code == 1, r.err
    doc = json.loads(r.out)
    assert [p["file"] for p in doc["series"]["patches"]] == [f"{mbox}#2", f"{mbox}#3", f"{mbox}#4"]
    assert {f["patch"]["index"] for f in doc["findings"]} == {1, 3}
    assert dev  # the developer repo is only where the patches came from


def test_patch_that_does_not_apply_is_named_and_earlier_patches_are_audited(world, tmp_path):
    w = world
    broken = tmp_path / "0002-fs-tidy.patch"
    broken.write_text(Path(w["patches"][1]).read_text().replace("-\treturn 0;", "-\treturn 42;"))
    r = series(w, w["patches"][0], str(broken), w["patches"][2], extra=("--format", "json"))
    assert r.code == 2
    doc = json.loads(r.out)                       # the report of patch 1 is complete
    assert [f["function"] for f in doc["findings"]] == ["bad_new"]
    assert [p["status"] for p in doc["series"]["patches"]] == ["applied", "failed", "skipped"]
    last = r.err.splitlines()[-1]
    assert last.startswith("errpath: error: patch ") and str(broken) in last and '"fs: tidy"' in last
    assert "does not apply" in last and "1 earlier patch" in last
    assert "Traceback" not in r.err


def test_first_patch_failing_is_one_line(world, tmp_path):
    w = world
    broken = tmp_path / "0001-broken.patch"
    broken.write_text(Path(w["patches"][0]).read_text().replace(" {\n \treturn 0;", " {\n \treturn 99;"))
    r = series(w, str(broken))
    assert r.code == 2 and r.out == ""
    assert "does not apply" in one_error_line(r)


def test_plain_diff_and_encoded_subject(world, tmp_path):
    w = world
    quilt = tmp_path / "quilt.diff"
    quilt.write_text("Add a bad helper.\n\nIndex: linux/fs/a.c\n===================================================================\n"
                     "--- linux.orig/fs/a.c\n+++ linux/fs/a.c\n@@ -2,3 +2,7 @@\n {\n \treturn 0;\n }\n"
                     "+int bad_quilt(int x)\n+{\n+\treturn 0;\n+}\n")
    r = series(w, str(quilt), extra=("--format", "json"))
    assert r.code == 1, r.err
    assert json.loads(r.out)["findings"][0]["function"] == "bad_quilt"
    enc = tmp_path / "enc.patch"
    enc.write_text(mail(w["dev"], w["shas"][0], 1, 1, "enc@example.org",
                        subject_raw="=?UTF-8?q?=5BPATCH=5D_fs=3A_caf=C3=A9_helper?="))
    doc = json.loads(series(w, str(enc), extra=("--format", "json")).out)
    assert doc["findings"][0]["patch"]["subject"] == "fs: café helper"


def test_series_on_a_bare_mirror(world, tmp_path):
    w = world
    bare = History(tmp_path / "mirror.git", subdir=None, bare=True)
    assert bare.commit("base", BASE_FILES) == w["maint"].sha("v1")
    bare.tag("v1", "HEAD")
    before = tree_digest(bare.path)
    r = series(w, *w["patches"], repo=bare.path, extra=("--format", "json"))
    assert r.code == 1 and len(json.loads(r.out)["findings"]) == 2, r.err
    assert tree_digest(bare.path) == before


def test_hostile_patch_paths_never_leave_the_scratch_tree(world, tmp_path):
    w = world
    evil = tmp_path / "evil.patch"
    evil.write_text("Subject: [PATCH] evil\nMessage-Id: <evil@x>\n\n---\n"
                    "diff --git a/../../evil.c b/../../evil.c\nnew file mode 100644\n--- /dev/null\n"
                    "+++ b/../../evil.c\n@@ -0,0 +1 @@\n+int bad_evil(int x) { return 0; }\n")
    cwd = os.getcwd()
    r = series(w, str(evil))
    assert r.code == 2 and "invalid path" in one_error_line(r) and "evil.patch" in r.err
    for where in (tmp_path, tmp_path.parent, w["maint"].path.parent, Path(cwd).parent):
        assert not (where / "evil.c").exists()


@pytest.mark.parametrize("args, words", [
    (["--series", "{tmp}/nope.patch", "--onto", "v1"], "cannot read patch"),
    (["--series", "{tmp}/notes.txt", "--onto", "v1"], "no patch found"),
    (["--series", "{patch}", "--onto", "no-such-rev"], "unknown revision: no-such-rev"),
    (["v1..HEAD", "--onto", "v1"], "--onto and --path go with --series"),
    (["--series", "{tmp}", "--onto", "v1"], "is a folder"),
])
def test_series_input_errors(world, tmp_path, args, words):
    (tmp_path / "notes.txt").write_text("just some notes\nFrom: nobody\n")
    args = [a.format(tmp=tmp_path, patch=world["patches"][0]) for a in args]
    r = run("audit", *args, "--repo", str(world["maint"].path), "--no-cache")
    assert r.code == 2 and words in one_error_line(r)


def test_series_that_changes_no_c_file_audits_nothing_else(world, tmp_path):
    w = world
    doc_patch = tmp_path / "doc.patch"
    doc_patch.write_text("Subject: [PATCH] docs: typo\nMessage-Id: <doc@example.org>\n\n---\n"
                         "diff --git a/README b/README\n--- a/README\n+++ b/README\n@@ -1 +1 @@\n-x\n+y\n")
    r = series(w, str(doc_patch), extra=("--format", "json"))
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["stats"]["files"] == 0 and doc["findings"] == []      # not the whole tree
    assert "warning" not in r.err


def test_paths_after_the_patches_as_in_the_range_form(world):
    """errpath audit --series x.patch --onto REV mm/ fs/iomap: mm/ is a path, not a patch (issue 23, item 4)."""
    w = world
    r = series(w, *w["patches"], "mm/", extra=("--format", "json"))
    assert r.code == 1, r.err
    doc = json.loads(r.out)
    assert doc["series"]["scope"] == ["mm/"]
    assert [f["function"] for f in doc["findings"]] == ["bad_mm"]
    both = json.loads(series(w, *w["patches"], "mm/", "fs", extra=("--format", "json")).out)
    assert sorted(f["function"] for f in both["findings"]) == ["bad_mm", "bad_new"]


def test_series_paths_are_read_from_where_you_stand(world):
    from clirun import errpath
    w = world
    sub = w["maint"].path / "fs"
    sub.mkdir(exist_ok=True)
    r = errpath("audit", "--series", *w["patches"], "--onto", "v1", ".", "--no-cache",
                "--rules-dir", str(w["rules"]), "--select", "bad-name", "--format", "json", cwd=sub)
    assert r.code == 1 and "Traceback" not in r.err, r.err
    doc = json.loads(r.out)
    assert doc["series"]["scope"] == ["fs"]
    assert [f["function"] for f in doc["findings"]] == ["bad_new"]


def test_a_series_argument_that_is_neither_patch_nor_path(world):
    w = world
    r = series(w, *w["patches"], "mmm/")
    assert r.code == 2 and r.out == ""
    line = one_error_line(r)
    assert "cannot read patch mmm/" in line and "nor is it a path in" in line
    assert "errpath audit --series PATCH... [PATH...]" in line


# -- reviewing a series as a maintainer would (issue 23, items 1 and 2) ------------

def _scratch_shas(w) -> list[str]:
    doc = json.loads(series(w, *w["patches"], extra=("--format", "json")).out)
    return [p["commit"] for p in doc["series"]["patches"]]


def test_every_report_names_the_patch_never_a_scratch_commit(world, tmp_path):
    w = world
    scratch = _scratch_shas(w)
    outs = {}
    for fmt in ("text", "sarif", "mail"):
        r = series(w, *w["patches"], extra=("--format", fmt))
        assert r.code == 1, r.err
        outs[fmt] = r.out
    r = series(w, *w["patches"], extra=("--format", "html", "-o", str(tmp_path / "html"),
                                        "--commit-url", "https://git.example.org/c/{sha}"))
    outs["html"] = (tmp_path / "html" / "index.html").read_text()
    for fmt, out in outs.items():
        for sha in scratch:
            assert sha[:12] not in out, (fmt, sha)
    text = outs["text"]
    assert ("    introduced by [PATCH v2 1/3] fs: add new helper "
            f"({w['patches'][0]}, <20231114.1-pat@example.org>, Pat Sender <pat@example.org>)") in text
    assert "[PATCH v2 3/3] mm: add mm helper" in text
    assert "Fixes:" not in text and "Fixes:" not in outs["mail"]
    html = outs["html"]
    assert "<code>[PATCH v2 1/3]</code> fs: add new helper" in html
    assert 'class="fixes"' not in html and "git.example.org/c/" not in html.split("<dt>base</dt>")[1].split("</dd>")[1]
    sarif = json.loads(outs["sarif"])
    props = [res["properties"] for res in sarif["runs"][0]["results"]]
    assert {p["introducedByPatch"]["label"] for p in props} == {"[PATCH v2 1/3]", "[PATCH v2 3/3]"}
    assert not any("fixesTag" in p or "introducedBy" in p for p in props)
    from test_report_sarif import validate
    validate(sarif)                                   # still valid SARIF 2.1.0


def test_mail_for_a_series_is_a_reply_to_each_patch(world, tmp_path):
    import mailbox
    w = world
    r = series(w, *w["patches"], extra=("--format", "mail"))
    assert r.code == 1, r.err
    box = tmp_path / "replies.mbox"
    box.write_text(r.out)
    msgs = list(mailbox.mbox(str(box)))
    assert [m["Subject"] for m in msgs] == ["Re: [PATCH v2 1/3] fs: add new helper",
                                            "Re: [PATCH v2 3/3] mm: add mm helper"]
    assert msgs[0]["In-Reply-To"] == msgs[0]["References"] == "<20231114.1-pat@example.org>"
    assert msgs[1]["In-Reply-To"] == "<20231114.3-pat@example.org>"
    assert msgs[0]["To"] == "Pat Sender <pat@example.org>"
    body = msgs[0].get_payload()
    assert "Hi Pat Sender," in body and "bad_new() warn: function bad_new is bad [bad-name]" in body
    assert "kindly add following tags\n| Reported-by: YOUR NAME <you@example.org>\n" in body
    assert "Fixes:" not in body and "vim +" in body and "# with the series applied" in body
    assert "bad_mm" not in body                       # each reply has its patch's findings only


def test_mail_tags_come_from_the_config(world, tmp_path):
    import mailbox
    w = world
    cfg = tmp_path / "errpath.toml"
    cfg.write_text('[mail]\nfrom = "Maint Ainer <maint@example.org>"\n'
                   'closes = "https://lore.kernel.org/r/{message_id}/"\n')
    r = series(w, *w["patches"], extra=("--format", "mail", "--config", str(cfg)))
    box = tmp_path / "r.mbox"
    box.write_text(r.out)
    m = list(mailbox.mbox(str(box)))[0]
    assert m["From"] == "Maint Ainer <maint@example.org>"
    own = m["Message-Id"].strip("<>")
    assert own.endswith("@example.org")
    assert f"| Reported-by: Maint Ainer <maint@example.org>\n| Closes: https://lore.kernel.org/r/{own}/\n" \
        in m.get_payload()
    # a range: the test robot's shape, Fixes: for a real commit, the same configurable tags
    dev = w["dev"]
    cfg.write_text('[mail]\nreported-by = "Maint Ainer <maint@example.org>"\n'
                   'closes = "https://bugs.example.org/errpath/{sha12}"\n')
    base, p1 = dev.sha("HEAD~3"), w["shas"][0]
    r = run("audit", f"{base}..HEAD", "--repo", str(dev.path), "--no-cache", "--rules-dir", str(w["rules"]),
            "--select", "bad-name", "--format", "mail", "--config", str(cfg))
    assert r.code == 1, r.err
    lines = r.out.splitlines()
    at = lines.index(f'Fixes: {p1[:12]} ("fs: add new helper")')
    assert lines[at + 2:at + 6] == [
        "If you fix the issue in a separate patch/commit (i.e. not just a new version of",
        "the same patch/commit), kindly add following tags",
        "| Reported-by: Maint Ainer <maint@example.org>",
        f"| Closes: https://bugs.example.org/errpath/{p1[:12]}"]


def test_bad_mail_config_is_one_line(world, tmp_path):
    cfg = tmp_path / "errpath.toml"
    cfg.write_text('[mail]\nreported-by = ["x"]\n')
    r = series(world, *world["patches"], extra=("--format", "mail", "--config", str(cfg)))
    assert r.code == 2 and "mail.reported-by must be a one-line string" in one_error_line(r)
