"""What every command of the CLI shares: exit codes, formats, the stats a
--reproducible run drops, InputError, and _guard (how a command runs: signals,
internal errors, exit status)."""
from __future__ import annotations

import os
import signal
import traceback
import click

from ..model import RunResult, SEVERITIES


EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3
FORMATS = ("text", "json", "html", "sarif", "mail")
VOLATILE_STATS = ("seconds", "seconds_facts", "seconds_rules", "files_parsed", "cache_hits", "bytes_parsed",
                  "functions_unchanged")  # dropped by --reproducible


class InputError(Exception):
    """Bad input from the user: printed as one line, exit 2."""


def _fail_on_threshold(value: str) -> int | None:
    return None if value == "none" else SEVERITIES.index(value)


def _exit_code(result: RunResult, fail_on: str) -> int:
    threshold = _fail_on_threshold(fail_on)
    if threshold is None:
        return 0
    bad = [f for f in result.findings if SEVERITIES.index(f.severity) >= threshold]
    return EXIT_FINDINGS if bad else 0


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI job cancelled, `kill`): unwound like Ctrl-C, so reports stay
    unwritten and scratch folders (series, spill files) are removed."""


def _on_sigterm(main_pid: int):
    def handler(signum, frame):
        if os.getpid() != main_pid:   # a forked worker: die as before, quietly
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        raise Terminated()
    return handler


def _guard(fn, *args, verbose=False) -> int:
    try:
        return fn(*args)
    except InputError as e:   # one line, whatever a file name or a revision held
        from ..report.escape import one_line
        click.echo(f"errpath: error: {one_line(str(e))}", err=True)
        return EXIT_USAGE
    except Terminated:
        click.echo("errpath: terminated", err=True)
        return 143
    except KeyboardInterrupt:
        click.echo("errpath: interrupted", err=True)
        return 130
    except Exception as e:  # never a traceback for the user unless asked
        click.echo(f"errpath: internal error: {type(e).__name__}: {e}", err=True)
        if verbose:
            traceback.print_exc()
        return EXIT_INTERNAL
