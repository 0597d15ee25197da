"""A .c file's function-like macros that compute a position or a length, read as
small functions (facts.function_macros): which ones are kept."""
from errpath.facts.macros import function_macros, macro_source

SRC = b"""
#define NEXT_REC(r)\t((void *)(r) + le16_to_cpu((r)->len))
#define REC_LEN(r) le16_to_cpu((r)->len)
#define TWO_LINES(p, o) \\
\t((p) + (o)->len)
#define STMT(x) do { (x)->n++; } while (0)
#define PASTE(x) reg_##x
#define CONST(x) 4
#ifdef BIG
#define ALT(r) ((r) + 8)
#else
#define ALT(r) ((r) + 4)
#endif
#define UNUSED(r) ((r) + (r)->len)
"""


def test_only_called_one_expression_macros_reading_a_parameter_are_kept():
    called = {"NEXT_REC", "REC_LEN", "TWO_LINES", "STMT", "PASTE", "CONST", "ALT"}
    got = function_macros(SRC, called)
    assert set(got) == {"NEXT_REC", "REC_LEN", "TWO_LINES"}
    assert got["NEXT_REC"] == (2, ("r",), "((void *)(r) + le16_to_cpu((r)->len))")
    assert got["TWO_LINES"] == (4, ("p", "o"), "((p) + (o)->len)")


def test_each_macro_sits_on_its_define_line():
    text = macro_source(function_macros(SRC, {"NEXT_REC", "TWO_LINES"})).decode().split("\n")
    assert text[1].startswith("static inline long NEXT_REC(long r)")
    assert text[3].startswith("static inline long TWO_LINES(long p, long o)")
