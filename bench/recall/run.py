#!/usr/bin/env python3
"""The real-bug recall benchmark: does errpath report the bugs that stable updates fixed?

    .venv/bin/python bench/recall/run.py                 # build what is missing, scan, print the tables
    .venv/bin/python bench/recall/run.py --json out.json # also every entry's outcome
    .venv/bin/python bench/recall/run.py --entry 6.12.111..6.12.113#4 -v

What it measures (bench/recall/README.md says how the corpus was mined):

* ``corpus/<OLD>..<NEW>.toml``: every error-path fix of one Debian stable update, as data
  (file, function, class, the rule that should report it).  For each entry the buggy
  file is scanned at OLD and the fixed one at NEW, with the file's own directory (and the
  entry's ``context``) feeding the summaries.  An entry is *found* when a finding of its
  rule lands in its function; *at default* when that finding is medium or high (what a
  user sees without ``--min-confidence low``); *still on the fixed side* when the same rule
  still reports that function at NEW with the same or higher confidence.
* ``seeds.toml``: the five seeds' bugs put back into real 6.1/6.12 files (a small textual
  mutation committed on top of the version).  Found when the mutant's scan reports the
  function; blamed when ``audit vX..mutant`` introduces it and names the mutation commit;
  the unmutated file must stay silent (below default confidence) for that rule and function.
* The corpus is split by the hash of the fix's title into a part that is tuned on and a
  part that is only measured (the same upstream fix backported to 6.1 and 6.12 falls in one
  part).  A gap between the two parts' recall means a special case, not a capability.

The kernel history is a bare repo built with pygit2 from the Debian ``linux-source``
packages (bench/common.py RECALL_VERSIONS; fetched with apt-get when missing), one
commit per version, tagged ``v<version>``.  Nothing from the kernel enters this repo.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import os
import subprocess
import sys
import time
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pygit2

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from build_kernel_repo import Apt, build_versions, log, sig  # noqa: E402
from common import KERNELS_DIR, RECALL_REPO, RECALL_VERSIONS  # noqa: E402

CONFIDENCE_RANK = {"low": 0, "medium": 1, "high": 2}
DEFAULT_CONFIDENCE = "medium"
PARTS = ("tuned", "held-out")
RULES = ("missing-error-code", "err-ptr-null-mismatch", "zero-step-loop", "nowait-enomem",
         "nowait-blocks", "atomic-account")
#: The classes of the corpus and the rule whose class each is ("" = no rule covers it yet).
CLASSES = {
    "missing-error-code": "missing-error-code", "clobbered-errno": "missing-error-code",
    "err-ptr-null": "err-ptr-null-mismatch", "unchecked-err-ptr": "err-ptr-null-mismatch",
    "infinite-loop": "zero-step-loop", "nowait-enomem": "nowait-enomem", "nowait-blocks": "nowait-blocks",
    "atomic-account": "atomic-account",
    "unchecked-null": "", "ignored-error": "", "wrong-error-code": "", "positive-errno": "",
}


@dataclass
class Entry:
    id: str
    old: str
    new: str
    title: str
    file: str
    function: str
    line: int
    klass: str
    rule: str
    shape: str = ""
    context: tuple[str, ...] = ()
    notes: str = ""

    twin_seen: bool = False   # a twin of this fix (other series) hashes into the tuned part

    @property
    def part(self) -> str:
        return "tuned" if self.twin_seen else part_of(self.title)


@dataclass
class Outcome:
    entry: Entry
    found_any: str | None = None        # best confidence of a matching finding on the buggy side
    fixed_side: str | None = None       # best confidence of a matching finding on the fixed side
    other_rules: list[str] = field(default_factory=list)  # other rules reporting the function
    unparsed: bool = False              # the buggy function was listed as not analysed
    error: str = ""

    @property
    def found_default(self) -> bool:
        return self.found_any is not None and CONFIDENCE_RANK[self.found_any] >= CONFIDENCE_RANK[DEFAULT_CONFIDENCE]

    @property
    def still_reported(self) -> bool:
        return (self.found_any is not None and self.fixed_side is not None
                and CONFIDENCE_RANK[self.fixed_side] >= CONFIDENCE_RANK[self.found_any])


_CVE = re.compile(r"\s*\(CVE-\d+-\d+(?:,\s*CVE-\d+-\d+)*\)", re.I)
_TAGS = re.compile(r"^(?:\s*\[[^\]]*\])+\s*")


def fix_key(title: str) -> str:
    """The upstream fix a title names: Debian writes the same fix as `[x86] kvm: ...`
    in one series and `kvm: ...` in the other, with or without `(CVE-...)`."""
    return " ".join(_TAGS.sub("", _CVE.sub("", title)).lower().split())


def part_of(title: str) -> str:
    """The part of a title, by its hash (load_corpus() then joins twins)."""
    norm = " ".join(title.lower().split())
    return PARTS[hashlib.sha256(norm.encode()).digest()[0] & 1]


def join_twins(entries: list[Entry]) -> None:
    """The same upstream fix in two series (6.1 and 6.12 twins, titled with or without
    `[x86]` or `(CVE-...)`) must not straddle the parts, or tuning one tunes the other:
    a fix with any entry in the tuned part is tuned as a whole. Session 11 found 10 fixes
    (22 entries) straddling; moving the held-out twins to tuned is the honest direction,
    since their tuned twins had already been studied."""
    tuned = {fix_key(e.title) for e in entries if part_of(e.title) == "tuned"}
    for e in entries:
        e.twin_seen = part_of(e.title) != "tuned" and fix_key(e.title) in tuned


class CorpusError(Exception):
    pass


def load_corpus(folder: Path) -> list[Entry]:
    """Every entry of every ``<OLD>..<NEW>.toml``; a malformed entry is an error naming it."""
    entries: list[Entry] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            with open(path, "rb") as f:
                data = tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise CorpusError(f"{path}: {exc}") from None
        if path.stem != f"{data.get('old')}..{data.get('new')}":
            raise CorpusError(f"{path}: old/new say {data.get('old')}..{data.get('new')}")
        pair = path.stem
        for i, e in enumerate(data.get("entry", []), 1):
            missing = {"title", "file", "function", "class", "rule"} - set(e)
            if missing:
                raise CorpusError(f"{path} entry {i}: missing {', '.join(sorted(missing))}")
            if e["class"] not in CLASSES:
                raise CorpusError(f"{path} entry {i}: unknown class {e['class']!r}")
            if e["rule"] and e["rule"] not in RULES:
                raise CorpusError(f"{path} entry {i}: unknown rule {e['rule']!r}")
            entries.append(Entry(
                id=f"{pair}#{i}", old=data["old"], new=data["new"], title=e["title"], file=e["file"],
                function=e["function"], line=int(e.get("line", 0)), klass=e["class"], rule=e.get("rule", ""),
                shape=e.get("shape", ""), context=tuple(e.get("context", ())), notes=e.get("notes", "")))
    join_twins(entries)
    return entries


# --------------------------------------------------------------------------
# the kernel history
# --------------------------------------------------------------------------

def ensure_repo(repo_path: Path, debs_dir: Path) -> pygit2.Repository:
    if (repo_path / "HEAD").is_file():
        repo = pygit2.Repository(str(repo_path))
    else:
        log(f"* init bare repo {repo_path}")
        repo = pygit2.init_repository(str(repo_path), bare=True, initial_head="main")
    missing = [v for v in RECALL_VERSIONS if f"refs/tags/{v.tag}" not in repo.references]
    if missing:
        times = {v.kernel: 1_770_000_000 + 100_000 * i for i, v in enumerate(RECALL_VERSIONS)}
        build_versions(repo, debs_dir, Apt(), versions=RECALL_VERSIONS, times=times)
    return repo


def check_corpus(repo: pygit2.Repository, entries: list[Entry]) -> list[str]:
    """Problems with entries' locations: the file must exist at OLD and name the function
    near the recorded line."""
    problems = []
    for e in entries:
        try:
            blob = repo.revparse_single(f"v{e.old}:{e.file}")
        except KeyError:
            problems.append(f"{e.id}: {e.file} not in v{e.old}")
            continue
        lines = blob.data.decode("utf-8", "replace").splitlines()
        if not any(e.function in ln for ln in lines):
            problems.append(f"{e.id}: {e.function} not in {e.file}@v{e.old}")
        elif not 0 < e.line <= len(lines):
            problems.append(f"{e.id}: line {e.line} past the end of {e.file}@v{e.old}")
    return problems


def mutant(repo: pygit2.Repository, seed: dict) -> tuple[str, str]:
    """Commit the seed's edit of one file on top of its version; return (base tag, mutant sha)."""
    base_tag = "v" + seed["version"]
    ref = f"refs/heads/seed/{seed['id']}"
    base = repo.revparse_single(base_tag).peel(pygit2.Commit)
    blob = repo[base.tree[seed["file"]].id]
    text = blob.data.decode("utf-8", "surrogateescape")
    for edit in seed["edits"]:
        n = text.count(edit["find"])
        if n != 1:
            raise SystemExit(f"seed {seed['id']}: {edit['find']!r} occurs {n} times in {seed['file']} at {base_tag}")
        text = text.replace(edit["find"], edit["replace"])
    new_blob = repo.create_blob(text.encode("utf-8", "surrogateescape"))
    idx = pygit2.Index()
    idx.read_tree(base.tree)
    entry = idx[seed["file"]]
    idx.add(pygit2.IndexEntry(seed["file"], new_blob, entry.mode))
    tree = idx.write_tree(repo)
    when = sig(1_780_000_000)
    sha = repo.create_commit(None, when, when, seed["subject"] + "\n", tree, [base.id])
    repo.references.create(ref, sha, force=True)
    return base_tag, str(sha)


# --------------------------------------------------------------------------
# running errpath
# --------------------------------------------------------------------------

def errpath(args: list[str], jobs: int, verbose: bool, min_confidence: str = "low") -> dict:
    cmd = [sys.executable, "-m", "errpath", *args, "--format", "json", "--min-confidence", min_confidence,
           "--fail-on", "none", "--reproducible", "-q", "-j", str(jobs), "--no-config"]
    if verbose:
        log("+ errpath " + " ".join(args))
    p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise RuntimeError(f"errpath {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()[-300:]}")
    return json.loads(p.stdout)


def scan_groups(entries: list[Entry], repo_path: Path, jobs: int, verbose: bool) -> dict:
    """One scan per (rev, directory, context): every entry's file in it is reported."""
    groups: dict[tuple, set[str]] = defaultdict(set)
    for e in entries:
        d = os.path.dirname(e.file) + "/"
        for rev, path in (("v" + e.old, e.file), ("v" + e.new, e.file)):
            groups[(rev, d, e.context)].add(path)
    results: dict[tuple[str, str], dict] = {}
    for n, ((rev, d, ctx), files) in enumerate(sorted(groups.items()), 1):
        args = ["scan", *sorted(files), "--rev", rev, "--repo", str(repo_path), "--context", d]
        for c in ctx:
            args += ["--context", c]
        t0 = time.perf_counter()
        try:
            out = errpath(args, jobs, verbose)
        except RuntimeError as exc:
            out = {"error": str(exc)}
        if verbose:
            log(f"  [{n}/{len(groups)}] {rev} {d}: {time.perf_counter() - t0:.1f} s")
        for f in files:
            results[(rev, f, ctx)] = out
    return results


def judge(e: Entry, results: dict) -> Outcome:
    o = Outcome(e)
    for side in ("old", "new"):
        rev = "v" + (e.old if side == "old" else e.new)
        out = results.get((rev, e.file, e.context), {})
        if "error" in out:
            o.error = out["error"]
            continue
        best = None
        for f in out.get("findings", []):
            if f["path"] != e.file or f.get("function") != e.function:
                continue
            if f["rule"] == e.rule:
                if best is None or CONFIDENCE_RANK[f["confidence"]] > CONFIDENCE_RANK[best]:
                    best = f["confidence"]
            elif side == "old":
                o.other_rules.append(f"{f['rule']}:{f['confidence']}")
        if side == "old":
            o.found_any = best
            o.unparsed = any(u.get("path") == e.file and u.get("name") == e.function
                             for u in out.get("unparsed", []))
        else:
            o.fixed_side = best
    return o


def run_seeds(repo: pygit2.Repository, repo_path: Path, seeds: list[dict], jobs: int, verbose: bool) -> list[dict]:
    rows = []
    for s in seeds:
        d = os.path.dirname(s["file"]) + "/"
        ctx = [a for c in s.get("context", []) for a in ("--context", c)]
        row = {"id": s["id"], "seed": s["seed"], "rule": s["rule"], "file": s["file"], "function": s["function"],
               "kind": s.get("kind", "mutation"), "found": False, "blamed": None, "confidence": None,
               "silent_unmutated": None, "error": ""}

        def match(f: dict) -> bool:
            return f["rule"] == s["rule"] and f["path"] == s["file"] and f.get("function") == s["function"]

        try:
            base_tag = "v" + s["version"]
            if row["kind"] == "present":
                out = errpath(["scan", s["file"], "--rev", base_tag, "--repo", str(repo_path), "--context", d, *ctx], jobs, verbose)
                hits = [f for f in out["findings"] if match(f)]
            else:
                base_tag, sha = mutant(repo, s)
                out = errpath(["scan", s["file"], "--rev", sha, "--repo", str(repo_path), "--context", d, *ctx],
                              jobs, verbose)
                hits = [f for f in out["findings"] if match(f)]
                # as a reviewer runs it: at the default confidence, where a finding the edit
                # raised into view counts as introduced by it
                audit = errpath(["audit", f"{base_tag}..{sha}", d, "--repo", str(repo_path), *ctx], jobs, verbose,
                                min_confidence=DEFAULT_CONFIDENCE)
                row["blamed"] = any((f.get("introduced_by") or {}).get("sha") == sha
                                    for f in audit["findings"] if match(f))
                clean = errpath(["scan", s["file"], "--rev", base_tag, "--repo", str(repo_path), "--context", d, *ctx], jobs, verbose)
                row["silent_unmutated"] = not any(
                    match(f) and CONFIDENCE_RANK[f["confidence"]] >= CONFIDENCE_RANK[DEFAULT_CONFIDENCE]
                    for f in clean["findings"])
            if hits:
                row["found"] = True
                row["confidence"] = max((f["confidence"] for f in hits), key=CONFIDENCE_RANK.__getitem__)
        except RuntimeError as exc:
            row["error"] = str(exc)
        rows.append(row)
    return rows


# --------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------

def pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.0f} %)" if b else "0/0"


def table(outcomes: list[Outcome]) -> list[str]:
    lines = ["| rule | part | entries | found at default | found at any | still on fixed side (of found) |",
             "|---|---|---|---|---|---|"]
    for rule in (*RULES, "all"):
        for part in (*PARTS, "both"):
            sel = [o for o in outcomes if o.entry.rule and (rule == "all" or o.entry.rule == rule)
                   and (part == "both" or o.entry.part == part)]
            if not sel:
                continue
            found = [o for o in sel if o.found_any]
            lines.append(f"| {rule} | {part} | {len(sel)} | {pct(sum(o.found_default for o in sel), len(sel))} | "
                         f"{pct(len(found), len(sel))} | {pct(sum(o.still_reported for o in found), len(found))} |")
    near = [o for o in outcomes if not o.entry.rule]
    if near:
        by_class: dict[str, int] = defaultdict(int)
        for o in near:
            by_class[o.entry.klass] += 1
        lines.append("")
        lines.append("Near classes (no rule covers them; not in the recall figures): "
                     + ", ".join(f"{k} {v}" for k, v in sorted(by_class.items())))
    return lines


def seed_table(rows: list[dict]) -> list[str]:
    lines = ["| seed | rule | function | found (confidence) | blamed on the mutation | unmutated file silent |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        found = f"yes ({r['confidence']})" if r["found"] else ("error: " + r["error"][:60] if r["error"] else "no")
        blamed = {True: "yes", False: "no", None: "(bug shipped)"}[r["blamed"]]
        silent = {True: "yes", False: "no", None: "(bug shipped)"}[r["silent_unmutated"]]
        lines.append(f"| {r['id']} | {r['rule']} | {r['function']} | {found} | {blamed} | {silent} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", type=Path, default=RECALL_REPO, help=f"the history repo (default {RECALL_REPO})")
    ap.add_argument("--debs-dir", type=Path, default=KERNELS_DIR)
    ap.add_argument("--corpus", type=Path, default=HERE / "corpus")
    ap.add_argument("--seeds", type=Path, default=HERE / "seeds.toml")
    ap.add_argument("--entry", action="append", default=[], help="only these entry ids (repeatable)")
    ap.add_argument("--part", choices=(*PARTS, "both"), default="both")
    ap.add_argument("--no-seeds", action="store_true")
    ap.add_argument("--build-only", action="store_true", help="build the history repo and stop")
    ap.add_argument("--check", action="store_true", help="check the corpus's locations against the trees and stop")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", type=Path, help="write every entry's outcome here")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)

    args.debs_dir.mkdir(parents=True, exist_ok=True)
    repo = ensure_repo(args.repo, args.debs_dir)
    if args.build_only:
        return 0
    try:
        entries = load_corpus(args.corpus)
    except CorpusError as exc:
        print(f"run.py: {exc}", file=sys.stderr)
        return 2
    if args.check:
        problems = check_corpus(repo, entries)
        print("\n".join(problems) or f"{len(entries)} entries: every file and function found")
        return 1 if problems else 0
    if args.entry:
        entries = [e for e in entries if e.id in args.entry]
    if args.part != "both":
        entries = [e for e in entries if e.part == args.part]
    t0 = time.perf_counter()
    results = scan_groups([e for e in entries if e.rule], args.repo, args.jobs, args.verbose)
    outcomes = [judge(e, results) for e in entries if e.rule]
    seeds = []
    if not args.no_seeds and not args.entry and args.seeds.is_file():
        with open(args.seeds, "rb") as f:
            seeds = run_seeds(repo, args.repo, tomllib.load(f)["seed"], args.jobs, args.verbose)
    dt = time.perf_counter() - t0

    print(f"errpath recall benchmark: {len(entries)} corpus entries "
          f"({sum(1 for e in entries if e.rule)} in a rule's class), {len(seeds)} seed mutations, {dt:.0f} s\n")
    print("\n".join(table(outcomes + [Outcome(e) for e in entries if not e.rule])))
    if seeds:
        print()
        print("\n".join(seed_table(seeds)))
    errors = [o for o in outcomes if o.error]
    if errors:
        print(f"\n{len(errors)} entries could not be scanned, e.g. {errors[0].entry.id}: {errors[0].error[:200]}")
    if args.verbose:
        print()
        for o in outcomes:
            mark = "DEFAULT" if o.found_default else ("low" if o.found_any else "miss")
            print(f"{mark:8} {o.entry.id:28} {o.entry.rule:22} {o.entry.file}:{o.entry.function}"
                  f"{'  fixed:' + o.fixed_side if o.fixed_side else ''}"
                  f"{'  other:' + ','.join(o.other_rules) if o.other_rules else ''}"
                  f"{'  UNPARSED' if o.unparsed else ''}")
    if args.json:
        args.json.write_text(json.dumps({
            "entries": [{**{k: v for k, v in vars(o.entry).items()}, "part": o.entry.part,
                         "found_any": o.found_any, "found_default": o.found_default, "fixed_side": o.fixed_side,
                         "still_reported": o.still_reported, "other_rules": o.other_rules,
                         "unparsed": o.unparsed, "error": o.error} for o in outcomes],
            "seeds": seeds, "seconds": round(dt, 1)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
