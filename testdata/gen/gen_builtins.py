#!/usr/bin/env python3
"""Generates testdata/gen/builtins.txt: YieldScript expressions over the
base library's builtins and string methods, each with the value Python 3.11
gives for the same call, written as YieldScript prints a value inside a list
(or `error: KIND` when the call throws).

The Go test (lang/vm/gen_test.go) reads the file and needs no Python. To
regenerate, from the repository root: python3 testdata/gen/gen_builtins.py

Strings are byte strings in YieldScript: the positional methods (find, split,
ljust, ...) are checked against Python's bytes methods, the case mappings and
class tests against Python's str methods on the UTF-8 text (bytes that are
not UTF-8 kept as they are, as with errors="surrogateescape").
"""
import math
import random

R = random.Random(11)
OUT = "testdata/gen/builtins.txt"
cases = []

from ysvalue import INT_MIN, INT_MAX, Err, quote, fmt_float, ys, lit  # noqa: F401

KINDS = {TypeError: "type", ValueError: "value", IndexError: "index", OverflowError: "value", Err: None}


def case(expr, f):
    """Records expr with the outcome of calling f."""
    try:
        want = ys(f())
    except Err as e:
        want = "error: " + e.kind
    except (TypeError, ValueError, IndexError, OverflowError) as e:
        want = "error: " + KINDS[type(e)]
    cases.append((expr, want))


def call(name, *args):
    return "%s(%s)" % (name, ", ".join(lit(a) for a in args))


# ---- numbers ----------------------------------------------------------------

def rint():
    return R.choice([R.randint(-10, 10), R.randint(-10**6, 10**6), R.randint(INT_MIN // 2, INT_MAX // 2)])


def rfloat():
    return R.choice([
        R.uniform(-100, 100), R.randint(-50, 50) + 0.5, R.randint(-9999, 9999) / 1000,
        R.randint(-99999, 99999) / 100, R.uniform(-1e6, 1e6), R.choice([0.0, -0.0, 1e-7, 2.675, 1.005, 0.125, 2.5e-5]),
    ])


for _ in range(60):
    x = R.choice([rint(), rfloat()])
    case(call("abs", x), lambda: abs(x))

for _ in range(100):
    x = rfloat()
    case(call("round", x), lambda: round(x))
for _ in range(200):
    x, nd = rfloat(), R.randint(-3, 6)
    case(call("round", x, nd), lambda: round(x, nd))
for _ in range(50):
    x, nd = rint(), R.randint(-6, 2)
    case(call("round", x, nd), lambda: round(x, nd))
for x, nd in [(INT_MAX, -1), (INT_MIN, -1), (INT_MIN, 0), (6 * 10**18, -19), (4 * 10**18, -19), (15, -1), (-25, -1), (7, -40)]:
    case(call("round", x, nd), lambda: round(x, nd))
for x in [0.5, 1.5, 2.5, -0.5, -1.5, 1e300, float("inf"), float("nan")]:
    case(call("round", x), lambda: round(x))
for x, nd in [(2.675, 2), (1.005, 2), (0.285, 2), (1234.5, -2), (-0.4, 0), (5e-324, 400), (1e308, -308), (15.0, -1), (25.0, -1)]:
    case(call("round", x, nd), lambda: round(x, nd))


def rlist(gen, lo=0, hi=8):
    return [gen() for _ in range(R.randint(lo, hi))]


def small():
    return R.choice([R.randint(-20, 20), R.randint(-20, 20) / 4])


WORDS = [b"pear", b"Apple", b"apple", b"b", b"", b"banana", b"\xc3\xa9t\xc3\xa9", b"zz", b"a b"]

for _ in range(75):
    xs = R.choice([rlist(small, 1), rlist(lambda: R.choice(WORDS), 1)])
    case(call("min", xs), lambda: min(xs))
    case(call("max", xs), lambda: max(xs))
    if len(xs) > 1:
        case(call("min", *xs), lambda: min(*xs))
        case(call("max", *xs), lambda: max(*xs))
case(call("min", []), lambda: min([]))
case(call("max", []), lambda: max([]))

for _ in range(50):
    xs = rlist(small)
    case(call("sum", xs), lambda: sum(xs))
    s = small()
    case(call("sum", xs, s), lambda: sum(xs, s))

KEYS = [
    ("fn(x) { return -x }", lambda x: -x),
    ("fn(x) { return x % 3 }", lambda x: x % 3),
    ("fn(x) { return [x % 2, x] }", lambda x: [x % 2, x]),
    ("abs", abs),
]
SKEYS = [("len", len), ("fn(s) { return s.lower() }", lambda s: s.lower()),
         ("fn(s) { return s[1:] }", lambda s: s[1:])]
for _ in range(75):
    xs = rlist(small)
    rev = R.random() < 0.5
    case(call("sorted", xs), lambda: sorted(xs))
    case("sorted(%s, nil, %s)" % (lit(xs), ys(rev)), lambda: sorted(xs, reverse=rev))
    src, key = R.choice(KEYS)
    case("sorted(%s, %s, %s)" % (lit(xs), src, ys(rev)), lambda: sorted(xs, key=key, reverse=rev))
    ws = rlist(lambda: R.choice(WORDS))
    case(call("sorted", ws), lambda: sorted(ws))
    src, key = R.choice(SKEYS)
    case("sorted(%s, %s, %s)" % (lit(ws), src, ys(rev)), lambda: sorted(ws, key=key, reverse=rev))
    case("sorted(%s, %s)" % (lit(ws), src), lambda: sorted(ws, key=key))

for _ in range(30):
    xs = rlist(small)
    case(call("reversed", xs), lambda: list(reversed(xs)))
    ys_ = rlist(lambda: R.choice(WORDS))
    zs = rlist(small)
    case(call("zip", xs, ys_), lambda: [list(t) for t in zip(xs, ys_)])
    case(call("zip", xs, ys_, zs), lambda: [list(t) for t in zip(xs, ys_, zs)])
    st = R.randint(-3, 3)
    case(call("enumerate", ys_), lambda: [list(t) for t in enumerate(ys_)])
    case(call("enumerate", ys_, st), lambda: [list(t) for t in enumerate(ys_, st)])

for c in list(range(0, 128, 3)) + [0xE9, 0xFF, 0x100, 0x3A3, 0x20AC, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF]:
    case("ord(chr(%d))" % c, lambda: c)
    case("chr(%d)" % c, lambda: chr(c))
case("chr(1114112)", lambda: chr(1114112))
case("chr(-1)", lambda: chr(-1))
for _ in range(50):
    n = rint()
    for name, f in (("hex", hex), ("oct", oct), ("bin", bin)):
        case(call(name, n), lambda: f(n))
for n in [INT_MIN, INT_MAX, 0, -1]:
    for name, f in (("hex", hex), ("oct", oct), ("bin", bin)):
        case(call(name, n), lambda: f(n))


def rdigits(base):
    ds = "0123456789abcdefghijklmnopqrstuvwxyz"[:base]
    return "".join(R.choice(ds) for _ in range(R.randint(1, 12)))


for _ in range(150):
    base = R.choice([2, 8, 10, 16, 36, 0, R.randint(2, 36)])
    s = rdigits(base if base else 10)
    if R.random() < 0.2:
        s = s.upper()
    if R.random() < 0.2 and len(s) > 2:
        i = R.randint(1, len(s) - 1)
        s = s[:i] + "_" + s[i:]
    if R.random() < 0.3:
        p = R.choice(["0x", "0o", "0b", "0X", "0B"])
        s = p + R.choice(["", "_"]) + rdigits({"x": 16, "o": 8, "b": 2}[p[1].lower()])
    if R.random() < 0.2:
        s = R.choice(["-", "+", " ", " -"]) + s
    if R.random() < 0.1:
        s = s + R.choice(["_", "__1", " ", "g", "-"])
    case(call("int", s, base), lambda: int(s, base))
    if base == 10 or R.random() < 0.3:
        case(call("int", s), lambda: int(s))
for s, base in [("0", 0), ("00", 0), ("010", 0), ("0_0", 0), ("9223372036854775807", 10),
                ("9223372036854775808", 10), ("-9223372036854775808", 10), ("1", 1), ("1", 37), ("z", 35),
                ("\u0661\u0662\u0663", 10), ("\uff11\uff12", 16), ("\u3000\uff11_\uff12\x85", 0), ("\U0001d7d8\U0001d7d9", 10),
                ("\x1c12", 10), ("\u00b2", 10), ("1\u0663", 8), ("\u0669", 8)]:
    case(call("int", s, base), lambda: int(s, base))

for v in [1, -2.5, 1e16, b"a\"b", [1, b"x", None, True], None, 0.1 + 0.2]:
    case(call("repr", v), lambda: ys(v))

# ---- strings ------------------------------------------------------------------

ALPHABET = [b"a", b"b", b"c", b"A", b"B", b"Z", b"0", b"7", b" ", b" ", b"\t", b"\n", b"\r", b"\r\n", b",", b"-",
            b"'", b".", b"ab", b"xy", b"\xc3\xa9", b"\xc3\x89", b"\xc3\x9f", b"\xce\xa3", b"\xcf\x83",
            b"\xc7\x85", b"\xc2\xb2", b"\xc4\xb0", b"\xef\xac\x81", b"\xe2\x85\xa0", b"\xff", b"\xc2\xa0", b"\x0b"]
WORDY = [b"a", b"b", b"A", b"Z", b"'", b"\xcc\x81", b":", b"\xc2\xad", b"\xce\xa3", b"\xcf\x83", b"\xc3\xa9", b"\xc3\x89", b"\xc3\x9f", b" ", b".", b"\xc7\x85"]


def rstr(alpha=ALPHABET, hi=10):
    return b"".join(R.choice(alpha) for _ in range(R.randint(0, hi)))


def text(b):
    return b.decode("utf-8", "surrogateescape")


def back(s):
    return s.encode("utf-8", "surrogateescape")


def meth(s, name, *args):
    return "%s.%s(%s)" % (lit(s), name, ", ".join(lit(a) if a is not None else "nil" for a in args))


SEPS = [b",", b" ", b"ab", b"\n", b"a", b"\xc3\xa9", b",,"]

for _ in range(80):
    s = rstr()
    sub = R.choice([b"", b"a", b"b", b"ab", b" ", b",", b"\xc3", s[1:3]])
    args = R.choice([(), (R.randint(-12, 12),), (R.randint(-12, 12), R.randint(-12, 12)),
                     (None, R.randint(-12, 12))])
    for name in ("find", "rfind", "index", "rindex", "count"):
        case(meth(s, name, sub, *args), lambda: getattr(s, name)(sub, *args))

for _ in range(100):
    s = rstr()
    ms = R.choice([-1, 0, 1, 2, 5])
    case(meth(s, "split"), lambda: s.split())
    case(meth(s, "rsplit"), lambda: s.rsplit())
    case(meth(s, "split", None, ms), lambda: s.split(None, ms))
    case(meth(s, "rsplit", None, ms), lambda: s.rsplit(None, ms))
    sep = R.choice(SEPS)
    case(meth(s, "split", sep), lambda: s.split(sep))
    case(meth(s, "split", sep, ms), lambda: s.split(sep, ms))
    case(meth(s, "rsplit", sep, ms), lambda: s.rsplit(sep, ms))
    case(meth(s, "splitlines"), lambda: s.splitlines())
    case(meth(s, "splitlines", True), lambda: s.splitlines(True))
    case(meth(s, "partition", sep), lambda: list(s.partition(sep)))
    case(meth(s, "rpartition", sep), lambda: list(s.rpartition(sep)))
    p = R.choice([b"", s[:2], s[-2:], b"a"])
    case(meth(s, "removeprefix", p), lambda: s.removeprefix(p))
    case(meth(s, "removesuffix", p), lambda: s.removesuffix(p))

for _ in range(75):
    s = R.choice([rstr(hi=6), R.choice([b"-", b"+", b""]) + str(R.randint(0, 999)).encode()])
    w = R.randint(-2, 14)
    fill = R.choice([b"*", b"-", b" ", b"0"])
    for name in ("ljust", "rjust", "center"):
        case(meth(s, name, w), lambda: getattr(s, name)(w))
        case(meth(s, name, w, fill), lambda: getattr(s, name)(w, fill))
    case(meth(s, "zfill", w), lambda: s.zfill(w))
    i = R.randint(-8, 8)
    case(meth(s, "byte", i), lambda: s[i])

CLASS_ALPHA = [b"a", b"Z", b"0", b"9", b" ", b"\t", b"\n", b"\x1c", b"\xc2\xa0", b"\xe3\x80\x80", b"\xc3\xa9",
               b"\xc3\x89", b"\xc2\xb2", b"\xe2\x91\xa0", b"\xd9\xa3", b"\xc7\x85", b"\xc2\xaa", b"\xe2\x85\xa0",
               b"\xc2\xbd", b"_", b"!", b"\xff", b"\xe4\xb8\x80"]
for _ in range(125):
    s = rstr(R.choice([CLASS_ALPHA, ALPHABET, CLASS_ALPHA[:4], CLASS_ALPHA[4:9], CLASS_ALPHA[9:19]]), 5)
    for name in ("isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower"):
        case(meth(s, name), lambda: getattr(text(s), name)())
for _ in range(125):
    s = rstr(R.choice([ALPHABET, WORDY]), 12)
    for name in ("upper", "lower", "title", "capitalize", "swapcase"):
        case(meth(s, name), lambda: back(getattr(text(s), name)()))

with open(OUT, "w") as f:
    f.write("# Generated by testdata/gen/gen_builtins.py; one case per line: expression TAB expected\n")
    for expr, want in cases:
        assert "\t" not in expr and "\n" not in expr
        f.write(expr + "\t" + want + "\n")
print(len(cases), "cases written to", OUT)
