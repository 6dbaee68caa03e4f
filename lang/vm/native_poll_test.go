package vm

import (
	"bytes"
	"strings"
	"testing"
)

// newArmedTask compiles src with a builtin arm() that raises the interrupt
// armWith chooses, so a script can raise it just before a long native loop
// (the dispatch loop checks only every thousand steps, so the check that
// delivers it is the native loop's own).
func newArmedTask(t *testing.T, src string, armWith func(*Task)) (*Task, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	m := NewMachine(&out, &out)
	m.SetBuiltin("arm", NewNative("arm", func(task *Task, _ []Value) (Value, error) {
		armWith(task)
		return Nil, nil
	}))
	task := loadTestTask(t, m, src)
	return task, &out
}

// Each long native loop (repetition, join, sort) polls the interrupt: the
// run ends with the interrupt's error, raised at the operation itself, and
// the statement after it never runs.
func TestNativeLoopsPollInterrupt(t *testing.T) {
	cases := []struct{ name, setup, op string }{
		{"list repetition", ``, `let r = [0] * 10000000`},
		{"list repetition of several", ``, `let r = [1, 2, 3] * 3000000`},
		{"string repetition", ``, `let r = "ab" * 50000000`},
		{"join", `let parts = ["abc"] * 1000000`, `let r = ",".join(parts)`},
		{"sort", `let xs = [3, 1, 2] * 200000`, `xs.sort()`},
	}
	armWith := func(task *Task) { task.Quota.Interrupt(NewError(KindCancelled, "host cancelled")) }
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := c.setup + "\narm()\n" + c.op + "\nprint(\"not reached\")\n"
			task, out := newArmedTask(t, src, armWith)
			task.Quota = &Quota{}
			st := task.Run()
			if st != StatusFailed || task.Err.Kind != KindCancelled || task.Err.Message != "host cancelled" {
				t.Fatalf("status %v, err %v; want failed with cancelled: host cancelled", st, task.Err)
			}
			if tb := task.Err.Traceback(); !strings.Contains(tb, "t.ys:3:") {
				t.Fatalf("interrupt not raised at line 3, the long operation:\n%s", tb)
			}
			if s := flushed(task, out); strings.Contains(s, "not reached") {
				t.Fatalf("ran on after the interrupt: %q", s)
			}
		})
	}
}

// A long repetition counts against the step budget: with a small budget it
// throws limit instead of completing.
func TestRepetitionCountsSteps(t *testing.T) {
	task, _ := newTestTask(t, `let r = [0] * 10000000`)
	task.Quota = &Quota{MaxSteps: 10000}
	if st := task.Run(); st != StatusFailed || task.Err.Kind != KindLimit {
		t.Fatalf("status %v err %v; want limit", st, task.Err)
	}
	task, _ = newTestTask(t, `let r = [0] * 10000000`)
	task.Quota = &Quota{MaxSteps: 10000000}
	if st := task.Run(); st != StatusDone {
		t.Fatalf("status %v err %v; want done within a large budget", st, task.Err)
	}
}

// Repeating an empty list or string is empty at once, whatever the count.
func TestRepeatEmptyIsImmediate(t *testing.T) {
	task, out := newTestTask(t, `print(len([] * 9223372036854775807), len("" * 9223372036854775807))`)
	task.Quota = &Quota{MaxSteps: 2000}
	if st := task.Run(); st != StatusDone {
		t.Fatalf("status %v err %v", st, task.Err)
	}
	if s := flushed(task, out); s != "0 0\n" {
		t.Fatalf("got %q", s)
	}
}
