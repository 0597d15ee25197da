"""Worker-process setup for the engine's process pool.

Ctrl-C in a terminal sends SIGINT to the whole process group: without this,
every idle worker would print a KeyboardInterrupt traceback while the main
process exits 130. Workers ignore SIGINT; the main process handles it, cancels
the pending work and shuts the pool down (errpath.cli: exit 130, no report).
"""
from __future__ import annotations

import signal


def worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


__all__ = ["worker_init"]
