package vm

import (
	"math/rand"
	"strconv"
	"testing"
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
