"""nowait-enomem: each near-miss of the fixture is silent for its reason, and
becomes a finding, in the right function, when that reason goes."""
from __future__ import annotations

from pathlib import Path

from errpath import analysis as summary
from errpath.pipeline.engine import Engine
from errpath.pipeline.blob import analyse_blob
from errpath.facts.index import FactsIndex
from errpath.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
RULE = next(r for r in load_rules() if r.id == "nowait-enomem")
GOOD = (ROOT / "fixtures/nowait-enomem/good_remapped.c").read_text()
BAD = (ROOT / "fixtures/nowait-enomem/bad_errptr_chain.c").read_text()


def run(files: dict[str, str], scope=None):
    fns = []
    for path, src in files.items():
        a = analyse_blob(path, src.encode(), None)
        assert not a.unparsed, a.unparsed
        fns += a.functions
    idx = FactsIndex(fns, in_scope=scope or set(files))
    idx.summaries = summary.build(idx)
    engine = Engine.__new__(Engine)
    engine.rules = [RULE]
    engine.stats = {}
    found, errors = Engine.run_rules(engine, idx, idx.functions_in_scope())
    assert not errors, errors
    return found


def mutate(src: str, old: str, new: str) -> str:
    assert old in src, old
    return src.replace(old, new)


def test_near_misses_are_silent():
    assert run({"fs/x.c": GOOD}) == []


def test_dropping_the_remap_in_the_callee():
    src = mutate(GOOD, """		if ((fgp_flags & FGP_NOWAIT) && err == -ENOMEM)
			err = -EAGAIN;
""", "")
    found = run({"fs/x.c": src})
    assert [f.function for f in found] == ["fixed_get_folio"]
    assert found[0].message.startswith("ERR_PTR(-ENOMEM) leaves NOWAIT context 'fixed_get_folio' with FGP_NOWAIT set")


def test_a_caller_that_stops_remapping_becomes_the_exit():
    src = mutate(GOOD, """		if (err == -ENOMEM && (iocb->ki_flags & IOCB_NOWAIT))
			err = -EAGAIN;
""", "")
    found = run({"fs/x.c": src})
    # reported where the errno leaves the NOWAIT-aware code, not in the callee
    assert [f.function for f in found] == ["begin_write_remap"]
    assert any(e.function == "leaky_get_folio" and "can fail (non-blocking" in e.note for e in found[0].evidence)


def test_blocking_allocation_becomes_nowait_when_the_mask_follows_the_flag():
    src = mutate(GOOD, "rq = kmalloc(sizeof(*rq), GFP_KERNEL);",
                 "rq = kmalloc(sizeof(*rq), (flags & BLK_MQ_REQ_NOWAIT) ? GFP_NOWAIT : GFP_KERNEL);")
    assert [f.function for f in run({"fs/x.c": src})] == ["queue_request"]


def test_the_flag_clear_branch_is_not_a_nowait_path():
    # the early -EAGAIN makes the allocation unreachable with IOCB_NOWAIT set ...
    src = mutate(GOOD, "dio = kzalloc(sizeof(*dio) + len, GFP_KERNEL);",
                 "dio = kzalloc(sizeof(*dio) + len, (iocb->ki_flags & IOCB_NOWAIT) ? GFP_NOWAIT : GFP_KERNEL);")
    assert run({"fs/x.c": src}) == []
    # ... until it goes
    src = mutate(src, """	if (iocb->ki_flags & IOCB_NOWAIT)
		return -EAGAIN;
	dio""", "	dio")
    assert [f.function for f in run({"fs/x.c": src})] == ["start_direct_io"]


def test_a_constant_atomic_mask_is_not_a_nowait_failure():
    src = mutate(BAD, """	if (fgp_flags & FGP_NOWAIT) {
		gfp &= ~GFP_KERNEL;
		gfp |= GFP_NOWAIT | __GFP_NOWARN;
	}
	folio = filemap_alloc_folio(gfp, 0);""", "	folio = filemap_alloc_folio(GFP_ATOMIC, 0);")
    assert run({"fs/x.c": src}) == []


def test_callee_in_another_file_and_report_only_in_scope():
    head, sep, rest = BAD.partition("static struct folio *pcw_get_folio")
    files = {"mm/pc.c": head, "fs/w/write.c": sep + rest}
    found = run(files)
    assert [(f.path, f.function) for f in found] == [("fs/w/write.c", "pcw_write_iter")]
    assert set(found[0].depends_on) == {"mm/pc.c", "fs/w/write.c"}
    assert run(files, scope={"mm/pc.c"}) == []


def test_a_second_finding_names_the_caller_that_loses_the_error(tmp_path):
    """One root cause (the remap dropped in __filemap_get_folio()) leaves by two
    ways: iomap_write_iter() returns it, and iomap_zero_iter() stores it. The
    finding in iomap_write_begin() used to end with "a caller that passes the flag
    neither remaps nor returns the error" at its signature line; it names the
    caller and sits at its call (issue 23 item 10)."""
    import json as _json

    from clirun import errpath
    from histories import History

    story = ROOT / "fixtures/histories/nowait-remap-lost"
    iomap = (story / "iomap-v2.c").read_text() + """
static loff_t iomap_zero_iter(struct iomap_iter *iter, bool *did_zero)
{
	loff_t pos = iter->pos;
	struct folio *folio;
	int status;

	status = iomap_write_begin(iter, pos, PAGE_SIZE, &folio);
	iter->status = status;
	return 1;
}
"""
    h = History(tmp_path / "linux")
    h.commit("iomap: zero range", {"mm/filemap.c": (story / "filemap-v3.c").read_text(),
                                   "fs/iomap/buffered-io.c": iomap})
    r = errpath("scan", "--no-cache", "--format", "json", cwd=Path(h.path))
    assert r.code in (0, 1), r.err
    doc = r.json()
    found = [f for f in doc["findings"] if f["rule"] == "nowait-enomem"]
    by_fn = {f["function"]: f for f in found}
    assert set(by_fn) == {"iomap_write_begin", "iomap_write_iter"}
    lines = iomap.splitlines()
    sig = {n: next(i for i, l in enumerate(lines, 1) if l.startswith("static") and f" {n}(" in l)
           for n in ("iomap_write_begin", "iomap_write_iter")}
    for name, f in by_fn.items():
        assert f["line"] != sig[name]
        assert lines[f["line"] - 1].strip().startswith("return")
        for e in f["evidence"]:
            # nothing points at the function's own signature line
            assert not (e["path"] == "fs/iomap/buffered-io.c" and e["line"] == sig[name]), e
            assert "a caller that passes the flag" not in e["note"]
    zero = [e for e in by_fn["iomap_write_begin"]["evidence"] if e["function"] == "iomap_zero_iter"]
    assert zero and zero[0]["note"].startswith(
        "iomap_zero_iter() passes the flag and neither remaps nor returns the error of iomap_write_begin()")
    assert lines[zero[0]["line"] - 1].strip() == "status = iomap_write_begin(iter, pos, PAGE_SIZE, &folio);"
