package math

import (
	"math"
	"math/big"
	"sync"
)

// Correctly rounded elementary functions. Python's math module calls the C
// library's functions, which (glibc's) are correctly rounded nearly
// everywhere; Go's math package is off by an ulp or more for some arguments
// (many ulps for sin of large arguments and for pow). To give Python's digits,
// these functions compute in double-double arithmetic (about 106 bits) and
// round once at the end; trigonometric arguments are reduced modulo pi/2 with
// math/big against 1,600 bits of pi, so even sin(1e300) is right.

// dd is an unevaluated sum hi + lo with |lo| <= ulp(hi)/2.
type dd struct{ hi, lo float64 }

func twoSum(a, b float64) dd {
	s := a + b
	bb := s - a
	return dd{s, (a - (s - bb)) + (b - bb)}
}

func quickTwoSum(a, b float64) dd {
	s := a + b
	return dd{s, b - (s - a)}
}

func twoProd(a, b float64) dd {
	p := a * b
	return dd{p, math.FMA(a, b, -p)}
}

func ddF(x float64) dd { return dd{x, 0} }

func (x dd) add(y dd) dd {
	s := twoSum(x.hi, y.hi)
	t := twoSum(x.lo, y.lo)
	s.lo += t.hi
	s = quickTwoSum(s.hi, s.lo)
	s.lo += t.lo
	return quickTwoSum(s.hi, s.lo)
}

func (x dd) neg() dd            { return dd{-x.hi, -x.lo} }
func (x dd) sub(y dd) dd        { return x.add(y.neg()) }
func (x dd) scale(f float64) dd { return dd{x.hi * f, x.lo * f} } // f a power of two

func (x dd) mul(y dd) dd {
	p := twoProd(x.hi, y.hi)
	p.lo += x.hi*y.lo + x.lo*y.hi
	return quickTwoSum(p.hi, p.lo)
}

func (x dd) mulF(f float64) dd {
	p := twoProd(x.hi, f)
	p.lo += x.lo * f
	return quickTwoSum(p.hi, p.lo)
}

func (x dd) div(y dd) dd {
	q1 := x.hi / y.hi
	r := x.sub(y.mulF(q1))
	q2 := r.hi / y.hi
	r = r.sub(y.mulF(q2))
	q3 := r.hi / y.hi
	return quickTwoSum(q1, q2).add(ddF(q3))
}

func (x dd) sqrt() dd {
	if x.hi <= 0 {
		return dd{math.Sqrt(x.hi), 0}
	}
	q := math.Sqrt(x.hi)
	r := x.sub(twoProd(q, q))
	return quickTwoSum(q, r.hi/(2*q))
}

// round gives the double nearest to hi + lo.
func (x dd) round() float64 { return x.hi + x.lo }

var (
	ddPi      = dd{0x1.921fb54442d18p+1, 0x1.1a62633145c07p-53}
	ddHalfPi  = dd{0x1.921fb54442d18p+0, 0x1.1a62633145c07p-54}
	ddLn2     = dd{0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56}
	ddInvLn2  = dd{0x1.71547652b82fep+0, 0x1.777d0ffda0d24p-56}
	ddInvLn10 = dd{0x1.bcb7b1526e50ep-2, 0x1.95355baaafad3p-57}
)

// invFact[n] is 1/n!.
var invFact = [...]dd{
	{0x1.0000000000000p+0, 0}, {0x1.0000000000000p+0, 0}, {0x1.0000000000000p-1, 0},
	{0x1.5555555555555p-3, 0x1.5555555555555p-57}, {0x1.5555555555555p-5, 0x1.5555555555555p-59},
	{0x1.1111111111111p-7, 0x1.1111111111111p-63}, {0x1.6c16c16c16c17p-10, -0x1.f49f49f49f49fp-65},
	{0x1.a01a01a01a01ap-13, 0x1.a01a01a01a01ap-73}, {0x1.a01a01a01a01ap-16, 0x1.a01a01a01a01ap-76},
	{0x1.71de3a556c734p-19, -0x1.c154f8ddc6c00p-73}, {0x1.27e4fb7789f5cp-22, 0x1.cbbc05b4fa99ap-76},
	{0x1.ae64567f544e4p-26, -0x1.c062e06d1f209p-80}, {0x1.1eed8eff8d898p-29, -0x1.2aec959e14c06p-83},
	{0x1.6124613a86d09p-33, 0x1.f28e0cc748ebep-87}, {0x1.93974a8c07c9dp-37, 0x1.05d6f8a2efd1fp-92},
	{0x1.ae7f3e733b81fp-41, 0x1.1d8656b0ee8cbp-97}, {0x1.ae7f3e733b81fp-45, 0x1.1d8656b0ee8cbp-101},
	{0x1.952c77030ad4ap-49, 0x1.ac981465ddc6cp-103}, {0x1.6827863b97d97p-53, 0x1.eec01221a8b0bp-107},
	{0x1.2f49b46814157p-57, 0x1.2650f61dbdcb4p-112}, {0x1.e542ba4020225p-62, 0x1.ea72b4afe3c2fp-120},
	{0x1.71b8ef6dcf572p-66, -0x1.d043ae40c4647p-120}, {0x1.0ce396db7f853p-70, -0x1.aebcdbd20331cp-124},
	{0x1.761b41316381ap-75, -0x1.3423c7d91404fp-130}, {0x1.f2cf01972f578p-80, -0x1.9ada5fcc1ab14p-135},
	{0x1.3f3ccdd165fa9p-84, -0x1.58ddadf344487p-139}, {0x1.88e85fc6a4e5ap-89, -0x1.71c37ebd16540p-143},
	{0x1.d1ab1c2dccea3p-94, 0x1.054d0c78aea14p-149}, {0x1.0a18a2635085dp-98, 0x1.b9e2e28e1aa54p-153},
	{0x1.259f98b4358adp-103, 0x1.eaf8c39dd9bc5p-157}, {0x1.3932c5047d60ep-108, 0x1.832b7b530a627p-162},
	{0x1.434d2e783f5bcp-113, 0x1.0b87b91be9affp-167}, {0x1.434d2e783f5bcp-118, 0x1.0b87b91be9affp-172},
	{0x1.3981254dd0d52p-123, -0x1.2b1f4c8015a2fp-177}, {0x1.2710231c0fd7ap-128, 0x1.3f8a2b4af9d6bp-184},
	{0x1.0dc59c716d91fp-133, 0x1.419e3fad3f031p-188}, {0x1.df983290c2ca9p-139, 0x1.5835c6895393bp-194},
	{0x1.9ec8d1c94e85bp-144, -0x1.670e9d4784ec6p-201}, {0x1.5d4acb9c0c3abp-149, -0x1.6ec2c8f5b13b2p-205},
	{0x1.1e99449a4bacep-154, -0x1.fefbb89514b3cp-210}, {0x1.ca8ed42a12ae3p-160, 0x1.a07244abad2abp-224},
}

// expParts gives m and k with e**x == m * 2**k, m in about [0.7, 1.4]. x
// must be finite and |x.hi| below about 1500.
func expParts(x dd) (dd, int) {
	k := math.Round(x.hi * (1 / math.Ln2))
	r := x.sub(ddLn2.mulF(k)) // |r| <= 0.35
	// Taylor series by Horner's rule: 27 terms leave less than 2**-110.
	s := invFact[27]
	for n := 26; n >= 0; n-- {
		s = s.mul(r).add(invFact[n])
	}
	return s, int(k)
}

// ddExp is e**x rounded once; +Inf past the top of the float range.
func ddExp(x dd) float64 {
	switch {
	case math.IsNaN(x.hi):
		return x.hi
	case x.hi > 710:
		return math.Inf(1)
	case x.hi < -746:
		return 0
	}
	m, k := expParts(x)
	// A subnormal result is rounded twice (to 53 bits, then by Ldexp), which
	// can leave it an ulp off.
	return math.Ldexp(m.round(), k)
}

func crExp(x float64) float64 {
	if math.IsInf(x, 0) {
		return math.Exp(x)
	}
	return ddExp(ddF(x))
}

// invOdd[n] is 1/(2n+1).
var invOdd = func() (t [25]dd) {
	for n := range t {
		t[n] = ddF(1).div(ddF(float64(2*n + 1)))
	}
	return
}()

// ddLog is the natural logarithm of x > 0 (finite) to about 106 bits:
// x = m * 2**k with m in [sqrt(1/2), sqrt(2)), log(m) = 2*atanh(u) with
// u = (m-1)/(m+1), |u| <= 0.172.
func ddLog(x float64) dd {
	m, k := math.Frexp(x) // m in [0.5, 1)
	if m < math.Sqrt2/2 {
		m *= 2
		k--
	}
	u := ddF(m - 1).div(twoSum(m, 1)) // m-1 is exact
	u2 := u.mul(u)
	// 2 * (u + u**3/3 + u**5/5 + ...): 24 terms leave less than 2**-120.
	s := invOdd[24]
	for n := 23; n >= 0; n-- {
		s = s.mul(u2).add(invOdd[n])
	}
	return ddLn2.mulF(float64(k)).add(s.mul(u).scale(2))
}

func crLog(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 1) {
		return math.Log(x)
	}
	return ddLog(x).round()
}

func crLog2(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 1) {
		return math.Log2(x)
	}
	if m, e := math.Frexp(x); m == 0.5 {
		return float64(e - 1)
	}
	return ddLog(x).mul(ddInvLn2).round()
}

// crLog10 is glibc's log10 (fdlibm's e_log10.c, not correctly rounded):
// k*log10(2) + log(m)/ln(10) for x = m * 2**k, in double arithmetic, over a
// correctly rounded log, so that it gives Python's digits.
func crLog10(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 1) {
		return math.Log10(x)
	}
	const (
		ivln10   = 4.34294481903251816668e-01
		log102hi = 3.01029995663611771306e-01
		log102lo = 3.69423907715893078616e-13
	)
	_, e := math.Frexp(x)
	k := e - 1 // x = m * 2**k, m in [1, 2)
	if k < 0 {
		k++ // then m in [0.5, 1), as fdlibm does for x < 1
	}
	y := float64(k)
	z := y*log102lo + ivln10*crLog(math.Ldexp(x, -k))
	return z + y*log102hi
}

// crPow is pow for finite x and y (the caller handles infinities and NaN):
// exp(y * log|x|) in double-double, with the sign of an odd integer power.
func crPow(x, y float64) float64 {
	switch {
	case y == 0 || x == 1:
		return 1
	case x == 0 || y == 1:
		return math.Pow(x, y)
	case y == 2:
		return x * x // one rounding of the exact square
	}
	neg := false
	if x < 0 {
		if y != math.Trunc(y) {
			return math.NaN()
		}
		neg = math.Mod(y, 2) != 0
		x = -x
	}
	l := ddLog(x)
	r := 0.0
	switch ly := l.hi * y; {
	case ly > 710:
		r = math.Inf(1)
	case ly < -746:
		r = 0
	default:
		r = ddExp(l.mulF(y))
	}
	if neg {
		r = -r
	}
	return r
}

// Hyperbolic functions: glibc's (fdlibm's e_sinh.c, e_cosh.c, s_tanh.c),
// which are not correctly rounded, over Go's Expm1 (the same fdlibm
// algorithm) and the correctly rounded exp.

// The bounds glibc tests on the high 32 bits of x (0x40862e42,
// 0x3fd62e43) and its overflow threshold (0x408633ce8fb9f87d).
var (
	hypLogMax   = math.Float64frombits(0x40862e4200000000)
	coshHalfLn2 = math.Float64frombits(0x3fd62e4300000000)
	hypOverflow = math.Float64frombits(0x408633ce8fb9f87d)
)

func crSinh(x float64) float64 {
	a := math.Abs(x)
	h := math.Copysign(0.5, x)
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0) || x == 0:
		return x
	case a < 22:
		if a < 0x1p-28 {
			return x
		}
		t := math.Expm1(a)
		if a < 1 {
			return h * (2.0*t - t*t/(t+1))
		}
		return h * (t + t/(t+1))
	case a < hypLogMax:
		return h * crExp(a)
	case a <= hypOverflow:
		w := crExp(0.5 * a)
		t := h * w
		return t * w
	}
	return math.Copysign(math.Inf(1), x)
}

func crCosh(x float64) float64 {
	a := math.Abs(x)
	switch {
	case math.IsNaN(x):
		return x
	case a < coshHalfLn2:
		if a < 0x1p-55 {
			return 1
		}
		t := math.Expm1(a)
		w := 1 + t
		return 1 + (t*t)/(w+w)
	case a < 22:
		t := crExp(a)
		return 0.5*t + 0.5/t
	case a < hypLogMax:
		return 0.5 * crExp(a)
	case a <= hypOverflow:
		w := crExp(0.5 * a)
		t := 0.5 * w
		return t * w
	}
	return math.Inf(1)
}

func crTanh(x float64) float64 {
	a := math.Abs(x)
	var z float64
	switch {
	case math.IsNaN(x) || x == 0:
		return x
	case a >= 22:
		z = 1
	case a < 0x1p-55:
		return x * (1 + x)
	case a >= 1:
		t := math.Expm1(2 * a)
		z = 1 - 2/(t+2)
	default:
		t := math.Expm1(-2 * a)
		z = -t / (t + 2)
	}
	return math.Copysign(z, x)
}

// Trigonometric functions.

var (
	bigPiOnce   sync.Once
	bigHalfPi   *big.Float
	bigPiPrec   uint = 1600
	smallAngles      = math.Pi / 4
)

// halfPiBig is pi/2 to 1,600 bits, by Machin's formula in fixed point.
func halfPiBig() *big.Float {
	bigPiOnce.Do(func() {
		const n = 1700 // fixed-point bits; each of some 700 terms loses under one
		one := new(big.Int).Lsh(big.NewInt(1), n)
		atanInv := func(q int64) *big.Int {
			sum := new(big.Int)
			qq := big.NewInt(q * q)
			pow := new(big.Int).Div(one, big.NewInt(q))
			term := new(big.Int)
			for k := int64(0); pow.Sign() != 0; k++ {
				term.Div(pow, big.NewInt(2*k+1))
				if k%2 == 0 {
					sum.Add(sum, term)
				} else {
					sum.Sub(sum, term)
				}
				pow.Div(pow, qq)
			}
			return sum
		}
		pi := new(big.Int).Mul(atanInv(5), big.NewInt(16))
		pi.Sub(pi, new(big.Int).Mul(atanInv(239), big.NewInt(4)))
		f := new(big.Float).SetPrec(bigPiPrec).SetInt(pi)
		bigHalfPi = f.SetMantExp(f, -n-1)
	})
	return bigHalfPi
}

// reduce gives r and q with x = r + q*pi/2 (mod 2*pi), |r| <= pi/4 about.
func reduce(x float64) (dd, int) {
	if math.Abs(x) <= smallAngles {
		return ddF(x), 0
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return dd{math.NaN(), math.NaN()}, 0
	}
	if math.Abs(x) < 0x1p+20 {
		// Cody and Waite: pi/2 = p1 + p2 + p3 + p4 where p1..p3 have at most
		// 32 significant bits, so k*p1, k*p2 and k*p3 are exact, and x - k*p1
		// is exact too (the two are within a factor of two).
		const (
			p1 = 0x1.921fb54400000p+0
			p2 = 0x1.0b4611a600000p-34
			p3 = 0x1.3198a2e000000p-69
			p4 = 0x1.b839a252049c1p-104
		)
		k := math.Round(x * (2 / math.Pi))
		r := ddF(x - k*p1).sub(ddF(k * p2)).sub(ddF(k * p3)).sub(twoProd(k, p4))
		return r, int(int64(k) & 3)
	}
	_, e := math.Frexp(x)
	prec := uint(max(e, 0) + 240)
	hp := halfPiBig()
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	q := new(big.Float).SetPrec(prec).Quo(bx, hp)
	// Round q to the nearest integer.
	qi, _ := q.Int(nil)
	frac := new(big.Float).SetPrec(prec).Sub(q, new(big.Float).SetInt(qi))
	half := big.NewFloat(0.5)
	if frac.Cmp(half) > 0 {
		qi.Add(qi, big.NewInt(1))
	} else if frac.Cmp(new(big.Float).Neg(half)) < 0 {
		qi.Sub(qi, big.NewInt(1))
	}
	prod := new(big.Float).SetPrec(prec + 64).SetInt(qi)
	prod.Mul(prod, hp)
	r := new(big.Float).SetPrec(prec).Sub(bx, prod)
	hi, _ := r.Float64()
	lo, _ := new(big.Float).SetPrec(prec).Sub(r, big.NewFloat(hi)).Float64()
	quad := int(new(big.Int).And(qi, big.NewInt(3)).Int64())
	return dd{hi, lo}, quad
}

// ddSinCos gives sin and cos of r, |r| <= pi/4 or a little more, by their
// Taylor series (17 terms each leave less than 2**-110).
func ddSinCos(r dd) (dd, dd) {
	r2 := r.mul(r)
	coef := func(n, k int) dd { // (-1)**k / n!
		if k%2 == 1 {
			return invFact[n].neg()
		}
		return invFact[n]
	}
	s, c := coef(33, 16), coef(32, 16)
	for k := 15; k >= 0; k-- {
		s = s.mul(r2).add(coef(2*k+1, k))
		c = c.mul(r2).add(coef(2*k, k))
	}
	return s.mul(r), c
}

func sinCos(x float64) (dd, dd) {
	r, q := reduce(x)
	s, c := ddSinCos(r)
	switch q {
	case 1:
		return c, s.neg()
	case 2:
		return s.neg(), c.neg()
	case 3:
		return c.neg(), s
	}
	return s, c
}

func crSin(x float64) float64 { return crTrig(x, true, func(s, _ dd) dd { return s }) }
func crCos(x float64) float64 { return crTrig(x, false, func(_, c dd) dd { return c }) }
func crTan(x float64) float64 { return crTrig(x, true, func(s, c dd) dd { return s.div(c) }) }

// crTrig is f of the sine and cosine of x, rounded: NaN for NaN and the
// infinities, and x itself for ±0 when keepZero is set (sin and tan keep the
// sign of a zero).
func crTrig(x float64, keepZero bool, f func(s, c dd) dd) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return math.NaN()
	}
	if keepZero && x == 0 {
		return x
	}
	return f(sinCos(x)).round()
}

// ddAtan is atan(u) to about 104 bits: one Newton step on tan from Go's
// Atan, after moving |u| > 1 to pi/2 - atan(1/u).
func ddAtan(u dd) dd {
	if math.Abs(u.hi) > 1 { // atan(u) = sign(u)*pi/2 - atan(1/u)
		r := ddAtan(ddF(1).div(u))
		if u.hi < 0 {
			return ddHalfPi.neg().sub(r)
		}
		return ddHalfPi.sub(r)
	}
	y0 := math.Atan(u.hi)
	s, c := sinCos(y0)
	// y1 = y0 + (u*cos y0 - sin y0) * cos y0 / (sin² + cos²)
	corr := u.mul(c).sub(s).mul(c)
	return ddF(y0).add(corr)
}

func crAtan(x float64) float64 {
	switch {
	case math.IsNaN(x) || x == 0:
		return x
	case math.IsInf(x, 0):
		return math.Copysign(math.Pi/2, x)
	}
	return ddAtan(ddF(x)).round()
}

func crAsin(x float64) float64 {
	a := math.Abs(x)
	switch {
	case math.IsNaN(x) || x == 0:
		return x
	case a > 1:
		return math.NaN()
	case a == 1:
		return math.Copysign(math.Pi/2, x)
	}
	var d dd // 1 - x*x
	if a < 0.5 {
		d = ddF(1).sub(twoProd(a, a))
	} else {
		d = ddF(1 - a).mul(twoSum(1, a))
	}
	r := ddAtan(ddF(a).div(d.sqrt())).round()
	return math.Copysign(r, x)
}

func crAcos(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return x
	case x > 1 || x < -1:
		return math.NaN()
	case x == 1:
		return 0
	case x == -1:
		return math.Pi
	}
	// 2 * atan(sqrt((1-x)/(1+x)))
	q := twoSum(1, -x).div(twoSum(1, x)).sqrt()
	return ddAtan(q).scale(2).round()
}

func crAtan2(y, x float64) float64 {
	if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) || x == 0 || y == 0 {
		return math.Atan2(y, x)
	}
	_, ey := math.Frexp(y)
	_, ex := math.Frexp(x)
	switch {
	case ey-ex > 1000:
		return math.Copysign(math.Pi/2, y)
	case ey-ex < -1000:
		if x > 0 {
			return y / x
		}
		return math.Copysign(math.Pi, y)
	}
	// Only the ratio matters: scale both (exactly) so that x is near 1 and
	// no product in the division overflows.
	y, x = math.Ldexp(y, -ex), math.Ldexp(x, -ex)
	a := ddAtan(ddF(y).div(ddF(x)))
	if x < 0 {
		if y > 0 {
			a = a.add(ddPi)
		} else {
			a = a.sub(ddPi)
		}
	}
	return a.round()
}
