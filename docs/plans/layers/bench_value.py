"""Cost of facts' Value tuples as typing.NamedTuple (issue 19, item 4).

Builds N values shaped like facts.value_of's output: ("bin", op, a, b) whose
operands are ("var", name) / ("int", n) leaves, as plain tuples and as
NamedTuple instances (first field `kind` kept, so v[0] still works and
Bin(...) == ("bin", ...) with the same hash). Measures: build, read by index,
read by attribute, dispatch on v[0], hash+dict insert, pickle dumps/loads
(protocol HIGHEST, as the cache and the CFG payloads do) and the pickle size.
Best of R rounds, one core."""
from __future__ import annotations
import gc, pickle, sys, time
from typing import NamedTuple

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
R = int(sys.argv[2]) if len(sys.argv) > 2 else 3

class Var(NamedTuple):
    kind: str
    name: str

class Int(NamedTuple):
    kind: str
    value: int

class Bin(NamedTuple):
    kind: str
    op: str
    left: tuple
    right: tuple

OPS = ("+", "-", "|", "&", "<<")
NAMES = [sys.intern(f"v{i}") for i in range(1000)]

def build_tuple(n):
    out = []
    for i in range(n):
        out.append(("bin", OPS[i % 5], ("var", NAMES[i % 1000]), ("int", i & 255)))
    return out

def build_nt(n):
    out = []
    for i in range(n):
        out.append(Bin("bin", OPS[i % 5], Var("var", NAMES[i % 1000]), Int("int", i & 255)))
    return out

def read_index(vals):
    s = 0
    for v in vals:
        if v[0] == "bin" and v[2][0] == "var":
            s += v[3][1] + len(v[1])
    return s

def read_attr(vals):
    s = 0
    for v in vals:
        if v.kind == "bin" and v.left.kind == "var":
            s += v.right.value + len(v.op)
    return s

def read_match(vals):
    """Names without a class: structural pattern matching on the plain tuple."""
    s = 0
    for v in vals:
        match v:
            case ("bin", op, ("var", _), (_, right)):
                s += right + len(op)
    return s

def hash_insert(vals):
    d = {}
    for v in vals:
        d[v] = 1
    return len(d)

def best(f, *a):
    t = []
    r = None
    for _ in range(R):
        gc.collect()
        t0 = time.perf_counter(); r = f(*a); t.append(time.perf_counter() - t0)
    return min(t), r

def main():
    print(f"python {sys.version.split()[0]}, N={N:,}, best of {R}")
    rows = []
    bt, tv = best(build_tuple, N)
    bn, nv = best(build_nt, N)
    assert tv[:1000] == nv[:1000] and hash(tv[7]) == hash(nv[7])
    rows.append(("build", bt, bn))
    rows.append(("read by index v[0], v[2][0], v[3][1]", best(read_index, tv)[0], best(read_index, nv)[0]))
    rows.append(("read by attribute (NamedTuple only)", float("nan"), best(read_attr, nv)[0]))
    rows.append(("read by `match` pattern (names, no class)", best(read_match, tv)[0], best(read_match, nv)[0]))
    rows.append(("hash + dict insert", best(hash_insert, tv)[0], best(hash_insert, nv)[0]))
    dt, pt = best(pickle.dumps, tv, pickle.HIGHEST_PROTOCOL)
    dn, pn = best(pickle.dumps, nv, pickle.HIGHEST_PROTOCOL)
    rows.append(("pickle.dumps", dt, dn))
    rows.append(("pickle.loads", best(pickle.loads, pt)[0], best(pickle.loads, pn)[0]))
    print(f"{'operation':40} {'tuple s':>9} {'NamedTuple s':>13} {'ratio':>6}")
    for name, a, b in rows:
        ratio = b / a if a == a else float("nan")
        print(f"{name:40} {a:9.3f} {b:13.3f} {ratio:6.2f}")
    print(f"{'pickle size (MB)':40} {len(pt)/1e6:9.1f} {len(pn)/1e6:13.1f} {len(pn)/len(pt):6.2f}")
    # memory per value (4 objects each: the Bin and its two leaves; names/ops shared)
    print(f"sizeof one Bin: tuple {sys.getsizeof(tv[0])} B, NamedTuple {sys.getsizeof(nv[0])} B")

main()
