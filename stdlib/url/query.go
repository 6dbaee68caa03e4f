package url

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
)

// Query strings, shared by the url and http modules.

// queryText is the text of one query or form value.
func queryText(fn string, v vm.Value) (string, error) {
	switch v.Kind() {
	case vm.KStr:
		return v.AsStr(), nil
	case vm.KInt:
		return strconv.FormatInt(v.AsInt(), 10), nil
	case vm.KFloat:
		return vm.FormatFloat(v.AsFloat()), nil
	case vm.KBool:
		return strconv.FormatBool(v.AsBool()), nil
	}
	return "", vm.Errorf(vm.KindType, "%s: a query value must be a string, number or bool, not %s", fn, v.TypeName())
}

// EncodeQuery writes map m as application/x-www-form-urlencoded text, in the
// map's order; a list value repeats its key once per element.
func EncodeQuery(fn string, b *strings.Builder, m *vm.Map) error {
	for i := 0; i < m.Slots(); i++ {
		k, v, ok := m.Entry(i)
		if !ok {
			continue
		}
		if k.Kind() != vm.KStr {
			return vm.Errorf(vm.KindType, "%s: a query key must be a string, not %s", fn, k.TypeName())
		}
		vals := []vm.Value{v}
		if v.Kind() == vm.KList {
			vals = v.AsList().Snapshot()
		}
		for _, e := range vals {
			s, err := queryText(fn, e)
			if err != nil {
				return err
			}
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k.AsStr()))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(s))
		}
	}
	return nil
}

// EncodeQueryNative is encode_query(map), shared by the http and url modules.
func EncodeQueryNative(fn string, args []vm.Value) (vm.Value, error) {
	var m *vm.Map
	if err := vm.UnpackArgs(fn, args, "params", &m); err != nil {
		return vm.Nil, err
	}
	var b strings.Builder
	if err := EncodeQuery(fn, &b, m); err != nil {
		return vm.Nil, err
	}
	return vm.Str(b.String()), nil
}

// DecodeQueryNative is decode_query(text), shared by the http and url modules.
func DecodeQueryNative(fn string, args []vm.Value) (vm.Value, error) {
	var s string
	if err := vm.UnpackArgs(fn, args, "s", &s); err != nil {
		return vm.Nil, err
	}
	keys, vals, ok := ParseQuery(strings.TrimPrefix(s, "?"))
	if !ok {
		return vm.Nil, vm.Errorf(vm.KindValue, "%s: bad %% escape in %s", fn, vm.Repr(args[0]))
	}
	m := vm.NewMap(len(keys))
	for i, k := range keys {
		m.SetStr(k, vm.Str(vals[i]))
	}
	return vm.MapValue(m), nil
}

// ParseQuery decodes a query string into pairs, in order. A key given
// several times keeps its last value (the caller's map does that).
func ParseQuery(q string) (keys, vals []string, ok bool) {
	for q != "" {
		var part string
		part, q, _ = strings.Cut(q, "&")
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, ok1 := PercentDecode(k, true)
		dv, ok2 := PercentDecode(v, true)
		if !ok1 || !ok2 {
			return nil, nil, false
		}
		keys, vals = append(keys, dk), append(vals, dv)
	}
	return keys, vals, true
}

// PercentDecode decodes %XX escapes, and '+' as a space when plus is set.
func PercentDecode(s string, plus bool) (string, bool) {
	if strings.IndexByte(s, '%') < 0 && (!plus || strings.IndexByte(s, '+') < 0) {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i+2 >= len(s) {
				return "", false
			}
			hi, ok1 := modutil.UnhexDigit(s[i+1])
			lo, ok2 := modutil.UnhexDigit(s[i+2])
			if !ok1 || !ok2 {
				return "", false
			}
			b = append(b, hi<<4|lo)
			i += 2
		case c == '+' && plus:
			b = append(b, ' ')
		default:
			b = append(b, c)
		}
	}
	return string(b), true
}
