"""Summaries: what a function may return (per NOWAIT mode), whether it may
sleep, and how its error contract changes — computed on demand over the call
graph."""
from __future__ import annotations

import textwrap

import pytest

from errpath import analysis as summary
from errpath.pipeline.blob import analyse_blob
from errpath.facts.index import FactsIndex


def index_of(files: dict[str, str]) -> FactsIndex:
    fns = []
    for path, src in files.items():
        a = analyse_blob(path, textwrap.dedent(src).encode(), None)
        assert not a.unparsed, a.unparsed
        fns += a.functions
    idx = FactsIndex(fns, in_scope=set(files))
    idx.summaries = summary.build(idx)
    return idx


def fn(idx, path, name):
    return idx.by_file[path][name]


def kinds(outs) -> set:
    return {(k[0], k[1]) for k in outs}


FILEMAP = """
    struct folio *get_folio(struct address_space *m, pgoff_t i, int fgp_flags, gfp_t gfp)
    {
        struct folio *folio = lookup(m, i);

        if (folio)
            return folio;
        if (!(fgp_flags & FGP_CREAT))
            return ERR_PTR(-ENOENT);
        if (fgp_flags & FGP_NOWAIT)
            gfp &= ~__GFP_DIRECT_RECLAIM;
        folio = filemap_alloc_folio(gfp, 0);
        if (!folio)
            return ERR_PTR(-ENOMEM);
        return folio;
    }
"""


def test_build_is_lazy():
    idx = index_of({"mm/filemap.c": FILEMAP})
    assert idx.summaries.stats["flows"] == 0
    idx.summaries.outcomes(fn(idx, "mm/filemap.c", "get_folio"))
    assert idx.summaries.stats["flows"] >= 1


def test_err_ptr_function_never_returns_null():
    idx = index_of({"mm/filemap.c": FILEMAP})
    outs = idx.summaries.outcomes(fn(idx, "mm/filemap.c", "get_folio"))
    assert ("errptr", "ENOENT") in kinds(outs) and ("errptr", "ENOMEM") in kinds(outs)
    assert not {k for k in outs if k[0] in ("null", "zero", "unknown")}


def test_modes_follow_the_flag_parameter():
    idx = index_of({"mm/filemap.c": FILEMAP})
    S = idx.summaries
    f = fn(idx, "mm/filemap.c", "get_folio")
    assert S.modes(f) == ("set", "clear")
    assert S.flag_params(f) == {2: ""}
    enomem = lambda mode: {k[2] for k in S.outcomes(f, mode) if k[1] == "ENOMEM"}
    # with FGP_NOWAIT the allocation cannot reclaim: a non-blocking failure
    assert enomem("set") == {"nb"}
    # without it the mask is the caller's: the tag names the gfp parameter
    assert enomem("clear") == {("gfp", 3)}


def test_ternary_picks_its_side_per_mode_and_refines_values():
    idx = index_of({"fs/x.c": """
        int begin(struct iomap_iter *iter)
        {
            struct folio *folio = get(iter);
            int status = 0;

            if (!folio)
                status = (iter->flags & IOMAP_NOWAIT) ? -EAGAIN : -ENOMEM;
            return status;
        }

        struct inode *lookup_nowait(struct super_block *sb)
        {
            struct inode *inode = find_inode(sb);

            return IS_ERR(inode) ? NULL : inode;
        }
    """})
    S = idx.summaries
    f = fn(idx, "fs/x.c", "begin")
    assert ("errno", "ENOMEM") not in kinds(S.outcomes(f, "set"))
    assert ("errno", "EAGAIN") in kinds(S.outcomes(f, "set"))
    assert ("errno", "ENOMEM") in kinds(S.outcomes(f, "clear"))
    g = fn(idx, "fs/x.c", "lookup_nowait")
    assert "errptr" not in {k[0] for k in S.outcomes(g)}


def test_correlated_error_variable_is_path_sensitive():
    # `if (IS_ERR(s)) err = PTR_ERR(s); ... if (err) return NULL; return s;`
    idx = index_of({"mm/slab.c": """
        struct cache *make(const char *name)
        {
            struct cache *s = NULL;
            int err = 0;

            if (!name) {
                err = -EINVAL;
                goto out;
            }
            s = create(name);
            if (IS_ERR(s))
                err = PTR_ERR(s);
        out:
            unlock();
            if (err)
                return NULL;
            return s;
        }

        static struct cache *create(const char *name)
        {
            struct cache *s = kzalloc(sizeof(*s), GFP_KERNEL);

            if (!s)
                return ERR_PTR(-ENOMEM);
            return s;
        }
    """})
    outs = idx.summaries.outcomes(fn(idx, "mm/slab.c", "make"))
    assert "errptr" not in {k[0] for k in outs}
    assert "null" in {k[0] for k in outs}


def test_err_ptr_passthrough_and_function_pointer_unknown():
    idx = index_of({"fs/iomap.c": """
        static struct folio *get_folio(struct iomap_iter *iter)
        {
            const struct folio_ops *ops = iter->ops;

            if (ops && ops->get_folio)
                return ops->get_folio(iter);
            return grab(iter);
        }

        static struct folio *grab(struct iomap_iter *iter)
        {
            struct folio *folio = kmalloc(64, GFP_KERNEL);

            if (!folio)
                return ERR_PTR(-ENOMEM);
            return folio;
        }

        int begin(struct iomap_iter *iter)
        {
            struct folio *folio = get_folio(iter);

            if (IS_ERR(folio))
                return PTR_ERR(folio);
            return 0;
        }
    """})
    S = idx.summaries
    outs = S.outcomes(fn(idx, "fs/iomap.c", "get_folio"))
    assert ("errptr", "ENOMEM") in kinds(outs)
    unknown = [t for k, t in outs.items() if k[0] == "unknown"]
    assert unknown and any("function pointer" in s[3] and "ops->get_folio" in s[3] for s in unknown[0])
    assert ("errno", "ENOMEM") in kinds(S.outcomes(fn(idx, "fs/iomap.c", "begin")))


def test_static_functions_resolve_per_file_first():
    helper_err = """
        static struct obj *helper(int id)
        {
            if (id < 0)
                return ERR_PTR(-EINVAL);
            return &table[id];
        }
        struct obj *a_get(int id) { return helper(id); }
    """
    helper_null = """
        static struct obj *helper(int id)
        {
            if (id < 0)
                return NULL;
            return &table[id];
        }
        struct obj *b_get(int id) { return helper(id); }
    """
    idx = index_of({"fs/a.c": helper_err, "fs/b.c": helper_null})
    S = idx.summaries
    assert {k[0] for k in S.outcomes(fn(idx, "fs/a.c", "a_get"))} == {"errptr", "ptr"}
    assert {k[0] for k in S.outcomes(fn(idx, "fs/b.c", "b_get"))} == {"null", "ptr"}


def test_recursion_reaches_a_fixpoint():
    idx = index_of({"fs/r.c": """
        int walk_a(struct node *n)
        {
            if (!n)
                return -ENOENT;
            if (n->leaf)
                return 0;
            return walk_b(n->next);
        }

        int walk_b(struct node *n)
        {
            if (n->bad)
                return -EIO;
            return walk_a(n->child);
        }
    """})
    outs = idx.summaries.outcomes(fn(idx, "fs/r.c", "walk_a"))
    assert {("errno", "ENOENT"), ("errno", "EIO"), ("zero", "")} <= kinds(outs)


CYCLES = {"fs/r.c": """
    struct node *find_a(struct node *n)
    {
        if (!n)
            return ERR_PTR(-ENOENT);
        if (n->leaf)
            return n;
        return find_b(n->next);
    }

    struct node *find_b(struct node *n)
    {
        if (n->bad)
            return NULL;
        return find_a(n->child);
    }

    int count_a(struct node *n)
    {
        if (!n)
            return -EINVAL;
        return count_b(n->next);
    }

    int count_b(struct node *n)
    {
        if (n->bad)
            return -EIO;
        return count_a(n->child);
    }
"""}


@pytest.mark.parametrize("first", ["find_a", "find_b"])
def test_a_call_cycle_is_solved_once_whoever_is_asked_first(first):
    """Both members of a call cycle get their outcomes when the cycle is solved:
    asking the other one later (after another cycle was solved in between) gives
    the same answer as asking it first, and runs no value flow again."""
    other = "find_b" if first == "find_a" else "find_a"
    alone = index_of(CYCLES)
    expected = kinds(alone.summaries.outcomes(fn(alone, "fs/r.c", other)))
    assert {("errptr", "ENOENT"), ("null", "")} <= expected

    idx = index_of(CYCLES)
    S = idx.summaries
    S.outcomes(fn(idx, "fs/r.c", first))
    S.outcomes(fn(idx, "fs/r.c", "count_a"))   # another cycle, solved in between
    flows = S.stats["flows"]
    assert kinds(S.outcomes(fn(idx, "fs/r.c", other))) == expected
    assert S.stats["flows"] == flows


def test_argument_constants_prune_guarded_returns():
    idx = index_of({"mm/ksm.c": """
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

        void remove_node(struct node *n)
        {
            struct folio *folio = get_folio(n, GET_LOCK);

            folio->mapping = NULL;
        }
    """})
    S = idx.summaries
    g = fn(idx, "mm/ksm.c", "remove_node")
    call = next(c for c in g.calls() if c.name == "get_folio")
    outs, _ = S.returns_of("get_folio", g.path, call)
    assert "errptr" not in {k[0] for k in outs}
    outs, _ = S.returns_of("get_folio", g.path)
    assert "errptr" in {k[0] for k in outs}


def test_may_sleep_directly_transitively_and_by_gfp():
    idx = index_of({"fs/s.c": """
        static void lock_it(struct inode *inode) { inode_lock(inode); }
        void outer(struct inode *inode) { lock_it(inode); }
        void *grab(void) { return kmalloc(8, GFP_KERNEL); }
        void *grab_atomic(void) { return kmalloc(8, GFP_NOWAIT); }
        int quiet(int x) { return x + 1; }
    """})
    S = idx.summaries
    sleeps, why = S.may_sleep(fn(idx, "fs/s.c", "outer"))
    assert sleeps and "lock_it()" in why and "inode_lock()" in why
    assert S.may_sleep(fn(idx, "fs/s.c", "grab"))[0]
    assert not S.may_sleep(fn(idx, "fs/s.c", "grab_atomic"))[0]
    assert not S.may_sleep(fn(idx, "fs/s.c", "quiet"))[0]


def test_contract_changes_name_what_a_reviewer_looks_for():
    old = index_of({"mm/f.c": """
        struct folio *get(struct address_space *m, int fgp_flags, gfp_t gfp)
        {
            struct folio *folio;

            if (fgp_flags & FGP_NOWAIT)
                gfp = GFP_NOWAIT;
            folio = filemap_alloc_folio(gfp, 0);
            if (!folio)
                return NULL;
            return folio;
        }
    """})
    new = index_of({"mm/f.c": """
        struct folio *get(struct address_space *m, int fgp_flags, gfp_t gfp)
        {
            struct folio *folio;

            mutex_lock(&m->lock);
            if (fgp_flags & FGP_NOWAIT)
                gfp = GFP_NOWAIT;
            folio = filemap_alloc_folio(gfp, 0);
            mutex_unlock(&m->lock);
            if (!folio)
                return ERR_PTR(-ENOMEM);
            return folio;
        }
    """})
    a = old.summaries.contract(fn(old, "mm/f.c", "get"))
    b = new.summaries.contract(fn(new, "mm/f.c", "get"))
    changes = summary.contract_changes(a, b)
    assert "NULL -> ERR_PTR" in changes
    assert "errnos added: -ENOMEM" in changes
    assert "-ENOMEM now leaves under NOWAIT" in changes
    assert any(c.startswith("may sleep gained") and "mutex_lock" in c for c in changes)
    assert summary.contract_changes(a, a) == []


@pytest.mark.parametrize("atom,expected", [
    ("IS_ERR(folio)", (("folio", "err", "ne"),)),
    ("folio", (("folio", "nz", "z"),)),
    ("err==-ENOMEM", (("err", ("eq", "ENOMEM"), ("neq", "ENOMEM")),)),
    ("folio==ERR_PTR(-EHWPOISON)", (("folio", ("eqp", "EHWPOISON"), ("neqp", "EHWPOISON")),)),
    ("ret<0", (("ret", "neg", "nneg"),)),
])
def test_atoms_constrain_variables(atom, expected):
    assert summary.atom_constraints(atom) == expected


def test_the_nearest_global_definition_wins():
    err = "struct node *find(int id) { if (id < 0) return ERR_PTR(-EIO); return &nodes[id]; }\n"
    nul = "struct node *find(int id) { if (id < 0) return NULL; return &nodes[id]; }\n"
    caller = "struct node *get(int id) { return find(id); }\n"
    idx = index_of({"fs/hfs/bnode.c": err, "fs/hfsplus/bnode.c": nul, "fs/hfsplus/brec.c": caller})
    S = idx.summaries
    assert S.resolve("find", "fs/hfsplus/brec.c").path == "fs/hfsplus/bnode.c"
    assert {k[0] for k in S.outcomes(fn(idx, "fs/hfsplus/brec.c", "get"))} == {"null", "ptr"}


RECURSIVE_SLEEP = {"fs/r.c": """
    int walk_a(struct node *n)
    {
        int ret;

        if (!n)
            return 0;
        ret = walk_b(n->left);
        mutex_lock(&n->lock);
        mutex_unlock(&n->lock);
        return ret;
    }

    int walk_b(struct node *n)
    {
        return walk_a(n->right);
    }

    int walk_top(struct node *n)
    {
        return walk_b(n);
    }
    """}


@pytest.mark.parametrize("first", ["walk_a", "walk_b", "walk_top"])
def test_may_sleep_through_a_recursion_does_not_depend_on_who_asks_first(first):
    """walk_a and walk_b call each other and walk_a sleeps after the call: all
    three may sleep, whichever is asked first (walk_b used to be memoised as
    'does not sleep' while walk_a, its callee, was still being computed)."""
    idx = index_of(RECURSIVE_SLEEP)
    S = idx.summaries
    S.may_sleep(fn(idx, "fs/r.c", first))
    got = {name: S.may_sleep(fn(idx, "fs/r.c", name)) for name in ("walk_a", "walk_b", "walk_top")}
    assert all(s for s, _ in got.values()), got
    assert got["walk_a"][1].startswith("mutex_lock()")
    assert got["walk_b"][1].startswith("walk_a() → mutex_lock()")
    assert got["walk_top"][1].startswith("walk_b() → walk_a() → mutex_lock()")


ERR_THROUGH_A_RECURSION = {"fs/t.c": """
    struct dentry *lookup_a(struct dentry *d)
    {
        if (d->parent)
            return lookup_b(d->parent);
        return make_dentry(d);
    }

    struct dentry *lookup_b(struct dentry *d)
    {
        return lookup_a(d);
    }

    struct dentry *make_dentry(struct dentry *d)
    {
        if (!d->inode)
            return ERR_PTR(-ENOENT);
        return d;
    }
    """}


@pytest.mark.parametrize("first", ["lookup_a", "lookup_b"])
def test_may_return_err_ptr_through_a_recursion_does_not_depend_on_who_asks_first(first):
    """lookup_a and lookup_b call each other; lookup_a passes on make_dentry()'s
    ERR_PTR, so both may return one, whichever is asked first. (lookup_b used to
    be memoised as 'cannot' while lookup_a, its callee, was still being asked:
    the err-ptr rule then skipped lookup_b's callers, depending on check order.)"""
    idx = index_of(ERR_THROUGH_A_RECURSION)
    S = idx.summaries
    S.may_return_err_ptr(first, "fs/t.c")
    assert S.may_return_err_ptr("lookup_a", "fs/t.c")
    assert S.may_return_err_ptr("lookup_b", "fs/t.c")


NOWAIT_THROUGH_A_RECURSION = {"fs/w.c": """
    int leaf(struct kiocb *iocb, int flags)
    {
        if (flags & IOCB_NOWAIT)
            return -EAGAIN;
        return 0;
    }

    int walk_a(struct kiocb *iocb, int flags, int n)
    {
        if (n)
            return walk_b(iocb, flags, n - 1);
        return leaf(iocb, flags);
    }

    int walk_b(struct kiocb *iocb, int flags, int n)
    {
        return walk_a(iocb, flags, n);
    }

    int submit(struct kiocb *iocb)
    {
        return walk_a(iocb, IOCB_NOWAIT, 3);
    }
    """}


@pytest.mark.parametrize("first", ["walk_a", "walk_b"])
def test_nowait_live_through_a_recursion_does_not_depend_on_who_asks_first(first):
    """submit() hands walk_a() a set NOWAIT flag, and walk_a and walk_b pass it
    to each other: the flag may be set in both, whichever is asked first
    (walk_b, whose only caller is walk_a, used to be memoised as 'never set'
    while walk_a was still being asked)."""
    idx = index_of(NOWAIT_THROUGH_A_RECURSION)
    S = idx.summaries
    S.nowait_live(fn(idx, "fs/w.c", first))
    assert S.nowait_live(fn(idx, "fs/w.c", "walk_a"))
    assert S.nowait_live(fn(idx, "fs/w.c", "walk_b"))


RESERVE = """
    struct event *reserve_slot(struct rbuf *b, unsigned long len)
    {
        if (b->tail + len > b->size)
            return NULL;
        if (atomic_read(&b->busy))
            return ERR_PTR(-EAGAIN);
        b->tail += len;
        return &b->slots[b->tail];
    }

    struct event *reserve_next(struct rbuf *b, unsigned long len)
    {
        struct event *event;

     again:
        event = reserve_slot(b, len);
        if (unlikely(PTR_ERR(event) == -EAGAIN))
            goto again;
        if (likely(event))
            return event;
        return NULL;
    }

    struct event *reserve_or_report(struct rbuf *b, unsigned long len)
    {
        struct event *event = reserve_slot(b, len);

        if (PTR_ERR(event) != -EAGAIN)
            return event;
        return ERR_PTR(-EBUSY);
    }
"""


def test_ptr_err_compared_with_an_errno_filters_that_err_ptr():
    """`if (PTR_ERR(event) == -EAGAIN) goto again;` retries the only ERR_PTR the
    callee returns: the ring buffer's reserve returns NULL or an event, never an
    ERR_PTR (kernel/trace/ring_buffer.c's rb_reserve_next_event())."""
    idx = index_of({"kernel/trace/rb.c": RESERVE})
    S = idx.summaries
    assert ("errptr", "EAGAIN") in kinds(S.outcomes(fn(idx, "kernel/trace/rb.c", "reserve_slot")))
    assert not {k for k in S.outcomes(fn(idx, "kernel/trace/rb.c", "reserve_next")) if k[0] == "errptr"}
    # `!=` keeps everything but the -EAGAIN on the side it returns
    other = kinds(S.outcomes(fn(idx, "kernel/trace/rb.c", "reserve_or_report")))
    assert ("errptr", "EAGAIN") not in other and ("errptr", "EBUSY") in other and ("null", "") in other


PROBE = """
    struct client *new_client_device(struct adapter *adap, struct board_info *info)
    {
        struct client *c = kzalloc(sizeof(*c), GFP_KERNEL);

        if (!c)
            return ERR_PTR(-ENOMEM);
        if (register_client(adap, c)) {
            kfree(c);
            return ERR_PTR(-EBUSY);
        }
        return c;
    }

    struct client *module_probe(struct adapter *adap, struct board_info *info)
    {
        struct client *client = new_client_device(adap, info);

        if (!i2c_client_has_driver(client))
            return NULL;
        return client;
    }

    struct client *module_probe_unfiltered(struct adapter *adap, struct board_info *info)
    {
        struct client *client = new_client_device(adap, info);

        if (!client_ready(client))
            return NULL;
        return client;
    }
"""


def test_a_valid_pointer_predicate_filters_err_ptr_and_null():
    """i2c_client_has_driver() is `!IS_ERR_OR_NULL(client) && ...`: past
    `if (!i2c_client_has_driver(client)) return NULL;` the client is valid, so
    dvb_module_probe() returns NULL or a client, never an ERR_PTR. A predicate
    not in errpath/data/pointer_predicates.txt says nothing."""
    idx = index_of({"drivers/media/probe.c": PROBE})
    S = idx.summaries
    assert kinds(S.outcomes(fn(idx, "drivers/media/probe.c", "module_probe"))) == {("null", ""), ("ptr", "")}
    other = kinds(S.outcomes(fn(idx, "drivers/media/probe.c", "module_probe_unfiltered")))
    assert {("errptr", "ENOMEM"), ("errptr", "EBUSY")} <= other
