"""atomic-account beyond the fixture marks: confidence ranking, the suggested
fix, and the finding placed at the caller that passes GFP_ATOMIC."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from errpath.rules import load_rules
from rulecheck import findings_for_file

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "atomic-account"
RULE = {r.id: r for r in load_rules()}["atomic-account"]


def _by_line(name):
    _, found = findings_for_file(FIX / name, [RULE])
    return {f.line: f for f in found}


def test_loop_and_user_entry_rank_high_plain_site_medium():
    f = _by_line("bad_overflow_entry.c")
    assert f[17].confidence == "medium"                     # no loop, no caller we can see
    assert f[38].confidence == "high"                       # one charge per loop iteration
    assert any("in a loop" in e.note for e in f[38].evidence)
    g = _by_line("bad_accounted_cache.c")
    assert g[39].confidence == "high"                       # in an ioctl handler
    assert any("ioctl handler watch_ioctl()" in e.note for e in g[39].evidence)


def test_message_suggests_gfp_nowait_and_names_the_charge():
    f = _by_line("bad_overflow_entry.c")
    assert "use GFP_NOWAIT | __GFP_ACCOUNT instead of GFP_ATOMIC" in f[17].message
    assert "__GFP_HIGH" in f[17].message
    # a mask kept in a variable is shown with what it holds
    assert "GFP_ATOMIC | __GFP_ACCOUNT" in f[38].message
    cache = _by_line("bad_accounted_cache.c")[20]
    assert "cache 'watch_cachep' is SLAB_ACCOUNT" in cache.message
    assert cache.evidence[0].line == 9                      # where the cache was created


def test_gfp_parameter_finding_is_at_the_caller_with_the_callee_allocation_as_evidence():
    f = _by_line("bad_accounted_cache.c")[39]
    assert f.function == "watch_ioctl" and "pool_get()" in f.message
    assert [(e.function, e.line) for e in f.evidence[:2]] == [("watch_ioctl", 39), ("pool_get", 30)]


CHAIN_TO_AN_ALLOCATION = b"""
void *alloc_4(size_t n, gfp_t gfp)
{
	return kmalloc(n, gfp);
}

void *alloc_3(size_t n, gfp_t gfp) { return alloc_4(n, gfp); }
void *alloc_2(size_t n, gfp_t gfp) { return alloc_3(n, gfp); }
void *alloc_1(size_t n, gfp_t gfp) { return alloc_2(n, gfp); }
void *alloc_0(size_t n, gfp_t gfp) { return alloc_1(n, gfp); }
"""


@pytest.mark.parametrize("first", ["alloc_0", "alloc_4"])
def test_gfp_sinks_do_not_depend_on_who_asks_first(first):
    """alloc_4 hands its gfp parameter to kmalloc() itself: it is a sink whether
    or not alloc_0, four calls above, was asked first (alloc_4 used to be
    memoised with no sink when first met past the depth limit)."""
    from errpath.pipeline.blob import analyse_blob
    from errpath.facts.index import FactsIndex
    from errpath.rules import RuleContext
    gfp_sinks = sys.modules[type(RULE).__module__].gfp_sinks
    a = analyse_blob("mm/a.c", CHAIN_TO_AN_ALLOCATION, None)
    ctx = RuleContext(FactsIndex(a.functions, in_scope={"mm/a.c"}))
    by_name = {f.name: f for f in a.functions}
    gfp_sinks(ctx, by_name[first])
    assert [s.param_index for s in gfp_sinks(ctx, by_name["alloc_4"])] == [1]
    assert [s.param_index for s in gfp_sinks(ctx, by_name["alloc_1"])] == [1]
    assert gfp_sinks(ctx, by_name["alloc_0"]) == []   # five calls from kmalloc(): past the limit
