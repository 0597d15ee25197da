"""JSON: exactly `RunResult.to_json`, byte-deterministic.

Nothing is escaped or stripped beyond what json.dumps does: consumers get the
raw data (control characters come out as \\u00XX escapes).
"""
from __future__ import annotations

import json

from ..model import RunResult


def render_json(result: RunResult, tool_version: str) -> str:
    return json.dumps(result.to_json(tool_version), indent=2, sort_keys=False,
                      ensure_ascii=False) + "\n"
