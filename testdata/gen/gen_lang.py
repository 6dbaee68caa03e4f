#!/usr/bin/env python3
"""Generates testdata/gen/lang.txt: YieldScript expressions over format()
specs, slices with steps, the ** operator and the precedence of the binary
operators mixed with not and unary minus, each with the value Python 3.11
gives for the same expression, written as YieldScript prints a value inside a
list (or `error: KIND` when it throws).

The Go test (lang/vm/gen_lang_test.go) reads the file and needs no Python. To
regenerate, from the repository root: python3 testdata/gen/gen_lang.py

A line is: expression TAB expected, with a third field `ulp` when the
expected value is a float that may differ from ours in the last bits: float
powers are within about one unit in the last place here (exp and log in
double-double arithmetic), where CPython uses C's correctly rounded pow.
"""
import math
import random

R = random.Random(1111)
OUT = "testdata/gen/lang.txt"
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
lines = []


def wrap(n):
    n &= 2**64 - 1
    return n - 2**64 if n >= 2**63 else n


def quote(s):
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif c < 0x20 or c == 0x7F:
            out.append("\\x%02x" % c)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def lit(v):
    """A YieldScript literal for a Python value."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return "(%d)" % v if v < 0 else "%d" % v
    if isinstance(v, float):
        if math.isnan(v):
            return 'float("nan")'
        if math.isinf(v):
            return 'float("inf")' if v > 0 else '(-float("inf"))'
        r = repr(v)
        return "(%s)" % r if r.startswith("-") else r
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, list):
        return "[" + ", ".join(lit(x) for x in v) + "]"
    raise TypeError(v)


def show(v):
    """A Python value as YieldScript writes it inside a list."""
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(show(x) for x in v) + "]"
    return repr(v)


def case(expr, fn, approx=False):
    try:
        v = fn()
    except ZeroDivisionError:
        want = "error: zero_division"
    except (ValueError, OverflowError):
        want = "error: value"
    except TypeError:
        want = "error: type"
    else:
        if isinstance(v, complex):
            want = "error: value"  # a complex power: no real result here
        elif isinstance(v, str) and any(0xD800 <= ord(c) <= 0xDFFF for c in v):
            want = "error: value"  # format(0xD800, "c"): UTF-8 cannot encode a surrogate
        else:
            want = show(v)
            if approx and isinstance(v, float) and not (math.isinf(v) or math.isnan(v) or v == 0):
                lines.append("%s\t%s\tulp" % (expr, want))
                return
    lines.append("%s\t%s" % (expr, want))


# ---- format -----------------------------------------------------------------

FLOATS = [0.0, -0.0, 1.0, -1.0, 2.675, 1e16, 1e-5, 0.1, 0.125, 2.5, 1.5, 123.456, -123.456,
          1234567.891, 1e100, 1e-100, 5e-324, 1.7976931348623157e308, 0.5, 9.995, 99.995,
          1e15, 1e17, 123456789.0, 0.0001, 0.00001234, 3.14159265358979, 100.0, 1e22,
          float("inf"), float("-inf"), float("nan"), -0.0049, 0.045, 2.0**53, 1/3]
INTS = [0, 1, -1, 7, -7, 42, 255, -255, 1000, 1234, 65535, 1234567, -1234567, 10**12,
        INT_MAX, INT_MIN, 97, 0x10FFFF, 0x110000, 55296]
STRS = ["", "a", "ab", "hello", "x y", "ABCDEFGHIJ"]


def rand_float():
    k = R.random()
    if k < 0.3:
        return R.choice(FLOATS)
    if k < 0.6:
        return round(R.uniform(-1e6, 1e6), R.randint(0, 6))
    if k < 0.8:
        return R.uniform(-1, 1) * 10.0 ** R.randint(-30, 30)
    return float(R.randint(-10**6, 10**6)) + R.choice([0.5, 0.25, 0.125, 0.0, 0.005, 0.015])


def rand_int():
    k = R.random()
    if k < 0.3:
        return R.choice(INTS)
    if k < 0.7:
        return R.randint(-10**6, 10**6)
    return R.randint(INT_MIN, INT_MAX)


def rand_spec(kind):
    parts = []
    if R.random() < 0.4:
        if R.random() < 0.5:
            parts.append(R.choice("*0x_ #-"))
        parts.append(R.choice("<>^="))
    if R.random() < 0.3:
        parts.append(R.choice("+- "))
    if R.random() < 0.08:
        parts.append("z")
    if R.random() < 0.2:
        parts.append("#")
    if R.random() < 0.2:
        parts.append("0")
    if R.random() < 0.5:
        parts.append(str(R.randint(0, 25)))
    if R.random() < 0.25:
        parts.append(R.choice(",_"))
    if R.random() < 0.4:
        parts.append("." + str(R.choice([0, 1, 2, 3, 4, 6, 10, 12, 15, 16, 17, 20, 30])))
    if R.random() < 0.75:
        if kind == "float":
            pool = "eEfFgGn%" * 3 + "dxsbc"
        elif kind == "int":
            pool = "dbxXon" * 3 + "ceEfFgG%s"
        else:
            pool = "s" * 6 + "dfx"
        parts.append(R.choice(pool))
    if R.random() < 0.02:
        parts.append(R.choice(["q", "dd", ",,", "._", "."]))
    return "".join(parts)


for _ in range(1800):
    v = rand_float()
    spec = rand_spec("float")
    case("format(%s, %s)" % (lit(v), quote(spec)), lambda v=v, s=spec: format(v, s))
for _ in range(1200):
    v = rand_int()
    spec = rand_spec("int")
    case("format(%s, %s)" % (lit(v), quote(spec)), lambda v=v, s=spec: format(v, s))
for _ in range(400):
    v = R.choice(STRS)
    spec = rand_spec("str")
    case("format(%s, %s)" % (lit(v), quote(spec)), lambda v=v, s=spec: format(v, s))
# f-strings share the implementation.
for _ in range(200):
    v = rand_float() if R.random() < 0.5 else rand_int()
    spec = rand_spec("float" if isinstance(v, float) else "int").replace("{", "").replace("}", "")
    if '"' in spec or "\\" in spec:
        continue
    expr = 'f"<{%s:%s}>"' % (lit(v), spec)
    case(expr, lambda v=v, s=spec: "<" + format(v, s) + ">")

# ---- slices with a step -------------------------------------------------------

def bound():
    return None if R.random() < 0.3 else R.randint(-12, 12)


for _ in range(1000):
    n = R.randint(0, 9)
    if R.random() < 0.5:
        seq = [R.randint(-9, 99) for _ in range(n)]
    else:
        seq = "".join(R.choice("abcdefghij") for _ in range(n))
    lo, hi = bound(), bound()
    st = None if R.random() < 0.1 else R.choice([-3, -2, -1, 1, 2, 3, 4, -9, 9, 0] + [R.randint(-20, 20)])
    text = lambda x: "" if x is None else str(x)
    expr = "%s[%s:%s:%s]" % (lit(seq), text(lo), text(hi), text(st))
    case(expr, lambda s=seq, a=lo, b=hi, c=st: s[a:b:c])

# ---- ** -----------------------------------------------------------------------

for _ in range(700):
    a = R.choice([0, 1, -1, 2, -2, 3, 10, -10, 7, R.randint(-1000, 1000), R.randint(INT_MIN, INT_MAX)])
    b = R.choice([0, 1, 2, 3, 10, 31, 62, 63, 64, 65, R.randint(0, 200), -1, -2, -3, R.randint(-30, -1)])
    if b >= 0:
        case("%s ** %s" % (lit(a), lit(b)), lambda a=a, b=b: wrap(a ** b))
    else:
        case("%s ** %s" % (lit(a), lit(b)), lambda a=a, b=b: float(a) ** float(b), approx=True)
for _ in range(700):
    k = R.random()
    a = R.choice([0.0, -0.0, 1.0, -1.0, 2.0, 0.5, -2.0, 10.0, float("inf"), float("-inf"), float("nan"),
                  R.uniform(-10, 10), R.uniform(0, 1e3), R.uniform(-1e-3, 1e-3), R.randint(-5, 5)])
    b = R.choice([0.0, 1.0, -1.0, 0.5, 2.0, 3.0, -3.0, 1 / 3, 400.0, -400.0, float("inf"), float("-inf"),
                  float("nan"), R.uniform(-10, 10), R.randint(-10, 10) + 0.0, R.randint(-5, 5)])
    if isinstance(a, int) and isinstance(b, int):
        b = float(b)
    case("%s ** %s" % (lit(a), lit(b)), lambda a=a, b=b: a ** b, approx=True)
# Precedence and associativity, computed by Python's own parser.
for src in ["-2 ** 2", "2 ** 3 ** 2", "2 ** -1", "-2 ** -2", "(-2) ** 2", "2 * 3 ** 2", "-3 ** 3 ** 0",
            "2 ** 2 ** -1", "10 ** 2 // 3", "-(2 ** 0.5) ** 2"]:
    case(src, lambda s=src: eval(s), approx=True)

# Precedence and associativity of the binary operators, not and unary minus
# mixed: random operator sequences over small ints, true, false and a list,
# parsed by Python's own parser. A sequence Python reads as a chained
# comparison is left out (chaining is a syntax error here), and so is one
# whose value depends on where the language differs from Python on purpose
# (bools are not numbers: true + 1 and 1 == true differ).
import ast

R2 = random.Random(2024)


class Skip(Exception):
    pass


def ys_eval(node):
    """Evaluates a Python expression tree, raising Skip where YieldScript
    would give another answer."""
    if isinstance(node, ast.Expression):
        return ys_eval(node.body)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.List):
        return [ys_eval(e) for e in node.elts]
    if isinstance(node, ast.BoolOp):
        v = ys_eval(node.values[0])
        for e in node.values[1:]:
            if isinstance(node.op, ast.And) and not v or isinstance(node.op, ast.Or) and v:
                return v
            v = ys_eval(e)
        return v
    if isinstance(node, ast.UnaryOp):
        v = ys_eval(node.operand)
        if isinstance(node.op, ast.Not):
            return not v
        if type(v) is not int:
            raise Skip
        return -v
    if isinstance(node, ast.BinOp):
        a, b = ys_eval(node.left), ys_eval(node.right)
        if type(a) is not int or type(b) is not int:
            raise Skip
        op = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
              ast.Mod: "%", ast.Pow: "**"}[type(node.op)]
        if op == "**" and (b > 40 or b < 0):
            raise Skip
        v = eval("a %s b" % op)
        if type(v) is int and not INT_MIN <= v <= INT_MAX:
            raise Skip
        return v
    if isinstance(node, ast.Compare):
        if len(node.ops) != 1:
            raise Skip
        a, b = ys_eval(node.left), ys_eval(node.comparators[0])
        op = node.ops[0]
        if isinstance(op, (ast.In, ast.NotIn)):
            if type(b) is not list or any(type(x) is not type(a) for x in b):
                raise Skip
            return (a in b) == isinstance(op, ast.In)
        if type(a) is not type(b):
            raise Skip
        if type(a) is not int and not isinstance(op, (ast.Eq, ast.NotEq)):
            raise Skip
        return eval("a %s b" % {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
                                 ast.GtE: ">="}[type(op)])
    raise Skip


def show_ys(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(show_ys(x) for x in v) + "]"
    return show(v)


BINOPS = ["or", "and", "==", "!=", "<", "<=", ">", ">=", "in", "not in", "+", "-", "*", "/", "//", "%", "**"]
ATOMS = ["0", "1", "2", "3", "5", "true", "false", "[1, 2]", "[true]"]
seen = set()
while len(seen) < 1500:
    src = R2.choice(["", "", "not ", "-", "not -", "- -"]) + R2.choice(ATOMS)
    for _ in range(R2.randint(1, 6)):
        op = R2.choice(BINOPS)
        pre = R2.choice(["", "", "", "-", "not "] if op in ("or", "and") else ["", "", "", "-"])
        src += " %s %s%s" % (op, pre, R2.choice(ATOMS))
    if src in seen:
        continue
    try:
        tree = ast.parse(src.replace("true", "True").replace("false", "False"), mode="eval")
    except SyntaxError:
        continue
    if any(isinstance(n, ast.Compare) and len(n.ops) > 1 for n in ast.walk(tree)):
        continue
    try:
        v = ys_eval(tree)
    except ZeroDivisionError:
        want = "error: zero_division"
    except Skip:
        continue
    else:
        want = show_ys(v)
    seen.add(src)
    lines.append("%s\t%s" % (src, want))

with open(OUT, "w") as f:
    f.write("# Generated by testdata/gen/gen_lang.py; one case per line: expression TAB expected [TAB ulp]\n")
    for line in lines:
        f.write(line + "\n")
print("%d cases written to %s" % (len(lines), OUT))
