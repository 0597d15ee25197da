"""The Rule base class, the registry of built-in rules and the loader.

A rule is one file in `rules/` (shipped as errpath.builtin_rules) or in a
user's `--rules-dir`. The module's docstring is the rule's documentation, with
the sections of DOC_SECTIONS; the module defines `RULE`, an instance of a Rule
subclass. Rules are loaded by path, so no top-level `rules` package exists.
A rule imports Rule, RuleContext and everything else it uses from errpath.api
(docs/writing-rules.md), never from here.

Layer: rule API, with errpath.api (above analysis, below the pipeline, which
loads and runs the rules). Imports only errpath.model.
"""
from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .model import CONFIDENCES, SEVERITIES, Evidence, Finding

if TYPE_CHECKING:
    from .facts.functions import FunctionFacts
    from .facts.index import FactsIndex

# The explicit registry of built-in rules, in the order they run.
BUILTIN_RULES = (
    "zero_step_loop",
    "atomic_account",
    "nowait_enomem",
    "err_ptr_null_mismatch",
    "nowait_blocks",
    "missing_error_code",
)

DOC_SECTIONS = ("What it finds", "Why it matters", "Example", "Use instead",
                "Known false positives", "References")


# the kinds of Rule.differential an audit knows a cone for (errpath.pipeline.cones.call_cones)
DIFFERENTIALS = (False, "callees", "callers", "all-callees")


class RuleError(Exception):
    pass


class RuleContext:
    """What a rule may ask beyond one function's facts."""

    def __init__(self, index: "FactsIndex"):
        self.index = index

    def function(self, name: str, from_path: str) -> "FunctionFacts | None":
        return self.index.resolve(name, from_path)

    def macro(self, name: str, from_path: str) -> "FunctionFacts | None":
        """A function-like macro of from_path (a .c file) that computes a position or a
        length, as a function (`#define NEXT_REC(r) ((void *)(r) + (r)->len)`), or None."""
        table = getattr(self.index, "macro_functions", None)
        return table.get(from_path, {}).get(name) if table else None

    @property
    def summaries(self):
        return self.index.summaries

    def init_only(self, fn: "FunctionFacts") -> str | None:
        """Why fn runs only at boot, probe or module init (an __init function, a .probe
        callback, an initcall, a static helper only those call), or None."""
        return getattr(self.index, "init_functions", {}).get(fn.path, {}).get(fn.name)

    def entry_roles(self, path: str, kind: str) -> dict[str, str]:
        """{function: the slot it fills} for the entry points of one file whose outside
        callers promise something: kind "nowait" (the .read_iter/.write_iter/
        .remap_file_range of a file whose open sets FMODE_NOWAIT), "plain-io" (the
        same slots of a file that never sets it), "atomic" (a crypto algorithm's
        request operations, called in atomic context unless the request may sleep)."""
        prefix = f"<{kind}>"
        roles = getattr(self.index, "init_functions", {}).get(path, {})
        return {k[len(prefix):]: v for k, v in roles.items() if k.startswith(prefix)}


class Rule:
    id: str = ""
    title: str = ""
    severity: str = "warning"
    confidence: str = "medium"   # the rule's default; findings may say otherwise
    # Identifiers at least one of which must occur in a function for the rule to
    # have anything to say about it (a cheap prefilter); None = every function.
    needs_tokens: frozenset[str] | None = None
    # "callees" when a function's findings depend only on its own facts and on
    # what it calls: the text and facts of its direct callees (and which definition
    # each called name resolves to), and deeper down only what callees return and
    # how their NOWAIT flag parameters steer it (errpath.analysis) -- never on its
    # callers or on the whole index. "callers" when, on top of that, they depend
    # on its callers, any levels up (their facts and what their own callees return).
    # "all-callees" when they depend on its own facts and on what it calls at any
    # depth, void callees too (e.g. may-sleep), but never on its callers.
    # What only sets a finding's confidence or evidence (a rank from the callers,
    # say) does not count: an audit matches findings by fingerprint.
    # An audit then runs the rule only on functions whose cone changed between BASE
    # and HEAD (errpath.pipeline.cones.call_cones); elsewhere both trees agree.
    # A rule that also reads a whole-index table says so in index_facts().
    # False (the default): run everywhere.
    differential: str | bool = False
    doc: str = ""
    source_path: str = ""

    def index_facts(self, index: "FactsIndex") -> object:
        """What a differential rule reads of the whole index beyond the call graph
        (a table of slab caches, say): when it differs between BASE and HEAD, the
        audit runs the rule on every function. None: nothing."""
        return None

    def applies_to(self, fn: "FunctionFacts") -> bool:
        return self.needs_tokens is None or not self.needs_tokens.isdisjoint(fn.text_tokens)

    def check(self, fn: "FunctionFacts", ctx: RuleContext) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(self, fn: "FunctionFacts", line: int, column: int, message: str, *,
                names: tuple[str, ...] = (), evidence: list[Evidence] | None = None,
                confidence: str | None = None, severity: str | None = None,
                depends_on: Iterable[str] = ()) -> Finding:
        return Finding(rule=self.id, severity=severity or self.severity,
                       confidence=confidence or self.confidence, path=fn.path, line=line,
                       column=column, function=fn.name, message=message, names=tuple(names),
                       evidence=list(evidence or []),
                       depends_on=tuple(sorted({fn.path, *depends_on})))

    def rank_init_only(self, findings: Iterable[Finding], fn: "FunctionFacts", ctx: "RuleContext | None",
                       why_latent: str) -> Iterable[Finding]:
        """Medium findings in code that runs only at init become low, with the reason: a
        bug that needs bad firmware or a failure at boot or probe (TP-latent) is worth less
        to a maintainer than one reachable in normal operation."""
        init = ctx.init_only(fn) if ctx is not None else None
        for f in findings:
            if init and f.confidence == "medium":
                f.confidence = "low"
                f.evidence.append(Evidence(fn.path, f.line, fn.name, f"low: {init}: {why_latent}"))
            yield f

    def doc_section(self, name: str) -> str:
        """The text under '<name>' in the docstring (sections are 'Title\\n----')."""
        lines = self.doc.splitlines()
        out, inside = [], False
        for i, line in enumerate(lines):
            underline = i + 1 < len(lines) and set(lines[i + 1].strip()) == {"-"}
            if underline:
                inside = line.strip() == name
                continue
            if set(line.strip()) == {"-"}:
                continue
            if inside:
                out.append(line)
        return "\n".join(out).strip()


def builtin_rules_dir() -> Path:
    """rules/ of the repo: installed as errpath.builtin_rules, or beside errpath/
    when errpath is imported from a checkout."""
    return shipped_dir("builtin_rules", "rules")


def shipped_dir(package: str, repo_dir: str) -> Path:
    here = Path(__file__).resolve().parent
    installed = here / package
    if installed.is_dir():
        return installed
    checkout = here.parent / repo_dir
    if checkout.is_dir():
        return checkout
    try:
        import importlib
        return Path(importlib.import_module(f"errpath.{package}").__file__).parent
    except ImportError:
        raise RuleError(f"errpath is installed without its {repo_dir}/ folder") from None


def _load_file(path: Path, namespace: str) -> Rule:
    try:
        if namespace == "builtin":
            # one module per built-in rule, shared with rules that import it
            module = importlib.import_module(f"errpath.builtin_rules.{path.stem}")
        else:
            modname = f"errpath._loaded_rules.{namespace}.{path.stem}"
            spec = importlib.util.spec_from_file_location(modname, path)
            if spec is None or spec.loader is None:
                raise RuleError(f"cannot load rule file {path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[modname] = module
            spec.loader.exec_module(module)
    except RuleError:
        raise
    except Exception as e:  # a user rule with a bug must not become a traceback
        raise RuleError(f"rule file {path} failed to load: {type(e).__name__}: {e}") from None
    rule = getattr(module, "RULE", None)
    if not isinstance(rule, Rule):
        raise RuleError(f"rule file {path} defines no RULE = <Rule subclass instance>")
    if not rule.id or rule.severity not in SEVERITIES or rule.confidence not in CONFIDENCES:
        raise RuleError(f"rule file {path}: RULE needs an id, a severity in {SEVERITIES} "
                        f"and a confidence in {CONFIDENCES}")
    if rule.differential not in DIFFERENTIALS:
        raise RuleError(f"rule file {path}: differential must be one of "
                        f"{', '.join(repr(d) for d in DIFFERENTIALS)}, not {rule.differential!r}")
    rule.doc = (module.__doc__ or "").strip()
    rule.source_path = str(path)
    return rule


def load_rules(extra_dirs: Iterable[str | Path] = ()) -> list[Rule]:
    rules: list[Rule] = []
    base = builtin_rules_dir()
    for stem in BUILTIN_RULES:
        rules.append(_load_file(base / f"{stem}.py", "builtin"))
    for i, d in enumerate(extra_dirs):
        d = Path(d)
        if not d.is_dir():
            raise RuleError(f"--rules-dir {d}: not a directory")
        for f in sorted(d.glob("*.py")):
            if not f.name.startswith("_"):
                rules.append(_load_file(f, f"user{i}"))
    seen: dict[str, str] = {}
    for r in rules:
        if r.id in seen:
            raise RuleError(f"rule id {r.id!r} defined twice ({seen[r.id]} and {r.source_path})")
        seen[r.id] = r.source_path
    return rules


def select_rules(rules: list[Rule], select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    known = {r.id for r in rules}
    select, ignore = list(select), list(ignore)
    for rid in [*select, *ignore]:
        if rid not in known:
            raise RuleError(f"unknown rule: {rid} (known: {', '.join(sorted(known))})")
    out = [r for r in rules if (not select or r.id in select) and r.id not in ignore]
    return out


@dataclass
class RuleDoc:
    id: str
    title: str
    severity: str
    confidence: str
    doc: str


def rule_docs(rules: Iterable[Rule]) -> dict[str, RuleDoc]:
    return {r.id: RuleDoc(r.id, r.title, r.severity, r.confidence, r.doc) for r in rules}
