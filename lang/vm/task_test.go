package vm

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yieldscript/yieldscript/lang/compile"
	"github.com/yieldscript/yieldscript/lang/parser"
)

// testAwaitable stands in for what the scheduler provides: an object a task can
// yield on, which the test then resolves by hand.
type testAwaitable struct{ name string }

func (*testAwaitable) TypeName() string { return "test_awaitable" }
func (*testAwaitable) Awaitable()       {}

// newTestTask compiles src into a fresh machine and returns a task running its
// top level, and the buffer it prints to. The builtin `wait(name)` returns a
// testAwaitable.
func newTestTask(t *testing.T, src string) (*Task, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	m := NewMachine(&out, &out)
	m.SetBuiltin("wait", NewNative("wait", func(_ *Task, args []Value) (Value, error) {
		return ObjectValue(&testAwaitable{name: ToStr(args[0])}), nil
	}))
	task := loadTestTask(t, m, src)
	return task, &out
}

// loadTestTask compiles src as the main module "t.ys" on m, with m's
// builtins, and makes its task.
func loadTestTask(t *testing.T, m *Machine, src string) *Task {
	t.Helper()
	f, err := parser.ParseFile("t.ys", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := compile.Compile(f, &compile.Env{Builtins: m.BuiltinNames()})
	if err != nil {
		t.Fatal(err)
	}
	task, err := m.NewTask(m.Load(prog, NewModule("main", "t.ys")), nil)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func flushed(task *Task, out *bytes.Buffer) string {
	task.Machine().Flush()
	return out.String()
}

func TestYieldSuspendsAndResumesWithValue(t *testing.T) {
	task, out := newTestTask(t, `
fn get(name) {
    let v = yield wait(name)
    return v * 2
}
print("start")
let a = yield get("x")
print("a", a)
let b = yield wait("y")
print("b", b)
`)
	if st := task.Run(); st != StatusYield {
		t.Fatalf("first run: status %v, want StatusYield", st)
	}
	if got := flushed(task, out); got != "start\n" {
		t.Fatalf("before resume printed %q", got)
	}
	aw, ok := task.Awaiting().AsObject().(*testAwaitable)
	if !ok || aw.name != "x" {
		t.Fatalf("awaiting %v, want the awaitable x", Repr(task.Awaiting()))
	}
	// The suspended task keeps its frames: the coroutine sub-call and the top level.
	if tr := task.Trace(); len(tr) != 2 || tr[1].Func != "get" || tr[1].Line != 3 {
		t.Fatalf("trace while suspended: %+v", tr)
	}
	if st := task.Resume(Int(21)); st != StatusYield {
		t.Fatalf("second run: status %v", st)
	}
	if aw := task.Awaiting().AsObject().(*testAwaitable); aw.name != "y" {
		t.Fatalf("awaiting %s, want y", aw.name)
	}
	if st := task.Resume(Str("ok")); st != StatusDone {
		t.Fatalf("third run: status %v, err %v", st, task.Err)
	}
	if got := flushed(task, out); got != "start\na 42\nb ok\n" {
		t.Fatalf("output %q", got)
	}
}

func TestResumeWithErrorInsideTryFinally(t *testing.T) {
	task, out := newTestTask(t, `
fn worker() {
    try {
        try {
            yield wait("io")
            print("not reached")
        } finally {
            print("inner finally")
        }
    } catch e {
        print("caught", e.kind, e.message)
        let v = yield wait("again")
        print("after catch", v)
        return "done"
    } finally {
        print("outer finally")
    }
}
print((yield worker()))
`)
	if st := task.Run(); st != StatusYield {
		t.Fatalf("status %v", st)
	}
	if st := task.Throw(NewError(KindTimeout, "too slow")); st != StatusYield {
		t.Fatalf("after throw: status %v, err %v", st, task.Err)
	}
	if st := task.Resume(Int(7)); st != StatusDone {
		t.Fatalf("after resume: status %v, err %v", st, task.Err)
	}
	want := "inner finally\ncaught timeout too slow\nafter catch 7\nouter finally\ndone\n"
	if got := flushed(task, out); got != want {
		t.Fatalf("output %q, want %q", got, want)
	}
}

func TestUncaughtErrorAtYieldFailsTaskWithTraceback(t *testing.T) {
	task, out := newTestTask(t, `
fn inner() {
    yield wait("a")
}
fn outer() {
    try {
        yield inner()
    } finally {
        print("cleanup")
    }
}
yield outer()
`)
	if st := task.Run(); st != StatusYield {
		t.Fatalf("status %v", st)
	}
	if st := task.Throw(NewError(KindCancelled, "stop")); st != StatusFailed {
		t.Fatalf("status %v, want StatusFailed", st)
	}
	if got := flushed(task, out); got != "cleanup\n" {
		t.Fatalf("output %q", got)
	}
	if task.Err.Kind != KindCancelled {
		t.Fatalf("error %v", task.Err)
	}
	var funcs []string
	for _, f := range task.Err.Trace {
		funcs = append(funcs, f.Func)
	}
	if strings.Join(funcs, ",") != "<main>,outer,inner" {
		t.Fatalf("trace functions %v", funcs)
	}
	if last := task.Err.Trace[2]; last.Line != 3 || last.Col != 5 {
		t.Fatalf("innermost frame at %d:%d, want 3:5", last.Line, last.Col)
	}
}

func TestBareYieldAndNonAwaitable(t *testing.T) {
	task, out := newTestTask(t, `
let x = yield
print("x", x)
try { yield 42 } catch e { print(e.kind) }
`)
	if st := task.Run(); st != StatusYieldBare {
		t.Fatalf("status %v, want StatusYieldBare", st)
	}
	if st := task.Resume(Nil); st != StatusDone {
		t.Fatalf("status %v, err %v", st, task.Err)
	}
	if got := flushed(task, out); got != "x nil\ntype\n" {
		t.Fatalf("output %q", got)
	}
}

func TestInterruptStopsInfiniteLoop(t *testing.T) {
	task, _ := newTestTask(t, `
let n = 0
try {
    while true { n += 1 }
} finally {
    print("finally ran")
}
`)
	task.Quota = &Quota{}
	task.Quota.Interrupt(NewError(KindCancelled, "host cancelled"))
	if st := task.Run(); st != StatusFailed || task.Err.Kind != KindCancelled {
		t.Fatalf("status %v err %v", st, task.Err)
	}
}

func TestQuotaStepsThrowLimit(t *testing.T) {
	task, _ := newTestTask(t, `
fn spin() { while true {} }
spin()
`)
	task.Quota = &Quota{MaxSteps: 100000}
	if st := task.Run(); st != StatusFailed || task.Err.Kind != KindLimit {
		t.Fatalf("status %v err %v", st, task.Err)
	}
}

func TestDeepRecursionIsStackOverflow(t *testing.T) {
	task, _ := newTestTask(t, `
fn f(n) { return f(n + 1) + 1 }
f(0)
`)
	if st := task.Run(); st != StatusFailed || task.Err.Kind != KindStackOverflow {
		t.Fatalf("status %v err %v", st, task.Err)
	}
	if !strings.Contains(task.Err.Traceback(), "more frames") {
		t.Fatalf("deep traceback not abbreviated:\n%s", task.Err.Traceback())
	}
}

// A native function that returns WaitFor suspends its task in the middle of
// an expression, as a yield would; the value it is resumed with is the call's
// value, and an error it is resumed with is thrown at the call. print uses
// it through Machine.PrintWait.
func TestNativeWaitForSuspendsTheCall(t *testing.T) {
	var out bytes.Buffer
	m := NewMachine(&out, &out)
	m.SetBuiltin("held", NewNative("held", func(_ *Task, args []Value) (Value, error) {
		return Nil, WaitFor(ObjectValue(&testAwaitable{name: "held " + ToStr(args[0])}))
	}))
	f, err := parser.ParseFile("t.ys", []byte(`
fn f(x) {
    return [x, held(x) + 1, x]
}
print(f(1))
try {
    held(2)
} catch e {
    print("caught", e.kind)
}
print("a")
print("b")
`))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := compile.Compile(f, &compile.Env{Builtins: m.BuiltinNames()})
	if err != nil {
		t.Fatal(err)
	}
	task, err := m.NewTask(m.Load(prog, NewModule("main", "t.ys")), nil)
	if err != nil {
		t.Fatal(err)
	}
	waits := 0
	m.PrintWait = func() Value {
		waits++
		if waits == 3 { // after print("a")
			return ObjectValue(&testAwaitable{name: "room"})
		}
		return Nil
	}
	st := task.Run()
	if st != StatusYield || task.Awaiting().AsObject().(*testAwaitable).name != "held 1" {
		t.Fatalf("status %v awaiting %s", st, Repr(task.Awaiting()))
	}
	if st = task.Resume(Int(41)); st != StatusYield || task.Awaiting().AsObject().(*testAwaitable).name != "held 2" {
		t.Fatalf("status %v awaiting %s", st, Repr(task.Awaiting()))
	}
	if st = task.Throw(NewError(KindCancelled, "stop")); st != StatusYield || task.Awaiting().AsObject().(*testAwaitable).name != "room" {
		t.Fatalf("status %v awaiting %s", st, Repr(task.Awaiting()))
	}
	if got := flushed(task, &out); got != "[1, 42, 1]\ncaught cancelled\na\n" {
		t.Fatalf("printed %q before print returned", got)
	}
	if st = task.Resume(Nil); st != StatusDone {
		t.Fatalf("status %v, err %v", st, task.Err)
	}
	if got := flushed(task, &out); got != "[1, 42, 1]\ncaught cancelled\na\nb\n" {
		t.Fatalf("printed %q", got)
	}
}

func TestShrinkStackOfParkedTask(t *testing.T) {
	task, out := newTestTask(t, `
fn deep(n) {
    if n == 0 { return 0 }
    return 1 + deep(n - 1)
}
fn serve(name) {
    let a = 1
    let b = 2
    let got = yield wait(name)
    return a + b + got + deep(300)
}
let d = deep(300)
let r = yield serve("x")
print(d, r)
`)
	if st := task.Run(); st != StatusYield {
		t.Fatalf("run: status %v, err %v", st, task.Err)
	}
	grown := len(task.stack)
	if grown < 600 {
		t.Fatalf("the recursion left a stack of %d slots", grown)
	}
	if cap(task.frames) < 300 {
		t.Fatalf("the recursion left room for %d frames", cap(task.frames))
	}
	if freed := task.ShrinkStack(); freed <= 0 || len(task.stack) > 64 {
		t.Fatalf("ShrinkStack freed %d bytes, stack now %d slots (was %d)", freed, len(task.stack), grown)
	}
	// The frame stack is cut down to the two frames the task is in.
	if len(task.frames) != 2 || cap(task.frames) != 2 {
		t.Fatalf("ShrinkStack left %d frames with room for %d", len(task.frames), cap(task.frames))
	}
	if freed := task.ShrinkStack(); freed != 0 {
		t.Fatalf("a second ShrinkStack freed %d bytes", freed)
	}
	// The shrunk task resumes where it was, and grows again as it needs.
	if st := task.Resume(Int(10)); st != StatusDone {
		t.Fatalf("resume: status %v, err %v", st, task.Err)
	}
	if got := flushed(task, out); got != "300 313\n" {
		t.Fatalf("output %q", got)
	}
	if freed := task.ShrinkStack(); freed != 0 {
		t.Fatalf("ShrinkStack of a finished task freed %d bytes", freed)
	}
}

// Two MethodYielder types and an object that is not one, for
// TestYieldMethodSiteSeesEachType.
type yieldA struct{ tag string }

func (*yieldA) TypeName() string { return "yield_a" }
func (y *yieldA) YieldMethodNow(_ *Task, name string, args []Value) (Value, *Error, bool) {
	if name == "put" {
		return Nil, nil, false // called and awaited as usual
	}
	return Str(y.tag + "." + name), nil, true
}
func (y *yieldA) CallMethod(_ *Task, name string, args []Value) (Value, bool, error) {
	return ObjectValue(&readyValue{Str("called " + y.tag + "." + name)}), true, nil
}

type yieldB struct{ n int64 }

func (*yieldB) TypeName() string { return "yield_b" }
func (y *yieldB) YieldMethodNow(_ *Task, name string, args []Value) (Value, *Error, bool) {
	return Int(y.n + int64(len(args))), nil, true
}

type plainCaller struct{}

func (*plainCaller) TypeName() string { return "plain" }
func (*plainCaller) CallMethod(_ *Task, name string, args []Value) (Value, bool, error) {
	return ObjectValue(&readyValue{Str("plain " + name)}), true, nil
}

// readyValue is an awaitable that completes at once with v.
type readyValue struct{ v Value }

func (*readyValue) TypeName() string                     { return "ready_value" }
func (*readyValue) Awaitable()                           {}
func (r *readyValue) TryNow(*Task) (Value, *Error, bool) { return r.v, nil, true }

// One `yield o.get()` site meets objects of several types in turn: the
// MethodYielder assertion it caches for one type must not answer for
// another, nor for an object that is not a MethodYielder at all.
func TestYieldMethodSiteSeesEachType(t *testing.T) {
	var out bytes.Buffer
	m := NewMachine(&out, &out)
	a1, a2, b := &yieldA{"a1"}, &yieldA{"a2"}, &yieldB{10}
	objs := []Value{ObjectValue(a1), ObjectValue(a1), ObjectValue(b), ObjectValue(a2),
		ObjectValue(&plainCaller{}), ObjectValue(b), ObjectValue(a1)}
	m.SetBuiltin("objs", NewList(objs))
	task := loadTestTask(t, m, `
for o in objs {
    let v = yield o.get()
    print(v)
    yield o.put(1)
    print((yield o.put(1, 2)))
}
`)
	if st := task.Run(); st != StatusDone {
		t.Fatalf("status %v, err %v", st, task.Err)
	}
	want := "a1.get\ncalled a1.put\na1.get\ncalled a1.put\n10\n12\na2.get\ncalled a2.put\n" +
		"plain get\nplain put\n10\n12\na1.get\ncalled a1.put\n"
	if got := flushed(task, &out); got != want {
		t.Fatalf("output %q, want %q", got, want)
	}
}

// A string that an awaitable gives at once (TryNow) is charged to the task's
// quota whether the yield is fused with the method call (`yield o.get()` on
// an object that is not a MethodYielder, or whose YieldMethodNow leaves the
// call to CallMethod) or not (`let a = o.get(); yield a`), as a string a
// MethodYielder gives at once and one a wait delivers are.
func TestReadyStringIsCharged(t *testing.T) {
	for _, src := range []string{
		"for i in range(100) { let v = yield o.get() }",
		"for i in range(100) { let v = yield o.put(1) }",
		"for i in range(100) { let a = o.get()\nlet v = yield a }",
	} {
		for _, obj := range []Object{&plainCaller{}, &yieldA{"a"}} {
			var out bytes.Buffer
			m := NewMachine(&out, &out)
			m.SetBuiltin("o", ObjectValue(obj))
			task := loadTestTask(t, m, src)
			task.Quota = &Quota{MaxBytes: 200}
			st := task.Run()
			if st != StatusFailed || task.Err == nil || task.Err.Kind != KindLimit {
				t.Errorf("%T, %q: status %v, err %v; want kind limit", obj, src, st, task.Err)
			}
			// The same with the byte limit in the task's own budget and a
			// quota without one (as a host's run has, for its interrupt).
			m = NewMachine(&out, &out)
			m.SetBuiltin("o", ObjectValue(obj))
			task = loadTestTask(t, m, src)
			task.Quota, task.Limit = &Quota{}, &Quota{MaxBytes: 200}
			st = task.Run()
			if st != StatusFailed || task.Err == nil || task.Err.Kind != KindLimit {
				t.Errorf("%T, %q, Limit: status %v, err %v; want kind limit", obj, src, st, task.Err)
			}
		}
	}
}
