package vm

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// retryHost is a MethodYielder whose every method parks on its first
// attempt; run again by Retry, get returns its argument, again parks once
// more before returning "again", and fail throws.
type retryHost struct {
	log    []string
	agains int
}

func (*retryHost) TypeName() string { return "park_host" }

func (h *retryHost) YieldMethodNow(t *Task, name string, args []Value) (Value, *Error, bool) {
	h.log = append(h.log, fmt.Sprintf("%s(%s):%v", name, ToStr(args[0]), t.Retrying()))
	if !t.Retrying() {
		t.Park()
		return Nil, nil, false
	}
	switch name {
	case "again":
		if h.agains++; h.agains == 1 {
			t.Park()
			return Nil, nil, false
		}
		return Str("again"), nil, true
	case "fail":
		return Nil, Errorf(KindValue, "failed %s", ToStr(args[0])), true
	}
	return args[0], nil, true
}

// TestRetryRunsTheParkedCall: Retry runs the call the task parked on again
// before the dispatch loop goes on; its value goes to a local, is dropped,
// or stays on the stack as an argument, as the instruction after the yield
// says; a retry may park again; an error it throws is caught by a try
// around the call, and an uncaught one has the call's line in its trace.
func TestRetryRunsTheParkedCall(t *testing.T) {
	var out bytes.Buffer
	m := NewMachine(&out, &out)
	h := &retryHost{}
	m.SetBuiltin("o", ObjectValue(h))
	task := loadTestTask(t, m, `
fn f(c) {
    let a = yield c.get(1)
    yield c.get(2)
    print(a, (yield c.get(3)), a)
    let b = yield c.again(4)
    print(b)
    try { yield c.fail(5) } catch e { print("caught", e.kind, e.message) }
    yield c.fail(6)
}
yield f(o)
`)
	parks := 0
	st := task.Run()
	for ; st == StatusPark; st = task.Retry() {
		parks++
	}
	if st != StatusFailed || task.Err == nil || task.Err.Message != "failed 6" {
		t.Fatalf("status %v, err %v", st, task.Err)
	}
	if parks != 7 {
		t.Errorf("%d parks, want 7", parks)
	}
	want := "get(1):false get(1):true get(2):false get(2):true get(3):false get(3):true " +
		"again(4):false again(4):true again(4):true fail(5):false fail(5):true fail(6):false fail(6):true"
	if got := strings.Join(h.log, " "); got != want {
		t.Errorf("calls %s\nwant  %s", got, want)
	}
	if got := flushed(task, &out); got != "1 3 1\nagain\ncaught value failed 5\n" {
		t.Errorf("output %q", got)
	}
	if tr := task.Err.Trace; len(tr) != 2 || tr[1].Func != "f" || tr[1].Line != 9 || tr[0].Line != 11 {
		t.Errorf("trace %+v", tr)
	}
}

// misusingHost calls Park or Wait and then says done anyway (a host's
// mistake), and declines every other method.
type misusingHost struct{}

func (misusingHost) TypeName() string { return "misusing_host" }

func (misusingHost) YieldMethodNow(t *Task, name string, args []Value) (Value, *Error, bool) {
	switch name {
	case "parkdone":
		t.Park()
		return Int(1), nil, true
	case "waitdone":
		t.Wait(Nil)
		return Int(2), nil, true
	}
	return Nil, nil, false
}

// TestParkOrWaitThenDoneIsDone: a call that parks or registers a wait and
// then says done gives its value, and leaves nothing behind that would stop
// the next call: a call declined after it is called as usual (and fails, the
// object having no such method) instead of parking or waiting for ever.
func TestParkOrWaitThenDoneIsDone(t *testing.T) {
	for _, first := range []string{"parkdone", "waitdone"} {
		var out bytes.Buffer
		m := NewMachine(&out, &out)
		m.SetBuiltin("o", ObjectValue(misusingHost{}))
		task := loadTestTask(t, m, fmt.Sprintf(`
let a = yield o.%s()
print(a)
yield o.decline()
`, first))
		st := task.Run()
		if st != StatusFailed || task.Err == nil {
			t.Fatalf("%s: status %v, err %v, want a failure at decline", first, st, task.Err)
		}
		want := map[string]string{"parkdone": "1\n", "waitdone": "2\n"}[first]
		if got := flushed(task, &out); got != want {
			t.Errorf("%s: output %q, want %q", first, got, want)
		}
		if !strings.Contains(task.Err.Message, "decline") {
			t.Errorf("%s: error %q does not name the method", first, task.Err.Message)
		}
	}
}
