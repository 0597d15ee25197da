"""Per-function step budgets: pathological code ends as "not analysed: budget".

Three limits bound the work spent on one function, all counted in steps (never
in seconds, so the same input always gives the same answer):

* the CFG builder stops at `facts.DEFAULT_NODE_BUDGET` statements (a 10k-case
  switch) and Python's recursion limit stops it on deep nesting;
* the dataflow (must-hold conditions, reaching definitions) costs about
  edges x variables steps per round for reaching definitions (dict merges,
  the expensive part) plus edges x condition literals for must-hold (cheap
  frozenset operations, weighted 1/8), with at most 50 rounds; `check`
  refuses a function whose cost per round is over `DATAFLOW_BUDGET` *before*
  any rule runs the dataflow. Measured on Linux 6.12 (58k functions of mm/
  fs/ block/ io_uring/ drivers/block drivers/scsi) the largest is
  ntfs3's log_replay() at about 230k (0.5 s); the pathological inputs it stops
  (thousands of variables, each with its own path) took minutes and gigabytes
  before;
* rules follow callees to a fixed depth (errpath.analysis.nonzero.MAX_DEPTH);
* a wall-clock backstop, `RULES_SECONDS` per function for all rules
  together, catches whatever the step limits miss (fuzzing found a 60-case
  switch in a loop that made a rule's reaching-definition queries take
  seconds, and minutes at 100 cases). It only fires on pathological code, so
  reports stay deterministic in practice; when it fires the function is
  listed in stats["rules_budget"] and the run goes on.

A function over a step budget is listed in the run's `unparsed` entries with
a reason starting "budget:", and counted in stats, like every function errpath
did not analyse.
"""
from __future__ import annotations

import signal
import threading
import time

from ..facts.nodes import BudgetExceeded
from ..facts.functions import FunctionFacts

DATAFLOW_BUDGET = 500_000
RULES_SECONDS = 20.0


def dataflow_cost(fn: FunctionFacts) -> int:
    edges = 0
    names: set = set(fn.params)
    lits: set = set()
    for n in fn.nodes:
        edges += len(n.succ)
        for v, _ in n.defs:
            names.add(v)
        if n.true_lits:
            lits.update(n.true_lits)
        if n.false_lits:
            lits.update(n.false_lits)
    return max(edges, 1) * (len(names) + 1) + max(edges, 1) * len(lits) // 8


def check(fn: FunctionFacts, budget: int = DATAFLOW_BUDGET) -> FunctionFacts:
    """fn itself, or BudgetExceeded when its dataflow would cost too many steps."""
    cost = dataflow_cost(fn)
    if cost > budget:
        raise BudgetExceeded(f"dataflow needs {cost} steps per round (limit {budget})")
    return fn


class RulesTimeout(BaseException):
    """Raised inside a rule when the function's time is up. A BaseException, so
    the engine's `except Exception` for broken rules does not swallow it."""


class FunctionTimer:
    """SIGALRM backstop for the rules on one function at a time (main thread only;
    elsewhere it does nothing).

    Once a function's time is up the alarm repeats every `REFIRE` seconds until
    disarmed: an exception raised from a signal handler can land in a context
    that swallows it (a __del__ method, a gc or weakref callback), and one
    swallowed alarm must not turn the backstop off. A timer already running
    when the rules start (another tool's) is suspended and put back after."""

    REFIRE = 1.0

    def __init__(self, seconds: float | None = None):
        self.seconds = RULES_SECONDS if seconds is None else seconds
        self.active = False
        self.armed = False
        self._deadline = 0.0
        self._old = None
        self._outer = (0.0, 0.0)
        self._t0 = 0.0

    def __enter__(self) -> "FunctionTimer":
        if self.seconds and hasattr(signal, "setitimer") and \
                threading.current_thread() is threading.main_thread():
            self._outer = signal.getitimer(signal.ITIMER_REAL)
            self._t0 = time.monotonic()
            self._old = signal.signal(signal.SIGALRM, self._fire)
            self.active = True
            # One timer ticking every REFIRE seconds for the whole run: arming per
            # function costs nothing (two setitimer calls per function were
            # measurable where system calls are slow, as under gVisor).
            signal.setitimer(signal.ITIMER_REAL, self.REFIRE, self.REFIRE)
        return self

    def _fire(self, signum, frame):
        if self.armed and time.monotonic() >= self._deadline:
            raise RulesTimeout(f"rules ran over {self.seconds:g}s")

    def arm(self) -> None:
        if self.active:
            self._deadline = time.monotonic() + self.seconds
            self.armed = True

    def disarm(self) -> None:
        self.armed = False        # first thing: a tick from here on is ignored

    def __exit__(self, *exc) -> None:
        if self.active:
            self.disarm()
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._old if self._old is not None else signal.SIG_DFL)
            self.active = False
            remaining, interval = self._outer
            if remaining:
                left = max(remaining - (time.monotonic() - self._t0), 0.001)
                signal.setitimer(signal.ITIMER_REAL, left, interval)


def note_over_budget(stats: dict, fn: FunctionFacts, reason: str) -> None:
    """Record a function whose rules were cut off (deduplicated, sorted)."""
    entries = stats.setdefault("rules_budget", [])
    entry = {"path": fn.path, "function": fn.name, "line": fn.line, "reason": f"not analysed: budget: {reason}"}
    if entry not in entries:
        entries.append(entry)
        entries.sort(key=lambda e: (e["path"], e["line"], e["function"]))


__all__ = ["DATAFLOW_BUDGET", "RULES_SECONDS", "dataflow_cost", "check", "RulesTimeout",
           "FunctionTimer", "note_over_budget"]
