"""Values written as YieldScript writes them, shared by the generators in this
folder (gen_builtins.py, gen_core.py): ys(v) is how YieldScript prints v inside
a list, lit(v) a literal that evaluates to v, Err an expected error kind."""
import math

INT_MIN, INT_MAX = -(2**63), 2**63 - 1


class Err(Exception):
    def __init__(self, kind):
        self.kind = kind


# ---- writing values as YieldScript does ------------------------------------

def quote(b):
    """A byte string as YieldScript's repr writes it."""
    out = ['"']
    i = 0
    while i < len(b):
        c = b[i]
        if c < 0x80:
            out.append({0x22: '\\"', 0x5C: "\\\\", 0x0A: "\\n", 0x09: "\\t", 0x0D: "\\r"}.get(
                c, "\\x%02x" % c if c < 0x20 or c == 0x7F else chr(c)))
            i += 1
            continue
        n = 2 if c >= 0xC0 else 1
        n = 3 if c >= 0xE0 else n
        n = 4 if c >= 0xF0 else n
        try:
            if n == 1:
                raise UnicodeDecodeError("utf-8", b, i, i + 1, "continuation")
            out.append(b[i:i + n].decode("utf-8"))
            i += n
        except UnicodeDecodeError:
            out.append("\\x%02x" % c)
            i += 1
    out.append('"')
    return "".join(out)


def fmt_float(f):
    if math.isnan(f):
        return "nan"
    if math.isinf(f):
        return "inf" if f > 0 else "-inf"
    return repr(f)


def ys(v):
    """A Python value as YieldScript prints it inside a list."""
    if v is None:
        return "nil"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        if not INT_MIN <= v <= INT_MAX:
            raise Err("value")
        return str(v)
    if isinstance(v, float):
        return fmt_float(v)
    if isinstance(v, str):
        return quote(v.encode("utf-8", "surrogateescape"))
    if isinstance(v, (bytes, bytearray)):
        return quote(bytes(v))
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(ys(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(ys(k) + ": " + ys(x) for k, x in v.items()) + "}"
    raise TypeError(type(v))


def lit(v):
    """A Python value as a YieldScript literal (bytes and str as strings)."""
    if isinstance(v, (bytes, str)):
        b = v if isinstance(v, bytes) else v.encode("utf-8", "surrogateescape")
        out = ['"']
        for c in b:
            if c in (0x22, 0x5C):
                out.append("\\" + chr(c))
            elif 0x20 <= c < 0x7F:
                out.append(chr(c))
            else:
                out.append("\\x%02x" % c)
        out.append('"')
        return "".join(out)
    if isinstance(v, float):
        if math.isinf(v) or math.isnan(v):
            return 'float("%s")' % fmt_float(v)
        r = repr(v)
        return r if v >= 0 else "(" + r + ")"
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v) if v >= 0 else "(" + str(v) + ")"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(lit(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(lit(k) + ": " + lit(x) for k, x in v.items()) + "}"
    return ys(v)
