package re

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/stdlib/internal/casetest"
)

// The cases of this test were computed by CPython's re module
// (../testdata/gen_module_cases.py writes them; run it again to regenerate).

func TestRegexCasesFromPython(t *testing.T) {
	var cases []struct {
		Pattern string          `json:"pattern"`
		Flags   string          `json:"flags"`
		S       string          `json:"s"`
		Op      string          `json:"op"`
		Pos     int64           `json:"pos"`
		N       int64           `json:"n"`
		Repl    string          `json:"repl"`
		Want    json.RawMessage `json:"want"`
		Error   string          `json:"error"`
	}
	casetest.LoadCases(t, "re_cases.json", &cases)
	if len(cases) < 3000 {
		t.Fatalf("only %d cases", len(cases))
	}
	task := casetest.NewTask(t)
	for _, c := range cases {
		r, err := compileRegex("re.compile", c.Pattern, c.Flags)
		if err != nil {
			t.Fatalf("compile %q: %v", c.Pattern, err)
		}
		var args []vm.Value
		switch c.Op {
		case "search", "match":
			args = []vm.Value{vm.Str(c.S), vm.Int(c.Pos)}
		case "fullmatch", "find_all":
			args = []vm.Value{vm.Str(c.S)}
		case "split":
			args = []vm.Value{vm.Str(c.S), vm.Int(c.N)}
		case "sub":
			args = []vm.Value{vm.Str(c.Repl), vm.Str(c.S), vm.Int(c.N)}
		}
		got, err := r.call(task, c.Op, "regex."+c.Op, args)
		what := c.Op + " /" + c.Pattern + "/" + c.Flags + " " + vm.Repr(vm.Str(c.S))
		if c.Error != "" {
			if e := vm.AsError(err); e == nil || e.Kind != c.Error {
				t.Errorf("%s %v: want a %s error, got %v", what, vm.Repr(args[0]), c.Error, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", what, err)
			continue
		}
		var gotJSON string
		switch c.Op {
		case "search", "match", "fullmatch":
			if got.IsNil() {
				gotJSON = "null"
				break
			}
			m := got.AsObject().(*match)
			var spans [][2]int
			for g := 0; g <= r.ngroups; g++ {
				spans = append(spans, [2]int{m.idx[2*g], m.idx[2*g+1]})
			}
			b, _ := json.Marshal(map[string]any{"spans": spans})
			gotJSON = string(b)
		default:
			gotJSON = toJSON(got)
		}
		var want any
		_ = json.Unmarshal(c.Want, &want)
		wantJSON, _ := json.Marshal(want)
		if gotJSON != string(wantJSON) {
			t.Errorf("%s (pos %d, n %d, repl %q) = %s, want %s", what, c.Pos, c.N, c.Repl, gotJSON, wantJSON)
		}
	}
}

// toJSON writes a value made of strings, nil and lists as JSON.
func toJSON(v vm.Value) string {
	switch v.Kind() {
	case vm.KNil:
		return "null"
	case vm.KStr:
		b, _ := json.Marshal(v.AsStr())
		return string(b)
	case vm.KList:
		parts := make([]string, 0)
		for _, x := range v.AsList().Items() {
			parts = append(parts, toJSON(x))
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return vm.Repr(v)
}
