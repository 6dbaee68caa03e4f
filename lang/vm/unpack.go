package vm

import "fmt"

// UnpackArgs checks the arguments of the native function fn and stores them.
// After args come pairs of a parameter name and a pointer to store the
// argument in:
//
//	var host string
//	var port int64
//	var opts Value
//	err := UnpackArgs("net.listen", args, "host", &host, "port", &port, "opts?", &opts)
//
// A name ending in "?" marks that parameter and the ones after it optional; a
// destination of an optional parameter not given keeps its value. A wrong
// number of arguments is the error ArgError gives, a wrong type the one
// TypeArgError gives, naming fn, the position and what was expected:
//
//	*string   a string
//	*int64    an int (so does *int)
//	*float64  a number: an int or a float
//	*bool     a bool
//	*List     a list (**List stores the list itself)
//	*Map      a map (**Map)
//	*Value    anything
//	Callable  a function (a closure or a native): *Callable
//
// A mistake of the caller (an odd list, a pointer of another type) panics:
// it is a bug in the native function, not an error of the script.
func UnpackArgs(fn string, args []Value, pairs ...any) error {
	if len(pairs)%2 != 0 {
		panic("vm.UnpackArgs: odd number of name/pointer arguments")
	}
	n := len(pairs) / 2
	min := n
	for i := 0; i < n; i++ {
		name, ok := pairs[2*i].(string)
		if !ok {
			panic(fmt.Sprintf("vm.UnpackArgs: parameter %d has no name", i+1))
		}
		if len(name) > 0 && name[len(name)-1] == '?' && min == n {
			min = i
		}
	}
	if len(args) < min || len(args) > n {
		return ArgError(fn, min, n, len(args))
	}
	for i, a := range args {
		if err := unpackOne(fn, i+1, a, pairs[2*i+1]); err != nil {
			return err
		}
	}
	return nil
}

// Callable is a function value a native function may call: a closure or a
// native.
type Callable struct{ Value }

// unpackOne stores argument a (at position pos) in dst.
func unpackOne(fn string, pos int, a Value, dst any) error {
	switch p := dst.(type) {
	case *Value:
		*p = a
	case *string:
		if a.k != KStr {
			return TypeArgError(fn, pos, "a string", a)
		}
		*p = a.AsStr()
	case *int64:
		if a.k != KInt {
			return TypeArgError(fn, pos, "an int", a)
		}
		*p = a.AsInt()
	case *int:
		if a.k != KInt {
			return TypeArgError(fn, pos, "an int", a)
		}
		*p = int(a.AsInt())
	case *float64:
		x, ok := a.ToNumber()
		if !ok {
			return TypeArgError(fn, pos, "a number", a)
		}
		*p = x
	case *bool:
		if a.k != KBool {
			return TypeArgError(fn, pos, "a bool", a)
		}
		*p = a.AsBool()
	case **List:
		if a.k != KList {
			return TypeArgError(fn, pos, "a list", a)
		}
		*p = a.AsList()
	case **Map:
		if a.k != KMap {
			return TypeArgError(fn, pos, "a map", a)
		}
		*p = a.AsMap()
	case *Callable:
		if a.k != KFunc && a.k != KNative {
			return TypeArgError(fn, pos, "a function", a)
		}
		p.Value = a
	default:
		panic(fmt.Sprintf("vm.UnpackArgs: %s() parameter %d: cannot store in %T", fn, pos, dst))
	}
	return nil
}
