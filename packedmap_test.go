package yieldscript

import (
	"reflect"
	"testing"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// Maps of int keys (and values) are stored packed inside the VM, and keep
// deleted entries until compaction; the embedding API must see only the
// live entries, with their kinds, both ways, and a native's changes through
// vm.Map must show in the script.
func TestPackedMapsThroughTheHost(t *testing.T) {
	v, out := newTestVM(t, Options{})
	must(t, v.SetFunc("total", func(m map[int64]int64) int64 {
		s := int64(0)
		for k, x := range m {
			s += k * x
		}
		return s
	}))
	must(t, v.SetFunc("halve", func(m map[int64]float64) map[int64]float64 {
		out := make(map[int64]float64, len(m))
		for k, x := range m {
			out[k] = x / 2
		}
		return out
	}))
	v.SetNative("mangle", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		m := args[0].AsMap()
		if err := m.Delete(vm.Int(2)); err != nil {
			return vm.Nil, err
		}
		m.SetStr("host", vm.Int(1))
		if err := m.Set(vm.Int(2), vm.Str("back")); err != nil {
			return vm.Nil, err
		}
		return vm.Int(int64(m.Len())), nil
	})
	run(t, v, `let a = {}
for i in range(20) { a[i] = i }
for i in range(0, 20, 3) { delete(a, i) }
let h = halve(a)
print(total(a), len(h), h[1], h[19], 0 in h)
let b = {}
for i in range(12) { b[i] = i * i }
delete(b, 5)
print(mangle(b), len(b), keys(b)[4], keys(b)[-2:], b[2], 5 in b)`)
	want := "1651 13 0.5 9.5 false\n" +
		"12 12 6 [\"host\", 2] back false\n"
	if got := out.String(); got != want {
		t.Errorf("output\n%s\nwant\n%s", got, want)
	}
	a, _, err := v.Global("a")
	wa := map[any]any{}
	for i := int64(0); i < 20; i++ {
		if i%3 != 0 {
			wa[i] = i
		}
	}
	if err != nil || !reflect.DeepEqual(a, wa) {
		t.Errorf("Global(a) = %#v, %v; want %#v", a, err, wa)
	}
}
