package vm

import "math/big"

// The integer kernels of the arithmetic operators. Arith uses these (and
// constant folding goes through Arith, so a folded constant is the value the
// VM would compute); the dispatch loop's fast paths use them too, with the
// divisor known positive for // and %.

// floorDiv is x // y: integer division rounding toward negative infinity
// (y != 0).
func floorDiv(x, y int64) int64 {
	if y == -1 {
		return -x // wraps for the smallest int, as every int op does
	}
	q := x / y
	if (x%y != 0) && ((x < 0) != (y < 0)) {
		q--
	}
	return q
}

// floorMod is x % y: the remainder with the sign of the divisor (y != 0).
func floorMod(x, y int64) int64 {
	if y == -1 {
		return 0
	}
	r := x % y
	if r != 0 && ((r < 0) != (y < 0)) {
		r += y
	}
	return r
}

// floorDivPos and floorModPos are floorDiv and floorMod for y > 0, which the
// dispatch loop's fast paths check first: with the sign of y known, they are
// one division and one test, about twice as fast as the general kernels (whose
// sign tests the compiler cannot drop), which matters in the inline cases.
func floorDivPos(x, y int64) int64 {
	q := x / y
	if x%y < 0 {
		q--
	}
	return q
}

func floorModPos(x, y int64) int64 {
	r := x % y
	if r < 0 {
		r += y
	}
	return r
}

// trueDiv is x / y for two ints as Python computes it: the float nearest to
// the exact quotient. float64(x) / float64(y) rounds twice when x or y is
// beyond 2^53 (and is then off by one unit in the last place for about a
// third of such pairs). y must not be 0.
func trueDiv(x, y int64) float64 {
	const exact = 1 << 53
	// Both within (-2^53, 2^53), so exact as floats: one rounding only.
	if uint64(x+exact)|uint64(y+exact) < 2*exact {
		return float64(x) / float64(y)
	}
	return trueDivBig(x, y)
}

func trueDivBig(x, y int64) float64 {
	if x == 0 {
		return float64(x) / float64(y) // 0.0 or -0.0, by the sign of y
	}
	f, _ := new(big.Rat).SetFrac(big.NewInt(x), big.NewInt(y)).Float64()
	return f
}
