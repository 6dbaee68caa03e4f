package vm

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// ToStr is str(v): strings as they are, everything else as Repr.
func ToStr(v Value) string {
	if v.k == KStr {
		return v.AsStr()
	}
	return Repr(v)
}

// Repr is how v appears inside a list: strings are double-quoted with escapes.
func Repr(v Value) string {
	var b strings.Builder
	writeRepr(&b, v, nil)
	return b.String()
}

// FormatFloat writes f as Python's repr does: the shortest digits that read back
// the same float, with ".0" on integral values and an exponent outside 1e-4..1e16.
func FormatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	// The shortest round-trip digits, and the decimal exponent they come with.
	e := strconv.FormatFloat(f, 'e', -1, 64)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return e
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// MaxRepr bounds the text str() and print make of one value (16 MiB): a structure that
// shares its parts can be exponentially larger written out than in memory, so
// past this many bytes the rest is written as "...".
const MaxRepr = 1 << 24

// MaxReprDepth bounds how deeply nested lists and maps are written out: a
// container nested deeper is written as "..." (a million nested lists would
// otherwise overflow the Go stack).
const MaxReprDepth = 1000

func writeRepr(b *strings.Builder, v Value, seen []unsafe.Pointer) {
	if b.Len() > MaxRepr {
		if !strings.HasSuffix(b.String(), "...") {
			b.WriteString("...")
		}
		return
	}
	switch v.k {
	case KNil:
		b.WriteString("nil")
	case KBool:
		if v.n != 0 {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case KInt:
		b.WriteString(strconv.FormatInt(int64(v.n), 10))
	case KFloat:
		b.WriteString(FormatFloat(v.AsFloat()))
	case KStr:
		quote(b, v.AsStr())
	case KList:
		if len(seen) >= MaxReprDepth {
			b.WriteString("...")
			return
		}
		for _, p := range seen {
			if p == v.p {
				b.WriteString("[...]")
				return
			}
		}
		seen = append(seen, v.p)
		b.WriteByte('[')
		for i, x := range v.AsList().Items {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, x, seen)
		}
		b.WriteByte(']')
	case KMap:
		if len(seen) >= MaxReprDepth {
			b.WriteString("...")
			return
		}
		for _, p := range seen {
			if p == v.p {
				b.WriteString("{...}")
				return
			}
		}
		seen = append(seen, v.p)
		m := v.AsMap()
		b.WriteByte('{')
		first := true
		for i := 0; i < m.Slots(); i++ {
			k, x, ok := m.Entry(i)
			if !ok {
				continue
			}
			if !first {
				b.WriteString(", ")
			}
			first = false
			writeRepr(b, k, seen)
			b.WriteString(": ")
			writeRepr(b, x, seen)
		}
		b.WriteByte('}')
	case KFunc:
		b.WriteString("<function " + v.asClosure().proto.Name + ">")
	case KNative:
		b.WriteString("<function " + v.AsNative().Name + ">")
	case KCoroutine:
		b.WriteString("<coroutine " + v.AsCoroutine().Name() + ">")
	case KError:
		b.WriteString(v.AsError().Error())
	case KRange:
		r := v.asRange()
		b.WriteString("range(" + strconv.FormatInt(r.Start, 10) + ", " + strconv.FormatInt(r.Stop, 10))
		if r.Step != 1 {
			b.WriteString(", " + strconv.FormatInt(r.Step, 10))
		}
		b.WriteByte(')')
	case KObject:
		o := v.AsObject()
		if s, ok := o.(Stringer); ok {
			b.WriteString(s.String())
		} else {
			b.WriteString("<" + o.TypeName() + ">")
		}
	default:
		b.WriteString("<internal>")
	}
}

const hexDigits = "0123456789abcdef"

// quote writes s double-quoted, escaping quotes, backslashes, control bytes and
// bytes that are not valid UTF-8.
func quote(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				b.WriteString(`\"`)
			case '\\':
				b.WriteString(`\\`)
			case '\n':
				b.WriteString(`\n`)
			case '\t':
				b.WriteString(`\t`)
			case '\r':
				b.WriteString(`\r`)
			default:
				if c < 0x20 || c == 0x7f {
					b.WriteString(`\x`)
					b.WriteByte(hexDigits[c>>4])
					b.WriteByte(hexDigits[c&15])
				} else {
					b.WriteByte(c)
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}
