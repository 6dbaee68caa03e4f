package vm

import (
	"math/rand"
	"slices"
	"strconv"
	"testing"
	"unsafe"
)

// TestMapAgainstGoMap runs random sets, deletes and lookups on a Map and on a Go
// map and compares them, with key sets that stress the index: dense ints, ints
// that differ only in their high bits, negative ints, strings and mixed kinds.
func TestMapAgainstGoMap(t *testing.T) {
	keyGens := map[string]func(r *rand.Rand) Value{
		"dense":    func(r *rand.Rand) Value { return Int(int64(r.Intn(3000))) },
		"highbits": func(r *rand.Rand) Value { return Int(int64(r.Intn(2000)) << 40) },
		"negative": func(r *rand.Rand) Value { return Int(-int64(r.Intn(2000)) * 1024) },
		"strings":  func(r *rand.Rand) Value { return Str("k" + strconv.Itoa(r.Intn(2000))) },
		"mixed": func(r *rand.Rand) Value {
			switch r.Intn(5) {
			case 0:
				return Int(int64(r.Intn(50)))
			case 1:
				return Float(float64(r.Intn(50)) + 0.5)
			case 2:
				return Str(strconv.Itoa(r.Intn(50)))
			case 3:
				return Bool(r.Intn(2) == 0)
			}
			return Nil
		},
	}
	for name, gen := range keyGens {
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewSource(1))
			m := NewMap(0)
			model := map[string]int64{}
			var order []string // the model's insertion order
			for step := 0; step < 20000; step++ {
				k := gen(r)
				ks := Repr(k) + "/" + k.TypeName()
				switch op := r.Intn(10); {
				case op < 6:
					if err := m.Set(k, Int(int64(step))); err != nil {
						t.Fatal(err)
					}
					if _, ok := model[ks]; !ok {
						order = append(order, ks)
					}
					model[ks] = int64(step)
				case op < 8:
					if err := m.Delete(k); err != nil {
						t.Fatal(err)
					}
					if _, ok := model[ks]; ok {
						delete(model, ks)
						for i, o := range order {
							if o == ks {
								order = append(order[:i], order[i+1:]...)
								break
							}
						}
					}
				default:
					v, ok, err := m.Get(k)
					want, wantOK := model[ks]
					if err != nil || ok != wantOK || ok && v.AsInt() != want {
						t.Fatalf("step %d: Get(%s) = %v %v %v, want %v %v", step, ks, Repr(v), ok, err, want, wantOK)
					}
				}
				if m.Len() != len(model) {
					t.Fatalf("step %d: Len %d, want %d", step, m.Len(), len(model))
				}
			}
			// Iteration follows insertion order.
			var got []string
			for _, k := range m.Keys() {
				got = append(got, Repr(k)+"/"+k.TypeName())
			}
			if len(got) != len(order) {
				t.Fatalf("%d keys, want %d", len(got), len(order))
			}
			for i := range got {
				if got[i] != order[i] {
					t.Fatalf("key %d is %s, want %s", i, got[i], order[i])
				}
			}
		})
	}
}

// TestMapIntKeysAgainstGoMap runs random int-key stores through setInt (the
// dispatch loop's m[i] = v) and findInt, with Set, Delete and Get mixed in,
// values of changing kinds and a few float and string keys, on maps grown
// past several index sizes, and compares them with a Go map and its order.
func TestMapIntKeysAgainstGoMap(t *testing.T) {
	for _, c := range []struct {
		name   string
		keys   int // the int keys are 0..keys-1, times spread
		spread int64
		other  int  // one step in other does something other than an int-key store (0: none)
		ints   bool // that is always a delete, so that keys and values stay ints
	}{
		{"dense packed", 5000, 1, 0, true},
		{"sparse packed", 5000, 1 << 33, 0, true},
		{"dense packed deletes", 3000, 1, 3, true},
		{"sparse packed deletes", 3000, 1 << 40, 4, true},
		{"dense mixed", 3000, 3, 7, false},
		{"negative mixed", 3000, -1024, 5, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := rand.New(rand.NewSource(2))
			m := NewMap(0)
			model := map[string]Value{}
			var order []string
			store := func(k, v Value) {
				ks := Repr(k)
				if _, ok := model[ks]; !ok {
					order = append(order, ks)
				}
				model[ks] = v
			}
			for step := 0; step < 30000; step++ {
				k := Int(int64(r.Intn(c.keys)) * c.spread)
				v := Int(int64(step))
				if c.other > 0 && step%c.other == c.other-1 {
					op := r.Intn(4)
					if c.ints {
						op = 2
					}
					switch op {
					case 0:
						v = Float(float64(step) + 0.5)
					case 1:
						v = Str("s" + strconv.Itoa(step))
					case 2:
						if err := m.Delete(k); err != nil {
							t.Fatal(err)
						}
						ks := Repr(k)
						if _, ok := model[ks]; ok {
							delete(model, ks)
							order = slices.DeleteFunc(order, func(o string) bool { return o == ks })
						}
						continue
					case 3:
						if err := m.Set(Str("k"+strconv.Itoa(step%50)), v); err != nil {
							t.Fatal(err)
						}
						store(Str("k"+strconv.Itoa(step%50)), v)
						continue
					}
				}
				if r.Intn(3) == 0 {
					got, ok, err := m.Get(k)
					want, wantOK := model[Repr(k)]
					if err != nil || ok != wantOK || ok && !same(got, want) {
						t.Fatalf("step %d: Get(%s) = %s %v %v, want %s %v", step, Repr(k), Repr(got), ok, err, Repr(want), wantOK)
					}
					if m.index != nil && m.keys.form == KInt {
						if j := m.findInt(k.n); j >= 0 != wantOK || j >= 0 && !same(m.vals.item(uint64(j)), want) {
							t.Fatalf("step %d: findInt(%s) = %d, want %v", step, Repr(k), j, wantOK)
						}
					}
				}
				if !m.setInt(k.n, &v, &Task{}) {
					t.Fatalf("step %d: setInt(%s, grow) stored nothing", step, Repr(k))
				}
				store(k, v)
				if m.Len() != len(model) {
					t.Fatalf("step %d: Len %d, want %d", step, m.Len(), len(model))
				}
			}
			if c.ints && (m.keys.form != KInt || m.vals.form != KInt) {
				t.Errorf("int keys and values only: forms %d %d, want both packed ints", m.keys.form, m.vals.form)
			}
			var got []string
			for k, v := range m.All() {
				got = append(got, Repr(k))
				if want := model[Repr(k)]; !same(v, want) {
					t.Fatalf("%s: %s, want %s", Repr(k), Repr(v), Repr(want))
				}
			}
			if !slices.Equal(got, order) {
				t.Fatalf("order %d keys, want %d", len(got), len(order))
			}
			if c := m.Copy(); !same(MapValue(c), MapValue(m)) || !slices.Equal(c.Keys(), m.Keys()) {
				t.Fatalf("copy differs")
			}
		})
	}
}

// same is Equal for values that compare without error.
func same(a, b Value) bool {
	eq, err := Equal(a, b)
	return err == nil && eq
}

// TestMapForms checks when a map's keys and values are packed and when they
// turn general, and that setInt leaves a new key of a task with a memory
// limit to the slow path, which charges it.
func TestMapForms(t *testing.T) {
	m := NewMap(0)
	for i := range 100 {
		v := Int(int64(i))
		m.setInt(uint64(i*3), &v, &Task{})
	}
	if m.keys.form != KInt || m.vals.form != KInt || m.index == nil || len(m.keys.words()) != 100 {
		t.Fatalf("int map: forms %d %d, index %d", m.keys.form, m.vals.form, len(m.index))
	}
	limited := &Task{Quota: &Quota{MaxBytes: 1 << 20}}
	if v := Int(1); m.setInt(1, &v, limited) || m.Len() != 100 {
		t.Fatal("setInt added a key for a task with a memory limit")
	}
	if v := Int(-1); !m.setInt(3, &v, limited) || m.vals.item(1) != Int(-1) {
		t.Fatal("setInt did not replace a value for a task with a memory limit")
	}
	_ = m.Set(Int(6), Float(1.5))
	if m.keys.form != KInt || m.vals.form != formValues {
		t.Fatalf("a float value: forms %d %d, want packed keys and general values", m.keys.form, m.vals.form)
	}
	if v, _, _ := m.Get(Int(9)); v != Int(3) {
		t.Fatalf("m[9] = %s after the values turned general", Repr(v))
	}
	_ = m.Set(Float(300), Int(7))
	if m.keys.form != formValues {
		t.Fatal("a float key folded into an int did not turn the keys general")
	}
	if k := m.Keys()[100]; k.k != KFloat || k.AsFloat() != 300 {
		t.Fatalf("the float key came back as %s", Repr(k))
	}
	d := NewMap(0)
	for i := range 20 {
		_ = d.Set(Int(int64(i)), Bool(i%2 == 0))
	}
	if d.keys.form != KInt || d.vals.form != KBool {
		t.Fatalf("int to bool map: forms %d %d", d.keys.form, d.vals.form)
	}
	_ = d.Delete(Int(4))
	if d.keys.form != KInt || d.vals.form != KBool || d.Len() != 19 || d.Slots() != 20 {
		t.Fatalf("after a delete: forms %d %d, %d entries in %d slots", d.keys.form, d.vals.form, d.Len(), d.Slots())
	}
	if _, _, ok := d.Entry(4); ok {
		t.Fatal("the deleted entry is still there")
	}
	if v, ok, _ := d.Get(Int(5)); !ok || v != Bool(false) {
		t.Fatalf("d[5] = %s %v", Repr(v), ok)
	}
	if j := d.findInt(4); j >= 0 {
		t.Fatalf("findInt finds the deleted key at %d", j)
	}
	if c := d.Copy(); c.Len() != 19 || c.keys.form != KInt || c.vals.form != KBool {
		t.Fatalf("copy of a map with a hole: %d entries, forms %d %d", c.Len(), c.keys.form, c.vals.form)
	}
	_ = d.Set(Int(4), Bool(true)) // back, at the end
	if ks := d.Keys(); len(ks) != 20 || ks[4] != Int(5) || ks[19] != Int(4) {
		t.Fatalf("keys after deleting and adding 4 again: %s", Repr(NewList(ks)))
	}
	for i := range 30 {
		_ = d.Delete(Int(int64(i)))
	}
	for i := range 200 {
		_ = d.Set(Int(int64(1000+i)), Bool(true))
	}
	if d.keys.form != KInt || d.Len() != 200 || d.Slots() > 256 {
		t.Fatalf("emptied and refilled: form %d, %d entries in %d slots", d.keys.form, d.Len(), d.Slots())
	}
	if ks := d.Keys(); ks[0] != Int(1000) || ks[199] != Int(1199) {
		t.Fatalf("refilled keys run %s to %s", Repr(ks[0]), Repr(ks[199]))
	}
	small := NewMap(0)
	for i := range 5 {
		_ = small.Set(Int(int64(i)), Int(int64(i)))
	}
	_ = small.Delete(Int(1))
	if small.Slots() != 4 || small.keys.form != KInt || small.Keys()[1] != Int(2) {
		t.Fatalf("a small map after a delete: %d slots, form %d", small.Slots(), small.keys.form)
	}
	lit, _ := newMapOf([]Value{Int(1), Int(10), Int(2), Int(20)})
	if lit.keys.form != formValues {
		t.Fatalf("a literal's map: key form %d, want general (its room)", lit.keys.form)
	}
	for i := range 10 {
		_ = lit.Set(Int(int64(3+i)), Int(int64(30+10*i)))
	}
	if lit.keys.form != KInt || lit.vals.form != KInt || lit.index == nil {
		t.Fatalf("a literal's map of ints past %d entries: forms %d %d, want packed ints", smallMap, lit.keys.form, lit.vals.form)
	}
	if v, _, _ := lit.Get(Int(12)); v != Int(120) || lit.Keys()[0] != Int(1) {
		t.Fatalf("repacked literal: m[12] = %s, first key %s", Repr(v), Repr(lit.Keys()[0]))
	}
	mixed, _ := newMapOf([]Value{Int(1), Int(10), Str("x"), Int(20)})
	for i := range 10 {
		_ = mixed.Set(Int(int64(3+i)), Float(0.5))
	}
	if mixed.keys.form != formValues || mixed.vals.form != formValues {
		t.Fatalf("mixed keys and values: forms %d %d, want general", mixed.keys.form, mixed.vals.form)
	}
	s := NewMap(0)
	_ = s.Set(Str("a"), Int(1))
	if s.keys.form != formValues || s.vals.form != KInt {
		t.Fatalf("string keys: forms %d %d", s.keys.form, s.vals.form)
	}
}

// TestMapSize: a record's map (NewMap for up to 2 entries, the map with room
// for its keys and values) stays in the 192-byte size class.
func TestMapSize(t *testing.T) {
	if s := unsafe.Sizeof(Map{}); s > 96 {
		t.Errorf("Map is %d bytes, want at most 96", s)
	}
	if s := unsafe.Sizeof(mapBlock[[4]Value]{}); s > 192 {
		t.Errorf("a two-entry map block is %d bytes, want at most 192", s)
	}
}

// An empty map given a few string keys and string values is three
// allocations: the map, room for its keys, room for its values (the first
// key that cannot be packed makes the keys general with room for several,
// not one).
func TestAllocEmptyMapOfStrings(t *testing.T) {
	allocsEachIteration(t, `
fn main(n) {
    let s = 0
    for i in range(n) {
        let m = {}
        m["a"] = "x"
        m["b"] = "y"
        m["c"] = "z"
        s += len(m)
    }
    return s
}`, 3)
}
