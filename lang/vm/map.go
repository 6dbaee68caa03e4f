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
// in keys/vals in insertion order (a deleted entry's key is undef until the
// slices are compacted), and index, an open-addressing table whose length is a
// power of two, holds the position in keys of each entry (or emptySlot). A map
// of up to smallMap entries has no index and finds keys by a linear scan.
type Map struct {
	keys  []Value
	vals  []Value
	live  int
	index []int32
	// edits counts the keys added and deleted (not values replaced), so that
	// a for loop over the map can tell that its keys changed (iter.go).
	edits uint32
}

const emptySlot = -1

// strSeed seeds the hash of string keys.
var strSeed = maphash.MakeSeed()

// NewMap makes an empty map with room for n entries. A map made for up to
// smallMap entries (a map literal, a record) is one allocation: the map and
// room for its keys and values, instead of three.
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
	return &Map{keys: make([]Value, 0, n), vals: make([]Value, 0, n)}
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
	m.keys, m.vals = kv[0:0:h], kv[h:h:len(kv)]
	return m
}

// Len is the number of entries.
func (m *Map) Len() int { return m.live }

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

// probe looks for k (hash h) in the index: it returns k's entry position, or -1
// and the empty slot where k would go.
func (m *Map) probe(k Value, h uint64) (int, uint64) {
	mask := uint64(len(m.index) - 1)
	i, perturb := h&mask, h
	for {
		ix := m.index[i]
		if ix == emptySlot {
			return -1, i
		}
		if sameKey(m.keys[ix], k) {
			return int(ix), i
		}
		perturb >>= 5
		i = (5*i + perturb + 1) & mask
	}
}

// find returns the entry index of key k (already normalised), or -1.
func (m *Map) find(k Value) int {
	if m.index == nil {
		for i := range m.keys {
			if sameKey(m.keys[i], k) {
				return i
			}
		}
		return -1
	}
	i, _ := m.probe(k, hashKey(k))
	return i
}

// reindex rebuilds the index for the live entries, with room to grow: the index
// stays at most two thirds full.
func (m *Map) reindex() {
	size := 16
	for size < 2*(m.live+1) {
		size *= 2
	}
	if m.index != nil && len(m.index) == size {
		for i := range m.index {
			m.index[i] = emptySlot
		}
	} else {
		m.index = make([]int32, size)
		for i := range m.index {
			m.index[i] = emptySlot
		}
	}
	for pos, k := range m.keys {
		if k.k != kUndef {
			_, slot := m.probe(k, hashKey(k))
			m.index[slot] = int32(pos)
		}
	}
}

// Get looks up key k. It throws kind type for a key of a type that cannot be a key.
func (m *Map) Get(k Value) (Value, bool, error) {
	k, ok := normKey(k)
	if !ok {
		return Nil, false, keyError(k)
	}
	if i := m.find(k); i >= 0 {
		return m.vals[i], true, nil
	}
	return Nil, false, nil
}

// GetStr looks up a string key.
func (m *Map) GetStr(s string) (Value, bool) {
	if i := m.find(Str(s)); i >= 0 {
		return m.vals[i], true
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
		if i := m.find(k); i >= 0 {
			m.vals[i] = v
			return
		}
		if len(m.keys) == cap(m.keys) && m.live < len(m.keys)/2 {
			m.compact()
		}
		m.keys = appendValue(m.keys, k)
		m.vals = appendValue(m.vals, v)
		m.live++
		m.edits++
		if len(m.keys) > smallMap {
			m.reindex()
		}
		return
	}
	h := hashKey(k)
	i, slot := m.probe(k, h)
	if i >= 0 {
		m.vals[i] = v
		return
	}
	if len(m.keys) == cap(m.keys) && m.live < len(m.keys)/2 {
		m.compact()
		m.set(k, v)
		return
	}
	if 3*(len(m.keys)+1) > 2*len(m.index) {
		m.reindex()
		_, slot = m.probe(k, h)
	}
	m.index[slot] = int32(len(m.keys))
	m.keys = appendValue(m.keys, k)
	m.vals = appendValue(m.vals, v)
	m.live++
	m.edits++
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
	var err error
next:
	for i := 0; i < len(kv); i += 2 {
		k, ok := normKey(kv[i])
		if !ok {
			err = keyError(k)
			break
		}
		for j := range m.keys {
			if sameKey(m.keys[j], k) {
				m.vals[j] = kv[i+1]
				continue next
			}
		}
		m.keys = append(m.keys, k)
		m.vals = append(m.vals, kv[i+1])
	}
	m.live = len(m.keys)
	m.edits = uint32(m.live)
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
	i := m.find(k)
	if i < 0 {
		return nil
	}
	// The entry stays, with an undef key that matches nothing, until compact:
	// an index slot may point at it.
	m.keys[i] = undef
	m.vals[i] = Nil
	m.live--
	m.edits++
	if i == len(m.keys)-1 && m.index == nil {
		m.keys = m.keys[:i]
		m.vals = m.vals[:i]
	}
	return nil
}

// compact drops deleted entries and rebuilds the index.
func (m *Map) compact() {
	j := 0
	for i, k := range m.keys {
		if k.k != kUndef {
			m.keys[j] = k
			m.vals[j] = m.vals[i]
			j++
		}
	}
	for i := j; i < len(m.keys); i++ {
		m.keys[i] = Nil
		m.vals[i] = Nil
	}
	m.keys = m.keys[:j]
	m.vals = m.vals[:j]
	m.index = nil
	if len(m.keys) > smallMap {
		m.reindex()
	}
}

// Entry returns the i-th slot in insertion order; ok is false for a deleted slot.
// Slots run from 0 to Slots()-1.
func (m *Map) Entry(i int) (k, v Value, ok bool) {
	if m.keys[i].k == kUndef {
		return Nil, Nil, false
	}
	return storedKey(m.keys[i]), m.vals[i], true
}

// Slots is the number of entry slots, deleted ones included.
func (m *Map) Slots() int { return len(m.keys) }

// All iterates over the live entries in insertion order (for k, v := range
// m.All()). Entries added during the loop are visited too.
func (m *Map) All() iter.Seq2[Value, Value] {
	return func(yield func(k, v Value) bool) {
		for i := 0; i < len(m.keys); i++ {
			if k, v, ok := m.Entry(i); ok && !yield(k, v) {
				return
			}
		}
	}
}

// Keys returns the live keys in insertion order.
func (m *Map) Keys() []Value {
	out := make([]Value, 0, m.live)
	for _, k := range m.keys {
		if k.k != kUndef {
			out = append(out, storedKey(k))
		}
	}
	return out
}

// Values returns the live values in insertion order.
func (m *Map) Values() []Value {
	out := make([]Value, 0, m.live)
	for i, k := range m.keys {
		if k.k != kUndef {
			out = append(out, m.vals[i])
		}
	}
	return out
}

// Copy returns a shallow copy.
func (m *Map) Copy() *Map {
	c := NewMap(m.live)
	for i, k := range m.keys {
		if k.k != kUndef {
			_ = c.Set(k, m.vals[i])
		}
	}
	return c
}

// findInt is find for an int key in an indexed map, small enough for the
// compiler to inline into the dispatch loop: the entry position, or emptySlot.
func (m *Map) findInt(n uint64) int32 {
	mask := uint64(len(m.index) - 1)
	i, perturb := n&mask, n
	for {
		ix := m.index[i]
		if ix == emptySlot || m.keys[ix].k == KInt && m.keys[ix].n == n {
			return ix
		}
		perturb >>= 5
		i = (5*i + perturb + 1) & mask
	}
}
