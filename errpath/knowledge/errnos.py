"""Errno names ↔ numbers, from errpath/data/errno.txt."""
from __future__ import annotations

from importlib import resources


def _load() -> dict[str, int]:
    table: dict[str, int] = {}
    text = resources.files("errpath").joinpath("data/errno.txt").read_text()
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, num = line.split()
            table[name] = int(num)
    return table


ERRNO_NAMES: dict[str, int] = _load()
_BY_NUMBER: dict[int, str] = {}
for _n, _v in ERRNO_NAMES.items():
    _BY_NUMBER.setdefault(_v, _n)


def parse_errno(text: str) -> str:
    """'ENOMEM', '-ENOMEM' or '12' → 'ENOMEM'. Raises ValueError with a clear message."""
    t = text.strip().lstrip("-")
    if t.isdigit():
        if int(t) in _BY_NUMBER:
            return _BY_NUMBER[int(t)]
        raise ValueError(f"unknown errno number: {text}")
    if t.upper() in ERRNO_NAMES:
        return t.upper()
    raise ValueError(f"unknown errno: {text}")
