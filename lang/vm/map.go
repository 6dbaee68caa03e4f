package vm

import (
	"hash/maphash"
	"iter"
	"math"
	"unsafe"
)

// smallMap is the size up to which a map finds keys by a linear scan and keeps no index.
const smallMap = 8

// Map is an insertion-ordered hash map laid out as CPython's dict: entries live
// in keys/vals in insertion order, and index, an open-addressing table whose
// length is a power of two, holds the position in keys of each entry plus
// one (0 is an empty slot, so a new table needs no filling; dummySlot a
// deleted entry's). A deleted entry stays until the entries are compacted
// (its key undef when the keys are general; see keyAt). A map of up to
// smallMap entries has no index, finds keys by a linear scan and removes an
// entry by moving the later ones down.
//
// keys and vals are kept as lists are (doc/impl.md, Maps of numbers): each
// is packed (only the 64-bit words, memory the collector never scans) while
// all its items are of one scalar kind, and general otherwise. A new empty
// map packs both (a map made with room, general, packs what it can when it
// gets its index); a map of int keys to int values is 16 bytes an entry
// plus its index. A key of another kind or a float key folded into an int
// (marked, see normKey) turns the keys general, a value of another kind the
// values, once and for good; deleting keeps the forms.
type Map struct {
	keys, vals List
	index      []int32
	// live is the number of entries (an int32, as the index's positions
	// are, so that the struct is 96 bytes).
	live int32
	// edits counts the keys added and deleted (not values replaced), so that
	// a for loop over the map can tell that its keys changed (iter.go).
	edits uint32
}

// strSeed seeds the hash of string keys.
var strSeed = maphash.MakeSeed()

// NewMap makes an empty map with room for n entries. A map made for up to
// smallMap entries (a map literal, a record) is one allocation: the map and
// room for its keys and values, instead of three. A map made with no room
// packs its keys and values while it can; one made with room (a literal, a
// decoded object, most often of string keys) is general from the start and
// packs what it can once it grows past smallMap entries (add).
func NewMap(n int) *Map {
	switch {
	case n <= 0:
		return &Map{}
	case n <= 2:
		b := &mapBlock[[4]Value]{}
		return b.m.within(b.kv[:])
	case n <= 4:
		b := &mapBlock[[8]Value]{}
		return b.m.within(b.kv[:])
	case n <= smallMap:
		b := &mapBlock[[2 * smallMap]Value]{}
		return b.m.within(b.kv[:])
	}
	m := &Map{}
	m.keys.setVals(make([]Value, 0, n))
	m.vals.setVals(make([]Value, 0, n))
	return m
}

// mapBlock is a map with inline room for its keys and values, kv (an array
// of 2n values for n entries), made in one allocation.
type mapBlock[A any] struct {
	m  Map
	kv A
}

// within gives m the room kv: the first half for keys, the second for values.
func (m *Map) within(kv []Value) *Map {
	h := len(kv) / 2
	m.keys.setVals(kv[0:0:h])
	m.vals.setVals(kv[h:h:len(kv)])
	return m
}

// Len is the number of entries.
func (m *Map) Len() int { return int(m.live) }

// floatKeyMark and negZeroKeyMark, as the p of an int key stored in a map, record
// that the key was first inserted as the equal float (or as -0.0): lookups see an
// int, and the key is given back in the form it was inserted with (storedKey).
var floatKeyMark, negZeroKeyMark byte

// normKey checks that v can be a key and folds an integral float into the equal
// int, marked so that storedKey gives the float back.
func normKey(v Value) (Value, bool) {
	switch v.k {
	case KNil, KBool, KInt, KStr:
		return v, true
	case KFloat:
		f := v.AsFloat()
		if f == 0 && math.Signbit(f) {
			return Value{k: KInt, p: unsafe.Pointer(&negZeroKeyMark)}, true
		}
		if f == math.Trunc(f) && f >= -9.223372036854775808e18 && f < 9.223372036854775808e18 {
			return Value{k: KInt, n: uint64(int64(f)), p: unsafe.Pointer(&floatKeyMark)}, true
		}
		return v, true
	}
	return v, false
}

// storedKey is the key as it was first inserted, from its stored (normalised) form.
func storedKey(k Value) Value {
	if k.k == KInt && k.p != nil {
		if k.p == unsafe.Pointer(&negZeroKeyMark) {
			return Float(math.Copysign(0, -1))
		}
		return Float(float64(int64(k.n)))
	}
	return k
}

func keyError(k Value) error {
	return Errorf(KindType, "cannot use %s as a map key", k.TypeName())
}

func sameKey(a, b Value) bool {
	if a.k != b.k {
		return false
	}
	if a.k == KStr {
		return a.n == b.n && (a.p == b.p || a.AsStr() == b.AsStr())
	}
	return a.n == b.n
}

// hashKey hashes a normalised key. An int is its own hash, as in CPython: keys
// that are close together land in nearby slots, and the probe sequence mixes in
// the high bits for keys whose low bits are all alike.
func hashKey(k Value) uint64 {
	switch k.k {
	case KInt:
		return k.n
	case KStr:
		return maphash.String(strSeed, k.AsStr())
	}
	return (k.n ^ uint64(k.k)<<56) * 0x9e3779b97f4a7c15
}

// dummySlot marks an index slot whose entry was deleted: probes go on past
// it, as past a slot of another key.
const dummySlot int32 = -1

// keyAt is the (normalised) key of entry i, and whether the entry is live.
// A deleted entry's key is undef in general keys; packed keys keep the word
// of a deleted key, and such an entry is live only if the index still leads
// to it (Delete put a dummySlot in its slot).
func (m *Map) keyAt(i int) (Value, bool) {
	k := m.keys.item(uint64(i))
	if m.keys.form == formValues {
		return k, k.k != kUndef
	}
	if int(m.live) == m.keys.n {
		return k, true
	}
	j, _ := m.probe(k, hashKey(k))
	return k, j == i
}

// probe looks for k (hash h) in the index: it returns k's entry position, or -1
// and the empty slot where k would go.
func (m *Map) probe(k Value, h uint64) (int, uint64) {
	mask := uint64(len(m.index) - 1)
	i, perturb := h&mask, h
	if m.keys.form != formValues {
		// Packed keys: one kind, compared by their words.
		same := k.k == m.keys.form
		for {
			ix := m.index[i]
			if ix == 0 {
				return -1, i
			}
			if same && ix > 0 && *(*uint64)(unsafe.Add(m.keys.p, uintptr(ix-1)*wordSize)) == k.n {
				return int(ix - 1), i
			}
			perturb >>= 5
			i = (5*i + perturb + 1) & mask
		}
	}
	for {
		ix := m.index[i]
		if ix == 0 {
			return -1, i
		}
		if ix > 0 && sameKey(*slot(m.keys.p, int(ix-1)), k) {
			return int(ix - 1), i
		}
		perturb >>= 5
		i = (5*i + perturb + 1) & mask
	}
}

// scan is find in a map without an index: a linear scan.
func (m *Map) scan(k Value) int {
	if m.keys.form != formValues {
		if k.k == m.keys.form {
			for i, w := range m.keys.words() {
				if w == k.n {
					return i
				}
			}
		}
		return -1
	}
	for i := range m.keys.n {
		if sameKey(*slot(m.keys.p, i), k) {
			return i
		}
	}
	return -1
}

// find returns the entry index of key k (already normalised), or -1.
func (m *Map) find(k Value) int {
	if m.index == nil {
		return m.scan(k)
	}
	i, _ := m.probe(k, hashKey(k))
	return i
}

// reindex rebuilds the index for the live entries, with room to grow: the index
// stays at most two thirds full. The keys are all different, so each one goes
// into the first empty slot of its probe sequence without comparing keys.
// Packed keys must have no deleted entry (compact first): only the index
// tells those apart.
func (m *Map) reindex() {
	size := 16
	for size < 2*(int(m.live)+1) {
		size *= 2
	}
	if len(m.index) == size {
		clear(m.index)
	} else {
		// A fresh array is zero, all slots empty: from the system (a large
		// one), it is not even written.
		m.index = make([]int32, size)
	}
	if f := m.keys.form; f != formValues {
		for pos, w := range m.keys.words() {
			h := w
			if f != KInt {
				h = hashKey(Value{k: f, n: w})
			}
			m.place(h, pos)
		}
		return
	}
	for pos, k := range m.keys.vals() {
		if k.k != kUndef {
			m.place(hashKey(k), pos)
		}
	}
}

// place puts entry pos, whose key has hash h and is not in the index yet,
// into the first empty slot of its probe sequence.
func (m *Map) place(h uint64, pos int) {
	mask := uint64(len(m.index) - 1)
	i, perturb := h&mask, h
	for m.index[i] != 0 {
		perturb >>= 5
		i = (5*i + perturb + 1) & mask
	}
	m.index[i] = int32(pos + 1)
}

// Get looks up key k. It throws kind type for a key of a type that cannot be a key.
func (m *Map) Get(k Value) (Value, bool, error) {
	k, ok := normKey(k)
	if !ok {
		return Nil, false, keyError(k)
	}
	if i := m.find(k); i >= 0 {
		return m.vals.item(uint64(i)), true, nil
	}
	return Nil, false, nil
}

// GetStr looks up a string key.
func (m *Map) GetStr(s string) (Value, bool) {
	if i := m.find(Str(s)); i >= 0 {
		return m.vals.item(uint64(i)), true
	}
	return Nil, false
}

// Set stores v under key k.
func (m *Map) Set(k, v Value) error {
	k, ok := normKey(k)
	if !ok {
		return keyError(k)
	}
	m.set(k, v)
	return nil
}

// set stores v under the normalised key k.
func (m *Map) set(k, v Value) {
	if m.index == nil {
		if i := m.scan(k); i >= 0 {
			m.vals.Set(i, v)
			return
		}
		m.add(k, 0, 0, v)
		return
	}
	h := hashKey(k)
	if i, slot := m.probe(k, h); i >= 0 {
		m.vals.Set(i, v)
	} else {
		m.add(k, h, slot, v)
	}
}

// setInt is set for a plain int key n (the dispatch loop's m[i] = *v for
// task t): it replaces the value of an entry there is, and adds one only
// when the task has no memory limit to charge (the slow path charges it).
// It reports whether it stored v. An indexed map of packed int keys with
// room for the entry is done here; the rest goes through probe and add.
func (m *Map) setInt(n uint64, pv *Value, t *Task) bool {
	v := *pv
	if m.keys.form != KInt || m.index == nil {
		return m.setIntOther(n, v, t)
	}
	mask := uint64(len(m.index) - 1)
	i, perturb := n&mask, n
	for {
		ix := int(m.index[i]) - 1
		if ix == -1 {
			break
		}
		if ix >= 0 && *(*uint64)(unsafe.Add(m.keys.p, ix*wordSize)) == n {
			if !m.vals.store(ix, v) {
				m.vals.Set(ix, v)
			}
			return true
		}
		perturb >>= 5
		i = (5*i + perturb + 1) & mask
	}
	if t.countsBytes() {
		return false
	}
	j := m.keys.n
	if j == m.keys.c || j == m.vals.c || 3*(j+1) > 2*len(m.index) || !m.vals.store(j, v) {
		m.add(Value{k: KInt, n: n}, n, i, v)
		return true
	}
	*(*uint64)(unsafe.Add(m.keys.p, j*wordSize)) = n
	m.index[i] = int32(j + 1)
	m.keys.n++
	m.vals.n++
	m.live++
	m.edits++
	return true
}

// store writes v as item i (i < c) when v fits the list's form, without
// changing the form or the length; it reports whether it did. (A packed list
// with room has its kind: an empty one gets its capacity only after its
// first item chose the form.)
func (l *List) store(i int, v Value) bool {
	if l.form == formValues {
		*slot(l.p, i) = v
		return true
	}
	if l.form == v.k && v.p == nil {
		*(*uint64)(unsafe.Add(l.p, i*wordSize)) = v.n
		return true
	}
	return false
}

// setIndex runs SETINDEX (ins) for the dispatch loop's slow path: a new
// int key of a map through setInt, without exec's dispatch, unless the task
// charges memory; anything else through exec.
func (t *Task) setIndex(ins uint32) Status {
	if s := t.stack[t.sp-3 : t.sp]; s[0].k == KMap && s[1].k == KInt && s[0].AsMap().setInt(s[1].n, &s[2], t) {
		t.sp -= 3
		return statusRunning
	}
	return t.exec(ins)
}

// setIntOther is setInt for a map without an index or whose keys are not
// packed ints.
func (m *Map) setIntOther(n uint64, v Value, t *Task) bool {
	k := Value{k: KInt, n: n}
	var i int
	var slot uint64
	if m.index == nil {
		i = m.scan(k)
	} else {
		i, slot = m.probe(k, n)
	}
	if i >= 0 {
		m.vals.Set(i, v)
		return true
	}
	if t.countsBytes() {
		return false
	}
	m.add(k, n, slot, v)
	return true
}

// add appends the entry k: v for a normalised key k that is not in the map;
// h is its hash and slot the index slot probe found for it (both unused
// without an index).
func (m *Map) add(k Value, h, slot uint64, v Value) {
	if m.keys.form != formValues && int(m.live) < m.keys.n && (k.k != m.keys.form || k.p != nil) {
		// k turns packed keys with holes general, where a deleted entry
		// must be an undef key: only the index knows which ones are
		// deleted, so drop them first (holes imply an index).
		m.compact()
		if m.index != nil {
			_, slot = m.probe(k, h)
		}
	}
	if m.keys.n == m.keys.c && int(m.live) < m.keys.n/2 {
		m.compact()
		if m.index != nil {
			h = hashKey(k)
			_, slot = m.probe(k, h)
		}
	}
	if m.index != nil && 3*(m.keys.n+1) > 2*len(m.index) {
		if int(m.live) < m.keys.n {
			// Drop the deleted entries (as CPython's resize does): an
			// index rebuilt for the live ones only would be too full
			// for the entries left in keys at once, and rebuilt again
			// at every insertion. (Packed keys' holes are known only to
			// this index, too.)
			m.compact()
		} else {
			m.reindex()
		}
		if m.index != nil {
			_, slot = m.probe(k, h)
		}
	}
	if m.index != nil {
		m.index[slot] = int32(m.keys.n + 1)
	}
	pushItem(&m.keys, k)
	pushItem(&m.vals, v)
	m.live++
	m.edits++
	if m.index == nil && m.keys.n > smallMap {
		// Past smallMap entries the map gets its index and, when it was
		// made general (a literal's room), packs what it can.
		repack(&m.keys)
		repack(&m.vals)
		m.reindex()
	}
}

// repack packs a general list whose items are all of one scalar kind (a
// map's keys or values as its index is made), keeping its capacity.
func repack(l *List) {
	if l.form != formValues || l.n == 0 {
		return
	}
	vs := l.vals()
	k := vs[0].k
	if !packable(k) {
		return
	}
	for _, v := range vs {
		if v.k != k || v.p != nil {
			return
		}
	}
	w := make([]uint64, l.n, l.c)
	for i, v := range vs {
		w[i] = v.n
	}
	l.form = k
	l.setWords(w)
}

// pushItem is l.Append(v) with the common case inline: there is room, and
// v fits the list's form. An empty list without room whose first item does
// not pack turns general with room for 4 (what appendValue gives a first
// item), not the one slot List.general would make.
func pushItem(l *List, v Value) {
	if l.n < l.c && l.store(l.n, v) {
		l.n++
		return
	}
	if l.c == 0 && l.form != formValues && (!packable(v.k) || v.p != nil) {
		l.setVals(make([]Value, 0, 4))
	}
	old := l.vals()
	l.Append(v)
	if old != nil && unsafe.Pointer(unsafe.SliceData(old)) != l.p {
		// The values moved to new storage. The old may be a map's
		// inline room (mapBlock), which lives as long as the map: clear
		// it, or it keeps every value it held alive.
		clear(old)
	}
}

// newMapOf makes the map of a literal from its key, value pairs kv, a later
// key equal to an earlier one replacing its value, as Set one pair after the
// other. Up to smallMap pairs it appends to the room NewMap made, looking for
// each key only among those already in, without Set's checks for growing.
func newMapOf(kv []Value) (*Map, error) {
	m := NewMap(len(kv) / 2)
	if len(kv) > 2*smallMap {
		for i := 0; i < len(kv); i += 2 {
			if err := m.Set(kv[i], kv[i+1]); err != nil {
				return m, err
			}
		}
		return m, nil
	}
	if len(kv) == 0 {
		return m, nil
	}
	// The room NewMap made: general, with capacity for every pair.
	kp, vp, n := m.keys.p, m.vals.p, 0
	var err error
next:
	for i := 0; i < len(kv); i += 2 {
		k, ok := normKey(kv[i])
		if !ok {
			err = keyError(k)
			break
		}
		for j := range n {
			if sameKey(*slot(kp, j), k) {
				*slot(vp, j) = kv[i+1]
				continue next
			}
		}
		*slot(kp, n) = k
		*slot(vp, n) = kv[i+1]
		n++
	}
	m.keys.n, m.vals.n = n, n
	m.live = int32(n)
	m.edits = uint32(n)
	return m, err
}

// SetStr stores v under a string key.
func (m *Map) SetStr(k string, v Value) { m.set(Str(k), v) }

// Delete removes key k; a missing key is not an error.
func (m *Map) Delete(k Value) error {
	k, ok := normKey(k)
	if !ok {
		return keyError(k)
	}
	if m.index == nil {
		i := m.scan(k)
		if i < 0 {
			return nil
		}
		m.removeAt(i)
		m.live--
		m.edits++
		return nil
	}
	i, slot := m.probe(k, hashKey(k))
	if i < 0 {
		return nil
	}
	// The entry stays until compact; its index slot becomes a dummy that
	// probes go past. General keys get an undef key, which matches nothing;
	// packed keys keep the word (keyAt asks the index). A general value is
	// cleared; a packed value's word keeps nothing alive.
	m.index[slot] = dummySlot
	if ks := m.keys.vals(); ks != nil {
		ks[i] = undef
	}
	if vs := m.vals.vals(); vs != nil {
		vs[i] = Nil
	}
	m.live--
	m.edits++
	return nil
}

// removeAt takes entry i out of a map without an index, moving the later
// ones down (up to smallMap entries).
func (m *Map) removeAt(i int) {
	m.keys.remove(i)
	m.vals.remove(i)
}

// compact drops deleted entries and rebuilds the index. Which entries of
// packed keys are live only the index says: the positions it holds.
func (m *Map) compact() {
	if int(m.live) == m.keys.n {
		return
	}
	var live []bool
	if m.keys.form != formValues {
		live = make([]bool, m.keys.n)
		for _, ix := range m.index {
			if ix > 0 {
				live[ix-1] = true
			}
		}
	}
	ks, kw := m.keys.vals(), m.keys.words()
	vs, vw := m.vals.vals(), m.vals.words()
	j := 0
	for i := range m.keys.n {
		if live != nil && !live[i] || ks != nil && ks[i].k == kUndef {
			continue
		}
		if ks != nil {
			ks[j] = ks[i]
		} else {
			kw[j] = kw[i]
		}
		if vs != nil {
			vs[j] = vs[i]
		} else {
			vw[j] = vw[i]
		}
		j++
	}
	if ks != nil {
		clear(ks[j:])
	}
	if vs != nil {
		clear(vs[j:])
	}
	m.keys.n, m.vals.n = j, j
	m.index = nil
	if j > smallMap {
		m.reindex()
	}
}

// Entry returns the i-th slot in insertion order; ok is false for a deleted slot.
// Slots run from 0 to Slots()-1.
func (m *Map) Entry(i int) (k, v Value, ok bool) {
	if uint(i) >= uint(m.keys.n) {
		panic("vm: map entry out of range")
	}
	k, live := m.keyAt(i)
	if !live {
		return Nil, Nil, false
	}
	return storedKey(k), m.vals.item(uint64(i)), true
}

// Slots is the number of entry slots, deleted ones included.
func (m *Map) Slots() int { return m.keys.n }

// All iterates over the live entries in insertion order (for k, v := range
// m.All()). The loop must not add or delete keys: an insertion may
// compact the entries (add), moving those not yet visited.
func (m *Map) All() iter.Seq2[Value, Value] {
	return func(yield func(k, v Value) bool) {
		for i := 0; i < m.keys.n; i++ {
			if k, v, ok := m.Entry(i); ok && !yield(k, v) {
				return
			}
		}
	}
}

// Keys returns the live keys in insertion order.
func (m *Map) Keys() []Value {
	out := make([]Value, 0, m.live)
	for i := 0; i < m.keys.n; i++ {
		if k, live := m.keyAt(i); live {
			out = append(out, storedKey(k))
		}
	}
	return out
}

// Values returns the live values in insertion order.
func (m *Map) Values() []Value {
	out := make([]Value, 0, m.live)
	for i := 0; i < m.keys.n; i++ {
		if _, live := m.keyAt(i); live {
			out = append(out, m.vals.item(uint64(i)))
		}
	}
	return out
}

// Copy returns a shallow copy. A map of more than smallMap entries with no
// deleted one is copied in the forms it has (its keys and values cloned, the
// index rebuilt); one with deleted entries is built entry by entry, packing
// what it can; a small one is made for its size (NewMap).
func (m *Map) Copy() *Map {
	if int(m.live) == m.keys.n && m.live > smallMap {
		c := &Map{keys: *m.keys.clone(), vals: *m.vals.clone(), live: m.live, edits: uint32(m.live)}
		c.reindex()
		return c
	}
	c := &Map{}
	if m.live <= smallMap {
		c = NewMap(int(m.live))
	}
	for i := 0; i < m.keys.n; i++ {
		if k, live := m.keyAt(i); live {
			c.set(k, m.vals.item(uint64(i)))
		}
	}
	return c
}

// findInt is find for a plain int key in an indexed map whose keys are
// packed ints, small enough for the compiler to inline into the dispatch
// loop: the entry position, or -1.
func (m *Map) findInt(n uint64) int {
	mask := uint64(len(m.index) - 1)
	i, perturb := n&mask, n
	for {
		ix := int(m.index[i]) - 1 // -1 empty, -2 a dummy
		if ix == -1 || ix >= 0 && *(*uint64)(unsafe.Add(m.keys.p, ix*wordSize)) == n {
			return ix
		}
		perturb >>= 5
		i = (5*i + perturb + 1) & mask
	}
}
