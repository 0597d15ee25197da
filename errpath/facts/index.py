"""All function facts in the analysis scope, and how a call name resolves.

C linkage: a `static` function is visible only in its own file, so a call is
resolved to a static function of the caller's file first, then to the one
global definition of that name. Headers' static inlines are visible to every
file that may include them, so they are resolved as globals after the file's
own statics.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from .functions import FunctionFacts


class FactsIndex:
    def __init__(self, functions: Iterable[FunctionFacts], in_scope: set[str] | None = None,
                 int_macros: dict[str, dict[str, int]] | None = None,
                 macro_functions: Iterable[FunctionFacts] = ()):
        self.by_file: dict[str, dict[str, FunctionFacts]] = defaultdict(dict)
        self.globals: dict[str, list[FunctionFacts]] = defaultdict(list)
        self.header_statics: dict[str, list[FunctionFacts]] = defaultdict(list)
        self.all: list[FunctionFacts] = []
        for f in functions:
            self.all.append(f)
            self.by_file[f.path][f.name] = f
            if not f.is_static:
                self.globals[f.name].append(f)
            elif f.path.endswith(".h"):
                self.header_statics[f.name].append(f)
        self.in_scope = in_scope  # paths findings may be reported in (None = all)
        self.int_macros = int_macros or {}   # path -> its integer macros (facts.int_macros)
        # path -> {name: a function-like macro of that .c file as a function} (not in `all`)
        self.macro_functions: dict[str, dict[str, FunctionFacts]] = defaultdict(dict)
        for f in macro_functions:
            self.macro_functions[f.path][f.name] = f
        self.init_functions: dict[str, dict[str, str]] = {}   # path -> {name: why init-only} (engine)
        self.summaries = None
        self._calling: dict[str, list[FunctionFacts]] | None = None
        self._resolved: dict[tuple, FunctionFacts | None] = {}   # (name, top dir, arch) -> resolve()'s pick
        self._defs: dict[tuple[str, str], list[FunctionFacts]] | None = None

    def definitions(self, path: str, name: str) -> list[FunctionFacts]:
        """Every definition of `name` in `path`, in file order: #ifdef alternatives
        (a real function and its stub) give several."""
        if self._defs is None:
            d: dict[tuple[str, str], list[FunctionFacts]] = {}
            for f in self.all:
                d.setdefault((f.path, f.name), []).append(f)
            for v in d.values():
                v.sort(key=lambda f: f.line)
            self._defs = d
        return self._defs.get((path, name), [])

    def counterpart(self, path: str, name: str, nth: int, count: int, line: int) -> FunctionFacts | None:
        """The definition here that matches the nth of `count` same-named definitions
        of `path` elsewhere (another tree): the same ordinal when the counts agree,
        else the nearest by line."""
        defs = self.definitions(path, name)
        if not defs:
            return None
        if len(defs) == count:
            return defs[nth]
        return min(defs, key=lambda f: abs(f.line - line))

    def functions_calling(self, name: str) -> list[FunctionFacts]:
        """Every function (in index order) that calls `name` directly, found from the
        light call-name lists, so no CFG is decoded to build the call graph."""
        if self._calling is None:
            m: dict[str, list[FunctionFacts]] = {}
            for f in self.all:
                for c in f.call_names:
                    m.setdefault(c, []).append(f)
            self._calling = m
        return self._calling.get(name, [])

    def resolve(self, name: str, from_path: str) -> FunctionFacts | None:
        own = self.by_file.get(from_path, {}).get(name)
        if own is not None:
            return own
        # Prefer a definition under the same top directory (fs/ over drivers/),
        top = from_path.split("/", 1)[0]
        # and under arch/, one that builds with the caller's arch: an arch/arm file
        # never links arch/m68k's clk_get_rate(); another arch's definition is last
        arch = from_path.split("/", 2)[1] if top == "arch" and from_path.count("/") >= 2 else None
        key = (name, top, arch)
        if key in self._resolved:
            return self._resolved[key]
        got = None
        for table in (self.globals, self.header_statics):
            cands = table.get(name)
            if cands:
                got = min(cands, key=lambda f: (f.path.split("/", 1)[0] != top,
                                                f.path.startswith("arch/") and arch is not None
                                                and f.path.split("/", 2)[1] != arch,
                                                f.path.startswith("arch/") and top != "arch",
                                                f.path))
                break
        self._resolved[key] = got
        return got

    def functions_in_scope(self) -> Iterable[FunctionFacts]:
        for f in self.all:
            if self.in_scope is None or f.path in self.in_scope:
                yield f
