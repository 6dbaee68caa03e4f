package vm

import (
	"math"
	"testing"

	"github.com/yieldscript/yieldscript/lang/compile"
)

// The integer kernels round toward negative infinity, as Python's // and %
// (cases from python3); the fast paths' kernels for a positive divisor agree.
func TestFloorDivMod(t *testing.T) {
	cases := [][4]int64{{7, 2, 3, 1}, {-7, 2, -4, 1}, {7, -2, -4, -1}, {-7, -2, 3, -1}, {6, 3, 2, 0}, {-6, -3, 2, 0}, {5, -1, -5, 0}}
	for _, c := range cases {
		if q, r := floorDiv(c[0], c[1]), floorMod(c[0], c[1]); q != c[2] || r != c[3] {
			t.Errorf("%d // %d = %d, %% = %d; want %d, %d", c[0], c[1], q, r, c[2], c[3])
		}
	}
	for x := int64(-50); x <= 50; x++ {
		for y := int64(1); y <= 7; y++ {
			if floorDivPos(x, y) != floorDiv(x, y) || floorModPos(x, y) != floorMod(x, y) {
				t.Errorf("%d // %d: the positive-divisor kernels give %d, %d", x, y, floorDivPos(x, y), floorModPos(x, y))
			}
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

// Fold and FoldUnary give what Arith and Unary give (values from python3), and
// refuse what would throw or must not be folded.
func TestFold(t *testing.T) {
	cases := []struct {
		op   compile.Op
		x, y any
		want any
	}{
		{compile.FLOORDIV, int64(7), int64(-2), int64(-4)},
		{compile.MOD, 7.5, int64(2), 1.5},
		{compile.POW, int64(2), int64(-1), 0.5},
		{compile.DIV, int64(10), int64(4), 2.5},
		{compile.MOD, int64(-7), int64(3), int64(2)},
		{compile.POW, 2.0, 0.5, 1.4142135623730951},
		{compile.ADD, "ab", "c", "abc"},
	}
	for _, c := range cases {
		if got, ok := Fold(c.op, c.x, c.y); !ok || got != c.want {
			t.Errorf("Fold(%v, %v, %v) = %v, %v; want %v", c.op, c.x, c.y, got, ok, c.want)
		}
	}
	refused := []struct {
		op   compile.Op
		x, y any
	}{
		{compile.DIV, int64(1), int64(0)}, // zero_division
		{compile.POW, 0.0, int64(-1)},     // zero_division
		{compile.MUL, "ab", int64(3)},     // repetition: not folded
		{compile.ADD, "a", int64(1)},      // type
		{compile.ADD, true, int64(1)},     // type
		{compile.ADD, []int{1}, int64(1)}, // not a constant
		{compile.POW, -8.0, 1.0 / 3},      // no real result
	}
	for _, c := range refused {
		if got, ok := Fold(c.op, c.x, c.y); ok {
			t.Errorf("Fold(%v, %v, %v) = %v; want it refused", c.op, c.x, c.y, got)
		}
	}
	if got, ok := FoldUnary(compile.NEG, int64(5)); !ok || got != int64(-5) {
		t.Errorf("FoldUnary(NEG, 5) = %v, %v", got, ok)
	}
	if got, ok := FoldUnary(compile.NOT, ""); !ok || got != true {
		t.Errorf("FoldUnary(NOT, \"\") = %v, %v", got, ok)
	}
	if _, ok := FoldUnary(compile.NEG, "a"); ok {
		t.Error("FoldUnary(NEG, \"a\") folded")
	}
}
