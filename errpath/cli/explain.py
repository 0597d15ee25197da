"""`errpath explain FUNCTION ERRNO`: the command and the renderers (text, JSON,
HTML) of an explanation computed by errpath.analysis.explain."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
import click

from ..analysis.explain import Explanation, explain, in_syscall, is_syscall
from ..knowledge.errnos import parse_errno
from ..report.escape import escape_control


def fn_label(e: Explanation, function: str, path: str, line: int) -> str:
    """`io_uring_setup()` for a function, `SYSCALL_DEFINE(io_uring_setup)` for the
    system call of that name."""
    return f"SYSCALL_DEFINE({function})" if in_syscall(e, function, path, line) else f"{function}()"


def render_text(e: Explanation) -> str:
    kind = "system call " if is_syscall(e.entry) else ""
    out = [f"{kind}{e.function}() can return -{e.errno} from {len(e.origins)} place(s) "
           f"(entry {e.entry.path}:{e.entry.line}), shortest call chain first:"]
    for i, o in enumerate(e.origins, 1):
        out.append("")
        out.append(f"{i}. {o.path}:{o.line}: {fn_label(e, o.function, o.path, o.line)}: "
                   f"{escape_control(o.statement, single_line=True)}")
        chain = " -> ".join(fn_label(e, s.function, s.path, s.line) for s in o.chain)
        out.append(f"   chain: {chain}")
        for s in o.chain[:-1]:
            out.append(f"     {s.path}:{s.line}: {fn_label(e, s.function, s.path, s.line)}: "
                       f"{escape_control(s.statement, single_line=True)}")
        if o.conditions:
            out.append("   when:")
            for c in o.conditions:
                out.append(f"     {c.path}:{c.line}: {fn_label(e, c.function, c.path, c.line)}: "
                           f"{escape_control(c.condition, single_line=True)}")
    if e.unfollowed:
        out.append("")
        out.append("not followed (body outside the analysed paths, or a call through a pointer):")
        for u in e.unfollowed[:40]:
            out.append(f"  {u.path}:{u.line}: {u.function}() -> {escape_control(u.callee, single_line=True)}")
        if len(e.unfollowed) > 40:
            out.append(f"  ... and {len(e.unfollowed) - 40} more (see --format json)")
    return "\n".join(out) + "\n"


HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>errpath explain {{ e.function }} -{{ e.errno }}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em; color: #1d1d1f; }
code, .mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
h1 { font-size: 1.3em; }
svg text { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
.node rect { fill: #eef3fb; stroke: #5470a0; }
.node.origin rect { fill: #fdecea; stroke: #b3261e; }
.edge { stroke: #8793a8; fill: none; }
ol li { margin-bottom: 1em; }
.cond { color: #555; }
table { border-collapse: collapse; }
td { padding: 0 .6em 0 0; vertical-align: top; }
</style>
</head>
<body>
<h1><code>{{ e.function }}()</code> can return <code>-{{ e.errno }}</code> from {{ e.origins|length }} place(s)</h1>
<p>Entry: <code>{{ e.entry.path }}:{{ e.entry.line }}</code>. Origins ranked by call-chain length.</p>
<svg xmlns="http://www.w3.org/2000/svg" width="{{ tree.width }}" height="{{ tree.height }}" role="img"
     aria-label="call tree from {{ e.function }} to each origin of -{{ e.errno }}">
{% for edge in tree.edges %}
<path class="edge" d="M{{ edge.x1 }},{{ edge.y1 }} C{{ edge.mx }},{{ edge.y1 }} {{ edge.mx }},{{ edge.y2 }} {{ edge.x2 }},{{ edge.y2 }}"/>
{% endfor %}
{% for n in tree.nodes %}
<g class="node{% if n.origin %} origin{% endif %}">
<rect x="{{ n.x }}" y="{{ n.y }}" width="{{ n.w }}" height="{{ n.h }}" rx="4"/>
<text x="{{ n.x + 6 }}" y="{{ n.y + 15 }}">{{ n.label }}</text>
<title>{{ n.title }}</title>
</g>
{% endfor %}
</svg>
<ol>
{% for o in e.origins %}
<li id="origin-{{ loop.index }}"><code>{{ o.path }}:{{ o.line }}</code> in <code>{{ o.function }}()</code>: <code>{{ o.statement }}</code>
<div>chain: {% for s in o.chain %}<code>{{ s.function }}()</code>{% if not loop.last %} &rarr; {% endif %}{% endfor %}</div>
<table>
{% for s in o.chain[:-1] %}<tr><td class="mono">{{ s.path }}:{{ s.line }}</td><td><code>{{ s.statement }}</code></td></tr>{% endfor %}
</table>
{% if o.conditions %}<div class="cond">when:
<table>{% for c in o.conditions %}<tr><td class="mono">{{ c.path }}:{{ c.line }}</td><td><code>{{ c.condition }}</code></td></tr>{% endfor %}</table></div>{% endif %}
</li>
{% endfor %}
</ol>
{% if e.unfollowed %}
<h2>Not followed</h2>
<p>Calls whose result reaches a return but whose body is outside the analysed paths, or calls through a pointer.</p>
<ul>{% for u in e.unfollowed %}<li><code>{{ u.path }}:{{ u.line }}</code> <code>{{ u.function }}()</code> &rarr; <code>{{ u.callee }}</code></li>{% endfor %}</ul>
{% endif %}
</body>
</html>
"""


def _tree(e: Explanation) -> dict:
    """Lay the chains out as a tree: depth → x, leaf order → y."""
    root: dict = {"label": fn_label(e, e.entry.name, e.entry.path, e.entry.line), "title": f"{e.entry.path}:{e.entry.line}", "kids": {}, "origin": False}
    for o in e.origins:
        cur = root
        for s in o.chain[1:]:
            key = ("fn", s.function, s.path)
            cur = cur["kids"].setdefault(key, {"label": f"{s.function}()", "title": f"{s.path}", "kids": {},
                                               "origin": False})
        leaf_key = ("origin", o.path, o.line)
        text = o.statement if len(o.statement) <= 48 else o.statement[:47] + "…"
        cur["kids"].setdefault(leaf_key, {"label": f"{Path(o.path).name}:{o.line} {text}",
                                          "title": f"{o.path}:{o.line}: {o.statement}", "kids": {},
                                          "origin": True})
    nodes, edges = [], []
    col_w, row_h, box_h = 230, 28, 22
    widths: dict[int, int] = {}
    counter = [0]

    def place(n, depth):
        w = max(120, 8 * len(n["label"]) + 12)
        widths[depth] = max(widths.get(depth, 0), w)
        kids = list(n["kids"].values())
        if not kids:
            y = counter[0] * row_h + 10
            counter[0] += 1
        else:
            ys = [place(k, depth + 1) for k in kids]
            y = (ys[0] + ys[-1]) / 2
        n["_y"], n["_d"], n["_w"] = y, depth, w
        return y

    place(root, 0)
    xs = {0: 10}
    for d in sorted(widths)[1:]:
        xs[d] = xs[d - 1] + min(widths[d - 1], col_w + 200) + 40

    def emit(n):
        x, y = xs[n["_d"]], n["_y"]
        nodes.append({"x": x, "y": y, "w": n["_w"], "h": box_h, "label": n["label"], "title": n["title"],
                      "origin": n["origin"]})
        for k in n["kids"].values():
            x2 = xs[k["_d"]]
            edges.append({"x1": x + n["_w"], "y1": y + box_h / 2, "x2": x2, "y2": k["_y"] + box_h / 2,
                          "mx": (x + n["_w"] + x2) / 2})
            emit(k)

    emit(root)
    width = max((nd["x"] + nd["w"] for nd in nodes), default=200) + 20
    height = max(counter[0], 1) * row_h + 20
    return {"nodes": nodes, "edges": edges, "width": int(width), "height": int(height)}


def render_html(e: Explanation) -> str:
    import jinja2
    env = jinja2.Environment(autoescape=True, finalize=lambda v: escape_control(v) if isinstance(v, str) else v,
                             undefined=jinja2.StrictUndefined)
    return env.from_string(HTML_TEMPLATE).render(e=e, tree=_tree(e))


def render(e: Explanation, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(e.to_json(), indent=2) + "\n"
    if fmt == "html":
        return render_html(e)
    return render_text(e)


# ---------------------------------------------------------------------------
# the command


@click.command("explain", context_settings={"ignore_unknown_options": True})
@click.argument("function")
@click.argument("errno")
@click.argument("paths", nargs=-1)
@click.option("--rev", default="HEAD", show_default=True, help="The revision to read.")
@click.option("--repo", "repo_path", default=".", show_default=True, help="The kernel git repository.")
@click.option("--format", "fmt", type=click.Choice(("text", "json", "html")), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(), default=None, help="Write the answer here (atomically).")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None, help="Worker processes (default: CPU count).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the analysis cache.")
@click.option("--cache-dir", type=click.Path(), default=None, help="Cache folder (default: $XDG_CACHE_HOME/errpath).")
@click.option("-q", "--quiet", is_flag=True, help="No summary line on stderr.")
def explain_cmd(function, errno, paths, rev, repo_path, fmt, output, jobs, no_cache, cache_dir, quiet):
    """Every path by which FUNCTION can return -ERRNO (ENOMEM, -ENOMEM or 12),
    with the call chain and the conditions along the way. FUNCTION may be a
    syscall name (SYSCALL_DEFINEn). PATHs limit the code read (default: all)."""
    from .common import InputError, _guard
    return _guard(_explain, function, errno, paths, rev, repo_path, fmt, output, jobs, no_cache, cache_dir,
                  quiet, InputError)


def _explain(function, errno, paths, rev, repo_path, fmt, output, jobs, no_cache, cache_dir, quiet,
             InputError) -> int:
    from ..pipeline.cache import Cache, CacheError, default_cache_dir
    from ..pipeline.engine import Engine
    from ..git.repo import GitError, Repo

    t0 = time.monotonic()
    try:
        name = parse_errno(errno)
    except ValueError as e:
        raise InputError(str(e)) from None
    if not function.isidentifier():
        raise InputError(f"not a function name: {function!r}")
    for p in paths:
        if p.startswith("-"):
            raise InputError(f"no such option: {p} (try 'errpath explain --help')")
    try:
        repo = Repo(repo_path)
        commit = repo.resolve(rev)
    except GitError as e:
        raise InputError(str(e)) from None
    try:
        cache = Cache(None if no_cache else (cache_dir or default_cache_dir()))
    except CacheError as e:
        raise InputError(str(e)) from None
    from . import userpaths
    try:
        paths = userpaths.resolve(repo, paths)
    except userpaths.PathError as e:
        cache.close()
        raise InputError(str(e)) from None
    pathspecs = [p.rstrip("/") + ("/" if p.endswith("/") else "") for p in paths]
    engine = Engine(repo, [], cache, jobs=jobs)
    try:
        for p in pathspecs:
            if not repo.pathspec_exists(commit, p):
                click.echo(f"errpath: warning: path {p!r} matches nothing at {rev}", err=True)
        snap = engine.snapshot(commit, pathspecs)
    except GitError as e:
        raise InputError(str(e)) from None
    finally:
        engine.close()
        cache.close()
    try:
        result = explain(snap.index, function, name)
    except LookupError:
        where = " under " + " ".join(pathspecs) if pathspecs else ""
        raise InputError(f"unknown function: {function} (no definition{where} at {rev})") from None
    result.stats["seconds"] = round(time.monotonic() - t0, 3)
    result.stats["files"] = len(snap.files)
    text = render(result, fmt)
    if output:
        from ..report import atomic_write
        try:
            atomic_write(Path(output), text.encode("utf-8", "surrogateescape"))
        except OSError as e:
            raise InputError(f"cannot write {output}: {e.strerror or e}") from None
    else:
        sys.stdout.write(text)
    if not quiet:
        click.echo(f"errpath: {len(result.origins)} origin(s) of -{name} in {function}(); "
                   f"{len(snap.files)} file(s); {result.stats['seconds']:.2f}s", err=True)
    return 0
