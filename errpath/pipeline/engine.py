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
import gc
import hashlib
import multiprocessing
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .. import __version__
from ..facts.functions import FunctionFacts
from ..facts.index import FactsIndex
from ..git.pathsafe import cache_path, tree_path_ok
from ..git.repo import Repo
from ..model import CONFIDENCES, Finding, RunResult, UnparsedFunction
from .blob import BlobAnalysis
from .budget import FunctionTimer, RulesTimeout, note_over_budget
from .cache import Cache
from .cones import call_cones
from ..rules import Rule, RuleContext


SOURCE_SUFFIXES = (".c", ".h")


INPROCESS_MAX_FILES = 4            # fewer new files than this are analysed here, not in the pool


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
    whole (errpath.pipeline.cache results table) under the tree, the options and the code."""
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
        the executor (errpath.pipeline.executor). The result follows the order of `files`."""
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
            from ..git.repo import GitError
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
        with FunctionTimer() as timer:  # errpath.pipeline.budget: a wall-clock backstop per function
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
        from .. import analysis as summary
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
            from ..facts.functions import flush_spill, release_decoded
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
                                       if a.int_macros},
                           macro_functions=[f for d in (files, context) for a in d.values()
                                            for f in getattr(a, "macro_functions", ())])
        index.init_functions = {p: getattr(a, "init_functions", None) or {} for d in (files, context)
                                for p, a in d.items() if getattr(a, "init_functions", None)}
        from .. import analysis as summary
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


RULE_CHUNK = 3000
FORK_MAX_FUNCTIONS = 250_000   # ~1 KB of light facts each, copied into every rule worker


class _lean_decoding:
    """Fewer decoded CFGs and token sets at once for an index past FORK_MAX_FUNCTIONS
    (a whole kernel: 650k functions of light facts already take about 750 MB).
    Measured on mm fs block io_uring: peak 455 -> 280 MB for 6% more time."""

    def __init__(self, on: bool):
        self.on = on

    def __enter__(self):
        from ..facts.functions import DecodedLimit
        self.saved = (DecodedLimit.functions, DecodedLimit.token_sets)
        if self.on:
            DecodedLimit.functions, DecodedLimit.token_sets = 1000, 5000
        return self

    def __exit__(self, *exc):
        from ..facts.functions import DecodedLimit
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
    from .. import analysis as summary
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
        here = Path(__file__).resolve().parents[1]
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


def tool_version() -> str:
    return __version__
