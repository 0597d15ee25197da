"""The fast forms of the light facts give what the plain ones gave."""
import random
import re

from errpath.pipeline.blob import _INCLUDE, _includes
from errpath.facts.functions import _token_tuple, may_exceed_budget
from errpath.facts.syntax import idents


def _includes_ref(data: bytes) -> list[str]:
    return [(b"<" if m.group(1) == b"<" else b'"').decode() + m.group(2).decode("utf-8", "replace")
            for m in _INCLUDE.finditer(data)]


def _may_exceed_ref(text: bytes) -> bool:
    n = (text.count(b";") + text.count(b"{") + text.count(b":") + text.count(b",")
         + text.count(b"=") + text.count(b"&") + 2)
    return (n > 400 or text.count(b"else") > 60 or text.count(b"&&") + text.count(b"||") > 60
            or text.count(b"(") > 1500)


def test_includes_as_the_line_start_regex():
    cases = [b"#include <a>\n", b"  #include <a>\n", b"\n\n \t#  include \"b.h\"\n", b"x #include <a>\n#include <b>\n",
             b"#\ninclude\n<c>\n", b"\n#include <a\n#include <b>", b"a\n \n\n #include<x>y>", b"\v#include <q>",
             b"/* #include <z> */\n#include <w>", b"#include \"a>b\"\n", b"#include <a\"> #include <b>\n#include <c>",
             b"\r\n\r#include <d>\r\n", b"#include <\xff\xfe>\n"]
    rnd = random.Random(7)
    alpha = [b"#", b"include", b" ", b"\n", b"<", b">", b'"', b"a", b"\t", b"\r", b"x", b"#include <", b"\n#include \""]
    cases += [b"".join(rnd.choice(alpha) for _ in range(rnd.randint(0, 14))) for _ in range(20000)]
    for c in cases:
        assert _includes(c) == _includes_ref(c), c


def test_token_tuple_as_idents():
    cases = [b"", b"0x10 1UL 32 a_b9 _x 9_y x$y", b"int f(void) { return 0x1f + i2c_1 - 3e5; }",
             b"caf\xc3\xa9 \xff x", b"a\tb\nc\x00d\x7fe"]
    rnd = random.Random(3)
    alpha = [b"a", b"Z", b"_", b"0", b"9", b"x", b" ", b"(", b"->", b"\n", b"1UL", b"\xc3\xa9", b"$"]
    cases += [b"".join(rnd.choice(alpha) for _ in range(rnd.randint(0, 20))) for _ in range(20000)]
    for c in cases:
        assert _token_tuple(c) == tuple(sorted(idents(c.decode("utf-8", "replace")))), c


def test_may_exceed_budget_as_counted():
    rnd = random.Random(5)
    alpha = [b";", b"{", b":", b",", b"=", b"&", b"&&", b"||", b"else", b"(", b"x", b" "]
    for _ in range(3000):
        t = b"".join(rnd.choice(alpha) for _ in range(rnd.choice((10, 100, 121, 122, 130, 240, 250, 500, 2000))))
        assert may_exceed_budget(t) == _may_exceed_ref(t)
    for t in (b"else" * 61, b"&&" * 61, b"||" * 30 + b"&&" * 31, b"&&" * 60, b"(" * 1501, b";" * 399, b";" * 398 + b"x" * 10):
        assert may_exceed_budget(t) == _may_exceed_ref(t)
