"""Offset-preserving kernel-macro normalisation.

Every rewrite keeps the byte length, so a line:column in the normalised text is
the same line:column in the real file. Annotations become spaces; iterator
macros (`list_for_each_entry(a, b, c) {`) become `while` loops.
"""
from __future__ import annotations

import re

# Built-in fallback when the audited tree has no .clang-format.
DEFAULT_FOREACH_MACROS: frozenset[str] = frozenset({
    "list_for_each", "list_for_each_safe", "list_for_each_entry",
    "list_for_each_entry_safe", "list_for_each_entry_reverse", "list_for_each_entry_rcu",
    "hlist_for_each_entry", "hlist_for_each_entry_safe", "hlist_for_each_entry_rcu",
    "for_each_possible_cpu", "for_each_online_cpu", "for_each_node", "for_each_online_node",
    "for_each_zone", "for_each_populated_zone", "xa_for_each", "bio_for_each_segment",
    "bio_for_each_folio_all", "rbtree_postorder_for_each_entry_safe",
})

_ANNOTATIONS = re.compile(
    rb"\b(?:__must_check|__user|__rcu|__iomem|__percpu|__force|__bitwise|__init|__exit|"
    rb"__always_inline|noinline|__cold|__hot|__maybe_unused|__always_unused|notrace|"
    rb"__read_mostly|__ro_after_init|__initdata|__initconst|__pure|__weak|asmlinkage|"
    rb"__acquires|__releases|__must_hold)\b(?:\s*\([^()\n]*\))?"
)


def foreach_macros_from_clang_format(text: str) -> frozenset[str]:
    """The `ForEachMacros:` list of a kernel .clang-format file."""
    names: set[str] = set()
    in_list = False
    for line in text.splitlines():
        if line.startswith("ForEachMacros:"):
            in_list = True
            continue
        if in_list:
            m = re.match(r"\s*-\s*'([A-Za-z_][A-Za-z0-9_]*)'", line)
            if m:
                names.add(m.group(1))
            elif line.strip() and not line.lstrip().startswith("#"):
                break
    return frozenset(names)


def _blank(m: re.Match) -> bytes:
    return re.sub(rb"[^\n]", b" ", m.group(0))


def normalise(data: bytes, foreach_macros: frozenset[str] | None = None) -> bytes:
    """Rewrite kernel-only syntax into plain C of exactly the same length."""
    macros = DEFAULT_FOREACH_MACROS if foreach_macros is None else foreach_macros
    out = _ANNOTATIONS.sub(_blank, data)
    if macros:
        pat = re.compile(rb"\b(" + b"|".join(re.escape(m.encode()) for m in sorted(macros, key=len, reverse=True)) + rb")(\s*\()")
        out = pat.sub(lambda m: b"while" + b" " * (len(m.group(1)) - 5) + m.group(2)
                      if len(m.group(1)) >= 5 else m.group(0), out)
    assert len(out) == len(data)
    return out
