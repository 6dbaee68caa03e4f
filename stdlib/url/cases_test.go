package url

import (
	"encoding/json"
	"testing"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/stdlib/internal/casetest"
)

// The cases of this test were computed by CPython's urllib.parse
// (../testdata/gen_module_cases.py writes them; run it again to regenerate).

func TestURLCasesFromPython(t *testing.T) {
	var cases []struct {
		Op    string          `json:"op"`
		URL   string          `json:"url"`
		Base  string          `json:"base"`
		Ref   string          `json:"ref"`
		Want  json.RawMessage `json:"want"`
		Error string          `json:"error"`
	}
	casetest.LoadCases(t, "url_cases.json", &cases)
	if len(cases) < 1000 {
		t.Fatalf("only %d cases", len(cases))
	}
	task := casetest.NewTask(t)
	for _, c := range cases {
		if c.Op == "join" {
			var want string
			_ = json.Unmarshal(c.Want, &want)
			if got := resolveURL(c.Base, c.Ref); got != want {
				t.Errorf("join(%q, %q) = %q, want %q", c.Base, c.Ref, got, want)
			}
			continue
		}
		got, err := urlParse(task, []vm.Value{vm.Str(c.URL)})
		if c.Error != "" {
			if e := vm.AsError(err); e == nil || e.Kind != c.Error {
				t.Errorf("parse(%q): want a %s error, got %v", c.URL, c.Error, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parse(%q): %v", c.URL, err)
			continue
		}
		var want map[string]any
		_ = json.Unmarshal(c.Want, &want)
		m := got.AsMap()
		for _, k := range []string{"scheme", "user", "password", "host", "port", "path", "query", "fragment"} {
			v, _ := m.GetStr(k)
			var g any
			switch v.Kind() {
			case vm.KStr:
				g = v.AsStr()
			case vm.KInt:
				g = float64(v.AsInt())
			}
			if g != want[k] {
				t.Errorf("parse(%q).%s = %s, want %v", c.URL, k, vm.Repr(v), want[k])
			}
		}
	}
}
