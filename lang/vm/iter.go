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
		return Value{k: kIterMap, p: v.p}, nil
	case KStr:
		return Value{k: kIterStr, p: unsafe.Pointer(&strIter{s: v.AsStr()})}, nil
	}
	return Nil, Errorf(KindType, "cannot iterate over %s", v.TypeName())
}

// iterNext advances an iterator: (index, element) for lists and strings,
// (key, value) for maps, (value, value) for ranges.
func iterNext(it *Value) (k, v Value, ok bool) {
	switch it.k {
	case kIterRange:
		r := (*Range)(it.p)
		if r.Step > 0 && r.Start < r.Stop || r.Step < 0 && r.Start > r.Stop {
			v = Int(r.Start)
			r.advance()
			return v, v, true
		}
	case kIterList:
		items := (*List)(it.p).Items
		if it.n < uint64(len(items)) {
			i := it.n
			it.n++
			return Int(int64(i)), items[i], true
		}
	case kIterMap:
		m := (*Map)(it.p)
		for it.n < uint64(len(m.keys)) {
			i := it.n
			it.n++
			if m.keys[i].k != kUndef {
				return storedKey(m.keys[i]), m.vals[i], true
			}
		}
	case kIterStr:
		si := (*strIter)(it.p)
		if si.i < len(si.s) {
			i := si.i
			si.i++
			return Int(int64(i)), Str(si.s[i : i+1]), true
		}
	}
	return Nil, Nil, false
}
