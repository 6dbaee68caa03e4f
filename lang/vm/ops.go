package vm

import (
	"math"
	"slices"
	"strings"
	"unsafe"

	"github.com/yieldscript/yieldscript/lang/compile"
)

// maxRepeat bounds the bytes of the result of string and list repetition, which
// is allocated at once, before any allocation limit could see it.
const maxRepeat = 1 << 28

var opVerbs = map[compile.Op]string{
	compile.ADD: "add", compile.SUB: "subtract", compile.MUL: "multiply", compile.DIV: "divide",
	compile.FLOORDIV: "floor-divide", compile.MOD: "take the remainder of", compile.POW: "exponentiate",
}

func opError(op compile.Op, a, b Value) *Error {
	return Errorf(KindType, "cannot %s %s and %s", opVerbs[op], a.TypeName(), b.TypeName())
}

// Arith applies a binary arithmetic operator (ADD, SUB, MUL, DIV, FLOORDIV,
// MOD, POW). It is the one slow path of arithmetic: the dispatch loop's own
// cases cover only int and float operands it can finish inline, and constant
// folding calls Arith, so a folded constant is what the VM would compute.
func Arith(op compile.Op, a, b Value) (Value, error) { return arith(nil, op, a, b) }

// arith is Arith run by task t, whose interrupt and budget long repetitions
// poll (t may be nil).
func arith(t *Task, op compile.Op, a, b Value) (Value, error) {
	if a.k == KInt && b.k == KInt {
		x, y := int64(a.n), int64(b.n)
		switch op {
		case compile.ADD:
			return Int(x + y), nil
		case compile.SUB:
			return Int(x - y), nil
		case compile.MUL:
			return Int(x * y), nil
		case compile.DIV:
			if y == 0 {
				return Nil, NewError(KindZeroDivision, "division by zero")
			}
			return Float(trueDiv(x, y)), nil
		case compile.FLOORDIV:
			if y == 0 {
				return Nil, NewError(KindZeroDivision, "integer division by zero")
			}
			return Int(floorDiv(x, y)), nil
		case compile.MOD:
			if y == 0 {
				return Nil, NewError(KindZeroDivision, "integer modulo by zero")
			}
			return Int(floorMod(x, y)), nil
		case compile.POW:
			if y >= 0 {
				return Int(intPow(x, y)), nil
			}
		}
	}
	if x, ok := a.ToNumber(); ok {
		if y, ok := b.ToNumber(); ok {
			return floatArith(op, x, y)
		}
	}
	switch op {
	case compile.ADD:
		if a.k == KStr && b.k == KStr {
			return Str(a.AsStr() + b.AsStr()), nil
		}
		if a.k == KList && b.k == KList {
			return ListValue(concatLists(a.AsList(), b.AsList())), nil
		}
	case compile.MUL:
		if a.k == KInt && (b.k == KStr || b.k == KList) {
			a, b = b, a
		}
		if b.k == KInt {
			n := int64(b.n)
			if n < 0 {
				n = 0
			}
			switch a.k {
			case KStr:
				if n > 0 && int64(a.n) > maxRepeat/n {
					return Nil, NewError(KindLimit, "repeated string too large")
				}
				return repeatString(t, a.AsStr(), n)
			case KList:
				l := a.AsList()
				if n > 0 && int64(l.n)*int64(valueSize) > maxRepeat/n {
					return Nil, NewError(KindLimit, "repeated list too large")
				}
				return repeatList(t, l, n)
			}
		}
	}
	return Nil, opError(op, a, b)
}

// repeatString is s * n (n >= 0, the result within maxRepeat), built by
// doubling in chunks with a poll between them.
func repeatString(t *Task, s string, n int64) (Value, error) {
	total := len(s) * int(n)
	if total == 0 {
		return Str(""), nil
	}
	var b strings.Builder
	b.Grow(total)
	b.WriteString(s)
	for b.Len() < total {
		done := b.String()
		chunk := done[:min(len(done), total-len(done), pollWork*int(valueSize))]
		if e := t.poll(len(chunk) / int(valueSize)); e != nil {
			return Nil, e
		}
		b.WriteString(chunk)
	}
	return Str(b.String()), nil
}

// repeatList is a list of items repeated n times (n >= 0, the result within
// maxRepeat), built by doubling in chunks with a poll between them. An empty
// list repeated is empty at once, whatever n.
func repeatList(t *Task, l *List, n int64) (Value, error) {
	if l.form != formValues {
		out, err := repeatItems(t, l.words(), n)
		if err != nil {
			return Nil, err
		}
		return ListValue(newPacked(l.form, out)), nil
	}
	out, err := repeatItems(t, l.vals(), n)
	if err != nil {
		return Nil, err
	}
	return NewList(out), nil
}

// repeatItems is items repeated n times, copied by doubling in chunks with a
// poll between them.
func repeatItems[T any](t *Task, items []T, n int64) ([]T, error) {
	total := len(items) * int(n)
	out := make([]T, total)
	if total == 0 {
		return out, nil
	}
	done := copy(out, items)
	for done < total {
		chunk := min(done, pollWork)
		if e := t.poll(chunk); e != nil {
			return nil, e
		}
		done += copy(out[done:], out[:chunk])
	}
	return out, nil
}

// concatLists is x + y: packed when both are packed of one kind.
func concatLists(x, y *List) *List {
	k := formValues
	switch {
	case x.form == y.form:
		k = x.form
	case x.n == 0:
		k = y.form
	case y.n == 0:
		k = x.form
	}
	if k != formValues {
		out := make([]uint64, 0, x.n+y.n)
		return newPacked(k, append(append(out, x.words()...), y.words()...))
	}
	out := make([]Value, 0, x.n+y.n)
	for _, l := range [2]*List{x, y} {
		if l.form == formValues {
			out = append(out, l.vals()...)
		} else {
			for _, w := range l.words() {
				out = append(out, Value{k: l.form, n: w})
			}
		}
	}
	return newList(out)
}

func floatArith(op compile.Op, x, y float64) (Value, error) {
	switch op {
	case compile.ADD:
		return Float(x + y), nil
	case compile.SUB:
		return Float(x - y), nil
	case compile.MUL:
		return Float(x * y), nil
	case compile.DIV:
		if y == 0 {
			return Nil, NewError(KindZeroDivision, "float division by zero")
		}
		return Float(x / y), nil
	case compile.FLOORDIV:
		if y == 0 {
			return Nil, NewError(KindZeroDivision, "float floor division by zero")
		}
		return Float(pyFloorDiv(x, y)), nil
	case compile.MOD:
		if y == 0 {
			return Nil, NewError(KindZeroDivision, "float modulo by zero")
		}
		return Float(pyFmod(x, y)), nil
	case compile.POW:
		r, e := floatPow(x, y)
		switch e {
		case powOK:
			return Float(r), nil
		case powZeroDivision:
			return Nil, NewError(KindZeroDivision, e.Message())
		}
		return Nil, NewError(KindValue, e.Message())
	}
	return Nil, NewError(KindType, "bad arithmetic operator")
}

// pyFloorDiv is x // y as Python computes it: from the remainder, so that
// (x // y) * y + x % y is x even where floor(x / y) rounds the other way
// (2.5 // 0.1 is 24.0, not 25.0).
func pyFloorDiv(x, y float64) float64 {
	mod := math.Mod(x, y)
	div := (x - mod) / y
	if mod != 0 && (y < 0) != (mod < 0) {
		div -= 1
	}
	if div == 0 {
		return math.Copysign(0, x/y)
	}
	f := math.Floor(div)
	if div-f > 0.5 {
		f++
	}
	return f
}

// pyFmod is x % y with the sign of y, as Python computes it.
func pyFmod(x, y float64) float64 {
	r := math.Mod(x, y)
	if r != 0 {
		if (r < 0) != (y < 0) {
			r += y
		}
	} else {
		r = math.Copysign(0, y)
	}
	return r
}

// Unary applies a unary operator (NEG, NOT), as the dispatch loop's slow path
// does and as constant folding does through it.
func Unary(op compile.Op, v Value) (Value, error) {
	switch op {
	case compile.NEG:
		switch v.k {
		case KInt:
			return Int(-int64(v.n)), nil
		case KFloat:
			return Float(-v.AsFloat()), nil
		}
		return Nil, Errorf(KindType, "cannot negate %s", v.TypeName())
	case compile.NOT:
		return Bool(!v.Truthy()), nil
	}
	return Nil, NewError(KindType, "bad unary operator")
}

// maxCompareDepth bounds the recursion of structural comparison.
const maxCompareDepth = 1000

// Equal is ==: numbers by value, strings bytewise, lists and maps structurally,
// everything else by identity.
func Equal(a, b Value) (bool, error) {
	if a.k == b.k && (a.k == KList || a.k == KMap) {
		var ps pairSet
		return equal(a, b, 0, &ps)
	}
	return equal(a, b, 0, nil)
}

// pairSet records container pairs being or already compared, so that
// comparing structures that share parts (or contain themselves) takes time
// linear in their size instead of exponential.
type pairSet map[[2]unsafe.Pointer]struct{}

// memoDepth is the depth from which equal starts recording pairs.
const memoDepth = 8

// seen reports whether the pair was met before, and records it.
func (ps *pairSet) seen(a, b unsafe.Pointer, depth int) bool {
	if depth < memoDepth || ps == nil {
		return false
	}
	if *ps == nil {
		*ps = pairSet{}
	}
	k := [2]unsafe.Pointer{a, b}
	if _, ok := (*ps)[k]; ok {
		return true // equal so far: a difference would already have ended the comparison
	}
	(*ps)[k] = struct{}{}
	return false
}

func equal(a, b Value, depth int, ps *pairSet) (bool, error) {
	if a.k == b.k {
		switch a.k {
		case KNil:
			return true, nil
		case KBool, KInt:
			return a.n == b.n, nil
		case KFloat:
			return a.AsFloat() == b.AsFloat(), nil
		case KStr:
			return a.n == b.n && (a.p == b.p || a.AsStr() == b.AsStr()), nil
		case KList:
			if a.p == b.p {
				return true, nil
			}
			if depth > maxCompareDepth {
				return false, NewError(KindValue, "comparison too deep (a container that contains itself?)")
			}
			x, y := a.AsList(), b.AsList()
			if x.n != y.n {
				return false, nil
			}
			if x.form == y.form && x.form != formValues && x.form != KFloat {
				return slices.Equal(x.words(), y.words()), nil // NaN != NaN: not floats
			}
			if ps.seen(a.p, b.p, depth) {
				return true, nil
			}
			for i := 0; i < x.n && i < y.n; i++ {
				eq, err := equal(x.At(i), y.At(i), depth+1, ps)
				if err != nil || !eq {
					return false, err
				}
			}
			return true, nil
		case KMap:
			if a.p == b.p {
				return true, nil
			}
			if depth > maxCompareDepth {
				return false, NewError(KindValue, "comparison too deep (a container that contains itself?)")
			}
			x, y := a.AsMap(), b.AsMap()
			if x.Len() != y.Len() {
				return false, nil
			}
			if ps.seen(a.p, b.p, depth) {
				return true, nil
			}
			for i := 0; i < x.Slots(); i++ {
				k, v, ok := x.Entry(i)
				if !ok {
					continue
				}
				w, found, _ := y.Get(k)
				if !found {
					return false, nil
				}
				eq, err := equal(v, w, depth+1, ps)
				if err != nil || !eq {
					return false, err
				}
			}
			return true, nil
		case KRange:
			return a.asRange().Equal(b.asRange()), nil
		}
		return a.Same(b), nil
	}
	if a.k == KInt && b.k == KFloat || a.k == KFloat && b.k == KInt {
		c, ok, _ := compareIntFloat(a, b)
		return ok && c == 0, nil
	}
	return false, nil
}

// Compare orders a and b: -1, 0 or 1. Numbers, strings and lists are ordered;
// anything else throws kind type. A NaN compares as unordered: ok is false.
func Compare(a, b Value) (c int, ok bool, err error) { return compare(a, b, 0) }

func compare(a, b Value, depth int) (int, bool, error) {
	if a.k == KInt && b.k == KInt {
		x, y := int64(a.n), int64(b.n)
		switch {
		case x < y:
			return -1, true, nil
		case x > y:
			return 1, true, nil
		}
		return 0, true, nil
	}
	if x, ok := a.ToNumber(); ok {
		if y, ok := b.ToNumber(); ok {
			if a.k == KInt && b.k == KFloat || a.k == KFloat && b.k == KInt {
				return compareIntFloat(a, b)
			}
			switch {
			case x < y:
				return -1, true, nil
			case x > y:
				return 1, true, nil
			case x == y:
				return 0, true, nil
			}
			return 0, false, nil
		}
	}
	if a.k == KStr && b.k == KStr {
		return strings.Compare(a.AsStr(), b.AsStr()), true, nil
	}
	if a.k == KList && b.k == KList {
		if depth > maxCompareDepth {
			return 0, false, NewError(KindValue, "comparison too deep (a list that contains itself?)")
		}
		x, y := a.AsList(), b.AsList()
		for i := 0; i < x.n && i < y.n; i++ {
			xi, yi := x.At(i), y.At(i)
			eq, err := Equal(xi, yi)
			if err != nil {
				return 0, false, err
			}
			if !eq {
				return compare(xi, yi, depth+1)
			}
		}
		switch {
		case x.n < y.n:
			return -1, true, nil
		case x.n > y.n:
			return 1, true, nil
		}
		return 0, true, nil
	}
	return 0, false, Errorf(KindType, "cannot compare %s and %s", a.TypeName(), b.TypeName())
}

// compareIntFloat compares an int with a float exactly (no rounding of big ints).
func compareIntFloat(a, b Value) (int, bool, error) {
	sign := 1
	if a.k == KFloat {
		a, b = b, a
		sign = -1
	}
	i, f := int64(a.n), b.AsFloat()
	if math.IsNaN(f) {
		return 0, false, nil
	}
	var c int
	switch {
	case f >= 9.223372036854775808e18:
		c = -1
	case f < -9.223372036854775808e18:
		c = 1
	default:
		t := math.Trunc(f)
		ti := int64(t)
		switch {
		case i < ti:
			c = -1
		case i > ti:
			c = 1
		case f > t:
			c = -1
		case f < t:
			c = 1
		}
	}
	return c * sign, true, nil
}

// Contains is `x in y`.
func Contains(x, y Value) (bool, error) {
	switch y.k {
	case KList:
		l := y.AsList()
		if l.form != formValues && x.k == l.form && l.form != KFloat {
			return slices.Contains(l.words(), x.n), nil // NaN != NaN: not floats
		}
		for i := 0; i < l.n; i++ {
			eq, err := Equal(x, l.At(i))
			if err != nil {
				return false, err
			}
			if eq {
				return true, nil
			}
		}
		return false, nil
	case KMap:
		_, ok, err := y.AsMap().Get(x)
		return ok, err
	case KStr:
		if x.k != KStr {
			return false, Errorf(KindType, "cannot look for %s in a string (need a string)", x.TypeName())
		}
		return strings.Contains(y.AsStr(), x.AsStr()), nil
	case KRange:
		if x.k != KInt {
			if f, ok := x.ToNumber(); ok && f == math.Trunc(f) {
				x = Int(int64(f))
			} else {
				return false, nil
			}
		}
		return y.asRange().Contains(int64(x.n)), nil
	}
	return false, Errorf(KindType, "cannot use 'in' on %s", y.TypeName())
}

// normIndex turns a possibly negative index into a position in [0, n).
func normIndex(iv Value, n int, what string) (int, error) {
	if iv.k != KInt {
		if iv.k == KBool || iv.k == KFloat {
			return 0, Errorf(KindType, "%s index must be an int, not %s", what, iv.TypeName())
		}
		return 0, Errorf(KindType, "%s index must be an int, not %s", what, iv.TypeName())
	}
	i := int64(iv.n)
	if i < 0 {
		i += int64(n)
	}
	if i < 0 || i >= int64(n) {
		return 0, Errorf(KindIndex, "%s index %d out of range (length %d)", what, int64(iv.n), n)
	}
	return int(i), nil
}

// GetIndex is x[i].
func GetIndex(x, i Value) (Value, error) {
	switch x.k {
	case KList:
		l := x.AsList()
		j, err := normIndex(i, l.n, "list")
		if err != nil {
			return Nil, err
		}
		return l.At(j), nil
	case KMap:
		v, _, err := x.AsMap().Get(i)
		return v, err
	case KStr:
		s := x.AsStr()
		j, err := normIndex(i, len(s), "string")
		if err != nil {
			return Nil, err
		}
		return Str(s[j : j+1]), nil
	case KRange:
		r := x.asRange()
		if i.k != KInt {
			return Nil, Errorf(KindType, "range index must be an int, not %s", i.TypeName())
		}
		n, j := r.Len(), uint64(i.n)
		if int64(j) < 0 {
			j += n // wraps to a huge number when -j > n
		}
		if j >= n {
			return Nil, Errorf(KindIndex, "range index %d out of range (length %d)", int64(i.n), n)
		}
		return Int(r.At(j)), nil
	}
	return Nil, Errorf(KindType, "cannot index %s", x.TypeName())
}

// SetIndex is x[i] = v.
func SetIndex(x, i, v Value) error {
	switch x.k {
	case KList:
		l := x.AsList()
		j, err := normIndex(i, l.n, "list")
		if err != nil {
			return err
		}
		l.Set(j, v)
		return nil
	case KMap:
		return x.AsMap().Set(i, v)
	case KStr:
		return NewError(KindType, "strings are immutable: cannot assign to a string index")
	}
	return Errorf(KindType, "cannot assign to an index of %s", x.TypeName())
}

func sliceBound(v Value, n int, dflt int) (int, error) {
	if v.k == KNil || v.k == kUndef {
		return dflt, nil
	}
	if v.k != KInt {
		return 0, Errorf(KindType, "slice bound must be an int, not %s", v.TypeName())
	}
	i := int64(v.n)
	if i < 0 {
		i += int64(n)
		if i < 0 {
			i = 0
		}
	}
	if i > int64(n) {
		i = int64(n)
	}
	return int(i), nil
}

// sliceLen is the length of x, a list or a string, for slicing.
func sliceLen(x Value) (int, error) {
	switch x.k {
	case KList:
		return x.AsList().n, nil
	case KStr:
		return int(x.n), nil
	}
	return 0, Errorf(KindType, "cannot slice %s", x.TypeName())
}

// Slice is x[lo:hi]; a missing bound is undef or nil.
func Slice(x, lo, hi Value) (Value, error) {
	n, err := sliceLen(x)
	if err != nil {
		return Nil, err
	}
	i, err := sliceBound(lo, n, 0)
	if err != nil {
		return Nil, err
	}
	j, err := sliceBound(hi, n, n)
	if err != nil {
		return Nil, err
	}
	if j < i {
		j = i
	}
	if x.k == KStr {
		return Str(x.AsStr()[i:j]), nil
	}
	return ListValue(x.AsList().sub(i, j)), nil
}

// Len is len(v).
func Len(v Value) (int, error) {
	switch v.k {
	case KStr:
		return int(v.n), nil
	case KList:
		return v.AsList().n, nil
	case KMap:
		return v.AsMap().Len(), nil
	case KRange:
		n := v.asRange().Len()
		if n > math.MaxInt64 {
			return 0, Errorf(KindValue, "len() of a range of %d numbers does not fit in an int", n)
		}
		return int(n), nil
	case KObject:
		if l, ok := v.AsObject().(Lener); ok {
			return l.Len(), nil
		}
	}
	return 0, Errorf(KindType, "%s has no length", v.TypeName())
}
