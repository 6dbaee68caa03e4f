package vm

import (
	"fmt"
	"reflect"
)

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
// destination of an optional parameter not given keeps its value. A name
// ending in "??" is optional too, and a nil given for it counts as not given
// (an options map that may be nil). A wrong number of arguments is the error
// ArgError gives, a wrong type the one TypeArgError gives, naming fn, the
// position and what was expected ("or nil" added for a "??" parameter):
//
//	*string   a string
//	*int64    an int (so does *int)
//	*float64  a number: an int or a float
//	*bool     a bool
//	*List     a list (**List stores the list itself)
//	*Map      a map (**Map)
//	*Value    anything
//	Callable  a function (a closure or a native): *Callable
//	*[]Value  the rest of the arguments, for a last parameter named "*name"
//	          (*[]float64: numbers, *[]int64: ints, each checked)
//
// Want(words, dst) stores as dst does and names what the argument is in
// words of its own ("a host string"); Check(words, accept) has accept read
// the argument (a host object of a type of its own) and names it so when
// accept says no.
//
// A mistake of the caller (an odd list, a pointer of another type) panics:
// it is a bug in the native function, not an error of the script.
func UnpackArgs(fn string, args []Value, pairs ...any) error {
	// One pass over the parameters, reading each name once: the count is
	// checked in full (countError) only when an argument is missing, left
	// over or of the wrong type, so that a wrong count is reported first.
	if len(pairs)%2 != 0 {
		panic("vm.UnpackArgs: odd number of name/pointer arguments")
	}
	n := len(pairs) / 2
	if len(args) > n && (n == 0 || !isRest(pairs[2*n-2])) {
		return countError(fn, args, pairs)
	}
	optional := false
	for i := 0; i < n; i++ {
		name, ok := pairs[2*i].(string)
		if !ok {
			panic(fmt.Sprintf("vm.UnpackArgs: parameter %d has no name", i+1))
		}
		if len(name) > 0 && name[0] == '*' {
			if i != n-1 {
				panic(fmt.Sprintf("vm.UnpackArgs: %s() parameter %d: a *rest parameter must be the last", fn, i+1))
			}
			if i > len(args) {
				return countError(fn, args, pairs)
			}
			return unpackRest(fn, i, args[i:], pairs[2*i+1])
		}
		q := len(name) > 0 && name[len(name)-1] == '?'
		optional = optional || q
		if i >= len(args) {
			if !optional {
				return countError(fn, args, pairs)
			}
			continue // the names after it may still hold a misplaced *rest
		}
		a := args[i]
		if a.k == KNil && q && len(name) > 1 && name[len(name)-2] == '?' {
			continue
		}
		// The commonest destinations here, the others in unpackOne.
		want := ""
		switch p := pairs[2*i+1].(type) {
		case *string:
			if a.k == KStr {
				*p = a.AsStr()
			} else {
				want = "a string"
			}
		case *int64:
			if a.k == KInt {
				*p = a.AsInt()
			} else {
				want = "an int"
			}
		case *int:
			if a.k == KInt {
				*p = int(a.AsInt())
			} else {
				want = "an int"
			}
		case *Value:
			*p = a
		default:
			want = unpackOne(fn, i+1, a, p)
		}
		if want != "" {
			if err := countError(fn, args, pairs); err != nil {
				return err
			}
			if q && len(name) > 1 && name[len(name)-2] == '?' {
				want += " or nil"
			}
			return TypeArgError(fn, i+1, want, a)
		}
	}
	return nil
}

// isRest says whether name is the name of a *rest parameter.
func isRest(name any) bool {
	s, ok := name.(string)
	return ok && len(s) > 0 && s[0] == '*'
}

// countError is the error of a wrong number of arguments, nil when their
// number is right.
func countError(fn string, args []Value, pairs []any) error {
	n := len(pairs) / 2
	min, max := n, n
	for i := 0; i < n; i++ {
		name, _ := pairs[2*i].(string)
		if len(name) > 0 && name[len(name)-1] == '?' && min == n {
			min = i
		}
		if len(name) > 0 && name[0] == '*' {
			if min == n {
				min = i
			}
			max = -1
		}
	}
	if len(args) < min || (max >= 0 && len(args) > max) {
		return ArgError(fn, min, max, len(args))
	}
	return nil
}

// Callable is a function value a native function may call: a closure or a
// native.
type Callable struct{ Value }

// unpackRest stores the arguments from position i+1 on in dst.
func unpackRest(fn string, i int, rest []Value, dst any) error {
	switch p := dst.(type) {
	case *[]Value:
		*p = rest
	case *[]float64:
		xs := make([]float64, len(rest))
		for j, a := range rest {
			x, ok := a.ToNumber()
			if !ok {
				return TypeArgError(fn, i+j+1, "a number", a)
			}
			xs[j] = x
		}
		*p = xs
	case *[]int64:
		ns := make([]int64, len(rest))
		for j, a := range rest {
			if a.k != KInt {
				return TypeArgError(fn, i+j+1, "an int", a)
			}
			ns[j] = a.AsInt()
		}
		*p = ns
	default:
		panic(fmt.Sprintf("vm.UnpackArgs: %s() parameter %d: the rest goes in a *[]Value, *[]float64 or *[]int64", fn, i+1))
	}
	return nil
}

// wanted is Want's destination.
type wanted struct {
	words string
	dst   any
}

// Want is dst for UnpackArgs with the words a type error names the argument
// with: UnpackArgs(fn, args, "host", Want("a host string", &host)).
func Want(words string, dst any) any { return &wanted{words, dst} }

// checked is Check's destination.
type checked struct {
	words  string
	accept func(Value) bool
}

// Check is a destination for UnpackArgs that has accept read the argument;
// when accept gives false, the argument is a type error naming it in words:
//
//	var c *conn
//	UnpackArgs(fn, args, "conn", Check("a conn", func(v Value) bool { c, ok = asConn(v); return ok }))
func Check(words string, accept func(Value) bool) any { return &checked{words, accept} }

// unpackOne stores argument a (at position pos) in dst, or gives the words
// for what it wanted.
func unpackOne(fn string, pos int, a Value, dst any) string {
	switch p := dst.(type) {
	case *Value:
		*p = a
	case *string:
		if a.k != KStr {
			return "a string"
		}
		*p = a.AsStr()
	case *int64:
		if a.k != KInt {
			return "an int"
		}
		*p = a.AsInt()
	case *int:
		if a.k != KInt {
			return "an int"
		}
		*p = int(a.AsInt())
	case *float64:
		x, ok := a.ToNumber()
		if !ok {
			return "a number"
		}
		*p = x
	case *bool:
		if a.k != KBool {
			return "a bool"
		}
		*p = a.AsBool()
	case **List:
		if a.k != KList {
			return "a list"
		}
		*p = a.AsList()
	case **Map:
		if a.k != KMap {
			return "a map"
		}
		*p = a.AsMap()
	case *Callable:
		if a.k != KFunc && a.k != KNative {
			return "a function"
		}
		p.Value = a
	case *wanted:
		if unpackOne(fn, pos, a, p.dst) != "" {
			return p.words
		}
	case *checked:
		if !p.accept(a) {
			return p.words
		}
	default:
		// reflect.TypeOf, unlike fmt's %T, does not make dst escape: the
		// destinations of a call stay on its caller's stack.
		panic(fmt.Sprintf("vm.UnpackArgs: %s() parameter %d: cannot store in %s", fn, pos, reflect.TypeOf(dst)))
	}
	return ""
}
