"""Run `errpath` in this process (fast), the way `errpath.cli:main` runs it.

`run(*args)` returns Run(code, out, err) like clirun.errpath, but without a
subprocess: stdout/stderr are captured (bytes-capable), sys.exit is caught.
Use clirun.errpath (a real subprocess) where the process itself matters:
signals, kill -9, the installed entry point.
"""
from __future__ import annotations

import io
import sys

from clirun import Run


def run(*args: str) -> Run:
    from errpath.cli.commands import main
    out, err = io.BytesIO(), io.BytesIO()
    o_wrap = io.TextIOWrapper(out, encoding="utf-8", errors="surrogateescape", write_through=True)
    e_wrap = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace", write_through=True)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = o_wrap, e_wrap
    code = None
    try:
        main(list(args))
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        o_wrap.flush()
        e_wrap.flush()
        sys.stdout, sys.stderr = saved
    return Run(code, out.getvalue().decode("utf-8", "surrogateescape"),
               err.getvalue().decode("utf-8", "replace"))


def one_error_line(r: Run) -> str:
    """The run's stderr, asserted to be exactly one line, no traceback."""
    lines = r.err.splitlines()
    assert "Traceback" not in r.err, r.err
    assert len(lines) == 1, r.err
    return lines[0]


# A stable rule for tests of the machinery around rules (config, baselines,
# series, determinism): it flags every function whose name starts with bad_,
# so these tests do not move when a real rule's heuristics are tuned.
BAD_NAME_RULE = '''"""Flags functions named bad_* (a test rule)."""
from errpath.rules import Rule


class BadName(Rule):
    id = "bad-name"
    title = "a function named bad_*"
    severity = "warning"
    confidence = "high"

    def check(self, fn, ctx):
        if fn.name.startswith("bad_"):
            yield self.finding(fn, fn.line, 1, f"function {fn.name} is bad", names=(fn.name,))


RULE = BadName()
'''

# A rule with a bug: it raises on functions named boom_*.
BOOM_RULE = '''"""Raises on functions named boom_* (a test rule with a bug)."""
from errpath.rules import Rule


class Boom(Rule):
    id = "boom"
    title = "a rule that crashes"
    severity = "error"
    confidence = "high"

    def check(self, fn, ctx):
        if fn.name.startswith("boom_"):
            raise RuntimeError("rule bug on " + fn.name)
        return []


RULE = Boom()
'''


def rules_dir(tmp_path, *sources: str):
    """A --rules-dir holding the given rule sources."""
    d = tmp_path / "user-rules"
    d.mkdir(exist_ok=True)
    for i, src in enumerate(sources):
        (d / f"rule_{i}.py").write_text(src)
    return d


def fn(name: str, body: str = "return 0;") -> str:
    return f"int {name}(int x)\n{{\n\t{body}\n}}\n"
