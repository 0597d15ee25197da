"""The mutation benchmark (bench/mutants/run.py) puts a bug only where the code's own
evidence says the edit makes one: a test of the call just before, an errno variable that is
provably 0 at the goto, a loop guard on the very value the body steps by."""
import importlib.util
from pathlib import Path

from errpath.frontend.parse import new_parser

BENCH = Path(__file__).resolve().parent.parent / "bench" / "mutants" / "run.py"


def _sites(c: str) -> list[tuple[str, str, str]]:
    spec = importlib.util.spec_from_file_location("bench_mutants", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    src = c.encode()
    out = []
    for s in mod.sites(src, new_parser().parse(src)):
        a, b, new = s["edit"]
        out.append((s["op"], s["function"], src[a:b].decode().strip() + " -> " + new.decode()))
    return sorted(out)


def test_a_failure_returned_becomes_return_0_only_after_its_call():
    got = _sites("""
int probe(struct device *dev)
{
	struct priv *p;
	int n = 3;

	if (!n)
		return -EINVAL;          /* no call just before: not a failure of one */
	p = devm_kzalloc(dev, sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	return 0;
}
""")
    assert ("mec-return", "probe", "return -ENOMEM; -> return 0;") in got
    assert not any("EINVAL" in g[2] for g in got)
    # and the NULL-only allocator's test can be swapped for IS_ERR()
    assert ("errptr-swap", "probe", "(!p) -> (IS_ERR(p))") in got


def test_an_errno_is_dropped_before_a_goto_only_where_the_variable_is_zero():
    got = _sites("""
int setup(struct device *dev)
{
	int ret;
	void *a, *b;

	ret = enable(dev);
	if (ret)
		goto out;
	a = kzalloc(8, GFP_KERNEL);
	if (!a) {
		ret = -ENOMEM;
		goto out;
	}
	return 0;
out:
	return ret;
}

int other(struct device *dev)
{
	int ret = read_state(dev);
	void *b;

	b = kzalloc(8, GFP_KERNEL);
	if (!b) {
		ret = -ENOMEM;     /* ret holds a state here, not a proven 0 */
		goto out;
	}
	return 0;
out:
	return ret;
}
""")
    gotos = [g for g in got if g[0] == "mec-goto"]
    assert [g[1] for g in gotos] == ["setup"]


def test_a_loop_guard_is_deleted_only_when_the_body_steps_by_the_guarded_value():
    got = _sites("""
int walk(u8 *buf, int left)
{
	while (left > 0) {
		int len = buf[0];

		if (!len)
			break;
		buf += len;
		left -= len;
	}
	while (left > 0) {
		struct rec *r = (void *)buf;

		if (!r)
			break;
		left -= r->size;      /* steps by a field of the guarded pointer, not by it */
	}
	return 0;
}
""")
    loops = [g for g in got if g[0] == "loop-guard"]
    assert len(loops) == 1 and loops[0][2].startswith("if (!len)")
