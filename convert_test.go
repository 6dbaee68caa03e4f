package yieldscript

import (
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/yieldscript/yieldscript/lang/vm"
)

type point struct {
	X, Y   int
	Label  string `json:"label"`
	Hidden string `ys:"-"`
	secret int
}

type tagged struct {
	Name string `ys:"name"`
	Tags []string
	Next *tagged
}

func TestToValue(t *testing.T) {
	v := New(Options{})
	defer v.Close()
	n := 7
	tests := []struct {
		in   any
		want string // vm.Repr of the converted value
	}{
		{nil, "nil"},
		{true, "true"},
		{42, "42"},
		{int8(-3), "-3"},
		{uint16(9), "9"},
		{uint64(math.MaxInt64), "9223372036854775807"},
		{1.5, "1.5"},
		{float32(0.25), "0.25"},
		{"hi", `"hi"`},
		{[]byte("raw"), `"raw"`},
		{[]int{1, 2, 3}, "[1, 2, 3]"},
		{[2]string{"a", "b"}, `["a", "b"]`},
		{[]any{1, "x", nil, []any{true}}, `[1, "x", nil, [true]]`},
		{map[string]int{"b": 2, "a": 1}, `{"a": 1, "b": 2}`},
		{map[int]string{3: "c", 1: "a"}, `{1: "a", 3: "c"}`},
		{point{X: 1, Y: 2, Label: "p", Hidden: "h", secret: 3}, `{"X": 1, "Y": 2, "label": "p"}`},
		{&tagged{Name: "n", Tags: []string{"t"}}, `{"name": "n", "Tags": ["t"], "Next": nil}`},
		{&n, "7"},
		{(*int)(nil), "nil"},
		{[]int(nil), "[]"},
		{map[string]any(nil), "{}"},
	}
	for _, tt := range tests {
		got, err := v.toValue(tt.in)
		if err != nil {
			t.Errorf("toValue(%#v): %v", tt.in, err)
			continue
		}
		if s := vm.Repr(got); s != tt.want {
			t.Errorf("toValue(%#v) = %s, want %s", tt.in, s, tt.want)
		}
	}
	e, err := v.toValue(errors.New("boom"))
	if err != nil || e.Kind() != vm.KError || e.AsError().Message != "boom" {
		t.Errorf("toValue(error) = %v, %v", vm.Repr(e), err)
	}
	f, err := v.toValue(func(a int) int { return a })
	if err != nil || f.TypeName() != "function" {
		t.Errorf("toValue(func) = %v, %v", f.TypeName(), err)
	}
	for _, bad := range []any{make(chan int), uint64(math.MaxUint64), complex(1, 2), map[[2]int]int{{1, 2}: 3}} {
		if _, err := v.toValue(bad); err == nil {
			t.Errorf("toValue(%#v) succeeded, want an error", bad)
		}
	}
	cyclic := []any{nil}
	cyclic[0] = cyclic
	if _, err := v.toValue(cyclic); err == nil {
		t.Error("toValue of a cyclic slice succeeded, want an error")
	}
}

func TestFromValue(t *testing.T) {
	v := New(Options{})
	defer v.Close()
	mp := vm.NewMap(2)
	mp.SetStr("a", vm.Int(1))
	mp.SetStr("b", vm.NewList([]vm.Value{vm.Str("x"), vm.Nil}))
	imap := vm.NewMap(1)
	_ = imap.Set(vm.Int(1), vm.Str("one"))
	tests := []struct {
		in   vm.Value
		want any
	}{
		{vm.Nil, nil},
		{vm.True, true},
		{vm.Int(-5), int64(-5)},
		{vm.Float(2.5), 2.5},
		{vm.Str("s"), "s"},
		{vm.NewList([]vm.Value{vm.Int(1), vm.Str("a")}), []any{int64(1), "a"}},
		{vm.MapValue(mp), map[string]any{"a": int64(1), "b": []any{"x", nil}}},
		{vm.MapValue(imap), map[any]any{int64(1): "one"}},
	}
	for _, tt := range tests {
		got, err := v.fromValue(tt.in)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("fromValue(%s) = %#v, %v; want %#v", vm.Repr(tt.in), got, err, tt.want)
		}
	}
	got, _ := v.fromValue(vm.ErrorValue(vm.NewError("io", "gone")))
	var se *Error
	if !errors.As(got.(error), &se) || se.Kind != "io" || se.Message != "gone" {
		t.Errorf("fromValue(error) = %#v", got)
	}
	self := vm.NewList([]vm.Value{vm.Nil})
	self.AsList().Items()[0] = self
	if _, err := v.fromValue(self); err == nil {
		t.Error("fromValue of a list that contains itself succeeded, want an error")
	}
}

func TestFromValueTo(t *testing.T) {
	v := New(Options{})
	defer v.Close()
	pm := vm.NewMap(3)
	pm.SetStr("x", vm.Int(3)) // matched ignoring case
	pm.SetStr("Y", vm.Float(4))
	pm.SetStr("label", vm.Str("L"))
	pm.SetStr("extra", vm.True)
	tests := []struct {
		in   vm.Value
		want any
	}{
		{vm.Int(3), int(3)},
		{vm.Int(200), uint8(200)},
		{vm.Float(2), int64(2)},
		{vm.Int(2), 2.0},
		{vm.Str("s"), "s"},
		{vm.Str("b"), []byte("b")},
		{vm.True, true},
		{vm.NewList([]vm.Value{vm.Int(1), vm.Int(2)}), []int{1, 2}},
		{vm.NewList([]vm.Value{vm.Int(1), vm.Int(2)}), [2]int64{1, 2}},
		{vm.Nil, []string(nil)},
		{vm.MapValue(pm), point{X: 3, Y: 4, Label: "L"}},
		{vm.Int(5), ptr(5)},
		{vm.Str("any"), any("any")},
	}
	for _, tt := range tests {
		got, err := v.fromValueTo(tt.in, reflect.TypeOf(tt.want))
		if err != nil {
			t.Errorf("fromValueTo(%s, %T): %v", vm.Repr(tt.in), tt.want, err)
			continue
		}
		if !reflect.DeepEqual(got.Interface(), tt.want) {
			t.Errorf("fromValueTo(%s, %T) = %#v, want %#v", vm.Repr(tt.in), tt.want, got.Interface(), tt.want)
		}
	}
	bad := []struct {
		in vm.Value
		to any
	}{
		{vm.Str("1"), 0},
		{vm.Int(256), uint8(0)},
		{vm.Int(-1), uint(0)},
		{vm.Float(1.5), 0},
		{vm.Int(1), ""},
		{vm.Int(1), false},
		{vm.NewList([]vm.Value{vm.Str("a")}), []int(nil)},
		{vm.NewList(nil), [1]int{}},
	}
	for _, tt := range bad {
		if _, err := v.fromValueTo(tt.in, reflect.TypeOf(tt.to)); err == nil {
			t.Errorf("fromValueTo(%s, %T) succeeded, want an error", vm.Repr(tt.in), tt.to)
		}
	}
}

func ptr[T any](x T) *T { return &x }
