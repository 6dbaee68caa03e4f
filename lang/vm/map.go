package vm

import (
	"math"
)

// smallMap is the size up to which a map finds keys by a linear scan and keeps no index.
const smallMap = 8

// Map is an insertion-ordered hash map. Entries live in keys/vals in insertion order;
// a deleted entry's key is undef until the slice is compacted. Keys are indexed by
// kind: ints and strings in Go maps specialised for them, everything else in other.
type Map struct {
	keys  []Value
	vals  []Value
	live  int
	ints  map[int64]int32
	strs  map[string]int32
	other map[otherKey]int32
}

type otherKey struct {
	k Kind
	n uint64
}

// NewMap makes an empty map with room for n entries.
func NewMap(n int) *Map {
	m := &Map{}
	if n > 0 {
		m.keys = make([]Value, 0, n)
		m.vals = make([]Value, 0, n)
	}
	return m
}

// Len is the number of entries.
func (m *Map) Len() int { return m.live }

// normKey checks that v can be a key and folds an integral float into the equal int.
func normKey(v Value) (Value, bool) {
	switch v.k {
	case KNil, KBool, KInt, KStr:
		return v, true
	case KFloat:
		f := v.AsFloat()
		if f == math.Trunc(f) && f >= -9.223372036854775808e18 && f < 9.223372036854775808e18 {
			return Int(int64(f)), true
		}
		if f == 0 { // -0.0
			return Int(0), true
		}
		return v, true
	}
	return v, false
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

// find returns the entry index of key k (already normalised), or -1.
func (m *Map) find(k Value) int {
	if m.ints == nil && m.strs == nil && m.other == nil {
		for i := range m.keys {
			if sameKey(m.keys[i], k) {
				return i
			}
		}
		return -1
	}
	var i int32
	var ok bool
	switch k.k {
	case KInt:
		i, ok = m.ints[int64(k.n)]
	case KStr:
		i, ok = m.strs[k.AsStr()]
	default:
		i, ok = m.other[otherKey{k.k, k.n}]
	}
	if !ok {
		return -1
	}
	return int(i)
}

func (m *Map) index(k Value, i int) {
	switch k.k {
	case KInt:
		if m.ints == nil {
			m.ints = make(map[int64]int32)
		}
		m.ints[int64(k.n)] = int32(i)
	case KStr:
		if m.strs == nil {
			m.strs = make(map[string]int32)
		}
		m.strs[k.AsStr()] = int32(i)
	default:
		if m.other == nil {
			m.other = make(map[otherKey]int32)
		}
		m.other[otherKey{k.k, k.n}] = int32(i)
	}
}

func (m *Map) indexed() bool { return m.ints != nil || m.strs != nil || m.other != nil }

func (m *Map) buildIndex() {
	for i, k := range m.keys {
		if k.k != kUndef {
			m.index(k, i)
		}
	}
	if !m.indexed() { // all entries deleted: make the index non-nil anyway
		m.ints = make(map[int64]int32)
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
	if i := m.find(k); i >= 0 {
		m.vals[i] = v
		return nil
	}
	if len(m.keys) == cap(m.keys) && m.live < len(m.keys)/2 {
		m.compact()
	}
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	m.live++
	if m.indexed() {
		m.index(k, len(m.keys)-1)
	} else if len(m.keys) > smallMap {
		m.buildIndex()
	}
	return nil
}

// SetStr stores v under a string key.
func (m *Map) SetStr(k string, v Value) { _ = m.Set(Str(k), v) }

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
	switch k.k {
	case KInt:
		delete(m.ints, int64(k.n))
	case KStr:
		delete(m.strs, k.AsStr())
	default:
		delete(m.other, otherKey{k.k, k.n})
	}
	m.keys[i] = undef
	m.vals[i] = Nil
	m.live--
	if i == len(m.keys)-1 {
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
	if m.indexed() {
		m.ints, m.strs, m.other = nil, nil, nil
		if len(m.keys) > smallMap {
			m.buildIndex()
		}
	}
}

// Entry returns the i-th slot in insertion order; ok is false for a deleted slot.
// Slots run from 0 to Slots()-1.
func (m *Map) Entry(i int) (k, v Value, ok bool) {
	if m.keys[i].k == kUndef {
		return Nil, Nil, false
	}
	return m.keys[i], m.vals[i], true
}

// Slots is the number of entry slots, deleted ones included.
func (m *Map) Slots() int { return len(m.keys) }

// Keys returns the live keys in insertion order.
func (m *Map) Keys() []Value {
	out := make([]Value, 0, m.live)
	for _, k := range m.keys {
		if k.k != kUndef {
			out = append(out, k)
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
