"""`errpath contracts BASE..HEAD [PATH...]`: functions whose error contract
changed in a range, with the commit that changed it, as text and JSON."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from errpath.cli.story import build_story
from histories import History
from inproc import run

STORIES = Path(__file__).resolve().parent.parent / "fixtures" / "histories"


@pytest.fixture(scope="module")
def seed_story(tmp_path_factory):
    where = tmp_path_factory.mktemp("contracts-seed") / "repo"
    return where, build_story(STORIES / "folio-err-ptr", where)


def contracts(repo, spec, *args):
    r = run("contracts", spec, *args, "--repo", str(repo), "--no-cache", "-j", "1")
    assert r.code == 0, r.err
    return r


def test_null_to_err_ptr_and_lost_remap_with_their_commit(seed_story):
    repo, shas = seed_story
    doc = json.loads(contracts(repo, "v6.3..v6.4", "--format", "json").out)
    by_name = {f["function"]: f for f in doc["functions"]}
    assert set(by_name) == {"__filemap_get_folio", "iomap_write_begin", "iomap_write_iter"}
    f = by_name["__filemap_get_folio"]
    assert f["path"] == "mm/filemap.c"
    assert "NULL -> ERR_PTR" in f["changes"]
    assert f["before"]["null"] is True and f["after"]["err_ptr"] is True and f["after"]["null"] is False
    assert [c["commit"]["sha"] for c in f["commits"]] == [shas["err-ptr"]]
    w = by_name["iomap_write_begin"]
    assert any(c.startswith("EAGAIN remap lost") for c in w["changes"])
    assert w["before"]["nowait_enomem"] is False and w["after"]["nowait_enomem"] is True
    assert [c["commit"]["sha"] for c in w["commits"]] == [shas["err-ptr"]]
    # the documentation and nfs commits changed no contract
    all_commits = {c["commit"]["sha"] for f in doc["functions"] for c in f["commits"]}
    assert all_commits == {shas["err-ptr"]}


def test_text_names_the_commit_and_paths_limit_the_list(seed_story):
    repo, shas = seed_story
    r = contracts(repo, "v6.3..v6.4", "fs/iomap")
    lines = r.out.splitlines()
    heads = [l for l in lines if not l.startswith(" ")]
    assert [h.split(":")[0] for h in heads] == ["fs/iomap/buffered-io.c"] * 2
    assert f'    {shas["err-ptr"][:12]} ("mm: return an ERR_PTR from __filemap_get_folio")' in r.out
    assert "2 function(s) changed their error contract" in r.err


def test_may_sleep_gained_and_errno_removed(tmp_path):
    h = History(tmp_path)
    a = h.commit("fs: add lookup", {"fs/d/lookup.c": """
int d_lookup(struct dir *d, const char *name)
{
	if (!d->ready)
		return -EAGAIN;
	if (!find(d, name))
		return -ENOENT;
	return 0;
}
"""})
    b = h.commit("fs: make lookup wait for the directory", {"fs/d/lookup.c": """
int d_lookup(struct dir *d, const char *name)
{
	mutex_lock(&d->lock);
	if (!find(d, name)) {
		mutex_unlock(&d->lock);
		return -ENOENT;
	}
	mutex_unlock(&d->lock);
	return 0;
}
"""})
    doc = json.loads(contracts(h.path, f"{a}..{b}", "--format", "json").out)
    [f] = doc["functions"]
    assert f["function"] == "d_lookup"
    assert "errnos removed: -EAGAIN" in f["changes"]
    assert any(c.startswith("may sleep gained") and "mutex_lock" in c for c in f["changes"])
    assert f["commits"][0]["commit"]["subject"] == "fs: make lookup wait for the directory"


def test_a_range_is_required(seed_story):
    repo, _ = seed_story
    r = run("contracts", "v6.4", "--repo", str(repo), "--no-cache")
    assert r.code == 2 and "BASE..HEAD" in r.err


def test_ifdef_alternatives_are_compared_with_their_own_counterpart(tmp_path):
    """A function and its #else stub in one file: each is compared with itself at
    the base, so an unrelated edit lists nothing (it used to compare the real
    function with the stub: "may sleep gained" on code nobody touched)."""
    src = """
#ifdef CONFIG_WAITQ
int q_wait(struct q *q)
{
	mutex_lock(&q->lock);
	mutex_unlock(&q->lock);
	return 0;
}
#else
int q_wait(struct q *q)
{
	return -EOPNOTSUPP;
}
#endif

int q_other(struct q *q)
{
	return %s;
}
"""
    h = History(tmp_path)
    a = h.commit("q: add", {"fs/q/q.c": src % "0"})
    b = h.commit("q: other returns 1", {"fs/q/q.c": src % "1"})
    doc = json.loads(contracts(h.path, f"{a}..{b}", "--format", "json").out)
    assert doc["functions"] == []
    c = h.commit("q: the stub waits too", {"fs/q/q.c": (src % "1").replace(
        "\treturn -EOPNOTSUPP;", "\tmutex_lock(&q->lock);\n\treturn -EOPNOTSUPP;")})
    doc = json.loads(contracts(h.path, f"{b}..{c}", "--format", "json").out)
    [f] = doc["functions"]
    assert (f["function"], f["line"]) == ("q_wait", 10)
    assert any(ch.startswith("may sleep gained") for ch in f["changes"])


def test_an_int_function_never_may_now_return_null(tmp_path):
    """iomap_submit_ioend() returns an int: a NULL that reaches its return (through
    a pointer-typed callee or a plain `return NULL`) is 0 to its callers, so
    `contracts` must not say "may now return NULL" of it (issue 23 item 10)."""
    h = History(tmp_path)
    a = h.commit("iomap: add submit", {"fs/iomap/sub.c": """
int iomap_submit_ioend(struct iomap_writepage_ctx *wpc, int error)
{
	if (!wpc->ioend)
		return error;
	return -EIO;
}
"""})
    b = h.commit("iomap: submit returns nothing on an empty ioend", {"fs/iomap/sub.c": """
int iomap_submit_ioend(struct iomap_writepage_ctx *wpc, int error)
{
	if (!wpc->ioend)
		return NULL;
	return -EIO;
}
"""})
    doc = json.loads(contracts(h.path, f"{a}..{b}", "--format", "json").out)
    for f in doc["functions"]:
        assert not any("NULL" in c for c in f["changes"]), f["changes"]
        assert f["after"]["null"] is False
    r = contracts(h.path, f"{a}..{b}")
    assert "may now return NULL" not in r.out
    # a pointer function still says it
    c = h.commit("iomap: add lookup", {"fs/iomap/look.c": """
struct folio *iomap_lookup(struct inode *inode)
{
	return ERR_PTR(-ENOENT);
}
"""})
    d = h.commit("iomap: lookup may miss", {"fs/iomap/look.c": """
struct folio *iomap_lookup(struct inode *inode)
{
	if (!inode->i_mapping)
		return NULL;
	return ERR_PTR(-ENOENT);
}
"""})
    r = contracts(h.path, f"{c}..{d}")
    assert "may now return NULL" in r.out
    # ... and says it has both kinds of failure now (issue 22 item 1)
    assert "may now return NULL (now NULL and ERR_PTR)" in r.out
    assert "after:  NULL and ERR_PTR: " in r.out


def test_may_sleep_is_not_lost_while_a_callee_still_allocates_with_gfp_nofs(tmp_path):
    """Dropping the mutex leaves x_alloc()'s kmalloc(sz, gfp) with gfp = GFP_NOFS
    unless NOWAIT: the function may still sleep, so `contracts` must not say
    "may sleep lost" (issue 23 item 10); a ternary mask is read the same way."""
    src = """
static void *x_alloc(size_t sz, unsigned int flags)
{
	gfp_t gfp = GFP_NOFS;

	if (flags & IOMAP_NOWAIT)
		gfp = GFP_NOWAIT;
	return kmalloc(sz, gfp);
}

static void *x_alloc2(size_t sz, unsigned int flags)
{
	return kmalloc(sz, (flags & IOMAP_NOWAIT) ? GFP_NOWAIT : GFP_NOFS);
}

int x_begin(struct x *x, unsigned int flags)
{
	void *p;

	mutex_lock(&x->lock);
	p = %s(16, flags);
	mutex_unlock(&x->lock);
	if (!p)
		return -ENOMEM;
	return 0;
}
"""
    for alloc in ("x_alloc", "x_alloc2"):
        h = History(tmp_path / alloc)
        a = h.commit("x: begin", {"fs/x/a.c": src % alloc})
        b = h.commit("x: no lock in begin", {"fs/x/a.c": "\n".join(
            l for l in (src % alloc).splitlines() if "mutex_" not in l) + "\n"})
        r = contracts(h.path, f"{a}..{b}")
        assert "may sleep lost" not in r.out, r.out
        doc = json.loads(contracts(h.path, f"{a}..{b}", "--format", "json").out)
        assert doc["functions"] == []
