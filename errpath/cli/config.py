"""`.errpath.toml`: per-repository settings for CI on kernel forks.

Where it comes from, in order:

1. `--config FILE` (a file on disk, read as given);
2. otherwise `.errpath.toml` at the root of the tree of the audited
   repository's HEAD commit, read from the object database (never from the
   work tree: uncommitted edits do not count, a symlink named `.errpath.toml`
   is ignored, and a bare mirror has one too);
3. `--no-config` skips both.

The file::

    [rules]
    select = ["zero-step-loop"]          # run only these rules (default: all)
    ignore = []                          # skip these
    fail-on = "warning"                  # note | warning | error | none
    min-confidence = "medium"            # low | medium | high

    [rules.severity]                     # severity overrides per rule
    "zero-step-loop" = "error"

    [paths]
    exclude = ["drivers/staging/", "tools/*"]   # globs (a folder ending in / means all under it):
                                                # not reported, still analysed
    context = ["include/linux/"]                 # widen the analysis: feed summaries, never reported

    [report]
    commit-url = "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id={sha}"

    [mail]                               # --format mail: the test robot's tags block
    from = "Jane Dev <jane@example.org>"         # From: of a series' replies
    reported-by = "Jane Dev <jane@example.org>"  # default: from
    closes = "https://lore.kernel.org/r/{message_id}/"   # {message_id} (a reply's), {sha}, {sha12}

Command-line flags override the file, key by key: `--select` replaces
`rules.select`, `--exclude` replaces `paths.exclude`, and so on. Unknown keys,
wrong types and unknown values are errors naming the key. On purpose there is
no key that loads code (no rules folder): a branch pushed by anyone can carry
its own `.errpath.toml`, so the most it can do is change what is reported.
"""
from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from typing import Any, Callable

from ..model import CONFIDENCES, SEVERITIES

CONFIG_NAME = ".errpath.toml"
MAX_CONFIG_BYTES = 1 << 20

_STR_LIST = "list of strings"


class ConfigError(Exception):
    """A config problem: str(err) is one line naming the file and the key."""


@dataclass
class Config:
    source: str | None = None                 # where it was read from (None: no config)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str | None = None
    min_confidence: str | None = None
    exclude: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    commit_url: str | None = None
    mail: dict[str, str] = field(default_factory=dict)   # [mail]: from, reported-by, closes


_SCHEMA: dict[str, dict[str, str]] = {
    "rules": {"select": _STR_LIST, "ignore": _STR_LIST, "severity": "table",
              "fail-on": "fail-on", "min-confidence": "confidence"},
    "paths": {"exclude": _STR_LIST, "context": _STR_LIST},
    "report": {"commit-url": "string"},
    "mail": {"from": "mail", "reported-by": "mail", "closes": "mail"},
}


def _known(keys) -> str:
    return ", ".join(sorted(keys))


def parse_config(data: bytes, source: str) -> Config:
    """Parse and validate the bytes of a config file (source names it in errors)."""
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"config {source}: too large ({len(data)} bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"config {source}: not UTF-8 (byte {e.start})") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"config {source}: invalid TOML: {' '.join(str(e).split())}") from None
    except RecursionError:
        raise ConfigError(f"config {source}: invalid TOML: nested too deeply") from None
    cfg = Config(source=source)
    for section, value in doc.items():
        if section not in _SCHEMA:
            raise ConfigError(f"config {source}: unknown key {section!r} "
                              f"(known: {_known(_SCHEMA)})")
        if not isinstance(value, dict):
            raise ConfigError(f"config {source}: {section!r} must be a table ([{section}])")
        for key, v in value.items():
            kind = _SCHEMA[section].get(key)
            where = f"{section}.{key}"
            if kind is None:
                raise ConfigError(f"config {source}: unknown key {where!r} "
                                  f"(known in [{section}]: {_known(_SCHEMA[section])})")
            _set(cfg, where, kind, v, source)
    return cfg


def _set(cfg: Config, where: str, kind: str, v: Any, source: str) -> None:
    def bad(expected: str) -> ConfigError:
        return ConfigError(f"config {source}: {where} must be {expected}, not {_show(v)}")

    if kind == _STR_LIST:
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            raise bad("a list of non-empty strings")
        value: Any = [x.strip() for x in v]
    elif kind == "string":
        if not isinstance(v, str):
            raise bad("a string")
        value = v
    elif kind == "mail":
        if not isinstance(v, str) or not v.strip() or any(ord(c) < 0x20 or ord(c) == 0x7F for c in v):
            raise bad("a one-line string")
        cfg.mail[where.split(".", 1)[1].replace("-", "_")] = v.strip()
        return
    elif kind == "fail-on":
        if v not in (*SEVERITIES, "none"):
            raise bad("one of " + ", ".join((*SEVERITIES, "none")))
        value = v
    elif kind == "confidence":
        if v not in CONFIDENCES:
            raise bad("one of " + ", ".join(CONFIDENCES))
        value = v
    elif kind == "table":
        if not isinstance(v, dict):
            raise bad('a table of rule = "severity"')
        for rule, sev in v.items():
            if sev not in SEVERITIES:
                raise ConfigError(f"config {source}: {where}.{rule} must be one of "
                                  f"{', '.join(SEVERITIES)}, not {_show(sev)}")
        value = dict(v)
    else:  # pragma: no cover - schema and setter are one table
        raise AssertionError(kind)
    setattr(cfg, where.split(".", 1)[1].replace("-", "_"), value)


def _show(v: Any) -> str:
    s = repr(v)
    return s if len(s) <= 60 else s[:57] + "..."


def read_config_file(path: str) -> Config:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_CONFIG_BYTES + 1)
    except OSError as e:
        raise ConfigError(f"cannot read config {path}: {e.strerror or e}") from None
    return parse_config(data, path)


def read_repo_config(repo) -> Config | None:
    """`.errpath.toml` at the root of the repository's HEAD tree (object db), or None."""
    from ..git.repo import GitError
    try:
        head = repo.resolve("HEAD")
    except GitError:
        return None                      # unborn HEAD: nothing committed, no config
    try:
        data = repo.read_path(head, CONFIG_NAME)
    except GitError:
        return None
    if data is None:
        return None
    return parse_config(data, f"{CONFIG_NAME} (at HEAD {str(head.id)[:12]})")


def load(repo, config_file: str | None, no_config: bool) -> Config | None:
    if no_config:
        return None
    if config_file:
        return read_config_file(config_file)
    return read_repo_config(repo)


# -- merging with the command line ---------------------------------------------

def _given(ctx, name: str) -> bool:
    """Did the user pass this option on the command line (not its default)?"""
    if ctx is None:
        return False
    from click.core import ParameterSource
    try:
        src = ctx.get_parameter_source(name)
    except Exception:
        return False
    return src not in (None, ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP)


def apply(o: dict, cfg: Config | None, ctx=None) -> None:
    """Fill the CLI's options dict from cfg where the user gave no flag."""
    if cfg is None:
        return
    pairs = (("select", tuple(cfg.select)), ("ignore", tuple(cfg.ignore)),
             ("exclude", tuple(cfg.exclude)), ("context_paths", tuple(cfg.context)),
             ("fail_on", cfg.fail_on), ("min_confidence", cfg.min_confidence),
             ("commit_url", cfg.commit_url))
    for name, value in pairs:
        if name not in o or value in (None, ()):
            continue
        if not _given(ctx, name):
            o[name] = value
    o["severity_overrides"] = dict(cfg.severity)
    o["mail_options"] = dict(cfg.mail)


def check_rule_ids(cfg: Config | None, known: set[str]) -> None:
    """Rule ids in the config must exist (CLI ids are checked by select_rules)."""
    if cfg is None:
        return
    for where, ids in (("rules.select", cfg.select), ("rules.ignore", cfg.ignore),
                       ("rules.severity", list(cfg.severity))):
        for rid in ids:
            if rid not in known:
                raise ConfigError(f"config {cfg.source}: {where}: unknown rule {rid!r} "
                                  f"(known: {_known(known)})")


def apply_severity(rules, findings_lists, overrides: dict[str, str] | None) -> None:
    """Severity overrides: on the rules (docs, SARIF) and on every finding."""
    if not overrides:
        return
    for r in rules:
        if r.id in overrides:
            r.severity = overrides[r.id]
    for findings in findings_lists:
        for f in findings:
            if f.rule in overrides:
                f.severity = overrides[f.rule]


def path_filter(globs) -> Callable[[str], bool] | None:
    """A predicate for excluded paths: fnmatch globs; 'dir/' or 'dir' also match all under it."""
    pats = [g.strip() for g in globs if g and g.strip()]
    if not pats:
        return None
    expanded: list[str] = []
    for g in pats:
        g = g[2:] if g.startswith("./") else g
        expanded.append(g.rstrip("/") if g.endswith("/") else g)
        expanded.append(g.rstrip("/") + "/*")

    def excluded(path: str) -> bool:
        return any(fnmatch.fnmatchcase(path, p) for p in expanded)
    excluded.key = tuple(expanded)   # names the filter for the results cache
    return excluded


__all__ = ["CONFIG_NAME", "Config", "ConfigError", "parse_config", "read_config_file",
           "read_repo_config", "load", "apply", "check_rule_ids", "apply_severity",
           "path_filter"]
