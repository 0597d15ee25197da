"""audit(): the findings of HEAD against BASE, each attributed to the commit
of the range that introduced it (or fixed it), with guards dropped on the way
(DroppedGuards) and renamed functions followed."""
from __future__ import annotations

import dataclasses
import re
import time
from typing import Callable

from ..git.repo import GitError
from ..model import CONFIDENCES, Evidence, Finding, RunResult
from .engine import Engine, SOURCE_SUFFIXES, _dedupe


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
    from .contracts import explain_blame
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
