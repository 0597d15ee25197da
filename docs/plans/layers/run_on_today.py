"""Run the layer checker on today's flat tree, with today's modules put in the
layers they would have, to show it reports the known problems."""
import sys
sys.path.insert(0, "docs/plans/layers/t"); sys.path.insert(0, "/work/main")
import test_layers as T
TODAY = (
    ("base", ("errpath", "errpath.model", "errpath.knowledge", "errpath.errnos", "errpath.pathsafe")),
    ("git", ("errpath.git", "errpath.series", "errpath.story")),
    ("frontend", ("errpath.source", "errpath.parse")),
    ("facts", ("errpath.facts", "errpath.index")),
    ("analysis", ("errpath.summary", "errpath.nonzero", "errpath.explain")),
    ("api", ("errpath.rules", "errpath.api")),
    ("rules", ("errpath.builtin_rules",)),
    ("pipeline", ("errpath.engine", "errpath.executor", "errpath.cache", "errpath.budget", "errpath.workers",
                  "errpath.baseline", "errpath.contracts")),
    ("report", ("errpath.report",)),
    ("cli", ("errpath.cli", "errpath.__main__", "errpath.config")),
)
known = T.module_files()
T.MAX_LINES = 800
for b in T.violations(known, TODAY):
    print(b)
