package compile

import "math"

// The power operator's arithmetic. The VM and constant folding both use these
// functions, so that a folded power is the value the VM would compute.

// IntPow is x ** y for y >= 0, wrapping on overflow like every int operation:
// repeated squaring with wrapping multiplication gives the low 64 bits of the
// exact power.
func IntPow(x, y int64) int64 {
	r := int64(1)
	for y > 0 {
		if y&1 != 0 {
			r *= x
		}
		x *= x
		y >>= 1
	}
	return r
}

// PowError says why a float power has no result.
type PowError int

const (
	PowOK           PowError = iota
	PowZeroDivision          // 0.0 to a negative power
	PowComplex               // a negative number to a fractional power: Python gives a complex number
	PowOverflow              // a finite result too large for a float
)

// Message is the text of the error a PowError becomes.
func (e PowError) Message() string {
	switch e {
	case PowZeroDivision:
		return "0.0 cannot be raised to a negative power"
	case PowComplex:
		return "negative number cannot be raised to a fractional power"
	case PowOverflow:
		return "float power overflow: result out of range"
	}
	return ""
}

// isOddInteger reports whether the finite float y is an odd integer.
func isOddInteger(y float64) bool {
	return math.Abs(math.Mod(y, 2)) == 1
}

// FloatPow is x ** y on floats (and on an int raised to a negative int, which
// Python computes in floats), with Python's special cases: anything ** 0 is
// 1.0 (nan too), 1.0 ** anything is 1.0, inf and nan as C99's pow, 0.0 to a
// negative power throws zero_division, a negative base with a fractional
// exponent has no real result, and a finite result that overflows throws
// (Python's OverflowError); an underflow gives 0.0.
func FloatPow(x, y float64) (float64, PowError) {
	switch {
	case y == 0:
		return 1, PowOK
	case math.IsNaN(x):
		return x, PowOK
	case math.IsNaN(y):
		if x == 1 {
			return 1, PowOK
		}
		return y, PowOK
	case math.IsInf(y, 0):
		ax := math.Abs(x)
		switch {
		case ax == 1:
			return 1, PowOK
		case (y > 0) == (ax > 1):
			return math.Inf(1), PowOK
		}
		return 0, PowOK
	case math.IsInf(x, 0):
		odd := isOddInteger(y)
		if y > 0 {
			if odd {
				return x, PowOK
			}
			return math.Abs(x), PowOK
		}
		if odd {
			return math.Copysign(0, x), PowOK
		}
		return 0, PowOK
	case x == 0:
		if y < 0 {
			return 0, PowZeroDivision
		}
		if isOddInteger(y) {
			return x, PowOK
		}
		return 0, PowOK
	case x == 1:
		return 1, PowOK
	}
	negate := false
	if x < 0 {
		if y != math.Floor(y) {
			return 0, PowComplex
		}
		x = -x
		negate = isOddInteger(y)
	}
	r := math.Pow(x, y)
	if math.IsInf(r, 0) {
		return 0, PowOverflow
	}
	if negate {
		r = -r
	}
	return r, PowOK
}
