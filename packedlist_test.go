package yieldscript

import (
	"context"
	"math"
	"reflect"
	"testing"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// Lists of one scalar kind are stored packed inside the VM; the embedding API
// must see the same items and kinds as for any other list, both ways.
func TestPackedListsThroughTheHost(t *testing.T) {
	v, out := newTestVM(t, Options{})
	must(t, v.SetFunc("double", func(xs []int64) []int64 {
		out := make([]int64, len(xs))
		for i, x := range xs {
			out[i] = 2 * x
		}
		return out
	}))
	must(t, v.SetFunc("halves", func(xs []float64) []float64 {
		for i := range xs {
			xs[i] /= 2
		}
		return xs
	}))
	must(t, v.SetFunc("flags", func(xs [2]bool) []any { return []any{xs[1], xs[0], 1.0} }))
	must(t, v.SetFunc("anys", func(xs []any) []any { return append(xs, "end") }))
	// A native that changes the list it is given: a packed list must take a
	// store of another kind and an append, and the script must see them.
	v.SetNative("mangle", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		l := args[0].AsList()
		first := l.At(0)
		l.Set(0, vm.Str("host"))
		l.Append(first)
		l.Append(vm.Float(0.5))
		return vm.Int(int64(l.Len())), nil
	})
	v.SetNative("grow", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		l := args[0].AsList()
		l.Append(vm.Int(7))
		l.Set(0, vm.Int(6))
		return vm.Nil, nil
	})
	run(t, v, `let a = [1, 2, 3]
print(double(a), a, halves([1.0, 3.0]), flags([true, false]), anys([1.5, 2.5]))
let b = [4, 5]
print(mangle(b), b, b == ["host", 5, 4, 0.5])
let c = [1.5]
print(mangle(c), c)
let d = []
grow(d)
grow(d)
print(d, type(d[0]))
let e = [true, false]
let f = [0.0, -0.0, 1.0]
let g = []
for i in range(3) { g.push(i) }`)
	want := "[2, 4, 6] [1, 2, 3] [0.5, 1.5] [false, true, 1.0] [1.5, 2.5, \"end\"]\n" +
		"4 [\"host\", 5, 4, 0.5] true\n" +
		"3 [\"host\", 1.5, 0.5]\n" +
		"[6, 7] int\n"
	if got := out.String(); got != want {
		t.Errorf("output\n%s\nwant\n%s", got, want)
	}
	for name, w := range map[string]any{
		"a": []any{int64(1), int64(2), int64(3)},
		"e": []any{true, false},
		"f": []any{0.0, -0.0, 1.0},
		"g": []any{int64(0), int64(1), int64(2)},
	} {
		got, ok, err := v.Global(name)
		if err != nil || !ok || !reflect.DeepEqual(got, w) {
			t.Errorf("Global(%s) = %#v, %v, %v; want %#v", name, got, ok, err, w)
		}
	}
	// Go's -0.0 constant is +0 and DeepEqual compares floats with ==, so the
	// sign of f[1] is checked apart.
	fv, _, _ := v.Global("f")
	if fs := fv.([]any); len(fs) == 3 && !math.Signbit(fs[1].(float64)) {
		t.Errorf("f[1] = %v, want -0.0", fs[1])
	}
	var back []float64
	must(t, v.RunString(context.Background(), "t2.ys", `let h = [0.25, 0.5]`))
	hv, _, _ := v.Global("h")
	for _, x := range hv.([]any) {
		back = append(back, x.(float64))
	}
	if !reflect.DeepEqual(back, []float64{0.25, 0.5}) {
		t.Errorf("h = %v", back)
	}
}
