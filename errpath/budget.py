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
* rules follow callees to a fixed depth (errpath.nonzero.MAX_DEPTH).

A function over budget is listed in the run's `unparsed` entries with a
reason starting "budget:", and counted in stats, like every function errpath
did not analyse.
"""
from __future__ import annotations

from .facts import BudgetExceeded, FunctionFacts

DATAFLOW_BUDGET = 500_000


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


__all__ = ["DATAFLOW_BUDGET", "dataflow_cost", "check"]
