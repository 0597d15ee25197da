"""Apply mapping.py to today's code: per target module, its line count, the
names it needs from other targets (top-level vs lazy), upward imports, cycles."""
import ast, os, sys, importlib.util
from collections import defaultdict
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mapping import MOVES, LAYERS
ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))

def modname(path):
    rel = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
    if rel.startswith("rules."): rel = "errpath.builtin_rules." + rel[6:]
    return rel[:-9] if rel.endswith(".__init__") else rel
files = {}
for d in ("errpath", "rules"):
    for dp, dn, fn in os.walk(os.path.join(ROOT, d)):
        dn[:] = [x for x in dn if x != "__pycache__"]
        for f in fn:
            if f.endswith(".py"): files[modname(os.path.join(dp, f))] = os.path.join(dp, f)

def target(mod, name=None):
    if mod not in MOVES:
        return mod
    default, over, _ = MOVES[mod]
    return over.get(name, default)

def layer(t):
    best = None
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if t == p or t.startswith(p + "."):
                if best is None or len(p) > best[1]: best = (i, len(p))
    return best[0] if best else None

def resolve_from(cur, is_pkg, level, module):
    if level:
        base = cur.split(".") if is_pkg else cur.split(".")[:-1]
        base = base[:len(base) - (level - 1)]
        return ".".join(base + ([module] if module else []))
    return module or ""

lines = defaultdict(int)
need = defaultdict(lambda: defaultdict(set))   # (tgt) -> (dep tgt, kind) -> names
where = defaultdict(list)
for mod, path in sorted(files.items()):
    src = open(path).read(); tree = ast.parse(src)
    is_pkg = path.endswith("__init__.py")
    top = {}
    imported = {}   # local name -> (module, name or None for module alias)
    for n in tree.body:
        if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)): top[n.name] = n
        elif isinstance(n, (ast.Assign, ast.AnnAssign)):
            for t in (n.targets if isinstance(n, ast.Assign) else [n.target]):
                for x in ast.walk(t):
                    if isinstance(x, ast.Name): top[x.id] = n
    def imports_in(node):
        out = {}
        for x in ast.walk(node):
            if isinstance(x, ast.ImportFrom):
                base = resolve_from(mod, is_pkg, x.level, x.module)
                if not base.startswith("errpath"): continue
                for a in x.names:
                    full = base + "." + a.name
                    if full in files: out[a.asname or a.name] = (full, None)
                    else: out[a.asname or a.name] = (base, a.name)
            elif isinstance(x, ast.Import):
                for a in x.names:
                    if a.name.startswith("errpath"):
                        out[(a.asname or a.name).split(".")[0] if not a.asname else a.asname] = (a.name, None)
        return out
    topimports = {}
    for n in tree.body:
        if isinstance(n, (ast.Import, ast.ImportFrom)): topimports.update(imports_in(n))
        if isinstance(n, ast.If):   # TYPE_CHECKING blocks: ignore
            pass
    # units: (name, node, target)
    units = []
    splits = MOVES.get(mod, (None, {}, {}))[2]
    done_nodes = set()
    for n in tree.body:
        if id(n) in done_nodes: continue
        if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            names = [n.name]
        elif isinstance(n, (ast.Assign, ast.AnnAssign)):
            names = [x.id for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) for x in ast.walk(t) if isinstance(x, ast.Name)]
        else:
            continue
        done_nodes.add(id(n))
        start = min([d.lineno for d in getattr(n, "decorator_list", [])] + [n.lineno])
        tgt = target(mod, names[0])
        if isinstance(n, ast.ClassDef) and n.name in splits:
            rest = n.end_lineno - start + 1
            for m in n.body:
                if isinstance(m, (ast.FunctionDef,)) and m.name in splits[n.name]:
                    mt = splits[n.name][m.name]
                    ms = min([d.lineno for d in m.decorator_list] + [m.lineno])
                    units.append((f"{n.name}.{m.name}", m, mt, m.end_lineno - ms + 1))
                    rest -= m.end_lineno - ms + 1
            units.append((n.name, n, tgt, rest, [m for m in n.body if isinstance(m, ast.FunctionDef) and m.name in splits[n.name]]))
            continue
        units.append((names[0], n, tgt, n.end_lineno - start + 1))
    for u in units:
        uname, node, tgt, size = u[0], u[1], u[2], u[3]
        skip = {id(x) for m in (u[4] if len(u) > 4 else []) for x in ast.walk(m)}
        lines[tgt] += size
        where[tgt].append(f"{mod}:{uname}")
        lazy = imports_in(node)
        for x in ast.walk(node):
            if id(x) in skip: continue
            nm = None
            if isinstance(x, ast.Name): nm = x.id
            if nm is None: continue
            if nm in top and top[nm] is not node:
                dt = target(mod, nm)
                # method split: names of the class itself
                if dt != tgt: need[tgt][(dt, "top")].add(nm)
            elif nm in topimports or nm in lazy:
                kind = "lazy" if nm in lazy and nm not in topimports else "top"
                m2, n2 = (lazy.get(nm) or topimports[nm])
                if n2 is None:   # module alias: attribute uses
                    for y in ast.walk(node):
                        if isinstance(y, ast.Attribute) and isinstance(y.value, ast.Name) and y.value.id == nm:
                            dt = target(m2, y.attr)
                            if dt != tgt: need[tgt][(dt, kind)].add(y.attr)
                else:
                    dt = target(m2, n2)
                    if dt != tgt: need[tgt][(dt, kind)].add(n2)
        # mixin: split methods need the class's self.* only; record for the shell
    # module-level statements that are not units (e.g. `if sys.getrecursionlimit()`)
print("## target modules: lines of code moved into each (top-level units only)")
for t in sorted(lines, key=lambda t: (layer(t) if layer(t) is not None else 99, t)):
    print(f"  {t:42} {lines[t]:5}  layer={LAYERS[layer(t)][0] if layer(t) is not None else '?'}")
print("\n## imports each target needs from other targets")
for t in sorted(need):
    for (d, k), names in sorted(need[t].items()):
        up = ""
        lt, ld = layer(t), layer(d)
        if lt is not None and ld is not None and ld > lt: up = "   <-- UPWARD"
        if d.startswith("errpath.builtin_rules") and not t.startswith("errpath.builtin_rules"): up += " <-- core->rule"
        print(f"  {t} -> {d} [{k}] {', '.join(sorted(names))}{up}")
def cycles(kinds):
    adj = defaultdict(set)
    for t in need:
        for (d, k) in need[t]:
            if k in kinds: adj[t].add(d)
    idx, low, st, on, out, c = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)
    def sc(v):
        idx[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
        for w in sorted(adj.get(v, ())):
            if w not in idx: sc(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], idx[w])
        if low[v] == idx[v]:
            comp = []
            while True:
                w = st.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: out.append(sorted(comp))
    for v in sorted(set(adj) | {d for s in adj.values() for d in s}):
        if v not in idx: sc(v)
    return out
print("\n## cycles among targets, top-level edges:", cycles({"top"}))
print("## cycles among targets, all edges:", cycles({"top", "lazy"}))
