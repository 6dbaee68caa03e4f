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

func TestUnpackArgsExtensions(t *testing.T) {
	// "??": optional, and nil counts as not given; the type error says so.
	opts := Int(7)
	var s string
	if err := UnpackArgs("t", []Value{Str("a"), Nil}, "s", &s, "opts??", &opts); err != nil || opts.AsInt() != 7 {
		t.Errorf("nil for ??: %v %v", err, opts)
	}
	var m *Map
	err := UnpackArgs("t", []Value{Str("a"), Int(1)}, "s", &s, "opts??", &m)
	if err == nil || err.Error() != "type: t() argument 2 must be a map or nil, not int" {
		t.Errorf("??: %v", err)
	}

	// Want: the words of the type error are the caller's.
	var host string
	var port int64
	err = UnpackArgs("net.listen", []Value{Int(1), Int(2)}, "host", Want("a host string", &host), "port", &port)
	if err == nil || err.Error() != "type: net.listen() argument 1 must be a host string, not int" {
		t.Errorf("Want: %v", err)
	}
	if err := UnpackArgs("f", []Value{Str("h"), Int(80)}, "host", Want("a host string", &host), "port", Want("an int port", &port)); err != nil || host != "h" || port != 80 {
		t.Errorf("Want stores: %v %q %d", err, host, port)
	}

	// Check: accept reads the argument.
	var got int64
	even := func(v Value) bool {
		if v.Kind() != KInt || v.AsInt()%2 != 0 {
			return false
		}
		got = v.AsInt()
		return true
	}
	if err := UnpackArgs("f", []Value{Int(4)}, "n", Check("an even int", even)); err != nil || got != 4 {
		t.Errorf("Check: %v %d", err, got)
	}
	err = UnpackArgs("f", []Value{Int(3)}, "n", Check("an even int", even))
	if e, ok := err.(*Error); !ok || e.Kind != KindType || e.Message != "f() argument 1 must be an even int, not int" {
		t.Errorf("Check refuses: %v", err)
	}

	// "*rest": the remaining arguments, any number of them.
	var rest []Value
	if err := UnpackArgs("f", []Value{Str("a"), Int(1), Int(2)}, "s", &s, "*rest", &rest); err != nil || len(rest) != 2 || rest[1].AsInt() != 2 {
		t.Errorf("rest: %v %v", err, rest)
	}
	rest = nil
	if err := UnpackArgs("f", []Value{Str("a")}, "s", &s, "*rest", &rest); err != nil || len(rest) != 0 {
		t.Errorf("no rest: %v %v", err, rest)
	}
	var xs []float64
	if err := UnpackArgs("f", []Value{Int(1), Float(2.5)}, "*xs", &xs); err != nil || len(xs) != 2 || xs[1] != 2.5 {
		t.Errorf("*[]float64: %v %v", err, xs)
	}
	err = UnpackArgs("f", []Value{Str("a"), Int(1), Str("2")}, "s", &s, "*ns", new([]int64))
	if err == nil || err.Error() != "type: f() argument 3 must be an int, not string" {
		t.Errorf("*[]int64: %v", err)
	}
	err = UnpackArgs("f", []Value{Float(1), True}, "*xs", &xs)
	if err == nil || err.Error() != "type: f() argument 2 must be a number, not bool" {
		t.Errorf("*[]float64 refuses: %v", err)
	}
	err = UnpackArgs("f", nil, "s", &s, "*rest", &rest)
	if err == nil || err.Error() != "type: f() takes at least 1 argument but 0 were given" {
		t.Errorf("rest count: %v", err)
	}
}

// Reading arguments allocates nothing: the destinations, Want's and Check's
// included, stay on the caller's stack.
func TestUnpackArgsAllocatesNothing(t *testing.T) {
	args := []Value{Str("127.0.0.1"), Int(80), Nil, Int(3)}
	n := testing.AllocsPerRun(100, func() {
		var host string
		var port int64
		var opts *Map
		var k int64
		err := UnpackArgs("net.listen", args, "host", Want("a host string", &host), "port", &port, "opts??", &opts,
			"k", Check("an int", func(v Value) bool { k = v.AsInt(); return v.Kind() == KInt }))
		if err != nil || host != "127.0.0.1" || port != 80 || opts != nil || k != 3 {
			t.Fatal(err, host, port, opts, k)
		}
	})
	if n != 0 {
		t.Errorf("UnpackArgs allocates %v times, want 0", n)
	}
}
