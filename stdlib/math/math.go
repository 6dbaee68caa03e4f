package math

import (
	"math"
	"math/bits"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
)

// The math module follows Python's math module: the same results, and the
// same errors where Python raises ValueError or OverflowError (kind value
// here) or ZeroDivisionError (zero_division). Ints are 64-bit, so an integer
// result that does not fit (factorial(21), floor(1e300)) throws value.

func Module(*vm.Machine) (vm.Value, error) {
	members := map[string]vm.Value{
		"pi":  vm.Float(math.Pi),
		"e":   vm.Float(math.E),
		"tau": vm.Float(2 * math.Pi),
		"inf": vm.Float(math.Inf(1)),
		"nan": vm.Float(math.NaN()),
	}
	fn := func(name string, f vm.NativeFunc) { members[name] = vm.NewNative(name, f) }
	// unary defines math.name as f of its one number argument.
	unary := func(name string, f func(full string, x float64) (vm.Value, error)) {
		full := "math." + name
		fn(name, func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			x, err := modutil.OneNum(full, args)
			if err != nil {
				return vm.Nil, err
			}
			return f(full, x)
		})
	}

	for _, r := range []struct {
		name     string
		f        func(float64) float64
		overflow bool // an infinite result of a finite argument is a range error
	}{
		{"sqrt", math.Sqrt, false},
		{"exp", crExp, true},
		{"sin", crSin, false},
		{"cos", crCos, false},
		{"tan", crTan, false},
		{"asin", crAsin, false},
		{"acos", crAcos, false},
		{"atan", crAtan, false},
		{"sinh", crSinh, true},
		{"cosh", crCosh, true},
		{"tanh", crTanh, false},
	} {
		unary(r.name, func(full string, x float64) (vm.Value, error) {
			return libm1(full, r.f, x, r.overflow)
		})
	}
	for _, r := range []struct {
		name string
		f    func(float64) float64
	}{
		{"log2", crLog2},
		{"log10", crLog10},
	} {
		unary(r.name, func(full string, x float64) (vm.Value, error) {
			y, err := logOf(full, r.f, x)
			return vm.Float(y), err
		})
	}
	fn("log", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		var x, b float64
		if err := vm.UnpackArgs("math.log", args, "x", &x, "base?", &b); err != nil {
			return vm.Nil, err
		}
		num, err := logOf("math.log", crLog, x)
		if err != nil || len(args) == 1 { // no base: the natural logarithm
			return vm.Float(num), err
		}
		den, err := logOf("math.log", crLog, b)
		if err != nil {
			return vm.Nil, err
		}
		if den == 0 {
			return vm.Nil, vm.NewError(vm.KindZeroDivision, "math.log: the logarithm of base 1 is zero (float division by zero)")
		}
		return vm.Float(num / den), nil
	})
	fn("floor", roundToInt("math.floor", math.Floor))
	fn("ceil", roundToInt("math.ceil", math.Ceil))
	fn("trunc", roundToInt("math.trunc", math.Trunc))
	fn("fabs", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		x, err := modutil.OneNum("math.fabs", args)
		return vm.Float(math.Abs(x)), err
	})
	fn("degrees", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		x, err := modutil.OneNum("math.degrees", args)
		return vm.Float(x * (180.0 / math.Pi)), err
	})
	fn("radians", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		x, err := modutil.OneNum("math.radians", args)
		return vm.Float(x * (math.Pi / 180.0)), err
	})
	for _, p := range []struct {
		name string
		pred func(float64) bool
	}{
		{"isnan", math.IsNaN},
		{"isinf", func(x float64) bool { return math.IsInf(x, 0) }},
		{"isfinite", func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }},
	} {
		unary(p.name, func(_ string, x float64) (vm.Value, error) {
			return vm.Bool(p.pred(x)), nil
		})
	}
	fn("pow", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		x, y, err := modutil.TwoNums("math.pow", args)
		if err != nil {
			return vm.Nil, err
		}
		return mathPow(x, y)
	})
	fn("atan2", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		y, x, err := modutil.TwoNums("math.atan2", args)
		if err != nil {
			return vm.Nil, err
		}
		return vm.Float(crAtan2(y, x)), nil
	})
	fn("fmod", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		x, y, err := modutil.TwoNums("math.fmod", args)
		if err != nil {
			return vm.Nil, err
		}
		if math.IsInf(y, 0) && !math.IsNaN(x) && !math.IsInf(x, 0) {
			return vm.Float(x), nil
		}
		r := math.Mod(x, y)
		if math.IsNaN(r) && !math.IsNaN(x) && !math.IsNaN(y) {
			return vm.Nil, mathDomainError("math.fmod")
		}
		return vm.Float(r), nil
	})
	fn("copysign", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		x, y, err := modutil.TwoNums("math.copysign", args)
		if err != nil {
			return vm.Nil, err
		}
		return vm.Float(math.Copysign(x, y)), nil
	})
	fn("hypot", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		var vec []float64
		if err := vm.UnpackArgs("math.hypot", args, "*coordinates", &vec); err != nil {
			return vm.Nil, err
		}
		maxv, nan := 0.0, false
		for i, x := range vec {
			x = math.Abs(x)
			vec[i] = x
			nan = nan || math.IsNaN(x)
			if x > maxv {
				maxv = x
			}
		}
		return vm.Float(vectorNorm(vec, maxv, nan)), nil
	})
	fn("isclose", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		var a, b, abs float64
		rel := 1e-9
		if err := vm.UnpackArgs("math.isclose", args, "a", &a, "b", &b, "rel_tol?", &rel, "abs_tol?", &abs); err != nil {
			return vm.Nil, err
		}
		if rel < 0 || abs < 0 {
			return vm.Nil, vm.NewError(vm.KindValue, "math.isclose: tolerances must be non-negative")
		}
		if a == b {
			return vm.True, nil
		}
		if math.IsInf(a, 0) || math.IsInf(b, 0) {
			return vm.False, nil
		}
		diff := math.Abs(b - a)
		return vm.Bool(diff <= math.Abs(rel*b) || diff <= math.Abs(rel*a) || diff <= abs), nil
	})
	fn("gcd", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		var ns []int64
		if err := vm.UnpackArgs("math.gcd", args, "*integers", &ns); err != nil {
			return vm.Nil, err
		}
		var g uint64
		for _, n := range ns {
			g = gcdU(g, absU(n))
		}
		return intFromU("math.gcd", g)
	})
	fn("lcm", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		var ns []int64
		if err := vm.UnpackArgs("math.lcm", args, "*integers", &ns); err != nil {
			return vm.Nil, err
		}
		for _, n := range ns {
			if n == 0 {
				return vm.Int(0), nil // even when the others' lcm overflows
			}
		}
		var l uint64 = 1
		for _, n := range ns {
			a := absU(n)
			hi, lo := bits.Mul64(l/gcdU(l, a), a)
			if hi != 0 {
				return vm.Nil, mathTooBig("math.lcm")
			}
			l = lo
		}
		return intFromU("math.lcm", l)
	})
	fn("factorial", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		var n int64
		if err := vm.UnpackArgs("math.factorial", args, "n", &n); err != nil {
			return vm.Nil, err
		}
		if n < 0 {
			return vm.Nil, vm.NewError(vm.KindValue, "math.factorial: not defined for negative values")
		}
		return permCount("math.factorial", n, n)
	})
	fn("perm", combNative("math.perm", "k??", func(n, k int64) (vm.Value, error) {
		return permCount("math.perm", n, k)
	}))
	fn("comb", combNative("math.comb", "k", func(n, k int64) (vm.Value, error) {
		if k > n-k {
			k = n - k
		}
		// r = C(n, i) after step i; C(n, i+1) = C(n, i) * (n-i) / (i+1) is
		// exact, and the 128-bit product keeps intermediate values exact.
		var r uint64 = 1
		for i := int64(0); i < k; i++ {
			hi, lo := bits.Mul64(r, uint64(n-i))
			if hi >= uint64(i+1) {
				return vm.Nil, mathTooBig("math.comb")
			}
			r, _ = bits.Div64(hi, lo, uint64(i+1))
		}
		return intFromU("math.comb", r)
	}))
	return vm.NewNativeModule("math", members), nil
}

func mathDomainError(fn string) error {
	return vm.NewError(vm.KindValue, fn+": math domain error")
}

func mathRangeError(fn string) error {
	return vm.NewError(vm.KindValue, fn+": math range error (the result is too large for a float)")
}

func mathTooBig(fn string) error {
	return vm.NewError(vm.KindValue, fn+": the result does not fit in a 64-bit int")
}

// libm1 applies f as CPython's math_1 does: a NaN from a non-NaN is a domain
// error, an infinity from a finite argument a range error (overflow) or a
// domain error.
func libm1(fn string, f func(float64) float64, x float64, overflow bool) (vm.Value, error) {
	r := f(x)
	if math.IsNaN(r) && !math.IsNaN(x) {
		return vm.Nil, mathDomainError(fn)
	}
	if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsNaN(x) {
		if overflow {
			return vm.Nil, mathRangeError(fn)
		}
		return vm.Nil, mathDomainError(fn)
	}
	return vm.Float(r), nil
}

// logOf is a logarithm with Python's domain: x <= 0 and -inf are errors.
func logOf(fn string, f func(float64) float64, x float64) (float64, error) {
	if math.IsNaN(x) {
		return x, nil
	}
	if x <= 0 {
		return 0, mathDomainError(fn)
	}
	return f(x), nil
}

func roundToInt(fn string, f func(float64) float64) vm.NativeFunc {
	return func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		var x float64
		if err := vm.UnpackArgs(fn, args, "x", &x); err != nil {
			return vm.Nil, err
		}
		if args[0].Kind() == vm.KInt { // an int comes back as it is, however large
			return args[0], nil
		}
		return floatToInt(fn, f(x))
	}
}

// floatToInt converts an integral float to an int.
func floatToInt(fn string, x float64) (vm.Value, error) {
	switch {
	case math.IsNaN(x):
		return vm.Nil, vm.NewError(vm.KindValue, fn+": cannot convert float NaN to integer")
	case math.IsInf(x, 0):
		return vm.Nil, vm.NewError(vm.KindValue, fn+": cannot convert float infinity to integer")
	case x < -9223372036854775808.0 || x >= 9223372036854775808.0:
		return vm.Nil, vm.Errorf(vm.KindValue, "%s: %s does not fit in a 64-bit int", fn, vm.FormatFloat(x))
	}
	return vm.Int(int64(x)), nil
}

// mathPow is CPython's math.pow: IEEE special cases by hand, libm for finite
// arguments, NaN results domain errors and overflow a range error.
func mathPow(x, y float64) (vm.Value, error) {
	if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
		var r float64
		switch {
		case math.IsNaN(x):
			r = x
			if y == 0 {
				r = 1
			}
		case math.IsNaN(y):
			r = y
			if x == 1 {
				r = 1
			}
		case math.IsInf(x, 0):
			oddY := !math.IsInf(y, 0) && math.Mod(math.Abs(y), 2) == 1
			switch {
			case y > 0:
				r = math.Abs(x)
				if oddY {
					r = x
				}
			case y == 0:
				r = 1
			default:
				r = 0
				if oddY {
					r = math.Copysign(0, x)
				}
			}
		default: // y is infinite
			switch {
			case math.Abs(x) == 1:
				r = 1
			case y > 0 && math.Abs(x) > 1:
				r = y
			case y < 0 && math.Abs(x) < 1:
				r = -y
			default:
				r = 0
			}
		}
		return vm.Float(r), nil
	}
	r := crPow(x, y)
	if math.IsNaN(r) {
		return vm.Nil, mathDomainError("math.pow")
	}
	if math.IsInf(r, 0) {
		if x == 0 {
			return vm.Nil, mathDomainError("math.pow")
		}
		return vm.Nil, mathRangeError("math.pow")
	}
	return vm.Float(r), nil
}

// vectorNorm is CPython's vector_norm (math.hypot): lossless scaling and
// squaring, then a correction step, which makes the result correctly rounded
// nearly always. vec holds absolute values, maxv the largest.
func vectorNorm(vec []float64, maxv float64, nan bool) float64 {
	if math.IsInf(maxv, 0) {
		return maxv
	}
	if nan {
		return math.NaN()
	}
	if maxv == 0 || len(vec) <= 1 {
		return maxv
	}
	_, maxE := math.Frexp(maxv)
	if maxE < -1023 {
		const dblMin = 0x1p-1022
		for i := range vec {
			vec[i] /= dblMin
		}
		return dblMin * vectorNorm(vec, maxv/dblMin, nan)
	}
	scale := math.Ldexp(1, -maxE)
	csum, frac1, frac2 := 1.0, 0.0, 0.0
	for _, x := range vec {
		x *= scale
		prHi, prLo := dlMul(x, x)
		smHi, smLo := dlFastSum(csum, prHi)
		csum = smHi
		frac1 += prLo
		frac2 += smLo
	}
	h := math.Sqrt(csum - 1.0 + (frac1 + frac2))
	prHi, prLo := dlMul(-h, h)
	smHi, smLo := dlFastSum(csum, prHi)
	csum = smHi
	frac1 += prLo
	frac2 += smLo
	x := csum - 1.0 + (frac1 + frac2)
	h += x / (2.0 * h)
	return h / scale
}

// dlMul is Dekker's exact product: hi + lo == x * y.
func dlMul(x, y float64) (float64, float64) {
	xh, xl := dlSplit(x)
	yh, yl := dlSplit(y)
	p := xh * yh
	q := xh*yl + xl*yh
	z := p + q
	zz := p - z + q + xl*yl
	return z, zz
}

func dlSplit(x float64) (float64, float64) {
	t := x * 134217729.0
	hi := t - (t - x)
	return hi, x - hi
}

// dlFastSum is Fast2Sum (|a| >= |b|): hi + lo == a + b.
func dlFastSum(a, b float64) (float64, float64) {
	x := a + b
	z := x - a
	return x, b - z
}

func gcdU(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func absU(n int64) uint64 {
	if n < 0 {
		return uint64(-n) // -MinInt64 wraps to 1<<63, its magnitude as uint64
	}
	return uint64(n)
}

func intFromU(fn string, u uint64) (vm.Value, error) {
	if u > math.MaxInt64 {
		return vm.Nil, mathTooBig(fn)
	}
	return vm.Int(int64(u)), nil
}

// combNative is perm or comb: it reads n and k (k defaults to n) and gives 0
// when k > n, else count(n, k).
func combNative(fn, kParam string, count func(n, k int64) (vm.Value, error)) vm.NativeFunc {
	return func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		n, k, err := combArgs(fn, args, kParam)
		if err != nil {
			return vm.Nil, err
		}
		if k > n {
			return vm.Int(0), nil
		}
		return count(n, k)
	}
}

// combArgs reads n and k (k defaults to n) for comb and perm.
func combArgs(fn string, args []vm.Value, kParam string) (n, k int64, err error) {
	if err := vm.UnpackArgs(fn, args, "n", &n, kParam, &k); err != nil {
		return 0, 0, err
	}
	if len(args) < 2 || args[1].IsNil() { // perm's k left out
		k = n
	}
	if n < 0 {
		return 0, 0, vm.NewError(vm.KindValue, fn+": n must be a non-negative integer")
	}
	if k < 0 {
		return 0, 0, vm.NewError(vm.KindValue, fn+": k must be a non-negative integer")
	}
	return n, k, nil
}

// permCount is n * (n-1) * ... * (n-k+1), or a value error past 64 bits.
func permCount(fn string, n, k int64) (vm.Value, error) {
	var r uint64 = 1
	for i := int64(0); i < k; i++ {
		hi, lo := bits.Mul64(r, uint64(n-i))
		if hi != 0 || lo > math.MaxInt64 {
			return vm.Nil, mathTooBig(fn)
		}
		r = lo
	}
	return vm.Int(int64(r)), nil
}
