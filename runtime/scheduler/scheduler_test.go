package scheduler_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript/lang/compile"
	"github.com/yieldscript/yieldscript/lang/parser"
	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
	"github.com/yieldscript/yieldscript/stdlib"
	"github.com/yieldscript/yieldscript/stdlib/builtins"
)

// harness is a Machine with its Loop, the sync and time modules, and natives a
// test adds, running one script at a time as a program group on the loop
// turned by Serve, as the yieldscript command runs one.
type harness struct {
	m       *vm.Machine
	l       *scheduler.Loop
	out     *bytes.Buffer
	errb    *lockedBuffer
	serving bool
	stop    chan struct{}
	stopped chan struct{}
}

// lockedBuffer is the harness's stderr: the watchdog writes its block
// reports from a goroutine of its own while the loop runs (the VM's real
// stderr goes through scheduler.Output, which locks the same way).
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func (b *lockedBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Len()
}

func newHarness(t *testing.T, natives map[string]vm.NativeFunc) *harness {
	t.Helper()
	h := &harness{out: &bytes.Buffer{}, errb: &lockedBuffer{}}
	h.m = vm.NewMachine(h.out, h.errb)
	l, err := scheduler.New(h.m, h.errb)
	if err != nil {
		t.Fatal(err)
	}
	h.l = l
	t.Cleanup(l.Close)
	builtins.Install(l)
	stdlib.Install(h.m, l, []string{"sync", "time"})
	h.m.SetBuiltin("timers", vm.NewNative("timers", func(*vm.Task, []vm.Value) (vm.Value, error) {
		return vm.Int(int64(l.TimerCount())), nil
	}))
	for name, fn := range natives {
		h.m.SetBuiltin(name, vm.NewNative(name, fn))
	}
	return h
}

// serve starts turning the loop (once): Serve on a goroutine of its own,
// stopped when the test ends, before the loop is closed.
func (h *harness) serve(t *testing.T) {
	if h.serving {
		return
	}
	h.serving = true
	h.stop, h.stopped = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(h.stopped)
		h.l.Serve(h.stop)
	}()
	t.Cleanup(func() {
		close(h.stop)
		<-h.stopped
	})
}

// load compiles src as the program test.ys and returns its main function.
func (h *harness) load(t *testing.T, src string) vm.Value {
	t.Helper()
	f, err := parser.ParseFile("test.ys", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := compile.Compile(f, &compile.Env{Builtins: h.m.BuiltinNames()})
	if err != nil {
		t.Fatal(err)
	}
	return h.m.Load(prog, vm.NewModule("main", "test.ys"))
}

// run runs src as a program until it ends, failing the test if that takes
// longer than limit. It returns the main task.
func (h *harness) run(t *testing.T, src string, limit time.Duration) *scheduler.Task {
	t.Helper()
	fn := h.load(t, src)
	h.serve(t)
	started := make(chan *scheduler.Group, 1)
	h.l.Post(func() {
		g, err := h.l.Start(fn, nil, scheduler.GroupOptions{Program: true})
		if err != nil {
			t.Error(err)
		}
		started <- g
	})
	g := <-started
	if g == nil {
		t.FailNow()
	}
	select {
	case <-g.Done():
		return g.Main()
	case <-time.After(limit):
		t.Fatalf("the program did not end within %v", limit)
		return nil
	}
}

// ok runs src and checks that the main task ended without error and printed want.
func (h *harness) ok(t *testing.T, src, want string) {
	t.Helper()
	main := h.run(t, src, 10*time.Second)
	if _, err := main.Result(); err != nil {
		t.Fatalf("the main task failed: %v\nstderr:\n%s", err.Report(), h.errb)
	}
	if got := h.out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
	if h.errb.Len() > 0 {
		t.Errorf("stderr:\n%s", h.errb)
	}
}

// idle checks that nothing is left on the loop: no task, no timer.
func (h *harness) idle(t *testing.T) {
	t.Helper()
	if n := h.l.Live(); n != 0 {
		t.Errorf("%d tasks still alive after the program ended", n)
	}
	if n := h.l.TimerCount(); n != 0 {
		t.Errorf("%d timers still scheduled after the program ended", n)
	}
}

func lines(s ...string) string { return strings.Join(s, "\n") + "\n" }

func TestReadyTasksRunFIFO(t *testing.T) {
	h := newHarness(t, nil)
	h.ok(t, `
fn worker(name, n) {
    for i in range(n) {
        print(name, i)
        yield
    }
}
spawn(worker, "a", 3)
spawn(worker, "b", 2)
spawn(worker("c", 1))
print("main before yield")
yield
print("main after one round")
`, lines(
		"main before yield",
		"a 0", "b 0", "c 0",
		"main after one round",
		"a 1", "b 1", "a 2",
	))
	h.idle(t)
}

func TestTaskCountBackToZero(t *testing.T) {
	h := newHarness(t, nil)
	h.ok(t, `
fn child(i) {
    yield sleep(0.001)
    return i
}
let ts = []
for i in range(50) { ts.push(spawn(child, i)) }
let r = yield all(ts)
print(len(r), r[49])
fn failing() { yield; throw error("x") }
try { yield spawn(failing) } catch e { print(e.message) }
`, lines("50 49", "x"))
	h.idle(t)
}

func TestTimersFireInDeadlineOrder(t *testing.T) {
	h := newHarness(t, nil)
	h.ok(t, `
let order = []
fn nap(name, s) {
    yield sleep(s)
    order.push(name)
}
yield all([nap("d", 0.04), nap("b", 0.02), nap("a", 0.01), nap("c", 0.03)])
print(order)
let same = []
fn nap_same(i) {
    yield sleep(0.01)
    same.push(i)
}
let ts = []
for i in range(10) { ts.push(spawn(nap_same, i)) }
yield all(ts)
print(same)
`, lines(`["a", "b", "c", "d"]`, `[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]`))
	h.idle(t)
}

// recorder is a Waker that notes a tag when its timer fires.
type recorder struct {
	tag string
	log *[]string
}

func (r recorder) Wake(vm.Value, *vm.Error) { *r.log = append(*r.log, r.tag) }

func TestAfterDirectly(t *testing.T) {
	var log []string
	var h *harness
	h = newHarness(t, map[string]vm.NativeFunc{
		// schedule() sets timers through Loop.After, from the loop's goroutine.
		"schedule": func(*vm.Task, []vm.Value) (vm.Value, error) {
			h.l.After(30*time.Millisecond, recorder{"30ms", &log})
			h.l.After(10*time.Millisecond, recorder{"10ms first", &log})
			h.l.After(10*time.Millisecond, recorder{"10ms second", &log})
			tm := h.l.After(20*time.Millisecond, recorder{"20ms cancelled", &log})
			h.l.After(0, recorder{"0ms", &log})
			h.l.CancelTimer(tm)
			h.l.CancelTimer(tm) // twice is harmless
			return vm.Int(int64(h.l.TimerCount())), nil
		},
	})
	h.ok(t, `
print(schedule())
yield sleep(0.06)
print(timers())
`, lines("4", "0"))
	want := []string{"0ms", "10ms first", "10ms second", "30ms"}
	if strings.Join(log, "|") != strings.Join(want, "|") {
		t.Errorf("timers fired as %q, want %q", log, want)
	}
	h.idle(t)
}

func TestCancelledWaitsReleaseTimers(t *testing.T) {
	h := newHarness(t, nil)
	h.ok(t, `
fn sleeper() {
    try { yield sleep(10) } finally { print("sleeper finally") }
}
let t = spawn(sleeper)
yield
print("sleeping:", timers())
t.cancel()
print("after cancel:", timers())
try { yield t } catch e { print(e.kind) }
print((yield timeout(5, sleep(0.001))), timers())
try { yield timeout(0.001, sleep(5)) } catch e { print(e.kind, timers()) }
yield race([sleep(0.001), sleep(5), sleep(6)])
print("race:", timers())
fn fail() { yield sleep(0.001); throw error("boom") }
try { yield all([sleep(5), fail()]) } catch e { print("all:", e.message, timers()) }
fn outer() { yield timeout(5, sleep(5)) }
let o = spawn(outer)
yield
print("nested:", timers())
o.cancel()
try { yield o } catch e { print("nested:", e.kind, timers()) }
`, lines(
		"sleeping: 1",
		"after cancel: 0",
		"sleeper finally",
		"cancelled",
		"nil 0",
		"timeout 0",
		"race: 0",
		"all: boom 0",
		"nested: 2",
		"nested: cancelled 0",
	))
	h.idle(t)
}

// hostOp is an awaitable completed by another goroutine through Post, as a
// host call would be. Its canceler makes sure a late result is dropped.
type hostOp struct {
	l     *scheduler.Loop
	v     vm.Value
	delay time.Duration
}

func (*hostOp) TypeName() string { return "host_op" }
func (*hostOp) Awaitable()       {}

type hostCancel struct {
	mu        sync.Mutex
	cancelled bool
}

func (c *hostCancel) Cancel() {
	c.mu.Lock()
	c.cancelled = true
	c.mu.Unlock()
}

func (o *hostOp) Await(l *scheduler.Loop, w scheduler.Waker) scheduler.Canceler {
	release := l.Hold()
	c := &hostCancel{}
	go func() {
		time.Sleep(o.delay)
		l.Post(func() {
			c.mu.Lock()
			cancelled := c.cancelled
			c.mu.Unlock()
			if !cancelled {
				w.Wake(o.v, nil)
			}
		})
		release()
	}()
	return c
}

func hostNatives(h **harness) map[string]vm.NativeFunc {
	return map[string]vm.NativeFunc{
		// host(v, ms) completes with v after ms milliseconds, from another goroutine.
		"host": func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			return vm.ObjectValue(&hostOp{l: (*h).l, v: args[0], delay: time.Duration(args[1].AsInt()) * time.Millisecond}), nil
		},
	}
}

func TestPostWakesWaitingLoop(t *testing.T) {
	var h *harness
	h = newHarness(t, hostNatives(&h))
	// The only thing in flight is the host call: the loop waits in epoll with
	// no timeout, and only Post can wake it.
	start := time.Now()
	h.ok(t, `
print((yield host("from another goroutine", 30)))
`, lines("from another goroutine"))
	if d := time.Since(start); d < 30*time.Millisecond || d > 5*time.Second {
		t.Errorf("the host call took %v", d)
	}
	h.idle(t)
}

func TestManyConcurrentPosts(t *testing.T) {
	var h *harness
	h = newHarness(t, hostNatives(&h))
	h.ok(t, `
let ops = []
for i in range(200) { ops.push(host(i, i % 7)) }
let r = yield all(ops)
let ok = true
for i in range(200) { if r[i] != i { ok = false } }
print(len(r), ok)
`, lines("200 true"))
	h.idle(t)
}

func TestCancelledHostCallDropsLateResult(t *testing.T) {
	var h *harness
	h = newHarness(t, hostNatives(&h))
	h.ok(t, `
try {
    yield timeout(0.005, host("late", 50))
} catch e {
    print(e.kind)
}
print((yield host("next", 1)))
`, lines("timeout", "next"))
	h.idle(t)
}

func TestDeadlockMainWaiting(t *testing.T) {
	h := newHarness(t, nil)
	start := time.Now()
	main := h.run(t, `
import sync
let e = sync.event()
print("waiting")
yield e.wait()
print("not reached")
`, 5*time.Second)
	_, err := main.Result()
	if err == nil || err.Kind != "deadlock" || !strings.Contains(err.Message, "event.wait") {
		t.Fatalf("main ended with %v, want a deadlock error", err)
	}
	if got := h.out.String(); got != "waiting\n" {
		t.Errorf("output %q", got)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the deadlock was found after %v", d)
	}
	h.idle(t)
}

func TestDeadlockErrorCanBeHandled(t *testing.T) {
	h := newHarness(t, nil)
	// The main task joins a task that waits on an event nothing else sets:
	// both get the deadlock error at their yield; each handles it. The
	// report names what each waited for.
	main := h.run(t, `
import sync
let e = sync.event()
fn waiter() {
    try {
        yield e.wait()
    } catch err {
        return "waiter: " + err.kind
    }
}
let t = spawn(waiter)
try {
    yield t
} catch err {
    print(err.kind, err.message.find("task 2") >= 0)
}
e.set()
print((yield t))
`, 5*time.Second)
	if _, err := main.Result(); err != nil {
		t.Fatalf("the main task failed: %v", err)
	}
	if got, want := h.out.String(), lines("deadlock true", "waiter: deadlock"); got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	if got, want := h.errb.String(), "deadlock: every task waits and nothing (timer, I/O or host work) can wake one\n"+
		"  task 1 (test.ys:13) waits for task 2\n"+
		"  task 2 (test.ys:6) waits for event.wait (nothing sets it)\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	h.idle(t)
}

func TestDeadlockAfterMainEnded(t *testing.T) {
	h := newHarness(t, nil)
	// A task left waiting for something that can never happen after the main
	// task ended: it gets the deadlock error, and the program ends rather
	// than hanging.
	main := h.run(t, `
import sync
let e = sync.event()
fn stuck() { yield e.wait() }
spawn(stuck)
print("main ends")
`, 5*time.Second)
	if _, err := main.Result(); err != nil {
		t.Fatalf("main failed: %v", err)
	}
	if h.out.String() != "main ends\n" {
		t.Errorf("output %q", h.out)
	}
	if n := h.l.Live(); n != 0 {
		t.Errorf("%d live tasks, want none", n)
	}
	if n := h.l.Failures; n != 1 {
		t.Errorf("%d failures, want the stuck task's deadlock", n)
	}
	if n := h.l.TimerCount(); n != 0 {
		t.Errorf("%d timers left", n)
	}
}

func TestSleepDoesNotEndEarlyAfterLongTurn(t *testing.T) {
	h := newHarness(t, nil)
	// A task that computes for a while and then sleeps must sleep the full
	// time counted from its call to sleep, not from the start of the turn.
	h.ok(t, `
import time
let start = time.monotonic()
let x = 0
while time.monotonic() - start < 0.05 { x = x + 1 }
let t0 = time.monotonic()
yield sleep(0.03)
print(time.monotonic() - t0 >= 0.03)
`, lines("true"))
	h.idle(t)
}

func TestCancelNotStartedTask(t *testing.T) {
	h := newHarness(t, nil)
	h.ok(t, `
fn never() { print("never") }
let t = spawn(never)
print(t.cancel(), t.done())
yield
try { yield t } catch e { print(e.kind) }
`, lines("true true", "cancelled"))
	h.idle(t)
}

func TestCancelAll(t *testing.T) {
	var h *harness
	h = newHarness(t, map[string]vm.NativeFunc{
		"cancel_all": func(*vm.Task, []vm.Value) (vm.Value, error) {
			h.l.CancelAll(nil)
			return vm.Nil, nil
		},
	})
	main := h.run(t, `
fn worker(name) {
    try { yield sleep(10) } finally { print(name, "finally") }
}
let a = spawn(worker, "a")
let b = spawn(worker, "b")
yield
fn killer() { cancel_all() }
spawn(killer)
try {
    yield sleep(10)
} catch e {
    print("main", e.kind)
}
`, 5*time.Second)
	if _, err := main.Result(); err != nil {
		t.Fatalf("main failed: %v", err)
	}
	// The main task is cancelled first, then the others; each finally runs once.
	out := h.out.String()
	if !strings.HasPrefix(out, "main cancelled\n") {
		t.Errorf("output %q does not start with the main task's cancellation", out)
	}
	for _, want := range []string{"a finally\n", "b finally\n", "main cancelled\n"} {
		if strings.Count(out, want) != 1 {
			t.Errorf("output %q does not have %q once", out, want)
		}
	}
	h.idle(t)
}

// recordEnd is an end hook that records each outcome and ends a task that
// failed with kind "quiet" with the result "quieted" instead.
type recordEnd struct{ seen *[]string }

func (r recordEnd) TaskEnded(v vm.Value, err *vm.Error) (vm.Value, *vm.Error) {
	if err != nil {
		*r.seen = append(*r.seen, "error "+string(err.Kind))
		if err.Kind == "quiet" {
			return vm.Str("quieted"), nil
		}
		return v, err
	}
	*r.seen = append(*r.seen, "value "+vm.Repr(v))
	return v, nil
}

func (recordEnd) Wake(vm.Value, *vm.Error) { panic("an end hook is never woken") }

// TestEndHook: the hook runs however the task ends (returned, failed,
// cancelled before it ran), before the joiners, which get its outcome.
func TestEndHook(t *testing.T) {
	var seen []string
	var h *harness
	h = newHarness(t, map[string]vm.NativeFunc{
		"hooked": func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			task, err := h.l.Spawn(args[0], nil, nil)
			if err != nil {
				return vm.Nil, err
			}
			task.SetEndHook(recordEnd{&seen})
			return task.Val(), nil
		},
	})
	h.ok(t, `
fn ok() { yield; return 7 }
fn quiet() { yield; throw error("gone", "quiet") }
fn loud() { yield; throw error("bad", "value") }
fn never() { print("never") }
print((yield hooked(ok)))
print((yield hooked(quiet)))
try { yield hooked(loud) } catch e { print(e.kind) }
let n = hooked(never)
n.cancel()
try { yield n } catch e { print(e.kind) }
`, lines("7", "quieted", "value", "cancelled"))
	h.idle(t)
	if got := strings.Join(seen, ", "); got != "value 7, error quiet, error value, error cancelled" {
		t.Fatalf("the hook saw %s", got)
	}
}
