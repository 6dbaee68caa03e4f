package vm

import (
	"strings"
	"testing"
)

// Quote's two styles (the JSON expectations from python3's json.dumps with
// ensure_ascii=False and bytes.decode("utf-8", "replace")).
func TestQuote(t *testing.T) {
	cases := []struct {
		style   QuoteStyle
		in, out string
	}{
		{QuoteRepr, "a\"\\\n\r\t\b\f\x01\x7fé", `"a\"\\\n\r\t\x08\x0c\x01\x7fé"`},
		{QuoteRepr, "\xe0\x80x\xff", `"\xe0\x80x\xff"`},
		{QuoteJSON, "a\"\\\n\r\t\b\f\x01\x1f\x7fé", "\"a\\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u001f\x7fé\""},
		{QuoteJSON, "\xe0\x80x\xff\xf0\x9f\x98", "\"\ufffd\ufffdx\ufffd\ufffd\""},
	}
	for _, c := range cases {
		var b strings.Builder
		Quote(&b, c.in, c.style)
		if b.String() != c.out {
			t.Errorf("Quote(%q, %d) = %q, want %q", c.in, c.style, b.String(), c.out)
		}
	}
}
