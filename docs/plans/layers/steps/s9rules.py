"""Point every rule's errpath imports at errpath.api: the module-level ones become
one `from errpath.api import (...)` where the first stood; lazy ones keep their place."""
import ast, glob
for path in sorted(glob.glob("/work/w19/rules/*.py")):
    text = open(path).read()
    tree = ast.parse(text)
    lines = text.split("\n")
    top, names = [], []
    for n in tree.body:
        if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("errpath"):
            top.append(n)
            if n.module == "errpath":      # `from errpath.analysis import progress` style (module names)
                pass
            names += [a.name + (f" as {a.asname}" if a.asname else "") for a in n.names]
        elif isinstance(n, ast.ImportFrom) and n.module == "errpath.analysis":
            pass
    lazy = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("errpath")
            and n not in top]
    if not top and not lazy:
        continue
    edits = []
    for n in lazy:
        ind = lines[n.lineno - 1][:n.col_offset]
        edits.append((n.lineno, n.end_lineno, [f"{ind}from errpath.api import " + ", ".join(a.name for a in n.names)]))
    if top:
        names = sorted(set(names))
        line = "from errpath.api import " + ", ".join(names)
        if len(line) > 110:
            out, cur = [], "from errpath.api import ("
            for i, nm in enumerate(names):
                piece = nm + ("," if i < len(names) - 1 else ")")
                if len(cur) + len(piece) + 1 > 110:
                    out.append(cur.rstrip()); cur = " " * 25
                cur += piece + " "
            out.append(cur.rstrip())
        else:
            out = [line]
        first, last = top[0], top[-1]
        # the block from the first to the last errpath import (blank lines inside it go too)
        between = lines[first.lineno - 1:last.end_lineno]
        covered = set()
        for n in top:
            covered |= set(range(n.lineno, n.end_lineno + 1))
        other = [i + first.lineno for i, l in enumerate(between) if (i + first.lineno) not in covered and l.strip()]
        assert not other, (path, other)
        edits.append((first.lineno, last.end_lineno, out))
    for s, e, new in sorted(edits, reverse=True):
        lines[s - 1:e] = new
    open(path, "w").write("\n".join(lines))
    print(path, len(top), "top,", len(lazy), "lazy")
