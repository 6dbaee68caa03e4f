package vm

import (
	_ "embed"
	"math/bits"
	"slices"
	"strings"
)

//go:embed prelude.ys
var preludeSrc string

// corePrelude holds the script halves of the builtins (sort with a key).
var corePrelude *Prelude

func init() {
	corePrelude = NewPrelude("<builtin>", preludeSrc, map[string]NativeFunc{
		"__sort_by_keys": nativeSortByKeys,
	})
}

// nativeSortByKeys is __sort_by_keys(xs, items, keys, reverse): items (a
// copy of xs, or xs itself for sorted) sorted by the keys computed for them,
// and written into xs. A key function that changed the size of xs makes it
// throw value and leaves xs as the key function left it, as Python's sort.
func nativeSortByKeys(t *Task, args []Value) (Value, error) {
	xs, items, keys := args[0].AsList(), args[1].AsList(), args[2].AsList().Snapshot()
	if len(keys) != items.n || xs.n != items.n {
		return Nil, NewError(KindValue, "list modified during sort")
	}
	if err := sortItems(t, items, keys, args[3].AsBool()); err != nil {
		return Nil, err
	}
	if xs != items {
		// Item by item, so that a packed xs stays packed (Items would turn
		// it general without charging the task's budget).
		for i := range xs.n {
			xs.Set(i, items.At(i))
		}
	}
	return Nil, nil
}

// sortArgs checks the key and reverse arguments of sort and sorted (from
// argument number first on): key is nil or a function, reverse a bool.
func sortArgs(name string, args []Value, first int) (key Value, reverse bool, err error) {
	if len(args) > 0 {
		key = args[0]
		if key.k != KNil && key.k != KFunc && key.k != KNative {
			return Nil, false, TypeArgError(name, first, "a function or nil", key)
		}
	}
	if len(args) > 1 {
		if args[1].k != KBool {
			return Nil, false, TypeArgError(name, first+1, "a bool", args[1])
		}
		reverse = args[1].AsBool()
	}
	return key, reverse, nil
}

// sortList sorts l in place: by the items themselves without a key, or by
// handing over to the prelude (ret names its function: "sort" returns nil,
// "sorted" the list), which calls key once per item and then sorts by the keys.
func sortList(t *Task, l *List, key Value, reverse bool, ret string) (Value, error) {
	if key.k == KNil {
		if err := sortItems(t, l, l.Snapshot(), reverse); err != nil {
			return Nil, err
		}
		if ret == "sorted" {
			return ListValue(l), nil
		}
		return Nil, nil
	}
	fn, err := corePrelude.Func(t, ret)
	if err != nil {
		return Nil, err
	}
	// The key function sees the list as it is but the items are taken from a
	// copy: a key that changes the list cannot make the loop run for ever.
	items := l
	if ret == "sort" {
		items = l.clone()
	}
	return t.TailCall(fn, ListValue(l), ListValue(items), key, Bool(reverse))
}

// sortItems reorders l's items by keys (keys[i] belongs to item i; keys may
// be l.Snapshot() itself), stably; with reverse, greatest first and equal keys
// still in their original order, as Python's sort. Before moving anything it
// checks that the keys are all numbers, all strings or all lists
// (checkSortable), whatever their number, so [nil] throws too; a comparison
// that still fails (lists of unrelated items) throws kind type. Either way l
// is left as it was. It polls t's interrupt and budget as it compares.
func sortItems(t *Task, l *List, keys []Value, reverse bool) error {
	if err := checkSortable(keys); err != nil {
		return err
	}
	n := len(keys)
	if n < 2 {
		return nil
	}
	// Every comparison counts one unit of work; at pollWork of them, repoll
	// polls. Once it failed (an interrupt or the budget), or a comparison
	// threw, sortErr is set, every comparison returns 0 at once and the
	// result is thrown away.
	var sortErr error
	work := 0
	repoll := func() bool {
		work = 0
		if sortErr == nil {
			if e := t.poll(pollWork); e != nil {
				sortErr = e
			}
		}
		return sortErr == nil
	}
	kind := keys[0].k
	for _, k := range keys[1:] {
		if k.k != kind {
			kind = KNil // mixed kinds
			break
		}
	}
	// Sort (key, position) pairs: a tie on the key is broken by the position,
	// which makes the (faster) unstable sort stable.
	perm := make([]int32, n)
	switch kind {
	case KInt:
		if n >= radixMin {
			ok, err := sortIntsRadix(t, keys, reverse, perm)
			if err != nil {
				return err
			}
			if ok {
				break
			}
		}
		type pair struct {
			k int64
			i int32
		}
		ps := make([]pair, n)
		for i := range ps {
			ps[i] = pair{int64(keys[i].n), int32(i)}
		}
		sign := int64(1)
		if reverse {
			sign = -1
		}
		slices.SortFunc(ps, func(a, b pair) int {
			if work++; work >= pollWork && !repoll() {
				return 0
			}
			if a.k != b.k {
				if (a.k < b.k) == (sign > 0) {
					return -1
				}
				return 1
			}
			return int(a.i - b.i)
		})
		for i := range ps {
			perm[i] = ps[i].i
		}
	case KStr:
		type pair struct {
			k string
			i int32
		}
		ps := make([]pair, n)
		for i := range ps {
			ps[i] = pair{keys[i].AsStr(), int32(i)}
		}
		sign := 1
		if reverse {
			sign = -1
		}
		slices.SortFunc(ps, func(a, b pair) int {
			if work++; work >= pollWork && !repoll() {
				return 0
			}
			if c := strings.Compare(a.k, b.k); c != 0 {
				return c * sign
			}
			return int(a.i - b.i)
		})
		for i := range ps {
			perm[i] = ps[i].i
		}
	default:
		// Anything else: compare with the rules of `<`; stop at the first
		// error. An unordered pair (a NaN) counts as equal.
		for i := range perm {
			perm[i] = int32(i)
		}
		slices.SortStableFunc(perm, func(a, b int32) int {
			if work++; (work >= pollWork && !repoll()) || sortErr != nil {
				return 0
			}
			x, y := keys[a], keys[b]
			if reverse {
				x, y = y, x
			}
			c, ok, err := Compare(x, y)
			if err != nil {
				sortErr = err
				return 0
			}
			if !ok {
				return 0
			}
			return c
		})
	}
	if sortErr != nil {
		return sortErr
	}
	// Only now is the list changed: the items in their new order. A packed
	// list stays packed (its Snapshot is a copy): Items would turn it general
	// without charging the task's budget.
	items := l.Snapshot()
	if l.form != formValues {
		for i, j := range perm {
			l.Set(i, items[j])
		}
		return nil
	}
	sorted := make([]Value, n)
	for i, j := range perm {
		sorted[i] = items[j]
	}
	copy(items, sorted)
	return nil
}

func cmp3(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// radixMin is the least number of int keys sortItems sorts by radix: below
// it the comparison sort is as quick as clearing the radix counts.
const radixMin = 1024

// radixBits is the width of the digit of one radix pass.
const radixBits = 11

// sortIntsRadix fills perm with the positions of keys (all ints) in sorted
// order, stably: an LSD radix sort of each key's offset from the least key
// (with reverse, to the greatest), each word carrying its position in its low
// bits. Every pass is stable and the words start in position order, so equal
// keys keep their order, reverse or not. It returns false, perm untouched,
// when the offsets and positions do not fit in 64 bits together (keys more
// than 2**(64 - bits of len(keys)) apart); the caller then compares. It polls
// t every pollWork words moved.
func sortIntsRadix(t *Task, keys []Value, reverse bool, perm []int32) (bool, error) {
	n := len(keys)
	lo, hi := keys[0].AsInt(), keys[0].AsInt()
	for _, k := range keys[1:] {
		x := k.AsInt()
		lo, hi = min(lo, x), max(hi, x)
	}
	span := uint64(hi) - uint64(lo)
	ib := bits.Len(uint(n - 1))
	kb := bits.Len64(span)
	if kb+ib > 64 {
		return false, nil
	}
	a := make([]uint64, n)
	for i, k := range keys {
		off := uint64(k.AsInt()) - uint64(lo)
		if reverse {
			off = span - off
		}
		a[i] = off<<ib | uint64(i)
	}
	const mask = 1<<radixBits - 1
	passes := (kb + radixBits - 1) / radixBits
	counts := make([]int, passes<<radixBits)
	for _, w := range a {
		off := w >> ib
		for p := 0; p < passes; p++ {
			counts[p<<radixBits+int(off>>(p*radixBits)&mask)]++
		}
	}
	b := make([]uint64, n)
	for p := 0; p < passes; p++ {
		c := counts[p<<radixBits : (p+1)<<radixBits]
		shift := ib + p*radixBits
		if c[a[0]>>shift&mask] == n {
			continue // one digit for all: nothing moves
		}
		sum := 0
		for d, m := range c {
			c[d], sum = sum, sum+m
		}
		for start := 0; start < n; start += pollWork {
			for _, w := range a[start:min(n, start+pollWork)] {
				d := w >> shift & mask
				b[c[d]] = w
				c[d]++
			}
			if e := t.poll(pollWork); e != nil {
				return false, e
			}
		}
		a, b = b, a
	}
	pos := uint64(1)<<ib - 1
	for i, w := range a {
		perm[i] = int32(w & pos)
	}
	return true, nil
}
