"""GFP masks: Flow's mask and flag questions (the FlowMasks mixin), the static
GFP class of a mask, and a mask value's alternatives as bit sets (Mask,
mask_alternatives), which two rules share."""
from __future__ import annotations

from dataclasses import dataclass

from .formulas import _root
from ..facts.functions import FunctionFacts
from ..knowledge.tables import gfp_composites, mask_reclaims, nowait_flags


class FlowMasks:
    """Flow's questions about GFP masks and flags at a node (mixed into
    errpath.analysis.valueflow.Flow; it uses Flow's value queries)."""

    # -- flag words and gfp masks ------------------------------------------------
    def under_flag(self, nid: int) -> bool:
        """In mode "set": is the node reached only with the NOWAIT flag tested set?"""
        if self.mode != "set" or not self.info.flag_atoms:
            return False
        must = self.fn.must_hold(nid)
        return any((a, True) in must for a in self.info.flag_atoms)

    def gfp_tag(self, val, nid: int, alloc_node: int | None = None) -> tuple:
        """(tag, words) for an allocation mask. A non-blocking mask is "nb" only when
        the NOWAIT flag made it so (chose it, or guards the code that set it);
        a constant GFP_ATOMIC deep in unrelated code is "atomic"."""
        self._dep = False
        g = self.gfp_class(val, nid)
        dep = self._dep or (alloc_node is not None and self.under_flag(alloc_node))
        if g == "no":
            if dep:
                return "nb", "non-blocking gfp mask under the NOWAIT flag"
            return "atomic", "non-blocking gfp mask, whatever the NOWAIT flag"
        return _gfp_tag(g, self.fn)

    def gfp_class(self, val, nid: int, depth: int = 0):
        """'no' (no direct reclaim: non-blocking), 'yes' (may reclaim), ('param', name), '?'."""
        if depth > 12:
            return "?"
        k = val[0]
        if k == "macro":
            r = mask_reclaims(val[1])
            return "?" if r is None else ("yes" if r else "no")
        if k == "int":
            return "no"
        if k == "bin" and val[1] == "|":
            a, b = self.gfp_class(val[2], nid, depth + 1), self.gfp_class(val[3], nid, depth + 1)
            if "yes" in (a, b):
                return "yes"
            if a == "no" and b == "no":
                return "no"
            if a == "no" and isinstance(b, tuple):
                return b
            if b == "no" and isinstance(a, tuple):
                return a
            return "?"
        if k == "bin" and val[1] == "&":
            m = val[3]
            if m[0] == "un" and m[1] == "~":
                if self.gfp_class(m[2], nid, depth + 1) == "yes":
                    return "no"
                return self.gfp_class(val[2], nid, depth + 1)
            return "?"
        if k == "cond":
            pick = self._choose(val[1])
            if pick is not None:
                self._dep = True
                return self.gfp_class(val[2] if pick else val[3], nid, depth + 1)
            a, b = self.gfp_class(val[2], nid, depth + 1), self.gfp_class(val[3], nid, depth + 1)
            return a if a == b else ("yes" if "yes" in (a, b) else "?")
        if k in ("var", "param"):
            items = self.items(nid, val[1])
            if not items:
                return "?"
            res = None
            for d, _, _ in items:
                if d == 0:
                    c = ("param", val[1]) if val[1] in self.fn.params else "?"
                else:
                    if self.under_flag(d):
                        self._dep = True
                    dv = next((x for v, x in self.fn.nodes[d].defs if v == val[1]), None)
                    c = self.gfp_class(dv, d, depth + 1) if dv is not None else "?"
                if res is None:
                    res = c
                elif res != c:
                    res = "yes" if "yes" in (res, c) else "?"
            return res or "?"
        return "?"

    def flag_bits(self, val, nid: int, depth: int = 0) -> str:
        """The NOWAIT bit of a flag word: 'set', 'clear', 'same' (the caller's own flag), 'unknown'."""
        if depth > 12:
            return "unknown"
        k = val[0]
        if k == "macro":
            return "set" if val[1] in nowait_flags() else "clear"
        if k == "int":
            return "clear"
        if k == "bin" and val[1] == "|":
            a, b = self.flag_bits(val[2], nid, depth + 1), self.flag_bits(val[3], nid, depth + 1)
            if "set" in (a, b):
                return "set"
            if a == b:
                return a
            if "clear" in (a, b):
                other = b if a == "clear" else a
                return other if other == "same" else "unknown"
            return "unknown"
        if k == "bin" and val[1] == "&":
            m = val[3]
            if m[0] == "un" and m[1] == "~" and self.flag_bits(m[2], nid, depth + 1) == "set":
                return "clear"
            if m[0] == "macro" and m[1] not in nowait_flags() or val[2][0] == "macro" and val[2][1] not in nowait_flags():
                return "clear"
            return "unknown"
        if k == "cond":
            pick = self._choose(val[1])
            if pick is not None:
                return self.flag_bits(val[2] if pick else val[3], nid, depth + 1)
            a, b = self.flag_bits(val[2], nid, depth + 1), self.flag_bits(val[3], nid, depth + 1)
            return a if a == b else "unknown"
        if k in ("var", "param", "field"):
            name = val[1]
            if _root(name) in self.info.flag_roots or _root(name) in self.S.flag_param_names(self.fn):
                return "same"
            if k == "field":
                return "unknown"
            items = self.items(nid, name)
            if not items:
                return "unknown"
            res = None
            for d, _, _ in items:
                if d == 0:
                    c = "unknown"
                else:
                    dv = next((x for v, x in self.fn.nodes[d].defs if v == name), None)
                    c = self.flag_bits(dv, d, depth + 1) if dv is not None else "unknown"
                res = c if res is None or res == c else "unknown"
            return res or "unknown"
        if k == "call" and val[1] is not None:
            callee = self.S.resolve(val[1], self.fn.path)
            if callee is not None and not (callee.text_tokens & nowait_flags()):
                return "clear"
        return "unknown"

    def arg_state(self, call, idx: int, path: str) -> str:
        if idx >= len(call.args):
            return "unknown"
        text, val = call.args[idx], call.arg_values[idx]
        root = _root(text)
        if root in self.info.flag_roots or root in self.S.flag_param_names(self.fn):
            return "same"
        if path.startswith("->"):
            fieldname = path[2:]
            var = (text[1:] + "." + fieldname) if text.startswith("&") else (text + "->" + fieldname)
            if self.items(call.node, var) is not None:
                return self.flag_bits(("var", var), call.node)
            return "unknown"
        return self.flag_bits(val, call.node)

    def call_mode(self, call, callee: FunctionFacts) -> str:
        """The mode a call puts its callee in."""
        key = (call.line, call.column)
        if key in self.call_states:
            return self.call_states[key]
        if not self.S.has_modes(callee):
            res = "any"
        else:
            states = [self.arg_state(call, i, p) for i, p in self.S.flag_params(callee).items()]
            if "set" in states:
                res = "set"
            elif "same" in states:
                res = self.mode if self.mode in ("set", "clear") else "unknown"
            elif states and all(s == "clear" for s in states):
                res = "clear"
            else:
                res = "unknown"
        self.call_states[key] = res
        return res


def _gfp_tag(g, fn: FunctionFacts) -> tuple:
    if g == "no":
        return "nb", "non-blocking gfp mask"
    if g == "yes":
        return "b", "blocking gfp mask"
    if isinstance(g, tuple) and g[1] in fn.params:
        return ("gfp", fn.params.index(g[1])), f"gfp mask from parameter '{g[1]}'"
    return "", "unknown gfp mask"


def _static_gfp(val, fn: FunctionFacts, nid: int, depth: int = 0) -> str:
    """A cheap, path-insensitive gfp class (for may-sleep)."""
    if depth > 6:
        return "?"
    k = val[0]
    if k == "macro":
        r = mask_reclaims(val[1])
        return "?" if r is None else ("yes" if r else "no")
    if k == "bin" and val[1] == "|":
        a, b = _static_gfp(val[2], fn, nid, depth + 1), _static_gfp(val[3], fn, nid, depth + 1)
        return "yes" if "yes" in (a, b) else ("no" if a == b == "no" else "?")
    if k == "cond":   # flags & NOWAIT ? GFP_NOWAIT : GFP_NOFS: either arm may be taken
        a, b = _static_gfp(val[2], fn, nid, depth + 1), _static_gfp(val[3], fn, nid, depth + 1)
        return "yes" if "yes" in (a, b) else ("no" if a == b == "no" else "?")
    if k == "var":
        res = set()
        for d, v in fn.reaching(nid, val[1]):
            res.add(_static_gfp(v, fn, d, depth + 1) if d else "?")
        # "may sleep": one reaching blocking mask (`gfp = GFP_NOFS;` before an
        # `if (nowait) gfp = GFP_NOWAIT;`) is enough
        return "yes" if "yes" in res else ("no" if res == {"no"} else "?")
    return "?"


MAX_DEPTH = 5          # value chains inside one function


# ---------------------------------------------------------------------------
# GFP masks as sets of alternatives


@dataclass(frozen=True)
class Mask:
    """One possible value of a GFP mask: the bits known to be set, the bits
    known to be cleared, the parameters OR-ed in, and whether some part is
    unknown."""
    bits: frozenset = frozenset()
    cleared: frozenset = frozenset()
    params: frozenset = frozenset()
    unknown: bool = False
    text: str = ""

    def has(self, bit: str) -> bool:
        return bit in self.bits and bit not in self.cleared

    def union(self, other: "Mask") -> "Mask":
        return Mask(self.bits | other.bits, (self.cleared | other.cleared) - (self.bits | other.bits),
                    self.params | other.params, self.unknown or other.unknown,
                    f"{self.text} | {other.text}")


UNKNOWN = Mask(unknown=True, text="?")
MAX_ALTS = 16


def _vtext(v) -> str:
    k = v[0]
    if k in ("var", "field", "macro", "param"):
        return v[1]
    if k == "int":
        return str(v[1])
    if k == "bin":
        return f"{_vtext(v[2])} {v[1]} {_vtext(v[3])}"
    if k == "un":
        return f"{v[1]}{_vtext(v[2])}"
    if k == "call":
        return f"{v[3]}(...)"
    if k == "cond":
        return f"... ? {_vtext(v[2])} : {_vtext(v[3])}"
    return k


def macro_bits(name: str) -> Mask | None:
    comp = gfp_composites().get(name)
    if comp is not None:
        return Mask(comp[0], comp[1], text=name)
    if name.startswith("__GFP_"):
        return Mask(frozenset({name}), text=name)
    return None


def mask_alternatives(fn, node: int, v, depth: int = 0, seen: frozenset = frozenset()) -> list[Mask]:
    """Every value the GFP mask expression v may have at node (bounded)."""
    if depth > MAX_DEPTH:
        return [UNKNOWN]
    k = v[0]
    if k == "macro":
        m = macro_bits(v[1])
        return [m] if m is not None else [Mask(unknown=True, text=v[1])]
    if k == "int":
        return [Mask(text=str(v[1]))] if v[1] == 0 else [Mask(unknown=True, text=str(v[1]))]
    if k == "param":
        return [Mask(params=frozenset({v[1]}), text=v[1])]
    if k == "var":
        name = v[1]
        if name in fn.params and (name, node) in seen:
            return [Mask(params=frozenset({name}), text=name)]
        if (name, node) in seen:
            return [UNKNOWN]
        seen = seen | {(name, node)}
        defs = fn.reaching(node, name)
        if not defs:
            return [Mask(unknown=True, text=name)]
        out: list[Mask] = []
        for d, dv in defs:
            if dv[0] == "param":
                out.append(Mask(params=frozenset({name}), text=name))
            elif dv[0] in ("uninit", "unknown"):
                out.append(Mask(unknown=True, text=name))
            else:
                out.extend(mask_alternatives(fn, d, dv, depth + 1, seen))
        return out[:MAX_ALTS]
    if k == "cond":
        return (mask_alternatives(fn, node, v[2], depth + 1, seen)
                + mask_alternatives(fn, node, v[3], depth + 1, seen))[:MAX_ALTS]
    if k == "bin" and v[1] == "|":
        left = mask_alternatives(fn, node, v[2], depth + 1, seen)
        right = mask_alternatives(fn, node, v[3], depth + 1, seen)
        return [a.union(b) for a in left for b in right][:MAX_ALTS]
    if k == "bin" and v[1] == "&":
        a, b = v[2], v[3]
        if b[0] == "un" and b[1] == "~":
            cleared = mask_alternatives(fn, node, b[2], depth + 1, seen)
            out = []
            for x in mask_alternatives(fn, node, a, depth + 1, seen):
                for c in cleared:
                    if c.unknown or c.params:
                        out.append(Mask(x.bits, x.cleared, x.params, True, x.text))
                    else:
                        out.append(Mask(x.bits - c.bits, x.cleared | c.bits, x.params, x.unknown,
                                        f"{x.text} & ~{c.text}"))
            return out[:MAX_ALTS]
        return [Mask(unknown=True, text=_vtext(v))]
    return [Mask(unknown=True, text=_vtext(v))]
