"""`errpath explain FUNCTION ERRNO` on a small fixture tree, through the real
command line: origins at several depths, ranked by chain length, in text,
JSON and HTML; bad input is one line on stderr and exit 2."""
from __future__ import annotations

from pathlib import Path

import pytest

from clirun import Run, errpath
from errpath.cli.commands import main
from histories import History

TREE = Path(__file__).resolve().parent.parent / "fixtures" / "explain"


def inproc(capsys, monkeypatch, cwd, *args) -> Run:
    """The same command in this process (faster than a subprocess): exit code,
    stdout and stderr as the user sees them."""
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cwd / ".cache-test"))
    capsys.readouterr()
    with pytest.raises(SystemExit) as e:
        main(list(args))
    out, err = capsys.readouterr()
    return Run(e.value.code, out, err)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    h = History(tmp_path_factory.mktemp("explain") / "linux")
    files = {str(p.relative_to(TREE)): p.read_bytes() for p in TREE.rglob("*") if p.suffix in (".c", ".h")}
    h.commit("demo: ring setup", files)
    return Path(h.path)


def test_json_lists_every_enomem_origin_shortest_chain_first(repo):
    r = errpath("explain", "demo_setup", "-ENOMEM", "--format", "json", "--no-cache", cwd=repo)
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["function"] == "demo_setup" and doc["errno"] == "ENOMEM"
    origins = doc["origins"]
    where = [(o["path"], o["line"]) for o in origins]
    # the context allocation, the SQE array, the header inline, both ring-mapping failures
    assert where[0] == ("demo/setup.c", 25)
    assert set(where) == {("demo/setup.c", 25), ("demo/mem.c", 34), ("include/demo/rsrc.h", 5),
                          ("demo/mem.c", 13), ("demo/mem.c", 16)}
    depths = [len(o["chain"]) for o in origins]
    assert depths == sorted(depths) and len(set(depths)) >= 3
    for o in origins:
        assert set(o) >= {"path", "line", "function", "statement", "chain", "conditions"}
        assert "ENOMEM" in o["statement"]
        # the chain starts at the syscall wrapper, goes through the static helper of the same name
        assert [s["function"] for s in o["chain"][:3]] == ["demo_setup", "demo_setup", "demo_create"]
        assert o["chain"][-1]["function"] == o["function"]
    first = origins[0]
    assert any(c["condition"].startswith("!ctx") and "demo_ctx_alloc" in c["condition"] for c in first["conditions"])
    deep = next(o for o in origins if o["line"] == 16)
    assert [s["function"] for s in deep["chain"]][-2:] == ["demo_alloc_rings", "demo_pages_map"]
    assert not any("demo_unrelated" == o["function"] for o in origins)


def test_errno_spellings_agree_in_text(repo, capsys, monkeypatch):
    a = inproc(capsys, monkeypatch, repo, "explain", "demo_setup", "12", "--no-cache")
    b = inproc(capsys, monkeypatch, repo, "explain", "demo_setup", "ENOMEM", "--no-cache")
    assert a.code == b.code == 0
    assert a.out == b.out
    assert a.out.startswith("demo_setup() can return -ENOMEM from 5 place(s)")
    assert "1. demo/setup.c:25: demo_create(): return -ENOMEM;" in a.out
    assert "EINVAL" not in a.out.split("not followed")[0]


def test_html_is_self_contained_with_a_tree(repo, tmp_path, capsys, monkeypatch):
    out = tmp_path / "explain.html"
    r = inproc(capsys, monkeypatch, repo, "explain", "demo_setup", "ENOMEM", "--format", "html", "-o", str(out),
               "--no-cache")
    assert r.code == 0 and r.out == ""
    html = out.read_text()
    assert html.count("<svg") == 1 and "<script" not in html.lower()
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
    assert html.count('class="node origin"') == 5
    assert "Content-Security-Policy" in html


@pytest.mark.parametrize("args,msg", [
    (("nosuch_fn", "ENOMEM"), "unknown function: nosuch_fn"),
    (("demo_setup", "ENOPE"), "unknown errno: ENOPE"),
    (("demo_setup", "9999"), "unknown errno number"),
])
def test_bad_input_is_one_line_and_exit_2(repo, args, msg, capsys, monkeypatch):
    r = inproc(capsys, monkeypatch, repo, "explain", *args, "--no-cache")
    assert r.code == 2 and r.out == ""
    assert r.err.count("\n") == 1 and msg in r.err and "Traceback" not in r.err


IO_URING = """
static int io_alloc_ctx(struct io_ring_ctx **out)
{
	struct io_ring_ctx *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	*out = ctx;
	return 0;
}

static long io_uring_setup(u32 entries, struct io_uring_params __user *params)
{
	struct io_ring_ctx *ctx;
	unsigned long   flags = 0;
	int ret;

	ret = io_alloc_ctx(&ctx);
	if (ret)
		return ret;
	if ((unsigned long)ctx->user & flags)
		return -ENOMEM;
	return 0;
}

SYSCALL_DEFINE2(io_uring_setup, u32, entries,
		struct io_uring_params __user *, params)
{
	if (!entries)
		return -EINVAL;
	return io_uring_setup(entries, params);
}
"""


@pytest.fixture(scope="module")
def uring(tmp_path_factory):
    h = History(tmp_path_factory.mktemp("uring") / "linux")
    h.commit("io_uring: setup", {"io_uring/io_uring.c": IO_URING})
    return Path(h.path)


def test_syscall_and_static_helper_of_one_name_are_told_apart(uring):
    """SYSCALL_DEFINE2(io_uring_setup, ...) calls the static io_uring_setup():
    the chain used to read `io_uring_setup() -> io_uring_setup()` (issue 23 item 10)."""
    r = errpath("explain", "io_uring_setup", "-ENOMEM", "--no-cache", cwd=uring)
    assert r.code == 0, r.err
    assert "io_uring_setup() -> io_uring_setup()" not in r.out
    assert "chain: SYSCALL_DEFINE(io_uring_setup) -> io_uring_setup()" in r.out
    assert "io_uring/io_uring.c:30: SYSCALL_DEFINE(io_uring_setup): return io_uring_setup(entries, params);" in r.out
    assert "io_uring/io_uring.c:21: io_uring_setup(): return -ENOMEM;" in r.out
    doc = errpath("explain", "io_uring_setup", "-ENOMEM", "--no-cache", "--format", "json", cwd=uring).json()
    assert doc["entry"] == {"path": "io_uring/io_uring.c", "line": 25, "syscall": True}
    o = next(o for o in doc["origins"] if o["line"] == 21)
    assert o["syscall"] is False and [s["syscall"] for s in o["chain"]] == [True, False]
    html = errpath("explain", "io_uring_setup", "-ENOMEM", "--no-cache", "--format", "html",
                   "-o", str(uring.parent / "u.html"), cwd=uring)
    assert html.code == 0, html.err
    assert "SYSCALL_DEFINE(io_uring_setup)" in (uring.parent / "u.html").read_text()


def test_conditions_print_the_source_spelling(uring):
    """Conditions are matched with whitespace removed; explain printed that form:
    `(unsignedlong)ctx->user&flags` (issue 23 item 10)."""
    r = errpath("explain", "io_uring_setup", "-ENOMEM", "--no-cache", cwd=uring)
    assert r.code == 0, r.err
    assert "unsignedlong" not in r.out
    assert "io_uring/io_uring.c:20: io_uring_setup(): (unsigned long)ctx->user & flags" in r.out
