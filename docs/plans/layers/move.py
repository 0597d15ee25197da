"""Move top-level names between modules and rewrite every import (issue 19).

The tool that made the layer commits: code is moved as text, never re-typed.
A step is a dict of moves, {source module: (default target, {name: target},
{class: (mixin name, mixin target, [methods])})}, plus {old module: new module}
for `from . import old` style imports. For each step it

* cuts every top-level statement of a source module (with the comments and
  blank lines above it) and appends it to its target module, in source order;
* writes each target's imports: the names its code reads (symtable: the free
  names of every scope) that another target defines, or that the source module
  imported at its top;
* rewrites every `from errpath... import` in errpath/, rules/, tests/, bench/
  and conftest.py whose names moved, keeping relative imports relative and
  lazy imports lazy (in place, same indentation);
* `git mv`s a module that moves whole, so its history follows.

Usage: python3 move.py ROOT STEPFILE  (STEPFILE defines MOVES, MODULES, DOCS)
"""
from __future__ import annotations

import ast
import builtins
import os
import subprocess
import symtable
import sys
from collections import defaultdict

ROOT = os.path.abspath(sys.argv[1])
ns: dict = {"__file__": os.path.abspath(sys.argv[2])}
exec(open(sys.argv[2]).read(), ns)
MOVES: dict = ns["MOVES"]
MODULES: dict = ns.get("MODULES", {})          # old module -> new module (module-object imports)
DOCS: dict = ns.get("DOCS", {})                # new target -> docstring text
STMT_TARGET: dict = ns.get("STMT_TARGET", {})  # (src, first 40 chars of a nameless stmt) -> target
TC_NAMES: dict = ns.get("TC_NAMES", {})        # target -> names to import under TYPE_CHECKING
BUILTINS = set(dir(builtins))


def modname(path: str) -> str:
    """errpath/facts/__init__.py -> errpath.facts; rules/x.py -> errpath.builtin_rules.x."""
    parts = list(os.path.splitext(os.path.relpath(path, ROOT))[0].split(os.sep))
    if parts[0] == "rules":
        parts[:1] = ["errpath", "builtin_rules"]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def path_of(mod: str) -> str:
    if mod.startswith("errpath.builtin_rules."):
        return os.path.join(ROOT, "rules", mod.split(".")[-1] + ".py")
    p = os.path.join(ROOT, *mod.split("."))
    if os.path.isdir(p):
        return os.path.join(p, "__init__.py")
    return p + ".py"


def all_files() -> dict[str, str]:
    out = {}
    for d in ("errpath", "rules", "tests", "bench"):
        for dp, dn, fn in os.walk(os.path.join(ROOT, d)):
            dn[:] = [x for x in dn if x not in ("__pycache__", "data", "templates")]
            for f in fn:
                if f.endswith(".py"):
                    out[modname(os.path.join(dp, f))] = os.path.join(dp, f)
    out["conftest"] = os.path.join(ROOT, "conftest.py")
    return out


FILES = all_files()
IS_PKG = {m: p.endswith("__init__.py") for m, p in FILES.items()}


def top_names(tree: ast.Module) -> set[str]:
    out = set()
    for n in tree.body:
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(n.name)
        elif isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            ts = n.targets if isinstance(n, ast.Assign) else [n.target]
            out |= {x.id for t in ts for x in ast.walk(t) if isinstance(x, ast.Name)}
    return out


TOPS = {m: top_names(ast.parse(open(FILES[m]).read())) for m in MOVES if m in FILES}


def new_home(mod: str, name: str) -> str:
    """Where `name` of old module `mod` lives after this step."""
    if mod in MOVES and name in TOPS.get(mod, ()):
        default, over, _ = MOVES[mod]
        return over.get(name, default)
    return mod


def resolve(cur: str, is_pkg: bool, level: int, module: str | None) -> str:
    if not level:
        return module or ""
    base = cur.split(".") if is_pkg else cur.split(".")[:-1]
    base = base[:len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def relative(cur: str, is_pkg: bool, target: str) -> str:
    """`from X import` text for `target` as seen from module `cur` (relative)."""
    here = cur.split(".") if is_pkg else cur.split(".")[:-1]
    t = target.split(".")
    common = 0
    while common < min(len(here), len(t)) and here[common] == t[common]:
        common += 1
    level = len(here) - common + 1
    return "." * level + ".".join(t[common:])


def is_package(mod: str, new_pkgs: set[str]) -> bool:
    return mod in new_pkgs or IS_PKG.get(mod, False)


def fmt_from(mod_expr: str, names: list[str], indent: str, comment: str = "") -> str:
    line = f"{indent}from {mod_expr} import {', '.join(names)}"
    if len(line) + len(comment) <= 110:
        return line + comment
    out, cur = [], f"{indent}from {mod_expr} import ("
    for i, n in enumerate(names):
        piece = n + ("," if i < len(names) - 1 else ")")
        if len(cur) + len(piece) + 1 > 110:
            out.append(cur.rstrip())
            cur = indent + "    "
        cur += piece + " "
    out.append(cur.rstrip())
    return "\n".join(out) + comment


NEW_PKGS: set[str] = set(ns.get("NEW_PKGS", ()))


def rewrite_import(node, cur_old: str, old_is_pkg: bool, cur_new: str, new_is_pkg: bool,
                   indent: str, comment: str, force: bool) -> str | None:
    """New text for an import statement, or None to keep it."""
    if isinstance(node, ast.Import):
        parts = []
        changed = False
        for a in node.names:
            if a.name in MODULES:
                new = MODULES[a.name]
                parts.append(f"{indent}import {new} as {a.asname or a.name.split('.')[-1]}"
                             if a.asname else f"{indent}import {new}")
                changed = True
            else:
                parts.append(f"{indent}import {a.name}" + (f" as {a.asname}" if a.asname else ""))
        return "\n".join(parts) + comment if changed else None
    base = resolve(cur_old, old_is_pkg, node.level, node.module)
    if not (base == "errpath" or base.startswith("errpath.")):
        return None
    groups: dict[str, list[str]] = {}
    changed = force and node.level > 0
    for a in node.names:
        sub = f"{base}.{a.name}"
        alias = f" as {a.asname}" if a.asname else ""
        if sub in MODULES:
            new = MODULES[sub]
            parent, _, leaf = new.rpartition(".")
            nm = leaf + (f" as {a.asname}" if a.asname else (f" as {a.name}" if leaf != a.name else ""))
            groups.setdefault(parent, []).append(nm)
            changed = True
            continue
        if sub in FILES and sub not in MOVES:
            groups.setdefault(base, []).append(a.name + alias)
            continue
        if base in MODULES and (base not in MOVES or a.name not in TOPS.get(base, ())):
            # a re-exported name of a module that now is a package
            tgt = MODULES[base]
            changed = changed or tgt != base
        else:
            tgt = new_home(base, a.name)
            changed = changed or tgt != base
        groups.setdefault(tgt, []).append(a.name + alias)
    if not changed:
        return None
    out = []
    for i, (mod, names) in enumerate(groups.items()):
        expr = relative(cur_new, new_is_pkg, mod) if node.level else mod
        out.append(fmt_from(expr, names, indent, comment if (i == 0 or "noqa" in comment) else ""))
    return "\n".join(out)


def rewrite_imports_in(text: str, cur_old: str, old_is_pkg: bool, cur_new: str, new_is_pkg: bool,
                       first_line: int = 1) -> str:
    """Rewrite every import statement in text (a whole file or a chunk)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        import textwrap
        tree = ast.parse(textwrap.dedent(text))
    lines = text.split("\n")
    edits = []
    force = cur_old != cur_new
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            first = lines[node.lineno - 1]
            indent = first[:len(first) - len(first.lstrip())]
            last = lines[node.end_lineno - 1]
            comment = ""
            if node.end_lineno != node.lineno and "#" in first:
                comment = "  #" + first.split("#", 1)[1]
            elif "#" in last[node.end_col_offset:]:
                comment = "  " + last[node.end_col_offset:].split("#", 1)[0].strip() + "#" + last[node.end_col_offset:].split("#", 1)[1]
                comment = "  #" + last[node.end_col_offset:].split("#", 1)[1]
            new = rewrite_import(node, cur_old, old_is_pkg, cur_new, new_is_pkg, indent, comment, force)
            if new is not None:
                head = first[:node.col_offset]
                if head.strip():          # `if x: import y` on one line: leave it
                    continue
                edits.append((node.lineno, node.end_lineno, new))
    for s, e, new in sorted(edits, reverse=True):
        lines[s - 1:e] = new.split("\n")
    return "\n".join(lines)


# ---------------------------------------------------------------- splitting

ORDER: dict = {}


class Chunk:
    def __init__(self, src, text, node, names, target, order):
        self.src, self.text, self.node, self.names, self.target, self.order = src, text, node, names, target, order


def header_end(tree: ast.Module) -> int:
    """Index of the first statement after the docstring and the leading imports."""
    i = 0
    for i, n in enumerate(tree.body):
        if i == 0 and isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str):
            continue
        if isinstance(n, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test):
            continue
        return i
    return len(tree.body)


def header_imports(tree: ast.Module, src: str):
    """local name -> (kind, module, name, asname, level) for the module-level imports."""
    out = {}
    for n in tree.body:
        tc = False
        stmts = [n]
        if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test):
            stmts, tc = n.body, True
        for s in stmts:
            if isinstance(s, ast.Import):
                for a in s.names:
                    local = a.asname or a.name.split(".")[0]
                    prev = out.get(local)
                    mods = (prev[1] if prev and prev[0] == "import" and not a.asname else []) + [a.name]
                    out[local] = ("import", mods, None, a.asname, 0, tc)
                    ORDER.setdefault((src, "import", a.name), s.lineno)
            elif isinstance(s, ast.ImportFrom):
                base = resolve(src, IS_PKG.get(src, False), s.level, s.module)
                for a in s.names:
                    out[a.asname or a.name] = ("from", base, a.name, a.asname, s.level, tc)
                    ORDER.setdefault((src, "from", base), s.lineno)
    return out


def free_globals(text: str) -> set[str]:
    """Names a chunk of module-level code reads from the module namespace."""
    st = symtable.symtable(text, "chunk", "exec")
    out = set()

    def walk(t, top):
        for s in t.get_symbols():
            if top:
                if s.is_referenced() and not s.is_assigned() and not s.is_imported():
                    out.add(s.get_name())
            elif s.is_global() and not (s.is_declared_global() and s.is_assigned() and not s.is_referenced()):
                out.add(s.get_name())
        for c in t.get_children():
            walk(c, False)
    walk(st, True)
    return out


def chunk_defines(text: str) -> set[str]:
    st = symtable.symtable(text, "chunk", "exec")
    return {s.get_name() for s in st.get_symbols() if s.is_assigned() or s.is_imported()}


def split_module(src: str):
    path = FILES[src]
    text = open(path).read()
    lines = text.split("\n")
    tree = ast.parse(text)
    default, over, splits = MOVES[src]
    h = header_end(tree)
    body = tree.body
    prev_end = body[h - 1].end_lineno if h else 0
    chunks, mixins = [], defaultdict(list)
    last_target = default
    for i in range(h, len(body)):
        n = body[i]
        s_text = "\n".join(lines[prev_end:n.end_lineno])
        prev_end = n.end_lineno
        names = sorted(top_names(ast.Module(body=[n], type_ignores=[])))
        if isinstance(n, (ast.Import, ast.ImportFrom)):
            tgt = last_target
        elif names:
            tgt = over.get(names[0], default)
        else:
            key = (src, lines[n.lineno - 1].strip()[:40])
            tgt = STMT_TARGET.get(key, last_target)
            if key not in STMT_TARGET:
                print(f"  note: {src}:{n.lineno} nameless statement -> {tgt}: {lines[n.lineno-1].strip()[:60]}")
        last_target = tgt
        if isinstance(n, ast.ClassDef) and n.name in splits:
            mixin, mtgt, methods = splits[n.name]
            cls_lines = s_text.split("\n")
            offset = n.end_lineno - len(cls_lines)      # file line of cls_lines[0] is offset+1
            keep = [True] * len(cls_lines)
            mprev = None
            mtexts = []
            for j, m in enumerate(n.body):
                start_excl = (n.body[j - 1].end_lineno if j else n.lineno)  # lines after previous member
                if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and m.name in methods:
                    a, b = start_excl, m.end_lineno           # file lines a+1..b
                    mtexts.append("\n".join(lines[a:b]))
                    for ln in range(a + 1, b + 1):
                        keep[ln - offset - 1] = False
            s_text = "\n".join(l for l, k in zip(cls_lines, keep) if k)
            mixins[(mixin, mtgt)].extend((src, t) for t in mtexts)
        chunks.append(Chunk(src, s_text, n, names, tgt, i))
    doc = ast.get_docstring(tree, clean=False)
    return text, tree, h, chunks, mixins, doc


def main():
    all_chunks, all_mixins = [], {}
    trees, texts, headers, docs = {}, {}, {}, {}
    for src in MOVES:
        text, tree, h, chunks, mixins, doc = split_module(src)
        trees[src], texts[src], docs[src] = tree, text, doc
        headers[src] = header_imports(tree, src)
        all_chunks += chunks
        for k, v in mixins.items():
            all_mixins[k] = v
    by_target = defaultdict(list)
    for c in all_chunks:
        by_target[c.target].append(c)
    mixin_chunks = []
    for (mixin, mtgt), items in all_mixins.items():
        src = items[0][0]
        body = "\n".join(t for _, t in items)
        text = f"\n\nclass {mixin}:\n    \"\"\"{DOCS.get(mixin, mixin)}\"\"\"\n" + body
        ch = Chunk(src, text, None, [mixin], mtgt, -1)
        mixin_chunks.append(ch)
        by_target[mtgt].insert(0, ch)

    # where each top-level name now lives
    defined_in = {}
    for c in all_chunks + mixin_chunks:
        for n in c.names:
            defined_in.setdefault(n, {})[c.src] = c.target

    whole_moves = {}
    for src in MOVES:
        default, over, splits = MOVES[src]
        if default != src and not over and not splits and all(c.src == src for c in by_target[default]):
            whole_moves[src] = default

    for tgt, chunks in by_target.items():
        staying = tgt in MOVES and MOVES[tgt][0] == tgt and tgt not in NEW_PKGS
        tgt_is_pkg = is_package(tgt, NEW_PKGS) or (staying and IS_PKG.get(tgt, False))
        if len({c.src for c in chunks}) == 1 and chunks[0].src in whole_moves:
            src = chunks[0].src
            text = rewrite_imports_in(texts[src], src, IS_PKG.get(src, False), tgt, tgt_is_pkg)
            newp = path_of_new(tgt, tgt_is_pkg)
            os.makedirs(os.path.dirname(newp), exist_ok=True)
            subprocess.run(["git", "-C", ROOT, "mv", FILES[src], newp], check=True)
            open(newp, "w").write(text)
            print(f"moved whole: {src} -> {tgt}")
            continue
        local = set()
        for c in chunks:
            local |= set(c.names) | chunk_defines(c.text)
        need = defaultdict(set)       # (kind, module, asname) -> names ; kind in from/import
        plain = {}                    # order of non-errpath imports
        tc = TC_NAMES.get(tgt, set())
        tcneed = defaultdict(set)
        future = any("from __future__ import annotations" in texts[c.src] for c in chunks)
        for c in chunks:
            for name in sorted(free_globals(c.text) - local):
                homes = defined_in.get(name, {})
                h = headers[c.src].get(name)
                if staying and c.src == tgt and h and name not in homes:
                    continue                  # the staying module's own header has it
                if c.src in homes or (homes and not h):
                    home = homes.get(c.src) or next(iter(homes.values()))
                    if home != tgt:
                        (tcneed if name in tc else need)[("from", home, None)].add(name)
                elif h:
                    kind, mod, nm, asname, level, is_tc = h
                    if kind == "import":
                        for mod1 in mod:
                            key = ("import", MODULES.get(mod1, mod1), asname)
                            if mod1.startswith("errpath"):
                                need[key].add(name)
                            else:
                                plain.setdefault(key, set()).add(name)
                    else:
                        if mod == "__future__":
                            continue
                        if mod.startswith("errpath"):
                            sub = f"{mod}.{nm}"
                            if sub in MODULES:
                                new = MODULES[sub]
                                (tcneed if (name in tc or is_tc) else need)[("modas", new, name)].add(name)
                                continue
                            home = new_home(mod, nm)
                            if home in MOVES and MOVES[home][0] != home:
                                home = MOVES[home][0]
                            if home == tgt:
                                continue
                            (tcneed if (name in tc or is_tc) else need)[("from", home, None)].add(
                                nm + (f" as {asname}" if asname else ""))
                        else:
                            plain.setdefault(("from", mod, None), set()).add(nm + (f" as {asname}" if asname else ""))
                elif name in BUILTINS or name in ("__file__", "__name__", "__doc__", "__spec__"):
                    continue
                else:
                    print(f"  UNRESOLVED {tgt}: {name} (from {c.src})")
        # text
        out = []
        if staying:
            tree, text = trees[tgt], texts[tgt]
            lines = text.split("\n")
            h = header_end(tree)
            head_end = tree.body[h - 1].end_lineno if h else 0
            head = "\n".join(lines[:head_end])
            used = set()
            for c in chunks:
                used |= free_globals(c.text)
            head = prune_and_rewrite_header(head, tgt, used, tgt_is_pkg)
            out.append(head)
        else:
            owner = [s_ for s_ in MOVES if MOVES[s_][0] == tgt and docs.get(s_)]
            doc = DOCS.get(tgt) or (docs[owner[0]] if owner else None) or f"{tgt}."
            out.append(f'"""{doc}"""')
            if future:
                out.append("from __future__ import annotations")
            if plain:
                out.append("")
                srcs = [c.src for c in chunks]
                def pos(k):
                    return min((ORDER.get((s_, k[0], k[1]), 10**6), i) for i, s_ in enumerate(srcs))
                for (kind, mod, asname), names in sorted(plain.items(), key=lambda kv: pos(kv[0])):
                    if kind == "import":
                        out.append(f"import {mod}" + (f" as {asname}" if asname else ""))
                    else:
                        out.append(fmt_from(mod, sorted(names), ""))
        imp = []
        for (kind, mod, asname), names in sorted(need.items(), key=lambda kv: kv[0][1]):
            if kind == "from":
                imp.append(fmt_from(rel_or_abs(tgt, tgt_is_pkg, mod), sorted(names), ""))
            elif kind == "modas":
                parent, _, leaf = mod.rpartition(".")
                imp.append(f"from {rel_or_abs(tgt, tgt_is_pkg, parent)} import {leaf}" + (f" as {asname}" if asname != leaf else ""))
            else:
                imp.append(f"import {mod}" + (f" as {asname}" if asname else ""))
        if tcneed:
            imp.append("from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:")
            for (kind, mod, asname), names in sorted(tcneed.items(), key=lambda kv: kv[0][1]):
                imp.append("    " + fmt_from(rel_or_abs(tgt, tgt_is_pkg, mod), sorted(names), ""))
        if imp:
            out.append("\n" + "\n".join(imp) if not staying else "\n".join(imp))
        body = []
        prev = None
        for c in chunks:
            ctext = c.text
            if c.src != tgt:
                ctext = rewrite_imports_in(ctext, c.src, IS_PKG.get(c.src, False), tgt, tgt_is_pkg)
            else:
                ctext = rewrite_imports_in(ctext, c.src, IS_PKG.get(c.src, False), tgt, tgt_is_pkg)
            if prev is not None and not (prev.src == c.src and prev.order == c.order - 1):
                ctext = "\n\n" + ctext.lstrip("\n")
            elif prev is None and not staying:
                ctext = "\n\n\n" + ctext.lstrip("\n")
            elif prev is None and c.order != header_end(trees[c.src]):
                ctext = "\n\n" + ctext.lstrip("\n")
            prev = c
            body.append(ctext)
        if staying:
            full = "\n".join(out) + "\n" + "\n".join(body) + "\n"
        else:
            full = "\n".join(out) + "\n".join(body).rstrip("\n") + "\n"
        newp = path_of_new(tgt, tgt_is_pkg)
        os.makedirs(os.path.dirname(newp), exist_ok=True)
        open(newp, "w").write(full)
        print(f"wrote {tgt}: {full.count(chr(10))} lines from {sorted({c.src for c in chunks})}")
    # sources that left entirely
    for src in MOVES:
        default, over, _ = MOVES[src]
        gone = default != src or (src in NEW_PKGS and not FILES[src].endswith("__init__.py"))
        if gone and src not in whole_moves and os.path.exists(FILES[src]):
            subprocess.run(["git", "-C", ROOT, "rm", "-q", FILES[src]], check=True)
            print(f"removed {src}")
    # every other file: imports
    moved = set(MOVES) | set(MODULES)
    for m, p in sorted(all_files().items()):
        if m in MOVES or not os.path.exists(p):
            continue
        text = open(p).read()
        new = rewrite_imports_in(text, m, IS_PKG.get(m, p.endswith("__init__.py")), m, p.endswith("__init__.py"))
        if new != text:
            open(p, "w").write(new)
            print(f"imports: {os.path.relpath(p, ROOT)}")


def rel_or_abs(tgt: str, tgt_is_pkg: bool, mod: str) -> str:
    if tgt.startswith("errpath.builtin_rules") or not tgt.startswith("errpath"):
        return mod
    return relative(tgt, tgt_is_pkg, mod)


def path_of_new(mod: str, is_pkg: bool) -> str:
    if mod.startswith("errpath.builtin_rules."):
        return os.path.join(ROOT, "rules", mod.split(".")[-1] + ".py")
    p = os.path.join(ROOT, *mod.split("."))
    return os.path.join(p, "__init__.py") if is_pkg else p + ".py"


def prune_and_rewrite_header(head: str, mod: str, used: set[str], is_pkg: bool) -> str:
    """A staying module's header: its imports rewritten; names it no longer reads dropped."""
    tree = ast.parse(head)
    lines = head.split("\n")
    edits = []
    for n in ast.walk(tree):
        if isinstance(n, ast.ImportFrom) and n.module != "__future__":
            keep = [a for a in n.names if (a.asname or a.name) in used]
            if len(keep) != len(n.names):
                first = lines[n.lineno - 1]
                indent = first[:len(first) - len(first.lstrip())]
                if not keep:
                    edits.append((n.lineno, n.end_lineno, None))
                else:
                    n2 = ast.ImportFrom(module=n.module, names=keep, level=n.level)
                    txt = fmt_from("." * n.level + (n.module or ""), [a.name + (f" as {a.asname}" if a.asname else "") for a in keep], indent)
                    edits.append((n.lineno, n.end_lineno, txt))
    for s, e, new in sorted(edits, reverse=True):
        lines[s - 1:e] = [] if new is None else new.split("\n")
    head = "\n".join(lines)
    return rewrite_imports_in(head, mod, is_pkg, mod, is_pkg)


if __name__ == "__main__":
    main()
