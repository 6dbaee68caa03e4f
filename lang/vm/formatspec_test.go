package vm

import (
	"math"
	"testing"
	"unicode/utf8"
)

func TestFormatValueExamples(t *testing.T) {
	tests := []struct {
		v    Value
		spec string
		want string
	}{
		{Float(2.675), ".2f", "2.67"},
		{Float(1e16), "g", "1e+16"},
		{Int(1234567), ",", "1,234,567"},
		{Float(3.14159), ">8.2f", "    3.14"},
		{Str("ab"), "^10", "    ab    "},
		{Int(1234), "010,", "00,001,234"},
		{Int(math.MinInt64), "_x", "-8000_0000_0000_0000"},
		{Str("héllo"), "*^9.3", "***hél***"},
		{Float(-0.0), "z.1f", "0.0"},
		{Nil, "", "nil"},
	}
	for _, tt := range tests {
		got, err := FormatValue(tt.v, tt.spec)
		if err != nil || got != tt.want {
			t.Errorf("format(%s, %q) = %q, %v; want %q", Repr(tt.v), tt.spec, got, err, tt.want)
		}
	}
	if _, err := FormatValue(Nil, ">3"); err == nil || AsError(err).Kind != KindType {
		t.Errorf("format(nil, \">3\"): %v, want a type error", err)
	}
	if _, err := FormatValue(Int(1), "99999999999"); err == nil || AsError(err).Kind != KindValue {
		t.Errorf("a huge width: %v, want a value error", err)
	}
}

// FuzzFormatSpec formats an int, a float and a string with any spec: no
// panic, no hang, and a result at least as wide as the width asked for.
func FuzzFormatSpec(f *testing.F) {
	for _, s := range []string{"", ">8.2f", ",", "^10", "010,", "#x", "+.3e", "z.1%", "*<20_", "0=+#30,.17g", "c", ".0", "_b"} {
		f.Add(s, int64(1234), 3.25, "text")
	}
	f.Fuzz(func(t *testing.T, spec string, n int64, x float64, s string) {
		for _, v := range []Value{Int(n), Float(x), Str(s), Bool(n%2 == 0)} {
			out, err := FormatValue(v, spec)
			if err != nil {
				if k := AsError(err).Kind; k != KindValue && k != KindType {
					t.Fatalf("format(%s, %q): error of kind %s", Repr(v), spec, k)
				}
				continue
			}
			var p fmtSpec
			if p, err = parseFormatSpec(spec, "x", '>'); err == nil && utf8.RuneCountInString(out) < p.width && utf8.ValidString(s) {
				t.Fatalf("format(%s, %q) = %q: narrower than %d", Repr(v), spec, out, p.width)
			}
		}
	})
}
