"""Tests for errpath.git (the read-only pygit2 layer) and tests/histories.py."""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

import pygit2
import pytest
from pygit2.enums import ObjectType

from errpath.git.repo import GitError, Hunk, Repo, git_subject
from errpath.model import CommitRef
from histories import EPOCH, Executable, History, Submodule, Symlink

SRC1 = "int a(void)\n{\n\treturn 0;\n}\n"
SRC2 = "int b(void)\n{\n\treturn 1;\n}\n"


# -- fixtures ---------------------------------------------------------------

@pytest.fixture(scope="module")
def hist(tmp_path_factory):
    """main: c1 - c2 - c3 - m(c3, s2) - c4 ; side: c1 - s1 - s2  (read-only: shared)"""
    h = History(tmp_path_factory.mktemp("hist"))
    ids = {}
    ids["c1"] = h.commit("c1: initial\n\nbody", {"block/blk-lib.c": SRC1, "mm/x.c": SRC1,
                                                 "fs/iomap/buffered-io.c": SRC1,
                                                 "fs/iomap/trace.h": "#define X\n",
                                                 "fs/ext4/inode.c": SRC1, "README": "hi\n"})
    ids["c2"] = h.commit("c2: mm", {"mm/x.c": SRC2})
    h.branch("side", ids["c1"])
    ids["s1"] = h.commit("s1: side block", {"block/blk-lib.c": SRC2}, branch="side")
    ids["s2"] = h.commit("s2: side iomap", {"fs/iomap/trace.h": "#define Y\n"}, branch="side")
    ids["c3"] = h.commit("c3: ext4", {"fs/ext4/inode.c": SRC2})
    ids["m"] = h.merge("Merge branch 'side'", [ids["c3"], ids["s2"]],
                       files={"block/blk-lib.c": SRC2, "fs/iomap/trace.h": "#define Y\n"})
    ids["c4"] = h.commit("c4: after merge", {"mm/y.c": SRC1})
    h.tag("v1", ids["c1"])
    h.tag("v2", ids["m"], message="Linux v2\n")
    return h, ids


@pytest.fixture(scope="module")
def repo(hist):
    return Repo(hist[0].path)


def shas(commits):
    return [str(c.id) for c in commits]


def snapshot(path: Path) -> dict[str, str]:
    out = {}
    for p in sorted(path.rglob("*")):
        if p.is_file():
            out[str(p.relative_to(path))] = hashlib.sha1(p.read_bytes()).hexdigest()
    return out


# -- opening ------------------------------------------------------------------

def test_not_a_repo(tmp_path):
    d = tmp_path / "plain"
    d.mkdir()
    with pytest.raises(GitError, match=r"^not a git repository: .*plain$"):
        Repo(d)


def test_nonexistent_path(tmp_path):
    with pytest.raises(GitError, match="not a git repository"):
        Repo(tmp_path / "nope" / "deeper")


def test_discovers_upward(tmp_path):
    h = History(tmp_path)
    c = h.commit("a", {"a.c": SRC1})
    sub = h.path / "some" / "dir"
    sub.mkdir(parents=True)
    r = Repo(sub)
    assert r.root == str(h.path)
    assert str(r.resolve("HEAD").id) == c


def test_bare_repo(tmp_path):
    h = History(tmp_path, bare=True)
    c = h.commit("root", {"mm/a.c": SRC1})
    r = Repo(h.path)
    assert r.root == str(h.path)
    assert str(r.resolve("HEAD").id) == c
    assert r.list_files("HEAD", ["mm"]) == [("mm/a.c", r.blob_id(c, "mm/a.c"))]
    assert r.read_path(c, "mm/a.c") == SRC1.encode()


def test_pickle_reopens(repo, hist):
    r2 = pickle.loads(pickle.dumps(repo))
    assert r2.root == repo.root
    assert str(r2.resolve("HEAD").id) == hist[1]["c4"]


# -- revisions ----------------------------------------------------------------

@pytest.mark.parametrize("rev,key", [
    ("HEAD", "c4"), ("main", "c4"), ("refs/heads/main", "c4"), ("side", "s2"),
    ("v1", "c1"), ("refs/tags/v1", "c1"), ("v2", "m"), ("v2^1", "c3"), ("v2^2", "s2"),
    ("HEAD~1", "m"), ("HEAD~2", "c3"), ("HEAD^^2", "s2"), ("side~1", "s1"),
])
def test_resolve_forms(repo, hist, rev, key):
    c = repo.resolve(rev)
    assert isinstance(c, pygit2.Commit)
    assert str(c.id) == hist[1][key]


def test_resolve_shas(repo, hist):
    sha = hist[1]["c2"]
    assert str(repo.resolve(sha).id) == sha
    assert str(repo.resolve(sha[:12]).id) == sha
    assert str(repo.resolve(f"  {sha[:12]}\n").id) == sha
    assert repo.resolve(pygit2.Oid(hex=sha)).id == pygit2.Oid(hex=sha)


def test_annotated_tag_is_peeled(repo, hist):
    h, ids = hist
    tag_obj = h.repo.revparse_single("v2")
    assert tag_obj.type == ObjectType.TAG          # really annotated
    assert str(repo.resolve("v2").id) == ids["m"]


@pytest.mark.parametrize("rev", ["nope", "HEAD~50", "HEAD^3", "deadbeefdeadbeef", "v9", "refs/heads/x"])
def test_unknown_revision(repo, rev):
    with pytest.raises(GitError) as e:
        repo.resolve(rev)
    assert str(e.value) == f"unknown revision: {rev}"


@pytest.mark.parametrize("rev", ["", "   ", "a b c", "HEAD@{", "^^^"])
def test_bad_revision_is_giterror(repo, rev):
    with pytest.raises(GitError) as e:
        repo.resolve(rev)
    assert "\n" not in str(e.value)


def test_non_commit_revision(repo):
    with pytest.raises(GitError, match=r"^revision HEAD:mm/x.c is not a commit$"):
        repo.resolve("HEAD:mm/x.c")


def test_unborn_head(tmp_path):
    History(tmp_path)
    r = Repo(tmp_path / "repo")
    with pytest.raises(GitError, match="unknown revision: HEAD"):
        r.resolve("HEAD")


# -- ranges -------------------------------------------------------------------

def test_parse_range_forms(repo, hist):
    _, ids = hist
    base, head = repo.parse_range("v1..v2")
    assert (str(base.id), str(head.id)) == (ids["c1"], ids["m"])
    base, head = repo.parse_range("v2..")
    assert (str(base.id), str(head.id)) == (ids["m"], ids["c4"])
    base, head = repo.parse_range("..side")
    assert (str(base.id), str(head.id)) == (ids["c4"], ids["s2"])
    base, head = repo.parse_range("side")
    assert base is None and str(head.id) == ids["s2"]
    base, head = repo.parse_range(f"{ids['c2'][:10]}..{ids['c3']}")
    assert (str(base.id), str(head.id)) == (ids["c2"], ids["c3"])


def test_parse_range_symmetric(repo, hist):
    _, ids = hist
    # merge-base(c3, side) = c1
    base, head = repo.parse_range("main~2...side")
    assert (str(base.id), str(head.id)) == (ids["c1"], ids["s2"])
    # side is merged into HEAD, so the merge base is side's tip
    base, head = repo.parse_range("side...")
    assert (str(base.id), str(head.id)) == (ids["s2"], ids["c4"])
    assert repo.range_commits(*repo.parse_range("HEAD...side")) == []


def test_parse_range_errors(repo):
    for spec, msg in [("nope..HEAD", "unknown revision: nope"),
                      ("HEAD..nope", "unknown revision: nope"),
                      ("..", "invalid revision range: .."),
                      ("", "empty revision range")]:
        with pytest.raises(GitError) as e:
            repo.parse_range(spec)
        assert str(e.value) == msg


def test_parse_range_no_merge_base(tmp_path):
    h = History(tmp_path)
    a = h.commit("a", {"a.c": SRC1})
    b = h.commit("b", {"b.c": SRC1}, parents=[], branch="other")
    with pytest.raises(GitError, match="no merge base between"):
        Repo(h.path).parse_range(f"{a}...{b}")


def test_range_commits_linear(repo, hist):
    _, ids = hist
    assert shas(repo.range_commits(repo.resolve(ids["c1"]), repo.resolve(ids["c2"]))) == [ids["c2"]]
    assert shas(repo.range_commits(*repo.parse_range(f"{ids['c1']}..{ids['c3']}"))) == [ids["c2"], ids["c3"]]


def test_range_includes_side_branch(repo, hist):
    _, ids = hist
    got = shas(repo.range_commits(*repo.parse_range("v1..v2")))
    assert set(got) == {ids[k] for k in ("c2", "s1", "s2", "c3", "m")}
    assert got[-1] == ids["m"]
    assert got.index(ids["s1"]) < got.index(ids["s2"])
    assert got.index(ids["c2"]) < got.index(ids["c3"])


def test_range_oldest_first_topological(repo, hist):
    _, ids = hist
    commits = repo.range_commits(None, repo.resolve("HEAD"))
    got = shas(commits)
    assert len(got) == 7 and got[0] == ids["c1"] and got[-1] == ids["c4"]
    pos = {s: i for i, s in enumerate(got)}
    for c in commits:
        for p in c.parent_ids:
            assert pos[str(p)] < pos[str(c.id)]


def test_range_excludes_base_side(repo, hist):
    _, ids = hist
    # side..main: everything on main not on side (s1, s2 excluded even via merge)
    got = set(shas(repo.range_commits(*repo.parse_range("side..main"))))
    assert got == {ids[k] for k in ("c2", "c3", "m", "c4")}


def test_range_empty(repo, hist):
    assert repo.range_commits(*repo.parse_range("HEAD..v2")) == []
    assert repo.range_commits(*repo.parse_range("HEAD..HEAD")) == []


def test_range_accepts_revs(repo, hist):
    _, ids = hist
    assert shas(repo.range_commits("HEAD~1", "HEAD")) == [ids["c4"]]


def test_range_root_commit(tmp_path):
    h = History(tmp_path)
    c = h.commit("only", {"a.c": SRC1})
    r = Repo(h.path)
    assert shas(r.range_commits(None, r.resolve("HEAD"))) == [c]


# -- commit refs --------------------------------------------------------------

def test_commit_ref_basic(repo, hist):
    _, ids = hist
    ref = repo.commit_ref(repo.resolve("v1"))
    assert ref == CommitRef(sha=ids["c1"], subject="c1: initial",
                            author="A U Thor <author@example.com>",
                            date="2023-11-14T23:13:20+00:00")
    assert ref.fixes_tag == f'Fixes: {ids["c1"][:12]} ("c1: initial")'


def test_commit_ref_tz_and_unicode(tmp_path):
    h = History(tmp_path)
    c = h.commit("mm: fix \u00e9l\u00e8ve leak", {"a.c": SRC1}, author=("J\u00f6rg M\u00fcller", "jm@x.org"),
                 time=EPOCH, offset=330)
    d = h.commit("neg", {"a.c": SRC2}, time=EPOCH + 10, offset=-420)
    r = Repo(h.path)
    ref = r.commit_ref(r.resolve(c))
    assert ref.subject == "mm: fix \u00e9l\u00e8ve leak"
    assert ref.author == "J\u00f6rg M\u00fcller <jm@x.org>"
    assert ref.date == "2023-11-15T03:43:20+05:30"
    assert r.commit_ref(d).date == "2023-11-14T15:13:30-07:00"


def test_commit_ref_invalid_utf8_and_control_chars(tmp_path):
    h = History(tmp_path)
    c = h.commit(b"bad \xff byte\tand \x1b[31m esc\r\n\nbody\n", {"a.c": SRC1},
                 author=(b"N\xe9", "e@x"))
    ref = Repo(h.path).commit_ref(c)
    assert ref.subject == "bad \ufffd byte\tand \x1b[31m esc"
    assert ref.author == "N\ufffd <e@x>"


def test_commit_ref_declared_encoding(tmp_path):
    h = History(tmp_path)
    c = h.commit("caf\u00e9: latin-1 subject", {"a.c": SRC1}, encoding="ISO-8859-1")
    assert h.repo[c].raw_message.startswith(b"caf\xe9")
    assert Repo(h.path).commit_ref(c).subject == "caf\u00e9: latin-1 subject"


def test_subject_like_git_log_s():
    assert git_subject("one\n") == "one"
    assert git_subject("\n\n  lead\nwrapped  \nline\n\nbody") == "  lead wrapped line"
    assert git_subject("") == ""
    assert git_subject("a\x07b\n \nbody") == "a\x07b"


# -- listing files ------------------------------------------------------------

def test_list_files_dir_specs(repo, hist):
    want = ["fs/iomap/buffered-io.c", "fs/iomap/trace.h"]
    for spec in ("fs/iomap", "fs/iomap/", "./fs/iomap", "fs//iomap/"):
        got = repo.list_files("HEAD", [spec])
        assert [p for p, _ in got] == want
    for p, sha in got:
        assert repo.read_blob(sha) == repo.read_path("HEAD", p)


def test_list_files_file_spec_and_multi(repo):
    got = repo.list_files("HEAD", ["mm/x.c", "block/"])
    assert [p for p, _ in got] == ["block/blk-lib.c", "mm/x.c"]
    # overlapping specs do not duplicate
    got = repo.list_files("HEAD", ["fs", "fs/iomap", "fs/iomap/trace.h"])
    assert [p for p, _ in got] == ["fs/ext4/inode.c", "fs/iomap/buffered-io.c", "fs/iomap/trace.h"]


def test_list_files_whole_tree_and_suffixes(repo):
    all_c = [p for p, _ in repo.list_files("HEAD", [])]
    assert all_c == sorted(all_c)
    assert "README" not in all_c and "mm/y.c" in all_c and len(all_c) == 6
    assert [p for p, _ in repo.list_files("HEAD", ["."], suffixes=(".h",))] == ["fs/iomap/trace.h"]
    assert "README" in [p for p, _ in repo.list_files("HEAD", [], suffixes=None)]


def test_list_files_missing_spec(repo):
    assert repo.list_files("HEAD", ["drivers/nope"]) == []
    assert not repo.pathspec_exists("HEAD", "drivers/nope")
    assert repo.pathspec_exists("HEAD", "fs/iomap/")
    assert repo.pathspec_exists("HEAD", "mm/x.c")
    assert repo.pathspec_exists("HEAD", "")
    assert not repo.pathspec_exists("v1", "mm/y.c")


def test_list_files_odd_names_symlinks_submodules(tmp_path):
    h = History(tmp_path)
    c = h.commit("odd", {
        b"drivers/caf\xe9.c": SRC1,
        "drivers/with space.c": SRC2,
        "drivers/link.c": Symlink("with space.c"),
        "drivers/sub": Submodule("1" * 40),
        "drivers/tool.c": Executable(SRC1),
    })
    r = Repo(h.path)
    got = dict(r.list_files(c, ["drivers"]))
    assert set(got) == {"drivers/caf\udce9.c", "drivers/with space.c", "drivers/tool.c"}
    assert "drivers/caf\udce9.c".encode("utf-8", "surrogateescape") == b"drivers/caf\xe9.c"
    assert r.read_path(c, "drivers/caf\udce9.c") == SRC1.encode()
    assert r.read_path(c, "drivers/with space.c") == SRC2.encode()
    assert r.list_files(c, ["drivers/caf\udce9.c"]) == [("drivers/caf\udce9.c", got["drivers/caf\udce9.c"])]
    assert r.list_files(c, ["drivers/link.c"]) == []
    assert r.read_path(c, "drivers/link.c") is None        # symlinks are not files
    assert r.read_path(c, "drivers/sub") is None
    assert r.blob_id(c, "drivers/link.c") is None
    assert r.pathspec_exists(c, "drivers/sub")
    assert r.changed_files(c, ["drivers"]) == set(got)


def test_invalid_pathspecs(repo):
    for bad in ("../etc", "/abs/path", "mm/../fs"):
        with pytest.raises(GitError, match="invalid pathspec"):
            repo.list_files("HEAD", [bad])


def test_list_files_walks_only_the_pathspec(tmp_path):
    """A subtree outside the pathspecs is never read: point drivers/ at a
    missing object and list mm/ fine; the whole tree fails cleanly."""
    h = History(tmp_path)
    h.commit("base", {"mm/a.c": SRC1})
    r0 = h.repo
    root = r0[h.tip()].tree
    entries = [(e.raw_name, e.filemode, e.id) for e in root]
    entries.append((b"drivers", 0o040000, pygit2.Oid(hex="ab" * 20)))
    data = b"".join(b"%o %s\0" % (m, n) + o.raw for n, m, o in sorted(entries))
    tree = r0.odb.write(ObjectType.TREE, data)
    c = h.commit("broken", tree=tree)
    r = Repo(h.path)
    assert [p for p, _ in r.list_files(c, ["mm"])] == ["mm/a.c"]
    assert r.changed_files(c, ["mm"]) == set()
    with pytest.raises(GitError, match="cannot read tree"):
        r.list_files(c, [])


# -- changed files ------------------------------------------------------------

def test_changed_files_simple_and_root(repo, hist):
    _, ids = hist
    assert repo.changed_files(ids["c2"], []) == {"mm/x.c"}
    assert repo.changed_files(ids["c1"], []) == {"block/blk-lib.c", "mm/x.c", "fs/iomap/buffered-io.c",
                                                  "fs/iomap/trace.h", "fs/ext4/inode.c"}
    assert repo.changed_files(ids["c1"], ["fs/iomap"]) == {"fs/iomap/buffered-io.c", "fs/iomap/trace.h"}
    assert repo.changed_files(ids["c1"], [], suffixes=None) >= {"README"}
    assert repo.changed_files(ids["c2"], ["block"]) == set()


def test_changed_files_merge_is_union_over_parents(repo, hist):
    _, ids = hist
    # vs c3 the merge brings block + iomap; vs s2 it brings mm (c2) + ext4 (c3)
    assert repo.changed_files(ids["m"], []) == {"block/blk-lib.c", "fs/iomap/trace.h",
                                                 "mm/x.c", "fs/ext4/inode.c"}
    assert repo.changed_files(ids["m"], ["fs/iomap/"]) == {"fs/iomap/trace.h"}
    assert repo.changed_files(ids["m"], ["mm/x.c"]) == {"mm/x.c"}


def test_changed_files_delete_and_replace(tmp_path):
    h = History(tmp_path)
    h.commit("a", {"d/a.c": SRC1, "d/b.c": SRC1, "e/f.c": SRC1, "g.c": SRC1, "ln.c": SRC1})
    c = h.commit("b", {"d/a.c": None, "e": None, "e/f.c": None, "g.c": None,
                       "g.c/inner.c": SRC2, "ln.c": Symlink("g.c/inner.c")})
    r = Repo(h.path)
    assert r.changed_files(c, []) == {"d/a.c", "e/f.c", "g.c", "g.c/inner.c", "ln.c"}
    assert r.changed_files(c, ["e"]) == {"e/f.c"}
    assert r.changed_files(c, ["g.c"]) == {"g.c", "g.c/inner.c"}
    assert r.list_files(c, ["e"]) == []
    assert not r.pathspec_exists(c, "e")          # empty dir vanished


def test_changed_files_symlink_only_change_ignored(tmp_path):
    h = History(tmp_path)
    h.commit("a", {"l.c": Symlink("x.c"), "x.c": SRC1})
    c = h.commit("b", {"l.c": Symlink("y.c")})
    assert Repo(h.path).changed_files(c, []) == set()


def test_changed_files_mode_change(tmp_path):
    h = History(tmp_path)
    h.commit("a", {"x.c": SRC1})
    c = h.commit("b", {"x.c": Executable(SRC1)})
    assert Repo(h.path).changed_files(c, []) == {"x.c"}


def test_changed_files_between(repo, hist):
    _, ids = hist
    assert repo.changed_files_between(repo.resolve("v1"), repo.resolve("v2"), [], (".c", ".h")) == \
        {"block/blk-lib.c", "fs/iomap/trace.h", "mm/x.c", "fs/ext4/inode.c"}
    assert repo.changed_files_between("v1", "HEAD", ["mm"], (".c",)) == {"mm/x.c", "mm/y.c"}
    assert repo.changed_files_between("v1", "HEAD", ["mm"], (".h",)) == set()
    assert repo.changed_files_between("HEAD", "HEAD", [], (".c",)) == set()
    assert repo.changed_files_between(None, "v1", ["block"], (".c",)) == {"block/blk-lib.c"}


# -- blobs ----------------------------------------------------------------------

def test_read_blob_and_path(repo, hist):
    _, ids = hist
    sha = repo.blob_id(ids["c2"], "mm/x.c")
    assert repo.read_blob(sha) == SRC2.encode()
    assert repo.read_path(ids["c1"], "mm/x.c") == SRC1.encode()
    assert repo.read_path(ids["c1"], "mm/y.c") is None
    assert repo.read_path(ids["c1"], "mm") is None
    assert repo.blob_id(ids["c1"], "nope/x.c") is None
    with pytest.raises(GitError, match="no such blob"):
        repo.read_blob("ab" * 20)
    with pytest.raises(GitError, match="not a blob"):
        repo.read_blob(ids["c1"])
    with pytest.raises(GitError):
        repo.read_blob("zz")


def test_read_is_raw_no_filters(tmp_path):
    h = History(tmp_path)
    data = b"int x;\r\n$Id$\r\n"
    c = h.commit("crlf", {".gitattributes": "*.c text eol=lf ident\n", "a.c": data})
    assert Repo(h.path).read_path(c, "a.c") == data


# -- hunks --------------------------------------------------------------------

def test_diff_hunks_modify(tmp_path):
    h = History(tmp_path)
    h.commit("a", {"x.c": "a\nb\nc\nd\ne\nf\ng\nh\ni\n", "y.c": SRC1})
    c = h.commit("b", {"x.c": "a\nb\nc\nD\ne\nf\ng\nh\ni\nj"})
    r = Repo(h.path)
    hunks = r.diff_hunks(c, "x.c")
    assert len(hunks) == 1
    hk = hunks[0]
    assert isinstance(hk, Hunk)
    assert (hk.old_start, hk.old_lines, hk.new_start, hk.new_lines) == (1, 9, 1, 10)
    assert hk.header.startswith("@@ -1,9 +1,10 @@")
    assert ("-", "d") in hk.lines and ("+", "D") in hk.lines and ("+", "j") in hk.lines
    assert all(o in " +-" for o, _ in hk.lines)
    assert hk.added_lines() == [4, 10] and hk.removed_lines() == [4]
    assert r.diff_hunks(c, "y.c") == []
    assert r.diff_hunks(c, "nope.c") == []


def test_diff_hunks_root_delete_and_merge(repo, hist):
    _, ids = hist
    hunks = repo.diff_hunks(ids["c1"], "mm/x.c")
    assert len(hunks) == 1 and hunks[0].old_lines == 0 and hunks[0].new_lines == 4
    assert [o for o, _ in hunks[0].lines] == ["+"] * 4
    # merge: against the first parent (c3) only
    (hk,) = repo.diff_hunks(ids["m"], "block/blk-lib.c")
    assert hk.lines == [("-", "int a(void)"), ("+", "int b(void)"), (" ", "{"),
                        ("-", "\treturn 0;"), ("+", "\treturn 1;"), (" ", "}")]
    assert repo.diff_hunks(ids["m"], "mm/x.c") == []


def test_diff_hunks_deletion(tmp_path):
    h = History(tmp_path)
    h.commit("a", {"x.c": SRC1})
    c = h.commit("b", {"x.c": None})
    (hk,) = Repo(h.path).diff_hunks(c, "x.c")
    assert hk.new_lines == 0 and [o for o, _ in hk.lines] == ["-"] * 4


# -- .clang-format -----------------------------------------------------------

def test_foreach_macros(tmp_path):
    h = History(tmp_path)
    a = h.commit("a", {"x.c": SRC1})
    b = h.commit("b", {".clang-format": "BasedOnStyle: LLVM\nForEachMacros:\n  - 'my_for_each'\n"
                                        "  - 'list_for_each_entry'\nIndentWidth: 8\n"})
    r = Repo(h.path)
    assert r.foreach_macros(a) is None
    assert r.foreach_macros(b) == frozenset({"my_for_each", "list_for_each_entry"})


# -- shallow clones -------------------------------------------------------------

@pytest.fixture
def shallow(tmp_path):
    h = History(tmp_path / "src")
    cs = h.linear(5, path="mm/a.c")
    h.tag("old", cs[0])
    dest = h.shallow_copy(tmp_path / "shallow.git", boundary=[cs[2]])
    return Repo(dest), cs


def test_shallow_detected(shallow, repo):
    r, cs = shallow
    assert r.is_shallow() and not repo.is_shallow()
    assert str(r.resolve("HEAD").id) == cs[4]
    assert str(r.resolve("HEAD~2").id) == cs[2]
    assert str(r.resolve(cs[2][:10]).id) == cs[2]


@pytest.mark.parametrize("rev", ["CS0", "CS1short", "HEAD~3", "HEAD~4", "main~3"])
def test_shallow_missing_revision(shallow, rev):
    r, cs = shallow
    rev = {"CS0": cs[0], "CS1short": cs[1][:12]}.get(rev, rev)
    with pytest.raises(GitError) as e:
        r.resolve(rev)
    assert str(e.value) == f"revision {rev} is not in this shallow clone (fetch more history)"


def test_shallow_unknown_name_is_still_unknown(shallow):
    r, _ = shallow
    with pytest.raises(GitError, match="^unknown revision: nosuchbranch$"):
        r.resolve("nosuchbranch")
    with pytest.raises(GitError, match="^unknown revision: old$"):   # tag was cut off too
        r.resolve("old")


def test_shallow_range(shallow):
    r, cs = shallow
    with pytest.raises(GitError, match="not in this shallow clone"):
        r.parse_range(f"{cs[1]}..HEAD")
    assert shas(r.range_commits(*r.parse_range(f"{cs[2]}..HEAD"))) == cs[3:]
    assert shas(r.range_commits(None, r.resolve("HEAD"))) == cs[2:]
    # the boundary commit looks like a root: everything it has is "changed"
    assert r.changed_files(cs[2], []) == {"mm/a.c"}
    assert len(r.diff_hunks(cs[2], "mm/a.c")) == 1


# -- read-only ------------------------------------------------------------------

def test_never_writes_to_repo(hist):
    h, ids = hist
    gitdir = Path(h.repo.path)
    before = snapshot(h.path)
    r = Repo(h.path)
    base, head = r.parse_range("v1...HEAD")
    for c in r.range_commits(base, head):
        r.commit_ref(c)
        for p in r.changed_files(c, []):
            r.read_path(c, p)
            r.diff_hunks(c, p)
    r.list_files(head, ["fs"])
    r.foreach_macros(head)
    assert snapshot(h.path) == before
    assert not (gitdir / "index").exists()
    assert sorted(os.listdir(h.path)) == [".git"]


# -- the History helper itself ------------------------------------------------

def test_history_is_deterministic(tmp_path):
    def build(p):
        h = History(p)
        a = h.commit("a", {"x/y.c": SRC1})
        b = h.commit("b", {"x/z.c": SRC2})
        h.branch("s", a)
        s = h.commit("s", {"q.c": SRC1}, branch="s")
        return h.merge("m", [b, s])
    assert build(tmp_path / "1") == build(tmp_path / "2")


def test_history_refs_and_trees(tmp_path):
    h = History(tmp_path)
    a = h.commit("a", {"x/y.c": SRC1, "x/z.c": SRC2})
    assert h.tip() == a and h.repo.head.target == pygit2.Oid(hex=a)
    b = h.commit("b", {"x/y.c": None})
    assert h.files(b) == {"x/z.c": SRC2.encode()}
    assert h[b].parent_ids == [pygit2.Oid(hex=a)]
    # explicit non-tip parent: no ref moves
    d = h.commit("detached", {"q.c": SRC1}, parents=[a])
    assert h.tip() == b
    h.set_head("topic", d)
    assert h.tip() == d and h.repo.head.shorthand == "topic"
    e = h.commit("on topic", {"r.c": SRC1})
    assert h.tip("topic") == e and h.tip("main") == b
    root = h.commit("new root", {"n.c": SRC1}, parents=[], branch="orphan")
    assert h[root].parents == [] and h.files(root) == {"n.c": SRC1.encode()}
    t1, t2 = h[a].commit_time, h[b].commit_time
    assert t2 > t1
