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

// reprEnter reports whether writeRepr may write the list or map v, whose
// enclosing containers are seen: not when it is nested too deeply ("...") or
// is one of them, a cycle (cycle, "[...]" or "{...}", is written instead).
func reprEnter(b *strings.Builder, v Value, seen []unsafe.Pointer, cycle string) bool {
	if len(seen) >= MaxReprDepth {
		b.WriteString("...")
		return false
	}
	for _, p := range seen {
		if p == v.p {
			b.WriteString(cycle)
			return false
		}
	}
	return true
}

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
		Quote(b, v.AsStr(), QuoteRepr)
	case KList:
		if !reprEnter(b, v, seen, "[...]") {
			return
		}
		seen = append(seen, v.p)
		b.WriteByte('[')
		l := v.AsList()
		for i := 0; i < l.n; i++ {
			x := l.At(i)
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, x, seen)
		}
		b.WriteByte(']')
	case KMap:
		if !reprEnter(b, v, seen, "{...}") {
			return
		}
		seen = append(seen, v.p)
		b.WriteByte('{')
		sep := ""
		for k, x := range v.AsMap().All() {
			b.WriteString(sep)
			sep = ", "
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

// QuoteStyle is the escaping Quote applies.
type QuoteStyle uint8

const (
	// QuoteRepr is the escaping of repr(): \" \\ \n \t \r, and \xhh for the
	// other control bytes, DEL and each byte that is not valid UTF-8.
	QuoteRepr QuoteStyle = iota
	// QuoteJSON is JSON's (RFC 8259, as Python's json.dumps with
	// ensure_ascii=False): \" \\ \n \r \t \b \f, and \u00hh for the other
	// control bytes; text that is not valid UTF-8 becomes U+FFFD, one for each
	// maximal invalid subsequence, as Python's decode with "replace".
	QuoteJSON
)

// quoteEscapes holds, per style, the escape of each ASCII byte ("" for a
// byte written as it is).
var quoteEscapes = func() (t [2][utf8.RuneSelf]string) {
	for c := range utf8.RuneSelf {
		if c < 0x20 || c == 0x7f {
			t[QuoteRepr][c] = `\x` + string(hexDigits[c>>4]) + string(hexDigits[c&15])
		}
		if c < 0x20 {
			t[QuoteJSON][c] = `\u00` + string(hexDigits[c>>4]) + string(hexDigits[c&15])
		}
	}
	for _, st := range []QuoteStyle{QuoteRepr, QuoteJSON} {
		t[st]['"'], t[st]['\\'] = `\"`, `\\`
		t[st]['\n'], t[st]['\t'], t[st]['\r'] = `\n`, `\t`, `\r`
	}
	t[QuoteJSON]['\b'], t[QuoteJSON]['\f'] = `\b`, `\f`
	return t
}()

// Quote writes s double-quoted, escaped as style says. It is the one string
// escaper: repr() and json.encode (and what builds on them) both use it.
func Quote(b *strings.Builder, s string, style QuoteStyle) {
	esc := &quoteEscapes[style]
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if e := esc[c]; e != "" {
				b.WriteString(e)
			} else {
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r != utf8.RuneError || size != 1:
			b.WriteString(s[i : i+size])
		case style == QuoteJSON:
			b.WriteRune(utf8.RuneError)
			size = invalidUTF8Len(s[i:])
		default:
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
		i += size
	}
	b.WriteByte('"')
}

// invalidUTF8Len is the length of the maximal subpart at the start of s, which
// does not start a valid UTF-8 sequence: the lead byte and the continuation
// bytes after it that could still begin a valid sequence (1 to 3 bytes), as
// Unicode's "substitution of maximal subparts" and Python count them.
func invalidUTF8Len(s string) int {
	// FullRuneInString is false exactly for a proper prefix of a valid
	// encoding (an invalid start counts as a full rune of width 1).
	n := 1
	for n < len(s) && !utf8.FullRuneInString(s[:n+1]) {
		n++
	}
	return n
}
