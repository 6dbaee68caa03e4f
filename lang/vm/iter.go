package vm

import "unsafe"

type strIter struct {
	s string
	i int
}

// makeIter makes the iterator that a for loop keeps on the stack.
func makeIter(v Value) (Value, error) {
	switch v.k {
	case KRange:
		r := *v.asRange()
		return Value{k: kIterRange, p: unsafe.Pointer(&r)}, nil
	case KList:
		return Value{k: kIterList, p: v.p}, nil
	case KMap:
		// The position is in the low 32 bits of n, the map's edit count when
		// the loop started in the high 32.
		return Value{k: kIterMap, p: v.p, n: uint64(v.AsMap().edits) << 32}, nil
	case KStr:
		return Value{k: kIterStr, p: unsafe.Pointer(&strIter{s: v.AsStr()})}, nil
	}
	return Nil, Errorf(KindType, "cannot iterate over %s", v.TypeName())
}

// iterNext advances an iterator: (index, element) for lists and strings,
// (key, value) for maps, (value, value) for ranges. A map whose keys were
// added or deleted since the loop started throws value at the next step, as
// Python's dict does (replacing values is fine): the loop would otherwise
// see entries moved by compaction, or never end while it adds keys.
func iterNext(it *Value) (k, v Value, ok bool, err *Error) {
	switch it.k {
	case kIterRange:
		if i, ok := (*Range)(it.p).next(); ok {
			v = Int(i)
			return v, v, true, nil
		}
	case kIterList:
		if l := (*List)(it.p); it.n < uint64(l.n) {
			i := it.n
			it.n++
			return Int(int64(i)), l.At(int(i)), true, nil
		}
	case kIterMap:
		m := (*Map)(it.p)
		if uint32(it.n>>32) != m.edits {
			return Nil, Nil, false, NewError(KindValue, "map changed during iteration (a key was added or deleted)")
		}
		for uint64(uint32(it.n)) < uint64(m.keys.n) {
			i := uint64(uint32(it.n))
			it.n++
			if k, live := m.keyAt(int(i)); live {
				return storedKey(k), m.vals.item(i), true, nil
			}
		}
	case kIterStr:
		si := (*strIter)(it.p)
		if si.i < len(si.s) {
			i := si.i
			si.i++
			return Int(int64(i)), Str(si.s[i : i+1]), true, nil
		}
	}
	return Nil, Nil, false, nil
}
