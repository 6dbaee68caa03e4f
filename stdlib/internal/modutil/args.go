package modutil

import (
	"slices"
	"unsafe"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// BytesOf is the bytes of s without a copy; they must not be changed.
func BytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// UnhexDigit is the value of hexadecimal digit c.
func UnhexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// SecondsArg is the destination of a number of seconds for vm.UnpackArgs:
// *v is the number, which scheduler.Seconds then reads (a negative one is a
// value error there).
func SecondsArg(v *vm.Value) any {
	return vm.Check("a number of seconds", func(x vm.Value) bool {
		*v = x
		_, ok := x.ToNumber()
		return ok
	})
}

// TwoNums reads the two numbers (ints or floats) fn takes.
func TwoNums(fn string, args []vm.Value) (x, y float64, err error) {
	err = vm.UnpackArgs(fn, args, "x", &x, "y", &y)
	return x, y, err
}

// OneNum reads the one number (an int or a float) fn takes.
func OneNum(fn string, args []vm.Value) (x float64, err error) {
	err = vm.UnpackArgs(fn, args, "x", &x)
	return x, err
}

// Options checks the keys of an options map m of fn against allowed and gives
// the entries whose value is not nil. An unknown key is a value error naming
// it, as "fn(): unknown <what> key".
func Options(fn, what string, m *vm.Map, allowed ...string) (map[string]vm.Value, error) {
	out := map[string]vm.Value{}
	for i := 0; i < m.Slots(); i++ {
		k, x, ok := m.Entry(i)
		if !ok {
			continue
		}
		if k.Kind() != vm.KStr || !slices.Contains(allowed, k.AsStr()) {
			return nil, vm.Errorf(vm.KindValue, "%s(): unknown %s %s", fn, what, vm.Repr(k))
		}
		if !x.IsNil() {
			out[k.AsStr()] = x
		}
	}
	return out, nil
}
