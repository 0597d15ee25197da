"""Import graph of errpath/ and rules/ (rules/X.py == errpath.builtin_rules.X).
Edge kinds: top (module level), lazy (inside a function/class body), tc (under TYPE_CHECKING)."""
import ast, os, sys, json
from collections import defaultdict
ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))

def modname(path):
    rel = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
    if rel.startswith("rules."):
        rel = "errpath.builtin_rules." + rel[6:]
    if rel.endswith(".__init__"):
        rel = rel[:-9]
    return rel

files = []
for d in ("errpath", "rules"):
    for dp, dn, fn in os.walk(os.path.join(ROOT, d)):
        dn[:] = [x for x in dn if x not in ("__pycache__", "data", "templates")]
        files += [os.path.join(dp, f) for f in fn if f.endswith(".py")]
mods = {modname(f): f for f in files}

def resolve(cur, is_pkg, level, module, alias):
    if level:
        base = cur.split(".") if is_pkg else cur.split(".")[:-1]
        base = base[:len(base) - (level - 1)]
        full = ".".join(base + ([module] if module else []))
    else:
        full = module or ""
    if not full.startswith("errpath"):
        return None
    cand = full + "." + alias if alias else None
    if cand and cand in mods:
        return cand
    while full and full not in mods:
        full = full.rsplit(".", 1)[0] if "." in full else ""
    return full or None

edges = []   # (src, dst, kind, line, names)
for m, f in sorted(mods.items()):
    tree = ast.parse(open(f).read(), f)
    is_pkg = f.endswith("__init__.py")
    def visit(node, kind):
        for ch in ast.iter_child_nodes(node):
            k = kind
            if isinstance(ch, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)) and kind == "top":
                k = "lazy"
            if isinstance(ch, ast.If) and "TYPE_CHECKING" in ast.unparse(ch.test):
                k = "tc"
            if isinstance(ch, ast.ImportFrom):
                groups = defaultdict(list)
                for a in ch.names:
                    d = resolve(m, is_pkg, ch.level, ch.module, a.name)
                    if d:
                        groups[d].append(a.name)
                for d, names in groups.items():
                    edges.append((m, d, k, ch.lineno, names))
            elif isinstance(ch, ast.Import):
                for a in ch.names:
                    d = resolve(m, is_pkg, 0, a.name, None)
                    if d:
                        edges.append((m, d, k, ch.lineno, [a.name]))
            visit(ch, k)
    visit(tree, "top")

short = lambda m: m.replace("errpath.builtin_rules.", "rules/").replace("errpath.", "")
loc = lambda m: os.path.relpath(mods[m], ROOT)
print("## edges (src -> dst [kind] file:line names)")
for s, d, k, ln, names in edges:
    if s == d: continue
    print(f"{short(s):28} -> {short(d):24} [{k:4}] {loc(s)}:{ln} {', '.join(names)}")

# cycles: SCCs over all non-TYPE_CHECKING edges, and over top-level edges only
def sccs(adj):
    idx, low, st, on, out, c = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)
    def sc(v):
        idx[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
        for w in adj.get(v, ()):
            if w not in idx: sc(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], idx[w])
        if low[v] == idx[v]:
            comp = []
            while True:
                w = st.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: out.append(sorted(comp))
    for v in sorted(adj):
        if v not in idx: sc(v)
    return out
for label, kinds in (("runtime (top+lazy)", {"top", "lazy"}), ("module-level only", {"top"})):
    adj = defaultdict(set)
    for s, d, k, *_ in edges:
        # a submodule importing its own package __init__ counts (report.sources -> report)
        if k in kinds and s != d: adj[s].add(d)
    print(f"\n## strongly connected components, {label}")
    for comp in sccs(adj):
        print("  ", " <-> ".join(short(x) for x in comp))
        for s, d, k, ln, names in edges:
            if s in comp and d in comp and k in kinds and s != d:
                print(f"      {loc(s)}:{ln} {short(s)} -> {short(d)} [{k}] {', '.join(names)}")
    # 2-cycles explicitly
    pairs = sorted({tuple(sorted((s, d))) for s in adj for d in adj[s] if s in adj.get(d, ())})
    print(f"  direct 2-cycles: {[' <-> '.join(map(short, p)) for p in pairs]}")

print("\n## rules importing another rule or an underscore name")
for s, d, k, ln, names in edges:
    if s.startswith("errpath.builtin_rules"):
        bad = [n for n in names if n.startswith("_")]
        if d.startswith("errpath.builtin_rules") or bad:
            print(f"  {loc(s)}:{ln} [{k}] from {d}: {', '.join(names)}")
print("\n## any module importing an underscore name from another module")
for s, d, k, ln, names in edges:
    bad = [n for n in names if n.startswith("_") and n != "__version__"]
    if bad and s != d:
        print(f"  {loc(s)}:{ln} [{k}] {short(s)} <- {short(d)}: {', '.join(bad)}")
print("\n## what rules use of errpath (the de-facto rule API)")
api = defaultdict(set)
for s, d, k, ln, names in edges:
    if s.startswith("errpath.builtin_rules"):
        for n in names: api[short(d)].add(n)
for d in sorted(api): print(f"  {d}: {', '.join(sorted(api[d]))}")
