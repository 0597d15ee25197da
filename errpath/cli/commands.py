"""errpath's click group and its commands: audit, scan, baseline, demo, rules,
rule (one code path, _run, for the first three), plus explain and contracts
registered from their own modules; main() and entry(), the process's way out."""
from __future__ import annotations

import atexit
import dataclasses
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
import click

from .. import __version__
from .common import (EXIT_INTERNAL, EXIT_USAGE, FORMATS, InputError, VOLATILE_STATS, _exit_code, _guard,
    _on_sigterm)
from ..model import CONFIDENCES, RunResult, SEVERITIES
from ..pipeline.cache import Cache, CacheError, default_cache_dir


def _common(f):
    options = [
        click.option("--repo", "repo_path", default=".", show_default=True, help="The kernel git repository (any folder inside it)."),
        click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True),
        click.option("-o", "--output", type=click.Path(), default=None, help="Write the report here (atomically) instead of stdout; html defaults to reports/<range>/ "
                     "(inside the audited work tree: under the cache folder)."),
        click.option("--select", multiple=True, help="Run only these rule ids (repeatable, or comma-separated)."),
        click.option("--ignore", multiple=True, help="Skip these rule ids."),
        click.option("--rules-dir", multiple=True, type=click.Path(), help="Load extra rules from this folder."),
        click.option("--min-confidence", type=click.Choice(CONFIDENCES), default="medium", show_default=True,
                     help="Drop findings below this confidence (low: also steps only not proven nonzero)."),
        click.option("--fail-on", type=click.Choice((*SEVERITIES, "none")), default="warning", show_default=True,
                     help="Exit 1 when a finding of this severity or above is introduced (scan: found)."),
        click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None, help="Worker processes (default: CPU count)."),
        click.option("--executor", type=click.Choice(("local", "dask")), default="local", show_default=True,
                     help="Where files are analysed: local processes, or a Dask distributed cluster (docs/dask.md)."),
        click.option("--scheduler", default=None, metavar="ADDR",
                     help="Dask scheduler address (tcp://host:8786); implies --executor dask. "
                     "Without it, --executor dask starts a local cluster of --jobs workers."),
        click.option("--no-cache", is_flag=True, help="Do not read or write the analysis cache."),
        click.option("--cache-dir", type=click.Path(), default=None, help="Cache folder (default: $XDG_CACHE_HOME/errpath)."),
        click.option("--context", "context_paths", multiple=True, help="Widen the analysis: extra paths whose functions feed summaries (not reported)."),
        click.option("--exclude", multiple=True, help="Glob of paths whose findings are not reported "
                     "(still analysed; repeatable). To analyse more, use --context."),
        click.option("--report-unused-suppressions", is_flag=True,
                     help="List the `errpath: ignore` comments that silence nothing (audit: checks all of HEAD)."),
        click.option("--allow-empty", is_flag=True,
                     help="A path that matches nothing is a warning, not an error (exit 2)."),
        click.option("--commit-url", default=None, help="URL template for commit links in reports, with {sha}."),
        click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
                     help="Settings from this TOML file instead of the repository's .errpath.toml (docs/ci.md)."),
        click.option("--no-config", is_flag=True, help="Ignore .errpath.toml."),
        click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False), default=None,
                     help="Suppress the findings recorded in this file (see `errpath baseline`)."),
        click.option("--reproducible", is_flag=True,
                     help="Leave timings and cache counters out of the report: same inputs, byte-identical report."),
        click.option("-q", "--quiet", is_flag=True, help="No progress and no summary on stderr."),
        click.option("-v", "--verbose", is_flag=True, help="More detail on stderr."),
    ]
    for opt in reversed(options):
        f = opt(f)
    return f


# Options of _common that mean nothing to `errpath baseline` (it writes fingerprints, not a report):
# hidden from its --help and refused when given.
BASELINE_SKIP = {"fmt": "--format", "fail_on": "--fail-on", "baseline_file": "--baseline",
                 "commit_url": "--commit-url", "reproducible": "--reproducible"}


def _common_baseline(f):
    f = _common(f)
    for p in getattr(f, "__click_params__", ()):
        if p.name in BASELINE_SKIP:
            p.hidden = True
    return f


def _split(values) -> list[str]:
    out = []
    for v in values:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


class _Progress:
    """Progress on stderr, only when stderr is a terminal (never in CI logs or
    pipes): the phase, files analysed / to analyse and an estimate of the time
    left (tqdm), then which phase runs once the files are parsed."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.count = 0
        self.bar = None
        self.total = 0

    def start(self, total: int) -> None:
        """A batch of `total` files is about to be analysed (errpath.pipeline.engine.Engine.analyse)."""
        if not self.enabled or total <= 0:
            return
        self._close()
        from tqdm import tqdm
        self.total = total
        try:   # a terminal that reports no size (a bare pty) would make tqdm hide the bar
            size = os.get_terminal_size(sys.stderr.fileno())
            cols, rows = size.columns, size.lines
        except (OSError, ValueError):
            cols = rows = 0
        self.bar = tqdm(total=total, file=sys.stderr, leave=False, ncols=cols or 100, nrows=rows or 24,
                        mininterval=0.2,
                        unit="file", bar_format="errpath: analysed {n_fmt}/{total_fmt} files "
                        "{bar:20} [{elapsed}<{remaining}, {rate_fmt}] {postfix}")

    def __call__(self, path: str, n: int) -> None:
        if not self.enabled:
            return
        from ..report.escape import one_line
        self.count += n
        shown = one_line(path)[-40:]        # a hostile path stays escaped on the terminal too
        if self.bar is None:
            sys.stderr.write(f"\r\033[Kerrpath: analysed {self.count} files ({shown})")
            sys.stderr.flush()
            return
        self.bar.set_postfix_str(shown, refresh=False)
        self.bar.update(n)
        if self.bar.n >= self.total:
            self._close()
            self.phase(f"analysed {self.count} files; running the rules")

    def phase(self, text: str) -> None:
        if self.enabled:
            sys.stderr.write(f"\r\033[Kerrpath: {text}...")
            sys.stderr.flush()

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def done(self) -> None:
        if self.enabled and self.count:
            self._close()
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _run(kind: str, spec: str | None, paths: tuple[str, ...], o: dict, sink=None) -> int:
    from ..pipeline.engine import Engine, scan
    from ..pipeline.attribution import audit
    from ..git.repo import GitError, Repo
    from ..rules import RuleError, load_rules, select_rules

    try:
        repo = Repo(o["repo_path"])
    except GitError as e:
        raise InputError(str(e)) from None
    from ..report import baseline as _baseline
    from . import config as _config, userpaths
    from ..git import series as _series
    from ..report import series as _report_series
    here = userpaths.cwd_prefix(repo)   # paths typed here are read from where the user stands
    try:
        if not o.get("series"):
            paths = tuple(userpaths.resolve(repo, paths, here))
        for key in ("context_paths", "exclude", "series_paths"):
            if o.get(key):
                o[key] = tuple(userpaths.resolve(repo, o[key], here))
    except userpaths.PathError as e:
        raise InputError(str(e)) from None
    try:  # .errpath.toml (or --config) under the command line; --baseline
        cfg = _config.load(repo, o.get("config_file"), o.get("no_config", False))
        _config_notice(repo, cfg, o)
        _config.apply(o, cfg, click.get_current_context(silent=True))
        suppress = _baseline.load(o["baseline_file"]) if o.get("baseline_file") else None
        all_rules = load_rules(o["rules_dir"])
        _config.check_rule_ids(cfg, {r.id for r in all_rules})
        rules = select_rules(all_rules, _split(o["select"]), _split(o["ignore"]))
    except (RuleError, _config.ConfigError, _baseline.BaselineError) as e:
        raise InputError(str(e)) from None
    series = None
    if o.get("series"):  # apply the patches in a scratch object db, audit them as a range
        try:
            series = _series.prepare(repo, [spec, *paths], o.get("onto"), list(o.get("series_paths") or ()),
                                     resolve=lambda p: userpaths.resolve_one(repo, p, here))
        except userpaths.PathError as e:
            raise InputError(str(e)) from None
        except (_series.SeriesError, GitError) as e:
            raise InputError(str(e)) from None
        atexit.register(series.close)
        if series.head is None:
            raise InputError(series.error)
        repo, paths = series.repo, tuple(series.scope)
    elif o.get("onto") or o.get("series_paths"):
        raise InputError("--onto and --path go with --series")
    try:
        cache = Cache(None if o["no_cache"] else (o["cache_dir"] or default_cache_dir()))
    except CacheError as e:
        raise InputError(str(e)) from None
    exclude = _config.path_filter(o["exclude"])
    progress = _Progress(not o["quiet"])
    executor = "dask" if o.get("scheduler") else (o.get("executor") or "local")
    engine = Engine(repo, rules, cache, jobs=o["jobs"], context_paths=o["context_paths"],
                    exclude=exclude, progress=progress, executor=executor, scheduler=o.get("scheduler"))
    if executor == "dask":   # connect now: a bad address is a usage error, not a crash mid-run
        try:
            engine.executor()
        except Exception as e:
            engine.close()
            cache.close()
            raise InputError(f"--executor dask: {type(e).__name__}: {e}") from None
    pathspecs = [p.rstrip("/") + ("/" if p.endswith("/") else "") for p in paths]
    whole_head = None
    try:
        if kind == "audit":
            base, head = (series.onto, series.head) if series else repo.parse_range(spec)
            if base is None and not series:   # a single revision: all its history, from the root commit
                raise InputError(f"audit needs a range BASE..HEAD, not one revision {spec!r} (that would "
                                 f"audit all of its history from the root commit): write e.g. "
                                 f"{spec}~1..{spec}, or 'errpath scan --rev {spec}' to check one tree")
            if base is not None and not repo.range_commits(base, head):
                raise InputError(f"empty range {spec}: {head.short_id} has nothing {base.short_id} lacks")
            for p in pathspecs if not (series and not series.explicit) else ():  # derived: no check
                if not repo.pathspec_exists(head, p) and (base is None or not repo.pathspec_exists(base, p)):
                    _nothing(p, f"in {spec}" if not series else f"in the series onto {base.short_id}", o)
            min_conf = CONFIDENCES.index(o["min_confidence"])   # no blame spent on what is not shown
            result = audit(engine, base, head, pathspecs,
                           keep=lambda f: CONFIDENCES.index(f.confidence) >= min_conf)
            if o.get("report_unused_suppressions"):   # every finding HEAD has, to judge each comment
                whole_head = engine.checked(head, pathspecs).findings
        else:
            commit = repo.resolve(spec or "HEAD")
            for p in pathspecs:
                if not repo.pathspec_exists(commit, p):
                    _nothing(p, f"at {spec or 'HEAD'}", o)
            result = scan(engine, spec or "HEAD", pathspecs)
            whole_head = list(result.findings)
    except GitError as e:
        raise InputError(str(e)) from None
    finally:
        progress.done()
        engine.close()
        cache.close()
    min_conf = CONFIDENCES.index(o["min_confidence"])
    result.findings = [f for f in result.findings if CONFIDENCES.index(f.confidence) >= min_conf]
    result.fixed = [f for f in result.fixed if CONFIDENCES.index(f.confidence) >= min_conf]
    try:
        _suppress_in_source(result, repo, rules, all_rules, whole_head, exclude, o)
    except GitError as e:
        raise InputError(str(e)) from None
    _config.apply_severity(rules, (result.findings, result.fixed), o.get("severity_overrides"))
    _baseline.suppress(result, suppress)
    if series is not None:
        result = _report_series.annotate(result, series)
    if sink is not None:
        return sink(result, repo, rules)
    # HTML without -o: never into the kernel tree you stand in (reports/ would be an
    # untracked folder there); beside the cache instead
    reports_root = "reports" if here is None else os.path.join(o["cache_dir"] or default_cache_dir(), "reports")
    _emit(result, o, repo, rules, reports_root=reports_root)
    if series is not None:
        if not o["quiet"]:
            for line in _report_series.summary_lines(result, series):
                click.echo(line, err=True)
        series.close()
        if series.failed is not None:  # the patches before it were audited and reported
            raise InputError(series.error)
    if result.stats.get("rule_errors"):
        return EXIT_INTERNAL  # the report is complete except for the failed rules
    return _exit_code(result, o["fail_on"])


def _suppress_in_source(result: RunResult, repo, rules, all_rules, whole_head, exclude, o) -> None:
    """`/* errpath: ignore RULE -- reason */` comments (errpath.report.suppress): drop the
    findings they silence, count them in stats.suppressions, and with
    --report-unused-suppressions list the comments that silence nothing."""
    from ..report import suppress
    from ..git.repo import GitError

    def text(sha: str, path: str) -> str | None:
        try:
            data = repo.read_path(sha, path)
        except GitError:
            return None
        return data.decode("utf-8", "surrogateescape") if data is not None else None

    sup = suppress.Suppressor(text)
    result.findings = sup.filter(result.head.sha, result.findings)
    result.fixed = sup.filter(result.base.sha if result.base else None, result.fixed)
    info: dict = {"suppressed": sum(sup.silenced.values()), "rules": dict(sorted(sup.silenced.items()))}
    if o.get("report_unused_suppressions"):
        sup.mark_used(result.head.sha, whole_head or ())
        files = [(p, repo.read_blob(b)) for p, b in repo.list_files(result.head.sha, result.paths)
                 if exclude is None or not exclude(p)]
        comments = suppress.scan_comments(files)
        info["comments"] = len(comments)
        info["unused"] = suppress.unused(comments, sup.used, {r.id for r in all_rules}, {r.id for r in rules})
    result.stats["suppressions"] = info


def _config_notice(repo, cfg, o: dict) -> None:
    """Say where the settings come from (-v), and that an uncommitted .errpath.toml
    in the work tree is not read (errpath reads HEAD's, from the object database)."""
    from . import config as _config
    if o.get("verbose"):
        where = cfg.source if cfg is not None else (
            "none (--no-config)" if o.get("no_config") else f"none ({_config.CONFIG_NAME} is not in HEAD's tree)")
        click.echo(f"errpath: config: {where}; {_config.CONFIG_NAME} is read from the HEAD commit, "
                   f"not the work tree", err=True)
    if o.get("no_config") or o.get("config_file") or o.get("quiet"):
        return
    workdir = getattr(repo.pygit2_repo, "workdir", None)
    if not workdir:
        return
    on_disk = Path(workdir) / _config.CONFIG_NAME
    try:
        import stat
        if not stat.S_ISREG(os.lstat(on_disk).st_mode):   # a symlink is never followed
            return
        data = on_disk.read_bytes()[:_config.MAX_CONFIG_BYTES + 1]
    except OSError:
        return
    try:
        committed = repo.read_path(repo.resolve("HEAD"), _config.CONFIG_NAME)
    except Exception:
        committed = None
    if committed != data:
        state = "is not committed" if committed is None else "differs from HEAD's"
        click.echo(f"errpath: note: {_config.CONFIG_NAME} in the work tree {state}; errpath reads the committed "
                   f"one (commit it: git add -f {_config.CONFIG_NAME}, as the kernel's .gitignore ignores "
                   f"dotfiles; or pass --config {_config.CONFIG_NAME})", err=True)


def _nothing(path: str, where: str, o: dict) -> None:
    """A path that matches nothing: an error (a typo in CI must not pass), unless --allow-empty."""
    from ..report.escape import one_line
    shown = one_line(repr(path))
    if o.get("allow_empty"):
        click.echo(f"errpath: warning: path {shown} matches nothing {where}", err=True)
        return
    raise InputError(f"path {shown} matches nothing {where} (paths are read from the current "
                     f"directory inside the work tree; --allow-empty accepts it)")


def _emit(result: RunResult, o: dict, repo, rules, reports_root: str = "reports") -> Path | None:
    from ..report import write_report
    from ..report.sources import GitSourceView
    from ..rules import rule_docs

    try:
        shown = result if not o.get("reproducible") else dataclasses.replace(
            result, stats={k: v for k, v in result.stats.items() if k not in VOLATILE_STATS})
        written = write_report(shown, o["fmt"], o["output"], sources=GitSourceView(repo),
                               tool_version=__version__, rule_docs=rule_docs(rules),
                               commit_url=o.get("commit_url"), reports_root=reports_root,
                               mail_options=o.get("mail_options"))
    except OSError as e:
        where = o["output"] or getattr(e, "filename", None) or "to standard output"
        raise InputError(f"cannot write report {where}: {e.strerror or e}") from None
    if not o["quiet"]:
        s = result.stats
        cov = s.get("parse_coverage")
        summary = (f"errpath: {len(result.findings)} finding(s)"
                   + (f", {len(result.fixed)} fixed" if result.base else "")
                   + (f"; {s.get('commits', 0)} commit(s), " if result.base else f"; at {result.head.sha12}, ")
                   + f"{s.get('files', 0)} file(s), "
                   f"{s.get('functions', 0)} function(s), parse coverage "
                   f"{cov * 100:.1f}%" if cov is not None else "")
        unparsed = s.get("functions_unparsed", 0)
        if unparsed:
            summary += f" ({unparsed} not analysed; listed in --format json/html)"
        summary += f"; {s.get('seconds', 0):.2f}s"
        click.echo(summary, err=True)
        if s.get("rules_budget"):
            click.echo(f"errpath: {len(s['rules_budget'])} function(s) not analysed: budget "
                       f"(rules ran too long; see stats.rules_budget)", err=True)
        sup = s.get("suppressions") or {}
        if sup.get("suppressed"):
            click.echo(f"errpath: {sup['suppressed']} finding(s) silenced by errpath: ignore comments "
                       f"in the source", err=True)
        if s.get("baseline"):
            click.echo(f"errpath: {s['baseline']['suppressed']} finding(s) suppressed by baseline "
                       f"{s['baseline']['file']}", err=True)
        if s.get("rule_errors"):
            from ..report.escape import one_line
            click.echo(f"errpath: {len(s['rule_errors'])} internal rule error(s); see stats.rule_errors", err=True)
            for e in s["rule_errors"][:10]:
                click.echo(f"errpath: internal error: rule {one_line(e['rule'])} in {one_line(e['path'])}:"
                           f"{one_line(e['function'])}(): {one_line(e['error'])[:200]}", err=True)
        if written is not None:
            click.echo(f"errpath: report written to {written}", err=True)
    unused = (result.stats.get("suppressions") or {}).get("unused")
    if unused is not None:   # asked for: printed even with -q
        from ..report.escape import escape_control, one_line
        click.echo(f"errpath: {len(unused)} unused suppression(s)", err=True)
        for u in unused:
            ids = ", ".join(one_line(r) for r in u["rules"]) or "(no rule id)"
            click.echo(f"{one_line(u['path'])}:{u['line']}: note: unused suppression 'errpath: ignore {ids}': "
                       f"{u['why']}" + (f" -- {escape_control(u['reason'], single_line=True)}" if u["reason"] else "")
                       + " [unused-suppression]", err=True)
    return written


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="errpath")
def cli():
    """errpath: a static auditor of Linux-kernel C error paths across a git range."""


@cli.command()
@click.argument("range_spec", metavar="BASE..HEAD")
@click.argument("paths", nargs=-1)
@_common
@click.option("--series", is_flag=True, help="Audit a patch series: the arguments are patch files or mboxes, "
              "applied in memory onto --onto (see docs/ci.md).")
@click.option("--onto", default=None, help="With --series: apply onto this revision "
              "(default: the series' base-commit, else HEAD).")
@click.option("--path", "series_paths", multiple=True,
              help="With --series: audit this path (as PATH arguments after the patches do; "
              "default: the folders the patches touch).")
def audit(range_spec, paths, **o):
    """Audit BASE..HEAD: findings the range introduced or fixed, each pinned to its commit.

    With --series, audit patches before they are merged: errpath audit --series 0001-*.patch --onto v6.6 [PATH...]
    """
    return _guard(_run, "audit", range_spec, paths, o, verbose=o["verbose"])


@cli.command("baseline")
@click.argument("args", nargs=-1, metavar="[BASE..HEAD] [PATH...]")
@click.option("--rev", default=None, help="Record every finding present at this revision instead of a range's.")
@_common_baseline
def baseline_cmd(args, rev, **o):
    """Record today's findings by fingerprint (-o FILE); later runs pass --baseline FILE
    to report only new ones."""
    def run():
        from ..report.baseline import write
        ctx = click.get_current_context(silent=True)
        from .config import _given
        for name, flag in BASELINE_SKIP.items():
            if _given(ctx, name):
                raise InputError(f"{flag} does not apply to errpath baseline (it writes fingerprints, "
                                 f"not a report; see 'errpath baseline --help')")
        if not o["output"]:
            raise InputError("errpath baseline needs -o FILE (or -o - for stdout)")
        if rev is None and not args:
            raise InputError("errpath baseline needs BASE..HEAD or --rev REV")
        kind, spec, paths = ("scan", rev, args) if rev is not None else ("audit", args[0], args[1:])

        def sink(result, repo, rules):
            try:
                written = write(result, o["output"], __version__)
            except OSError as e:
                raise InputError(f"cannot write baseline: {e.strerror or e}: "
                                 f"{getattr(e, 'filename', '') or o['output']}") from None
            if not o["quiet"]:
                click.echo(f"errpath: baseline of {len(result.findings)} finding(s) written to "
                           f"{written or 'stdout'}", err=True)
            return EXIT_INTERNAL if result.stats.get("rule_errors") else 0
        return _run(kind, spec, paths, o, sink=sink)
    return _guard(run, verbose=o["verbose"])


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--rev", default="HEAD", show_default=True, help="The revision to check.")
@_common
def scan(paths, rev, **o):
    """Check one tree (default HEAD) with no attribution."""
    return _guard(_run, "scan", rev, paths, o, verbose=o["verbose"])


@cli.command()
@click.option("--keep", type=click.Path(), default=None, help="Build the demo repository here and keep it.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(), default=None, help="Where the HTML report goes (default reports/demo/).")
def demo(keep, fmt, output):
    """Build a small kernel-like history from the bundled fixtures, audit it, and
    print the findings (also writes an HTML report)."""
    return _guard(_demo, keep, fmt, output)


def _demo(keep, fmt, output) -> int:
    from ..pipeline.engine import Engine
    from ..pipeline.attribution import audit as run_audit
    from ..git.repo import Repo
    from ..rules import load_rules
    from .story import build_story, builtin_story_dir

    with tempfile.TemporaryDirectory(prefix="errpath-demo-") as tmp:
        where = Path(keep) if keep else Path(tmp) / "linux"
        if keep and where.exists() and any(where.iterdir()):
            raise InputError(f"--keep {where}: folder exists and is not empty")
        build_story(builtin_story_dir("discard-loop"), where)
        click.echo(f"errpath demo: built a 6-commit kernel-like history in {where}", err=True)
        click.echo("errpath demo: $ errpath audit v1.0..v1.1", err=True)
        repo = Repo(where)
        rules = load_rules()
        engine = Engine(repo, rules, Cache(None), jobs=1)
        try:
            base, head = repo.parse_range("v1.0..v1.1")
            # what the command it prints shows: the same default --min-confidence
            medium = CONFIDENCES.index("medium")
            result = run_audit(engine, base, head, [], keep=lambda f: CONFIDENCES.index(f.confidence) >= medium)
            result.findings = [f for f in result.findings if CONFIDENCES.index(f.confidence) >= medium]
            result.fixed = [f for f in result.fixed if CONFIDENCES.index(f.confidence) >= medium]
        finally:
            engine.close()
        o = {"fmt": fmt, "output": None, "quiet": True, "commit_url": None}
        _emit(result, o, repo, rules)
        html_out = output or str(Path("reports") / "demo")
        o_html = {"fmt": "html", "output": html_out, "quiet": True, "commit_url": None}
        written = _emit(result, o_html, repo, rules)
        click.echo(f"errpath demo: {len(result.findings)} finding(s) introduced in v1.0..v1.1; "
                   f"HTML report: {written}", err=True)
    return 0


@cli.command("rules")
@click.option("--rules-dir", multiple=True, type=click.Path())
def list_rules(rules_dir):
    """List the rules."""
    def run():
        from ..rules import RuleError, load_rules
        try:
            rules = load_rules(rules_dir)
        except RuleError as e:
            raise InputError(str(e)) from None
        for r in rules:
            click.echo(f"{r.id:<24} {r.severity:<8} {r.confidence:<7} {r.title}")
        return 0
    return _guard(run)


@cli.command("rule")
@click.argument("rule_id")
@click.option("--rules-dir", multiple=True, type=click.Path())
def show_rule(rule_id, rules_dir):
    """Print one rule's documentation."""
    def run():
        from ..rules import RuleError, load_rules
        try:
            rules = {r.id: r for r in load_rules(rules_dir)}
        except RuleError as e:
            raise InputError(str(e)) from None
        if rule_id not in rules:
            raise InputError(f"unknown rule: {rule_id} (known: {', '.join(sorted(rules))})")
        r = rules[rule_id]
        click.echo(f"{r.id}: {r.title}\nseverity: {r.severity}  confidence: {r.confidence}\n\n{r.doc}")
        return 0
    return _guard(run)


from .explain import explain_cmd  # noqa: E402  (errpath explain FUNCTION ERRNO)
cli.add_command(explain_cmd)
from .contracts import contracts_cmd  # noqa: E402  (errpath contracts BASE..HEAD [PATH...])
cli.add_command(contracts_cmd)


def main(argv=None) -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm(os.getpid()))
    try:
        rv = cli.main(args=argv, prog_name="errpath", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as e:
        click.echo(e.format_message() if hasattr(e, "format_message") else "", err=True)
        sys.exit(EXIT_USAGE)
    except click.UsageError as e:
        if e.ctx is None or e.ctx.command is None:
            hint = ""
        elif e.ctx.parent is None:   # the top level: no command, or an unknown one
            hint = " (try 'errpath --help')"
        else:
            hint = f" (try 'errpath {e.ctx.command.name} --help')"
        click.echo(f"errpath: error: {e.format_message()}{hint}", err=True)
        sys.exit(EXIT_USAGE)
    except click.exceptions.Abort:
        click.echo("errpath: interrupted", err=True)
        sys.exit(130)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.ClickException as e:
        click.echo(f"errpath: error: {e.format_message()}", err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(rv if isinstance(rv, int) else 0)


def entry() -> None:
    """The `errpath` command: main(), then out of the process at once. A run
    leaves millions of small objects (light facts, CFGs, summaries) that the
    interpreter would free one by one on its way out: 3.6 s of a 24 s `scan fs/`.
    Every file is closed by then (the report is written atomically, the cache
    closed); output is flushed and atexit handlers run (a series' scratch object
    database) before os._exit. Tests call main(), which exits the usual way."""
    try:
        main()
        code = 0
    except SystemExit as e:
        code = e.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    if threading.active_count() > 1:   # a thread of ours still running: let it finish
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe (`errpath ... | head`)
            pass
    os._exit(code)


if __name__ == "__main__":
    entry()
