package vm

import (
	"bytes"
	"strings"
	"testing"
)

// retryPathsHost is a MethodYielder for the paths of a retried call: every
// method but flag parks on its first attempt; run again by Retry, get
// returns its argument, fail throws, wait registers a wait (Task.Wait),
// plain leaves the call to the ordinary method call, boom panics and
// cancel parks again. flag never parks and returns whether the task says
// it is retrying.
type retryPathsHost struct{}

func (*retryPathsHost) TypeName() string { return "retry_host" }

func (*retryPathsHost) YieldMethodNow(t *Task, name string, args []Value) (Value, *Error, bool) {
	if name == "flag" {
		return Bool(t.Retrying()), nil, true
	}
	if !t.Retrying() || name == "cancel" {
		t.Park()
		return Nil, nil, false
	}
	switch name {
	case "get":
		return args[0], nil, true
	case "fail":
		return Nil, Errorf(KindValue, "failed %s", ToStr(args[0])), true
	case "wait":
		t.Wait(Str("the wait"))
		return Nil, nil, false
	case "plain":
		return Nil, nil, false
	case "boom":
		panic("boom")
	}
	return Nil, Errorf(KindValue, "no method %s", name), true
}

// TestRetryPaths: a retried call's value reaches a global, a captured
// local and a truth test after it; its throw is caught in a caller's frame
// with the stack as it was; a retry that must wait is resumed with the
// value; one the object does not complete goes to the ordinary method call
// (which throws at the call); a task thrown at while parked (a
// cancellation) goes on in its catch, and no later call sees Retrying; a
// panic in the retried call fails the task at the call's line. Each parked
// task's stack is shrunk before it runs again.
func TestRetryPaths(t *testing.T) {
	var out bytes.Buffer
	m := NewMachine(&out, &out)
	m.SetBuiltin("o", ObjectValue(&retryPathsHost{}))
	task := loadTestTask(t, m, `
let top = yield o.get(7)
fn inner(c) { return [1, (yield c.fail(1)), 2] }
fn f(c) {
    let before = [10, 20]
    try { print((yield inner(c))) } catch e { print("caught", e.kind, e.message, before) }
    print((yield c.flag(0)))
    let cap = yield c.get(5)
    let g = fn() { return cap }
    print(g(), top)
    let data = yield c.get("")
    if not data { print("empty") }
    let w = yield c.wait(3)
    print("w", w, (yield c.flag(0)))
    try { yield c.plain(4) } catch e { print("plain", e.kind) }
    try { yield c.cancel(0) } catch e { print(e.kind, e.message) }
    print((yield c.flag(0)))
    yield c.boom(9)
}
yield f(o)
`)
	var statuses []string
	st := task.Run()
	for {
		if st == StatusPark {
			statuses = append(statuses, "park")
			task.ShrinkStack() // as a scheduler does for a task that stays parked
			if task.parkedOnCancel() {
				st = task.Throw(NewError(KindCancelled, "task was cancelled"))
			} else {
				st = task.Retry()
			}
			continue
		}
		if st == StatusWait {
			statuses = append(statuses, "wait")
			if got := task.Awaiting(); got.k != KStr || ToStr(got) != "the wait" {
				t.Fatalf("awaiting %s", Repr(got))
			}
			st = task.Resume(Str("woken"))
			continue
		}
		break
	}
	if got := strings.Join(statuses, " "); got != "park park park park park wait park park park" {
		t.Errorf("statuses %s", got)
	}
	want := "caught value failed 1 [10, 20]\nfalse\n5 7\nempty\nw woken false\nplain type\ncancelled task was cancelled\nfalse\n"
	if got := flushed(task, &out); got != want {
		t.Errorf("output %q\nwant   %q", got, want)
	}
	if st != StatusFailed || task.Err == nil || !strings.Contains(task.Err.Message, "boom") {
		t.Fatalf("status %v, err %v", st, task.Err)
	}
	if tr := task.Err.Trace; len(tr) != 2 || tr[1].Func != "f" || tr[1].Line != 18 || tr[0].Line != 20 {
		t.Errorf("trace %+v", tr)
	}
}

// parkedOnCancel reports whether a parked task stopped on a call of cancel.
func (t *Task) parkedOnCancel() bool {
	fr := &t.frames[len(t.frames)-1]
	return fr.cl.proto.methods[int(word(fr.ip, -1)>>16)].name == "cancel"
}
