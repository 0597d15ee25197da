"""One blob -> its analysis: normalise and parse a file's bytes, the facts of
each function (CFG now or lazily), its integer macros, includes, init-only
functions and NOWAIT file_operations entries (BlobAnalysis: the unit the cache
stores and workers return)."""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

from ..facts.functions import FunctionFacts, function_facts, lazy_function_facts, may_exceed_budget
from ..facts.macros import function_macros, int_macros, macro_source
from ..facts.nodes import BudgetExceeded
from ..frontend.parse import new_parser, parse_source
from ..model import UnparsedFunction
from .budget import check as check_budget


MAX_FILE_BYTES = 4 * 1024 * 1024   # larger files are listed as not analysed, never parsed


@dataclass
class BlobAnalysis:
    path: str
    functions: list[FunctionFacts]
    unparsed: list[UnparsedFunction]
    n_functions: int
    includes: list[str] = field(default_factory=list)
    int_macros: dict[str, int] = field(default_factory=dict)   # facts.int_macros, .c files only
    # .c files only: {name: why it runs only at init} (init_functions()), and
    # {"<nowait>" + name: its file_operations slot} (nowait_entries())
    init_functions: dict[str, str] = field(default_factory=dict)
    # .c files only: the function-like macros its functions call that compute a position
    # or a length, as functions (facts.function_macros); never checked, only asked about
    macro_functions: list[FunctionFacts] = field(default_factory=list)

    def __setstate__(self, state: dict) -> None:
        # the names are tokens of the file's functions too: share those strings
        state["int_macros"] = {sys.intern(n): v for n, v in state.get("int_macros", {}).items()}
        self.__dict__.update(state)


_INCLUDE = re.compile(rb'^\s*#\s*include\s*([<"])([^>"\n]+)[>"]', re.M)
# _INCLUDE without its `^\s*`, tried at every line start (slow): a match of
# _INCLUDE is one of these whose `#` has only blanks before it on its line
_INCLUDE_TAIL = re.compile(rb'#\s*include\s*([<"])([^>"\n]+)[>"]')


def _includes(data: bytes) -> list[str]:
    """[what each _INCLUDE match names, in order]. A `#` of a tail match with
    more than blanks before it on its line is no _INCLUDE match, and no match
    of _INCLUDE starts inside the span of such a one (that span has a `<` or
    `"` before its last line), so the two find the same `#include`s."""
    out = []
    for m in _INCLUDE_TAIL.finditer(data):
        h = m.start()
        if data[data.rfind(b"\n", 0, h) + 1:h].strip(b" \t\r\f\v"):
            continue
        out.append((b"<" if m.group(1) == b"<" else b'"').decode() + m.group(2).decode("utf-8", "replace"))
    return out


_PARSER = None


def analyse_blob(path: str, data: bytes, foreach_macros: frozenset[str] | None) -> BlobAnalysis:
    """Parse one file and compute the facts of every function it defines (the
    CFGs of all but the biggest are built on first use: errpath.facts)."""
    global _PARSER
    includes = _includes(data[:200000])
    if b"\0" in data[:8000]:
        return BlobAnalysis(path, [], [UnparsedFunction(path, 1, "<file>", "binary file")], 0, includes)
    if len(data) > MAX_FILE_BYTES:
        return BlobAnalysis(path, [], [UnparsedFunction(path, 1, "<file>", "file too large")], 0, includes)
    if _PARSER is None:
        _PARSER = new_parser()
    parsed = parse_source(data, foreach_macros, parser=_PARSER)
    functions, unparsed = [], []
    for u in getattr(parsed, "unparsed", []) or []:
        name, line, reason = (u if isinstance(u, tuple) else (u.name, u.line, u.reason))
        unparsed.append(UnparsedFunction(path, line, name, reason))
    for fn in parsed.functions:
        if not fn.ok:
            unparsed.append(UnparsedFunction(path, fn.start_line, fn.name, "parse-error"))
            continue
        try:
            text = fn.node.text
            if may_exceed_budget(text):   # the rare big one: over a budget is found now
                functions.append(check_budget(function_facts(fn, path)))
            else:
                functions.append(lazy_function_facts(fn, path, text))
        except BudgetExceeded as e:
            unparsed.append(UnparsedFunction(path, fn.start_line, fn.name, f"budget: {e}"))
        except RecursionError:
            unparsed.append(UnparsedFunction(path, fn.start_line, fn.name, "budget: nesting too deep"))
    # flag values for the summaries' parameter guards (summary.guard_refuted); a
    # header's thousands of register defines would only cost memory
    inits = init_functions(data) if path.endswith(".c") and functions else {}
    entries = nowait_entries(data) if path.endswith(".c") and functions else {}
    plain = plain_io_entries(data) if path.endswith(".c") and functions and not entries else {}
    atomic = atomic_request_entries(data) if path.endswith(".c") and functions else {}
    if inits or entries or plain or atomic:
        defined = {f.name for f in functions}
        inits = {n: r for n, r in inits.items() if n in defined}
        # the NOWAIT entry points ride along under a key no C identifier has
        inits.update({"<nowait>" + n: r for n, r in entries.items() if n in defined})
        inits.update({"<plain-io>" + n: r for n, r in plain.items() if n in defined})
        inits.update({"<atomic>" + n: r for n, r in atomic.items() if n in defined})
    macros = int_macros(data) if path.endswith(".c") and functions else {}
    if macros:   # only what a function here names can decide a guard here
        used = set()
        for fn in functions:
            used.update(fn._tokens if fn._tokens is not None else fn.text_tokens)
        macros = {n: v for n, v in macros.items() if n in used}
    fn_macros = _macro_functions(path, data, functions) if path.endswith(".c") and functions else []
    return BlobAnalysis(path, functions, unparsed, len(parsed.functions) + len(getattr(parsed, "unparsed", []) or []),
                        includes, macros, inits, fn_macros)


def _macro_functions(path: str, data: bytes, functions: list) -> list[FunctionFacts]:
    """The file's function-like macros that compute a position or a length, parsed as
    small functions (facts.function_macros); a one-line body the parser rejects is left out."""
    if b"define" not in data:
        return []
    called: set[str] = set()
    for fn in functions:
        called.update(fn.call_names)
    macros = function_macros(data, called - {fn.name for fn in functions})
    if not macros:
        return []
    parsed = parse_source(macro_source(macros), None, parser=_PARSER)
    out = []
    for fn in parsed.functions:
        if fn.ok and fn.name in macros:
            try:
                out.append(lazy_function_facts(fn, path))
            except (BudgetExceeded, RecursionError):
                continue
    return out


# Functions of a file that run only while the kernel, a module or a device is set
# up: what fails there fails under an init-time -ENOMEM or a broken device tree,
# not in normal operation (errpath rules rank such findings lower).
_INIT_PATTERNS = (
    (re.compile(rb"\b__init\b[\w \t\*]*?\b([A-Za-z_]\w*)\s*\("), "an __init function"),
    (re.compile(rb"\.probe(?:_new)?\s*=\s*([A-Za-z_]\w*)\b"), "a driver's probe callback (.probe = {})"),
    (re.compile(rb"\b(?:module_init|(?:early|core|postcore|arch|subsys|fs|rootfs|device|late)_initcall(?:_sync)?)"
                rb"\s*\(\s*([A-Za-z_]\w*)\s*\)"), "an init call ({}() at boot or module load)"),
    (re.compile(rb"\b(?:module|builtin)_platform_driver_probe\s*\(\s*\w+\s*,\s*([A-Za-z_]\w*)\s*\)"),
     "a driver's probe callback"),
    (re.compile(rb"\b[A-Z]+_OF_DECLARE(?:_DRIVER)?\s*\([^,()]*,[^,()]*,\s*([A-Za-z_]\w*)\s*\)"),
     "a device-tree init hook (*_OF_DECLARE)"),
)


_NOWAIT_OPS = re.compile(rb"\.(read_iter|write_iter|remap_file_range)\s*=\s*([A-Za-z_]\w*)\b")
_SETS_NOWAIT = re.compile(rb"f_mode\s*\|=[^;]*\bFMODE_NOWAIT\b")


def nowait_entries(data: bytes) -> dict[str, str]:
    """{function: its file_operations slot} for the I/O entry points of a file whose
    open sets FMODE_NOWAIT: io_uring and RWF_NOWAIT reach them with IOCB_NOWAIT set."""
    if b"FMODE_NOWAIT" not in data or not _SETS_NOWAIT.search(data):
        return {}
    return {m.group(2).decode("ascii", "replace"): "." + m.group(1).decode() for m in _NOWAIT_OPS.finditer(data)}


# The request entry points of a crypto algorithm: the API calls them from softirq
# and with spinlocks held unless the request carries CRYPTO_TFM_REQ_MAY_SLEEP
# (IPsec, dm-crypt's atomic path), so they must not sleep on that path.
_CRYPTO_ALG = re.compile(rb"\bstruct\s+((?:skcipher|aead|akcipher|kpp|ahash)(?:_engine)?_alg)\b")
_CRYPTO_REQUEST_OPS = re.compile(
    rb"\.(encrypt|decrypt|compute_shared_secret|generate_public_key|digest|update|final|finup)"
    rb"\s*=\s*([A-Za-z_]\w*)\s*[,}\n]")


def atomic_request_entries(data: bytes) -> dict[str, str]:
    """{function: ".encrypt of a crypto algorithm (skcipher_alg)", ...} for the request operations of
    the crypto algorithms a file registers."""
    if b"_alg" not in data:
        return {}
    kinds = {m.group(1).decode() for m in _CRYPTO_ALG.finditer(data)}
    if not kinds:
        return {}
    what = ", ".join(sorted(kinds))
    out = {}
    for m in _CRYPTO_REQUEST_OPS.finditer(data):
        slot = m.group(1).decode()
        if slot in ("update", "final") and not any(k.startswith("ahash") for k in kinds):
            continue   # a shash's or another table's .update: not a request
        out.setdefault(m.group(2).decode("ascii", "replace"), f".{slot} of a crypto algorithm ({what})")
    return out


def plain_io_entries(data: bytes) -> dict[str, str]:
    """{function: its file_operations slot} for the I/O entry points of a file that
    never sets FMODE_NOWAIT: RWF_NOWAIT and aio are refused there, and IOCB_NOWAIT
    arrives only from io_uring on a file opened O_NONBLOCK."""
    if _SETS_NOWAIT.search(data) or b"_iter" not in data:
        return {}
    return {m.group(2).decode("ascii", "replace"): "." + m.group(1).decode() for m in _NOWAIT_OPS.finditer(data)}


def init_functions(data: bytes) -> dict[str, str]:
    """{function name: why it runs only at init} for one .c file's text."""
    out: dict[str, str] = {}
    if b"init" not in data and b"probe" not in data and b"_OF_DECLARE" not in data:
        return out
    for rx, why in _INIT_PATTERNS:
        for m in rx.finditer(data):
            name = m.group(1).decode("ascii", "replace")
            out.setdefault(name, why.format(name))
    return out


def _analyse_task(args):
    path, data, macros = args
    try:
        return analyse_blob(path, data, macros)
    except Exception as e:  # one bad file must not end the run
        return BlobAnalysis(path, [], [UnparsedFunction(path, 1, "<file>", f"internal-error: {type(e).__name__}: {e}")], 0)
