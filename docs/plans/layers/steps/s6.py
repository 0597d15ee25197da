P = "errpath.pipeline."
MOVES = {
 "errpath.engine": (P + "engine", {
     **{n: P + "blob" for n in ("MAX_FILE_BYTES BlobAnalysis _INCLUDE _INCLUDE_TAIL _includes _PARSER analyse_blob "
                                "_INIT_PATTERNS _NOWAIT_OPS _SETS_NOWAIT nowait_entries init_functions _analyse_task").split()},
     **{n: P + "cones" for n in "_function_digest call_cone_unchanged call_cones _callers_closure".split()},
     **{n: P + "attribution" for n in "audit _NUMBER _IDENT _QUOTED _GUARD DroppedGuards _drop_renamed".split()},
  }, {}),
 "errpath.executor": (P + "executor", {}, {}),
 "errpath.workers": (P + "workers", {}, {}),
 "errpath.cache": (P + "cache", {}, {}),
 "errpath.budget": (P + "budget", {}, {}),
}
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
