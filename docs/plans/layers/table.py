"""Markdown table: every top-level name of a module -> its target (mapping.py)."""
import ast, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mapping import MOVES
mod, path = sys.argv[1], sys.argv[2]
default, over, splits = MOVES[mod]
tree = ast.parse(open(path).read())
rows = []
for n in tree.body:
    if isinstance(n, (ast.FunctionDef, ast.ClassDef)):
        names = [n.name]; kind = "class" if isinstance(n, ast.ClassDef) else "def"
    elif isinstance(n, (ast.Assign, ast.AnnAssign)):
        names = [x.id for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) for x in ast.walk(t) if isinstance(x, ast.Name)]
        kind = "const"
    else:
        continue
    s = min([d.lineno for d in getattr(n, "decorator_list", [])] + [n.lineno])
    tgt = over.get(names[0], default)
    rows.append((s, n.end_lineno, kind, ", ".join(names), tgt))
    if isinstance(n, ast.ClassDef) and n.name in splits:
        for m in n.body:
            if isinstance(m, ast.FunctionDef) and m.name in splits[n.name]:
                ms = min([d.lineno for d in m.decorator_list] + [m.lineno])
                rows.append((ms, m.end_lineno, "method", f"{n.name}.{m.name}", splits[n.name][m.name] + " (mixin)"))
# merge consecutive rows with the same target and kind const into one line
out = []
for r in rows:
    if out and r[4] == out[-1][4] and r[2] == "const" and out[-1][2] == "const":
        p = out[-1]; out[-1] = (p[0], r[1], "const", p[3] + ", " + r[3], p[4])
    else:
        out.append(r)
print("| lines | kind | name(s) | moves to |\n|---|---|---|---|")
for s, e, k, n, t in out:
    print(f"| {s}-{e} | {k} | `{n}` | `{t.replace('errpath.', '')}` |")
