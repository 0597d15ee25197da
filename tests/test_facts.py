"""The intra-procedural facts rules build on: control flow, values, must-hold conditions."""
from __future__ import annotations

from errpath.facts.functions import function_facts
from errpath.facts.nodes import BudgetExceeded
from errpath.frontend.parse import parse_source


def facts(src: str, name: str | None = None):
    parsed = parse_source(src.encode())
    fns = {f.name: f for f in parsed.functions}
    fn = fns[name] if name else parsed.functions[0]
    assert fn.ok
    return function_facts(fn, "x.c")


def node_at(f, text: str):
    for n in f.nodes:
        if n.text.startswith(text):
            return n
    raise AssertionError(f"no node {text!r}: {[n.text for n in f.nodes]}")


def test_if_else_and_flag_conditions():
    f = facts("""
int f(struct it *iter, int flags) {
	if (iter->flags & IOMAP_NOWAIT) {
		a();
	} else {
		b();
	}
	c();
	return 0;
}""")
    assert f.holds(node_at(f, "a();").id, "iter->flags & IOMAP_NOWAIT", True)
    assert f.holds(node_at(f, "b();").id, "iter->flags & IOMAP_NOWAIT", False)
    after = f.must_hold(node_at(f, "c();").id)
    assert not any("IOMAP_NOWAIT" in a for a, _ in after)


def test_guard_break_holds_after_and_is_killed_by_redefinition():
    f = facts("""
void f(int n) {
	while (n) {
		int s = get();
		if (!s)
			break;
		use(s);
		s = get();
		use2(s);
		n -= s;
	}
}""")
    assert f.holds(node_at(f, "use(s);").id, "s", True)
    assert not f.holds(node_at(f, "use2(s);").id, "s", True)
    assert f.holds(node_at(f, "use(s);").id, "n", True)  # loop condition


def test_and_or_conditions():
    f = facts("""
void f(int a, int b) {
	if (a && b)
		x();
	else
		y();
	if (a || b)
		z();
	else
		w();
}""")
    assert {("a", True), ("b", True)} <= f.must_hold(node_at(f, "x();").id)
    assert not f.must_hold(node_at(f, "y();").id)
    assert {("a", False), ("b", False)} <= f.must_hold(node_at(f, "w();").id)


def test_goto_labels_and_reaching_definitions():
    f = facts("""
int probe(struct dev *d) {
	int status;
	void *p;

	status = setup(d);
	if (status)
		goto out;
	status = 0;
	p = kmalloc(16, GFP_KERNEL);
	if (!p)
		goto fail;
	return 0;
fail:
	teardown(d);
out:
	return status;
}""")
    ret = [n for n in f.returns() if n.text == "return status;"][0]
    values = {v for _, v in f.reaching(ret.id, "status")}
    assert ("int", 0) in values
    assert ("call", "setup", (("var", "d"),), "setup") in values
    kmalloc = [c for c in f.calls() if c.name == "kmalloc"][0]
    assert kmalloc.result == "p" and kmalloc.args == ("16", "GFP_KERNEL")
    assert f.labels.keys() == {"fail", "out"}


def test_switch_break_continue_and_loops():
    f = facts("""
int f(int n, int k) {
	int ret = -EINVAL;
	for (int i = 0; i < n; i++) {
		switch (k) {
		case 1:
			ret = -ENOMEM;
			break;
		case 2:
			continue;
		default:
			ret = 3;
		}
		after_switch();
	}
	do {
		k--;
	} while (k > 0);
	return ret;
}""")
    assert [l.kind for l in f.loops] == ["for", "do"]
    ret = f.returns()[0]
    values = {v for _, v in f.reaching(ret.id, "ret")}
    assert values == {("errno", "EINVAL"), ("errno", "ENOMEM"), ("int", 3)}
    for_loop = f.loops[0]
    assert for_loop.update and f.nodes[for_loop.update[0]].defs[0][0] == "i"
    assert f.nodes[for_loop.update[0]].id in range(for_loop.first, for_loop.last + 1)


def test_value_forms():
    f = facts("""
void *f(struct q *q, unsigned int a) {
	unsigned int x = min_t(unsigned int, a, PAGE_SIZE);
	unsigned int y = clamp(a, 1, 8) << 2;
	unsigned int z = q->limits.max >> 9;
	void *p = nowait ? ERR_PTR(-EAGAIN) : ERR_PTR(-ENOMEM);
	return p;
}""")
    d = {n.defs[0][0]: n.defs[0][1] for n in f.nodes if n.kind == "decl"}
    assert d["x"] == ("minmax", "min", (("var", "a"), ("macro", "PAGE_SIZE")))
    assert d["y"] == ("bin", "<<", ("minmax", "clamp", (("var", "a"), ("int", 1), ("int", 8))), ("int", 2))
    assert d["z"] == ("bin", ">>", ("field", "q->limits.max"), ("int", 9))
    assert d["p"][0] == "cond" and d["p"][1] == frozenset({("nowait", True)})
    assert d["p"][2] == ("errptr", ("errno", "EAGAIN")) and d["p"][3] == ("errptr", ("errno", "ENOMEM"))


def test_noreturn_ends_a_path():
    f = facts("""
int f(int x) {
	if (!x)
		BUG();
	return use(x);
}""")
    assert f.holds(f.returns()[0].id, "x", True)


def test_kunit_assertions_hold_after_them_and_kunit_skip_ends_a_path():
    f = facts("""
void t(struct kunit *test) {
	struct dev *d = dev_get(test);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, d);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(d->clk), "no clock");
	KUNIT_ASSERT_NOT_NULL(test, d->name);
	KUNIT_EXPECT_TRUE(test, d->ready);
	a(d);
	if (!d->fast)
		kunit_skip(test, "slow device");
	b(d);
	kunit_skip(test, "not yet");
	c(d);
}""")
    a = node_at(f, "a(d);").id
    assert f.holds(a, "IS_ERR_OR_NULL(d)", False)
    assert f.holds(a, "IS_ERR(d->clk)", False)
    assert f.holds(a, "d->name", True)
    assert not any(x == "d->ready" for x, _ in f.must_hold(a))   # EXPECT goes on after a failure
    assert f.holds(node_at(f, "b(d);").id, "d->fast", True)
    # the failing side of an assertion ends in a noreturn node
    assert [n.text for n in f.nodes if n.kind == "noreturn"][:3] == [
        "KUNIT_ASSERT_NOT_ERR_OR_NULL() failed: test aborted", "KUNIT_ASSERT_FALSE_MSG() failed: test aborted",
        "KUNIT_ASSERT_NOT_NULL() failed: test aborted"]
    assert node_at(f, "c(d);").id not in f.reachable()


def test_budget_is_enforced():
    body = "\n".join(f"\tcall{i}();" for i in range(300))
    parsed = parse_source(f"void big(void) {{\n{body}\n}}".encode())
    try:
        function_facts(parsed.functions[0], "x.c", budget=100)
    except BudgetExceeded:
        pass
    else:
        raise AssertionError("budget not enforced")


def test_branch_refinement_in_nested_loops_stays_flat_and_exact():
    # π-definitions inside nested loops once nested a level per dataflow round
    # (a real-kernel audit spent minutes in them); they must stay one level deep.
    f = facts("""
int f(int n, struct x *x) {
	int ret = 0;
	while (n) {
		ret = g(x);
		if (ret)
			break;
		while (x->a) {
			if (ret) ret--;
			if (!ret) ret = h();
			if (ret > 0) n--;
		}
		if (ret) continue;
	}
	return ret;
}""")
    ret = f.returns()[0]
    plain = {v for _, v in f.reaching(ret.id, "ret")}
    assert ("int", 0) in plain and ("call", "g", (("var", "x"),), "g") in plain
    assert ("call", "h", (), "h") in plain
    refined = f.reaching(ret.id, "ret", refined=True)
    assert all(v[0] != "nonzero" or v == ("nonzero", "ret") for _, v in refined)
    for sets in f._reach:
        for ids in sets.values():
            for d in ids:
                assert isinstance(d, int) or all(isinstance(x, int) for x in d[2])


def test_lazy_cfgs_equal_the_ones_built_from_the_whole_file():
    """analyse_blob keeps each function's source and builds its CFG on first use,
    re-parsing the function alone: the CFG, lines and call names must be the ones
    built from the whole file's tree, for every function of every fixture."""
    import pickle
    from pathlib import Path
    from errpath.pipeline.blob import analyse_blob
    from errpath.frontend.parse import parse_source
    root = Path(__file__).resolve().parent.parent / "fixtures"
    checked = 0
    for path in sorted(root.rglob("*.c")):
        data = path.read_bytes()
        lazy = {(f.name, f.line): f for f in analyse_blob(str(path), data, None).functions}
        for fn in parse_source(data).functions:
            if not fn.ok or (fn.name, fn.start_line) not in lazy:
                continue
            eager = function_facts(fn, str(path))
            got = pickle.loads(pickle.dumps(lazy[fn.name, fn.start_line]))   # as it comes back from the cache
            assert pickle.dumps((got.nodes, got.loops, got.labels)) == \
                pickle.dumps((eager.nodes, eager.loops, eager.labels)), (path.name, fn.name)
            assert set(eager.call_names) <= set(got.call_names), (path.name, fn.name)
            assert (got.line, got.end_line, got.params, got.text_tokens) == \
                (eager.line, eager.end_line, eager.params, eager.text_tokens)
            checked += 1
    assert checked > 100


def _lazy(src: str, name: str):
    from errpath.facts.functions import lazy_function_facts
    parsed = parse_source(src.encode())
    return lazy_function_facts({f.name: f for f in parsed.functions}[name], "x.c")


def test_step_token_only_for_a_step_on_what_a_loop_condition_names():
    from errpath.facts.functions import STEP_TOKEN
    src = """
int counted(int len, int n) {
	while (len > 0)
		len -= n;
	return 0;
}
int iter_counted(struct iov_iter *i, int n) {
	do {
		i->count = i->count - n;
	} while (i->count);
	return 0;
}
int bumps_a_total(int *items, int n) {
	int total = 0, k;
	for (k = 0; k < n; k++)
		total += items[k];
	return total;
}
int no_loop(int a, int b) {
	a -= b;
	return a;
}"""
    assert STEP_TOKEN in _lazy(src, "counted").text_tokens
    assert STEP_TOKEN in _lazy(src, "iter_counted").text_tokens
    # the loop rule never looks at these: their CFG is not built for it
    assert STEP_TOKEN not in _lazy(src, "bumps_a_total").text_tokens
    assert STEP_TOKEN not in _lazy(src, "no_loop").text_tokens


def test_step_token_sees_through_casts_and_parentheses_as_the_cfg_does():
    from errpath.facts.functions import STEP_TOKEN
    src = """
void walk(void *start, void *end, struct sh *shdr) {
	struct rel *rel;
	for (rel = start; (void *)rel < end; rel = (void *)rel + entsize(shdr))
		fix(rel);
}
int paren(int len, int n) {
	while (len > 0)
		len = (len - n);
	return 0;
}"""
    assert STEP_TOKEN in _lazy(src, "walk").text_tokens
    assert STEP_TOKEN in _lazy(src, "paren").text_tokens


def test_int_macros_are_the_flag_values_a_file_defines():
    from errpath.facts.macros import int_macros
    src = b"""#define AV_FIND\t\tBIT(0)
#define AV_ADD\t\tBIT(1)
#define AV_FIND_OR_ADD\t(AV_FIND | AV_ADD)
#define SHIFTED (1U << 5) /* a comment */
#define HEX 0x10UL // another
#define LATER (FOUR | HEX)
#define FOUR 4
#define CALL foo(1)
#ifdef CONFIG_X
#define TWICE 1
#else
#define TWICE 2
#endif
#define CONTINUED \\
\t3
#ifdef CONFIG_Y
#define ONE_UNKNOWN 1
#else
#define ONE_UNKNOWN compute(2)
#endif
"""
    assert int_macros(src) == {"AV_FIND": 1, "AV_ADD": 2, "AV_FIND_OR_ADD": 3, "SHIFTED": 32,
                               "HEX": 16, "FOUR": 4, "LATER": 20}
