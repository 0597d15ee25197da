"""Kernel knowledge as data: each list lives in errpath/data/*.txt with a header
saying where its entries come from."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def name_list(name: str) -> frozenset[str]:
    text = resources.files("errpath").joinpath(f"data/{name}.txt").read_text()
    return frozenset(line.split()[0] for line in text.splitlines()
                     if line.strip() and not line.lstrip().startswith("#"))
