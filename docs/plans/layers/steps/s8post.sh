cd /work/w19
git checkout -q HEAD -- errpath/__main__.py      # `from errpath.cli import entry`: the package re-exports it
sed -i -E 's/\b_shipped_dir\b/shipped_dir/g' errpath/rules.py errpath/cli/story.py
cat > errpath/cli/__init__.py <<'PY'
"""The command line: the top of the flow.

Place in the flow: last (git -> frontend -> facts -> analysis -> rules ->
pipeline -> report -> cli). One module per pipeline, not per command:
commands.py (the click group; audit, scan and baseline share one _run; demo,
rules, rule; main and entry), common.py (exit codes, InputError, _guard),
explain.py and contracts.py (their own pipelines), config.py
(.errpath.toml), story.py (the demo's fixture histories), userpaths.py (paths
relative to the user's working directory).

May import: every layer. Nothing imports it but errpath.__main__ and the
`errpath` console script (errpath.cli:entry).
"""
from __future__ import annotations

from .commands import cli, entry, main
from .common import VOLATILE_STATS, InputError

__all__ = ["InputError", "VOLATILE_STATS", "cli", "entry", "main"]
PY
sed -i 's/"errpath.pipeline", "errpath.report"/"errpath.pipeline", "errpath.report", "errpath.cli"/' pyproject.toml
