"""A GFP_NOWAIT allocation whose failure is returned as -ENOMEM.

What it finds
-------------
A function that allocates with a literal `GFP_NOWAIT` mask (`kmalloc(len,
GFP_NOWAIT)`, any allocator of errpath/data/allocators.txt) and, on the path
where the allocation failed (`if (!p)` holds), returns `-ENOMEM`.

Why it matters
--------------
A GFP_NOWAIT allocation fails whenever memory is not free right now, not when
the system is out of memory. Callers that see -ENOMEM give up; -EAGAIN tells
them to retry where they may block.

Example
-------
    p = kmalloc(len, GFP_NOWAIT);
    if (!p)
        return -ENOMEM;     /* should be -EAGAIN */

Use instead
-----------
Return -EAGAIN, or retry the allocation with GFP_KERNEL where sleeping is
allowed.

Known false positives
---------------------
A caller that documents -ENOMEM for this case, or a function that is never
called where blocking matters. The rule is an example (docs/writing-rules.md):
it reads only a literal GFP_NOWAIT argument.

References
----------
include/linux/gfp_types.h: "GFP_NOWAIT is for kernel allocations that should
not stall for direct reclaim".
"""
from __future__ import annotations

from errpath.api import Evidence, Rule, allocator


class NowaitAllocEnomem(Rule):
    id = "example-nowait-alloc-enomem"
    title = "GFP_NOWAIT allocation failure returned as -ENOMEM"
    severity = "warning"
    confidence = "low"
    needs_tokens = frozenset({"GFP_NOWAIT"})   # no GFP_NOWAIT in the function: nothing to say

    def check(self, fn, ctx):
        nowait = {}   # variable the allocation is stored in -> the call
        for call in fn.calls():
            alloc = allocator(call.name)
            if alloc and alloc.gfp is not None and call.result and \
                    alloc.gfp < len(call.args) and call.args[alloc.gfp] == "GFP_NOWAIT":
                nowait[call.result] = call
        for node in fn.returns():
            if node.ret != ("errno", "ENOMEM"):
                continue
            for var, call in nowait.items():
                if fn.holds(node.id, var, False):   # on every path here, `var` is NULL
                    yield self.finding(
                        fn, node.line, node.column,
                        f"{call.name}(..., GFP_NOWAIT) failed and -ENOMEM is returned: -EAGAIN lets the caller retry",
                        names=(var,),
                        evidence=[Evidence(fn.path, call.line, fn.name, f"{var} = {call.name}(..., GFP_NOWAIT)")])


RULE = NowaitAllocEnomem()
