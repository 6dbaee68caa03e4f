package vm

import (
	"bytes"
	"math"
	"slices"
	"testing"
	"unsafe"
)

// checkList fails unless l holds want, read through At, Snapshot and vals or
// words, in the form wantForm.
func checkList(t *testing.T, what string, l *List, wantForm Kind, want ...Value) {
	t.Helper()
	if l.form != wantForm {
		t.Errorf("%s: form %d, want %d", what, l.form, wantForm)
	}
	if l.Len() != len(want) {
		t.Fatalf("%s: length %d, want %d", what, l.Len(), len(want))
	}
	snap := l.Snapshot()
	for i, w := range want {
		if got := l.At(i); got != w {
			t.Errorf("%s: item %d is %s (%v), want %s", what, i, Repr(got), got, Repr(w))
		}
		if snap[i] != w {
			t.Errorf("%s: snapshot item %d is %s, want %s", what, i, Repr(snap[i]), Repr(w))
		}
	}
	if l.form != wantForm {
		t.Errorf("%s: Snapshot changed the form to %d", what, l.form)
	}
	if wantForm == formValues {
		if len(l.vals()) != len(want) || l.words() != nil {
			t.Errorf("%s: general list with %d values and %d words", what, len(l.vals()), len(l.words()))
		}
		if l.capBytes() != int64(l.c)*valueBytes {
			t.Errorf("%s: capBytes %d for capacity %d, want %d a slot", what, l.capBytes(), l.c, valueBytes)
		}
	} else {
		if len(l.words()) != len(want) || l.vals() != nil {
			t.Errorf("%s: packed list with %d words and %d values", what, len(l.words()), len(l.vals()))
		}
		if l.capBytes() != int64(l.c)*8 {
			t.Errorf("%s: capBytes %d for capacity %d, want 8 a slot", what, l.capBytes(), l.c)
		}
	}
}

func TestListForms(t *testing.T) {
	l := newList(nil)
	checkList(t, "new", l, KNil)

	l.Append(Int(1))
	l.Append(Int(-2))
	checkList(t, "ints", l, KInt, Int(1), Int(-2))
	l.Set(1, Int(5))
	checkList(t, "int set", l, KInt, Int(1), Int(5))
	l.insert(0, Int(0))
	l.remove(2)
	checkList(t, "insert and remove", l, KInt, Int(0), Int(1))

	// A float pushed on ints: general for good, even once it is gone.
	l.Append(Float(2.5))
	checkList(t, "float on ints", l, formValues, Int(0), Int(1), Float(2.5))
	l.remove(2)
	l.Append(Int(3))
	checkList(t, "stays general", l, formValues, Int(0), Int(1), Int(3))

	f := newList(nil)
	f.Append(Float(math.Copysign(0, -1)))
	f.Append(Float(math.Inf(1)))
	checkList(t, "floats", f, KFloat, Float(math.Copysign(0, -1)), Float(math.Inf(1)))
	f.Set(0, Int(1))
	checkList(t, "int set into floats", f, formValues, Int(1), Float(math.Inf(1)))

	b := newList(nil)
	b.Append(True)
	b.Append(False)
	checkList(t, "bools", b, KBool, True, False)
	b.Append(Int(1))
	checkList(t, "int on bools", b, formValues, True, False, Int(1))

	// Kinds that are never packed make an empty list general at once.
	for _, v := range []Value{Nil, Str("s"), NewList(nil)} {
		x := newList(nil)
		x.Append(v)
		checkList(t, "first "+v.TypeName(), x, formValues, v)
	}

	// An emptied packed list takes the kind of its next first item.
	e := newList(nil)
	e.Append(Int(7))
	e.remove(0)
	e.Append(Float(1.5))
	checkList(t, "refilled", e, KFloat, Float(1.5))

	// Items converts for good and hands out the list's own storage.
	p := listOf([]Value{Int(4), Int(5)})
	checkList(t, "literal", p, KInt, Int(4), Int(5))
	items := p.Items()
	items[0] = Str("four")
	checkList(t, "after Items", p, formValues, Str("four"), Int(5))

	// A literal of mixed kinds, or an int carrying a map key's mark, is general.
	checkList(t, "mixed literal", listOf([]Value{Int(1), Float(1)}), formValues, Int(1), Float(1))
	marked := Value{k: KInt, n: 1, p: unsafe.Pointer(&floatKeyMark)}
	if listOf([]Value{marked}).form != formValues {
		t.Error("an int with a non-nil p was packed")
	}
}

func TestListPackedCopies(t *testing.T) {
	a := listOf([]Value{Int(1), Int(2), Int(3)})
	c := a.clone()
	s := a.sub(1, 3)
	c.Set(0, Str("x"))
	s.Append(Int(4))
	checkList(t, "original", a, KInt, Int(1), Int(2), Int(3))
	checkList(t, "clone", c, formValues, Str("x"), Int(2), Int(3))
	checkList(t, "slice", s, KInt, Int(2), Int(3), Int(4))

	checkList(t, "ints + ints", concatLists(a, s), KInt, Int(1), Int(2), Int(3), Int(2), Int(3), Int(4))
	checkList(t, "ints + general", concatLists(a, c), formValues, Int(1), Int(2), Int(3), Str("x"), Int(2), Int(3))
	checkList(t, "empty + floats", concatLists(newList(nil), listOf([]Value{Float(1)})), KFloat, Float(1))
	checkList(t, "ints + floats", concatLists(listOf([]Value{Int(1)}), listOf([]Value{Float(1)})), formValues, Int(1), Float(1))

	a.extend(a)
	checkList(t, "extend by itself", a, KInt, Int(1), Int(2), Int(3), Int(1), Int(2), Int(3))
	a.extend(listOf([]Value{Float(0.5)}))
	checkList(t, "extend by floats", a, formValues, Int(1), Int(2), Int(3), Int(1), Int(2), Int(3), Float(0.5))
}

// chargedList runs src, which hands one list to keep(), under a quota of
// 1 GiB and returns that list and the bytes the quota charged.
func chargedList(t *testing.T, src string) (*List, int64) {
	t.Helper()
	var out bytes.Buffer
	m := NewMachine(&out, &out)
	var l *List
	m.SetBuiltin("keep", NewNative("keep", func(_ *Task, args []Value) (Value, error) {
		l = args[0].AsList()
		return Nil, nil
	}))
	task := loadTestTask(t, m, src)
	task.Quota = &Quota{MaxBytes: 1 << 30}
	if st := task.Run(); st != StatusDone {
		t.Fatalf("status %v, error %v", st, task.Err)
	}
	return l, task.Quota.bytes
}

// TestListChargesPackedCapacity checks that the memory limit counts 8 bytes
// a slot while a list is packed, and the Values it becomes when it turns
// general.
func TestListChargesPackedCapacity(t *testing.T) {
	l, charged := chargedList(t, `
let a = []
keep(a)
for i in range(1000) { a.push(i) }
`)
	if l.form != KInt || charged != int64(l.c)*8 {
		t.Errorf("packed: form %d, charged %d bytes for capacity %d, want %d", l.form, charged, l.c, l.c*8)
	}

	l, charged = chargedList(t, `
let a = []
keep(a)
for i in range(1000) { a.push(i) }
a.push("s")
`)
	if l.form != formValues || charged < int64(l.c)*valueBytes {
		t.Errorf("general: form %d, charged %d bytes for capacity %d, want at least %d", l.form, charged, l.c, int64(l.c)*valueBytes)
	}
}

// TestListSetIndexChargesConversion checks that storing a string into a
// packed list charges the Values it turns into.
func TestListSetIndexChargesConversion(t *testing.T) {
	l, charged := chargedList(t, `
let a = []
keep(a)
for i in range(1000) { a.push(i) }
a[5] = "s"
`)
	if l.form != formValues || charged != int64(l.c)*valueBytes {
		t.Errorf("form %d, charged %d bytes for capacity %d, want %d", l.form, charged, l.c, int64(l.c)*valueBytes)
	}
}

// TestRegrowItemsCapacities checks that regrowItems gives the capacities
// slices.Grow gives, small and large, keeping the items, for the requests
// the lists make (more than twice the capacity), for words and for Values.
func TestRegrowItemsCapacities(t *testing.T) {
	checkRegrow(t, func(i int) uint64 { return uint64(i) * 3 })
	checkRegrow(t, func(i int) Value { return Int(int64(i) * 3) })
}

func checkRegrow[T Value | uint64](t *testing.T, item func(int) T) {
	t.Helper()
	for n := 0; n < 300_000; n = n*2 + 4 {
		for _, extra := range []int{n + 4, n + 5, 3*n + 17} {
			w := make([]T, n)
			for i := range w {
				w[i] = item(i)
			}
			same := make([]T, n) // capacity n, as w's
			copy(same, w)
			got, want := regrowItems(w, extra), slices.Grow(same, extra)
			if cap(got) != cap(want) || len(got) != n {
				t.Fatalf("%T n=%d extra=%d: length %d capacity %d, want %d %d", w, n, extra, len(got), cap(got), n, cap(want))
			}
			for i := range got {
				if got[i] != item(i) {
					t.Fatalf("%T n=%d extra=%d: item %d is %v", w, n, extra, i, got[i])
				}
			}
		}
	}
}

// TestSortedKeepsPackedForm checks that sorted and reversed of a packed list
// give a packed list (8 bytes an item, not a Value), sorted with and without
// a key and reversed, and leave their argument as it was.
func TestSortedKeepsPackedForm(t *testing.T) {
	var out bytes.Buffer
	m := NewMachine(&out, &out)
	var kept []*List
	m.SetBuiltin("keep", NewNative("keep", func(_ *Task, args []Value) (Value, error) {
		kept = append(kept, args[0].AsList())
		return Nil, nil
	}))
	task := loadTestTask(t, m, `
let a = [3, 1, 2]
keep(sorted(a))
keep(sorted(a, fn(x) { return -x }))
keep(sorted([0.5, -1.5], nil, true))
keep(sorted(range(3, 0, -1)))
keep(a)
keep(reversed(a))
keep(reversed(range(3)))
keep(reversed(["x", 1]))
`)
	if st := task.Run(); st != StatusDone {
		t.Fatalf("status %v, error %v", st, task.Err)
	}
	if len(kept) != 8 {
		t.Fatalf("kept %d lists, want 8", len(kept))
	}
	checkList(t, "sorted", kept[0], KInt, Int(1), Int(2), Int(3))
	checkList(t, "sorted with a key", kept[1], KInt, Int(3), Int(2), Int(1))
	checkList(t, "sorted reversed", kept[2], KFloat, Float(0.5), Float(-1.5))
	checkList(t, "sorted range", kept[3], formValues, Int(1), Int(2), Int(3))
	checkList(t, "argument", kept[4], KInt, Int(3), Int(1), Int(2))
	checkList(t, "reversed", kept[5], KInt, Int(2), Int(1), Int(3))
	checkList(t, "reversed range", kept[6], formValues, Int(2), Int(1), Int(0))
	if l := kept[7]; l.form != formValues || l.Len() != 2 || l.At(0) != Int(1) || l.At(1).AsStr() != "x" {
		t.Errorf("reversed general: form %d, %s", l.form, Repr(ListValue(l)))
	}
}

// TestSumMinMaxReadPackedInPlace checks that sum, min and max read a packed
// list's items in place, without a copy of them as Values (and min of two
// arguments allocates nothing either), with the right results.
func TestSumMinMaxReadPackedInPlace(t *testing.T) {
	ints := ListValue(listOf([]Value{Int(3), Int(-7), Int(11), Int(2)}))
	floats := ListValue(listOf([]Value{Float(0.5), Float(-1.5), Float(2)}))
	for _, c := range []struct {
		name string
		fn   func() (Value, error)
		want Value
	}{
		{"sum ints", func() (Value, error) { return builtinSum(nil, []Value{ints}) }, Int(9)},
		{"sum floats", func() (Value, error) { return builtinSum(nil, []Value{floats}) }, Float(1)},
		{"min ints", func() (Value, error) { return minMax("min", []Value{ints}, -1) }, Int(-7)},
		{"max ints", func() (Value, error) { return minMax("max", []Value{ints}, 1) }, Int(11)},
		{"max floats", func() (Value, error) { return minMax("max", []Value{floats}, 1) }, Float(2)},
		{"min of two", func() (Value, error) { return minMax("min", []Value{Int(4), Int(1)}, -1) }, Int(1)},
	} {
		if got, err := c.fn(); err != nil || got != c.want {
			t.Errorf("%s: %s, %v, want %s", c.name, Repr(got), err, Repr(c.want))
		}
		if n := testing.AllocsPerRun(100, func() { _, _ = c.fn() }); n != 0 {
			t.Errorf("%s: %v allocations, want 0", c.name, n)
		}
	}
	if l := ints.AsList(); l.form != KInt {
		t.Errorf("sum, min and max changed the list's form to %d", l.form)
	}
}
