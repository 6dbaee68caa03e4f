package stdlib

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// mathULP is how far (in units in the last place) a function may be from
// Python's value: Go's math package is not correctly rounded everywhere and
// glibc's functions, which Python calls, nearly are. Functions not listed
// must match Python bit for bit. doc/stdlib.md says which functions these are.
var mathULP = map[string]int64{
	"sin": 40, "cos": 40, "tan": 40, "acos": 8, "pow": 20,
	"asin": 1, "atan": 1, "atan2": 1, "sinh": 1, "cosh": 1, "tanh": 1,
	"exp": 1, "log": 1, "log2": 1, "log10": 1,
}

// TestMathAgainstPython runs the calls in testdata/math_cases.txt (written by
// testdata/math_cases.py with Python 3.11) and compares the results.
func TestMathAgainstPython(t *testing.T) {
	f, err := os.Open("testdata/math_cases.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	modv, err := mathModule(nil)
	if err != nil {
		t.Fatal(err)
	}
	mod := modv.AsObject().(*vm.Module)
	sc := bufio.NewScanner(f)
	n, bad := 0, map[string]int{}
	for sc.Scan() {
		line := sc.Text()
		parts := strings.Split(line, "\t")
		if len(parts) != 3 {
			t.Fatalf("bad line %q", line)
		}
		fn, ok := mod.Global(parts[0])
		if !ok {
			t.Fatalf("math has no %s", parts[0])
		}
		var args []vm.Value
		if parts[1] != "" {
			for _, a := range strings.Split(parts[1], " ") {
				args = append(args, parsePyValue(t, a))
			}
		}
		got, err := fn.AsNative().Fn(nil, args)
		n++
		if want, ok := strings.CutPrefix(parts[2], "err:"); ok {
			e, isErr := err.(*vm.Error)
			if !isErr || e.Kind != want {
				t.Errorf("math.%s(%s) = %s, %v; want an error of kind %s", parts[0], parts[1], vm.Repr(got), err, want)
			}
			continue
		}
		if err != nil {
			t.Errorf("math.%s(%s): %v; want %s", parts[0], parts[1], err, parts[2])
			continue
		}
		want := parsePyValue(t, parts[2])
		if !sameMathResult(got, want, mathULP[parts[0]]) {
			bad[parts[0]]++
			t.Errorf("math.%s(%s) = %s; want %s", parts[0], parts[1], vm.Repr(got), parts[2])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 5000 {
		t.Errorf("only %d cases", n)
	}
	if len(bad) > 0 {
		t.Logf("mismatches by function: %v", bad)
	}
}

func parsePyValue(t *testing.T, s string) vm.Value {
	switch {
	case strings.HasPrefix(s, "i:"):
		n, err := strconv.ParseInt(s[2:], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return vm.Int(n)
	case strings.HasPrefix(s, "f:"):
		x, err := strconv.ParseFloat(s[2:], 64)
		if err != nil {
			t.Fatal(err)
		}
		return vm.Float(x)
	case s == "b:True":
		return vm.True
	case s == "b:False":
		return vm.False
	}
	t.Fatalf("bad value %q", s)
	return vm.Nil
}

func sameMathResult(got, want vm.Value, ulps int64) bool {
	if got.Kind() != want.Kind() {
		return false
	}
	if got.Kind() != vm.KFloat {
		return vm.Repr(got) == vm.Repr(want)
	}
	g, w := got.AsFloat(), want.AsFloat()
	if math.IsNaN(g) || math.IsNaN(w) {
		return math.IsNaN(g) && math.IsNaN(w)
	}
	if math.Float64bits(g) == math.Float64bits(w) {
		return true
	}
	if ulps == 0 || math.Signbit(g) != math.Signbit(w) {
		return false
	}
	d := int64(math.Float64bits(g)) - int64(math.Float64bits(w))
	return d <= ulps && d >= -ulps
}
