"""Per-path definitions of one variable (errpath/analysis/pathdefs.py, exported by
errpath.api): which definition reaches a node and what the branches on that path
prove of it, where reaching definitions merge the paths."""
from __future__ import annotations

from errpath.api import PathDef, path_definitions
from errpath.pipeline.blob import analyse_blob

SRC = b"""
int two_ways(struct o *o, void *buf)
{
	int err = -EINVAL;

	if (o->on_disk) {
		err = map_it(o);
		if (!err)
			err = read_it(o, buf);
		if (err)
			goto out;
	} else if (!o->inline_data) {
		goto out;
	}
	if (check(buf))
		goto out;
	return 0;
out:
	return err;
}

int signs(struct o *o)
{
	int n = -ENODEV;

	if (o->ext) {
		n = probe(o);
		if (n < 0)
			goto out;
	}
	if (o->bad)
		goto out;
	return 0;
out:
	return n;
}

int bang(struct o *o)
{
	int ret = -EIO;

	if (o->warm) {
		ret = warm(o);
		if (!ret)
			o->ready = 1;
		else if (ret != -EOPNOTSUPP)
			goto out;
	}
	if (o->bad)
		goto out;
	return 0;
out:
	return ret;
}

int flags(struct o *o)
{
	int ret = 0;

	if (o->x)
		ret = -EINVAL;
	if (ret)
		goto out;
	if (o->bad)
		goto out;
	return 0;
out:
	return ret;
}

int looped(struct o *o)
{
	int err = -ETIMEDOUT;
	int i;

	for (i = 0; i < 5; i++) {
		if (o->gone)
			goto out;
		err = xfer(o);
		if (!err)
			break;
	}
	return err;
out:
	return err;
}
"""


def _fns():
    return {f.name: f for f in analyse_blob("p.c", SRC, None).functions}


def _goto_at(fn, cond_text):
    """The goto right after the condition with this text."""
    for n in fn.nodes:
        if n.kind == "cond" and n.text == cond_text:
            for s, e in n.succ:
                if e is True and fn.nodes[s].kind == "goto":
                    return fn.nodes[s]
    raise AssertionError(cond_text)


def test_the_false_side_of_a_test_proves_zero_on_that_path_only():
    fn = _fns()["two_ways"]
    g = _goto_at(fn, "(check(buf))")
    pd = path_definitions(fn, "err")
    got = {(fn.nodes[p.def_id].text, p.cls) for p in pd.at(g.id)}
    # -EINVAL from the declaration (the inline path), read_it()'s result proved 0 by `if (err)`
    assert got == {("int err = -EINVAL;", "neg"), ("err = read_it(o, buf);", "zero")}
    (z,) = pd.zero_at(g.id)
    assert isinstance(z, PathDef) and fn.nodes[z.test].text == "(err)" and z.edge is False
    # merged, the same node only says "one of three definitions"
    assert len(fn.reaching(g.id, "err")) == 3


def test_map_it_failing_cannot_take_the_false_side_and_is_dropped():
    fn = _fns()["two_ways"]
    g = _goto_at(fn, "(check(buf))")
    pd = path_definitions(fn, "err")
    assert not any(fn.nodes[p.def_id].text.startswith("err = map_it") for p in pd.at(g.id))


def test_not_negative_is_not_zero():
    fn = _fns()["signs"]
    pd = path_definitions(fn, "n")
    assert pd.zero_at(_goto_at(fn, "(o->bad)").id) == ()


def test_the_true_side_of_a_negated_test_proves_zero_and_an_errno_test_proves_negative():
    fn = _fns()["bang"]
    pd = path_definitions(fn, "ret")
    at = pd.at(_goto_at(fn, "(o->bad)").id)
    assert {(p.cls, fn.nodes[p.test].text if p.test else None) for p in at} == {
        ("neg", None), ("zero", "(!ret)"), ("neg", "(ret != -EOPNOTSUPP)")}


def test_a_branch_that_contradicts_the_value_is_not_taken():
    fn = _fns()["flags"]
    pd = path_definitions(fn, "ret")
    # `if (ret) goto out;` taken: only the -EINVAL path; `if (o->bad)`: only the 0
    assert {p.cls for p in pd.at(_goto_at(fn, "(ret)").id)} == {"neg"}
    assert {p.cls for p in pd.at(_goto_at(fn, "(o->bad)").id)} == {"zero"}


def test_a_loop_comes_back_only_with_what_its_test_lets_through():
    fn = _fns()["looped"]
    pd = path_definitions(fn, "err")
    at = pd.at(_goto_at(fn, "(o->gone)").id)
    assert {p.cls for p in at} == {"neg", "nonzero"}     # -ETIMEDOUT, or xfer() failed


def test_past_the_budget_or_on_a_field_it_answers_none():
    fn = _fns()["two_ways"]
    assert path_definitions(fn, "err", budget=5) is None
    assert path_definitions(fn, "o->on_disk") is None
