#!/usr/bin/env python3
"""Generates the expected results of the bytes, re and url modules from CPython.

Run from this folder with python3 (3.11): it rewrites struct_cases.json,
re_cases.json and url_cases.json, which the Go tests of stdlib/bytes,
stdlib/re and stdlib/url read (the tests need no Python).
The cases avoid the documented differences: RE2 has no backreferences or
lookaround, `$` without "m" matches only at the very end, and classes such
as \\w are ASCII; subjects here are ASCII without a trailing newline. After an
empty match, the next search starts one character later (Python may first try
a longer match at the same place: patterns here never prefer an empty match).
"""
import json
import random
import re
import struct

rng = random.Random(11)

# ---- struct ----

CODES = "bBhHiIlLqQefd?sx"
RANGES = {
    "b": (-128, 127), "B": (0, 255), "h": (-2**15, 2**15 - 1), "H": (0, 2**16 - 1),
    "i": (-2**31, 2**31 - 1), "I": (0, 2**32 - 1), "q": (-2**63, 2**63 - 1), "Q": (0, 2**63 - 1),
}


def int_range(code, order):
    if code in "lL":
        native = order in ("", "@")
        if code == "l":
            return (-2**63, 2**63 - 1) if native else (-2**31, 2**31 - 1)
        return (0, 2**63 - 1) if native else (0, 2**32 - 1)
    return RANGES[code]


def enc(v):
    if isinstance(v, bool):
        return {"b": v}
    if isinstance(v, int):
        return {"i": v}
    if isinstance(v, float):
        return {"f": struct.pack("<d", v).hex()}
    if isinstance(v, bytes):
        return {"s": v.hex()}
    raise TypeError(v)


def rand_value(code, order, count):
    if code == "s":
        n = rng.randrange(0, count + 3)
        return bytes(rng.randrange(256) for _ in range(n))
    if code == "?":
        return rng.choice([True, False, 0, 1, 7])
    if code in "efd":
        return rng.choice([0.0, -0.0, 1.5, -2.25, 65504.0, 1e-7, 6e-8, 3.14159, 1e30, 123456.789, float(rng.randrange(-1000, 1000)) / 7, 2.0**-20])
    lo, hi = int_range(code, order)
    return rng.choice([lo, hi, 0, 1, -1 if lo < 0 else 2, rng.randrange(lo, hi + 1)])


def rand_format():
    order = rng.choice(["", "@", "=", "<", ">", "!"])
    parts, values = [], []
    for _ in range(rng.randrange(1, 5)):
        code = rng.choice(CODES)
        count = rng.choice([None, None, 0, 1, 2, 3])
        parts.append(("" if count is None else str(count)) + code + rng.choice(["", "", " "]))
        n = 1 if count is None else count
        if code == "s":
            values.append(rand_value("s", order, n))
        elif code != "x":
            values.extend(rand_value(code, order, n) for _ in range(n))
    return order + "".join(parts), values


def struct_cases():
    cases = []
    for _ in range(1500):
        fmt, values = rand_format()
        try:
            packed = struct.pack(fmt, *values)
        except (struct.error, OverflowError) as e:
            cases.append({"fmt": fmt, "values": [enc(v) for v in values], "error": "value"})
            continue
        # Unpack with trailing bytes and at an offset, as unpack_from does.
        data = b"\x99\x98" + packed + b"\x01\x02"
        got = struct.unpack_from(fmt, data, 2)
        if any(isinstance(x, float) and x != x for x in got):
            continue
        cases.append({"fmt": fmt, "values": [enc(v) for v in values], "size": struct.calcsize(fmt),
                      "packed": packed.hex(), "data": data.hex(), "offset": 2,
                      "unpacked": [enc(x) for x in got]})
    # Values out of range.
    for code in "bBhHiIlLqQ":
        for order in ["", "<", ">"]:
            lo, hi = int_range(code, order)
            for v in [lo - 1, hi + 1]:
                if -2**63 <= v < 2**63:
                    try:
                        struct.pack(order + code, v)
                        raise AssertionError("packed")
                    except struct.error:
                        cases.append({"fmt": order + code, "values": [enc(v)], "error": "value"})
    for v in [65520.0, 1e10, -1e6]:
        try:
            struct.pack("e", v)
        except OverflowError:
            cases.append({"fmt": "e", "values": [enc(v)], "error": "value"})
    # Bad formats.
    for fmt in ["z", "<>h", "h<", "2", "-2h", " <h", "2 h", "p", "n", "P", "N", "99999999999999999999h", "h%"]:
        try:
            struct.calcsize(fmt)
        except struct.error:
            cases.append({"fmt": fmt, "values": [], "error": "value"})
    # Short data and offsets.
    for fmt, data, off in [("h", "01", 0), ("<i", "010203", 0), ("<h", "000102", 2), ("<h", "000102", -2), ("<h", "000102", -5), ("<h", "000102", 3), ("2s", "6162", 0), ("x", "", 0)]:
        try:
            got = struct.unpack_from(fmt, bytes.fromhex(data), off)
            cases.append({"fmt": fmt, "size": struct.calcsize(fmt), "data": data, "offset": off, "unpacked": [enc(x) for x in got]})
        except struct.error:
            cases.append({"fmt": fmt, "data": data, "offset": off, "error": "value"})
    return cases


# ---- re ----

PATTERNS = [
    r"[A-Za-z]+", r"\w+", r"\d+", r"\s+", r"a", r"ab|cd", r"(a)(b)?", r"(\w+)@(\w+)\.com",
    r"(?P<key>\w+)=(?P<val>\w*)", r"x*", r"a*", r"\b\w", r"^\w+", r"\w+$", r"^", r"$", r"\B",
    r"(a|b)*c", r"[^a-z]+", r"(?:ab)+", r"a{2,3}", r"(a)|(b)", r"(a)|b", r".", r".+", r"(\d)(\d)?",
    r"\bis\b", r"o", r"[aeiou]", r"(?P<first>[a-z])(?P<rest>[a-z]*)", r"\s*,\s*", r",", r"(,)",
    r"(?i)AB", r"A.B", r"(x)?y", r"\.", r"[0-9a-f]{2}", r"a|", r"()", r"\b",
]
SUBJECTS = [
    "", "a", "ab", "abc", "hello world", "alpha beta, gamma; 42 delta", "aaa bbb aaab",
    "bob@example.com, ann@site.com", "k=v x= y=1", "xxaxbxx", "abxd", "one\ntwo\nthree",
    "this is his list", "AB ab aB", "a,b , c,,d", "a\nb", "ccabcab", "1234 5 67", "AxB a\nb",
    "ff 0a zz 7c", "yxyy", "caababc",
]
FLAGS = ["", "i", "m", "s", "ms"]
TEMPLATES = [r"-", r"[\g<0>]", r"\1", r"<\g<1>>", r"\\", r"\n", r"x\&y", r"\0", r"\101", r"\g<key>:\g<val>"]

def pyflags(f):
    v = 0
    for c in f:
        v |= {"i": re.I, "m": re.M, "s": re.S}[c]
    return v


def match_result(m):
    if m is None:
        return None
    return {"spans": [list(m.span(g)) for g in range(m.re.groups + 1)]}


def re_cases():
    cases = []
    for p in PATTERNS:
        for flags in FLAGS:
            if flags and rng.random() < 0.6:
                continue
            rx = re.compile(p, pyflags(flags))
            for s in rng.sample(SUBJECTS, 8):
                if "\\B" in p and s == "":
                    continue  # before 3.14, Python's \B never matches an empty string; RE2's does
                cases.append({"pattern": p, "flags": flags, "s": s, "op": "search", "pos": 0, "want": match_result(rx.search(s))})
                pos = rng.randrange(0, len(s) + 2)
                cases.append({"pattern": p, "flags": flags, "s": s, "op": "search", "pos": pos, "want": match_result(rx.search(s, pos))})
                cases.append({"pattern": p, "flags": flags, "s": s, "op": "match", "pos": pos, "want": match_result(rx.match(s, pos))})
                cases.append({"pattern": p, "flags": flags, "s": s, "op": "fullmatch", "want": match_result(rx.fullmatch(s))})
                cases.append({"pattern": p, "flags": flags, "s": s, "op": "find_all", "want": rx.findall(s)})
                n = rng.choice([0, 0, 1, 2])
                cases.append({"pattern": p, "flags": flags, "s": s, "op": "split", "n": n, "want": rx.split(s, n)})
                for tmpl in rng.sample(TEMPLATES, 1):
                    try:
                        want = rx.sub(tmpl, s, n)
                        cases.append({"pattern": p, "flags": flags, "s": s, "op": "sub", "repl": tmpl, "n": n, "want": want})
                    except IndexError:
                        cases.append({"pattern": p, "flags": flags, "s": s, "op": "sub", "repl": tmpl, "n": n, "error": "index"})
                    except re.error:
                        cases.append({"pattern": p, "flags": flags, "s": s, "op": "sub", "repl": tmpl, "n": n, "error": "value"})
    return cases


# ---- url ----

URL_PARTS = {
    "scheme": ["", "http:", "HTTPS:", "ftp:", "a+b.c-d:", "1x:", "mailto:", "file:"],
    "auth": ["", "//", "//h", "//Host.Example", "//u@h", "//u:p@h:8080", "//:p@h", "//h:", "//h:0",
             "//h:65536", "//h:x1", "//[::1]", "//[::1]:80", "//[fe80::1%25eth0]:8", "//[v1.x]", "//[1.2.3.4]",
             "//[::1", "//h]", "//a@b@c", "//u:p:q@h"],
    "path": ["", "/", "/a/b", "a/b", "/a/./b/../c", "/a%20b", ";p", "/a:b", "//x"],
    "query": ["", "?", "?q=1", "?a=b&c=d", "?x?y"],
    "frag": ["", "#", "#f", "#f?g#h"],
}
JOIN_BASES = ["http://a/b/c/d;p?q", "http://a", "http://a/", "https://u@h:8/x/y?z#w", "http://a/b/c/", "ftp://h/a/b"]
JOIN_REFS = [".", "..", "./", "../", "g", "/g", "//g", "?y", "#s", "g?y#s", "../../../g", "./g/.", "g/../h",
             "https://x/y/z", "//h2/p/q", "../x?y", "a/./b/../../c", ";x", "g;x=1/../y", "/./../g", "..g", "g.."]


# Python's urljoin removes no dot segments from a reference with a scheme or an
# authority (RFC 3986 does: url.join("http://a", "//h/./p") is "http://h/p"),
# so the references with both are left out here; so is the empty reference,
# for which Python gives the base with its fragment (RFC 3986: without it).
def url_cases():
    from urllib.parse import urljoin, urlsplit
    cases = []
    for _ in range(1500):
        u = "".join(rng.choice(v) for v in URL_PARTS.values())
        try:
            r = urlsplit(u)
            if re.search(r"\][^:]", r.netloc):
                continue  # text between "]" and ":": Python ignores it, url.parse throws value
            want = {"scheme": r.scheme, "user": r.username or "", "password": r.password or "",
                    "host": r.hostname or "", "port": r.port, "path": r.path, "query": r.query, "fragment": r.fragment}
            cases.append({"op": "parse", "url": u, "want": want})
        except ValueError:
            cases.append({"op": "parse", "url": u, "error": "value"})
    for base in JOIN_BASES:
        for ref in JOIN_REFS:
            cases.append({"op": "join", "base": base, "ref": ref, "want": urljoin(base, ref)})
    return cases


def write(name, cases):
    # One case per line, so that a change shows as a readable diff.
    with open(name, "w") as f:
        f.write("[\n" + ",\n".join(json.dumps(c, separators=(",", ":")) for c in cases) + "\n]\n")


def main():
    write("struct_cases.json", struct_cases())
    write("re_cases.json", re_cases())
    write("url_cases.json", url_cases())


if __name__ == "__main__":
    main()
