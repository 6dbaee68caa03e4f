package vm

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript/lang/compile"
	"github.com/yieldscript/yieldscript/lang/parser"
)

// FuzzRun compiles and runs arbitrary source with an instruction budget: whatever
// the input, the VM must end with a result or a script error, never a Go panic
// (which the task border would report as an "internal error"), and never hang.
func FuzzRun(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/*/*.ys")
	more, _ := filepath.Glob("../../examples/*.ys")
	for _, p := range append(seeds, more...) {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(string(src))
		}
	}
	f.Add("let x = [1, 2]\nx[5] = 1")
	f.Add("fn f(a, b = a) { return f(b) }\nf(1)")
	f.Fuzz(func(t *testing.T, src string) {
		file, err := parser.ParseFile("fuzz.ys", []byte(src))
		if err != nil {
			return
		}
		m := NewMachine(io.Discard, io.Discard)
		m.MaxDepth = 200
		prog, err := compile.Compile(file, &compile.Env{Builtins: m.BuiltinNames()})
		if err != nil {
			return
		}
		task, err := m.NewTask(m.Load(prog, NewModule("main", "fuzz.ys")), nil)
		if err != nil {
			t.Fatalf("NewTask: %v", err)
		}
		// s = s + s in a loop needs few steps and much memory: bound that too.
		task.Quota = &Quota{MaxSteps: 20000, MaxBytes: 64 << 20}
		// A run that takes seconds is a hang: fail with the input.
		watchdog := time.AfterFunc(30*time.Second, func() {
			panic(fmt.Sprintf("FuzzRun: input still running after 30s:\n%s", src))
		})
		defer watchdog.Stop()
		st := task.Run()
		for range 1000 {
			if st != StatusYield && st != StatusYieldBare {
				break
			}
			if st == StatusYieldBare {
				st = task.Resume(Nil)
			} else {
				st = task.Throw(NewError(KindCancelled, "fuzz"))
			}
		}
		if st == StatusFailed && strings.Contains(task.Err.Message, "internal error") {
			t.Fatalf("VM failure on\n%s\n%s\n%s", src, task.Err.Report(), task.Err.Message)
		}
	})
}
