"""Kernel knowledge as data: each list lives in errpath/data/*.txt with a header
saying where its entries come from.

Layer: knowledge, the bottom of the flow (git -> frontend -> facts -> analysis
-> rules -> pipeline -> report -> cli). It loads the data files and nothing
else: it imports only the standard library, and every layer above may read it.
A new table goes here (a loader in tables.py, its rows in errpath/data/).
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def name_list(name: str) -> frozenset[str]:
    text = resources.files("errpath").joinpath(f"data/{name}.txt").read_text()
    return frozenset(line.split()[0] for line in text.splitlines()
                     if line.strip() and not line.lstrip().startswith("#"))


# ---------------------------------------------------------------------------
# kernel knowledge (errpath/data/*.txt)


@lru_cache(maxsize=None)
def data_rows(name: str) -> tuple[tuple[str, ...], ...]:
    text = resources.files("errpath").joinpath(f"data/{name}.txt").read_text()
    return tuple(tuple(line.split()) for line in text.splitlines()
                 if line.strip() and not line.lstrip().startswith("#"))


@lru_cache(maxsize=None)
def table(name: str) -> dict[str, list[str]]:
    """A whitespace table from errpath/data/<name>.txt: first column → the rest."""
    text = resources.files("errpath").joinpath(f"data/{name}.txt").read_text()
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            cols = line.split()
            out[cols[0]] = cols[1:]
    return out
