package json

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/yieldscript/yieldscript/lang/vm"
)

func Module(*vm.Machine) (vm.Value, error) {
	return vm.NewNativeModule("json", map[string]vm.Value{
		"encode": vm.NewNative("encode", func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			var v vm.Value
			if err := vm.UnpackArgs("json.encode", args, "value", &v); err != nil {
				return vm.Nil, err
			}
			var b strings.Builder
			if err := Encode(&b, v, 0); err != nil {
				return vm.Nil, err
			}
			return vm.Str(b.String()), nil
		}),
		"decode": vm.NewNative("decode", func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			var text string
			if err := vm.UnpackArgs("json.decode", args, "text", &text); err != nil {
				return vm.Nil, err
			}
			v, err := DecodeJSON(text)
			if err != nil {
				return vm.Nil, err
			}
			if err := t.ChargeDeep(v); err != nil {
				return vm.Nil, err
			}
			return v, nil
		}),
	}), nil
}

const maxJSONDepth = 1000

// maxJSONBytes bounds the text json.encode makes (a value that shares its
// parts can be exponentially larger as text than in memory).
const maxJSONBytes = 1 << 28

func Encode(b *strings.Builder, v vm.Value, depth int) error {
	if depth > maxJSONDepth {
		return vm.NewError(vm.KindValue, "json.encode: value nested too deeply (does it contain itself?)")
	}
	if b.Len() > maxJSONBytes {
		return vm.Errorf(vm.KindLimit, "json.encode: the text would be longer than %d bytes", maxJSONBytes)
	}
	switch v.Kind() {
	case vm.KNil:
		b.WriteString("null")
	case vm.KBool:
		if v.AsBool() {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case vm.KInt:
		b.WriteString(strconv.FormatInt(v.AsInt(), 10))
	case vm.KFloat:
		f := v.AsFloat()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return vm.Errorf(vm.KindValue, "json.encode: %s is not valid JSON", vm.FormatFloat(f))
		}
		b.WriteString(vm.FormatFloat(f))
	case vm.KStr:
		vm.Quote(b, v.AsStr(), vm.QuoteJSON)
	case vm.KList:
		b.WriteByte('[')
		for i, x := range v.AsList().Snapshot() {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := Encode(b, x, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case vm.KMap:
		b.WriteByte('{')
		sep := false
		for k, x := range v.AsMap().All() {
			if k.Kind() != vm.KStr {
				return vm.Errorf(vm.KindValue, "json.encode: map key %s is not a string", vm.Repr(k))
			}
			if sep {
				b.WriteByte(',')
			}
			sep = true
			vm.Quote(b, k.AsStr(), vm.QuoteJSON)
			b.WriteByte(':')
			if err := Encode(b, x, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return vm.Errorf(vm.KindValue, "json.encode: cannot encode a %s", v.TypeName())
	}
	return nil
}

// DecodeJSON parses JSON text into values: objects become maps (in the text's
// order), arrays lists, integers without fraction or exponent ints.
func DecodeJSON(s string) (vm.Value, error) {
	d := &jsonDecoder{s: s}
	d.space()
	v, err := d.value(0)
	if err != nil {
		return vm.Nil, err
	}
	d.space()
	if d.i < len(d.s) {
		return vm.Nil, d.errorf("unexpected %q after the value", d.s[d.i])
	}
	return v, nil
}

type jsonDecoder struct {
	s string
	i int
}

func (d *jsonDecoder) errorf(format string, args ...any) error {
	e := vm.Errorf(vm.KindValue, format, args...)
	e.Message = "json.decode: " + e.Message + " at offset " + strconv.Itoa(d.i)
	return e
}

func (d *jsonDecoder) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *jsonDecoder) value(depth int) (vm.Value, error) {
	if depth > maxJSONDepth {
		return vm.Nil, d.errorf("nested too deeply")
	}
	if d.i >= len(d.s) {
		return vm.Nil, d.errorf("unexpected end of input")
	}
	switch c := d.s[d.i]; {
	case c == '{':
		d.i++
		m := vm.NewMap(0)
		d.space()
		if d.i < len(d.s) && d.s[d.i] == '}' {
			d.i++
			return vm.MapValue(m), nil
		}
		for {
			d.space()
			if d.i >= len(d.s) || d.s[d.i] != '"' {
				return vm.Nil, d.errorf("expected a string key")
			}
			k, err := d.str()
			if err != nil {
				return vm.Nil, err
			}
			d.space()
			if d.i >= len(d.s) || d.s[d.i] != ':' {
				return vm.Nil, d.errorf("expected ':'")
			}
			d.i++
			d.space()
			v, err := d.value(depth + 1)
			if err != nil {
				return vm.Nil, err
			}
			m.SetStr(k, v)
			d.space()
			if d.i < len(d.s) && d.s[d.i] == ',' {
				d.i++
				continue
			}
			if d.i < len(d.s) && d.s[d.i] == '}' {
				d.i++
				return vm.MapValue(m), nil
			}
			return vm.Nil, d.errorf("expected ',' or '}'")
		}
	case c == '[':
		d.i++
		var items []vm.Value
		d.space()
		if d.i < len(d.s) && d.s[d.i] == ']' {
			d.i++
			return vm.NewList(items), nil
		}
		for {
			d.space()
			v, err := d.value(depth + 1)
			if err != nil {
				return vm.Nil, err
			}
			items = append(items, v)
			d.space()
			if d.i < len(d.s) && d.s[d.i] == ',' {
				d.i++
				continue
			}
			if d.i < len(d.s) && d.s[d.i] == ']' {
				d.i++
				return vm.NewList(items), nil
			}
			return vm.Nil, d.errorf("expected ',' or ']'")
		}
	case c == '"':
		s, err := d.str()
		if err != nil {
			return vm.Nil, err
		}
		return vm.Str(s), nil
	case c == 't':
		return d.word("true", vm.True)
	case c == 'f':
		return d.word("false", vm.False)
	case c == 'n':
		return d.word("null", vm.Nil)
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	return vm.Nil, d.errorf("unexpected %q", d.s[d.i])
}

func (d *jsonDecoder) word(w string, v vm.Value) (vm.Value, error) {
	if strings.HasPrefix(d.s[d.i:], w) {
		d.i += len(w)
		return v, nil
	}
	return vm.Nil, d.errorf("invalid literal")
}

func (d *jsonDecoder) number() (vm.Value, error) {
	start := d.i
	if d.s[d.i] == '-' {
		d.i++
	}
	digits := func() int {
		n := 0
		for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	intStart := d.i
	if digits() == 0 {
		return vm.Nil, d.errorf("invalid number")
	}
	if d.s[intStart] == '0' && d.i-intStart > 1 {
		d.i = intStart
		return vm.Nil, d.errorf("invalid number (leading zero)")
	}
	isFloat := false
	if d.i < len(d.s) && d.s[d.i] == '.' {
		d.i++
		isFloat = true
		if digits() == 0 {
			return vm.Nil, d.errorf("invalid number")
		}
	}
	if d.i < len(d.s) && (d.s[d.i] == 'e' || d.s[d.i] == 'E') {
		d.i++
		isFloat = true
		if d.i < len(d.s) && (d.s[d.i] == '+' || d.s[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return vm.Nil, d.errorf("invalid number")
		}
	}
	text := d.s[start:d.i]
	if !isFloat {
		if i, err := strconv.ParseInt(text, 10, 64); err == nil {
			return vm.Int(i), nil
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !isRange(err) {
		return vm.Nil, d.errorf("invalid number")
	}
	return vm.Float(f), nil
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func (d *jsonDecoder) str() (string, error) {
	d.i++ // opening quote
	start := d.i
	// Fast path: no escapes.
	for d.i < len(d.s) {
		c := d.s[d.i]
		if c == '"' {
			s := d.s[start:d.i]
			d.i++
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		d.i++
	}
	var b strings.Builder
	b.WriteString(d.s[start:d.i])
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			return b.String(), nil
		case c < 0x20:
			return "", d.errorf("control character in string")
		case c == '\\':
			d.i++
			if d.i >= len(d.s) {
				return "", d.errorf("unterminated string")
			}
			e := d.s[d.i]
			d.i++
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, ok := d.hex4()
				if !ok {
					return "", d.errorf("invalid \\u escape")
				}
				if utf16.IsSurrogate(r) {
					// A high surrogate pairs with the \u escape right after
					// it only when that one is a low surrogate; otherwise it
					// is lone, and the escape after it stands on its own.
					r2 := rune(-1)
					if r < 0xdc00 && strings.HasPrefix(d.s[d.i:], `\u`) {
						save := d.i
						d.i += 2
						var ok bool
						if r2, ok = d.hex4(); !ok {
							return "", d.errorf("invalid \\u escape")
						}
						if r2 < 0xdc00 || r2 > 0xdfff {
							d.i, r2 = save, -1
						}
					}
					if r2 >= 0 {
						r = utf16.DecodeRune(r, r2)
					} else {
						r = utf8.RuneError // a lone surrogate
					}
				}
				b.WriteRune(r)
			default:
				d.i--
				return "", d.errorf("invalid escape \\%c", e)
			}
		default:
			b.WriteByte(c)
			d.i++
		}
	}
	return "", d.errorf("unterminated string")
}

func (d *jsonDecoder) hex4() (rune, bool) {
	if d.i+4 > len(d.s) {
		return 0, false
	}
	n, err := strconv.ParseUint(d.s[d.i:d.i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	d.i += 4
	return rune(n), true
}
