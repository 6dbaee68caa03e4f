package vm

import (
	"math"
	"math/rand"
	"runtime"
	"strconv"
	"testing"
	"weak"
)

// mapModel is an insertion-ordered map keyed by the key's equality class
// (an integral float is the equal int, -0.0 is 0, bools are not numbers),
// keeping each key as first inserted: the reference for
// TestMapTransitionsAgainstModel.
type mapModel struct {
	pos   map[string]int
	keys  []Value
	vals  []Value
	alive []bool
	n     int
}

func modelKey(k Value) string {
	switch k.k {
	case KInt:
		return "i" + strconv.FormatInt(k.AsInt(), 10)
	case KFloat:
		f := k.AsFloat()
		if f == math.Trunc(f) && f >= -9.223372036854775808e18 && f < 9.223372036854775808e18 {
			return "i" + strconv.FormatInt(int64(f), 10)
		}
		return "f" + strconv.FormatUint(math.Float64bits(f), 10)
	case KBool:
		return "b" + Repr(k)
	case KNil:
		return "n"
	}
	return "s" + k.AsStr()
}

func (m *mapModel) set(k, v Value) {
	mk := modelKey(k)
	if i, ok := m.pos[mk]; ok {
		m.vals[i] = v
		return
	}
	m.pos[mk] = len(m.keys)
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	m.alive = append(m.alive, true)
	m.n++
}

func (m *mapModel) del(k Value) {
	mk := modelKey(k)
	if i, ok := m.pos[mk]; ok {
		delete(m.pos, mk)
		m.alive[i] = false
		m.n--
	}
}

func (m *mapModel) get(k Value) (Value, bool) {
	if i, ok := m.pos[modelKey(k)]; ok {
		return m.vals[i], true
	}
	return Nil, false
}

// sameKeyForm: the same key in the same form (type and text, -0.0 apart from 0.0).
func sameKeyForm(a, b Value) bool { return a.k == b.k && Repr(a) == Repr(b) }

// TestMapTransitionsAgainstModel runs phases of operations on one map that
// move it between packed and general forms while it holds deleted entries:
// int keys with many deletes, then keys of every kind (integral floats,
// -0.0, nan, inf, huge ints, bools, nil, strings) and values of every kind,
// then deleting everything, then int keys again. After every phase, and
// often within, the map is checked whole against the model: length, each
// key's value, keys and values in order with each key's first form, Entry,
// a copy, and lookups of keys never inserted or deleted.
func TestMapTransitionsAgainstModel(t *testing.T) {
	nan := math.NaN()
	intKey := func(r *rand.Rand) Value { return Int(int64(r.Intn(400))) }
	anyKey := func(r *rand.Rand) Value {
		switch r.Intn(12) {
		case 0:
			return Float(float64(r.Intn(400))) // the int's equal
		case 1:
			return Float(float64(r.Intn(400)) + 0.25)
		case 2:
			return Float(math.Copysign(0, -1))
		case 3:
			return []Value{Float(nan), Float(math.Inf(1)), Float(math.Inf(-1)), Float(1e300), Float(9.223372036854775808e18), Float(-9.223372036854775808e18)}[r.Intn(6)]
		case 4:
			return []Value{Int(math.MaxInt64), Int(math.MinInt64), Int(math.MinInt64 + 1), Int(1 << 53), Int(1<<53 + 1)}[r.Intn(5)]
		case 5:
			return Bool(r.Intn(2) == 0)
		case 6:
			return Nil
		case 7:
			return Str(strconv.Itoa(r.Intn(100)))
		}
		return intKey(r)
	}
	intVal := func(r *rand.Rand, step int) Value { return Int(int64(step)) }
	anyVal := func(r *rand.Rand, step int) Value {
		switch r.Intn(8) {
		case 0:
			return Float(float64(step) + 0.5)
		case 1:
			return Str("v" + strconv.Itoa(step))
		case 2:
			return NewList([]Value{Int(int64(step))})
		case 3:
			return Bool(step%2 == 0)
		case 4:
			return Nil
		}
		return Int(int64(step))
	}
	probes := []Value{Int(-1), Int(400), Float(0.5), Str("none"), Float(2.5e18), Int(math.MaxInt64 - 1)}
	type phase struct {
		name  string
		steps int
		key   func(*rand.Rand) Value
		val   func(*rand.Rand, int) Value
		del   int // percent of steps that delete
	}
	phases := []phase{
		{"ints", 3000, intKey, intVal, 30},
		{"ints, then any key", 3000, anyKey, intVal, 30},
		{"any key and value", 3000, anyKey, anyVal, 30},
		{"mostly deletes", 6000, anyKey, anyVal, 90},
		{"ints again", 3000, intKey, intVal, 20},
	}
	for seed := int64(1); seed <= 6; seed++ {
		r := rand.New(rand.NewSource(seed))
		m := NewMap(0)
		if seed%2 == 0 {
			m, _ = newMapOf([]Value{Int(1), Int(1), Int(2), Int(2)}) // a literal's room
		}
		model := &mapModel{pos: map[string]int{}}
		if seed%2 == 0 {
			model.set(Int(1), Int(1))
			model.set(Int(2), Int(2))
		}
		check := func(where string) {
			t.Helper()
			if m.Len() != model.n {
				t.Fatalf("seed %d %s: Len %d, want %d", seed, where, m.Len(), model.n)
			}
			var wk, wv []Value
			for i, k := range model.keys {
				if model.alive[i] {
					wk = append(wk, k)
					wv = append(wv, model.vals[i])
				}
			}
			gk, gv := m.Keys(), m.Values()
			if len(gk) != len(wk) || len(gv) != len(wv) {
				t.Fatalf("seed %d %s: %d keys %d values, want %d", seed, where, len(gk), len(gv), len(wk))
			}
			for i := range wk {
				if !sameKeyForm(gk[i], wk[i]) || !same(gv[i], wv[i]) {
					t.Fatalf("seed %d %s: entry %d is %s: %s, want %s: %s", seed, where, i, Repr(gk[i]), Repr(gv[i]), Repr(wk[i]), Repr(wv[i]))
				}
				if v, ok, err := m.Get(wk[i]); err != nil || !ok || !same(v, wv[i]) {
					t.Fatalf("seed %d %s: Get(%s) = %s %v %v, want %s", seed, where, Repr(wk[i]), Repr(v), ok, err, Repr(wv[i]))
				}
			}
			j := 0
			for i := 0; i < m.Slots(); i++ {
				if k, v, ok := m.Entry(i); ok {
					if !sameKeyForm(k, wk[j]) || !same(v, wv[j]) {
						t.Fatalf("seed %d %s: Entry %d is %s, want %s", seed, where, i, Repr(k), Repr(wk[j]))
					}
					j++
				}
			}
			if j != len(wk) {
				t.Fatalf("seed %d %s: Entry gives %d live entries, want %d", seed, where, j, len(wk))
			}
			for i, k := range model.keys {
				if !model.alive[i] {
					if _, live := model.pos[modelKey(k)]; !live {
						if v, ok, _ := m.Get(k); ok {
							t.Fatalf("seed %d %s: deleted key %s reads %s", seed, where, Repr(k), Repr(v))
						}
					}
				}
			}
			for _, k := range probes {
				_, ok, _ := m.Get(k)
				_, want := model.get(k)
				if ok != want {
					t.Fatalf("seed %d %s: Get(%s) found %v, want %v", seed, where, Repr(k), ok, want)
				}
			}
			c := m.Copy()
			if !same(MapValue(c), MapValue(m)) || c.Len() != m.Len() {
				t.Fatalf("seed %d %s: the copy differs", seed, where)
			}
			ck := c.Keys()
			for i := range wk {
				if !sameKeyForm(ck[i], wk[i]) {
					t.Fatalf("seed %d %s: the copy's key %d is %s, want %s", seed, where, i, Repr(ck[i]), Repr(wk[i]))
				}
			}
		}
		step := 0
		for _, ph := range phases {
			for range ph.steps {
				step++
				k := ph.key(r)
				switch {
				case r.Intn(100) < ph.del:
					if err := m.Delete(k); err != nil {
						t.Fatal(err)
					}
					model.del(k)
				case k.k == KInt && r.Intn(2) == 0:
					v := ph.val(r, step)
					if !m.setInt(k.n, &v, &Task{}) {
						t.Fatalf("seed %d %s: setInt stored nothing", seed, ph.name)
					}
					model.set(k, v)
				default:
					v := ph.val(r, step)
					if err := m.Set(k, v); err != nil {
						t.Fatal(err)
					}
					model.set(k, v)
				}
				if step%97 == 0 {
					check(ph.name + " at step " + strconv.Itoa(step))
				}
			}
			check("after " + ph.name)
		}
	}
}

// TestMapDeletedEntriesDoNotShrinkTheIndex: a map of general keys with
// deleted entries whose index fills up drops the deleted entries (as a map
// of packed keys does), so that the index it gets has room for the entries
// that stay in keys: 3*Slots <= 2*len(index) after every insertion. Rebuilt
// for the live entries only, the index was at once too full again, and
// every later insertion rebuilt it (each one O(n), until the keys' capacity
// ran out).
func TestMapDeletedEntriesDoNotShrinkTheIndex(t *testing.T) {
	for _, n := range []int{333, 5374, 20422} {
		for _, mk := range []func(i int) Value{
			func(i int) Value { return Str("k" + strconv.Itoa(i)) },
			func(i int) Value { return Float(float64(i) + 0.5) },
		} {
			m := NewMap(0)
			for i := range n {
				_ = m.Set(mk(i), Int(int64(i)))
			}
			for i := range n * 3 / 10 {
				_ = m.Delete(mk(i))
			}
			m.Set(Str("x"), Nil) // general keys, if they were not
			for i := n; i < 3*n; i++ {
				_ = m.Set(mk(i), Int(int64(i)))
				if 3*m.Slots() > 2*len(m.index) {
					t.Fatalf("n %d: after adding key %d, %d slots in an index of %d", n, i, m.Slots(), len(m.index))
				}
			}
			if m.Len() != 3*n-n*3/10+1 {
				t.Fatalf("n %d: %d entries", n, m.Len())
			}
		}
	}
}

// TestMapPackedThenPointersThroughGC: a map of packed int keys and values
// with deleted entries, then given string keys (made fresh, not constants)
// and list and string values through Set and setInt, holds them through
// collections: each reads back intact.
func TestMapPackedThenPointersThroughGC(t *testing.T) {
	m := NewMap(0)
	for i := range 3000 {
		v := Int(int64(i))
		m.setInt(uint64(i), &v, &Task{})
	}
	for i := 0; i < 3000; i += 7 {
		_ = m.Delete(Int(int64(i)))
	}
	for i := range 3000 {
		var v Value
		if i%2 == 0 {
			v = NewList([]Value{Str(strconv.Itoa(i) + "!")})
		} else {
			v = Str("v" + strconv.Itoa(i))
		}
		if i%3 == 0 {
			_ = m.Set(Str("k"+strconv.Itoa(i)), v)
		} else {
			m.setInt(uint64(i), &v, &Task{})
		}
	}
	for range 3 {
		runtime.GC()
		junk := make([][]byte, 0, 64)
		for range 64 {
			junk = append(junk, make([]byte, 1<<16))
		}
		_ = junk
	}
	for i := range 3000 {
		k := Int(int64(i))
		if i%3 == 0 {
			k = Str("k" + strconv.Itoa(i))
		}
		v, ok, _ := m.Get(k)
		if !ok {
			t.Fatalf("key %s missing", Repr(k))
		}
		if i%2 == 0 {
			if v.k != KList || v.AsList().At(0).AsStr() != strconv.Itoa(i)+"!" {
				t.Fatalf("m[%s] = %s", Repr(k), Repr(v))
			}
		} else if v.k != KStr || v.AsStr() != "v"+strconv.Itoa(i) {
			t.Fatalf("m[%s] = %s", Repr(k), Repr(v))
		}
	}
}

// TestMapRoomKeepsNothingAlive: a map made with inline room (a literal's,
// NewMap(n) for n <= 8) whose values outgrow the room moves them to new
// storage; a value deleted later must be collectable, so the room left
// behind may not keep the old copies of the values (nor the keys).
func TestMapRoomKeepsNothingAlive(t *testing.T) {
	for _, n := range []int{2, 4, 8} {
		m := NewMap(n)
		l := &List{}
		wl := weak.Make(l)
		m.SetStr("a", ListValue(l))
		m.SetStr("b", Str("x"))
		for i := range 12 {
			m.SetStr("k"+strconv.Itoa(i), Int(int64(i)))
		}
		_ = m.Delete(Str("a"))
		l = nil
		runtime.GC()
		runtime.GC()
		if wl.Value() != nil {
			t.Errorf("NewMap(%d): the deleted value is still reachable", n)
		}
		runtime.KeepAlive(m)
	}
}
