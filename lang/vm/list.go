package vm

import (
	"slices"
	"unsafe"
)

// List is a mutable list. Its items are kept in one of two forms (doc/impl.md,
// How lists grow):
//
//   - packed: every item is of one scalar kind (bool, int or float), and the
//     list holds only their 64-bit words (Value.n), 8 bytes an item in memory
//     the collector never scans;
//   - general: a []Value.
//
// A new empty list is packed with no kind yet; its first push of a bool, an
// int or a float gives it that kind, anything else makes it general. Storing
// an item of another kind, or any operation that needs a []Value (Items),
// turns a packed list general, once and for good.
//
// The storage is private: p points at c words or c Values, of which the first
// n are items.
type List struct {
	p    unsafe.Pointer
	n, c int
	form Kind // formValues, or the kind of every item (KNil: packed, none yet)
}

// formValues is the form of a general list; any other form is a packed
// list's item kind, KNil while it has never held an item.
const formValues Kind = 0xff

const wordSize = 8

// NewList makes a general list value holding items (not copied); with no
// items, an empty list that packs what it is given first.
func NewList(items []Value) Value { return ListValue(newList(items)) }

func newList(items []Value) *List {
	l := &List{}
	if len(items) > 0 {
		l.setVals(items)
	}
	return l
}

// listOf makes a list of a copy of items, packed when they are all bools,
// all ints or all floats (a list literal).
func listOf(items []Value) *List {
	if len(items) == 0 || !packable(items[0].k) {
		return newList(slices.Clone(items))
	}
	k := items[0].k
	for _, v := range items {
		if v.k != k || v.p != nil {
			return newList(slices.Clone(items))
		}
	}
	words := make([]uint64, len(items))
	for i, v := range items {
		words[i] = v.n
	}
	return newPacked(k, words)
}

// newPacked makes a packed list of kind k holding words (not copied).
func newPacked(k Kind, words []uint64) *List {
	l := &List{form: k}
	if len(words) > 0 {
		l.setWords(words)
	}
	return l
}

// packable is whether an item of kind k can be stored as its word alone.
func packable(k Kind) bool { return k == KBool || k == KInt || k == KFloat }

// Len is the number of items.
func (l *List) Len() int { return l.n }

// At is item i (0 <= i < Len), without changing the list's form.
func (l *List) At(i int) Value {
	if uint(i) >= uint(l.n) {
		panic("vm: list index out of range")
	}
	if l.form == formValues {
		return *(*Value)(unsafe.Add(l.p, i*valueSize))
	}
	return Value{k: l.form, n: *(*uint64)(unsafe.Add(l.p, i*wordSize))}
}

// item is At for the dispatch loop, which has checked i < n.
func (l *List) item(i uint64) Value {
	if l.form == formValues {
		return *(*Value)(unsafe.Add(l.p, i*uint64(valueSize)))
	}
	return Value{k: l.form, n: *(*uint64)(unsafe.Add(l.p, i*wordSize))}
}

// Items is the list's items as a []Value, turning a packed list general for
// good. The slice is the list's own storage until its next change of length.
func (l *List) Items() []Value {
	if l.form != formValues && l.n > 0 {
		l.general(0)
	}
	return l.vals()
}

// Snapshot is the items as a []Value without changing the list's form: a
// general list's own storage, or a fresh copy of a packed list's items. For
// readers that keep nothing and write nothing.
func (l *List) Snapshot() []Value {
	if l.form == formValues {
		return l.vals()
	}
	out := make([]Value, l.n)
	for i, w := range l.words() {
		out[i] = Value{k: l.form, n: w}
	}
	return out
}

// Set stores v as item i (0 <= i < Len).
func (l *List) Set(i int, v Value) {
	if uint(i) >= uint(l.n) {
		panic("vm: list index out of range")
	}
	if l.form == formValues {
		*(*Value)(unsafe.Add(l.p, i*valueSize)) = v
		return
	}
	if v.k == l.form && v.p == nil {
		*(*uint64)(unsafe.Add(l.p, i*wordSize)) = v.n
		return
	}
	l.general(0)
	l.vals()[i] = v
}

// Append adds v at the end, growing by the rule of appendValue.
func (l *List) Append(v Value) {
	if l.form != formValues {
		if l.n == 0 && packable(v.k) && v.p == nil {
			l.form = v.k // an empty packed list takes the kind of its first item
		}
		if v.k == l.form && packable(v.k) && v.p == nil {
			l.setWords(append(growItems(l.words(), 1), v.n))
			return
		}
		l.general(1)
	}
	l.setVals(appendValue(l.vals(), v))
}

// SetItems replaces the items by items (not copied), making the list general.
func (l *List) SetItems(items []Value) { l.setVals(items) }

// general turns a packed list general, with room for extra more items.
func (l *List) general(extra int) {
	if l.form == formValues {
		return
	}
	out := make([]Value, l.n, max(l.c, l.n+extra))
	for i, w := range l.words() {
		out[i] = Value{k: l.form, n: w}
	}
	l.setVals(out)
}

// vals is a general list's items (nil for a packed one).
func (l *List) vals() []Value {
	if l.c == 0 || l.form != formValues {
		return nil
	}
	return unsafe.Slice((*Value)(l.p), l.c)[:l.n]
}

// words is a packed list's items (nil for a general one).
func (l *List) words() []uint64 {
	if l.c == 0 || l.form == formValues {
		return nil
	}
	return unsafe.Slice((*uint64)(l.p), l.c)[:l.n]
}

func (l *List) setVals(s []Value) {
	l.p, l.n, l.c, l.form = unsafe.Pointer(unsafe.SliceData(s)), len(s), cap(s), formValues
	if l.c == 0 {
		l.p = nil
	}
}

func (l *List) setWords(w []uint64) {
	l.p, l.n, l.c = unsafe.Pointer(unsafe.SliceData(w)), len(w), cap(w)
	if l.c == 0 {
		l.p = nil
	}
}

// capBytes is the memory the list's storage holds (limits.go charges it).
func (l *List) capBytes() int64 {
	if l.form == formValues {
		return int64(l.c) * valueBytes
	}
	return int64(l.c) * wordSize
}

// clone is a copy of the list, in the same form.
func (l *List) clone() *List {
	if l.form == formValues {
		return newList(slices.Clone(l.vals()))
	}
	return newPacked(l.form, slices.Clone(l.words()))
}

// sub is a new list of items i to j, in the same form.
func (l *List) sub(i, j int) *List {
	if l.form == formValues {
		return newList(slices.Clone(l.vals()[i:j]))
	}
	return newPacked(l.form, slices.Clone(l.words()[i:j]))
}

// insert puts v before item i (0 <= i <= Len).
func (l *List) insert(i int, v Value) {
	if l.form != formValues {
		if l.n == 0 && packable(v.k) && v.p == nil {
			l.form = v.k
		}
		if v.k == l.form && packable(v.k) && v.p == nil {
			l.setWords(slices.Insert(growItems(l.words(), 1), i, v.n))
			return
		}
		l.general(1)
	}
	l.setVals(slices.Insert(growItems(l.vals(), 1), i, v))
}

// remove deletes item i (0 <= i < Len).
func (l *List) remove(i int) {
	if l.form == formValues {
		items := l.vals()
		copy(items[i:], items[i+1:])
		items[l.n-1] = Nil
	} else {
		w := l.words()
		copy(w[i:], w[i+1:])
	}
	l.n--
}

// extend appends add's items (add may be l itself), packed when both are
// packed of one kind (or l is empty and add packed).
func (l *List) extend(add *List) {
	if add.n == 0 {
		return
	}
	if l.form != formValues && add.form != formValues && (l.n == 0 || l.form == add.form) {
		w := add.words() // may be l's own: read it before growing
		l.form = add.form
		l.setWords(append(growItems(l.words(), len(w)), w...))
		return
	}
	src := add.Snapshot() // may be l's own: read it before growing
	l.general(len(src))
	l.setVals(append(growItems(l.vals(), len(src)), src...))
}
