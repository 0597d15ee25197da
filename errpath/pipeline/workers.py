"""Worker-process setup for the engine's process pool.

Ctrl-C in a terminal sends SIGINT to the whole process group: without this,
every idle worker would print a KeyboardInterrupt traceback while the main
process exits 130. Workers ignore SIGINT; the main process handles it, cancels
the pending work and shuts the pool down (errpath.cli: exit 130, no report).

Workers also get the main process's recursion limit: how deep a nesting the
CFG builder can follow decides whether a function is analysed or "not
analysed: budget", so it must not depend on --jobs or on the start method
(fork copies the limit; spawn and forkserver start from the default).
"""
from __future__ import annotations

import signal
import sys


def worker_init(recursion_limit: int | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if recursion_limit:
        sys.setrecursionlimit(recursion_limit)


__all__ = ["worker_init"]
