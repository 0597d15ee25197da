"""Real CFG payloads: the Values of every function of a few kernel files, as
plain tuples (today) and as NamedTuples (one class per kind, `kind` kept as the
first field). Pickles (nodes, loops, labels) per function, as FunctionFacts.payload
does, and reads them back, as a decode after eviction does."""
import gc, pickle, sys, time, copy
from typing import NamedTuple
sys.path.insert(0, "/work/main")
import pygit2
from errpath.parse import parse_source
from errpath.facts import function_facts, BudgetExceeded

REPO = pygit2.Repository("/work/kernels/recall.git")
tree = REPO.revparse_single("v6.12.117").peel(pygit2.Tree)
FILES = ["fs/iomap/buffered-io.c", "mm/filemap.c", "mm/page_alloc.c", "mm/slub.c", "mm/memory.c"]

# one NamedTuple class per (kind, arity)
KIND_FIELDS = {
    "int": ("value",), "errno": ("name",), "errptr": ("value",), "ptrerr": ("value",), "errcast": ("value",),
    "null": (), "var": ("name",), "macro": ("name",), "call": ("name", "args", "text"),
    "minmax": ("which", "args"), "cond": ("lits_true", "then", "orelse"), "bin": ("op", "left", "right"),
    "un": ("op", "operand"), "field": ("text",), "sizeof": ("text",), "unknown": ("text",),
    "param": ("name",), "uninit": ("name",), "nonzero": ("name",),
}
CLASSES = {}
for k, fs in KIND_FIELDS.items():
    CLASSES[(k, len(fs) + 1)] = NamedTuple(k.capitalize() + "V", [("kind", str)] + [(f, object) for f in fs])
    globals()[k.capitalize() + "V"] = CLASSES[(k, len(fs) + 1)]   # picklable by name

def conv(v):
    if isinstance(v, tuple) and v and isinstance(v[0], str) and (v[0], len(v)) in CLASSES:
        return CLASSES[(v[0], len(v))](v[0], *[conv(x) for x in v[1:]])
    if isinstance(v, tuple):
        return tuple(conv(x) for x in v)
    return v

def convert(nodes, loops):
    n2, l2 = copy.deepcopy(nodes), copy.deepcopy(loops)
    for n in n2:
        n.defs = [(var, conv(val)) for var, val in n.defs]
        n.ret = conv(n.ret) if n.ret is not None else None
        n.calls = [c.__class__(c.name, c.callee_text, c.args, conv(c.arg_values), c.line, c.column, c.result, c.node)
                   for c in n.calls]
    for l in l2:
        l.cond = conv(l.cond) if l.cond is not None else None
    return n2, l2

cfgs = []
for path in FILES:
    data = REPO[tree[path].id].data
    parsed = parse_source(data)
    for fn in parsed.functions:
        try:
            f = function_facts(fn, path)
        except (BudgetExceeded, RecursionError):
            continue
        cfgs.append((f.nodes, f.loops, f.labels))
nt = [(*convert(n, l), lab) for n, l, lab in cfgs]
print(f"{len(cfgs)} functions of {len(FILES)} files; python {sys.version.split()[0]}")
nvals = sum(len(n.defs) + len(n.calls) for fn in cfgs for n in fn[0])
for label, data in (("tuple", cfgs), ("NamedTuple", nt)):
    best = {}
    for _ in range(5):
        gc.collect()
        t0 = time.perf_counter(); ps = [pickle.dumps(x, protocol=pickle.HIGHEST_PROTOCOL) for x in data]; t1 = time.perf_counter()
        for p in ps: pickle.loads(p)
        t2 = time.perf_counter()
        best["dumps"] = min(best.get("dumps", 9e9), t1 - t0); best["loads"] = min(best.get("loads", 9e9), t2 - t1)
    print(f"{label:11} dumps {best['dumps']*1000:7.1f} ms  loads {best['loads']*1000:7.1f} ms  bytes {sum(map(len, ps))/1e6:6.2f} MB")
