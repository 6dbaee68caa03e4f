package stdlib

import (
	"bufio"
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/yieldscript/yieldscript/lang/compile"
	"github.com/yieldscript/yieldscript/lang/parser"
	"github.com/yieldscript/yieldscript/lang/vm"
)

// TestGeneratedCore runs the expressions of testdata/gen/core.txt (strip,
// json, repetition, sorted, arithmetic, slicing, comparison, str of floats,
// int and float of text, with the results Python gave for the same
// operations: see testdata/gen/gen_core.py) and compares what each
// gives, written as inside a list, or the kind of what it throws.
func TestGeneratedCore(t *testing.T) {
	f, err := os.Open("../testdata/gen/core.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	m := vm.NewMachine(&out, &out)
	Install(m, nil, []string{"json"})
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
			t.Fatalf("core.txt:%d: no tab", line)
		}
		n++
		if got := evalCase(m, expr); got != want {
			failed++
			if failed <= 40 {
				t.Errorf("core.txt:%d: %s\n got  %s\n want %s", line, expr, got, want)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if failed > 0 {
		t.Errorf("%d of %d cases failed", failed, n)
	}
	if n < 500 {
		t.Errorf("only %d cases", n)
	}
}

// evalCase evaluates one expression in m, with json imported: its value as
// repr writes it, or "error: KIND".
func evalCase(m *vm.Machine, expr string) string {
	pf, err := parser.ParseFile("case.ys", []byte("import json\n"+expr+"\n"))
	if err != nil {
		return "syntax error: " + err.Error()
	}
	prog, err := compile.Compile(pf, &compile.Env{Builtins: m.BuiltinNames(), ReturnLast: true})
	if err != nil {
		return "compile error: " + err.Error()
	}
	task, err := m.NewTask(m.Load(prog, vm.NewModule("case", "case.ys")), nil)
	if err != nil {
		return "error: " + err.Error()
	}
	if st := task.Run(); st != vm.StatusDone {
		return "error: " + task.Err.Kind
	}
	return vm.Repr(task.Result())
}
