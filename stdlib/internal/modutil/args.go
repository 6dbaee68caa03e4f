package modutil

import (
	"unsafe"

	"github.com/yieldscript/yieldscript/lang/vm"
)

func StrArg(fn string, args []vm.Value, i int) (string, error) {
	if args[i].Kind() != vm.KStr {
		return "", vm.TypeArgError(fn, i+1, "a string", args[i])
	}
	return args[i].AsStr(), nil
}

func BytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

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

// libInt reads argument i as an int.
func Int(fn string, args []vm.Value, i int) (int64, error) {
	if args[i].Kind() != vm.KInt {
		return 0, vm.TypeArgError(fn, i+1, "an int", args[i])
	}
	return args[i].AsInt(), nil
}

func TwoNums(fn string, args []vm.Value) (float64, float64, error) {
	if err := vm.CheckArgs(fn, args, 2, 2); err != nil {
		return 0, 0, err
	}
	x, err := Num(fn, args, 0)
	if err != nil {
		return 0, 0, err
	}
	y, err := Num(fn, args, 1)
	return x, y, err
}

// libNum reads argument i as a number (an int or a float).
func Num(fn string, args []vm.Value, i int) (float64, error) {
	x, ok := args[i].ToNumber()
	if !ok {
		return 0, vm.TypeArgError(fn, i+1, "a number", args[i])
	}
	return x, nil
}

func OneNum(fn string, args []vm.Value) (float64, error) {
	if err := vm.CheckArgs(fn, args, 1, 1); err != nil {
		return 0, err
	}
	return Num(fn, args, 0)
}
