#!/usr/bin/env python3
"""Writes math_cases.txt: calls of the math module and what Python 3.11
returns for them, for TestMathAgainstPython (stdlib/math_test.go).

Each line is NAME<TAB>ARGS<TAB>RESULT. ARGS are space-separated values, a
value is i:INT, f:FLOAT (Python's repr) or b:True/False, and RESULT is a value
or err:KIND with Python's exceptions turned into YieldScript kinds
(ValueError and OverflowError: value; ZeroDivisionError: zero_division). An
integer result that does not fit in 64 bits is err:value, as in YieldScript.

Run it from this folder: python3 math_cases.py > math_cases.txt
"""
import math
import random
import struct

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


def case(name, f, *args):
    print(name + "\t" + " ".join(enc(a) for a in args) + "\t" + result(f, args))


ONE = ["sqrt", "exp", "log", "log2", "log10", "sin", "cos", "tan", "asin", "acos", "atan",
       "sinh", "cosh", "tanh", "fabs", "degrees", "radians", "floor", "ceil", "trunc",
       "isnan", "isinf", "isfinite"]
for name in ONE:
    f = getattr(math, name)
    lo, hi = {"asin": (-1.2, 1.2), "acos": (-1.2, 1.2), "tanh": (-20, 20),
              "exp": (-750, 750), "sinh": (-720, 720), "cosh": (-720, 720)}.get(name, (-100, 100))
    for x in floats(150, lo, hi):
        case(name, f, x)
    for n in INTS:
        case(name, f, n)

TWO = ["pow", "atan2", "fmod", "copysign", "hypot", "log", "isclose"]
for name in TWO:
    f = getattr(math, name)
    xs = floats(60, -50, 50)
    for _ in range(250):
        x, y = rng.choice(xs), rng.choice(xs)
        if name == "pow" and rng.random() < 0.5:
            y = float(rng.randint(-8, 8)) if rng.random() < 0.5 else rng.randint(-8, 8)
        if name == "isclose" and rng.random() < 0.5:
            y = x * (1 + rng.choice([1e-8, 1e-9, 1e-10, -1e-10]))
        case(name, f, x, y)
for _ in range(50):
    xs = [rng.uniform(-100, 100) for _ in range(rng.randint(0, 5))]
    case("hypot", math.hypot, *xs)
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
