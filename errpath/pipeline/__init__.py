"""The pipeline: one run, from revisions to findings.

Place in the flow: above the rules, below report and cli (git -> frontend ->
facts -> analysis -> rules -> pipeline -> report -> cli). engine.py (Engine,
scan, the rules over an index), blob.py (one blob -> parsed functions and
facts: the cached unit of work), executor.py and workers.py (in-process,
forked or dask workers), cache.py (the per-blob results cache), budget.py (time
and node budgets), cones.py (call cones: what an audit must check again),
attribution.py (audit: which commit introduced or fixed a finding),
contracts.py (contracts across a range, blame explanations).

May import: every layer below it (model, knowledge, git, frontend, facts,
analysis, the rule loader errpath.rules). Not report or cli.
"""
