"""err-ptr-null-mismatch: behaviour a user sees, across files and at the edges
of the callee's contract."""
from __future__ import annotations

import textwrap
from pathlib import Path

from errpath import analysis as summary
from errpath.pipeline.engine import Engine
from errpath.pipeline.blob import analyse_blob
from errpath.facts.index import FactsIndex
from errpath.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
RULE = next(r for r in load_rules() if r.id == "err-ptr-null-mismatch")


def run(files: dict[str, str], scope: set[str] | None = None):
    fns, inits = [], {}
    for path, src in files.items():
        a = analyse_blob(path, textwrap.dedent(src).encode(), None)
        assert not a.unparsed, a.unparsed
        fns += a.functions
        inits[path] = a.init_functions
    idx = FactsIndex(fns, in_scope=scope or set(files))
    idx.init_functions = inits
    idx.summaries = summary.build(idx)
    engine = Engine.__new__(Engine)
    engine.rules = [RULE]
    engine.stats = {}
    found, errors = Engine.run_rules(engine, idx, idx.functions_in_scope())
    assert not errors, errors
    return found


CALLEE_V2 = """
    struct folio *pc_get(struct address_space *m, pgoff_t i, gfp_t gfp)
    {
        struct folio *folio = filemap_alloc_folio(gfp, 0);

        if (!folio)
            return ERR_PTR(-ENOMEM);
        return folio;
    }
"""
CALLEE_V1 = CALLEE_V2.replace("return ERR_PTR(-ENOMEM);", "return NULL;")
CALLER = """
    int fs_begin(struct address_space *m, pgoff_t i)
    {
        struct folio *folio = pc_get(m, i, GFP_KERNEL);

        if (!folio)
            return -ENOMEM;
        folio_unlock(folio);
        return 0;
    }
"""


def test_null_test_in_another_file_depends_on_the_callee_file():
    found = run({"mm/pc.c": CALLEE_V2, "fs/x/file.c": CALLER})
    assert [(f.path, f.function) for f in found] == [("fs/x/file.c", "fs_begin")]
    f = found[0]
    assert "mm/pc.c" in f.depends_on and "fs/x/file.c" in f.depends_on
    assert any(e.path == "mm/pc.c" and "ERR_PTR(-ENOMEM)" in e.note for e in f.evidence)
    # the same caller against the old NULL convention is right
    assert run({"mm/pc.c": CALLEE_V1, "fs/x/file.c": CALLER}) == []


def test_findings_only_in_the_given_paths():
    assert run({"mm/pc.c": CALLEE_V2, "fs/x/file.c": CALLER}, scope={"mm/pc.c"}) == []


def test_header_config_stub_is_not_the_contract():
    header = """
        static inline struct folio *page_folio_of(struct folio *f)
        {
            WARN_ON_ONCE(1);
            return ERR_PTR(-EINVAL);
        }
    """
    caller = """
        void finish(struct folio *folio)
        {
            folio = page_folio_of(folio);
            folio->mapping = NULL;
        }
    """
    assert run({"include/linux/crypt.h": header, "fs/e/io.c": caller}, scope={"fs/e/io.c"}) == []


def _near_miss_source() -> str:
    return (ROOT / "fixtures/err-ptr-null-mismatch/good_context_rules_out_failure.c").read_text()


def test_each_near_miss_turns_into_a_finding_when_its_guard_goes():
    src = _near_miss_source()
    assert run({"fs/n.c": src}) == []
    mutations = {
        "pidfs_show": ("if (file->f_op != &pidfs_fops)", "if (!pidfs_ready())"),
        "release_all": ("for_each_vma(vmi, vma) {", "while (vma_more(&vmi)) {"),
        "getbuf": ("GFP_NOFS | __GFP_NOFAIL", "GFP_NOFS"),
        "flush_all": ("wait_event(j->wait, (ret = __next_flush_buf(j)) != ERR_PTR(-EAGAIN));",
                      "ret = __next_flush_buf(j);"),
    }
    for function, (old, new) in mutations.items():
        assert old in src
        found = run({"fs/n.c": src.replace(old, new)})
        assert [f.function for f in found] == [function], (function, [f.message for f in found])


def test_constant_argument_rules_out_a_guarded_err_ptr():
    src = """
        static struct folio *get_folio(struct node *n, enum get_flags flags)
        {
            struct folio *folio = n->folio;

            if (flags == GET_TRYLOCK) {
                if (!folio_trylock(folio))
                    return ERR_PTR(-EBUSY);
            } else {
                folio_lock(folio);
            }
            return folio;
        }

        void remove_node(struct node *n, int how)
        {
            struct folio *folio = get_folio(n, GET_LOCK);

            folio->mapping = NULL;
        }

        void try_remove_node(struct node *n)
        {
            struct folio *folio = get_folio(n, GET_TRYLOCK);

            folio->mapping = NULL;
        }
    """
    found = run({"mm/k.c": src})
    assert [f.function for f in found] == ["try_remove_node"]
    assert "ERR_PTR(-EBUSY)" in " ".join(e.note for e in found[0].evidence)


def test_is_err_on_a_null_only_wrapper_found_through_the_summary():
    src = """
        static struct clk *parent_of(struct clk *clk)
        {
            if (!clk || !clk->core->parent)
                return NULL;
            return clk->core->parent->hw->clk;
        }

        int enable_parent(struct clk *clk)
        {
            struct clk *p = parent_of(clk);

            if (IS_ERR(p))
                return PTR_ERR(p);
            return p->core->enable_count;
        }
    """
    found = run({"drivers/clk/c.c": src})
    assert len(found) == 1 and found[0].function == "enable_parent"
    assert found[0].message.startswith("IS_ERR() on 'p' from parent_of()")
    # the NULL only goes to clk_prepare_enable(), which accepts a NULL clk
    # (errpath/data/tolerant_params.txt): nothing crashes, but the failure is
    # lost silently: low, with the reason
    found = run({"drivers/clk/c.c": src.replace("return p->core->enable_count;",
                                                "return clk_prepare_enable(p);")})
    assert [f.confidence for f in found] == ["low"]
    assert "accepts a NULL" in found[0].evidence[-1].note


def test_kunit_near_misses_turn_into_findings_when_the_test_goes_on():
    """An ASSERT aborts the test and kunit_skip() never returns; EXPECT goes on, and a
    kunit_skip() under a condition may not be taken: those uses are reported, at the
    low confidence of test code."""
    src = (ROOT / "fixtures/err-ptr-null-mismatch/good_kunit_assert_and_skip.c").read_text()
    assert run({"drivers/m/meter_test.c": src}) == []
    mutations = {
        "meter_rate_test": ("KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);", "KUNIT_EXPECT_NOT_ERR_OR_NULL(test, m);"),
        "meter_upstream_test": ('KUNIT_ASSERT_TRUE_MSG(test, !IS_ERR(down), "no downstream meter");',
                                'KUNIT_EXPECT_NOT_ERR_OR_NULL(test, down);'),
        "meter_chain_test": ('kunit_skip(test, "chained meters are not supported yet");',
                             'if (!meters_chain())\n\t\tkunit_skip(test, "no chains");'),
        "meter_reset_test": ('KUNIT_FAIL_AND_ABORT(test, "reset is not implemented");',
                             'KUNIT_FAIL(test, "reset is not implemented");'),
    }
    for function, (old, new) in mutations.items():
        assert old in src
        found = run({"drivers/m/meter_test.c": src.replace(old, new)})
        assert {f.function for f in found} == {function}, (function, [f.message for f in found])
        assert {f.confidence for f in found} == {"low"} and all("in test code" in f.message for f in found)


def test_kunit_expect_is_reported_at_test_code_confidence():
    src = (ROOT / "fixtures/err-ptr-null-mismatch/bad_kunit_expect_goes_on.c").read_text()
    found = {f.function: f for f in run({"drivers/p/probe_test.c": src})}
    assert set(found) == {"probe_id_test", "probe_hits_test", "probe_null_test"}
    for fn in ("probe_id_test", "probe_hits_test"):
        assert found[fn].confidence == "low" and found[fn].message.endswith("without IS_ERR() in test code")
    # an assertion that tests for NULL only is the NULL-test mistake, whatever the file
    assert "is tested for NULL" in found["probe_null_test"].message


def test_each_assignment_of_a_reused_variable_is_its_own_finding():
    """`clk = clk_get(a); use(clk); clk = clk_get(b); use(clk);` (a real shape in
    drivers/clk/ti): the second unchecked use is reported too, under its own
    fingerprint, so the engine's de-duplication keeps both."""
    from errpath.pipeline.engine import _dedupe
    src = (ROOT / "fixtures/err-ptr-null-mismatch/bad_unchecked_deref.c").read_text()
    found = [f for f in _dedupe(run({"drivers/w/widget.c": src})) if f.function == "widget_pair"]
    assert len(found) == 2, [(f.line, f.message) for f in found]
    assert len({f.fingerprint for f in found}) == 2
    assert found[0].line < found[1].line


def test_an_err_ptr_that_only_reports_a_bad_argument_is_low_confidence():
    """After a callee whose ERR_PTRs say only "no such item" or "bad argument"
    (-ENOENT, -EINVAL, ...), an unchecked dereference is reported at low
    confidence, with the reason in the evidence; one that can fail for resources
    (-EIO, -ENOMEM) stays medium."""
    src = (ROOT / "fixtures/err-ptr-null-mismatch/bad_contract_errno_deref.c").read_text()
    found = {f.function: f for f in run({"drivers/x/tree.c": src})}
    assert set(found) == {"handle_reg", "tree_insert_parent"}
    assert found["handle_reg"].confidence == "low"
    assert any("only with -ENOENT" in e.note for e in found["handle_reg"].evidence)
    assert found["tree_insert_parent"].confidence == "medium"
    # an -ENOMEM on top makes the lookup a real failure again
    worse = src.replace("\tif (!test_bit(id, b->present))",
                        "\tvoid *scratch = kmalloc(16, GFP_KERNEL);\n\n\tif (!scratch)\n\t\treturn ERR_PTR(-ENOMEM);\n"
                        "\tkfree(scratch);\n\tif (!test_bit(id, b->present))")
    assert {f.function: f.confidence for f in run({"drivers/x/tree.c": worse})}["handle_reg"] == "medium"


def test_a_header_stub_that_only_might_sleep_returns_its_constant():
    """x86's `resctrl_arch_mon_ctx_alloc()` is `might_sleep(); return NULL;` in a
    header, NULL meaning success: a stub, not a NULL-on-failure contract, so the
    IS_ERR() of its real (ERR_PTR) twin's callers is not the wrong test."""
    header = """
    static inline void *mon_ctx_alloc(struct rdt_resource *r, int evtid)
    {
        might_sleep();
        return NULL;
    }
    """
    caller = """
    int mon_read(struct rdt_resource *r, int evtid)
    {
        void *ctx = mon_ctx_alloc(r, evtid);

        if (IS_ERR(ctx))
            return PTR_ERR(ctx);
        return do_read(r, ctx);
    }
    """
    assert run({"arch/x86/include/asm/resctrl.h": header, "arch/x86/kernel/cpu/resctrl/m.c": caller},
               scope={"arch/x86/kernel/cpu/resctrl/m.c"}) == []
    # the same body without might_sleep() was a stub already; one that does real
    # work before returning NULL is a NULL-on-failure contract
    real = header.replace("might_sleep();", "if (!r->mon_capable)\n            return NULL;\n        return kzalloc(8, GFP_KERNEL);")
    found = run({"arch/x86/include/asm/resctrl.h": real, "arch/x86/kernel/cpu/resctrl/m.c": caller},
                scope={"arch/x86/kernel/cpu/resctrl/m.c"})
    assert [f.function for f in found] == ["mon_read"]


def test_userspace_test_harnesses_under_tools_testing_are_test_code():
    """tools/testing/vma builds mm/ code into a userspace test whose ASSERT_*()
    macros return on failure: an unchecked result there is test code (low),
    the same function in mm/ keeps medium."""
    src = """
        struct vm_area_struct *vma_grow(struct vm_area_struct *vma)
        {
            struct vm_area_struct *n = kzalloc(sizeof(*n), GFP_KERNEL);

            if (!n)
                return ERR_PTR(-ENOMEM);
            n->vm_start = vma->vm_start;
            return n;
        }

        int test_grow(struct vm_area_struct *vma)
        {
            struct vm_area_struct *n = vma_grow(vma);

            return n->vm_end > vma->vm_end;
        }
        """
    for path, confidence in (("tools/testing/vma/vma.c", "low"), ("mm/vma.c", "medium")):
        found = run({path: src})
        assert [(f.function, f.confidence) for f in found] == [("test_grow", confidence)], path


RUNTIME_DEREF = """
    static int meter_read(struct meter *m, struct device *dev)
    {
        struct clk *c = clk_get(dev, "meter");

        m->rate = clk_get_rate(c);
        return 0;
    }
"""


def test_init_only_failures_rank_low_with_the_reason():
    # at runtime: default confidence
    found = run({"drivers/x/meter.c": RUNTIME_DEREF})
    assert [(f.function, f.confidence) for f in found] == [("meter_read", "medium")]
    # the same code as a probe callback, an __init function, or a helper only they call: low, and said
    probe = RUNTIME_DEREF + """
    static struct platform_driver meter_driver = {
        .probe = meter_read,
    };
    """
    found = run({"drivers/x/meter.c": probe})
    assert [(f.function, f.confidence) for f in found] == [("meter_read", "low")]
    assert "probe callback" in found[0].evidence[-1].note
    init = RUNTIME_DEREF.replace("static int meter_read", "static int __init meter_read")
    assert [f.confidence for f in run({"drivers/x/meter.c": init})] == ["low"]
    helper = RUNTIME_DEREF + """
    static int meter_probe(struct platform_device *pdev)
    {
        return meter_read(platform_get_drvdata(pdev), &pdev->dev);
    }

    static struct platform_driver meter_driver = {
        .probe = meter_probe,
    };
    """
    found = run({"drivers/x/meter.c": helper})
    assert [f.confidence for f in found] == ["low"]
    assert "called only from meter_probe()" in found[0].evidence[-1].note


def test_field_err_ptr_used_in_another_function_of_the_file():
    src = """
    static void pump_start(struct pump *p)
    {
        p->task = kthread_run(pump_fn, p, "pump");
    }

    static void pump_stop(struct pump *p)
    {
        kthread_stop(p->task);
    }
    """
    found = run({"drivers/x/pump.c": src})
    assert [(f.function, f.line) for f in found] == [("pump_start", 4)]
    assert any(e.function == "pump_stop" for e in found[0].evidence)
    # the reader checks it: silent
    fixed = src.replace("kthread_stop(p->task);", "if (!IS_ERR_OR_NULL(p->task))\n            kthread_stop(p->task);")
    assert run({"drivers/x/pump.c": fixed}) == []


def test_an_err_ptr_only_from_an_optional_hook_is_low_with_the_reason():
    """A lookup whose only ERR_PTR carries the error of a call through an ops
    pointer (d_hash_and_lookup() and d_op->d_hash) fails only for objects whose
    type has that operation: an unchecked use is low, and the evidence names the
    hook. The same lookup failing by its own allocation stays medium."""
    src = """
        struct dentry *name_lookup(struct dentry *dir, struct qstr *name)
        {
            if (dir->d_flags & DCACHE_OP_HASH) {
                int err = dir->d_op->d_hash(dir, name);
                if (err < 0)
                    return ERR_PTR(err);
            }
            return d_lookup(dir, name);
        }

        struct dentry *pipe_dir_lookup(struct super_block *sb, const char *dir_name)
        {
            return name_lookup(sb->s_root, &QSTR(dir_name));
        }

        static int register_pipe(struct super_block *sb)
        {
            struct dentry *dir = pipe_dir_lookup(sb, "pipes");

            if (dir == NULL)
                return -ENOENT;
            return dir->d_inode->i_mode;
        }
    """
    found = run({"fs/p/pipe.c": src})
    assert [(f.function, f.confidence) for f in found] == [("register_pipe", "low")]
    assert "d_op->d_hash()" in found[0].evidence[-1].note
    own = src.replace("int err = dir->d_op->d_hash(dir, name);", "int err = hash_name(dir, name);") \
             .replace("if (dir->d_flags", "struct dentry *hash_buf = kmalloc(64, GFP_KERNEL);\n"
                      "            if (!hash_buf)\n                return ERR_PTR(-ENOMEM);\n            if (dir->d_flags")
    assert [(f.function, f.confidence) for f in run({"fs/p/pipe.c": own})] == [("register_pipe", "medium")]


def test_a_second_call_of_a_lookup_checked_elsewhere_in_the_file_is_low():
    """find_tt(udev) is checked with IS_ERR() where the object is first made; the
    reservation later calls find_tt(udev) again and uses it unchecked: low, naming
    the function that checked it. Alone, the unchecked use stays medium."""
    src = """
        static struct tt *find_tt(struct udev *udev)
        {
            struct tt *tt = udev->tt;

            if (tt)
                return tt;
            tt = kzalloc(sizeof(*tt), GFP_ATOMIC);
            if (!tt)
                return ERR_PTR(-ENOMEM);
            udev->tt = tt;
            return tt;
        }

        static void reserve(struct qh *qh)
        {
            struct tt *tt = find_tt(qh->udev);

            tt->bw += qh->bw;
        }
    """
    first = """
        static int schedule(struct qh *qh)
        {
            struct tt *tt = find_tt(qh->udev);

            if (IS_ERR(tt))
                return PTR_ERR(tt);
            reserve(qh);
            return 0;
        }
    """
    found = run({"drivers/usb/e.c": src + first})
    assert [(f.function, f.confidence) for f in found] == [("reserve", "low")]
    assert "schedule() makes the same call" in found[0].evidence[-1].note
    assert [(f.function, f.confidence) for f in run({"drivers/usb/e.c": src})] == [("reserve", "medium")]


def test_is_err_on_an_accessor_whose_null_is_only_a_bad_argument_is_low():
    """An accessor returns NULL only when its index argument is out of range
    (`if (i >= st->n) return NULL;`), else a stored pointer: IS_ERR() on it is low.
    A lookup that returns NULL when the item is not there stays high."""
    src = """
        struct cstate *state_get_new(struct astate *st, struct conn *c)
        {
            int i = conn_index(c);

            if (i >= st->num_conn)
                return NULL;
            return st->conns[i].new_state;
        }

        static int update(struct astate *st, struct conn *c)
        {
            struct cstate *cs = state_get_new(st, c);

            if (IS_ERR(cs))
                return PTR_ERR(cs);
            return cs->mode;
        }
    """
    found = run({"drivers/gpu/u.c": src})
    assert [(f.function, f.confidence) for f in found] == [("update", "low")]
    missing = src.replace("return st->conns[i].new_state;",
                          "if (!st->conns[i].present)\n                return NULL;\n"
                          "            return st->conns[i].new_state;")
    assert [(f.function, f.confidence) for f in run({"drivers/gpu/u.c": missing})] == [("update", "high")]


_WRONG_TEST = """
struct device *class_dev_create(struct class *cls, const char *name)
{
    struct device *d = kzalloc(sizeof(*d), GFP_KERNEL);

    if (!d)
        return ERR_PTR(-ENOMEM);
    if (device_add_named(d, cls, name)) {
        kfree(d);
        return ERR_PTR(-EIO);
    }
    return d;
}

static int %s dimm_attach(struct board *b)
{
    b->dev = class_dev_create(b->cls, "dimm");
    if (!b->dev)
        return -ENOMEM;
    return 0;
}
"""


def test_a_wrong_test_in_init_only_or_test_code_is_low():
    """A NULL test on a function that returns an ERR_PTR and never NULL misses the
    failure wherever it is; in an __init function, or in test code (a selftest
    file, a test directory), that failure is one of boot or of the test harness:
    low, with the reason. At runtime it stays high."""
    found = run({"drivers/x/board.c": _WRONG_TEST % ""})
    assert [(f.function, f.confidence) for f in found] == [("dimm_attach", "high")]
    found = run({"drivers/x/board.c": _WRONG_TEST % "__init"})
    assert [(f.function, f.confidence) for f in found] == [("dimm_attach", "low")]
    assert "__init" in found[0].evidence[-1].note
    for path in ("drivers/gpu/x/selftest_board.c", "drivers/x/test/board.c", "tools/testing/x/board.c"):
        found = run({path: _WRONG_TEST % ""})
        assert [(f.function, f.confidence) for f in found] == [("dimm_attach", "low")], path
        assert "test code" in found[0].evidence[-1].note


def test_a_lookup_of_an_object_known_to_exist_is_low_with_the_reason():
    """In fixtures/err-ptr-null-mismatch/bad_existence_*.c, the lookups named *_known
    find an object the code around them shows is there (the same key found and
    checked earlier on the path, a link kept in a node of the tree a cache-first
    lookup searches, every caller making the same lookup first, the probe making it
    on the same device): low, and the last evidence says which. Their look-alikes
    (another key, a lookup that allocates or reads from disk every time, a caller
    that did not look first, another device) stay medium."""
    from rulecheck import findings_for_file
    files = sorted((ROOT / "fixtures" / "err-ptr-null-mismatch").glob("bad_existence_*.c"))
    assert len(files) == 4
    for path in files:
        _, found = findings_for_file(path, [RULE])
        known = [f for f in found if f.function.endswith("_known")]
        assert known and all(f.confidence == "low" and f.evidence[-1].note.startswith("low: ") for f in known), \
            (path.name, [(f.function, f.confidence) for f in known])
        others = [f for f in found if not f.function.endswith("_known")]
        assert others and all(f.confidence == "medium" for f in others), \
            (path.name, [(f.function, f.confidence) for f in others])


SEG = """
    static struct seg *seg_check(struct seg_ns *ns, int id)
    {
        struct seg *s = idr_find(&ns->ids, id);

        if (!s)
            return ERR_PTR(-EINVAL);
        return s;
    }

    static struct seg *seg_lock(struct seg_ns *ns, int id)
    {
        struct seg *s = idr_find(&ns->ids, id);

        if (!s || s->removed)
            return ERR_PTR(-EIDRM);
        return s;
    }
"""


def test_a_second_lookup_run_because_the_first_failed_is_not_known_to_exist():
    """`if (IS_ERR(s) && PTR_ERR(s) == -EINVAL) s = seg_lock(ns, id);`: the same
    key, but the second lookup runs on the first one's failure: medium."""
    retry = """
        static int seg_attach(struct seg_ns *ns, int id)
        {
            struct seg *s;

            s = seg_check(ns, id);
            if (IS_ERR(s) && PTR_ERR(s) == -EINVAL)
                s = seg_lock(ns, id);
            s->users++;
            return 0;
        }
    """
    found = run({"ipc/seg.c": SEG + retry})
    assert [(f.function, f.confidence) for f in found] == [("seg_attach", "medium")]
    # the same lookups with the failure leaving first: the object was found
    ok = retry.replace("if (IS_ERR(s) && PTR_ERR(s) == -EINVAL)\n                s = seg_lock(ns, id);",
                       "if (IS_ERR(s))\n                return PTR_ERR(s);\n            s = seg_lock(ns, id);")
    assert ok != retry
    found = run({"ipc/seg.c": SEG + ok})
    assert [(f.function, f.confidence) for f in found] == [("seg_attach", "low")]
    assert "seg_check(ns, id) looked up the same key earlier" in found[0].evidence[-1].note


TYPETAB = """
    static struct typetab *the_typetab;

    static struct typetab *typetab_parse(void)
    {
        struct typetab *t = kzalloc(sizeof(*t), GFP_KERNEL);

        if (!t)
            return ERR_PTR(-ENOMEM);
        return t;
    }

    struct typetab *typetab_get(void)
    {
        struct typetab *t = the_typetab;

        if (!t) {
            t = typetab_parse();
            the_typetab = t;
        }
        return t;
    }

    struct typetab *typetab_new(void)
    {
        struct typetab *t = typetab_parse();

        return t;
    }
"""


def test_a_shared_singleton_checked_by_another_caller_is_low():
    """A no-argument getter of a file-scope object it creates once: the loader (in
    another file) checks it, so a hook that runs later uses the same, valid
    object: low. A getter that makes a new object each time stays medium."""
    loader = """
        int prog_load(struct prog *p)
        {
            struct typetab *t = typetab_get();

            if (IS_ERR(t))
                return PTR_ERR(t);
            p->tab = t;
            return 0;
        }
    """
    hook = """
        static bool ctx_access(struct prog *p, int off)
        {
            struct typetab *t = typetab_get();

            return off < t->nr_types;
        }
    """
    files = {"kernel/typetab.c": TYPETAB, "kernel/prog.c": loader, "kernel/ctx.c": hook}
    found = run(files, scope={"kernel/ctx.c"})
    assert [(f.function, f.confidence) for f in found] == [("ctx_access", "low")]
    assert "prog_load() checks it" in found[0].evidence[-1].note
    fresh = {k: v.replace("typetab_get()", "typetab_new()") for k, v in files.items() if k != "kernel/typetab.c"}
    fresh["kernel/typetab.c"] = TYPETAB
    found = run(fresh, scope={"kernel/ctx.c"})
    assert [(f.function, f.confidence) for f in found] == [("ctx_access", "medium")]


def test_generated_kernel_lists_lose_to_hand_kept_ones():
    """The generated lists (bench/kernel_returners.py) add the kernel's exported
    getters; a name the hand-kept lists put on the other side stays there."""
    from errpath.knowledge import data_rows
    from errpath.knowledge.tables import err_ptr_returners, null_returners
    errs, nulls = err_ptr_returners(), null_returners()
    assert {"syscon_node_to_regmap", "devm_phy_get", "nvmem_cell_get"} <= errs
    hand_null = {r[0] for r in data_rows("null_returners")}
    hand_err = {r[0] for r in data_rows("err_ptr_returners")}
    assert not (hand_null & errs) and not (hand_err & nulls)
    assert not (errs & nulls)
