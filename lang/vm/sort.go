package vm

import (
	_ "embed"
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

// nativeSortByKeys is __sort_by_keys(xs, keys, reverse): xs reordered, in
// place, by the keys computed for its items.
func nativeSortByKeys(t *Task, args []Value) (Value, error) {
	xs, keys := args[0].AsList(), args[1].AsList().Items
	if len(keys) != len(xs.Items) {
		return Nil, NewError(KindValue, "list modified during sort")
	}
	return Nil, sortItems(t, xs, keys, args[2].AsBool())
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
		if err := sortItems(t, l, l.Items, reverse); err != nil {
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
	return t.TailCall(fn, ListValue(l), key, Bool(reverse))
}

// sortItems reorders l.Items by keys (keys[i] belongs to l.Items[i]; keys may
// be l.Items itself), stably; with reverse, greatest first and equal keys
// still in their original order, as Python's sort. Keys must be ordered by
// `<` with each other; when they are not, it throws kind type and leaves l
// as it was. Before moving anything it checks that the keys are all numbers,
// all strings or all lists (checkSortable), whatever their number, so [nil]
// throws too. It polls t's interrupt and budget as it compares.
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
		work = pollWork
		if sortErr == nil {
			if e := t.poll(pollWork); e != nil {
				sortErr = e
			} else {
				work = 0
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
	switch kind {
	case KInt:
		type pair struct {
			k int64
			v Value
		}
		ps := make([]pair, n)
		for i := range ps {
			ps[i] = pair{int64(keys[i].n), l.Items[i]}
		}
		if reverse {
			slices.SortStableFunc(ps, func(a, b pair) int {
				if work++; work >= pollWork && !repoll() {
					return 0
				}
				return cmp3(b.k, a.k)
			})
		} else {
			slices.SortStableFunc(ps, func(a, b pair) int {
				if work++; work >= pollWork && !repoll() {
					return 0
				}
				return cmp3(a.k, b.k)
			})
		}
		if sortErr != nil {
			return sortErr
		}
		for i := range ps {
			l.Items[i] = ps[i].v
		}
		return nil
	case KStr:
		type pair struct {
			k string
			v Value
		}
		ps := make([]pair, n)
		for i := range ps {
			ps[i] = pair{keys[i].AsStr(), l.Items[i]}
		}
		if reverse {
			slices.SortStableFunc(ps, func(a, b pair) int {
				if work++; work >= pollWork && !repoll() {
					return 0
				}
				return strings.Compare(b.k, a.k)
			})
		} else {
			slices.SortStableFunc(ps, func(a, b pair) int {
				if work++; work >= pollWork && !repoll() {
					return 0
				}
				return strings.Compare(a.k, b.k)
			})
		}
		if sortErr != nil {
			return sortErr
		}
		for i := range ps {
			l.Items[i] = ps[i].v
		}
		return nil
	}
	// Anything else: compare with the rules of `<`, on a copy, so that an
	// error leaves the list as it was.
	type pair struct {
		k, v Value
	}
	ps := make([]pair, n)
	for i := range ps {
		ps[i] = pair{keys[i], l.Items[i]}
	}
	slices.SortStableFunc(ps, func(a, b pair) int {
		if work++; (work >= pollWork && !repoll()) || sortErr != nil {
			return 0
		}
		if reverse {
			a, b = b, a
		}
		c, ok, err := Compare(a.k, b.k)
		if err != nil {
			sortErr = err
			return 0
		}
		if !ok { // NaN: keep it where it falls
			return 0
		}
		return c
	})
	if sortErr != nil {
		return sortErr
	}
	for i := range ps {
		l.Items[i] = ps[i].v
	}
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
