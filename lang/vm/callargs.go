package vm

// Calls with a spread last argument (f(*xs)), functions with a *rest
// parameter, and the unpacking of several assignment targets.

// maxSpread bounds the elements a spread argument puts on the stack.
const maxSpread = 1 << 20

// spreadArgs replaces the list on top of the stack (at t.sp-1) by its
// elements and returns how many there are. The stack may move.
func (t *Task) spreadArgs() (int, *Error) {
	sp := t.sp
	lv := t.stack[sp-1]
	if lv.k != KList {
		return 0, Errorf(KindType, "cannot spread %s into arguments: * needs a list", lv.TypeName())
	}
	l := lv.AsList()
	k := l.n
	if k > maxSpread {
		return 0, Errorf(KindValue, "too many arguments to spread (%d; at most %d)", k, maxSpread)
	}
	t.sp = sp - 1
	t.ensure(k + 1)
	for i := range k {
		t.stack[sp-1+i] = l.At(i)
	}
	t.sp = sp - 1 + k
	return k, nil
}

// bindRest gives a function with a *rest parameter its arguments: the argc
// arguments on top of the stack (at t.sp) become the fixed parameters
// (missing ones undef, for their defaults) followed by a list of the others.
// It returns the new stack height.
func (t *Task) bindRest(p *Proto, argc int) (int, *Error) {
	if argc < p.NumRequired {
		return 0, checkArity(p, argc)
	}
	sp := t.sp
	s := t.stack
	fixed := p.NumParams - 1
	var rest []Value
	if argc > fixed {
		rest = make([]Value, argc-fixed)
		copy(rest, s[sp-(argc-fixed):sp])
		sp -= argc - fixed
	} else {
		for i := argc; i < fixed; i++ {
			s[sp] = undef
			sp++
		}
		rest = []Value{}
	}
	l := NewList(rest)
	if e := t.chargeValue(l); e != nil {
		return 0, e
	}
	s[sp] = l
	return sp + 1, nil
}

// bindRestSlice is bindRest for arguments given as a slice (a new task).
func bindRestSlice(p *Proto, args []Value) ([]Value, *Error) {
	if len(args) < p.NumRequired {
		return nil, checkArity(p, len(args))
	}
	fixed := p.NumParams - 1
	out := make([]Value, p.NumParams)
	if len(args) > fixed {
		copy(out, args[:fixed])
		out[fixed] = NewList(append([]Value(nil), args[fixed:]...))
	} else {
		copy(out, args)
		for i := len(args); i < fixed; i++ {
			out[i] = undef
		}
		out[fixed] = NewList([]Value{})
	}
	return out, nil
}

// unpack puts the n elements of the list v on the stack at s[sp:], the first
// on top (last in the slice), for the targets of an assignment.
func unpack(s []Value, sp int, v Value, n int) *Error {
	if v.k != KList {
		return Errorf(KindType, "cannot unpack %s into %d targets: only a list unpacks", v.TypeName(), n)
	}
	l := v.AsList()
	switch {
	case l.n > n:
		return Errorf(KindValue, "too many values to unpack (expected %d, got %d)", n, l.n)
	case l.n < n:
		return Errorf(KindValue, "not enough values to unpack (expected %d, got %d)", n, l.n)
	}
	for i := 0; i < n; i++ {
		s[sp+n-1-i] = l.At(i)
	}
	return nil
}

// reverse reverses the n values on top of the stack below sp.
func reverse(s []Value, sp, n int) {
	for i, j := sp-n, sp-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}
