"""May-sleep: which functions may sleep, settled over the call graph's
strongly connected components (the MaySleep mixin of Summaries)."""
from __future__ import annotations

from .masks import _static_gfp
from ..facts.functions import FunctionFacts
from ..knowledge.tables import allocators, is_sleeping_call


class MaySleep:
    """Summaries' may-sleep question: the call graph's strongly connected
    components settled once (mixed into errpath.analysis.summaries.Summaries)."""

    def may_sleep(self, fn: FunctionFacts) -> tuple[bool, str]:
        """(may sleep, why): a direct sleeping call or blocking allocation, or a callee's.

        Computed per strongly connected component of the call graph (Tarjan,
        iterative): every member of a recursion cycle gets its answer when the
        whole cycle is known. (Memoising "does not sleep" for a function whose
        callee was still being computed made the answer depend on which function
        was asked first: `errpath contracts` then showed "may sleep gained" on
        functions nobody had touched.)"""
        r = self._sleep.get(id(fn))
        if r is not None:
            return r
        self._sleep_sccs(fn)
        return self._sleep[id(fn)]

    def _sleep_edges(self, fn: FunctionFacts) -> tuple[tuple | None, list]:
        """(the first direct reason fn sleeps, or None; [(call name, callee)] in
        call order up to that point)."""
        callees = []
        for n in fn.nodes:
            for c in n.calls:
                if c.name is None:
                    continue
                if is_sleeping_call(c.name):
                    return (True, f"{c.name}() at {fn.path}:{c.line}"), callees
                a = allocators().get(c.name)
                if a is not None:
                    idx = a[0]
                    if idx < 0 or (idx < len(c.arg_values) and _static_gfp(c.arg_values[idx], fn, n.id) == "yes"):
                        return (True, f"{c.name}() with a blocking gfp mask at {fn.path}:{c.line}"), callees
                    continue
                callee = self.resolve(c.name, fn.path)
                if callee is not None and callee is not fn:
                    callees.append((c.name, callee))
        return None, callees

    def _sleep_sccs(self, root: FunctionFacts) -> None:
        final = self._sleep
        index: dict[int, int] = {}
        low: dict[int, int] = {}
        edges: dict[int, tuple] = {}
        stack: list = []
        on_stack: set[int] = set()
        work = [(root, 0)]
        while work:
            fn, i = work.pop()
            k = id(fn)
            if i == 0:
                index[k] = low[k] = len(index)
                stack.append(fn)
                on_stack.add(k)
                edges[k] = self._sleep_edges(fn)
            direct, callees = edges[k]
            if i > 0:   # back from callees[i - 1]
                low[k] = min(low[k], low.get(id(callees[i - 1][1]), low[k]))
            descended = False
            while direct is None and i < len(callees):
                g = callees[i][1]
                gk = id(g)
                i += 1
                if gk in final:
                    continue
                if gk not in index:
                    work.append((fn, i))
                    work.append((g, 0))
                    descended = True
                    break
                if gk in on_stack:
                    low[k] = min(low[k], index[gk])
            if descended:
                continue
            if low[k] == index[k]:
                members = []
                while True:
                    w = stack.pop()
                    on_stack.discard(id(w))
                    members.append(w)
                    if w is fn:
                        break
                self._settle_sleep(members, edges)

    def _settle_sleep(self, members: list, edges: dict) -> None:
        """One answer per member of an SCC, each 'why' a chain that ends in a direct
        reason (rounds: members whose reason is already known come first)."""
        final = self._sleep
        known: dict[int, tuple] = {}
        pending = sorted(members, key=lambda f: (f.path, f.line, f.name))
        while pending:
            got = {}
            for fn in pending:
                direct, callees = edges[id(fn)]
                if direct is not None:
                    got[id(fn)] = direct
                    continue
                for name, g in callees:
                    r = final.get(id(g)) or known.get(id(g))
                    if r is not None and r[0]:
                        got[id(fn)] = (True, f"{name}() → {r[1]}")
                        break
            if not got:
                break
            known.update(got)
            pending = [f for f in pending if id(f) not in got]
        for fn in members:
            final[id(fn)] = known.get(id(fn), (False, ""))
