"""nowait-enomem: each near-miss of the fixture is silent for its reason, and
becomes a finding, in the right function, when that reason goes."""
from __future__ import annotations

from pathlib import Path

from errpath import summary
from errpath.engine import Engine, analyse_blob
from errpath.index import FactsIndex
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
