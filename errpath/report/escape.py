"""Make untrusted text safe to print: one helper shared by every formatter.

Commit subjects, author names, file names and C source come from the audited
repository and may contain terminal escape sequences, carriage returns (which
let a line overwrite what a reviewer sees), bidirectional overrides ("Trojan
Source", CVE-2021-42574) or undecodable bytes.  Nothing is dropped: every such
character becomes a visible escape, so the text stays readable and the reader
sees that something odd is there.

- C0 controls except ``\\n`` and ``\\t``, ``\\r``, DEL and the C1 range become
  ``\\xNN``;
- Unicode line/paragraph separators and bidi embedding/override/isolate
  characters become ``\\uNNNN``;
- lone surrogates produced by ``surrogateescape`` decoding (U+DC80..U+DCFF)
  become ``\\xNN`` of the original byte; any other lone surrogate ``\\uNNNN``.

With ``single_line=True`` newlines and tabs are escaped too (``\\n``, ``\\t``),
for fields that must stay on one line (subjects, author names, paths).

HTML escaping of ``<``, ``>``, ``&`` and quotes is *not* done here: jinja2's
autoescape does it.  The HTML formatter applies this helper before autoescape.
"""
from __future__ import annotations

import re

# Bidi controls (Trojan Source) and Unicode line separators.
_UNICODE_CONTROLS = "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
_BASE = "\x00-\x08\x0b-\x1f\x7f-\x9f" + _UNICODE_CONTROLS + "\ud800-\udfff"
_MULTI = re.compile(f"[{_BASE}]")
_SINGLE = re.compile(f"[{_BASE}\n\t]")

_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _one(m: re.Match[str]) -> str:
    ch = m.group(0)
    named = _NAMED.get(ch)
    if named is not None:
        return named
    cp = ord(ch)
    if 0xDC80 <= cp <= 0xDCFF:          # surrogateescape'd raw byte
        return f"\\x{cp - 0xDC00:02x}"
    if cp <= 0xFF:
        return f"\\x{cp:02x}"
    return f"\\u{cp:04x}"


def escape_control(text: str, *, single_line: bool = False) -> str:
    """Replace control characters with visible escapes (see module doc)."""
    if not text:
        return text
    pattern = _SINGLE if single_line else _MULTI
    return pattern.sub(_one, text)


def one_line(text: str) -> str:
    """`escape_control(text, single_line=True)`: for subjects, names, paths."""
    return escape_control(text, single_line=True)


def has_control(text: str) -> bool:
    return bool(_MULTI.search(text))
