package vm

import (
	"math"
	"strconv"
	"strings"
)

// ArgError reports a wrong number of arguments to a native function, in the
// words used for script functions ("f() takes 2 arguments but 3 were given").
func ArgError(name string, min, max, got int) error {
	was := "were"
	if got == 1 {
		was = "was"
	}
	plural := "s"
	if min == 1 {
		plural = ""
	}
	if min == max {
		return Errorf(KindType, "%s() takes %d argument%s but %d %s given", name, min, plural, got, was)
	}
	if max < 0 {
		return Errorf(KindType, "%s() takes at least %d argument%s but %d %s given", name, min, plural, got, was)
	}
	return Errorf(KindType, "%s() takes %d to %d arguments but %d %s given", name, min, max, got, was)
}

// CheckArgs checks the number of arguments of a native function (max < 0: no limit).
func CheckArgs(name string, args []Value, min, max int) error {
	if len(args) < min || (max >= 0 && len(args) > max) {
		return ArgError(name, min, max, len(args))
	}
	return nil
}

// TypeArgError reports an argument of the wrong type.
func TypeArgError(fn string, pos int, want string, got Value) error {
	// Concatenation copies want: a want UnpackArgs read from its caller's
	// destinations does not make them escape, as a formatted one would.
	return NewError(KindType, fn+"() argument "+strconv.Itoa(pos)+" must be "+want+", not "+got.TypeName())
}

func registerCoreBuiltins(m *Machine) {
	def := func(name string, fn NativeFunc) { m.SetBuiltin(name, NewNative(name, fn)) }
	def("print", func(t *Task, args []Value) (Value, error) {
		w := t.m.Stdout
		for i, a := range args {
			if i > 0 {
				w.WriteByte(' ')
			}
			if a.k == KStr {
				w.WriteString(a.AsStr())
			} else {
				w.WriteString(Repr(a))
			}
		}
		w.WriteByte('\n')
		if t.m.LineBuffered {
			w.Flush()
		}
		if t.m.PrintWait != nil {
			if v := t.m.PrintWait(); v.k != KNil {
				return Nil, WaitFor(v)
			}
		}
		return Nil, nil
	})
	def("len", func(t *Task, args []Value) (Value, error) {
		if err := CheckArgs("len", args, 1, 1); err != nil {
			return Nil, err
		}
		n, err := Len(args[0])
		return Int(int64(n)), err
	})
	def("str", func(t *Task, args []Value) (Value, error) {
		if err := CheckArgs("str", args, 1, 1); err != nil {
			return Nil, err
		}
		if args[0].k == KInt {
			return Str(strconv.FormatInt(int64(args[0].n), 10)), nil
		}
		r := Str(ToStr(args[0]))
		if e := t.chargeValue(r); e != nil {
			return Nil, e
		}
		return r, nil
	})
	def("int", builtinInt)
	def("float", builtinFloat)
	def("type", func(t *Task, args []Value) (Value, error) {
		if err := CheckArgs("type", args, 1, 1); err != nil {
			return Nil, err
		}
		return Str(args[0].TypeName()), nil
	})
	def("range", builtinRange)
	def("keys", func(t *Task, args []Value) (Value, error) {
		if err := CheckArgs("keys", args, 1, 1); err != nil {
			return Nil, err
		}
		if args[0].k != KMap {
			return Nil, TypeArgError("keys", 1, "a map", args[0])
		}
		return NewList(args[0].AsMap().Keys()), nil
	})
	def("values", func(t *Task, args []Value) (Value, error) {
		if err := CheckArgs("values", args, 1, 1); err != nil {
			return Nil, err
		}
		if args[0].k != KMap {
			return Nil, TypeArgError("values", 1, "a map", args[0])
		}
		return NewList(args[0].AsMap().Values()), nil
	})
	def("delete", func(t *Task, args []Value) (Value, error) {
		if err := CheckArgs("delete", args, 2, 2); err != nil {
			return Nil, err
		}
		if args[0].k != KMap {
			return Nil, TypeArgError("delete", 1, "a map", args[0])
		}
		return Nil, args[0].AsMap().Delete(args[1])
	})
	def("assert", func(t *Task, args []Value) (Value, error) {
		if err := CheckArgs("assert", args, 1, 2); err != nil {
			return Nil, err
		}
		if args[0].Truthy() {
			return Nil, nil
		}
		msg := "assertion failed"
		if len(args) == 2 {
			msg = ToStr(args[1])
		}
		return Nil, NewError(KindAssertion, msg)
	})
	def("error", func(t *Task, args []Value) (Value, error) {
		if err := CheckArgs("error", args, 1, 2); err != nil {
			return Nil, err
		}
		kind := KindError
		if len(args) == 2 {
			if args[1].k != KStr {
				return Nil, TypeArgError("error", 2, "a string", args[1])
			}
			kind = args[1].AsStr()
		}
		return ErrorValue(&Error{Kind: kind, Message: ToStr(args[0])}), nil
	})
	def("format", builtinFormat)
	registerBaseBuiltins(m)
}

func builtinInt(t *Task, args []Value) (Value, error) {
	if err := CheckArgs("int", args, 1, 2); err != nil {
		return Nil, err
	}
	v := args[0]
	if len(args) == 2 {
		// int(s, base): base 2-36, or 0 for a prefix to choose, as Python's.
		if v.k != KStr {
			return Nil, TypeArgError("int", 1, "a string when a base is given", v)
		}
		if args[1].k != KInt {
			return Nil, TypeArgError("int", 2, "an int", args[1])
		}
		base := args[1].AsInt()
		if base != 0 && (base < 2 || base > 36) {
			return Nil, Errorf(KindValue, "int() base must be from 2 to 36, or 0, not %d", base)
		}
		return parseIntValue(v, int(base))
	}
	switch v.k {
	case KInt:
		return v, nil
	case KBool:
		return Int(int64(v.n)), nil
	case KFloat:
		f := v.AsFloat()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return Nil, Errorf(KindValue, "cannot convert %s to int", FormatFloat(f))
		}
		if f >= 9.223372036854775808e18 || f < -9.223372036854775808e18 {
			return Nil, Errorf(KindValue, "%s is too large for an int", FormatFloat(f))
		}
		return Int(int64(f)), nil
	case KStr:
		return parseIntValue(v, 10)
	}
	return Nil, TypeArgError("int", 1, "a number, bool or string", v)
}

func parseIntValue(v Value, base int) (Value, error) {
	i, ok, big := parseIntBase(v.AsStr(), base)
	switch {
	case big:
		return Nil, Errorf(KindValue, "%s is too large for an int", Repr(v))
	case !ok && base == 10:
		return Nil, Errorf(KindValue, "invalid int: %s", Repr(v))
	case !ok:
		return Nil, Errorf(KindValue, "invalid int with base %d: %s", base, Repr(v))
	}
	return Int(i), nil
}

func builtinFloat(t *Task, args []Value) (Value, error) {
	if err := CheckArgs("float", args, 1, 1); err != nil {
		return Nil, err
	}
	v := args[0]
	switch v.k {
	case KFloat:
		return v, nil
	case KInt:
		return Float(float64(int64(v.n))), nil
	case KBool:
		return Float(float64(v.n)), nil
	case KStr:
		s := strings.TrimSpace(v.AsStr())
		body, sign := s, 1.0
		if body != "" && (body[0] == '+' || body[0] == '-') {
			if body[0] == '-' {
				sign = -1
			}
			body = body[1:]
		}
		switch strings.ToLower(body) {
		case "inf", "infinity":
			return Float(math.Inf(int(sign))), nil
		case "nan":
			return Float(math.NaN()), nil
		}
		if s != "" && !strings.ContainsAny(s, "xXpP") && !strings.HasPrefix(body, "_") {
			if f, err := strconv.ParseFloat(s, 64); err == nil || isRangeErr(err) {
				return Float(f), nil
			}
		}
		return Nil, Errorf(KindValue, "invalid float: %s", Repr(v))
	}
	return Nil, TypeArgError("float", 1, "a number, bool or string", v)
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func builtinRange(t *Task, args []Value) (Value, error) {
	if err := CheckArgs("range", args, 1, 3); err != nil {
		return Nil, err
	}
	for i, a := range args {
		if a.k != KInt {
			return Nil, TypeArgError("range", i+1, "an int", a)
		}
	}
	r := &Range{Step: 1}
	switch len(args) {
	case 1:
		r.Stop = args[0].AsInt()
	case 2:
		r.Start, r.Stop = args[0].AsInt(), args[1].AsInt()
	case 3:
		r.Start, r.Stop, r.Step = args[0].AsInt(), args[1].AsInt(), args[2].AsInt()
		if r.Step == 0 {
			return Nil, NewError(KindValue, "range() step must not be zero")
		}
	}
	return rangeValue(r), nil
}
