package vm

import (
	"bytes"
	"fmt"
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

// throwHost is a MethodYielder whose recv logs what the task tells it, and
// parks on its second call; sendall completes at once.
type throwHost struct {
	calls int
	log   []string
}

func (*throwHost) TypeName() string { return "throw_host" }

func (h *throwHost) YieldMethodNow(t *Task, name string, args []Value) (Value, *Error, bool) {
	if name != "recv" {
		return Nil, nil, true
	}
	h.calls++
	v, ok := t.DeadResult()
	h.log = append(h.log, fmt.Sprintf("%d:%v:%v:%s", h.calls, t.Retrying(), ok, ToStr(v)))
	switch h.calls {
	case 2:
		t.Park()
		return Nil, nil, false
	case 1:
		return Str("r1"), nil, true
	}
	return Str(""), nil, true
}

// TestThrowAtParkedMarkedCall: a task parked at a marked call that took the
// dead value, thrown at (a cancel), leaves no call bits behind: the next
// marked call, in a new frame, is not a retry and finds its variable nil.
// While parked, Awaiting is the receiver.
func TestThrowAtParkedMarkedCall(t *testing.T) {
	var out bytes.Buffer
	m := NewMachine(&out, &out)
	h := &throwHost{}
	o := ObjectValue(h)
	m.SetBuiltin("o", o)
	task := loadTestTask(t, m, `
fn f(c) {
    while true {
        let data = yield c.recv(1)
        if not data { break }
        yield c.sendall(data)
    }
}
try { yield f(o) } catch e { print("caught", e.message) }
yield f(o)
`)
	if st := task.Run(); st != StatusPark {
		t.Fatalf("status %v, err %v", st, task.Err)
	}
	if aw := task.Awaiting(); aw != o {
		t.Errorf("Awaiting %v, want the receiver", aw)
	}
	if st := task.Throw(Errorf(KindCancelled, "cancelled")); st != StatusDone {
		t.Fatalf("after Throw: status %v, err %v", st, task.Err)
	}
	want := "1:false:true:nil 2:false:true:r1 3:false:true:nil"
	if got := strings.Join(h.log, " "); got != want {
		t.Errorf("log %s, want %s", got, want)
	}
	if got := flushed(task, &out); got != "caught cancelled\n" {
		t.Errorf("output %q", got)
	}
	if task.callFlags != 0 {
		t.Errorf("callFlags %#x", task.callFlags)
	}
}
