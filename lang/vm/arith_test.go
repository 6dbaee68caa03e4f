package vm

import (
	"math"
	"testing"

	"github.com/yieldscript/yieldscript/lang/compile"
)

// The integer kernels round toward negative infinity, as Python's // and %
// (cases from python3), including negative divisors, which the dispatch loop's
// fast paths now run too.
func TestFloorDivMod(t *testing.T) {
	cases := [][4]int64{{7, 2, 3, 1}, {-7, 2, -4, 1}, {7, -2, -4, -1}, {-7, -2, 3, -1}, {6, 3, 2, 0}, {-6, -3, 2, 0}, {5, -1, -5, 0}}
	for _, c := range cases {
		if q, r := floorDiv(c[0], c[1]), floorMod(c[0], c[1]); q != c[2] || r != c[3] {
			t.Errorf("%d // %d = %d, %% = %d; want %d, %d", c[0], c[1], q, r, c[2], c[3])
		}
	}
	// The smallest int // -1 wraps, as every int operation does.
	if q, r := floorDiv(math.MinInt64, -1), floorMod(math.MinInt64, -1); q != math.MinInt64 || r != 0 {
		t.Errorf("minint // -1 = %d, %% = %d", q, r)
	}
}

func TestUnary(t *testing.T) {
	cases := []struct {
		op   compile.Op
		in   Value
		want Value
	}{
		{compile.NEG, Int(3), Int(-3)},
		{compile.NEG, Float(2.5), Float(-2.5)},
		{compile.NOT, Int(0), True},
		{compile.NOT, Str("a"), False},
		{compile.NOT, Nil, True},
	}
	for _, c := range cases {
		got, err := Unary(c.op, c.in)
		if err != nil || !got.Same(c.want) {
			t.Errorf("Unary(%v, %s) = %s, %v; want %s", c.op, Repr(c.in), Repr(got), err, Repr(c.want))
		}
	}
	if _, err := Unary(compile.NEG, Str("a")); err == nil || err.(*Error).Kind != KindType {
		t.Errorf("-\"a\": err %v, want a type error", err)
	}
}
