"""The CFG's records: Call, CfgNode, LoopFact, and the node budget
(BudgetExceeded). Pickled inside FunctionFacts payloads."""
from __future__ import annotations

from dataclasses import dataclass, field, fields

from .syntax import Value


DEFAULT_NODE_BUDGET = 20000


class BudgetExceeded(Exception):
    pass


@dataclass(frozen=True)
class Call:
    name: str | None           # callee identifier; None for calls through a pointer
    callee_text: str           # "ops->write_begin" when name is None
    args: tuple[str, ...]      # argument texts, normalised
    arg_values: tuple[Value, ...]
    line: int
    column: int
    result: str | None         # variable the result is assigned to, when it is
    node: int                  # CFG node id


def _new_call(name, callee_text, args, arg_values, line, column, result, node) -> Call:
    """Call(...) as unpickling makes it: the fields stored straight into its
    __dict__, in field order (the frozen __init__ sets each one through
    object.__setattr__, 3x slower, and the builder makes one per call)."""
    c = object.__new__(Call)
    d = c.__dict__
    d["name"] = name
    d["callee_text"] = callee_text
    d["args"] = args
    d["arg_values"] = arg_values
    d["line"] = line
    d["column"] = column
    d["result"] = result
    d["node"] = node
    return c


assert [f.name for f in fields(Call)] == ["name", "callee_text", "args", "arg_values", "line", "column",
                                           "result", "node"], "_new_call must follow Call's fields"


@dataclass
class CfgNode:
    id: int
    kind: str                  # entry exit expr decl return cond goto label loop switch case join
    line: int
    column: int
    text: str
    defs: list[tuple[str, Value]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    ret: Value | None = None   # for return nodes with a value
    true_lits: frozenset = frozenset()
    false_lits: frozenset = frozenset()
    uses: frozenset = frozenset()  # identifiers read
    succ: list[tuple[int, object]] = field(default_factory=list)  # (node id, edge: True/False/None/"case")


@dataclass
class LoopFact:
    kind: str                  # while, for, do
    head: int                  # node id of the condition (or the loop entry for do/for(;;))
    line: int
    column: int
    cond_text: str
    cond_true: frozenset       # literals that hold inside the loop body (from the condition)
    cond: Value | None         # the condition as a value (comparisons are ("bin", op, a, b))
    first: int                 # node-id range of the loop body and update
    last: int
    update: list[int] = field(default_factory=list)  # for-loop update node ids

    def contains(self, node_id: int) -> bool:
        return self.first <= node_id <= self.last
