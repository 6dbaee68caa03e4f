package vm

import "testing"

func TestUnpackArgs(t *testing.T) {
	var (
		s    string
		i    int64
		n    int
		f    float64
		b    bool
		l    *List
		m    *Map
		v    Value
		call Callable
	)
	list := NewList([]Value{Int(1)})
	mp := MapValue(NewMap(0))
	fn := NewNative("f", func(*Task, []Value) (Value, error) { return Nil, nil })
	err := UnpackArgs("t", []Value{Str("x"), Int(3), Int(4), Int(2), True, list, mp, Nil, fn},
		"s", &s, "i", &i, "n", &n, "f", &f, "b", &b, "l", &l, "m", &m, "v", &v, "call", &call)
	if err != nil {
		t.Fatal(err)
	}
	if s != "x" || i != 3 || n != 4 || f != 2 || !b || l != list.AsList() || m != mp.AsMap() || !v.IsNil() || call.Value != fn {
		t.Errorf("stored %q %d %d %v %v %p %p %v %v", s, i, n, f, b, l, m, v, call)
	}

	// An optional parameter not given keeps its value.
	opts := Int(7)
	if err := UnpackArgs("t", []Value{Str("y")}, "s", &s, "opts?", &opts); err != nil || s != "y" || opts.AsInt() != 7 {
		t.Errorf("optional: %v %q %v", err, s, opts)
	}

	for _, c := range []struct {
		args []Value
		want string
	}{
		{nil, "t() takes 1 to 2 arguments but 0 were given"},
		{[]Value{Str("a"), Int(1), Int(2)}, "t() takes 1 to 2 arguments but 3 were given"},
		{[]Value{Int(1)}, "t() argument 1 must be a string, not int"},
		{[]Value{Str("a"), Str("b")}, "t() argument 2 must be an int, not string"},
	} {
		var s string
		var i int64
		err := UnpackArgs("t", c.args, "s", &s, "i?", &i)
		e, ok := err.(*Error)
		if !ok || e.Kind != KindType || e.Message != c.want {
			t.Errorf("UnpackArgs(%v) = %v, want type %q", c.args, err, c.want)
		}
	}
	err = UnpackArgs("one", []Value{Int(1), Int(2)}, "x", &i)
	if err == nil || err.Error() != "type: one() takes 1 argument but 2 were given" {
		t.Errorf("one: %v", err)
	}
	for _, c := range []struct {
		a    Value
		dst  any
		want string
	}{
		{Str("1"), &f, "a number"}, {Int(1), &b, "a bool"}, {Int(1), &l, "a list"},
		{list, &m, "a map"}, {Int(1), &call, "a function"},
	} {
		err := UnpackArgs("k", []Value{c.a}, "p", c.dst)
		if err == nil || err.Error() != "type: k() argument 1 must be "+c.want+", not "+c.a.TypeName() {
			t.Errorf("%T: %v", c.dst, err)
		}
	}
}
