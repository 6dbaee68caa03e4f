package url

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

func FuzzQuery(f *testing.F) {
	f.Add("a=1&b=two+words&c=%2F")
	f.Add("=&&x")
	f.Fuzz(func(t *testing.T, q string) {
		keys, vals, ok := ParseQuery(q)
		if !ok {
			return
		}
		if len(keys) != len(vals) {
			t.Fatalf("%d keys, %d values", len(keys), len(vals))
		}
		// What decodes re-encodes to text that decodes to the same pairs.
		var b strings.Builder
		for i := range keys {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(keys[i]) + "=" + url.QueryEscape(vals[i]))
		}
		k2, v2, ok := ParseQuery(b.String())
		if !ok || !slices.Equal(k2, keys) || !slices.Equal(v2, vals) {
			t.Fatalf("%q: %q %q, again %q %q", q, keys, vals, k2, v2)
		}
	})
}
