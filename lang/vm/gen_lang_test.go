package vm

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/yieldscript/yieldscript/lang/compile"
	"github.com/yieldscript/yieldscript/lang/parser"
)

// TestGeneratedLanguage runs the expressions of testdata/gen/lang.txt
// (format specs, f-string specs, slices with a step, **, the precedence of
// the binary operators mixed with not and unary minus; see
// testdata/gen/gen_lang.py) and compares each value, written as inside a
// list, or the kind of what it throws, with what Python 3.11 gave. A case
// marked ulp (a float power) passes when both are floats within four units
// in the last place: C's pow, which CPython uses, is correctly rounded in
// nearly every case, and FloatPow is within one unit in nearly every case.
func TestGeneratedLanguage(t *testing.T) {
	data, err := os.ReadFile("../../testdata/gen/lang.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	m := NewMachine(&out, &out)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	n, failed := 0, 0
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.HasPrefix(text, "#") || text == "" {
			continue
		}
		fields := strings.Split(text, "\t")
		if len(fields) < 2 {
			t.Fatalf("lang.txt:%d: no tab", line)
		}
		expr, want := fields[0], fields[1]
		approx := len(fields) > 2 && fields[2] == "ulp"
		n++
		got := evalCase(m, expr)
		if got == want || approx && withinULP(got, want) {
			continue
		}
		failed++
		if failed <= 40 {
			t.Errorf("lang.txt:%d: %s\n got  %s\n want %s", line, expr, got, want)
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d cases failed", failed, n)
	}
	if n < 3000 {
		t.Errorf("only %d cases", n)
	}
}

// withinULP reports whether two written floats are at most four units in the
// last place apart.
func withinULP(a, b string) bool {
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil || math.Signbit(x) != math.Signbit(y) {
		return false
	}
	d := int64(math.Float64bits(math.Abs(x))) - int64(math.Float64bits(math.Abs(y)))
	return d >= -4 && d <= 4
}

// evalCase evaluates one expression in m: its value as repr writes it, or
// "error: KIND".
func evalCase(m *Machine, expr string) string {
	pf, err := parser.ParseFile("case.ys", []byte(expr+"\n"))
	if err != nil {
		return "syntax error: " + err.Error()
	}
	prog, err := compile.Compile(pf, &compile.Env{Builtins: m.BuiltinNames(), ReturnLast: true})
	if err != nil {
		return "compile error: " + err.Error()
	}
	task, err := m.NewTask(m.Load(prog, NewModule("case", "case.ys")), nil)
	if err != nil {
		return "error: " + err.Error()
	}
	if st := task.Run(); st != StatusDone {
		return "error: " + task.Err.Kind
	}
	return Repr(task.Result())
}
