"""Speed and scale machinery: where the work runs must never change the report.

* `--jobs 1`, `--jobs 2` and Dask (a LocalCluster with 2 workers, through
  `--scheduler`, and `--executor dask` starting its own) give byte-identical
  JSON on every fixture history, with the pools forced on for these small
  inputs (every file goes to the executor, the rules run in chunks of two
  functions in forked workers);
* rule chunks are cut at file boundaries and do not depend on --jobs;
* a function's light form (CFG pickled, spilled to the scratch file, dropped
  and decoded again) is equal to the function it came from;
* the call graph comes from the light call-name lists.
"""
from __future__ import annotations

import pickle
import tomllib
from pathlib import Path

import pytest

from errpath.pipeline import engine as engine_mod
from errpath import facts
from errpath.pipeline.blob import analyse_blob
from errpath.pipeline.engine import rule_chunks
from errpath.facts.index import FactsIndex
from errpath.cli.story import build_story, builtin_story_dir
from inproc import one_error_line, run

STORIES = sorted(p.parent.name for p in (builtin_story_dir("discard-loop").parent).glob("*/story.toml"))


def _range(story: str) -> str:
    spec = tomllib.loads((builtin_story_dir(story) / "story.toml").read_text())
    tags = [c["tag"] for c in spec["commit"] if c.get("tag")]
    return f"{tags[0]}..{tags[-1]}"


@pytest.fixture(scope="module")
def stories(tmp_path_factory):
    out = {}
    for name in STORIES:
        where = tmp_path_factory.mktemp(name) / "linux"
        build_story(builtin_story_dir(name), where)
        out[name] = where
    return out


@pytest.fixture
def forced_pools(monkeypatch):
    """Small inputs still go through the pools: every file to the executor,
    rules in chunks of two functions (so several chunks, in forked workers)."""
    monkeypatch.setattr(engine_mod, "INPROCESS_MAX_FILES", 0)
    monkeypatch.setattr(engine_mod, "RULE_CHUNK", 2)


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed")
    c = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                 dashboard_address=":0")
    try:
        yield c.scheduler_address
    finally:
        c.close()


def _json(repo: Path, rng: str, *extra: str) -> str:
    r = run("audit", rng, "--repo", str(repo), "--no-cache", "--format", "json", "--reproducible",
            "--fail-on", "none", "-q", *extra)
    assert r.code == 0, r.err
    return r.out


@pytest.mark.parametrize("story", STORIES)
def test_jobs_and_dask_give_identical_json(story, stories, forced_pools, cluster):
    repo, rng = stories[story], _range(story)
    j1 = _json(repo, rng, "--jobs", "1")
    assert '"findings"' in j1
    assert _json(repo, rng, "--jobs", "2") == j1
    assert _json(repo, rng, "--scheduler", cluster) == j1


def test_dask_local_cluster_without_scheduler(stories, forced_pools):
    pytest.importorskip("dask.distributed")
    repo, rng = stories["discard-loop"], _range("discard-loop")
    assert _json(repo, rng, "--executor", "dask", "--jobs", "2") == _json(repo, rng, "--jobs", "2")


def test_unreachable_scheduler_is_one_line_usage_error(stories):
    dask = pytest.importorskip("dask")
    pytest.importorskip("dask.distributed")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        r = run("scan", "--repo", str(stories["discard-loop"]), "--no-cache", "--scheduler", "tcp://127.0.0.1:9")
    assert r.code == 2
    assert one_error_line(r).startswith("errpath: error: --executor dask:")


def _fn(path, name):
    return facts.FunctionFacts(name=name, path=path, line=1, end_line=2, is_static=False, params=[],
                               return_type="int", nodes=[], loops=[], labels={}, text_tokens=frozenset())


def test_rule_chunks_cut_at_file_boundaries():
    fns = [_fn("a.c", "f%d" % i) for i in range(5)] + [_fn("b.c", "g%d" % i) for i in range(3)] + [_fn("c.c", "h")]
    assert rule_chunks(fns, 2) == [(0, 5), (5, 8), (8, 9)]
    assert rule_chunks(fns, 100) == [(0, 9)]
    assert rule_chunks([], 3) == []


SRC = b"""
static int helper(int x) { return x ? -ENOMEM : 0; }
int user(struct q *q, unsigned long n)
{
\tint err = helper(n);
\twhile (n) {
\t\tunsigned long step = min(n, q->room);
\t\tn -= step;
\t}
\tif (err)
\t\tgoto out;
\treturn helper(1);
out:
\treturn err;
}
"""


def test_light_form_round_trips(monkeypatch):
    a = analyse_blob("fs/x.c", SRC, None)
    fresh = {f.name: f for f in analyse_blob("fs/x.c", SRC, None).functions}
    user = next(f for f in a.functions if f.name == "user")
    assert user.call_names == ("helper", "min")
    assert user.must_hold(1) == fresh["user"].must_hold(1)
    for f in a.functions:
        f.compact(spill=True)
        assert f._payload is None and f._spill is not None
        assert f == fresh[f.name]                      # decoded again from the scratch file
        assert f.reaching(1, "err") == fresh[f.name].reaching(1, "err")
        assert pickle.loads(pickle.dumps(f)) == fresh[f.name]
    # a small decoded limit drops CFGs; they come back on the next access
    monkeypatch.setattr(facts.DecodedLimit, "functions", 1)
    facts.release_decoded()
    helper = next(f for f in a.functions if f.name == "helper")
    assert len(user.nodes) == len(fresh["user"].nodes)
    assert len(helper.nodes) == len(fresh["helper"].nodes)
    assert "nodes" not in dir(user) or user == fresh["user"]
    assert user == fresh["user"] and helper == fresh["helper"]


def test_call_graph_from_light_names():
    a = analyse_blob("fs/x.c", SRC, None)
    for f in a.functions:
        f.compact()
    facts.release_decoded()
    index = FactsIndex(a.functions)
    assert [f.name for f in index.functions_calling("helper")] == ["user"]
    from errpath import analysis as summary
    S = summary.build(index)
    helper = index.resolve("helper", "fs/x.c")
    assert [(g.name, c.line) for g, c in S.callers(helper)] == [("user", 5), ("user", 12)]


def test_results_cache_serves_a_whole_tree_and_follows_the_code(stories, tmp_path):
    """A re-run of the same range with the same options and code takes every
    tree's findings from the results cache; an edited rule file is new code."""
    import json
    from inproc import BAD_NAME_RULE, rules_dir
    from errpath.cli.common import VOLATILE_STATS
    repo, rng = stories["discard-loop"], _range("discard-loop")
    rd = rules_dir(tmp_path, BAD_NAME_RULE.replace('startswith("bad_")', 'startswith("")'))   # every function
    strip = lambda d: {**d, "stats": {k: v for k, v in d["stats"].items()
                                      if k not in VOLATILE_STATS}}
    for cmd in (("audit", rng), ("scan",)):
        args = (*cmd, "--repo", str(repo), "--cache-dir", str(tmp_path / "cache"), "--rules-dir", str(rd),
                "--format", "json", "--fail-on", "none", "-q")
        cold = json.loads(run(*args).out)
        warm = json.loads(run(*args).out)
        assert warm["stats"]["files_parsed"] == 0
        assert strip(cold) == strip(warm)
    assert [f for f in warm["findings"] if f["rule"] == "bad-name"]
    (rd / "rule_0.py").write_text(BAD_NAME_RULE.replace('startswith("bad_")', 'startswith("never_")'))
    edited = json.loads(run(*args).out)
    assert not [f for f in edited["findings"] if f["rule"] == "bad-name"]
