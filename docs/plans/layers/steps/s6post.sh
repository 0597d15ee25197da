cd /work/w19
python3 - <<'PY'
def edit(p, old, new, count=1):
    s = open(p).read()
    assert s.count(old) == count, (p, old, s.count(old))
    open(p, "w").write(s.replace(old, new))
# the code digest covers the whole errpath package, as it did from errpath/engine.py
edit("errpath/pipeline/engine.py", "        here = Path(__file__).resolve().parent\n", "        here = Path(__file__).resolve().parents[1]\n")
edit("tests/test_fuzz.py", 'monkeypatch.setattr(errpath.budget, "RULES_SECONDS", 2.0)', 'monkeypatch.setattr(errpath.pipeline.budget, "RULES_SECONDS", 2.0)')
edit("bench/fuzz.py", "errpath.budget.RULES_SECONDS = args.rules_seconds", "errpath.pipeline.budget.RULES_SECONDS = args.rules_seconds")
edit("docs/dask.md", "`errpath.executor.blob_task`", "`errpath.pipeline.executor.blob_task`")
edit("errpath/cli.py", "(errpath.engine.Engine.analyse)", "(errpath.pipeline.engine.Engine.analyse)")
edit("errpath/report/common.py", "errpath.engine.audit reports", "errpath.pipeline.attribution.audit reports")
edit("tests/conftest.py", "(errpath.engine.audit)", "(errpath.pipeline.attribution.audit)")
PY
cd /work/w19
sed -i 's/errpath\.engine\.call_cones/errpath.pipeline.cones.call_cones/g; s/errpath\.engine\.Checked/errpath.pipeline.engine.Checked/g; s/(errpath\.cache results table)/(errpath.pipeline.cache results table)/; s/(errpath\.executor)/(errpath.pipeline.executor)/; s/# errpath\.budget: a wall-clock/# errpath.pipeline.budget: a wall-clock/' errpath/rules.py errpath/analysis/shared.py errpath/pipeline/cache.py errpath/pipeline/engine.py
