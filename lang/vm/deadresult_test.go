package vm

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// deadHost is a MethodYielder that logs what DeadResult tells each call.
type deadHost struct {
	n   int
	log []string
}

func (*deadHost) TypeName() string { return "dead_host" }

func (h *deadHost) YieldMethodNow(t *Task, name string, args []Value) (Value, *Error, bool) {
	if name == "recv" && args[0].AsInt() == 2 {
		// a marked call whose host does not ask
		h.n++
		return Str(fmt.Sprint("r", h.n)), nil, true
	}
	at := t.AtDeadResult()
	v, ok := t.DeadResult()
	_, again := t.DeadResult()
	entry := fmt.Sprintf("%s:%v:%v", name, ok, again)
	if at != ok || t.AtDeadResult() {
		// AtDeadResult answers as DeadResult would, and not once it has
		entry += fmt.Sprintf(":AtDeadResult %v then %v", at, t.AtDeadResult())
	}
	if ok {
		entry += ":" + ToStr(v)
		// the variable itself is nil from now on
		fr := &t.frames[len(t.frames)-1]
		slot := slices.Index(fr.cl.proto.LocalNames, "data")
		if x := *(*Value)(unsafe.Add(fr.bp, slot*valueSize)); x.k != KNil {
			entry += ":not cleared"
		}
	}
	h.log = append(h.log, entry)
	if name == "recv" {
		h.n++
		return Str(fmt.Sprint("r", h.n)), nil, true
	}
	return Nil, nil, true
}

// TestDeadResult: at a marked `let data = yield c.recv(n)` DeadResult gives
// data's value from the last run (nil the first time) once per call, and
// clears data; at unmarked calls, and after a marked call whose host did not
// ask, it gives nothing. AtDeadResult is true exactly where DeadResult
// would answer.
func TestDeadResult(t *testing.T) {
	var out bytes.Buffer
	m := NewMachine(&out, &out)
	h := &deadHost{}
	m.SetBuiltin("o", ObjectValue(h))
	task := loadTestTask(t, m, `
fn f(c) {
    for i in range(3) {
        let data = yield c.recv(1)
        if not data { break }
        yield c.sendall(data)
    }
    let a = yield c.recv(2)
    let keep = yield c.recv(1)
    print(keep)
}
yield f(o)
`)
	if st := task.Run(); st != StatusDone {
		t.Fatalf("status %v, err %v", st, task.Err)
	}
	want := []string{
		"recv:true:false:nil", "sendall:false:false",
		"recv:true:false:r1", "sendall:false:false",
		"recv:true:false:r2", "sendall:false:false",
		"recv:false:false",
	}
	if got := strings.Join(h.log, " "); got != strings.Join(want, " ") {
		t.Errorf("log\n%s\nwant\n%s", got, strings.Join(want, " "))
	}
	if got := flushed(task, &out); got != "r5\n" {
		t.Errorf("output %q", got)
	}
	if task.callFlags&callDead != 0 {
		t.Error("the task is still in a marked call")
	}
}

// TestDeadResultFarSlot: a marked variable whose slot does not fit in
// Task.callFlags's bits (70 locals before it) is found by decoding the call,
// with the same answers as TestDeadResult's; one that fits is carried in
// the bits.
func TestDeadResultFarSlot(t *testing.T) {
	if deadBits(15) != callDead|15<<deadShift || deadBits(16) != callDead || deadBits(0) != 0 {
		t.Fatalf("deadBits 15, 16, 0: %#x %#x %#x", deadBits(15), deadBits(16), deadBits(0))
	}
	var out bytes.Buffer
	m := NewMachine(&out, &out)
	h := &deadHost{}
	m.SetBuiltin("o", ObjectValue(h))
	var locals strings.Builder
	for i := range 70 {
		fmt.Fprintf(&locals, "    let v%d = %d\n", i, i)
	}
	task := loadTestTask(t, m, `
fn f(c) {
`+locals.String()+`    for i in range(3) {
        let data = yield c.recv(1)
        if not data { break }
        yield c.sendall(data)
    }
    print(v0 + v69)
}
yield f(o)
`)
	if st := task.Run(); st != StatusDone {
		t.Fatalf("status %v, err %v", st, task.Err)
	}
	want := []string{
		"recv:true:false:nil", "sendall:false:false",
		"recv:true:false:r1", "sendall:false:false",
		"recv:true:false:r2", "sendall:false:false",
	}
	if got := strings.Join(h.log, " "); got != strings.Join(want, " ") {
		t.Errorf("log\n%s\nwant\n%s", got, strings.Join(want, " "))
	}
	if got := flushed(task, &out); got != "69\n" {
		t.Errorf("output %q", got)
	}
	if task.callFlags != 0 {
		t.Errorf("callFlags %#x after the calls", task.callFlags)
	}
}

// parkHost is a MethodYielder that parks every call's first attempt and
// completes it when the call runs again, with the sum of its arguments.
type parkHost struct{ calls int }

func (*parkHost) TypeName() string { return "park_host" }

func (h *parkHost) YieldMethodNow(t *Task, name string, args []Value) (Value, *Error, bool) {
	h.calls++
	if !t.Retrying() {
		t.Park()
		return Nil, nil, false
	}
	var n int64
	for _, a := range args {
		n += a.AsInt()
	}
	return Int(n), nil, true
}

// TestParkedAwaiting: a task parked on `yield obj.m(args)` awaits obj (the
// receiver, below the arguments, however many), and nothing once Retry
// completed the call.
func TestParkedAwaiting(t *testing.T) {
	var out bytes.Buffer
	m := NewMachine(&out, &out)
	h, other := &parkHost{}, &parkHost{}
	m.SetBuiltin("o", ObjectValue(h))
	m.SetBuiltin("p", ObjectValue(other))
	task := loadTestTask(t, m, `
fn f(a, b) {
    let s = yield o.add(a, b, 3)
    let u = yield p.add(s)
    return s + u
}
let r = yield f(1, 2)
print(r)
`)
	st := task.Run()
	for i, want := range []*parkHost{h, other} {
		if st != StatusPark {
			t.Fatalf("call %d: status %v, err %v", i, st, task.Err)
		}
		if got, ok := task.Awaiting().AsObject().(*parkHost); !ok || got != want {
			t.Fatalf("call %d: awaiting %s", i, Repr(task.Awaiting()))
		}
		st = task.Retry()
	}
	if st != StatusDone {
		t.Fatalf("status %v, err %v", st, task.Err)
	}
	if !task.Awaiting().IsNil() {
		t.Errorf("awaiting %s when done", Repr(task.Awaiting()))
	}
	if got := flushed(task, &out); got != "12\n" || h.calls != 2 || other.calls != 2 {
		t.Errorf("output %q, calls %d and %d", got, h.calls, other.calls)
	}
}
