"""The lazy CFG build slices node texts out of the function's source as a str
when it is pure ASCII (errpath.facts.syntax.node_text) and decodes node bytes otherwise:
both must give the CFG built from the whole file's tree."""
import pickle

from errpath.pipeline.blob import analyse_blob
from errpath.facts.syntax import _SOURCE
from errpath.facts.functions import _build_from_source, function_facts
from errpath.frontend.parse import parse_source

SOURCE = """
#include <linux/errno.h>

  static int indented(struct foo *f, int n)
  {
  	int ret = alloc_thing(&f->x, n);   /* starts at column 3 */
  	if (ret < 0)
  		goto out;
  	ret = use(f, "cafe");
  out:
  	return ret;
  }

static int accented(struct foo *f)   /* na\u00efve: non-ASCII before the body */
{
	int err = -ENOMEM;
	char *p = kmalloc(f->len, GFP_KERNEL);

	if (!p)
		return err;   // \u2014 an em dash
	err = fill(p, f->len) ? -EIO : 0;
	kfree(p);
	return err;
}

static int plain(int *a, int n)
{
	int i, sum = 0;

	for (i = 0; i < n; i++)
		sum += a[i];
	while (sum > 100 && n--)
		sum -= check(&n, sum);
	switch (sum) {
	case 0:
		return -EINVAL;
	default:
		break;
	}
	return sum;
}
""".encode()


def test_sliced_and_decoded_texts_give_the_whole_file_cfgs():
    lazy = {f.name: f for f in analyse_blob("x.c", SOURCE, None).functions}
    seen = {}
    for fn in parse_source(SOURCE).functions:
        eager = function_facts(fn, "x.c")
        f = lazy[fn.name]
        payload = f.payload()
        got = _build_from_source(f, payload)
        assert _SOURCE.text is None
        assert pickle.dumps(got) == pickle.dumps((eager.nodes, eager.loops, eager.labels)), fn.name
        seen[fn.name] = f.source().isascii()
    assert seen == {"indented": True, "accented": False, "plain": True}
    assert len(lazy["plain"].nodes) > 10
