"""The failure model (errpath/analysis/failure.py): how a call fails, which branches are
its failure whatever the form of the test, and whether a function has an errno
channel."""
from __future__ import annotations

from errpath import analysis as summary
from errpath.pipeline.blob import analyse_blob
from errpath.analysis.failure import callee_fails, errno_channel, failed_calls
from errpath.facts.index import FactsIndex
from errpath.rules import RuleContext

SRC = b"""
int dev_count(struct dev *d)
{
	if (!d->list)
		return 0;
	return d->nr;
}

int dev_start(struct dev *d)
{
	if (!d->ready)
		return -ENODEV;
	return 0;
}

unsigned long dev_rate(struct dev *d)
{
	int ret = dev_start(d);
	if (ret < 0)
		goto fail;
	return d->rate;
fail:
	return 0;
}

int dev_user(struct dev *d)
{
	int ret;

	ret = dev_start(d);
	if (ret < 0)
		return ret;
	return 0;
}

int forms(struct dev *d)
{
	int ret, err, rc, n;
	struct buf *b;

	ret = dev_start(d);
	if (ret)
		goto a;
	err = dev_start(d);
	if (WARN_ON(err < 0))
		goto b;
	rc = dev_start(d);
	if (rc >= 0)
		dev_note(d);
	else
		goto c;
	n = dev_count(d);
	if (n)
		goto d;
	b = kmalloc(16, GFP_KERNEL);
	if (!b)
		goto e;
	ret = dev_start(d);
	if (ret == -ENODEV)
		goto f;
	return 0;
a: return 1;
b: return 2;
c: return 3;
d: return 4;
e: return 5;
f: return 6;
}
"""


def _setup():
    analysis = analyse_blob("f.c", SRC, None)
    index = FactsIndex(analysis.functions, in_scope={"f.c"}, int_macros={"f.c": analysis.int_macros})
    index.summaries = summary.build(index)
    fns = {f.name: f for f in analysis.functions}
    return fns, RuleContext(index)


def _at_goto(fn, ctx, label):
    g = next(n for n in fn.nodes if n.kind == "goto" and n.text.rstrip(";").endswith(" " + label))
    return {(f.var, f.kind, f.specific) for f in failed_calls(ctx, fn, g.id)}


def test_every_form_of_the_failure_test():
    fns, ctx = _setup()
    fn = fns["forms"]
    assert ("ret", "neg", False) in _at_goto(fn, ctx, "a")          # if (ret)
    assert ("err", "neg", False) in _at_goto(fn, ctx, "b")          # WARN_ON(err < 0)
    assert ("rc", "neg", False) in _at_goto(fn, ctx, "c")           # else of a success test
    assert not any(v == "n" for v, _, _ in _at_goto(fn, ctx, "d"))  # a count is no failure
    assert ("b", "null", False) in _at_goto(fn, ctx, "e")           # a failed allocation
    assert ("ret", "neg", True) in _at_goto(fn, ctx, "f")           # one particular errno


def test_how_callees_fail():
    fns, ctx = _setup()
    fn = fns["forms"]
    assert callee_fails(ctx, fn, "dev_start").neg and callee_fails(ctx, fn, "dev_start").known
    assert callee_fails(ctx, fn, "dev_count").pos
    assert callee_fails(ctx, fn, "kmalloc").null
    assert callee_fails(ctx, fn, "filp_open").errptr
    assert callee_fails(ctx, fn, "of_property_read_u32").tolerated
    assert not callee_fails(ctx, fn, "unknown_helper").known


def test_errno_channel():
    fns, ctx = _setup()
    assert errno_channel(ctx, fns["dev_start"])      # returns -ENODEV
    assert errno_channel(ctx, fns["dev_user"])       # hands a tested failure up
    assert not errno_channel(ctx, fns["dev_rate"])   # 0 is its failure, a rate its success


CHAIN = b"""
int level3(struct dev *d)
{
	if (!d->ok)
		return -EIO;
	return 0;
}

int level2(struct dev *d) { return level3(d); }

int level1(struct dev *d) { return level2(d); }

int level0(struct dev *d) { return level1(d); }

int top(struct dev *d) { return level0(d); }
"""


def _chain_ctx():
    analysis = analyse_blob("chain.c", CHAIN, None)
    index = FactsIndex(analysis.functions, in_scope={"chain.c"}, int_macros={"chain.c": analysis.int_macros})
    index.summaries = summary.build(index)
    return {f.name: f for f in analysis.functions}, RuleContext(index)


def test_how_a_call_fails_does_not_depend_on_who_asked_first():
    """An answer computed two calls down sees less (the depth limit cuts it short);
    asked directly afterwards, the same callee must get the full answer, as it
    would in a run where nothing asked before (a --select run, another rule order)."""
    fns, fresh = _chain_ctx()
    direct = callee_fails(fresh, fns["top"], "level1")
    fns2, ctx = _chain_ctx()
    deep = callee_fails(ctx, fns2["top"], "level1", depth=2)   # sees level2 only as presumed
    assert not deep.known and direct.known and direct.neg
    assert callee_fails(ctx, fns2["top"], "level1") == direct


def test_a_three_way_comparison_is_no_failure():
    """-1 / 0 / 1 with no errno (strcmp(), iface_cmp()): `< 0` picks a side of
    an order; a function that also returns a real errno, or only -1 and 0,
    still fails through its negatives."""
    src = b"""
int key_cmp(const struct key *a, const struct key *b)
{
	if (a->v == b->v)
		return 0;
	return a->v < b->v ? -1 : 1;
}

int key_check(const struct key *a)
{
	if (!a->v)
		return -EINVAL;
	if (a->v > 9)
		return 1;
	return -1;
}

int key_get(const struct key *a)
{
	if (!a->v)
		return -1;
	return 0;
}

int user(const struct key *a, const struct key *b)
{
	return key_cmp(a, b) + key_check(a) + key_get(a);
}
"""
    analysis = analyse_blob("cmp.c", src, None)
    index = FactsIndex(analysis.functions, in_scope={"cmp.c"}, int_macros={"cmp.c": analysis.int_macros})
    index.summaries = summary.build(index)
    ctx = RuleContext(index)
    fn = {f.name: f for f in analysis.functions}["user"]
    cmp = callee_fails(ctx, fn, "key_cmp")
    assert cmp.known and not cmp.neg and cmp.pos
    assert callee_fails(ctx, fn, "key_check").neg
    assert callee_fails(ctx, fn, "key_get").neg


def test_a_bool_result_is_never_an_errno():
    """`bool has_node(...) { return node_count(...); }` where node_count() may
    return -ENODEV: the caller receives true, not an errno."""
    src = b"""
int node_count(struct tree *t)
{
	if (!t->root)
		return -ENODEV;
	return t->n;
}

bool has_nodes(struct tree *t)
{
	return node_count(t);
}

int user(struct tree *t)
{
	return has_nodes(t);
}
"""
    analysis = analyse_blob("b.c", src, None)
    index = FactsIndex(analysis.functions, in_scope={"b.c"}, int_macros={"b.c": analysis.int_macros})
    index.summaries = summary.build(index)
    ctx = RuleContext(index)
    fn = {f.name: f for f in analysis.functions}["user"]
    assert callee_fails(ctx, fn, "node_count").neg
    got = callee_fails(ctx, fn, "has_nodes")
    assert got.known and not got.neg
