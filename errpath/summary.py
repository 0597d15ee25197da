"""Inter-procedural summaries over the call graph (issue 3 builds them out).

`build(index)` returns the summaries of every function in the index; rules
reach them as `ctx.summaries`. Until the summary layer lands, rules that need a
callee resolve it through `ctx.function()` and read its facts directly.
"""
from __future__ import annotations


def build(index):
    return None
