"""The pipeline: git → source → parse → facts (cached per blob) → index →
rules → findings → attribution.

`scan` checks one tree. `audit` checks BASE and HEAD, keeps what changed, and
pins each introduced (fixed) finding on the commit in the range whose tree has
(lacks) it while none of its parents' trees do (all of its parents' do) — so a
merge is never blamed for what a side-branch commit did. Only commits that
touched a file the finding depends on (its own, and its callees' files) are
examined, so attribution cost grows with the changed blobs, not with
commits × tree. The rules whose findings follow the call graph (Rule.differential)
run only where the call cone changed between BASE and HEAD (call_cones), and
the two trees' rules run as one pass that computes what a function returns once
for both trees wherever neither it nor its callees changed (summary.pair).
"""
from __future__ import annotations

import copy
import dataclasses
import gc
import hashlib
import multiprocessing
import os
import re
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from . import __version__
from .budget import FunctionTimer, RulesTimeout, note_over_budget, check as check_budget
from .cache import Cache
from .facts import BudgetExceeded, FunctionFacts, function_facts, int_macros, lazy_function_facts, may_exceed_budget
from .git import GitError, Repo
from .index import FactsIndex
from .model import CONFIDENCES, CommitRef, Evidence, Finding, RunResult, UnparsedFunction
from .pathsafe import cache_path, tree_path_ok
from .parse import new_parser, parse_source
from .rules import Rule, RuleContext

SOURCE_SUFFIXES = (".c", ".h")
MAX_FILE_BYTES = 4 * 1024 * 1024   # larger files are listed as not analysed, never parsed
INPROCESS_MAX_FILES = 4            # fewer new files than this are analysed here, not in the pool


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
    if inits or entries or plain:
        defined = {f.name for f in functions}
        inits = {n: r for n, r in inits.items() if n in defined}
        # the NOWAIT entry points ride along under a key no C identifier has
        inits.update({"<nowait>" + n: r for n, r in entries.items() if n in defined})
        inits.update({"<plain-io>" + n: r for n, r in plain.items() if n in defined})
    macros = int_macros(data) if path.endswith(".c") and functions else {}
    if macros:   # only what a function here names can decide a guard here
        used = set()
        for fn in functions:
            used.update(fn._tokens if fn._tokens is not None else fn.text_tokens)
        macros = {n: v for n, v in macros.items() if n in used}
    return BlobAnalysis(path, functions, unparsed, len(parsed.functions) + len(getattr(parsed, "unparsed", []) or []),
                        includes, macros, inits)


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


@dataclass
class Snapshot:
    commit: object
    files: dict[str, BlobAnalysis]          # scope files (reportable)
    context: dict[str, BlobAnalysis]        # context headers (summaries only)
    index: FactsIndex
    findings: list[Finding]
    rule_errors: list[dict]


@dataclass
class Checked:
    """What scan and audit need from one tree: its findings and coverage. Cached
    whole (errpath.cache results table) under the tree, the options and the code."""
    findings: list[Finding]
    rule_errors: list[dict]
    coverage: dict
    context_files: int
    unparsed: list[UnparsedFunction]
    rules_budget: list[dict]
    skipped_paths: list[str] = field(default_factory=list)


class Engine:
    def __init__(self, repo: Repo, rules: list[Rule], cache: Cache, *, jobs: int | None = None,
                 context_paths: Iterable[str] = (), default_context: bool = True,
                 exclude: Callable[[str], bool] | None = None,
                 progress: Callable[[str, int], object] | None = None,
                 executor: str = "local", scheduler: str | None = None):
        self.repo = repo
        self.rules = rules
        self.cache = cache
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.executor_kind = executor
        self.scheduler = scheduler
        self._executor = None
        self.context_paths = list(context_paths)
        self.default_context = default_context
        self.exclude = exclude or (lambda p: False)
        self._exclude_given = exclude is not None
        self.progress = progress
        self.stats = {"files_parsed": 0, "cache_hits": 0, "bytes_parsed": 0}
        self._analyses: dict[tuple[str, str, str], BlobAnalysis] = {}   # (blob, path, macros digest)
        self._macros: dict[str, tuple[frozenset | None, str]] = {}

    # -- facts -------------------------------------------------------------
    def macros(self, commit) -> tuple[frozenset | None, str]:
        key = str(commit.tree_id)
        if key not in self._macros:
            m = self.repo.foreach_macros(commit)
            digest = hashlib.sha1("\n".join(sorted(m)).encode()).hexdigest()[:12] if m else "builtin"
            self._macros[key] = (m, digest)
        return self._macros[key]

    def analyse(self, commit, files: list[tuple[str, str]]) -> dict[str, BlobAnalysis]:
        """BlobAnalysis per path for (path, blob id) pairs: memory, then cache, then
        the executor (errpath.executor). The result follows the order of `files`."""
        macros, digest = self.macros(commit)
        got: dict[str, BlobAnalysis] = {}
        todo = []
        for path, blob in files:
            # the macros digest too: two trees whose .clang-format lists other iterator
            # macros normalise the same blob differently
            mem = self._analyses.get((blob, path, digest))
            if mem is not None:
                got[path] = mem
                continue
            key = Cache.key(blob, cache_path(path), digest)
            hit = self.cache.get(key)
            if hit is not None:
                got[path] = self._keep(blob, path, digest, hit)
                self.stats["cache_hits"] += 1
                continue
            todo.append((path, blob, key))
        if todo:
            from .executor import InProcess, chunks, decode
            from .git import GitError
            ex = self.executor() if len(todo) > INPROCESS_MAX_FILES or self._executor is not None else InProcess()
            root = self.repo.root if ex.reads_repo else None
            parts = chunks([(p, b, k, None) for p, b, k in todo], ex.jobs)
            if not ex.reads_repo:   # read here, one chunk at a time: memory stays bounded
                parts = ([(p, b, k, self.repo.read_blob(b)) for p, b, k, _ in part] for part in parts)
            cache_dir = str(self.cache.path.parent) if (self.cache.path is not None and ex.writes_cache) else None
            unsaved = []
            done = 0
            if self.progress is not None and hasattr(self.progress, "start"):
                self.progress.start(len(todo))   # files done / total and an estimate (the CLI's)
            for result in ex.run(parts, macros, root, cache_dir):
                for status, size, data in result:
                    path, blob, key = todo[done]
                    done += 1
                    if status != "ok":
                        raise GitError(data)
                    got[path] = self._keep(blob, path, digest, decode(data))
                    self.stats["files_parsed"] += 1
                    self.stats["bytes_parsed"] += size
                    if cache_dir is None:
                        unsaved.append((key, data))
                    if self.progress:
                        self.progress(path, 1)
                if len(unsaved) >= 200:
                    self.cache.put_raw(unsaved)
                    unsaved = []
            self.cache.put_raw(unsaved)
        return {path: got[path] for path, _ in files if path in got}

    def _keep(self, blob: str, path: str, digest: str, a: BlobAnalysis) -> BlobAnalysis:
        """Remember an analysis for this run; its CFGs go to the scratch file."""
        for fn in a.functions:
            fn.compact(spill=True)
        self._analyses[(blob, path, digest)] = a
        return a

    def executor(self):
        if self._executor is None:
            from .executor import make_executor
            self._executor = make_executor(self.executor_kind, self.jobs, self.scheduler)
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.close()
            self._executor = None

    # -- scope -------------------------------------------------------------
    def scope_files(self, commit, pathspecs: list[str], excluded: list | None = None) -> list[tuple[str, str]]:
        """The reportable files under the pathspecs. --exclude means "do not report":
        the excluded ones go to `excluded` (when given), to be analysed as context."""
        files = self.repo.list_files(commit, pathspecs, SOURCE_SUFFIXES)
        bad = {p for p, _ in files if not tree_path_ok(p)}
        if bad:  # names git refuses to check out (`..`, NUL): listed in stats, never analysed
            self.stats["skipped_paths"] = sorted(bad | set(self.stats.get("skipped_paths", ())))
        if excluded is not None:
            excluded.extend((p, b) for p, b in files if p not in bad and self.exclude(p))
        return [(p, b) for p, b in files if p not in bad and not self.exclude(p)]

    def context_files(self, commit, analyses: dict[str, BlobAnalysis]) -> list[tuple[str, str]]:
        """Headers the scope includes (static inlines and macros live there), plus --context paths."""
        wanted: dict[str, str] = {}
        if self.default_context:
            names = set()
            for path, a in analyses.items():
                d = os.path.dirname(path)
                for inc in a.includes:
                    kind, name = inc[0], inc[1:]
                    if kind == "<":
                        names.add("include/" + name)
                        names.add("arch/x86/include/" + name)
                    else:
                        names.add(os.path.normpath(os.path.join(d, name)))
            for name in sorted(names):
                if name in analyses or not tree_path_ok(name):  # e.g. "../../x.h" climbing out
                    continue
                blob = self.repo.blob_id(commit, name)
                if blob is not None:
                    wanted[name] = blob
        if self.context_paths:
            for p, b in self.repo.list_files(commit, self.context_paths, SOURCE_SUFFIXES):
                if p not in analyses and tree_path_ok(p):
                    wanted[p] = b
        return sorted(wanted.items())

    # -- rules -------------------------------------------------------------
    def run_rules(self, index: FactsIndex, functions: Iterable[FunctionFacts],
                  unchanged: dict | None = None) -> tuple[list[Finding], list[dict]]:
        """The rules over `functions`. `unchanged` (an audit): for each kind of
        Rule.differential, the ids of the functions whose cone of that kind is the
        same in both trees (call_cones); a differential rule is left out for them,
        as it would say the same in both trees."""
        ctx = RuleContext(index)
        findings, errors = [], []
        skip = rule_skips(self.rules, unchanged)
        with FunctionTimer() as timer:  # errpath.budget: a wall-clock backstop per function
            for fn in functions:
                start = len(findings)
                fid = id(fn)
                try:
                    timer.arm()
                    try:
                        for rule in self.rules:
                            if skip is not None and fid in skip[rule.id]:
                                continue
                            if not rule.applies_to(fn):
                                continue
                            try:
                                findings.extend(rule.check(fn, ctx))
                            except Exception as e:  # a broken rule is reported, the audit goes on
                                errors.append({"rule": rule.id, "path": fn.path, "function": fn.name,
                                               "error": f"{type(e).__name__}: {e}"})
                    finally:
                        timer.disarm()  # first thing on the way out: a repeated alarm is ignored
                except RulesTimeout as e:  # pathological code: not analysed, the audit goes on
                    timer.disarm()
                    del findings[start:]
                    note_over_budget(self.stats, fn, str(e))
        return findings, errors

    def prepare(self, commit, pathspecs: list[str]) -> tuple[dict, dict, FactsIndex]:
        """The facts of one tree: its scope files, the headers they include, the index."""
        t0 = time.monotonic()
        excluded: list = []   # not reported, still analysed: a finding elsewhere may rest on them
        files = self.analyse(commit, self.scope_files(commit, pathspecs, excluded))
        context = self.analyse(commit, sorted(dict(self.context_files(commit, files) + excluded).items()))
        index = self._index(files, context)
        self._timed("seconds_facts", t0)
        return files, context, index

    def _timed(self, what: str, since: float) -> None:
        # where the time goes, for whoever tunes a run (left out by --reproducible)
        self.stats[what] = round(self.stats.get(what, 0) + time.monotonic() - since, 3)

    def snapshot(self, commit, pathspecs: list[str], prepared=None, unchanged=None) -> Snapshot:
        files, context, index = prepared or self.prepare(commit, pathspecs)
        t1 = time.monotonic()
        findings, errors = self.check_index(index, list(index.functions_in_scope()), unchanged)
        self._timed("seconds_rules", t1)
        return Snapshot(commit, files, context, index, _dedupe(findings), errors)

    def checked(self, commit, pathspecs: list[str]) -> Checked:
        """snapshot(), reduced to what a report needs, from the results cache when
        the same tree was checked with the same options and the same code."""
        key = self._result_key(commit, pathspecs)
        hit = self._cached(key)
        if hit is not None:
            return hit
        before = len(self.stats.get("rules_budget", ()))
        skipped = self.stats.pop("skipped_paths", None)
        snap = self.snapshot(commit, pathspecs)
        res = self._reduce(snap, before, skipped)
        if key is not None and not res.rule_errors:
            self.cache.put_result(key, res)
        return res

    def _cached(self, key: str | None, kind=None):
        """A result from the results cache, its counters added to the stats."""
        hit = self.cache.get_result(key) if key is not None else None
        kind = kind or Checked
        if not isinstance(hit, kind):
            return None
        for one in (hit if isinstance(hit, tuple) else (hit,)):
            # every file of the tree was served from the cache (as its whole result)
            self.stats["cache_hits"] += one.coverage.get("files", 0) + one.context_files
            if one.rules_budget:
                self.stats.setdefault("rules_budget", []).extend(one.rules_budget)
            if one.skipped_paths:
                self.stats["skipped_paths"] = sorted(set(one.skipped_paths) | set(self.stats.get("skipped_paths", ())))
        return hit

    def _reduce(self, snap: Snapshot, budget_before: int, skipped) -> Checked:
        mine = self.stats.get("skipped_paths", [])
        if skipped or mine:
            self.stats["skipped_paths"] = sorted(set(skipped or ()) | set(mine))
        return Checked(snap.findings, snap.rule_errors, _coverage(snap.files), len(snap.context),
                       sorted((u for a in snap.files.values() for u in a.unparsed), key=lambda u: (u.path, u.line)),
                       list(self.stats.get("rules_budget", [])[budget_before:]), list(mine))

    def audit_checked(self, base, head, pathspecs: list[str]) -> tuple[Checked, Checked]:
        """(HEAD, BASE) findings for an audit. Two trees already checked whole come
        from the results cache; otherwise the differential rules run only on the
        functions whose call cone changed (call_cone_unchanged): an unchanged one
        would give the same findings in both trees, so none that an audit reports.
        Both trees' rules run in one pass (one pool of workers), sharing the
        outcomes of the functions call_cones finds portable (summary.pair).
        Such a pair is cached as a pair, never as the trees' whole results."""
        kh, kb = self._result_key(head, pathspecs), self._result_key(base, pathspecs)
        if not any(r.differential for r in self.rules) or kh is not None and kb is not None \
                and isinstance(self.cache.get_result(kh), Checked) and isinstance(self.cache.get_result(kb), Checked):
            return self.checked(head, pathspecs), self.checked(base, pathspecs)
        pair_key = None if kh is None or kb is None else \
            "audit:" + hashlib.sha256((kh + "\0" + kb).encode()).hexdigest()
        hit = self._cached(pair_key, tuple)
        if hit is not None:
            return hit
        skipped = self.stats.pop("skipped_paths", None)
        head_prep = self.prepare(head, pathspecs)
        if len(head_prep[2].all) > FORK_MAX_FUNCTIONS:
            # two indexes of a whole kernel at once would not fit in memory: one tree at a time
            before = len(self.stats.get("rules_budget", ()))
            head_res = self._reduce(self.snapshot(head, pathspecs, head_prep), before, skipped)
            if kh is not None and not head_res.rule_errors:
                self.cache.put_result(kh, head_res)
            del head_prep
            return head_res, self.checked(base, pathspecs)
        base_prep = self.prepare(base, pathspecs)
        t0 = time.monotonic()
        # a file whose blob is the same in both trees was analysed once: the same object
        same_files = {p for p, a in (*head_prep[0].items(), *head_prep[1].items())
                      if base_prep[0].get(p, base_prep[1].get(p)) is a}
        portable: set = set()
        same_head, same_base = call_cones(head_prep[2], base_prep[2], same_files,
                                          callers_too=any(r.differential == "callers" for r in self.rules),
                                          portable=portable)
        for rule in self.rules:
            # a rule that also reads a whole-index table runs everywhere when the
            # two trees' tables differ
            if rule.differential and rule.index_facts(head_prep[2]) != rule.index_facts(base_prep[2]):
                same_head[rule.id] = same_base[rule.id] = set()
        self.stats["functions_unchanged"] = len(same_head["callees"])
        from . import summary
        summary.pair(head_prep[2], base_prep[2], portable)
        self._timed("seconds_facts", t0)
        t1 = time.monotonic()
        # both trees in one pass (one pool): a worker that finished a portable
        # function's outcomes in one tree has them for the other
        jobs = [(prep[2], list(prep[2].functions_in_scope()), same)
                for prep, same in ((head_prep, same_head), (base_prep, same_base))]
        if len(head_prep[2].all) + len(base_prep[2].all) > FORK_MAX_FUNCTIONS:
            results = [self.check_indexes([job])[0] for job in jobs]   # each tree forks on its own
        else:
            results = self.check_indexes(jobs)
        self._timed("seconds_rules", t1)
        out = []
        for commit, prep, (findings, errors, over) in ((head, head_prep, results[0]), (base, base_prep, results[1])):
            before = len(self.stats.get("rules_budget", ()))
            if over:
                self.stats.setdefault("rules_budget", []).extend(over)
            snap = Snapshot(commit, prep[0], prep[1], prep[2], _dedupe(findings), errors)
            out.append(self._reduce(snap, before, skipped))
        pair = tuple(out)
        if pair_key is not None and not any(c.rule_errors for c in pair):
            self.cache.put_result(pair_key, pair)
        return pair

    def _result_key(self, commit, pathspecs: list[str]) -> str | None:
        if self.cache.db is None or os.environ.get("ERRPATH_NO_RESULTS_CACHE"):
            return None   # (the variable lets benchmarks time the rules on warm facts)
        exclude_key = getattr(self.exclude, "key", None) if self._exclude_given else ()
        if exclude_key is None:
            return None   # an exclusion we cannot name: never reuse results
        from . import budget
        parts = [code_digest(self.rules), str(commit.tree_id), self.macros(commit)[1], repr(sorted(pathspecs)),
                 repr(self.context_paths), repr(self.default_context), repr(exclude_key),
                 repr((RULE_CHUNK, sys.getrecursionlimit(), budget.RULES_SECONDS))]
        return "checked:" + hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()

    def check_index(self, index: FactsIndex, functions: list[FunctionFacts],
                    unchanged: dict | None = None) -> tuple[list[Finding], list[dict]]:
        """The rules over `functions` of one index (see check_indexes); budget
        overruns go to the stats."""
        findings, errors, over = self.check_indexes([(index, functions, unchanged)])[0]
        if over:
            self.stats.setdefault("rules_budget", []).extend(over)
        return findings, errors

    def check_indexes(self, jobs: list[tuple]) -> list[tuple[list, list, list]]:
        """The rules over each (index, functions, unchanged) of `jobs`, in fixed
        chunks of whole files (RULE_CHUNK functions or so): (findings, errors,
        budget overruns) per job. Each chunk starts from fresh summaries and rule
        memos, so a finding depends on the index and the chunking only, never on
        --jobs or on which worker ran the chunk (what chunks share, finished
        outcomes, does not depend on who asked first); with --jobs > 1 the chunks
        run in forked workers that share the indexes copy-on-write."""
        job_ranges = [rule_chunks(functions) for _, functions, _ in jobs]
        tasks = [(j, r) for j, ranges in enumerate(job_ranges) for r in ranges]
        if all(len(ranges) <= 1 for ranges in job_ranges):   # one chunk each (small trees): no pool to start
            out = []
            for index, functions, unchanged in jobs:
                before = len(self.stats.get("rules_budget", ()))
                with _quiet_gc():
                    found, errs = self.run_rules(index, functions, unchanged)
                over = self.stats.get("rules_budget", [])[before:]
                if over:
                    del self.stats["rules_budget"][before:]
                out.append((found, errs, over))
            return out
        for index, _, _ in jobs:
            index.functions_calling("")   # build the light call graph once, before forking
        if self._executor is not None and self.executor_kind == "local":
            self._executor.close()   # its workers would sit idle, holding memory, beside the rules
            self._executor = None
        state = (self, jobs)
        results = None
        # Each forked worker ends up with its own copy of most of an index (CPython's
        # reference counts write to every object it touches): past FORK_MAX_FUNCTIONS
        # (a whole kernel) the rules run here, so memory stays bounded.
        big = sum(len(index.all) for index, _, _ in jobs) > FORK_MAX_FUNCTIONS
        if self.jobs > 1 and "fork" in multiprocessing.get_all_start_methods() and not big:
            global _RULES_STATE
            from concurrent.futures import ProcessPoolExecutor
            from .facts import flush_spill, release_decoded
            from .workers import worker_init
            flush_spill()
            release_decoded()
            _RULES_STATE = state
            try:
                with _quiet_gc(), ProcessPoolExecutor(
                        max_workers=min(self.jobs, len(tasks)), mp_context=multiprocessing.get_context("fork"),
                        initializer=worker_init, initargs=(sys.getrecursionlimit(),)) as pool:
                    groups = _task_groups(job_ranges, tasks)
                    cost = [sum(_chunk_cost(self.rules, jobs[tasks[i][0]], tasks[i][1]) for i in g) for g in groups]
                    # the costliest first, so no worker is left with a big one at the end
                    futs = [(g, pool.submit(_rules_task, [tasks[i] for i in g]))
                            for g, _ in sorted(zip(groups, cost), key=lambda gc: -gc[1])]
                    results = [None] * len(tasks)
                    for g, fut in futs:
                        for i, r in zip(g, fut.result()):
                            results[i] = r
            finally:
                _RULES_STATE = None
        else:
            with _quiet_gc(), _lean_decoding(big):
                results = [_rules_range(state, t) for t in tasks]
        out = [([], [], []) for _ in jobs]
        for (j, _), (found, errs, over) in zip(tasks, results):
            out[j][0].extend(found)
            out[j][1].extend(errs)
            out[j][2].extend(over)
        return out

    def _index(self, files: dict[str, BlobAnalysis], context: dict[str, BlobAnalysis]) -> FactsIndex:
        fns = [f for a in files.values() for f in a.functions]
        fns += [f for a in context.values() for f in a.functions]
        index = FactsIndex(fns, in_scope=set(files),
                           int_macros={p: a.int_macros for d in (files, context) for p, a in d.items()
                                       if a.int_macros})
        index.init_functions = {p: getattr(a, "init_functions", None) or {} for d in (files, context)
                                for p, a in d.items() if getattr(a, "init_functions", None)}
        from . import summary
        index.summaries = summary.build(index)
        return index

    def present(self, commit, finding: Finding, memo: dict) -> dict[str, str]:
        """Fingerprints of the findings in finding's function at commit, with their
        confidence, looking only at the files the finding depends on (and the headers
        they include)."""
        key = (str(commit.id), finding.path, finding.function, finding.depends_on)
        if key in memo:
            return memo[key]
        files = []
        for p in finding.depends_on:
            b = self.repo.blob_id(commit, p)
            if b is not None:
                files.append((p, b))
        analyses = self.analyse(commit, files)
        context = self.analyse(commit, self.context_files(commit, analyses))
        index = self._index(analyses, context)
        target = index.by_file.get(finding.path, {}).get(finding.function)
        fps: dict[str, str] = {}
        if target is not None:
            found, _ = self.run_rules(index, [target])
            for f in found:
                if f.fingerprint not in fps or CONFIDENCES.index(f.confidence) > CONFIDENCES.index(fps[f.fingerprint]):
                    fps[f.fingerprint] = f.confidence
        memo[key] = fps
        return fps


def _function_digest(f: FunctionFacts) -> bytes:
    """What a function is, wherever it sits in its file: its text (or its CFG,
    for one built at once) and its light facts."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((f.name, f.is_static, f.params, f.return_type, f.call_names)).encode("utf-8", "surrogateescape"))
    h.update(f.source() or f.payload())
    return h.digest()


def call_cone_unchanged(a: FactsIndex, b: FactsIndex, same_files: frozenset | set = frozenset(),
                        callers_too: bool = False) -> tuple[set[int], set[int]]:
    """See call_cones: the one kind asked for, for each index."""
    ca, cb = call_cones(a, b, same_files, callers_too)
    kind = "callers" if callers_too else "callees"
    return ca[kind], cb[kind]


def call_cones(a: FactsIndex, b: FactsIndex, same_files: frozenset | set = frozenset(),
               callers_too: bool = False, portable: set | None = None) -> tuple[dict, dict]:
    """Ids of the in-scope functions of each index whose findings from a
    differential rule (Rule.differential) cannot differ between the two trees.

    What such a rule reads of a callee: its text and facts, for the direct callees
    only (does it check the pointer it is handed?), and, down any depth, what it
    returns and how its NOWAIT flag parameters steer that (errpath.summary). So a
    changed function makes its direct callers changed, and goes on up only through
    callers that pass something on: a non-void return, or flag parameters (in
    either tree). A void function without flag parameters whose callee changed
    gives its callers nothing new. Names are matched conservatively: a changed
    global `foo` touches every caller of any `foo` (which covers a call that now
    resolves elsewhere); a static function of a .c file only callers in its file.
    `same_files`: paths known to hold the same blob in both trees.

    callers_too (rules whose findings also depend on the callers, any levels up:
    Rule.differential == "callers"): also every function called, transitively, by
    one whose cone changed, by name, as any caller chain through it may differ.

    "all-callees" rules read callees through any chain, void ones too (may it
    sleep?): a function is touched when anything it calls, at any depth, changed.

    Returns, for each index, {Rule.differential: unchanged ids} ("callers" is
    empty unless callers_too). `portable`, when given, gets the
    ids of every function (context headers too) that is one object in both
    indexes (a file in same_files) and whose callee cone did not change: what it
    returns is the same in both trees (errpath.summary.pair)."""
    from . import summary

    def groups(index: FactsIndex) -> dict:
        g: dict = {}
        macros: dict = {}
        for f in index.all:
            if f.path not in same_files:
                # a flag's value feeds the guards of every function in its file
                # (summary.guard_refuted): a changed value changes them all
                m = macros.get(f.path)
                if m is None:
                    m = macros[f.path] = tuple(sorted(index.int_macros.get(f.path, {}).items()))
                init = getattr(index, "init_functions", {}).get(f.path, {}).get(f.name)
                g.setdefault((f.path, f.name), []).append((_function_digest(f), m, init))
        return g
    ga, gb = groups(a), groups(b)
    changed = {k for k in ga.keys() | gb.keys() if ga.get(k) != gb.get(k)}
    passes_on: set = set()   # (path, name) that return a value or take flag parameters, in either tree
    for index in (a, b):
        S = index.summaries or summary.build(index)
        passes_on.update((f.path, f.name) for f in index.all if f.return_type != "void" or S.flag_params(f))
    dirty_keys: set = set()
    up_keys: set = set()
    all_keys: set = set(changed)   # changed, or calls one that did through any chain of callers
    for index in (a, b):
        dirty = _callers_closure(a, b, index, changed, passes_on)
        dirty_keys.update((f.path, f.name) for f in index.all if id(f) in dirty)
        below = _callers_closure(a, b, index, changed)
        all_keys.update((f.path, f.name) for f in index.all if id(f) in below)
        if callers_too:
            by_name: dict = {}
            for f in index.all:
                by_name.setdefault(f.name, []).append(f)
            work = [f for f in index.all if id(f) in dirty]
            while work:
                for n in work.pop().call_names:
                    for g in by_name.get(n, ()):
                        if id(g) not in dirty:
                            dirty.add(id(g))
                            work.append(g)
            up_keys.update((f.path, f.name) for f in index.all if id(f) in dirty)
    if portable is not None:
        portable.update(id(f) for f in a.all if f.path in same_files and (f.path, f.name) not in dirty_keys)
    # the same verdict in both trees: a function gone from one side may have made
    # its former callees' or callers' cone differ only there
    return tuple({"callees": {id(f) for f in index.functions_in_scope() if (f.path, f.name) not in dirty_keys},
                  "callers": {id(f) for f in index.functions_in_scope() if (f.path, f.name) not in up_keys}
                  if callers_too else set(),
                  "all-callees": {id(f) for f in index.functions_in_scope() if (f.path, f.name) not in all_keys}}
                 for index in (a, b))


def _callers_closure(a: FactsIndex, b: FactsIndex, index: FactsIndex, changed: set, through: set | None = None) -> set:
    """Ids of index's functions that are changed or call, by name, one that is
    changed or in the closure, going on up only through callers in `through`
    ((path, name) keys; None: every caller). A static function of a .c file (in
    both trees) is called only from its own file."""
    dirty = {id(f) for f in index.all if (f.path, f.name) in changed}
    seen = set(changed)
    work = list(changed)
    while work:
        path, name = work.pop()
        local = path.endswith(".c") and all(f.is_static for ix in (a, b) for f in ix.definitions(path, name))
        for g in index.functions_calling(name):
            if local and g.path != path:
                continue
            dirty.add(id(g))
            k = (g.path, g.name)
            if k not in seen:
                seen.add(k)
                if through is None or k in through:
                    work.append(k)
    return dirty


RULE_CHUNK = 3000
FORK_MAX_FUNCTIONS = 250_000   # ~1 KB of light facts each, copied into every rule worker


class _lean_decoding:
    """Fewer decoded CFGs and token sets at once for an index past FORK_MAX_FUNCTIONS
    (a whole kernel: 650k functions of light facts already take about 750 MB).
    Measured on mm fs block io_uring: peak 455 -> 280 MB for 6% more time."""

    def __init__(self, on: bool):
        self.on = on

    def __enter__(self):
        from .facts import DecodedLimit
        self.saved = (DecodedLimit.functions, DecodedLimit.token_sets)
        if self.on:
            DecodedLimit.functions, DecodedLimit.token_sets = 1000, 5000
        return self

    def __exit__(self, *exc):
        from .facts import DecodedLimit
        DecodedLimit.functions, DecodedLimit.token_sets = self.saved


class _quiet_gc:
    """The rules decode CFGs by the thousand: Python's full collections, which walk
    every object of the index each time the heap grows by a quarter, cost more
    than the rules. Freeze what exists (forked children then share those pages
    instead of touching them) and keep only the young collections meanwhile."""

    def __enter__(self):
        self.threshold = gc.get_threshold()
        gc.collect()
        gc.freeze()
        gc.set_threshold(self.threshold[0], self.threshold[1], 1 << 30)
        return self

    def __exit__(self, *exc):
        gc.set_threshold(*self.threshold)
        gc.unfreeze()
_RULES_STATE = None   # (engine, [(index, functions, unchanged)]) inherited by forked rule workers


def rule_chunks(functions: list[FunctionFacts], size: int | None = None) -> list[tuple[int, int]]:
    """[start, end) ranges of about `size` functions, cut where the file changes."""
    size = size or RULE_CHUNK
    out, start = [], 0
    n = len(functions)
    while start < n:
        end = min(start + size, n)
        while end < n and functions[end].path == functions[end - 1].path:
            end += 1
        out.append((start, end))
        start = end
    return out


def _chunk_cost(rules, job: tuple, r: tuple[int, int]) -> int:
    """What a chunk of rules may cost, for the order the workers take them in: the
    lines of its functions that some rule runs on. (Its function count says little: chunks
    of 3,000 functions of fs/ took 0.4-4.1 s; r = 0.40 with the count, 0.71 with
    the lines.)"""
    _, functions, unchanged = job
    part = functions[r[0]:r[1]]
    skip = rule_skips(rules, unchanged)
    if skip is not None:
        part = [f for f in part if not all(id(f) in s for s in skip.values())]
    return sum(f.end_line - f.line + 1 for f in part)


def rule_skips(rules, unchanged: dict | None) -> dict | None:
    """In an audit (`unchanged`: call_cones' unchanged ids per Rule.differential
    kind, or per rule id), the ids of the functions each rule is left out for; a
    rule's own entry overrides its kind's. None outside an audit."""
    if unchanged is None:
        return None
    return {r.id: (unchanged.get(r.id, unchanged[r.differential]) if r.differential else frozenset())
            for r in rules}


def _rules_range(state, task: tuple[int, tuple[int, int]]):
    engine, jobs = state
    j, r = task
    index, functions, unchanged = jobs[j]
    from . import summary
    view = copy.copy(index)   # fresh summaries and rule memos (keyed by the index object)
    view.summaries = summary.build(view)
    before = len(engine.stats.get("rules_budget", ()))
    found, errors = engine.run_rules(view, functions[r[0]:r[1]], unchanged)
    over = engine.stats.get("rules_budget", [])[before:]
    if over:
        del engine.stats["rules_budget"][before:]
    summaries, view.summaries = view.summaries, None
    summaries.release()   # its cycles broken: freed now, without a full collection (0.7 s a chunk on fs/)
    del view, summaries
    return found, errors, over


def _rules_task(group: list[tuple[int, tuple[int, int]]]) -> list:
    return [_rules_range(_RULES_STATE, task) for task in group]


def _task_groups(job_ranges: list[list], tasks: list) -> list[list[int]]:
    """Which chunks one worker runs together (indexes into tasks). An audit's two
    trees cut into as many chunks: the k-th of each, nearly the same files, go
    together, so the outcomes the trees share (summary.pair) are computed once, in
    one worker. Apart, the goal-2 audit computed 31 % more flows at -j 2 than at
    -j 1. Otherwise every chunk on its own."""
    if len(job_ranges) == 2 and len(job_ranges[0]) == len(job_ranges[1]):
        n = len(job_ranges[0])
        return [[k, n + k] for k in range(n)]
    return [[i] for i in range(len(tasks))]


_CODE_DIGEST: list = []


def code_digest(rules) -> str:
    """The code a result depends on: errpath itself (sources and data tables, read
    once per process) and the rule files (read every time: a rule edited between
    two runs in one process is new code)."""
    from pathlib import Path
    if not _CODE_DIGEST:
        h = hashlib.sha256(__version__.encode())
        here = Path(__file__).resolve().parent
        for p in sorted(p for p in here.rglob("*") if p.is_file() and p.suffix in (".py", ".txt")):
            h.update(str(p.relative_to(here)).encode())
            h.update(p.read_bytes())
        _CODE_DIGEST.append(h.hexdigest())
    h = hashlib.sha256(_CODE_DIGEST[0].encode())
    for r in rules:
        h.update(r.id.encode() + b"\0")
        try:
            h.update(Path(r.source_path).read_bytes() if r.source_path else b"")
        except OSError:
            h.update(b"?")
    return h.hexdigest()


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in sorted(findings, key=Finding.sort_key):
        if f.fingerprint not in seen:
            seen.add(f.fingerprint)
            out.append(f)
    return out


def _coverage(files: dict[str, BlobAnalysis]) -> dict:
    total = sum(a.n_functions for a in files.values())
    unparsed = sum(1 for a in files.values() for u in a.unparsed if u.name != "<file>")
    return {"files": len(files), "functions": total, "functions_unparsed": unparsed,
            "parse_coverage": round((total - unparsed) / total, 4) if total else 1.0}


def scan(engine: Engine, rev: str, pathspecs: list[str]) -> RunResult:
    t0 = time.monotonic()
    commit = engine.repo.resolve(rev)
    snap = engine.checked(commit, pathspecs)
    stats = {"commits": 1, **snap.coverage, "context_files": snap.context_files,
             **engine.stats, "rule_errors": snap.rule_errors,
             "seconds": round(time.monotonic() - t0, 3)}
    return RunResult(base=None, head=engine.repo.commit_ref(commit), paths=pathspecs,
                     rules=[r.id for r in engine.rules], findings=snap.findings, fixed=[], stats=stats,
                     unparsed=list(snap.unparsed))


def audit(engine: Engine, base, head, pathspecs: list[str], keep: Callable[[Finding], bool] | None = None) -> RunResult:
    """BASE..HEAD: the findings HEAD has and BASE lacks (introduced) and the other
    way round (fixed), each blamed on its commit. `keep` (e.g. the confidence
    filter) drops findings before any blame is spent on them."""
    t0 = time.monotonic()
    repo = engine.repo
    commits = repo.range_commits(base, head)
    if base is not None:
        head_snap, base_snap = engine.audit_checked(base, head, pathspecs)
        base_fps = {f.fingerprint: f for f in base_snap.findings}
    else:
        head_snap = engine.checked(head, pathspecs)
        base_snap, base_fps = None, {}
    head_fps = {f.fingerprint: f for f in head_snap.findings}
    introduced = [f for fp, f in head_fps.items() if fp not in base_fps]
    fixed = [f for fp, f in base_fps.items() if fp not in head_fps]
    below: list[Finding] = []     # introduced but under `keep`: shown only if a commit dropped their guard
    raised: set[str] = set()      # in BASE under `keep`, in HEAD above it: the range made them likely
    if keep is not None:
        below = [f for f in introduced if not keep(f)]
        introduced = [f for f in introduced if keep(f)]
        fixed = [f for f in fixed if keep(f)]
        for fp, f in head_fps.items():
            if fp in base_fps and keep(f) and not keep(base_fps[fp]):
                raised.add(fp)
                introduced.append(f)
    introduced, fixed, renamed = _drop_renamed(introduced, fixed)

    changed_cache: dict[str, set[str]] = {}

    def changed(c) -> set[str]:
        k = str(c.id)
        if k not in changed_cache:
            changed_cache[k] = repo.changed_files(c, [], SOURCE_SUFFIXES)
        return changed_cache[k]

    memo: dict = {}
    newest_first = list(reversed(commits))

    def shown(c, f: Finding) -> bool:
        conf = engine.present(c, f, memo).get(f.fingerprint)
        if conf is None:
            return False
        # a finding raised into view counts from the commit that raised it
        return f.fingerprint not in raised or keep(dataclasses.replace(f, confidence=conf))

    def blame(f: Finding, want_present: bool):
        deps = set(f.depends_on)
        cands = [c for c in newest_first if changed(c) & deps]
        for pool in (cands, newest_first):
            for c in pool:
                if shown(c, f) != want_present:
                    continue
                parents = list(c.parents)
                if all(shown(p, f) != want_present for p in parents):
                    return repo.commit_ref(c)
        return None

    guards = DroppedGuards(repo, commits)
    for f in introduced:
        f.introduced_by = blame(f, True)
        if f.fingerprint in raised:
            was = base_fps[f.fingerprint].confidence
            f.evidence.append(Evidence(f.path, f.line, f.function,
                                       f"reported at {was} confidence before this range; now {f.confidence}"))
        guards.apply(f)
    for f in below:
        if guards.candidates(f):    # only then is the blame worth its cost
            f.introduced_by = blame(f, True)
            if guards.apply(f) and (keep is None or keep(f)):
                introduced.append(f)
    for f in fixed:
        f.fixed_by = blame(f, False)
        f.introduced_by = None
    # A blamed commit that changed a callee in another file: show its old and new contract.
    from .summary import explain_blame
    explain_memo: dict = {}
    for f in introduced + fixed:
        ref = f.introduced_by or f.fixed_by
        if ref is not None:
            c = repo.resolve(ref.sha)
            f.evidence.extend(explain_blame(engine, f, c, explain_memo, changed(c)))

    stats = {"commits": len(commits), **head_snap.coverage, "context_files": head_snap.context_files,
             **engine.stats, "attribution_evaluations": len(memo), "renamed": renamed,
             "rule_errors": head_snap.rule_errors + (base_snap.rule_errors if base_snap else []),
             "seconds": round(time.monotonic() - t0, 3)}
    return RunResult(base=repo.commit_ref(base) if base is not None else None,
                     head=repo.commit_ref(head), paths=pathspecs,
                     rules=[r.id for r in engine.rules], findings=_dedupe(introduced), fixed=_dedupe(fixed),
                     stats=stats,
                     unparsed=list(head_snap.unparsed),
                     commits=[repo.commit_ref(c) for c in commits])


_NUMBER = re.compile(r"\d+")
_IDENT = re.compile(r"[A-Za-z_]\w*")
_QUOTED = re.compile(r"'([A-Za-z_]\w*)'")
_GUARD = re.compile(r"^\s*(?:}\s*else\s+)?(?:if|while)\s*\(|\b(?:WARN_ON|WARN_ON_ONCE|BUG_ON|unlikely|likely)\s*\(")


class DroppedGuards:
    """A commit that removed a test of a finding's variable made the finding likely.

    When the commit blamed for a finding deleted a condition (`if`, `while`, a
    WARN_ON()/BUG_ON()) naming a variable of the finding, and did not add the
    same line back elsewhere in the file, the finding gets that line as
    evidence and one level more confidence: seed 001's `if (!req_sects) goto
    fail;` dropped by a refactor is worth a reviewer's look even where the same
    loop shape elsewhere in the tree stays quiet.
    """

    def __init__(self, repo, commits) -> None:
        self.repo = repo
        self.by_sha = {str(c.id): c for c in commits}
        self.newest_first = list(reversed(commits))
        self.memo: dict[tuple[str, str], list[tuple[int, str]]] = {}

    def removed_tests(self, commit, path: str) -> list[tuple[int, str]]:
        """(old line, text) of the conditions the commit deleted from path and did not re-add."""
        key = (str(commit.id), path)
        if key not in self.memo:
            try:
                hunks = self.repo.diff_hunks(commit, path, context_lines=0)
            except GitError:
                hunks = []
            added = {t.strip() for h in hunks for o, t in h.lines if o == "+"}
            out = []
            for h in hunks:
                line = h.old_start
                for origin, text in h.lines:
                    if origin == "-":
                        if _GUARD.search(text) and text.strip() not in added:
                            out.append((line, text.strip()))
                        line += 1
            self.memo[key] = out
        return self.memo[key]

    @staticmethod
    def variables(f: Finding) -> set[str]:
        names = {n for n in f.names if _IDENT.fullmatch(n)} | set(_QUOTED.findall(f.message))
        return {n for n in names if len(n) > 1}

    def _hits(self, commit, f: Finding) -> list[tuple[int, str]]:
        names = self.variables(f)
        return [(ln, t) for ln, t in self.removed_tests(commit, f.path)
                if names & set(_IDENT.findall(t))]

    def candidates(self, f: Finding) -> bool:
        """Some commit of the range removed a test of the finding's variables (cheap pre-check)."""
        return any(self._hits(c, f) for c in self.newest_first)

    def apply(self, f: Finding) -> bool:
        """Add the evidence and raise the confidence when the blamed commit dropped a guard."""
        ref = f.introduced_by
        commit = self.by_sha.get(ref.sha) if ref is not None else None
        hits = self._hits(commit, f) if commit is not None else []
        if not hits:
            return False
        for ln, text in hits[:2]:
            f.evidence.append(Evidence(f.path, ln, f.function,
                                       f"{ref.sha12} removed this test of the same variable: {text}"))
        rank = CONFIDENCES.index(f.confidence)
        f.confidence = CONFIDENCES[min(rank + 1, len(CONFIDENCES) - 1)]
        return True


def _drop_renamed(introduced: list[Finding], fixed: list[Finding]) -> tuple[list, list, int]:
    """A finding whose function was only renamed (or whose lines moved with it)
    is neither introduced nor fixed: pair a 'fixed' and an 'introduced' finding of
    the same rule, file and names whose messages differ only in numbers (line
    references), one to one, and drop both. Returns what is left and the count."""
    def key(f: Finding):
        return (f.rule, f.path, f.names, _NUMBER.sub("#", f.message))
    gone: dict = {}
    for f in fixed:
        gone.setdefault(key(f), []).append(f)
    kept, paired = [], set()
    for f in sorted(introduced, key=Finding.sort_key):
        olds = gone.get(key(f))
        if olds and f.function != olds[0].function:
            paired.add(id(olds.pop(0)))
        else:
            kept.append(f)
    return kept, [f for f in fixed if id(f) not in paired], len(paired)


def tool_version() -> str:
    return __version__
