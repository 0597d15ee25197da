"""Run rules on one C file with no git: what the fixture tests and rule authors use."""
from __future__ import annotations

from pathlib import Path

from errpath.pipeline.engine import Engine
from errpath.pipeline.blob import analyse_blob
from errpath.facts.index import FactsIndex
from errpath import analysis as summary
from errpath.rules import RuleContext


def findings_for_file(path: Path, rules, rel: str | None = None):
    rel = rel or path.name
    analysis = analyse_blob(rel, path.read_bytes(), None)
    index = FactsIndex(analysis.functions, in_scope={rel}, int_macros={rel: analysis.int_macros},
                       macro_functions=analysis.macro_functions)
    index.init_functions = {rel: analysis.init_functions}
    index.summaries = summary.build(index)
    engine = Engine.__new__(Engine)
    engine.rules = rules
    found, errors = Engine.run_rules(engine, index, index.functions_in_scope())
    assert not errors, errors
    return analysis, found
