package vm

import (
	"bytes"
	"strings"
	"testing"
)

var testPrelude = NewPrelude("<test>", `
fn apply_twice(f, x) {
    return __add_one(f(f(x)))
}
`, map[string]NativeFunc{
	"__add_one": func(t *Task, args []Value) (Value, error) { return Int(args[0].AsInt() + 1), nil },
})

// runDelegate runs src with a builtin twice(f, x) that hands over to the test
// prelude's apply_twice, and returns the task and what it printed.
func runDelegate(t *testing.T, src string, budget int64) (*Task, Status, string) {
	t.Helper()
	var out bytes.Buffer
	m := NewMachine(&out, &out)
	m.SetBuiltin("twice", NewNative("twice", func(t *Task, args []Value) (Value, error) {
		fn, err := testPrelude.Func(t, "apply_twice")
		if err != nil {
			return Nil, err
		}
		return t.TailCall(fn, args...)
	}))
	task := loadTestTask(t, m, src)
	task.Quota = &Quota{MaxSteps: budget}
	st := task.Run()
	m.Flush()
	return task, st, out.String()
}

func TestTailCallResultAndTraceback(t *testing.T) {
	task, st, out := runDelegate(t, `
fn double(x) { return x * 2 }
print(twice(double, 5), ["a"].sort(len))
fn boom(x) {
    return x + "s"
}
twice(boom, 1)
`, 0)
	if out != "21 nil\n" {
		t.Errorf("output %q, want %q", out, "21 nil\n")
	}
	if st != StatusFailed {
		t.Fatalf("status %v, want failed", st)
	}
	tb := task.Err.Traceback()
	for _, want := range []string{"t.ys:7:6 in <main>", "<test>:3:25 in apply_twice", "t.ys:5:14 in boom"} {
		if !strings.Contains(tb, want) {
			t.Errorf("traceback lacks %q:\n%s", want, tb)
		}
	}
}

func TestTailCallStepsCountAgainstTheBudget(t *testing.T) {
	task, st, _ := runDelegate(t, `
fn spin(x) {
    while true {}
}
twice(spin, 1)
`, 100000)
	if st != StatusFailed || task.Err.Kind != KindLimit {
		t.Fatalf("status %v, error %v; want a limit error", st, task.Err)
	}
}

func TestTailCallYieldInsideDelegatedCode(t *testing.T) {
	// The delegated function calls a coroutine function: its value is a
	// coroutine the caller can yield, as for any call.
	task, st, _ := runDelegate(t, `
fn co(x) {
    yield
    return x
}
fn first(x) { return x }
let c = twice(first, 1)
`, 0)
	if st != StatusDone {
		t.Fatalf("status %v, error %v", st, task.Err)
	}
}

func TestPreludeRejectsStatements(t *testing.T) {
	p := NewPrelude("<bad>", "let x = 1\n", nil)
	task, _ := newTestTask(t, "")
	if _, err := p.Func(task, "x"); err == nil || !strings.Contains(err.Error(), "only fn declarations") {
		t.Fatalf("err = %v", err)
	}
}
