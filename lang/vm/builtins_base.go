package vm

import (
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yieldscript/yieldscript/lang/compile"
)

// The base library's builtins (abs, round, min, max, sum, sorted, ...): each
// as Python's, on YieldScript's values.
func registerBaseBuiltins(m *Machine) {
	def := func(name string, fn NativeFunc) { m.SetBuiltin(name, NewNative(name, fn)) }
	def("abs", builtinAbs)
	def("round", builtinRound)
	def("min", func(t *Task, args []Value) (Value, error) { return minMax("min", args, -1) })
	def("max", func(t *Task, args []Value) (Value, error) { return minMax("max", args, 1) })
	def("sum", builtinSum)
	def("sorted", builtinSorted)
	def("reversed", builtinReversed)
	def("zip", builtinZip)
	def("enumerate", builtinEnumerate)
	def("items", builtinItems)
	def("copy", builtinCopy)
	def("ord", builtinOrd)
	def("chr", builtinChr)
	def("hex", func(t *Task, args []Value) (Value, error) { return intToBase("hex", args, 16, "0x") })
	def("oct", func(t *Task, args []Value) (Value, error) { return intToBase("oct", args, 8, "0o") })
	def("bin", func(t *Task, args []Value) (Value, error) { return intToBase("bin", args, 2, "0b") })
	def("repr", func(t *Task, args []Value) (Value, error) {
		if err := CheckArgs("repr", args, 1, 1); err != nil {
			return Nil, err
		}
		r := Str(Repr(args[0]))
		if e := t.chargeValue(r); e != nil {
			return Nil, e
		}
		return r, nil
	})
}

func builtinAbs(t *Task, args []Value) (Value, error) {
	if err := CheckArgs("abs", args, 1, 1); err != nil {
		return Nil, err
	}
	switch v := args[0]; v.k {
	case KInt:
		if i := v.AsInt(); i < 0 {
			return Int(-i), nil // wraps for the smallest int, as -x does
		}
		return v, nil
	case KFloat:
		return Float(math.Abs(v.AsFloat())), nil
	}
	return Nil, TypeArgError("abs", 1, "a number", args[0])
}

// builtinRound is round(x, ndigits = nil): halves to even; without ndigits
// (or with nil) an int, with ndigits a value of x's type, as Python's round.
func builtinRound(t *Task, args []Value) (Value, error) {
	if err := CheckArgs("round", args, 1, 2); err != nil {
		return Nil, err
	}
	x := args[0]
	if x.k != KInt && x.k != KFloat {
		return Nil, TypeArgError("round", 1, "a number", x)
	}
	if len(args) == 1 || args[1].k == KNil {
		if x.k == KInt {
			return x, nil
		}
		f := x.AsFloat()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return Nil, Errorf(KindValue, "cannot round %s to an int", FormatFloat(f))
		}
		r := math.RoundToEven(f)
		if r >= 9.223372036854775808e18 || r < -9.223372036854775808e18 {
			return Nil, Errorf(KindValue, "%s is too large for an int", FormatFloat(f))
		}
		return Int(int64(r)), nil
	}
	if args[1].k != KInt {
		return Nil, TypeArgError("round", 2, "an int or nil", args[1])
	}
	nd := args[1].AsInt()
	if x.k == KInt {
		r, ok := roundInt(x.AsInt(), nd)
		if !ok {
			return Nil, Errorf(KindValue, "round(%d, %d) is too large for an int", x.AsInt(), nd)
		}
		return Int(r), nil
	}
	return roundFloat(x.AsFloat(), nd)
}

// roundInt rounds i to a multiple of 10**-nd (nd < 0), halves to even; ok
// is false when the result is beyond the int range.
func roundInt(i, nd int64) (r int64, ok bool) {
	if nd >= 0 {
		return i, true
	}
	if nd < -19 {
		return 0, true
	}
	p := uint64(1)
	for range -nd {
		p *= 10
	}
	neg := i < 0
	u := uint64(i)
	if neg {
		u = -u
	}
	q, rem := u/p, u%p
	if rem > p/2 || rem == p/2 && q%2 == 1 {
		q++
	}
	if q > math.MaxUint64/p {
		return 0, false
	}
	v := q * p
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return int64(-v), true
	}
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}

// roundFloat is Python's round(x, nd) for a float: x rounded, from its exact
// binary value, to nd decimal places (nd < 0: to tens, hundreds, ...), halves
// to even, and read back as the nearest float.
func roundFloat(x float64, nd int64) (Value, error) {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 || nd > 330 {
		return Float(x), nil
	}
	if nd < -330 {
		return Float(math.Copysign(0, x)), nil
	}
	// Every float64 has a finite decimal expansion of at most 1074 places.
	exact := new(big.Float).SetFloat64(math.Abs(x)).Text('f', 1100)
	dot := strings.IndexByte(exact, '.')
	digits := exact[:dot] + exact[dot+1:]
	// Keep the first dot+nd digits; the rest decide the rounding.
	keep := dot + int(nd)
	var kept []byte
	if keep > 0 {
		kept = []byte(digits[:keep])
	}
	var rest string
	if keep >= 0 {
		rest = digits[keep:]
	} else {
		rest = strings.Repeat("0", -keep) + digits
	}
	up := false
	if rest != "" {
		switch {
		case rest[0] > '5':
			up = true
		case rest[0] == '5':
			if strings.TrimRight(rest[1:], "0") != "" {
				up = true
			} else {
				last := byte('0')
				if len(kept) > 0 {
					last = kept[len(kept)-1]
				}
				up = (last-'0')%2 == 1
			}
		}
	}
	if up {
		i := len(kept) - 1
		for ; i >= 0 && kept[i] == '9'; i-- {
			kept[i] = '0'
		}
		if i >= 0 {
			kept[i]++
		} else {
			kept = append([]byte{'1'}, kept...)
		}
	}
	text := "0"
	if len(kept) > 0 {
		text = string(kept)
	}
	text += "e" + strconv.FormatInt(-nd, 10)
	if x < 0 {
		text = "-" + text
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return Nil, NewError(KindValue, "rounded value too large to represent")
	}
	return Float(f), nil
}

// listArg is argument i as the items of a list (a range gives its numbers).
func listArg(fn string, args []Value, i int) ([]Value, error) {
	switch v := args[i]; v.k {
	case KList:
		return v.AsList().Snapshot(), nil
	case KRange:
		r := v.asRange()
		n := r.Len()
		if n > 1<<26 {
			return nil, Errorf(KindValue, "%s() of a range of %d numbers is too long", fn, n)
		}
		out := make([]Value, n)
		for j := range out {
			out[j] = Int(r.At(uint64(j)))
		}
		return out, nil
	}
	return nil, TypeArgError(fn, i+1, "a list", args[i])
}

// minMax is min (dir -1) or max (dir 1): of its arguments, or of the items of
// one list argument. The first of equal items wins, as in Python.
func minMax(name string, args []Value, dir int) (Value, error) {
	if len(args) == 0 {
		return Nil, ArgError(name, 1, -1, 0)
	}
	items := args
	if len(args) == 1 {
		if l := args[0]; l.k == KList && l.AsList().n > 0 {
			// read in place: a packed list's items are not copied
			return bestOf(l.AsList().n, l.AsList().At, dir)
		}
		var err error
		if items, err = listArg(name, args, 0); err != nil {
			return Nil, err
		}
		if len(items) == 0 {
			return Nil, Errorf(KindValue, "%s() of an empty list", name)
		}
	}
	return bestOf(len(items), func(i int) Value { return items[i] }, dir)
}

// bestOf is minMax of the n items at(0) to at(n-1) (n > 0).
func bestOf(n int, at func(int) Value, dir int) (Value, error) {
	best := at(0)
	for i := 1; i < n; i++ {
		v := at(i)
		c, ok, err := Compare(v, best)
		if err != nil {
			return Nil, err
		}
		if ok && c == dir {
			best = v
		}
	}
	return best, nil
}

func builtinSum(t *Task, args []Value) (Value, error) {
	if err := CheckArgs("sum", args, 1, 2); err != nil {
		return Nil, err
	}
	var l *List
	if args[0].k == KList {
		l = args[0].AsList() // read in place: a packed list's items are not copied
	} else {
		items, err := listArg("sum", args, 0)
		if err != nil {
			return Nil, err
		}
		l = newList(items)
	}
	acc := Int(0)
	if len(args) == 2 {
		acc = args[1]
		if acc.k != KInt && acc.k != KFloat {
			return Nil, TypeArgError("sum", 2, "a number", acc)
		}
	}
	for i := 0; i < l.n; i++ {
		v := l.At(i)
		switch {
		case v.k == KInt && acc.k == KInt:
			acc.n += v.n
		case v.k == KInt || v.k == KFloat:
			acc, _ = Arith(compile.ADD, acc, v)
		default:
			return Nil, Errorf(KindType, "sum() list item %d must be a number, not %s", i, v.TypeName())
		}
	}
	return acc, nil
}

func builtinSorted(t *Task, args []Value) (Value, error) {
	if err := CheckArgs("sorted", args, 1, 3); err != nil {
		return Nil, err
	}
	var l *List
	if args[0].k == KList {
		l = args[0].AsList().clone() // a packed list's copy stays packed
	} else {
		items, err := listArg("sorted", args, 0)
		if err != nil {
			return Nil, err
		}
		l = newList(items) // a range's numbers, made for this call
	}
	key, reverse, err := sortArgs("sorted", args[1:], 2)
	if err != nil {
		return Nil, err
	}
	return sortList(t, l, key, reverse, "sorted")
}

func builtinReversed(t *Task, args []Value) (Value, error) {
	if err := CheckArgs("reversed", args, 1, 1); err != nil {
		return Nil, err
	}
	if args[0].k == KList {
		l := args[0].AsList().clone() // a packed list's copy stays packed
		slices.Reverse(l.vals())
		slices.Reverse(l.words())
		return ListValue(l), nil
	}
	items, err := listArg("reversed", args, 0) // a range's numbers, made for this call
	if err != nil {
		return Nil, err
	}
	slices.Reverse(items)
	return NewList(items), nil
}

func builtinZip(t *Task, args []Value) (Value, error) {
	lists := make([][]Value, len(args))
	n := -1
	for i := range args {
		items, err := listArg("zip", args, i)
		if err != nil {
			return Nil, err
		}
		lists[i] = items
		if n < 0 || len(items) < n {
			n = len(items)
		}
	}
	out := make([]Value, max(n, 0))
	for j := range out {
		row := make([]Value, len(lists))
		for i, l := range lists {
			row[i] = l[j]
		}
		out[j] = NewList(row)
	}
	return NewList(out), nil
}

func builtinEnumerate(t *Task, args []Value) (Value, error) {
	if err := CheckArgs("enumerate", args, 1, 2); err != nil {
		return Nil, err
	}
	items, err := listArg("enumerate", args, 0)
	if err != nil {
		return Nil, err
	}
	start := int64(0)
	if len(args) == 2 {
		if args[1].k != KInt {
			return Nil, TypeArgError("enumerate", 2, "an int", args[1])
		}
		start = args[1].AsInt()
	}
	out := make([]Value, len(items))
	for i, v := range items {
		out[i] = NewList([]Value{Int(start + int64(i)), v})
	}
	return NewList(out), nil
}

func builtinItems(t *Task, args []Value) (Value, error) {
	if err := CheckArgs("items", args, 1, 1); err != nil {
		return Nil, err
	}
	if args[0].k != KMap {
		return Nil, TypeArgError("items", 1, "a map", args[0])
	}
	mp := args[0].AsMap()
	ks, vs := mp.Keys(), mp.Values()
	out := make([]Value, len(ks))
	for i := range ks {
		out[i] = NewList([]Value{ks[i], vs[i]})
	}
	return NewList(out), nil
}

func builtinCopy(t *Task, args []Value) (Value, error) {
	if err := CheckArgs("copy", args, 1, 1); err != nil {
		return Nil, err
	}
	switch v := args[0]; v.k {
	case KList:
		return ListValue(v.AsList().clone()), nil
	case KMap:
		mp := v.AsMap()
		ks, vs := mp.Keys(), mp.Values()
		out := NewMap(len(ks))
		for i := range ks {
			if err := out.Set(ks[i], vs[i]); err != nil {
				return Nil, err
			}
		}
		return MapValue(out), nil
	}
	return Nil, TypeArgError("copy", 1, "a list or a map", args[0])
}

// builtinOrd is ord(s): the code point of a string holding one UTF-8
// character, or the value of a string of one byte.
func builtinOrd(t *Task, args []Value) (Value, error) {
	if err := CheckArgs("ord", args, 1, 1); err != nil {
		return Nil, err
	}
	s, err := strArg("ord", args, 0)
	if err != nil {
		return Nil, err
	}
	if len(s) == 1 {
		return Int(int64(s[0])), nil
	}
	r, n := utf8.DecodeRuneInString(s)
	if s == "" || n != len(s) || r == utf8.RuneError && n <= 1 {
		return Nil, Errorf(KindValue, "ord() expected one character, but got a string of %d bytes", len(s))
	}
	return Int(int64(r)), nil
}

func builtinChr(t *Task, args []Value) (Value, error) {
	if err := CheckArgs("chr", args, 1, 1); err != nil {
		return Nil, err
	}
	if args[0].k != KInt {
		return Nil, TypeArgError("chr", 1, "an int", args[0])
	}
	n := args[0].AsInt()
	if n < 0 || n > utf8.MaxRune {
		return Nil, Errorf(KindValue, "chr() argument %d is not in range(0x110000)", n)
	}
	if n >= 0xD800 && n <= 0xDFFF {
		return Nil, Errorf(KindValue, "chr() argument %#x is a surrogate, which UTF-8 cannot encode", n)
	}
	return Str(string(rune(n))), nil
}

// intToBase is hex, oct and bin: the prefix, and a minus sign before it for
// a negative number, as Python's.
func intToBase(name string, args []Value, base int, prefix string) (Value, error) {
	if err := CheckArgs(name, args, 1, 1); err != nil {
		return Nil, err
	}
	if args[0].k != KInt {
		return Nil, TypeArgError(name, 1, "an int", args[0])
	}
	i := args[0].AsInt()
	if i < 0 {
		return Str("-" + prefix + strconv.FormatUint(-uint64(i), base)), nil
	}
	return Str(prefix + strconv.FormatUint(uint64(i), base)), nil
}

// parseIntBase parses s as Python's int(s, base) does: surrounding
// whitespace, a sign, for bases 2, 8 and 16 an optional 0b/0o/0x prefix (with
// base 0 the prefix chooses the base, and without one the number is decimal
// with no leading zeros), and single underscores between digits or after the
// prefix. ok is false for bad text; big is true when it is a good number that
// does not fit an int.
func parseIntBase(s string, base int) (v int64, ok, big bool) {
	s = strings.TrimSpace(asciiDigits(s))
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	prefixed := false
	if len(s) >= 2 && s[0] == '0' {
		p := s[1] | 0x20
		pb := map[byte]int{'x': 16, 'o': 8, 'b': 2}[p]
		if pb != 0 && (base == 0 || base == pb) {
			base, s, prefixed = pb, s[2:], true
		}
	}
	if base == 0 {
		base = 10
		if s != "" && s[0] == '0' && strings.Trim(s, "0_") != "" {
			return 0, false, false // leading zeros
		}
	}
	if s == "" || s[len(s)-1] == '_' || (!prefixed && s[0] == '_') || strings.Contains(s, "__") {
		return 0, false, false
	}
	var u uint64
	over := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d int
		switch {
		case c == '_':
			continue
		case c >= '0' && c <= '9':
			d = int(c - '0')
		case c|0x20 >= 'a' && c|0x20 <= 'z':
			d = int(c|0x20-'a') + 10
		default:
			return 0, false, false
		}
		if d >= base {
			return 0, false, false
		}
		if !over {
			hi, lo := mulAdd(u, uint64(base), uint64(d))
			if hi != 0 || lo > 1<<63 {
				over = true
			}
			u = lo
		}
	}
	if over || !neg && u == 1<<63 {
		return 0, true, true
	}
	if neg {
		return int64(-u), true, false
	}
	return int64(u), true, false
}

// asciiDigits turns the Unicode decimal digits of s (Arabic-Indic,
// fullwidth, ...) into ASCII ones, as Python's int() reads them; text that
// is all ASCII is returned as it is.
func asciiDigits(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		if r >= utf8.RuneSelf && unicode.IsDigit(r) {
			// Every run of decimal digits in Unicode is made of whole
			// sets 0-9: the value is the offset in the run, modulo 10.
			k := 0
			for unicode.IsDigit(r - rune(k) - 1) {
				k++
			}
			r = '0' + rune(k%10)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func mulAdd(u, b, d uint64) (hi, lo uint64) {
	if u > (math.MaxUint64-d)/b {
		return 1, 0
	}
	return 0, u*b + d
}
