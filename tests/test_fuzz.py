"""Fuzzing (bounded here; `bench/fuzz.py` runs long) and step budgets.

Random and mutated C goes through parse, facts and every rule: no exception
escapes, nothing hangs. Pathological code (deep nesting, a 10k-case switch,
exponential paths, rules that would run for minutes) ends as "not analysed:
budget" in the report, and the rest of the file is still analysed."""
from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import fuzzlib
from histories import History
from inproc import run

FUZZ = settings(deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def rules():
    return fuzzlib.load_all_rules()


@pytest.fixture(autouse=True)
def short_rule_budget(monkeypatch):
    import errpath.pipeline.budget
    monkeypatch.setattr(errpath.pipeline.budget, "RULES_SECONDS", 2.0)


def test_every_builtin_rule_is_fuzzed(rules):
    from errpath.rules import BUILTIN_RULES
    assert len(rules) == len(BUILTIN_RULES) >= 1


@settings(FUZZ, max_examples=60)
@given(st.binary(max_size=3000))
def test_random_bytes(rules, data):
    fuzzlib.exercise(data, rules, limit=30)


@settings(FUZZ, max_examples=120)
@given(fuzzlib.mutated_c())
def test_mutated_real_c(rules, data):
    fuzzlib.exercise(data, rules, limit=30)


@settings(FUZZ, max_examples=30)
@given(fuzzlib.generated_c())
def test_generated_c(rules, data):
    fuzzlib.exercise(data, rules, limit=30)


@settings(FUZZ, max_examples=10)
@given(fuzzlib.pathological())
def test_pathological_shapes(rules, data):
    fuzzlib.exercise(data, rules, limit=30)


# -- budgets, as the user sees them -------------------------------------------------

OK_FN = "int bad_ok(int x)\n{\n\treturn x;\n}\n"


def _nest(open_: str, close: str, n: int) -> str:
    return "int f(int x, int n, int step)\n{\n" + open_ * n + "n -= step;\n" + close * n + "return n;\n}\n"


PATHOLOGICAL = {
    # deeper than any recursion limit errpath runs with (analysis/summaries.py raises it to 20000)
    "deep-if": (_nest("if (x) {\n", "}\n", 12000), "budget: nesting too deep"),
    "deep-else-if": ("int f(int x)\n{\n" + "if (x) x++; else " * 12000 + "x--;\nreturn x;\n}\n", "budget"),
    "deep-parens": ("int f(int x)\n{\n\treturn " + "(x + " * 12000 + "x" + ")" * 12000 + ";\n}\n",
                    "budget: nesting too deep"),
    "switch-10k": ("int f(int x)\n{\n\tint n = x;\n\tswitch (x) {\n"
                   + "".join(f"\tcase {i}: n -= min(n, h({i})); break;\n" for i in range(10000))
                   + "\t}\n\treturn n;\n}\n", "budget: more than"),
    "exponential-paths": ("int f(int n)\n{\n" + "".join(f"int v{i}, a{i} = k({i});\n" for i in range(600))
                          + "while (n) {\n"
                          + "".join(f"if (a{i}) {{ v{i} = g({i}); }} else {{ v{i} = 0; goto o{i}; }}\no{i}:\n"
                                    for i in range(600))
                          + "n -= v599;\n}\nreturn 0;\n}\n", "budget: dataflow"),
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_function_is_not_analysed_budget_and_the_rest_is(tmp_path, name):
    src, reason = PATHOLOGICAL[name]
    h = History(tmp_path)
    h.commit("base", {"README": "x\n"})
    h.tag("v1", "HEAD")
    h.commit("add", {"x/p.c": src + OK_FN})
    t0 = time.monotonic()
    r = run("audit", "v1..HEAD", "--repo", str(h.path), "--no-cache", "-j", "1", "--format", "json",
            "--min-confidence", "low")
    assert time.monotonic() - t0 < 40
    assert r.code in (0, 1) and "Traceback" not in r.err, r.err
    doc = json.loads(r.out)
    entries = [u for u in doc["unparsed"] if u["name"] == "f"]
    assert entries and entries[0]["reason"].startswith(reason), doc["unparsed"]
    assert doc["stats"]["functions"] >= 2 and doc["stats"]["functions_unparsed"] >= 1


SLOW_RULE = '''"""Spins on functions named spin_* (a test rule that would never end)."""
from errpath.rules import Rule


class Spin(Rule):
    id = "spin"
    title = "never ends"
    severity = "warning"
    confidence = "high"

    def check(self, fn, ctx):
        if fn.name.startswith("spin_"):
            try:                # a careless rule that swallows everything, the first alarm too
                while True:
                    pass
            except BaseException:
                pass
            while True:
                pass
        if fn.name.startswith("bad_"):
            yield self.finding(fn, fn.line, 1, "bad", names=(fn.name,))


RULE = Spin()
'''


def test_rules_that_would_run_forever_are_cut_off(tmp_path):
    """The wall-clock backstop: a rule stuck on one function costs that function
    ("not analysed: budget" in stats.rules_budget), not the run; a swallowed
    alarm (here by the rule itself) is repeated."""
    from inproc import rules_dir
    src = "int spin_one(int x)\n{\n\treturn x;\n}\n" + OK_FN
    h = History(tmp_path)
    h.commit("base", {"README": "x\n"})
    h.tag("v1", "HEAD")
    h.commit("add", {"x/s.c": src})
    t0 = time.monotonic()
    with fuzzlib.time_limit(25):      # CPU seconds: a backstop that failed would spin forever
        r = run("audit", "v1..HEAD", "--repo", str(h.path), "--no-cache", "--format", "json",
                "--rules-dir", str(rules_dir(tmp_path, SLOW_RULE)), "--select", "spin")
    assert time.monotonic() - t0 < 30
    assert r.code == 1, r.err
    doc = json.loads(r.out)
    assert doc["stats"]["rules_budget"] == [
        {"path": "x/s.c", "function": "spin_one", "line": 1, "reason": "not analysed: budget: rules ran over 2s"}]
    assert [f["function"] for f in doc["findings"]] == ["bad_ok"]     # the next function is analysed
    assert "1 function(s) not analysed: budget" in r.err
