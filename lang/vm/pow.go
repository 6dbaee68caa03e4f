package vm

import "math"

// The power operator's arithmetic. Arith and constant folding (through Arith) use these
// functions, so that a folded power is the value the VM would compute.

// intPow is x ** y for y >= 0, wrapping on overflow like every int operation:
// repeated squaring with wrapping multiplication gives the low 64 bits of the
// exact power.
func intPow(x, y int64) int64 {
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

// powError says why a float power has no result.
type powError int

const (
	powOK           powError = iota
	powZeroDivision          // 0.0 to a negative power
	powComplex               // a negative number to a fractional power: Python gives a complex number
	powOverflow              // a finite result too large for a float
)

// Message is the text of the error a powError becomes.
func (e powError) Message() string {
	switch e {
	case powZeroDivision:
		return "0.0 cannot be raised to a negative power"
	case powComplex:
		return "negative number cannot be raised to a fractional power"
	case powOverflow:
		return "float power overflow: result out of range"
	}
	return ""
}

// isOddInteger reports whether the finite float y is an odd integer.
func isOddInteger(y float64) bool {
	return math.Abs(math.Mod(y, 2)) == 1
}

// floatPow is x ** y on floats (and on an int raised to a negative int, which
// Python computes in floats), with Python's special cases: anything ** 0 is
// 1.0 (nan too), 1.0 ** anything is 1.0, inf and nan as C99's pow, 0.0 to a
// negative power throws zero_division, a negative base with a fractional
// exponent has no real result, and a finite result that overflows throws
// (Python's OverflowError); an underflow gives 0.0.
func floatPow(x, y float64) (float64, powError) {
	switch {
	case y == 0:
		return 1, powOK
	case math.IsNaN(x):
		return x, powOK
	case math.IsNaN(y):
		if x == 1 {
			return 1, powOK
		}
		return y, powOK
	case math.IsInf(y, 0):
		ax := math.Abs(x)
		switch {
		case ax == 1:
			return 1, powOK
		case (y > 0) == (ax > 1):
			return math.Inf(1), powOK
		}
		return 0, powOK
	case math.IsInf(x, 0):
		odd := isOddInteger(y)
		if y > 0 {
			if odd {
				return x, powOK
			}
			return math.Abs(x), powOK
		}
		if odd {
			return math.Copysign(0, x), powOK
		}
		return 0, powOK
	case x == 0:
		if y < 0 {
			return 0, powZeroDivision
		}
		if isOddInteger(y) {
			return x, powOK
		}
		return 0, powOK
	case x == 1:
		return 1, powOK
	}
	negate := false
	if x < 0 {
		if y != math.Floor(y) {
			return 0, powComplex
		}
		x = -x
		negate = isOddInteger(y)
	}
	var r float64
	if yi, yf := math.Modf(y); yf == 0 && math.Abs(yi) < 1<<31 {
		r = powInt(x, int64(yi))
	} else if y == 0.5 {
		r = math.Sqrt(x) // correctly rounded, as C's pow is here
	} else {
		r = powExpLog(x, y)
	}
	if math.IsInf(r, 0) {
		return 0, powOverflow
	}
	if negate {
		r = -r
	}
	return r, powOK
}

// powInt is x ** n for a finite x > 0, by repeated squaring in double-double
// arithmetic (a float and its rounding error, products exact through FMA),
// keeping the binary exponent apart so that nothing overflows on the way. The
// result is correctly rounded but in rare near-halfway cases, as C's pow
// (which Python uses) is, where math.Pow can be many units off in the last
// place.
func powInt(x float64, n int64) float64 {
	neg := n < 0
	if neg {
		n = -n
	}
	bh, be := math.Frexp(x)
	bl := 0.0
	ah, al, ae := 1.0, 0.0, 0
	for n > 0 {
		if n&1 != 0 {
			ah, al = ddMul(ah, al, bh, bl)
			ae += be
			ah, al, ae = ddNorm(ah, al, ae)
		}
		n >>= 1
		if n > 0 {
			bh, bl = ddMul(bh, bl, bh, bl)
			be *= 2
			bh, bl, be = ddNorm(bh, bl, be)
		}
	}
	if neg {
		// 1 / (ah + al), with one Newton step for the low part.
		q := 1 / ah
		ph, pl := twoProd(q, ah)
		r := (1 - ph) - pl - q*al
		ah, al = fastTwoSum(q, q*r)
		ae = -ae
	}
	return math.Ldexp(ah+al, ae)
}

// powExpLog is x ** y for a finite x > 0 as exp(y * ln x), with y * ln x
// in double-double arithmetic, so that the result is within about one unit
// in the last place (math.Pow can be hundreds of units off when y * ln x is
// large).
func powExpLog(x, y float64) float64 {
	const (
		ln2hi = 6.93147180369123816490e-01 // the high bits of ln 2: e * ln2hi is exact
		ln2lo = 1.90821492927058770002e-10
	)
	m, e := math.Frexp(x)
	if m < math.Sqrt2/2 {
		m *= 2
		e--
	}
	mh, ml := lnDD(m)
	lh, ll := twoSum(float64(e)*ln2hi, mh)
	ll += ml + float64(e)*ln2lo
	th, tl := twoProd(y, lh)
	tl += y * ll
	th, tl = fastTwoSum(th, tl)
	ex := math.Exp(th)
	return ex + ex*tl
}

// lnDD is ln m for m in [sqrt(0.5), sqrt(2)] in double-double: 2 atanh(s)
// with s = (m - 1) / (m + 1), |s| < 0.172, its first term in double-double
// and the rest of the series in floats.
func lnDD(m float64) (float64, float64) {
	num := m - 1 // exact
	dh, dl := twoSum(m, 1)
	sh := num / dh
	ph, pl := twoProd(sh, dh)
	sl := (num - ph - pl - sh*dl) / dh
	s2 := sh * sh
	p := 0.0
	for k := 23; k >= 3; k -= 2 {
		p = p*s2 + 1/float64(k)
	}
	tail := 2 * sh * s2 * p
	h, l := twoSum(2*sh, tail)
	return fastTwoSum(h, l+2*sl)
}

func twoSum(a, b float64) (float64, float64) {
	s := a + b
	bb := s - a
	return s, (a - (s - bb)) + (b - bb)
}

func twoProd(a, b float64) (float64, float64) {
	p := a * b
	return p, math.FMA(a, b, -p)
}

func fastTwoSum(a, b float64) (float64, float64) {
	s := a + b
	return s, b - (s - a)
}

func ddMul(ah, al, bh, bl float64) (float64, float64) {
	p, e := twoProd(ah, bh)
	e += ah*bl + al*bh
	return fastTwoSum(p, e)
}

// ddNorm scales h + l to h in [0.5, 1), moving the binary exponent into e.
func ddNorm(h, l float64, e int) (float64, float64, int) {
	f, k := math.Frexp(h)
	return f, math.Ldexp(l, -k), e + k
}
