"""The fuzz harness shared by tests/test_fuzz.py (bounded) and bench/fuzz.py (long).

`exercise(data, rules)` feeds one C file through everything that reads C:
normalisation + tree-sitter parse, facts (CFG, dataflow on demand), the
budget check, the cache's pickle round trip, the summary layer, and every
rule on every function. Any exception escaping is a bug; so is taking more
than `limit` CPU seconds (a hang: SIGVTALRM turns it into `Hang`).

Strategies (Hypothesis): random bytes, mutated real C (the rule fixtures and
story files: truncations, byte flips, token insertions, slice deletions and
duplications), generated C functions (nested if/else, loops, switch, goto,
min()/max() steps, early returns), deep nesting of every construct, huge
macros, and files that are only braces.
"""
from __future__ import annotations

import pickle
import signal
from contextlib import contextmanager
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
FUZZ_PATH = "fuzz/input.c"


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: float):
    def on_alarm(signum, frame):
        raise Hang(f"no answer after {seconds}s")
    # CPU time (SIGVTALRM): the engine's own wall-clock backstop uses SIGALRM
    old = signal.signal(signal.SIGVTALRM, on_alarm)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, old)


def load_all_rules():
    from errpath.rules import load_rules
    return load_rules()


def exercise(data: bytes, rules, limit: float = 60.0) -> dict:
    """Run one input through parse, facts and every rule, the way the engine
    does (including its per-function time backstop). A rule raising is a bug
    here (the engine would contain it as an internal error). Returns counters."""
    from errpath import analysis as summary
    from errpath.pipeline.cache import Cache
    from errpath.pipeline.engine import Engine
    from errpath.pipeline.blob import analyse_blob
    from errpath.facts.index import FactsIndex
    from errpath.model import Finding

    with time_limit(limit):
        a = analyse_blob(FUZZ_PATH, data, None)
        a = pickle.loads(pickle.dumps(a, protocol=pickle.HIGHEST_PROTOCOL))   # what the cache does
        index = FactsIndex(a.functions, in_scope={FUZZ_PATH})
        index.summaries = summary.build(index)
        engine = Engine(None, rules, Cache(None), jobs=1)
        found, errors = engine.run_rules(index, index.functions_in_scope())
        assert not errors, errors
        for f in found:
            assert isinstance(f, Finding), f
            assert f.path == FUZZ_PATH and f.line >= 1, f
            f.to_json()
        budget = sum(1 for u in a.unparsed if u.reason.startswith("budget"))
        return {"functions": len(a.functions), "unparsed": len(a.unparsed), "budget": budget,
                "rules_budget": len(engine.stats.get("rules_budget", [])), "findings": len(found)}


# -- seeds -------------------------------------------------------------------------

def seed_corpus() -> list[bytes]:
    files = sorted((ROOT / "fixtures").rglob("*.c")) + sorted((ROOT / "fixtures").rglob("*.h"))
    seeds = [p.read_bytes() for p in files if p.stat().st_size < 200_000]
    seeds.append(b"""static unsigned int room(struct q *q) { return q->cap >> 9; }
void drain(struct q *q, unsigned long n)
{
\tstruct item *it, *tmp;
\twhile (n) {
\t\tunsigned long step = min(n, room(q));
\t\tif (!step)
\t\t\tgoto out;
\t\tlist_for_each_entry_safe(it, tmp, &q->list, node) {
\t\t\tif (IS_ERR(it->p))
\t\t\t\treturn PTR_ERR(it->p);
\t\t}
\t\tswitch (q->mode) {
\t\tcase 1: n -= step; break;
\t\tdefault: n -= min_t(unsigned long, n, step); continue;
\t\t}
\t}
out:
\treturn;
}
""")
    return seeds


TOKENS = [b"{", b"}", b"(", b")", b"[", b"]", b";", b",", b"if (x) ", b"else ", b"while (n) ",
          b"for (;;) ", b"do ", b"switch (x) {", b"case 1:", b"default:", b"goto out;", b"out:",
          b"return -ENOMEM;", b"return 0;", b"break;", b"continue;", b"n -= step;", b"p += len;",
          b"step = min(n, f(q));", b"len = le16_to_cpu(h->len);", b"#define X(a) \\\n", b"/*",
          b"*/", b"//", b"\"", b"'", b"\\", b"\n", b"#if 0\n", b"#endif\n", b"#include <x.h>\n",
          b"list_for_each_entry(p, h, m) ", b"ERR_PTR(-EINVAL)", b"IS_ERR(p)", b"NULL", b"\0",
          b"\xff\xfe", b"\xe2\x80\xae", b"__must_check ", b"static inline ", b"struct s { int a; };",
          b"int f(void)", b"?", b":", b"->", b"==", b"&&", b"||", b"<<", b">>", b"= {", b"...",
          b"__attribute__((x))", b"asm volatile(\"\" ::: \"memory\");", b"\r\n", b"\t"]


@st.composite
def mutated_c(draw) -> bytes:
    seeds = seed_corpus_cached()
    data = bytearray(draw(st.sampled_from(seeds)))
    ops = draw(st.lists(st.tuples(st.sampled_from(["trunc", "flip", "insert", "delete", "dup", "swap"]),
                                  st.integers(0, 1 << 30), st.integers(0, 1 << 30),
                                  st.integers(0, 255), st.sampled_from(TOKENS)),
                        min_size=1, max_size=10))
    for op, a, b, byte, tok in ops:
        n = len(data)
        i = a % (n + 1)
        j = b % (n + 1)
        i, j = min(i, j), max(i, j)
        if op == "trunc":
            del data[i:]
        elif op == "flip" and n:
            data[a % n] = byte
        elif op == "insert":
            data[i:i] = tok
        elif op == "delete":
            del data[i:min(j, i + 400)]
        elif op == "dup":
            data[j:j] = data[i:min(j, i + 2000)]
        elif op == "swap" and n:
            data[i:j] = bytes(reversed(data[i:j]))
    return bytes(data)


_SEEDS: list[bytes] | None = None


def seed_corpus_cached() -> list[bytes]:
    global _SEEDS
    if _SEEDS is None:
        _SEEDS = seed_corpus()
    return _SEEDS


def add_seeds(files) -> int:
    """Add real C files (e.g. a kernel tree's) to the mutation seeds."""
    seeds = seed_corpus_cached()
    n = 0
    for f in files:
        try:
            data = Path(f).read_bytes()
        except OSError:
            continue
        if 0 < len(data) < 400_000:
            seeds.append(data)
            n += 1
    return n


# -- generated C ----------------------------------------------------------------------

_VARS = ["n", "step", "len", "ret", "p", "q->cap", "i", "err", "nr_sects"]
_EXPRS = st.one_of(
    st.sampled_from(_VARS),
    st.integers(-3, 1 << 33).map(str),
    st.sampled_from(["min(n, step)", "max(len, 1)", "min_t(u32, n, f(q))", "clamp(x, 0, 8)",
                     "f(q)", "q->len >> 9", "PAGE_SIZE - off", "le32_to_cpu(h->size)", "ERR_PTR(-EIO)",
                     "NULL", "PTR_ERR(p)", "n ? n : 1", "-ENOMEM", "sizeof(*p)", "round_down(n, 8)"]),
)
_SIMPLE = st.one_of(
    st.tuples(st.sampled_from(_VARS[:5]), st.sampled_from(["=", "-=", "+=", ">>=", "|="]), _EXPRS)
    .map(lambda t: f"{t[0]} {t[1]} {t[2]};"),
    st.sampled_from(["break;", "continue;", "goto out;", "goto err;", "return -EINVAL;", "return 0;",
                     "return ret;", "f(q);", "BUG();", ";", "if (!step) break;", "if (IS_ERR(p)) return PTR_ERR(p);"]),
)
_COND = st.one_of(st.sampled_from(["n", "!step", "p < end", "n > 0", "ret", "flags & IOMAP_NOWAIT",
                                   "likely(x)", "i < len", "!p", "IS_ERR(p)", "n && step", "1", "0"]),
                  _EXPRS)


def _compound(inner):
    return st.one_of(
        st.tuples(_COND, st.lists(inner, max_size=4)).map(lambda t: f"if ({t[0]}) {{ {' '.join(t[1])} }}"),
        st.tuples(_COND, inner, inner).map(lambda t: f"if ({t[0]}) {t[1]} else {t[2]}"),
        st.tuples(_COND, st.lists(inner, max_size=4)).map(lambda t: f"while ({t[0]}) {{ {' '.join(t[1])} }}"),
        st.tuples(st.lists(inner, max_size=3), _COND).map(lambda t: f"do {{ {' '.join(t[0])} }} while ({t[1]});"),
        st.tuples(_COND, st.lists(inner, max_size=3)).map(lambda t: f"for (i = 0; {t[0]}; i++) {{ {' '.join(t[1])} }}"),
        st.lists(st.tuples(st.integers(0, 9), st.lists(inner, max_size=2)), max_size=5).map(
            lambda cs: "switch (n) { " + " ".join(f"case {c}: {' '.join(b)}" for c, b in cs) + " default: break; }"),
        st.lists(inner, max_size=4).map(lambda b: "{ " + " ".join(b) + " }"),
        st.tuples(st.sampled_from(["out", "err", "again"]), inner).map(lambda t: f"{t[0]}: {t[1]}"),
        st.tuples(st.sampled_from(["list_for_each_entry(p, &h, node)", "xa_for_each(&xa, i, p)"]),
                  st.lists(inner, max_size=3)).map(lambda t: f"{t[0]} {{ {' '.join(t[1])} }}"),
    )


_STMT = st.recursive(_SIMPLE, _compound, max_leaves=60)


@st.composite
def generated_c(draw) -> bytes:
    fns = []
    for k in range(draw(st.integers(1, 4))):
        body = " ".join(draw(st.lists(_STMT, min_size=1, max_size=8)))
        static = draw(st.booleans())
        ret = draw(st.sampled_from(["int", "unsigned int", "void", "struct page *", "long"]))
        fns.append(f"{'static ' if static else ''}{ret} f{k}(struct q *q, unsigned long n, char *p, char *end)\n"
                   f"{{\n\tint i, ret = 0; unsigned long step, len;\n\t{body}\nout:\nerr:\n\treturn ret;\n}}\n")
    return "\n".join(fns).encode()


# -- pathological shapes ---------------------------------------------------------------

_NEST = {
    "if": (b"if (x) {\n", b"}\n"),
    "while": (b"while (n) {\n", b"}\n"),
    "for": (b"for (;;) {\n", b"}\n"),
    "do": (b"do {\n", b"} while (n);\n"),
    "switch": (b"switch (x) { case 1:\n", b"}\n"),
    "block": (b"{\n", b"}\n"),
    "paren": (b"(", b")"),
    "elseif": (b"if (x) n--; else ", b""),
    "label": (b"l: ", b""),
    "iter": (b"list_for_each_entry(p, h, m) {\n", b"}\n"),
}


@st.composite
def pathological(draw) -> bytes:
    kind = draw(st.sampled_from(["nest", "switch", "paths", "macro", "braces", "vars", "ternary", "long_line"]))
    n = draw(st.integers(1, 3000))
    if kind == "nest":
        open_, close = _NEST[draw(st.sampled_from(sorted(_NEST)))]
        inner = b"x = " + open_ * n + b"y" + close * n + b";\n" if open_ == b"(" else \
            open_ * n + b"n -= step;\n" + close * n
        return b"int f(int x, int n, int step)\n{\n" + inner + b"return n;\n}\n"
    if kind == "switch":
        return (b"int f(int x)\n{\n\tint n = x;\n\twhile (n) {\n\t\tswitch (x) {\n"
                + b"".join(b"\t\tcase %d: n -= min(n, h(%d)); break;\n" % (i, i) for i in range(n * 4))
                + b"\t\t}\n\t}\n\treturn 0;\n}\n")
    if kind == "paths":
        k = n // 5 + 1
        return (b"int f(int n)\n{\n" + b"".join(b"int v%d, a%d = k(%d);\n" % (i, i, i) for i in range(k))
                + b"while (n) {\n"
                + b"".join(b"if (a%d) { v%d = g(%d); } else { v%d = 0; goto o%d; }\no%d:\n" % ((i,) * 6) for i in range(k))
                + b"n -= v%d;\n}\nreturn 0;\n}\n" % (k - 1))
    if kind == "macro":
        return (b"#define M(x) \\\n" + b"\tdo { (x)++; } while (0); \\\n" * n + b"\n"
                b"int f(int n) { while (n) { M(n); n -= M(n); } return 0; }\n")
    if kind == "braces":
        alphabet = draw(st.sampled_from([b"{}", b"()", b"{}();", b"[]{}()", b"{"]))
        seq = draw(st.lists(st.sampled_from(list(alphabet)), min_size=1, max_size=400))
        return bytes(seq) * (n // 4 + 1)
    if kind == "vars":
        k = n // 3 + 1
        return (b"int f(int n)\n{\n" + b"".join(b"int v%d = g(%d);\nif (v%d) n -= v%d;\n" % (i, i, i, i) for i in range(k))
                + b"while (n) { n -= v0; }\nreturn n;\n}\n")
    if kind == "ternary":
        return b"int f(int n)\n{\n\treturn " + b"n ? " * n + b"1" + b" : 0" * n + b";\n}\n"
    return b"int f(int n) { return n" + b" + n" * (n * 300) + b"; }\n"


def any_input():
    return st.one_of(st.binary(max_size=4000), mutated_c(), generated_c(), pathological())
