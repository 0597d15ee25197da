"""Step 6, pipeline: the engine, executor, workers, cache and budget entries of ../mapping.py."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
from mapping import MOVES as PLAN

P = "errpath.pipeline."
MOVES = {m: PLAN[m] for m in ("errpath.engine", "errpath.executor", "errpath.workers", "errpath.cache", "errpath.budget")}
MODULES = {"errpath.engine": P + "engine", "errpath.executor": P + "executor", "errpath.workers": P + "workers",
           "errpath.cache": P + "cache", "errpath.budget": P + "budget"}
DOCS = {
 P + "blob": """One blob -> its analysis: normalise and parse a file's bytes, the facts of
each function (CFG now or lazily), its integer macros, includes, init-only
functions and NOWAIT file_operations entries (BlobAnalysis: the unit the cache
stores and workers return).""",
 P + "cones": """Call cones: which functions an audit must check again because a function
they call (transitively) changed, and the digest that says a function did not
change.""",
 P + "attribution": """audit(): the findings of HEAD against BASE, each attributed to the commit
of the range that introduced it (or fixed it), with guards dropped on the way
(DroppedGuards) and renamed functions followed.""",
}
