#!/usr/bin/env python3
"""Generates testdata/gen/core.txt: YieldScript expressions over strip,
lstrip and rstrip, json.encode and json.decode, list and string repetition,
sorted, arithmetic and comparison of ints and floats, slicing, indexing,
comparison and `in` of lists and strings, str() of floats and int() and
float() of text, each with the
value Python 3.11 gives for the same operation, written as YieldScript prints
a value inside a list (or `error: KIND` when it throws).

The Go test (stdlib/gen_core_test.go) reads the file and needs no Python. To
regenerate, from the repository root: python3 testdata/gen/gen_core.py

Where the language chose differently from Python on purpose, the expected
value follows the language's rule, computed here from Python's answer:
- strings are byte strings: strip and friends are checked against bytes.strip;
- ints are 64-bit and wrap around on overflow;
- json.decode turns a lone surrogate into U+FFFD and a number that does not
  fit an int into a float; json.encode writes bytes that are not UTF-8 as
  U+FFFD (Python's decode with "replace") and throws value for nan and inf;
- sort checks first that the items are all numbers, all strings or all lists.
"""
import json
import math
import random

R = random.Random(15)
OUT = "testdata/gen/core.txt"
cases = []

from ysvalue import INT_MIN, INT_MAX, Err, quote, fmt_float, ys, lit  # noqa: F401

KINDS = {TypeError: "type", ValueError: "value", IndexError: "index", OverflowError: "value",
         ZeroDivisionError: "zero_division"}


def case(expr, f):
    """Records expr with the outcome of calling f."""
    try:
        want = ys(f())
    except Err as e:
        want = "error: " + e.kind
    except tuple(KINDS) as e:
        want = "error: " + KINDS[type(e)]
    assert "\t" not in expr and "\n" not in expr, expr
    cases.append((expr, want))


def rstr(alpha, hi=8):
    return b"".join(R.choice(alpha) for _ in range(R.randint(0, hi)))


# ---- strip, lstrip, rstrip: bytes, and ASCII whitespace ---------------------

STRIP_ALPHA = [b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c", b"\x1c", b"\x1f", b"\xc2\xa0", b"\xc2\x85",
               b"\xe3\x80\x80", b"a", b"b", b"x", b"\xc3\xa9", b"\xc3\xbf", b"\xa9", b"\xbf", b"\xc3", b"\xff", b"-"]
CHARS = [None, b"", b"a", b"ab", b" x", b"\xc3\xa9", b"\xa9", b"\xc3", b"\xc2\xa0", b"-\t", b"\xff\xbf"]

for _ in range(120):
    s = rstr(STRIP_ALPHA, 9)
    chars = R.choice(CHARS)
    for name in ("strip", "lstrip", "rstrip"):
        arg = "" if chars is None else lit(chars)
        case("%s.%s(%s)" % (lit(s), name, arg), lambda: getattr(s, name)(chars))
for s in [b"\xc3\xbf", b"\xc3\xa9\xa9"]:
    case("%s.strip(%s)" % (lit(s), lit(b"\xc3\xa9")), lambda: s.strip(b"\xc3\xa9"))


# ---- json.decode ------------------------------------------------------------

def lone_to_fffd(v):
    """Python keeps lone surrogates in str; YieldScript makes them U+FFFD,
    and a number that does not fit an int a float."""
    if isinstance(v, str):
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in v)
    if isinstance(v, bool) or v is None or isinstance(v, float):
        return v
    if isinstance(v, int):
        return v if INT_MIN <= v <= INT_MAX else float(v)
    if isinstance(v, list):
        return [lone_to_fffd(x) for x in v]
    return {lone_to_fffd(k): lone_to_fffd(x) for k, x in v.items()}


ESCAPES = ["\\ud800", "\\udbff", "\\udc00", "\\udfff", "\\ud83d", "\\ude00", "\\u0041", "\\u00e9", "\\u20ac",
           "\\n", "\\t", "\\\"", "\\\\", "\\/", "\\b", "\\f", "a", "\u00e9", "\U0001F600", " ", "\\u0000"]


def json_string():
    return '"' + "".join(R.choice(ESCAPES) for _ in range(R.randint(0, 5))) + '"'


NUMBERS = ["0", "-0", "1", "-17", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
           "12345678901234567890", "1.5", "-0.0", "1e2", "1E-3", "2.5e+3", "0.1", "123456789012345678901234567890.5",
           "1e400", "-1e400", "5e-324", "1.7976931348623157e308"]
BAD = ["[1, 2,]", "{\"a\": 1,}", "NaN", "Infinity", "'a'", "[1 2]", "01", "1.", ".5", "+1", "-", "\"\\x41\"",
       "\"\\u12\"", "\"\\ud800\\u00zz\"", "tru", "nul", "[", "{\"a\" 1}", "\"a\nb\"", "1 2", "", " ", "{1: 2}",
       "\"\\", "\"abc"]


def json_value(depth=0):
    r = R.random()
    if depth > 2 or r < 0.35:
        return json_string()
    if r < 0.55:
        return R.choice(NUMBERS)
    if r < 0.62:
        return R.choice(["true", "false", "null"])
    if r < 0.8:
        return "[" + ", ".join(json_value(depth + 1) for _ in range(R.randint(0, 3))) + "]"
    keys = [json_string() for _ in range(R.randint(0, 3))]
    return "{" + ", ".join(k + ": " + json_value(depth + 1) for k in keys) + "}"


def decode(text):
    try:
        v = json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    except json.JSONDecodeError:
        raise ValueError("bad json")
    return lone_to_fffd(v)


for _ in range(150):
    text = json_value()
    if R.random() < 0.2:
        text = R.choice([" ", "\n", "\t", ""]) + text + R.choice([" ", "\r\n", ""])
    case("json.decode(%s)" % lit(text), lambda: decode(text))
for text in BAD:
    case("json.decode(%s)" % lit(text), lambda: decode(text))
for text in ['"\\ud800\\u0041"', '"\\udc00\\ud800"', '"\\ud83d\\ud83d\\ude00"', '"\\ud83d\\ude00"']:
    case("json.decode(%s)" % lit(text), lambda: decode(text))


# ---- json.encode ------------------------------------------------------------

ENC_ALPHA = [b"a", b"\"", b"\\", b"\n", b"\r", b"\t", b"\x08", b"\x0c", b"\x01", b"\x1f", b"\x7f", b"/", b"<",
             b"&", b"\xc3\xa9", b"\xe2\x82\xac", b"\xf0\x9f\x98\x80", b"\xff", b"\xe2\x82", b"\xc0\xaf",
             b"\xed\xa0\x80", b"\xf0\x9f\x98", b"\xf4\x90\x80\x80", b"\xa9", b"\xef\xbf\xbd", b" "]
FLOATS = [0.0, -0.0, 1.0, 1.5, -2.25, 0.1, 1e16, 1e-7, 123456789.123, 1e300, 5e-324, float("nan"), float("inf"),
          float("-inf")]


def enc_value(depth=0):
    r = R.random()
    if depth > 2 or r < 0.35:
        return rstr(ENC_ALPHA, 5)
    if r < 0.45:
        return R.choice([0, 1, -1, INT_MAX, INT_MIN + 1, 123456789])
    if r < 0.55:
        return R.choice(FLOATS)
    if r < 0.62:
        return R.choice([None, True, False])
    if r < 0.8:
        return [enc_value(depth + 1) for _ in range(R.randint(0, 3))]
    d = {}
    for _ in range(R.randint(0, 3)):
        d[rstr(ENC_ALPHA[:16], 4)] = enc_value(depth + 1)
    return d


def as_text(v):
    """The value with its byte strings decoded as YieldScript's encoder reads them."""
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, list):
        return [as_text(x) for x in v]
    if isinstance(v, dict):
        return {as_text(k): as_text(x) for k, x in v.items()}
    return v


def encode(v):
    return json.dumps(as_text(v), ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


for _ in range(150):
    v = enc_value()
    case("json.encode(%s)" % lit(v), lambda: encode(v))


# ---- repetition -------------------------------------------------------------

for _ in range(60):
    n = R.choice([-3, -1, 0, 1, 2, 3, 5])
    xs = R.choice([[], [1], [1, "a"], [[1], 2.5], [None, True]])
    s = R.choice([b"", b"a", b"ab", b"\xc3\xa9", b"-+"])
    case("%s * %s" % (lit(xs), lit(n)), lambda: xs * n)
    case("%s * %s" % (lit(n), lit(xs)), lambda: n * xs)
    case("%s * %s" % (lit(s), lit(n)), lambda: s * n)
for n in [INT_MAX, 10**12, 2**40]:
    case("[] * %d" % n, lambda: [] * n)
    case("%d * []" % n, lambda: n * [])
    case("\"\" * %d" % n, lambda: "" * n)


# ---- sorted: numbers, strings or lists, checked first -----------------------

def sort_class(v):
    if isinstance(v, bool) or v is None or isinstance(v, dict):
        return None
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, bytes):
        return "string"
    if isinstance(v, list):
        return "list"
    return None


def ys_sorted(xs):
    classes = {sort_class(x) for x in xs}
    if None in classes or len(classes) > 1:
        raise TypeError("cannot sort")
    return sorted(xs)


SWORDS = [b"pear", b"Apple", b"apple", b"", b"b", b"\xc3\xa9", b"\xff", b"a\x00", b"a"]
for _ in range(80):
    r = R.random()
    if r < 0.3:
        xs = [R.choice([R.randint(-5, 5), R.randint(-5, 5) / 2, R.randint(-10**6, 10**6)]) for _ in range(R.randint(0, 7))]
    elif r < 0.55:
        xs = [R.choice(SWORDS) for _ in range(R.randint(0, 7))]
    elif r < 0.75:
        inner = R.choice([lambda: R.randint(0, 3), lambda: R.choice(SWORDS[:4])])
        xs = [[inner() for _ in range(R.randint(0, 3))] for _ in range(R.randint(0, 5))]
    else:
        pool = [1, 2.5, b"a", [1], None, True, {}]
        xs = [R.choice(pool) for _ in range(R.randint(1, 4))]
    case("sorted(%s)" % lit(xs), lambda: ys_sorted(xs))


# ---- arithmetic and comparison ----------------------------------------------

def wrap(v):
    if isinstance(v, int):
        return (v - INT_MIN) % 2**64 + INT_MIN
    return v


def rnum():
    return R.choice([
        R.randint(-10, 10), R.randint(-10**6, 10**6), R.randint(INT_MIN + 1, INT_MAX),
        R.choice([2**53 + 1, -(2**53) - 1, 2**62 + 3, 3 * 2**60 + 1, INT_MAX]),
        R.uniform(-100, 100), R.randint(-50, 50) + 0.5, R.choice([0.0, -0.0, 0.1, 2.5, 1e300, -1e-300, 1e16]),
        float(2**53), float(2**63),
    ])


OPS = {
    "+": lambda a, b: wrap(a + b), "-": lambda a, b: wrap(a - b), "*": lambda a, b: wrap(a * b),
    "/": lambda a, b: a / b, "//": lambda a, b: wrap(a // b), "%": lambda a, b: a % b,
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, "==": lambda a, b: a == b, ">": lambda a, b: a > b,
}
for _ in range(250):
    a, b = rnum(), rnum()
    if R.random() < 0.1:
        b = R.choice([0, 0.0])
    op = R.choice(list(OPS))
    if isinstance(a, float) and isinstance(b, float) and op == "*" and abs(a * b) == math.inf:
        continue
    case("%s %s %s" % (lit(a), op, lit(b)), lambda: OPS[op](a, b))
for a, b in [(2**60 + 1, 3), (3 * 2**60 + 1, 2**61 - 1), (INT_MAX, 7), (-(2**62) - 1, 5), (2**53 + 1, 1),
             (INT_MAX, INT_MAX - 1), (10**18 + 1, 10**18)]:
    case("%s / %s" % (lit(a), lit(b)), lambda: a / b)
for _ in range(40):
    a, b = R.randint(INT_MIN + 1, INT_MAX), R.choice([R.randint(INT_MIN + 1, INT_MAX), R.randint(-10**6, 10**6)])
    case("%s / %s" % (lit(a), lit(b)), lambda: a / b)
    case("[%s][0] / %s" % (lit(a), lit(b)), lambda: a / b)
for a, b in [(0, -(2**60)), (0, 2**60), (-(2**60), 3)]:
    case("[%s][0] / %s" % (lit(a), lit(b)), lambda: a / b)


# ---- slicing, indexing, comparison and membership of lists and strings -------

BOUNDS = [None, 0, 1, 2, 3, -1, -2, -3, 5, -5, 100, -100, INT_MAX, INT_MIN + 1]


def ys_index(xs, i):
    if not isinstance(i, int):
        raise TypeError("index")
    return xs[i]


for _ in range(100):
    xs = R.choice([[1, 2, 3, 4], [], ["a"], [1.5, None, [2]], b"abcde", b"", b"\xc3\xa9x"])
    i, j = R.choice(BOUNDS), R.choice(BOUNDS)
    case("%s[%s:%s]" % (lit(xs), "" if i is None else lit(i), "" if j is None else lit(j)), lambda: xs[i:j])
    case("%s[%s:%s]" % (lit(xs), "nil" if i is None else lit(i), "nil" if j is None else lit(j)), lambda: xs[i:j])
    k = R.choice(BOUNDS[1:])
    want = (lambda: bytes([xs[k]])) if isinstance(xs, bytes) else (lambda: xs[k])
    case("%s[%s]" % (lit(xs), lit(k)), want)

CMP_ITEMS = [[1, 2], [1, 2.0], [1], [], [2], [1, [2]], [1, [3]], b"a", b"ab", b"", b"b", b"\xc3\xa9", b"\xff", b"A"]
CMP_OPS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
           "==": lambda a, b: a == b, "!=": lambda a, b: a != b}
for _ in range(100):
    a, b = R.choice(CMP_ITEMS), R.choice(CMP_ITEMS)
    op = R.choice(list(CMP_OPS))
    case("%s %s %s" % (lit(a), op, lit(b)), lambda: CMP_OPS[op](a, b))
for _ in range(40):
    xs = R.choice([[1, 2.0, "a", [1]], [], [None], b"hello", b"\xc3\xa9t\xc3\xa9"])
    x = R.choice([1, 2, 1.0, "a", [1], None, b"l", b"ll", b"", b"\xa9", b"lo", b"\xc3\xa9t"])
    if isinstance(xs, bytes) and not isinstance(x, bytes):
        continue
    if isinstance(x, bytes) and isinstance(xs, list):
        x = x.decode("latin-1")
    case("%s in %s" % (lit(x), lit(xs)), lambda: x in xs)

# ---- str() of floats, float() and int() of text ---------------------------------

for _ in range(80):
    f = R.choice([R.uniform(-1e6, 1e6), R.uniform(-1, 1) * 10 ** R.randint(-330, 310),
                  R.randint(-10**6, 10**6) / 10 ** R.randint(0, 8), float(R.randint(-2**60, 2**60))])
    if math.isinf(f):
        continue
    case("str(%s)" % lit(f), lambda: repr(f))
for f in [1e16, 1e15, 123456789012345678.0, 1e-4, 1e-5, 0.0001234, 5e-324, 1.7976931348623157e308, -0.0, 0.1 + 0.2]:
    case("str(%s)" % lit(f), lambda: repr(f))
for t in ["1.5", " 2.5 ", "1e500", "-1e500", "inf", "-Infinity", "nan", "1_000.5", "0x10", "1e", ".5", "5.", "+3",
          "1,5", "", "  ", "\t7\n", "1e-400", "00012", "-0", "\xa01.5", "1.5\u3000"]:
    case("float(%s)" % lit(t), lambda: float(t))
for t in ["12", " -7 ", "+3", "1_000", "0x10", "1.0", "", "007", "9223372036854775807", "9223372036854775808",
          "-9223372036854775808", "1e3", "\t5\n", "\xa05", "5\u3000"]:
    case("int(%s)" % lit(t), lambda: int(t))

with open(OUT, "w") as f:
    f.write("# Generated by testdata/gen/gen_core.py; one case per line: expression TAB expected\n")
    for expr, want in cases:
        f.write(expr + "\t" + want + "\n")
print(len(cases), "cases written to", OUT)
