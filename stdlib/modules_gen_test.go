package stdlib

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// The cases of these tests were computed by CPython's struct and re modules
// (testdata/gen_module_cases.py writes them; run it again to regenerate).

func newTestTask(t testing.TB) *vm.Task {
	m := vm.NewMachine(io.Discard, io.Discard)
	task, err := m.NewTask(vm.NewNative("test", func(*vm.Task, []vm.Value) (vm.Value, error) { return vm.Nil, nil }), nil)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func loadCases(t *testing.T, name string, into any) {
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	d := json.NewDecoder(strings.NewReader(string(data)))
	d.UseNumber()
	if err := d.Decode(into); err != nil {
		t.Fatal(err)
	}
}

// caseValue is a value of a struct case: {"i": int}, {"f": float64 bits as
// little-endian hex}, {"s": bytes as hex} or {"b": bool}.
type caseValue map[string]any

func (c caseValue) value(t *testing.T) vm.Value {
	switch {
	case c["i"] != nil:
		n, err := c["i"].(json.Number).Int64()
		if err != nil {
			t.Fatal(err)
		}
		return vm.Int(n)
	case c["f"] != nil:
		b, _ := hex.DecodeString(c["f"].(string))
		return vm.Float(math.Float64frombits(binary.LittleEndian.Uint64(b)))
	case c["s"] != nil:
		b, _ := hex.DecodeString(c["s"].(string))
		return vm.Str(string(b))
	case c["b"] != nil:
		return vm.Bool(c["b"].(bool))
	}
	t.Fatalf("bad case value %v", c)
	return vm.Nil
}

func sameValue(a, b vm.Value) bool {
	if a.Kind() == vm.KFloat && b.Kind() == vm.KFloat {
		return math.Float64bits(a.AsFloat()) == math.Float64bits(b.AsFloat())
	}
	return a.Kind() == b.Kind() && vm.Repr(a) == vm.Repr(b)
}

func TestStructCasesFromPython(t *testing.T) {
	var cases []struct {
		Fmt      string      `json:"fmt"`
		Values   []caseValue `json:"values"`
		Size     *int        `json:"size"`
		Packed   *string     `json:"packed"`
		Data     *string     `json:"data"`
		Offset   int64       `json:"offset"`
		Unpacked []caseValue `json:"unpacked"`
		Error    string      `json:"error"`
	}
	loadCases(t, "struct_cases.json", &cases)
	if len(cases) < 1000 {
		t.Fatalf("only %d cases", len(cases))
	}
	task := newTestTask(t)
	for _, c := range cases {
		vals := make([]vm.Value, len(c.Values))
		for i, v := range c.Values {
			vals[i] = v.value(t)
		}
		args := append([]vm.Value{vm.Str(c.Fmt)}, vals...)
		if c.Error != "" && c.Data == nil {
			_, err := bytesPack(task, args)
			if e := vm.AsError(err); e == nil || e.Kind != c.Error {
				t.Errorf("pack(%q, %v): want a %s error, got %v", c.Fmt, vals, c.Error, err)
			}
			continue
		}
		if c.Size != nil {
			n, err := bytesCalcsize(task, []vm.Value{vm.Str(c.Fmt)})
			if err != nil || n.AsInt() != int64(*c.Size) {
				t.Errorf("calcsize(%q) = %v, %v; want %d", c.Fmt, vm.Repr(n), err, *c.Size)
			}
		}
		if c.Packed != nil {
			got, err := bytesPack(task, args)
			if err != nil {
				t.Errorf("pack(%q, %v): %v", c.Fmt, vals, err)
				continue
			}
			if h := hex.EncodeToString([]byte(got.AsStr())); h != *c.Packed {
				t.Errorf("pack(%q, %v) = %s, want %s", c.Fmt, vals, h, *c.Packed)
			}
		}
		data, _ := hex.DecodeString(*c.Data)
		got, err := bytesUnpack(task, []vm.Value{vm.Str(c.Fmt), vm.Str(string(data)), vm.Int(c.Offset)})
		if c.Error != "" {
			if e := vm.AsError(err); e == nil || e.Kind != c.Error {
				t.Errorf("unpack(%q, %x, %d): want a %s error, got %v", c.Fmt, data, c.Offset, c.Error, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("unpack(%q, %x, %d): %v", c.Fmt, data, c.Offset, err)
			continue
		}
		items := got.AsList().Items
		if len(items) != len(c.Unpacked) {
			t.Errorf("unpack(%q, %x) = %s, want %d items", c.Fmt, data, vm.Repr(got), len(c.Unpacked))
			continue
		}
		for i, u := range c.Unpacked {
			if w := u.value(t); !sameValue(items[i], w) {
				t.Errorf("unpack(%q, %x)[%d] = %s, want %s", c.Fmt, data, i, vm.Repr(items[i]), vm.Repr(w))
			}
		}
	}
}

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
	loadCases(t, "re_cases.json", &cases)
	if len(cases) < 3000 {
		t.Fatalf("only %d cases", len(cases))
	}
	task := newTestTask(t)
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
		for _, x := range v.AsList().Items {
			parts = append(parts, toJSON(x))
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return vm.Repr(v)
}

func TestURLCasesFromPython(t *testing.T) {
	var cases []struct {
		Op    string          `json:"op"`
		URL   string          `json:"url"`
		Base  string          `json:"base"`
		Ref   string          `json:"ref"`
		Want  json.RawMessage `json:"want"`
		Error string          `json:"error"`
	}
	loadCases(t, "url_cases.json", &cases)
	if len(cases) < 1000 {
		t.Fatalf("only %d cases", len(cases))
	}
	task := newTestTask(t)
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
