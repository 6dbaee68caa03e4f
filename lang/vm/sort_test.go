package vm

import (
	"cmp"
	"math"
	"math/rand"
	"slices"
	"testing"
)

// sortItems on int keys gives the stable order (equal keys in their original
// order, reverse or not) whichever way it sorts: by radix for many keys whose
// spread fits, by comparing for few keys or keys spread over the whole range.
func TestSortItemsIntKeys(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	spreads := []struct {
		name string
		key  func() int64
	}{
		{"equal", func() int64 { return 7 }},
		{"small", func() int64 { return rng.Int63n(10) - 5 }},
		{"medium", func() int64 { return rng.Int63n(100003) }},
		{"wide", func() int64 { return rng.Int63n(1<<40) - 1<<39 }},
		{"extremes", func() int64 {
			return []int64{math.MinInt64, math.MaxInt64, 0, -1, 1}[rng.Intn(5)]
		}},
		{"full", func() int64 { return int64(rng.Uint64()) }},
	}
	for _, sp := range spreads {
		for _, n := range []int{0, 1, 2, 100, radixMin - 1, radixMin, 5000} {
			for _, reverse := range []bool{false, true} {
				keys := make([]Value, n)
				items := make([]Value, n)
				want := make([]int, n)
				for i := range keys {
					keys[i] = Int(sp.key())
					items[i] = Int(int64(i))
					want[i] = i
				}
				slices.SortStableFunc(want, func(a, b int) int {
					if reverse {
						return cmp.Compare(keys[b].AsInt(), keys[a].AsInt())
					}
					return cmp.Compare(keys[a].AsInt(), keys[b].AsInt())
				})
				l := newList(items)
				if err := sortItems(nil, l, keys, reverse); err != nil {
					t.Fatalf("%s n=%d reverse=%v: %v", sp.name, n, reverse, err)
				}
				for i, it := range l.Items() {
					if int(it.AsInt()) != want[i] {
						t.Fatalf("%s n=%d reverse=%v: item %d is %d, want %d", sp.name, n, reverse, i, it.AsInt(), want[i])
					}
				}
			}
		}
	}
}
