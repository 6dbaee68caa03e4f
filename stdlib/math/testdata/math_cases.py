#!/usr/bin/env python3
"""Writes math_cases.txt: calls of the math module and what Python 3.11
returns for them, for TestMathAgainstPython (stdlib/math_test.go).

Each line is NAME<TAB>ARGS<TAB>RESULT. ARGS are space-separated values, a
value is i:INT, f:FLOAT (Python's repr) or b:True/False, and RESULT is a value
or err:KIND with Python's exceptions turned into YieldScript kinds
(ValueError and OverflowError: value; ZeroDivisionError: zero_division). An
integer result that does not fit in 64 bits is err:value, as in YieldScript.

A fourth field, cr:FLOAT, follows when Python's float result is not the
correctly rounded value (computed with mpmath at 3,000 bits) of a function
that YieldScript rounds correctly (glibc's are not always): the test expects
that value there.

Run it from this folder: python3 math_cases.py > math_cases.txt (needs mpmath).
"""
import math
import random
import struct

import mpmath

mpmath.mp.prec = 3000
CORRECTLY_ROUNDED = {"exp": mpmath.exp, "log": mpmath.log, "log2": lambda x: mpmath.log(x, 2),
                     "sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan, "asin": mpmath.asin,
                     "acos": mpmath.acos, "atan": mpmath.atan, "atan2": mpmath.atan2,
                     "pow": lambda x, y: mpmath.power(x, y)}

rng = random.Random(20261201)
INF, NAN = float("inf"), float("nan")
SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 10.0, 1e-300, 5e-324, 1.7976931348623157e308,
           INF, -INF, NAN, math.pi, math.e, 1e16, 1e22, 1000.0, 0.1, 3.5, -2.5, 709.7, 710.0, -745.2]
INTS = [0, 1, -1, 2, 3, 7, 10, 12, 18, 20, 21, 100, 1000, -5, 2**31, 2**53 + 1, 2**62, -(2**63), 2**63 - 1]


def rand_float(lo, hi):
    return rng.uniform(lo, hi)


def rand_bits():
    while True:
        x = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        if not math.isnan(x):
            return x


def floats(n, lo, hi):
    out = list(SPECIAL)
    for _ in range(n):
        r = rng.random()
        if r < 0.6:
            out.append(rand_float(lo, hi))
        elif r < 0.8:
            out.append(rand_float(-1, 1) * 10 ** rng.randint(-10, 10))
        else:
            out.append(rand_bits())
    return out


def enc(v):
    if isinstance(v, bool):
        return "b:" + str(v)
    if isinstance(v, int):
        return "i:" + str(v)
    return "f:" + repr(v)


def result(f, args):
    try:
        r = f(*args)
    except (ValueError, OverflowError):
        return "err:value"
    except ZeroDivisionError:
        return "err:zero_division"
    except TypeError:
        return "err:type"
    if isinstance(r, int) and not isinstance(r, bool) and not -(2**63) <= r < 2**63:
        return "err:value"
    return enc(r)


def correctly_rounded(name, args, r):
    """The correctly rounded result where it differs from Python's r, else None."""
    if name not in CORRECTLY_ROUNDED or not r.startswith("f:"):
        return None
    py = float(r[2:])
    if math.isnan(py) or math.isinf(py) or py == 0:
        return None
    if name == "log" and len(args) == 2:
        return None  # log(x, b) divides two rounded logarithms, as Python does
    if any(a == 0 for a in args):
        return None  # mpmath has no signed zero; Python's special cases are exact
    cr = float(CORRECTLY_ROUNDED[name](*[mpmath.mpf(float(a)) for a in args]))
    return None if cr == py else cr


def case(name, f, *args):
    r = result(f, args)
    line = name + "\t" + " ".join(enc(a) for a in args) + "\t" + r
    cr = correctly_rounded(name, args, r)
    if cr is not None:
        line += "\tcr:" + repr(cr)
    print(line)


# Arguments where libraries tend to differ: near multiples of pi/2, huge
# angles, near 1 for log, at the ends of the float range for exp, near the
# thresholds glibc's hyperbolic functions switch formulas at.
NEAR_PI = [k * math.pi / 2 for k in range(-12, 13)] + [math.nextafter(k * math.pi / 2, INF) for k in range(1, 9)]
HUGE = [rng.uniform(1, 10) * 10 ** rng.randint(5, 300) for _ in range(40)] + [2.0 ** 1000, 1e22, 6381956970095103.0 * 2 ** 797]
NEAR_ONE = [1 + rng.uniform(-1, 1) * 10 ** -rng.randint(1, 15) for _ in range(40)]
EDGE_EXP = [rng.uniform(-745.2, -700) for _ in range(20)] + [rng.uniform(700, 709.78) for _ in range(20)] + [rng.uniform(-1e-5, 1e-5) for _ in range(10)]
HYP = [x * s for s in (1, -1) for x in [22.0, math.nextafter(22.0, 0), 0.34657359027997264, 0.3465736, 709.78222656250, 709.7827, 710.4758600739439, 710.476, 1.0, math.nextafter(1.0, 0), 2 ** -28, 2 ** -55, 19.06, 20.5]]
EXTRA = {"sin": NEAR_PI + HUGE, "cos": NEAR_PI + HUGE, "tan": NEAR_PI + HUGE,
         "log": NEAR_ONE, "log2": NEAR_ONE, "log10": NEAR_ONE + [10.0 ** k for k in range(-20, 23)],
         "exp": EDGE_EXP, "sinh": HYP, "cosh": HYP, "tanh": HYP,
         "asin": [math.nextafter(1.0, 0), -math.nextafter(1.0, 0), 0.5, -0.5, 1e-9],
         "acos": [math.nextafter(1.0, 0), -math.nextafter(1.0, 0), 0.5, -0.5, 1e-9]}

ONE = ["sqrt", "exp", "log", "log2", "log10", "sin", "cos", "tan", "asin", "acos", "atan",
       "sinh", "cosh", "tanh", "fabs", "degrees", "radians", "floor", "ceil", "trunc",
       "isnan", "isinf", "isfinite"]
for name in ONE:
    f = getattr(math, name)
    lo, hi = {"asin": (-1.2, 1.2), "acos": (-1.2, 1.2), "tanh": (-20, 20),
              "exp": (-750, 750), "sinh": (-720, 720), "cosh": (-720, 720)}.get(name, (-100, 100))
    for x in floats(250, lo, hi) + EXTRA.get(name, []):
        case(name, f, x)
    for n in INTS:
        case(name, f, n)

TWO = ["pow", "atan2", "fmod", "copysign", "hypot", "log", "isclose"]
for name in TWO:
    f = getattr(math, name)
    xs = floats(60, -50, 50)
    for _ in range(400):
        x, y = rng.choice(xs), rng.choice(xs)
        if name == "pow" and rng.random() < 0.5:
            y = float(rng.randint(-8, 8)) if rng.random() < 0.5 else rng.randint(-8, 8)
        if name == "isclose" and rng.random() < 0.5:
            y = x * (1 + rng.choice([1e-8, 1e-9, 1e-10, -1e-10]))
        case(name, f, x, y)
for _ in range(50):
    xs = [rng.uniform(-100, 100) for _ in range(rng.randint(0, 5))]
    case("hypot", math.hypot, *xs)
for _ in range(300):  # pow over the whole range, exact powers and subnormal results
    x = rng.uniform(0, 4) * 10 ** rng.randint(-5, 5) * rng.choice([1, -1])
    y = rng.choice([float(rng.randint(-40, 40)), rng.uniform(-300, 300), rng.uniform(-3, 3), 0.5])
    case("pow", math.pow, x, y)
for x, y in [(2.0, 10), (10.0, 22), (10.0, -5), (134217727.0, 2), (3.0, 33), (2.0, -1074), (2.0, -1075), (2.0, 1023), (2.0, 1024), (0.5, 1074.5), (1.0000001, 1e10), (-2.0, 0.5)]:
    case("pow", math.pow, x, y)
for _ in range(200):  # atan2 in every quadrant and across scales
    y = rng.uniform(-1, 1) * 10 ** rng.randint(-300, 300)
    x = rng.uniform(-1, 1) * 10 ** rng.randint(-300, 300)
    case("atan2", math.atan2, y, x)
for a, b, rel, ab in [(1.0, 1.1, 0.1, 0.0), (1.0, 1.2, 0.1, 0.0), (0.0, 1e-10, 1e-9, 0.0),
                      (0.0, 1e-10, 1e-9, 1e-9), (1.0, 2.0, -1.0, 0.0), (1.0, 2.0, 0.0, -1.0)]:
    case("isclose", lambda a, b, rel, ab: math.isclose(a, b, rel_tol=rel, abs_tol=ab), a, b, rel, ab)

for name in ["gcd", "lcm"]:
    f = getattr(math, name)
    for _ in range(150):
        args = [rng.choice(INTS + [rng.randint(-10**6, 10**6), rng.randint(-10**12, 10**12)])
                for _ in range(rng.randint(0, 4))]
        case(name, f, *args)
for n in list(range(-2, 25)) + [1000]:
    case("factorial", math.factorial, n)
for _ in range(300):
    n, k = rng.randint(-2, 70), rng.randint(-2, 70)
    case("comb", math.comb, n, k)
    case("perm", math.perm, n, k)
for n in range(-1, 23):
    case("perm", math.perm, n)
for n, k in [(2**62, 1), (2**62, 2), (2**31, 2), (10**9, 2), (3037000500, 2), (6074001000, 2), (200, 100)]:
    case("comb", math.comb, n, k)
    case("perm", math.perm, n, k)
