"""Summary outcome keys: what a function may return (errnos, ERR_PTR, NULL, 0,
a callee's result), how outcomes are filtered, merged and described."""
from __future__ import annotations


ERR_TESTS = ("IS_ERR", "IS_ERR_OR_NULL", "PTR_ERR_OR_ZERO", "IS_ERR_VALUE")
_ERR_MAKERS = frozenset({"ERR_PTR", "ERR_CAST", "ERR_PTR_PCPU"})
# calls a configuration stub may make besides returning a constant (x86's
# resctrl_arch_mon_ctx_alloc() is `might_sleep(); return NULL;`)
_STUB_CALLS = ("WARN", "pr_", "printk", "dump_stack", "BUG", "unlikely", "likely", "ERR_PTR", "ERR_CAST",
               "might_sleep", "might_fault", "might_lock", "__might_sleep", "lockdep_assert")
FLAGGABLE = ("flag", "nb")
_TAG_RANK = {"nb": 5, "flag": 4, "b": 2, "atomic": 1, "": 0}   # nb first: the allocation is the stronger evidence


def _tag_rank(t) -> int:
    if isinstance(t, tuple):
        return 3
    return _TAG_RANK.get(t, 0)


# ---------------------------------------------------------------------------
# abstract values and constraints

_EMPTY = frozenset()


def _filter(outs: dict, cons) -> dict:
    if cons is None:
        return outs
    if cons == "nnne":
        return _filter(_filter(outs, "nz"), "ne")
    res: dict = {}
    for key, trail in outs.items():
        kind, detail, tag = key
        nk = key
        if cons == "nz":
            if kind in ("null", "zero"):
                continue
            if kind == "unknown":
                nk = ("nonnull", "", "")
            elif kind == "noterr":
                nk = ("ptr", "", "")
        elif cons == "z":
            if kind in ("null", "zero"):
                pass
            elif kind in ("unknown", "noterr"):
                nk = ("null", "", "")
            else:
                continue
        elif cons == "err":
            if kind == "errptr":
                pass
            elif kind in ("unknown", "nonnull"):
                nk = ("errptr", "?", "")
            else:
                continue
        elif cons == "ne":
            if kind == "errptr":
                continue
            if kind == "unknown":
                nk = ("noterr", "", "")
            elif kind == "nonnull":
                nk = ("ptr", "", "")
        elif cons == "eon":
            if kind in ("ptr",):
                continue
            if kind == "nonnull":
                nk = ("errptr", "?", "")
            elif kind == "noterr":
                nk = ("null", "", "")
        elif cons == "neg":
            if kind in ("zero", "null", "ptr"):
                continue
        elif cons == "nneg":
            if kind == "errno":
                continue
        elif isinstance(cons, tuple) and cons[0] == "eq":
            if kind == "errno":
                if detail != cons[1] and detail != "?":
                    continue
                nk = ("errno", cons[1], tag)
            elif kind == "unknown":
                nk = ("errno", cons[1], "")
            else:
                continue
        elif isinstance(cons, tuple) and cons[0] == "neq":
            if kind == "errno" and detail == cons[1]:
                continue
        elif isinstance(cons, tuple) and cons[0] == "eqp":
            if kind == "errptr":
                if detail != cons[1] and detail != "?":
                    continue
                nk = ("errptr", cons[1], tag)
            elif kind in ("unknown", "nonnull"):
                nk = ("errptr", cons[1], "")
            else:
                continue
        elif isinstance(cons, tuple) and cons[0] == "neqp":
            if kind == "errptr" and detail == cons[1]:
                continue
        res.setdefault(nk, trail)
    return res


def _merge(into: dict, outs: dict) -> None:
    for k, t in outs.items():
        if k not in into:
            into[k] = t


def _one(kind: str, detail: str = "", tag="", trail: tuple = ()) -> dict:
    return {(kind, detail, tag): trail}


def describe_key(key) -> str:
    kind, detail, _ = key
    if kind == "errno":
        return f"-{detail}" if detail != "?" else "an errno"
    if kind == "errptr":
        return f"ERR_PTR(-{detail})" if detail != "?" else "ERR_PTR(?)"
    return {"null": "NULL", "zero": "0", "int": "nonzero", "ptr": "a pointer",
            "nonnull": "a pointer", "noterr": "a pointer (maybe NULL)",
            "unknown": "unknown"}.get(kind, kind)


def describe(outs: dict) -> str:
    """'ERR_PTR(-ENOMEM), a valid pointer' — a short text of outcomes for evidence."""
    return ", ".join(sorted({describe_key(k) for k in outs})) or "nothing"
