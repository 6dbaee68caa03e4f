package vm

import (
	"bufio"
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/yieldscript/yieldscript/lang/compile"
	"github.com/yieldscript/yieldscript/lang/parser"
)

// TestGeneratedBuiltins runs the expressions of testdata/gen/builtins.txt
// (builtins and string methods, with the results Python gave for the same
// calls: see testdata/gen/gen_builtins.py) and compares what each gives,
// written as inside a list, or the kind of what it throws.
func TestGeneratedBuiltins(t *testing.T) {
	f, err := os.Open("../../testdata/gen/builtins.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	m := NewMachine(&out, &out)
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n, failed := 0, 0
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.HasPrefix(text, "#") || text == "" {
			continue
		}
		expr, want, ok := strings.Cut(text, "\t")
		if !ok {
			t.Fatalf("builtins.txt:%d: no tab", line)
		}
		n++
		got := evalRepr(m, expr)
		if got != want {
			failed++
			if failed <= 40 {
				t.Errorf("builtins.txt:%d: %s\n got  %s\n want %s", line, expr, got, want)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if failed > 0 {
		t.Errorf("%d of %d cases failed", failed, n)
	}
	if n < 1000 {
		t.Errorf("only %d cases", n)
	}
}

// evalRepr evaluates one expression in m: its value as repr writes it, or
// "error: KIND".
func evalRepr(m *Machine, expr string) string {
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
