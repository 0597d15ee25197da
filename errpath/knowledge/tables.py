"""Kernel knowledge tables read from errpath/data/*.txt: allocators, GFP flags,
sleeping functions, pointer predicates, ERR_PTR and NULL returners.

Layer: knowledge (the bottom layer, with errpath.model). Imports only the
standard library and errpath.knowledge."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import data_rows, table


@lru_cache(maxsize=None)
def pointer_predicates() -> dict[str, int]:
    """name -> index of the argument that is a valid pointer when the call is true."""
    return {r[0]: int(r[1]) for r in data_rows("pointer_predicates")}


@lru_cache(maxsize=None)
def err_ptr_dereferencers() -> dict[str, int]:
    """name -> index of a pointer argument it dereferences with no IS_ERR() check."""
    return {r[0]: int(r[1]) for r in data_rows("err_ptr_dereferencers")}


@lru_cache(maxsize=None)
def err_ptr_out_params() -> dict[str, tuple[int, str]]:
    """name -> (index of a pointer parameter it may store an ERR_PTR through, errno)."""
    return {r[0]: (int(r[1]), r[2] if len(r) > 2 else "?") for r in data_rows("err_ptr_out_params")}


@lru_cache(maxsize=None)
def nowait_flags() -> frozenset[str]:
    return frozenset(r[0] for r in data_rows("nowait_flags"))


@lru_cache(maxsize=None)
def gfp_reclaim() -> dict[str, bool]:
    """Mask name -> does it include __GFP_DIRECT_RECLAIM (may the allocation sleep)?
    Composite masks from data/gfp_flags.txt; a plain __GFP_* bit stands for itself."""
    out = {}
    for row in data_rows("gfp_flags"):
        bits = row[1:]
        out[row[0]] = "__GFP_DIRECT_RECLAIM" in bits
    out["__GFP_DIRECT_RECLAIM"] = True
    return out


def mask_reclaims(name: str) -> bool | None:
    r = gfp_reclaim().get(name)
    if r is None and name.startswith("__GFP_"):
        return False
    return r


@lru_cache(maxsize=None)
def _allocator_table() -> dict[str, tuple[int, str]]:
    """data/allocators.txt: name gfp cache null -> (gfp index or -1, "null"/"other")."""
    out = {}
    for row in data_rows("allocators") + data_rows("page_cache_allocators"):
        if len(row) < 4:
            continue
        gfp = -1 if row[1] in ("none", "-") else int(row[1])
        out[row[0]] = (gfp, "null" if row[3] == "yes" else "other")
    return out


class _Allocators(dict):
    """Allocator lookup that also knows the *_noprof and __ spellings."""

    _memo: dict = {}

    def get(self, name, default=None):
        if not name:
            return default
        memo = _Allocators._memo
        if name in memo:
            r = memo[name]
            return default if r is None else r
        t = _allocator_table()
        r = None
        for cand in (name, name.removesuffix("_noprof"), name.lstrip("_"),
                     name.removesuffix("_noprof").lstrip("_")):
            r = t.get(cand)
            if r is not None:
                break
        if r is None and _devres_base(name) is not None:
            a = allocator(name)    # devm_kzalloc(): kzalloc() managed by the device
            r = None if a is None else (-1 if a.gfp is None else a.gfp, "null")
        memo[name] = r
        return default if r is None else r

    def __contains__(self, name):
        return self.get(name) is not None

    def __getitem__(self, name):
        r = self.get(name)
        if r is None:
            raise KeyError(name)
        return r

    def __iter__(self):
        return iter(_allocator_table())


_ALLOCATORS = _Allocators()


def allocators() -> _Allocators:
    return _ALLOCATORS


@lru_cache(maxsize=None)
def _sleepers() -> tuple[frozenset[str], tuple[str, ...]]:
    names = [r[0] for r in data_rows("sleeping_functions")] + [r[0] for r in data_rows("may_sleep_prefixes")]
    return (frozenset(n for n in names if not n.endswith("*")),
            tuple(n[:-1] for n in names if n.endswith("*")))


def is_sleeping_call(name: str) -> bool:
    exact, prefixes = _sleepers()
    return name in exact or name.startswith(prefixes)


# the generated lists (bench/kernel_returners.py: errpath's own summaries of the
# kernel's exported functions); off while that script makes them
KERNEL_LISTS = True


def _kernel(kind: str) -> frozenset[str]:
    return frozenset(r[0] for r in data_rows(f"{kind}_returners_kernel")) if KERNEL_LISTS else frozenset()


@lru_cache(maxsize=None)
def err_ptr_returners() -> frozenset[str]:
    """Functions that fail with ERR_PTR and never NULL: the hand-kept list, then the
    generated one less what the hand-kept NULL list says."""
    hand = frozenset(r[0] for r in data_rows("err_ptr_returners"))
    return hand | (_kernel("err_ptr") - _hand_null())


def _hand_null() -> frozenset[str]:
    return frozenset(r[0] for r in data_rows("null_returners")) | frozenset(
        name for name, (_, fail) in _allocator_table().items() if fail == "null")


class _NullReturners(frozenset):
    """The NULL returners' names, and every device-managed allocator whose plain
    allocator is one (devm_kzalloc(), drmm_kcalloc(): see _devres_base)."""

    def __contains__(self, name) -> bool:
        return frozenset.__contains__(self, name) or isinstance(name, str) and \
            _devres_base(name) is not None and allocator(name) is not None


@lru_cache(maxsize=None)
def null_returners() -> frozenset[str]:
    hand_err = frozenset(r[0] for r in data_rows("err_ptr_returners"))
    return _NullReturners(_hand_null() | (_kernel("null") - hand_err))


@dataclass(frozen=True)
class Allocator:
    name: str
    gfp: int | None      # None: no mask argument (always GFP_KERNEL)
    cache: int | None
    null_on_failure: bool


def _devres_base(name: str) -> str | None:
    """The allocator a device-managed one wraps: devm_kzalloc(dev, size, gfp) is
    kzalloc(size, gfp) freed with the device (drmm_: with the DRM device), the
    managing object first. Only wrappers that fail with NULL as their base does
    are taken (allocators()/allocator() check): devm_memremap() returns an
    ERR_PTR where memremap() returns NULL."""
    for prefix in ("devm_", "drmm_"):
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix):]
    return None


def allocator(name: str | None) -> Allocator | None:
    if not name:
        return None
    t = table("allocators")
    for cand in (name, name.removesuffix("_noprof"), name.lstrip("_"), name.removesuffix("_noprof").lstrip("_")):
        row = t.get(cand)
        if row:
            gfp, cache, null = row[0], row[1], row[2]
            return Allocator(cand, None if gfp == "none" else int(gfp),
                             None if cache == "-" else int(cache), null == "yes")
    base = _devres_base(name)
    wrapped = allocator(base) if base is not None else None
    if wrapped is not None and wrapped.null_on_failure and wrapped.cache is None:
        # the managing object comes first: every argument one place later
        return Allocator(name, None if wrapped.gfp is None else wrapped.gfp + 1, None, True)
    return None


@lru_cache(maxsize=None)
def gfp_composites() -> dict[str, tuple[frozenset, frozenset]]:
    out = {}
    for name, bits in table("gfp_flags").items():
        out[name] = (frozenset(b for b in bits if not b.startswith("-")),
                     frozenset(b[1:] for b in bits if b.startswith("-")))
    return out
