package vm

import (
	"bytes"
	"strings"
	"testing"
)

// panicHost is a MethodYielder whose recv parks on its first attempt, and
// on the retry takes the dead value and then panics (a bug in a host).
type panicHost struct{ attempts int }

func (*panicHost) TypeName() string { return "panic_host" }

func (h *panicHost) YieldMethodNow(t *Task, name string, args []Value) (Value, *Error, bool) {
	h.attempts++
	if !t.Retrying() {
		t.Park()
		return Nil, nil, false
	}
	t.DeadResult()
	panic("host bug")
}

// TestPanicInMarkedCallAfterRetry: a host that panics inside YieldMethodNow
// at a marked call, run again by Retry (which enters the dispatch loop
// itself), fails the task with an internal error and its traceback; the
// panic does not escape Retry.
func TestPanicInMarkedCallAfterRetry(t *testing.T) {
	var out bytes.Buffer
	m := NewMachine(&out, &out)
	h := &panicHost{}
	m.SetBuiltin("o", ObjectValue(h))
	task := loadTestTask(t, m, `
fn f(c) {
    while true {
        let data = yield c.recv(1)
        if not data { break }
    }
}
yield f(o)
`)
	if st := task.Run(); st != StatusPark {
		t.Fatalf("status %v, err %v", st, task.Err)
	}
	if st := task.Retry(); st != StatusFailed {
		t.Fatalf("retry: status %v, err %v", st, task.Err)
	}
	if task.Err == nil || !strings.Contains(task.Err.Message, "internal error: host bug") {
		t.Fatalf("err = %v", task.Err)
	}
	if tr := task.Err.Trace; len(tr) != 2 || tr[1].Func != "f" || tr[1].Line != 4 {
		t.Errorf("trace %+v", tr)
	}
	if h.attempts != 2 {
		t.Errorf("%d attempts", h.attempts)
	}
}
