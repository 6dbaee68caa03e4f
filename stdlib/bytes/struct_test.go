package bytes

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"testing"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/stdlib/internal/casetest"
)

// The cases of these tests were computed by CPython's struct module
// (../testdata/gen_module_cases.py writes them; run it again to regenerate).

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
	casetest.LoadCases(t, "struct_cases.json", &cases)
	if len(cases) < 1000 {
		t.Fatalf("only %d cases", len(cases))
	}
	task := casetest.NewTask(t)
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
		items := got.AsList().Items()
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
