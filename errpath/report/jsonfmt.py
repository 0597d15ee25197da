"""JSON: exactly `RunResult.to_json`, byte-deterministic.

The data is not altered: json.dumps escapes C0 controls, and characters that
can hide or reorder text in a terminal or editor (DEL, C1 controls, bidi
overrides and isolates, line/paragraph separators) are written as \\uXXXX
escapes too, so a hostile commit subject or file name decodes to the same
string but cannot act on whoever reads the raw file.
"""
from __future__ import annotations

import json
import re

from ..model import RunResult

_INVISIBLE = re.compile("[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]")


def render_json(result: RunResult, tool_version: str) -> str:
    text = json.dumps(result.to_json(tool_version), indent=2, sort_keys=False, ensure_ascii=False)
    # Only string contents can hold these characters, and inside a JSON string
    # \uXXXX is the same character, so the document decodes to identical data.
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) + "\n"
