"""Blame across files: a commit that changes a callee's contract in one file
creates (or fixes) a finding in an unchanged caller in another, and
`errpath audit A..B --format json` names that commit and shows the callee's
old and new behaviour."""
from __future__ import annotations

from pathlib import Path

import pytest

from errpath.cli.story import build_story
from histories import History
from inproc import run

STORIES = Path(__file__).resolve().parent.parent / "fixtures" / "histories"


def audit(repo: Path, spec: str, *paths: str, extra=()):
    r = run("audit", spec, *paths, "--repo", str(repo), "--format", "json", "--no-cache", "-q",
            "-j", "1", "--select", "nowait-enomem,err-ptr-null-mismatch", *extra)
    assert r.code in (0, 1), r.err
    return r.json()


@pytest.fixture(scope="module")
def seed_story(tmp_path_factory):
    where = tmp_path_factory.mktemp("folio-err-ptr") / "repo"
    return where, build_story(STORIES / "folio-err-ptr", where)


@pytest.fixture(scope="module")
def remap_story(tmp_path_factory):
    where = tmp_path_factory.mktemp("nowait-remap-lost") / "repo"
    return where, build_story(STORIES / "nowait-remap-lost", where)


def _by_rule(doc) -> dict:
    return {f["rule"]: f for f in doc["findings"]}


def test_forgotten_caller_is_blamed_on_the_callee_commit(seed_story):
    repo, shas = seed_story
    doc = audit(repo, "v6.3..v6.4")
    found = _by_rule(doc)
    assert set(found) == {"err-ptr-null-mismatch", "nowait-enomem"}
    f = found["err-ptr-null-mismatch"]
    # the finding lands in the caller nobody touched ...
    assert (f["path"], f["function"]) == ("fs/nfs/file.c", "nfs_write_begin")
    # ... and is pinned on the mm/ commit that changed the callee
    assert f["introduced_by"]["sha"] == shas["err-ptr"]
    assert f["fixes_tag"].startswith(f"Fixes: {shas['err-ptr'][:12]} (\"mm: return an ERR_PTR")
    change = [e for e in f["evidence"] if "changed __filemap_get_folio()" in e["note"]]
    assert change and change[0]["path"] == "mm/filemap.c"
    note = change[0]["note"]
    assert "before: NULL" in note and "after: ERR_PTR(" in note and "NULL -> ERR_PTR" in note
    # the same refactor dropped iomap's NOWAIT remap
    g = found["nowait-enomem"]
    assert (g["path"], g["function"]) == ("fs/iomap/buffered-io.c", "iomap_write_iter")
    assert g["introduced_by"]["sha"] == shas["err-ptr"]
    blamed = {x["introduced_by"]["sha"] for x in doc["findings"]}
    assert not blamed & {shas["mm-doc"], shas["nfs-comment"]}


def test_dropped_remap_in_mm_is_blamed_for_the_iomap_finding(remap_story):
    repo, shas = remap_story
    doc = audit(repo, "v6.15..v6.16")
    assert [(f["rule"], f["path"], f["function"]) for f in doc["findings"]] == [
        ("nowait-enomem", "fs/iomap/buffered-io.c", "iomap_write_iter")]
    f = doc["findings"][0]
    assert f["introduced_by"]["sha"] == shas["drop-remap"]
    notes = [e["note"] for e in f["evidence"]]
    # evidence order: the flag test, the non-blocking allocation, the -ENOMEM, the returns
    flag = next(i for i, n in enumerate(notes) if n.startswith("NOWAIT flag tested"))
    alloc = next(i for i, n in enumerate(notes) if "can fail (non-blocking" in n)
    enomem = next(i for i, n in enumerate(notes) if n.startswith("-ENOMEM"))
    ret = max(i for i, n in enumerate(notes) if n.startswith("returns"))
    assert flag < alloc < enomem < ret
    change = next(n for n in notes if "changed __filemap_get_folio()" in n)
    assert "-EAGAIN under NOWAIT" in change.split("after:")[0]
    assert "EAGAIN remap lost" in change


def test_scoped_audit_with_context_blames_the_same_commit(remap_story):
    repo, shas = remap_story
    doc = audit(repo, "v6.15..v6.16", "fs/iomap", extra=("--context", "mm"))
    assert [f["introduced_by"]["sha"] for f in doc["findings"]] == [shas["drop-remap"]]
    # without mm/ as context the callee is unknown: no claim
    assert audit(repo, "v6.15..v6.16", "fs/iomap")["findings"] == []


def test_a_callee_fix_in_another_file_is_reported_as_fixed(tmp_path):
    story = STORIES / "nowait-remap-lost"
    h = History(tmp_path)
    bad = h.commit("mm, iomap: write path", {
        "mm/filemap.c": (story / "filemap-v2.c").read_bytes(),
        "fs/iomap/buffered-io.c": (story / "iomap-v1.c").read_bytes()})
    fix = h.commit("mm: return -EAGAIN for failed NOWAIT folio allocations",
                   {"mm/filemap.c": (story / "filemap-v1.c").read_bytes()})
    doc = audit(h.path, f"{bad}..{fix}")
    assert doc["findings"] == []
    assert len(doc["fixed"]) == 1
    f = doc["fixed"][0]
    assert (f["rule"], f["function"]) == ("nowait-enomem", "iomap_write_iter")
    assert f["fixed_by"]["sha"] == fix
    assert any("changed __filemap_get_folio()" in e["note"] and "EAGAIN remap added" in e["note"]
               for e in f["evidence"])


GET_NULL = """struct thing *get_thing(int n)
{
	struct thing *t = kmalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	t->v = n;
	return t;
}
"""
GET_ERR = GET_NULL.replace("return NULL;", "return ERR_PTR(-ENOMEM);")
USE = """int use_it(int n)
{
	struct thing *t = get_thing(n);
	if (!t)
		return -ENOMEM;
	return t->v;
}
"""
OTHER = """static struct thing things[4];
struct thing *find_other(int n)
{
	if (n < 0 || n > 3)
		return ERR_PTR(-EINVAL);
	return &things[n];
}
int old_bug(int n)
{
	struct thing *t = find_other(n);
	if (!t)
		return -ENOENT;
	return t->v;
}
"""
FIX = """int fixed_later(int n)
{
	struct thing *t = find_other(n);
	if (!t)
		return -EIO;
	return t->v;
}
"""


@pytest.fixture(scope="module")
def contract_change(tmp_path_factory):
    h = History(tmp_path_factory.mktemp("cone") / "repo")
    h.commit("base", {"mm/get.c": GET_NULL, "fs/use.c": USE, "fs/other.c": OTHER, "fs/fix.c": FIX})
    h.tag("v1", "HEAD")
    h.commit("mm: get_thing() returns an ERR_PTR", {"mm/get.c": GET_ERR})
    h.commit("fs: fix the test", {"fs/fix.c": FIX.replace("if (!t)", "if (IS_ERR(t))")})
    return h


def test_audit_is_the_same_whether_or_not_both_trees_were_scanned_whole(contract_change, tmp_path):
    """A cold audit runs the callee-only rules just on the functions whose call cone
    changed; after both trees were scanned whole (results cached) it compares the
    whole trees. Both give the same report: the unchanged caller of the changed
    callee is reported, the fix is seen, the old finding nobody touched is not."""
    repo = contract_change.path
    cache = tmp_path / "cache"
    args = ("--repo", str(repo), "--format", "json", "--cache-dir", str(cache), "-q", "-j", "1",
            "--min-confidence", "low", "--select", "err-ptr-null-mismatch")
    cold = run("audit", "v1..HEAD", *args)
    assert cold.code == 1, cold.err
    doc = cold.json()
    assert [(f["path"], f["function"]) for f in doc["findings"]] == [("fs/use.c", "use_it")]
    assert [(f["path"], f["function"]) for f in doc["fixed"]] == [("fs/fix.c", "fixed_later")]
    assert doc["stats"]["functions_unchanged"] == 2   # find_other, old_bug
    scans = [run("scan", "--rev", rev, *args) for rev in ("v1", "HEAD")]
    assert all("old_bug" in [f["function"] for f in s.json()["findings"]] for s in scans)
    whole = run("audit", "v1..HEAD", *args)
    assert "functions_unchanged" not in whole.json()["stats"]   # the two whole results were used
    strip = lambda d: {k: v for k, v in d.items() if k != "stats"}
    assert strip(doc) == strip(whole.json())


def test_call_cone_unchanged_follows_callers_of_changed_names():
    from errpath.pipeline.blob import analyse_blob
    from errpath.pipeline.cones import call_cone_unchanged
    from errpath.facts.index import FactsIndex

    def index(files: dict) -> FactsIndex:
        fns = [f for p, src in files.items() for f in analyse_blob(p, src.encode(), None).functions]
        return FactsIndex(fns, in_scope=set(files))
    a = ("int leaf(void) { return 0; }\nint mid(void) { return leaf(); }\nint top(void) { return mid(); }\n"
         "int alone(void) { return 1; }\nvoid log_it(void) { leaf(); }\nint user(void) { log_it(); return 0; }\n"
         "static int tidy(void) { return 0; }\nint uses_tidy(void) { return tidy(); }\n")
    b = "int other(void) { return helper(); }\nstatic int tidy(void) { return 3; }\nint own_tidy(void) { return tidy(); }\n"
    base = index({"a.c": a, "b.c": b})
    # leaf() and a.c's static tidy() change; helper() gets a definition; alone() moves down a line
    head = index({"a.c": "\n" + a.replace("return 0; }\nint mid", "return -1; }\nint mid")
                  .replace("tidy(void) { return 0;", "tidy(void) { return 1;"),
                  "b.c": b, "c.c": "int helper(void) { return 2; }\n"})
    same_head, same_base = call_cone_unchanged(head, base)
    name = {id(f): f.name for ix in (head, base) for f in ix.all}
    # mid() returns what leaf() does, so top() may see a change; log_it() calls leaf()
    # itself; user() only calls log_it(), which returns nothing: unchanged. b.c's own
    # static tidy() is not a.c's.
    assert sorted(name[i] for i in same_head) == ["alone", "own_tidy", "tidy", "user"]
    assert sorted(name[i] for i in same_base) == ["alone", "own_tidy", "tidy", "user"]


def test_paired_indexes_share_outcomes_only_where_the_callee_cone_is_unchanged():
    """An audit's two trees share finished outcomes (summary.pair) for functions of an
    unchanged file whose callees did not change; a caller in an unchanged file of a
    changed callee keeps one outcome per tree, or BASE would see HEAD's ERR_PTR."""
    from errpath import analysis as summary
    from errpath.pipeline.blob import analyse_blob
    from errpath.pipeline.cones import call_cones
    from errpath.facts.index import FactsIndex
    caller = ("struct page *grab(int i) { struct page *p = get_page(i); return p; }\n"
              "struct page *plain(int i) { return alloc_page(i); }\n")
    analysed = {p: analyse_blob(p, src.encode(), None) for p, src in {
        "caller.c": caller,
        "old/get.c": "struct page *get_page(int i) { if (i) return NULL; return &pages[i]; }\n",
        "new/get.c": "struct page *get_page(int i) { if (i) return ERR_PTR(-ENOMEM); return &pages[i]; }\n",
    }.items()}

    def index(getter: str) -> FactsIndex:
        a = analysed[getter]
        for f in a.functions:
            f.path = "get.c"
        fns = analysed["caller.c"].functions + a.functions   # caller.c: one object in both trees
        ix = FactsIndex(fns, in_scope={"caller.c", "get.c"})
        ix.summaries = summary.build(ix)
        return ix
    base, head = index("old/get.c"), index("new/get.c")
    portable: set = set()
    call_cones(head, base, {"caller.c"}, portable=portable)
    grab, plain = analysed["caller.c"].functions
    assert id(plain) in portable and id(grab) not in portable
    summary.pair(head, base, portable)
    sh, sb = summary.Summaries(head), summary.Summaries(base)
    assert {k[0] for k in sh.outcomes(grab)} == {"errptr", "ptr"}
    assert {k[0] for k in sb.outcomes(grab)} == {"null", "ptr"}   # not HEAD's answer
    assert sb.outcomes(plain) is sh.outcomes(plain)                 # computed once, for both


def test_an_index_too_big_for_two_at_once_is_audited_one_tree_at_a_time(contract_change, tmp_path, monkeypatch):
    import errpath.pipeline.engine as engine
    repo = contract_change.path
    args = ("--repo", str(repo), "--format", "json", "--no-cache", "-q", "-j", "1",
            "--min-confidence", "low", "--select", "err-ptr-null-mismatch")
    small = run("audit", "v1..HEAD", *args).json()
    monkeypatch.setattr(engine, "FORK_MAX_FUNCTIONS", 2)
    big = run("audit", "v1..HEAD", *args).json()
    assert "functions_unchanged" in small["stats"] and "functions_unchanged" not in big["stats"]
    strip = lambda d: {k: v for k, v in d.items() if k != "stats"}
    assert strip(small) == strip(big) and big["findings"]


SLEEPY_BEFORE = """void account_things(struct thing *t)
{
\tt->count++;
}
"""
SLEEPY_AFTER = """void account_things(struct thing *t)
{
\tmutex_lock(&t->lock);
\tt->count++;
\tmutex_unlock(&t->lock);
}
"""
MIDDLE = """void prepare_io(struct thing *t)
{
\taccount_things(t);
}
"""
NOWAIT_READ = """ssize_t demo_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
\tstruct thing *t = iocb->ki_filp->private_data;

\tif (iocb->ki_flags & IOCB_NOWAIT) {
\t\tprepare_io(t);
\t\treturn -EAGAIN;
\t}
\treturn 0;
}
"""


def test_a_void_helper_that_starts_sleeping_is_blamed_in_an_unchanged_nowait_caller(tmp_path):
    """nowait-blocks follows callees through void ones (prepare_io() passes nothing
    on, but it sleeps when its callee does): a cold audit runs it only where
    something below changed, and still reports the unchanged fs/ caller of the
    unchanged fs/ helper, blamed on the mm/ commit that made the leaf sleep."""
    h = History(tmp_path / "repo")
    h.commit("base", {"mm/things.c": SLEEPY_BEFORE, "fs/middle.c": MIDDLE, "fs/read.c": NOWAIT_READ})
    h.tag("v1", "HEAD")
    h.commit("mm: lock the things while counting", {"mm/things.c": SLEEPY_AFTER})
    r = run("audit", "v1..HEAD", "--repo", str(h.path), "--format", "json", "--no-cache", "-q", "-j", "1",
            "--min-confidence", "low", "--select", "nowait-blocks")
    assert r.code == 1, r.err
    doc = r.json()
    assert [(f["path"], f["function"]) for f in doc["findings"]] == [("fs/read.c", "demo_read_iter")]
    assert doc["findings"][0]["introduced_by"]["subject"] == "mm: lock the things while counting"


POOL_BEFORE = """void fill_pool(struct pool *p, gfp_t gfp)
{
	p->buf = kmalloc(64, gfp);
}
"""
POOL_AFTER = POOL_BEFORE.replace("kmalloc(64, gfp)", "kmalloc(64, gfp | __GFP_ACCOUNT)")
REFILL = """void refill(struct pool *p, gfp_t gfp)
{
	fill_pool(p, gfp);
}
"""
IRQ_REFILL = """void irq_refill(struct pool *p)
{
	refill(p, GFP_ATOMIC);
}
"""
CACHE_BEFORE = """static int __init pool_cache_init(void)
{
	pool_cachep = kmem_cache_create("pool", 64, 0, SLAB_PANIC, NULL);
	return 0;
}
"""
CACHE_AFTER = CACHE_BEFORE.replace("SLAB_PANIC", "SLAB_PANIC | SLAB_ACCOUNT")
CACHE_USER = """struct entry *grab_entry(struct pool *p)
{
	return kmem_cache_alloc(pool_cachep, GFP_ATOMIC);
}
"""


def _atomic_audit(h, *extra):
    r = run("audit", "v1..HEAD", "--repo", str(h.path), "--format", "json", "--no-cache", "-q", "-j", "1",
            "--select", "atomic-account", *extra)
    assert r.code == 1, r.err
    return r.json()


def test_a_void_helper_that_starts_charging_is_blamed_in_an_unchanged_atomic_caller(tmp_path):
    """atomic-account follows a gfp parameter down through void helpers: the
    unchanged fs/ caller that passes GFP_ATOMIC two levels above an mm/ helper
    that starts charging the memcg is reported, and blamed on that commit."""
    h = History(tmp_path / "repo")
    h.commit("base", {"mm/pool.c": POOL_BEFORE, "fs/middle.c": REFILL, "fs/irq.c": IRQ_REFILL})
    h.tag("v1", "HEAD")
    h.commit("mm: charge the pool to the memcg", {"mm/pool.c": POOL_AFTER})
    doc = _atomic_audit(h)
    assert [(f["path"], f["function"]) for f in doc["findings"]] == [("fs/irq.c", "irq_refill")]
    assert doc["findings"][0]["introduced_by"]["subject"] == "mm: charge the pool to the memcg"


def test_a_cache_that_starts_charging_is_blamed_in_an_unchanged_atomic_allocation(tmp_path):
    """A whole-index table: once mm/cache.c creates the cache with SLAB_ACCOUNT,
    the unchanged GFP_ATOMIC allocation from it elsewhere is a finding, though
    nothing it calls or that calls it changed (the rule then runs everywhere)."""
    h = History(tmp_path / "repo")
    h.commit("base", {"mm/cache.c": CACHE_BEFORE, "fs/entry.c": CACHE_USER})
    h.tag("v1", "HEAD")
    h.commit("mm: account the pool cache", {"mm/cache.c": CACHE_AFTER})
    doc = _atomic_audit(h)
    assert [(f["path"], f["function"]) for f in doc["findings"]] == [("fs/entry.c", "grab_entry")]
    assert doc["findings"][0]["introduced_by"]["subject"] == "mm: account the pool cache"


def test_a_flag_value_that_changes_changes_every_function_of_its_file():
    """A caller's guard on `flags & POOL_ADD` is decided with the file's macro
    values (summary.guard_refuted): when only a #define changes, the functions
    of that file are changed for the audit, and a caller in another file of a
    wrapper whose outcomes follow the flag is not shared between the trees."""
    from errpath import analysis as summary
    from errpath.pipeline.blob import analyse_blob
    from errpath.pipeline.cones import call_cones
    from errpath.facts.index import FactsIndex
    pool = ("static struct e *lookup(int k, unsigned int flags)\n{\n\tif (!(flags & POOL_ADD))\n"
            "\t\treturn NULL;\n\treturn ERR_PTR(-ENOMEM);\n}\n"
            "struct e *pool_find(int k)\n{\n\treturn lookup(k, POOL_FIND);\n}\n")
    user = "int use(int k)\n{\n\tstruct e *p = pool_find(k);\n\tif (!p)\n\t\treturn -1;\n\treturn p->n;\n}\n"
    analysed = {p: analyse_blob(p, src.encode(), None) for p, src in {
        "user.c": user,
        "old/pool.c": "#define POOL_FIND 1\n#define POOL_ADD 2\n" + pool,
        "new/pool.c": "#define POOL_FIND 1\n#define POOL_ADD 1\n" + pool,
    }.items()}

    def index(pool_c: str) -> FactsIndex:
        a = analysed[pool_c]
        for f in a.functions:
            f.path = "pool.c"
        ix = FactsIndex(analysed["user.c"].functions + a.functions, in_scope={"user.c", "pool.c"},
                        int_macros={"pool.c": a.int_macros})
        ix.summaries = summary.build(ix)
        return ix
    base, head = index("old/pool.c"), index("new/pool.c")
    portable: set = set()
    cones = call_cones(head, base, {"user.c"}, portable=portable)
    find_base = next(f for f in base.all if f.name == "pool_find")
    find_head = next(f for f in head.all if f.name == "pool_find")
    use, = analysed["user.c"].functions
    assert id(use) not in portable and id(find_head) not in cones[0]["callees"]
    summary.pair(head, base, portable)
    assert {k[0] for k in summary.Summaries(base).outcomes(find_base)} == {"null"}
    assert {k[0] for k in summary.Summaries(head).outcomes(find_head)} == {"errptr"}
