package vm

import "math"

// sliceStepIndices works out the positions a slice with a step takes from a
// sequence of length n, as Python's slice.indices does: a missing start or
// stop (undef or nil) follows the step's direction, negative bounds count from
// the end, and bounds out of range are clipped. It returns the first
// position, the step and the number of elements.
func sliceStepIndices(lo, hi, stepv Value, n int) (start, step, count int64, err error) {
	step = 1
	switch stepv.k {
	case KNil, kUndef:
	case KInt:
		step = int64(stepv.n)
		if step == 0 {
			return 0, 0, 0, NewError(KindValue, "slice step cannot be zero")
		}
		if step < -math.MaxInt64 {
			step = -math.MaxInt64 // any step this large takes one element at most
		}
	default:
		return 0, 0, 0, Errorf(KindType, "slice step must be an int, not %s", stepv.TypeName())
	}
	ln := int64(n)
	bound := func(v Value, dflt int64) (int64, error) {
		switch v.k {
		case KNil, kUndef:
			return dflt, nil
		case KInt:
		default:
			return 0, Errorf(KindType, "slice bound must be an int, not %s", v.TypeName())
		}
		i := int64(v.n)
		if i < 0 {
			i += ln
			if i < 0 {
				if step < 0 {
					return -1, nil
				}
				return 0, nil
			}
		} else if i >= ln {
			if step < 0 {
				return ln - 1, nil
			}
			return ln, nil
		}
		return i, nil
	}
	var stop int64
	if step > 0 {
		if start, err = bound(lo, 0); err != nil {
			return
		}
		if stop, err = bound(hi, ln); err != nil {
			return
		}
		if start < stop {
			count = (stop-start-1)/step + 1
		}
	} else {
		if start, err = bound(lo, ln-1); err != nil {
			return
		}
		if stop, err = bound(hi, -1); err != nil {
			return
		}
		if stop < start {
			count = (start-stop-1)/(-step) + 1
		}
	}
	return start, step, count, nil
}

// SliceStep is x[lo:hi:step] on a list or a string; a missing part is undef
// or nil. Step 0 throws value.
func SliceStep(x, lo, hi, step Value) (Value, error) {
	n, err := sliceLen(x)
	if err != nil {
		return Nil, err
	}
	start, st, count, err := sliceStepIndices(lo, hi, step, n)
	if err != nil {
		return Nil, err
	}
	if st == 1 {
		return Slice(x, Int(start), Int(start+count))
	}
	if x.k == KStr {
		s := x.AsStr()
		buf := make([]byte, count)
		for i := range buf {
			buf[i] = s[start+int64(i)*st]
		}
		return Str(string(buf)), nil
	}
	if l := x.AsList(); l.form != formValues {
		words := l.words()
		out := make([]uint64, count)
		for i := range out {
			out[i] = words[start+int64(i)*st]
		}
		return ListValue(newPacked(l.form, out)), nil
	}
	items := x.AsList().vals()
	out := make([]Value, count)
	for i := range out {
		out[i] = items[start+int64(i)*st]
	}
	return NewList(out), nil
}
