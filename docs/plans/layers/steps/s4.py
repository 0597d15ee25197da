"""Step 4, facts: the facts and index entries of ../mapping.py; has_token leaves summary.py."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
from mapping import MOVES as PLAN

F = "errpath.facts."
NEW_PKGS = {"errpath.facts"}
MOVES = {"errpath.facts": PLAN["errpath.facts"], "errpath.index": PLAN["errpath.index"],
         "errpath.summary": ("errpath.summary", {"has_token": F + "functions"}, {})}
MODULES = {"errpath.index": F + "index"}
STMT_TARGET = {("errpath.facts", "assert [f.name for f in fields(Call)] == "): F + "nodes"}
TC_NAMES = {F + "dataflow": {"FunctionFacts"}}
DOCS = {
 F + "syntax": """Tree-sitter node -> text, Values and literals: the vocabulary of the facts
layer (node_text, norm_atom, idents, strip_node, cond_literals, value_of). The
Value shapes are listed in errpath/facts/__init__.py.""",
 F + "nodes": """The CFG's records: Call, CfgNode, LoopFact, and the node budget
(BudgetExceeded). Pickled inside FunctionFacts payloads.""",
 F + "cfg": """The CFG builder: one function's tree-sitter body -> CfgNodes (with defs,
calls, returns, gotos and labels) and LoopFacts.""",
 F + "dataflow": """Dataflow over one function's CFG: reverse post-order, must-hold literals
(kill_literals, the guards every path to a node tested), and reaching
definitions.""",
 F + "functions": """FunctionFacts: one function's facts and its lazy CFG (built from the stored
source on first use, evicted by DecodedLimit, spilled to disk), the light
token pass that decides which rules need a CFG at all, and has_token.""",
 F + "macros": """A .c file's integer macros (#define NAME <int expression>), read from its
bytes without a preprocessor.""",
}
