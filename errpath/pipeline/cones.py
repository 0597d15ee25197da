"""Call cones: which functions an audit must check again because a function
they call (transitively) changed, and the digest that says a function did not
change."""
from __future__ import annotations

import hashlib

from ..facts.functions import FunctionFacts
from ..facts.index import FactsIndex


def _function_digest(f: FunctionFacts) -> bytes:
    """What a function is, wherever it sits in its file: its text (or its CFG,
    for one built at once) and its light facts."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((f.name, f.is_static, f.params, f.return_type, f.call_names)).encode("utf-8", "surrogateescape"))
    h.update(f.source() or f.payload())
    return h.digest()


def call_cone_unchanged(a: FactsIndex, b: FactsIndex, same_files: frozenset | set = frozenset(),
                        callers_too: bool = False) -> tuple[set[int], set[int]]:
    """See call_cones: the one kind asked for, for each index."""
    ca, cb = call_cones(a, b, same_files, callers_too)
    kind = "callers" if callers_too else "callees"
    return ca[kind], cb[kind]


def call_cones(a: FactsIndex, b: FactsIndex, same_files: frozenset | set = frozenset(),
               callers_too: bool = False, portable: set | None = None) -> tuple[dict, dict]:
    """Ids of the in-scope functions of each index whose findings from a
    differential rule (Rule.differential) cannot differ between the two trees.

    What such a rule reads of a callee: its text and facts, for the direct callees
    only (does it check the pointer it is handed?), and, down any depth, what it
    returns and how its NOWAIT flag parameters steer that (errpath.analysis). So a
    changed function makes its direct callers changed, and goes on up only through
    callers that pass something on: a non-void return, or flag parameters (in
    either tree). A void function without flag parameters whose callee changed
    gives its callers nothing new. Names are matched conservatively: a changed
    global `foo` touches every caller of any `foo` (which covers a call that now
    resolves elsewhere); a static function of a .c file only callers in its file.
    `same_files`: paths known to hold the same blob in both trees.

    callers_too (rules whose findings also depend on the callers, any levels up:
    Rule.differential == "callers"): also every function called, transitively, by
    one whose cone changed, by name, as any caller chain through it may differ.

    "all-callees" rules read callees through any chain, void ones too (may it
    sleep?): a function is touched when anything it calls, at any depth, changed.

    Returns, for each index, {Rule.differential: unchanged ids} ("callers" is
    empty unless callers_too). `portable`, when given, gets the
    ids of every function (context headers too) that is one object in both
    indexes (a file in same_files) and whose callee cone did not change: what it
    returns is the same in both trees (errpath.analysis.shared.pair)."""
    from .. import analysis as summary

    def groups(index: FactsIndex) -> dict:
        g: dict = {}
        macros: dict = {}
        for f in index.all:
            if f.path not in same_files:
                # a flag's value feeds the guards of every function in its file
                # (summary.guard_refuted): a changed value changes them all
                m = macros.get(f.path)
                if m is None:
                    m = macros[f.path] = tuple(sorted(index.int_macros.get(f.path, {}).items()))
                init = getattr(index, "init_functions", {}).get(f.path, {}).get(f.name)
                g.setdefault((f.path, f.name), []).append((_function_digest(f), m, init))
        return g
    ga, gb = groups(a), groups(b)
    changed = {k for k in ga.keys() | gb.keys() if ga.get(k) != gb.get(k)}
    passes_on: set = set()   # (path, name) that return a value or take flag parameters, in either tree
    for index in (a, b):
        S = index.summaries or summary.build(index)
        passes_on.update((f.path, f.name) for f in index.all if f.return_type != "void" or S.flag_params(f))
    dirty_keys: set = set()
    up_keys: set = set()
    all_keys: set = set(changed)   # changed, or calls one that did through any chain of callers
    for index in (a, b):
        dirty = _callers_closure(a, b, index, changed, passes_on)
        dirty_keys.update((f.path, f.name) for f in index.all if id(f) in dirty)
        below = _callers_closure(a, b, index, changed)
        all_keys.update((f.path, f.name) for f in index.all if id(f) in below)
        if callers_too:
            by_name: dict = {}
            for f in index.all:
                by_name.setdefault(f.name, []).append(f)
            work = [f for f in index.all if id(f) in dirty]
            while work:
                for n in work.pop().call_names:
                    for g in by_name.get(n, ()):
                        if id(g) not in dirty:
                            dirty.add(id(g))
                            work.append(g)
            up_keys.update((f.path, f.name) for f in index.all if id(f) in dirty)
    if portable is not None:
        portable.update(id(f) for f in a.all if f.path in same_files and (f.path, f.name) not in dirty_keys)
    # the same verdict in both trees: a function gone from one side may have made
    # its former callees' or callers' cone differ only there
    return tuple({"callees": {id(f) for f in index.functions_in_scope() if (f.path, f.name) not in dirty_keys},
                  "callers": {id(f) for f in index.functions_in_scope() if (f.path, f.name) not in up_keys}
                  if callers_too else set(),
                  "all-callees": {id(f) for f in index.functions_in_scope() if (f.path, f.name) not in all_keys}}
                 for index in (a, b))


def _callers_closure(a: FactsIndex, b: FactsIndex, index: FactsIndex, changed: set, through: set | None = None) -> set:
    """Ids of index's functions that are changed or call, by name, one that is
    changed or in the closure, going on up only through callers in `through`
    ((path, name) keys; None: every caller). A static function of a .c file (in
    both trees) is called only from its own file."""
    dirty = {id(f) for f in index.all if (f.path, f.name) in changed}
    seen = set(changed)
    work = list(changed)
    while work:
        path, name = work.pop()
        local = path.endswith(".c") and all(f.is_static for ix in (a, b) for f in ix.definitions(path, name))
        for g in index.functions_calling(name):
            if local and g.path != path:
                continue
            dirty.add(id(g))
            k = (g.path, g.name)
            if k not in seen:
                seen.add(k)
                if through is None or k in through:
                    work.append(k)
    return dirty
