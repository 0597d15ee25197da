"""The layers of errpath as data, and the import graph that must respect them.

errpath's data flows one way (README "How it is built"); this test holds the
code to it. It reads every module of the errpath package and every built-in
rule (rules/ in a checkout, errpath/builtin_rules when installed) with ast --
nothing is imported -- and fails on:

* a module that is in no layer (a new module must be placed in LAYERS);
* an import of a higher layer (imports go down, or sideways within a layer);
* an import cycle, counting imports inside functions: a lazy import hides a
  cycle from Python, not from the reader;
* a rule that imports anything of errpath but errpath.api (so no rule imports
  another rule, a private name, or an internal module);
* an underscore name imported from another package (package-private names stay
  in their package);
* a layer package without a docstring, or a module over MAX_LINES lines
  without a "Size:" paragraph saying why, in its docstring or in the comment
  right after it (a rule's docstring is its user-facing documentation).

`if TYPE_CHECKING:` imports are left out: they never run.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import errpath

# Bottom to top. A module belongs to the layer of the longest prefix that names
# it (the package itself or a module below it); "errpath" alone is only the
# package's __init__. Within a layer, modules may import each other (no cycles).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("errpath", "errpath.model", "errpath.knowledge", "errpath.builtin_fixtures")),
    ("git", ("errpath.git",)),
    ("frontend", ("errpath.frontend",)),
    ("facts", ("errpath.facts",)),
    ("analysis", ("errpath.analysis",)),
    ("api", ("errpath.rules", "errpath.api")),
    ("rules", ("errpath.builtin_rules",)),
    ("pipeline", ("errpath.pipeline",)),
    ("report", ("errpath.report",)),
    ("cli", ("errpath.cli", "errpath.__main__")),
)
RULE_API = "errpath.api"
MAX_LINES = 800
PACKAGE = Path(errpath.__file__).resolve().parent


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """module name -> file, for errpath/** and the built-in rules."""
    out: dict[str, Path] = {}
    for f in sorted(package.rglob("*.py")):
        rel = f.relative_to(package.parent).with_suffix("")
        parts = list(rel.parts)
        if "__pycache__" in parts:
            continue
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = f
    # a checkout keeps rules/ and fixtures/ beside errpath/; an install ships them inside it
    for package_name, folder in (("builtin_rules", "rules"), ("builtin_fixtures", "fixtures")):
        src = package.parent / folder
        if not (package / package_name).is_dir() and src.is_dir():
            for f in sorted(src.glob("*.py")):
                name = f"errpath.{package_name}" + ("" if f.stem == "__init__" else "." + f.stem)
                out[name] = f
    return out


def size_reason(text: str) -> str:
    """The module docstring and the comment lines right after it."""
    tree = ast.parse(text)
    doc = ast.get_docstring(tree) or ""
    lines = text.splitlines()
    start = tree.body[0].end_lineno if doc else 0
    comments = []
    for line in lines[start:]:
        if not line.startswith("#"):
            break
        comments.append(line)
    return doc + "\n" + "\n".join(comments)


def layer_of(module: str, layers=LAYERS) -> int | None:
    best: tuple[int, int] | None = None
    for i, (_, prefixes) in enumerate(layers):
        for p in prefixes:
            hit = module == p or (p != "errpath" and module.startswith(p + "."))
            if hit and (best is None or len(p) > best[1]):
                best = (i, len(p))
    return None if best is None else best[0]


def _type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.unparse(node.test)


def imports(module: str, path: Path, known: dict[str, Path]) -> list[tuple[str, list[str], int]]:
    """(imported errpath module, names taken from it, line) for every import that
    can run: module level and inside functions, not under TYPE_CHECKING."""
    is_pkg = path.name == "__init__.py"
    out = []

    def resolve(level: int, name: str | None) -> str:
        if not level:
            return name or ""
        base = module.split(".") if is_pkg else module.split(".")[:-1]
        base = base[:len(base) - (level - 1)]
        return ".".join(base + ([name] if name else []))

    def owner(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node: ast.AST) -> None:
        for ch in ast.iter_child_nodes(node):
            if isinstance(ch, ast.If) and _type_checking(ch):
                for x in ch.orelse:
                    visit(x)
                continue
            if isinstance(ch, ast.ImportFrom):
                base = resolve(ch.level, ch.module)
                if base == "errpath" or base.startswith("errpath."):
                    names: list[str] = []
                    for a in ch.names:
                        sub = f"{base}.{a.name}"
                        if sub in known:            # `from errpath.facts import cfg`: a module
                            out.append((sub, [], ch.lineno))
                        else:
                            names.append(a.name)
                    if names and owner(base):
                        out.append((owner(base), names, ch.lineno))
            elif isinstance(ch, ast.Import):
                for a in ch.names:
                    if (a.name == "errpath" or a.name.startswith("errpath.")) and owner(a.name):
                        out.append((owner(a.name), [], ch.lineno))
            visit(ch)

    visit(ast.parse(path.read_text(), str(path)))
    return out


def graph(known: dict[str, Path]) -> dict[str, list[tuple[str, list[str], int]]]:
    return {m: [e for e in imports(m, f, known) if e[0] != m] for m, f in known.items()}


def cycles(edges: dict[str, list]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    adj = {m: sorted({d for d, _, _ in es}) for m, es in edges.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    for root in sorted(adj):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = len(index)
                stack.append(v)
                on.add(v)
            succ = adj.get(v, [])
            if i > 0:
                low[v] = min(low[v], low[succ[i - 1]])
            while i < len(succ) and (succ[i] in index):
                if succ[i] in on:
                    low[v] = min(low[v], index[succ[i]])
                i += 1
            if i < len(succ):
                work.append((v, i + 1))
                work.append((succ[i], 0))
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def violations(known: dict[str, Path], layers=LAYERS) -> list[str]:
    edges = graph(known)
    bad = []
    for m in sorted(known):
        if layer_of(m, layers) is None:
            bad.append(f"{m}: in no layer (add it to LAYERS in tests/test_layers.py)")
    for m, es in sorted(edges.items()):
        lm = layer_of(m, layers)
        for d, names, line in es:
            where = f"{known[m].name}:{line} {m} -> {d}"
            ld = layer_of(d, layers)
            if lm is not None and ld is not None and ld > lm:
                bad.append(f"{where}: upward import ({layers[lm][0]} -> {layers[ld][0]})")
            if m.startswith("errpath.builtin_rules.") and d != RULE_API:
                bad.append(f"{where}: a rule imports only {RULE_API}")
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private and d.split(".")[:2] != m.split(".")[:2]:
                bad.append(f"{where}: private name(s) {', '.join(private)} from another package")
    for comp in cycles(edges):
        detail = sorted({f"{m} -> {d} ({known[m].name}:{line})" for m in comp for d, _, line in edges[m] if d in comp})
        bad.append("import cycle: " + "; ".join(detail))
    for m, f in sorted(known.items()):
        text = f.read_text()
        doc = ast.get_docstring(ast.parse(text)) or ""
        if f.name == "__init__.py" and m not in ("errpath.builtin_rules", "errpath.builtin_fixtures") \
                and not doc.strip():
            bad.append(f"{m}: a layer package needs a docstring (its place in the flow, what it may import)")
        n = text.count("\n")
        if n > MAX_LINES and "Size:" not in size_reason(text):
            bad.append(f"{m}: {n} lines, over {MAX_LINES}, and no 'Size:' reason in its docstring")
    return bad


def test_layers_hold():
    bad = violations(module_files())
    assert not bad, "\n".join(bad)


def test_layer_table_names_real_modules():
    known = module_files()
    for name, prefixes in LAYERS:
        for p in prefixes:
            assert any(m == p or m.startswith(p + ".") for m in known), f"layer {name}: {p} names no module"


@pytest.mark.parametrize("src, expect", [
    ("from errpath.pipeline.engine import Engine\n", "upward import"),
    ("from errpath.facts.syntax import _SOURCE\n", "private name"),
    ("def f():\n    from errpath.facts import FunctionFacts\n", None),
])
def test_checker_catches(tmp_path, src, expect):
    """The checker itself: a fake analysis module importing up, or a private name."""
    known = module_files()
    fake = tmp_path / "fake.py"
    fake.write_text('"""fake."""\n' + src)
    known = {**known, "errpath.analysis.fake": fake}
    bad = [b for b in violations(known) if "errpath.analysis.fake" in b]
    if expect is None:
        assert not bad
    else:
        assert any(expect in b for b in bad), bad


def test_checker_catches_a_lazy_cycle(tmp_path):
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text('"""a."""\ndef f():\n    from errpath.pipeline.b import g\n')
    b.write_text('"""b."""\nfrom errpath.pipeline.a import f\n')
    known = {**module_files(), "errpath.pipeline.a": a, "errpath.pipeline.b": b}
    assert any(b_.startswith("import cycle") and "errpath.pipeline.a" in b_ for b_ in violations(known))
