package yieldscript

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests of this file are about calls that run directly on the caller's
// goroutine when the loop is idle (see runGroup), and calls that queue when
// it is not.

func TestDirectCallReentrantIsAnError(t *testing.T) {
	v, _ := newTestVM(t, Options{})
	var got []error
	must(t, v.SetFunc("reenter", func() {
		_, err := v.Call(context.Background(), "one")
		got = append(got, err)
		got = append(got, v.RunString(context.Background(), "inner.ys", "1"))
	}))
	run(t, v, `fn one() { return 1 }
fn outer() { reenter(); return 2 }`)
	// The loop is idle now: outer runs on this goroutine, and so does the
	// Go function it calls.
	before := v.direct.Load()
	for i := range 3 {
		r, err := v.Call(context.Background(), "outer")
		if err != nil || r != int64(2) {
			t.Fatalf("call %d: %v, %v", i, r, err)
		}
	}
	if v.direct.Load() == before {
		t.Error("no call ran directly")
	}
	if len(got) != 6 {
		t.Fatalf("reenter ran %d times", len(got)/2)
	}
	for _, err := range got {
		if !errors.Is(err, ErrReentrant) {
			t.Fatalf("reentrant call: %v", err)
		}
	}
	// The VM still works, directly or not.
	if r, err := v.Call(context.Background(), "one"); err != nil || r != int64(1) {
		t.Fatalf("after: %v, %v", r, err)
	}
}

func TestDirectCallArmsTimers(t *testing.T) {
	v, _ := newTestVM(t, Options{})
	run(t, v, `let fired = 0
fn arm(n) {
    for i in range(n) {
        spawn(fn() { yield sleep(0.01); fired += 1 })
    }
}
fn nap() { yield sleep(0.01); return "rested" }
fn wait_fired(n) {
    while fired < n { yield sleep(0.005) }
    return fired
}`)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// arm returns at once; its tasks sleep on timers the loop, asleep in
	// its wait when they were armed, must still fire.
	if _, err := v.Call(ctx, "arm", 3); err != nil {
		t.Fatal(err)
	}
	if r, err := v.Call(ctx, "wait_fired", 3); err != nil || r != int64(3) {
		t.Fatalf("wait_fired: %v, %v", r, err)
	}
	// A call whose own task sleeps: it starts here, the loop finishes it.
	if r, err := v.Call(ctx, "nap"); err != nil || r != "rested" {
		t.Fatalf("nap: %v, %v", r, err)
	}
}

func TestDirectCallCancelledByContext(t *testing.T) {
	v, _ := newTestVM(t, Options{})
	run(t, v, `let cleaned = 0
fn spin() { while true {} }
fn sleepy() {
    try { yield sleep(60) } finally { cleaned += 1 }
}
fn one() { return 1 }`)
	for _, fn := range []string{"spin", "sleepy"} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		_, err := v.Call(ctx, fn)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%s: %v", fn, err)
		}
		cancel()
	}
	if x, _, _ := v.Global("cleaned"); x != int64(1) {
		t.Errorf("cleaned = %v", x)
	}
	if r, err := v.Call(context.Background(), "one"); err != nil || r != int64(1) {
		t.Fatalf("after: %v, %v", r, err)
	}
}

func TestDirectCallsFromEightGoroutines(t *testing.T) {
	v, _ := newTestVM(t, Options{})
	run(t, v, `let count = 0
fn add(a, b) { count += 1; return a + b }
fn add_later(a, b) { yield sleep(0); count += 1; return a + b }`)
	const goroutines, calls = 8, 200
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Go(func() {
			for i := range calls {
				fn := "add"
				if i%10 == 0 {
					fn = "add_later"
				}
				r, err := v.Call(context.Background(), fn, g, i)
				if err == nil && r != int64(g+i) {
					err = fmt.Errorf("%s(%d, %d) = %v", fn, g, i, r)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if x, _, _ := v.Global("count"); x != int64(goroutines*calls) {
		t.Errorf("count = %v", x)
	}
}

func TestCallsWhileTasksDoIO(t *testing.T) {
	v, _ := newTestVM(t, Options{Modules: AllModules})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	run(t, v, `import net
let calls = 0
fn bump() { calls += 1; return calls }
fn echo(port, lines) {
    let c = yield net.connect("127.0.0.1", port)
    for i in range(lines) {
        let line = yield c.readline()
        yield c.sendall(line.upper())
    }
    c.close()
    return lines
}`)
	const lines = 50
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	echoed := make(chan error, 1)
	go func() {
		r, err := v.Call(ctx, "echo", port, lines)
		if err == nil && r != int64(lines) {
			err = fmt.Errorf("echo returned %v", r)
		}
		echoed <- err
	}()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	// Calls from other goroutines while the task waits on its socket, each
	// running directly or queued depending on what the loop does then.
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for range 100 {
				if _, err := v.Call(ctx, "bump"); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	r := bufio.NewReader(c)
	for i := range lines {
		fmt.Fprintf(c, "line %d\n", i)
		got, err := r.ReadString('\n')
		if want := fmt.Sprintf("LINE %d\n", i); got != want {
			t.Fatalf("line %d: %q, %v", i, got, err)
		}
	}
	wg.Wait()
	if err := <-echoed; err != nil {
		t.Fatal(err)
	}
	if x, _, _ := v.Global("calls"); x != int64(200) {
		t.Errorf("calls = %v", x)
	}
}

// A call of a plain function that runs directly reuses the task, group and
// quota of the call before it (scheduler.Loop.Recycle): it allocates nothing,
// not even the variadic slice of its arguments (small ints need no boxing).
func TestDirectCallAllocations(t *testing.T) {
	v, _ := newTestVM(t, Options{})
	run(t, v, `fn add(a, b) { return a + b }`)
	ctx := context.Background()
	var allocs float64
	for try := 0; try < 5; try++ {
		before := v.direct.Load()
		allocs = testing.AllocsPerRun(200, func() {
			if r, err := v.Call(ctx, "add", 1, 2); err != nil || r != int64(3) {
				t.Fatal(r, err)
			}
		})
		if v.direct.Load()-before < 201 {
			continue // the loop was busy now and then: some calls queued
		}
		if allocs == 0 {
			return
		}
	}
	t.Fatalf("a direct call allocates %v times", allocs)
}

// What one call leaves never shows in the next, though they share a task:
// the task a script kept is its own, errors and exits end only their call,
// each call counts its steps from zero, and arguments land where they should.
func TestDirectCallsReuseNothingVisible(t *testing.T) {
	v, _ := newTestVM(t, Options{MaxSteps: 100_000, Modules: AllModules})
	run(t, v, `import os
let kept = []
fn keep() { kept.push(current_task()); return len(kept) }
fn shown() { return [kept[0].id != kept[1].id, kept[0].done() and kept[1].done()] }
fn fail(x) { throw error("bad " + str(x), "value") }
fn leave(code) { os.exit(code) }
fn opt(a, b = 10, *rest) { return [a, b, rest] }
fn deep(n) {
    if n == 0 { return 0 }
    return 1 + deep(n - 1)
}
fn count(n) {
    let s = 0
    for i in range(n) { s += i }
    return s
}
let children = 0
fn spawner() { spawn(fn() { children += 1 }); return "spawned" }
fn got_children() { return children }`)
	ctx := context.Background()
	call := func(name string, args ...any) any {
		t.Helper()
		r, err := v.Call(ctx, name, args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return r
	}
	call("keep")
	call("keep")
	if r := fmt.Sprint(call("shown")); r != "[true true]" {
		t.Errorf("kept tasks: %s", r)
	}
	for i := range 3 {
		_, err := v.Call(ctx, "fail", i)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("bad %d", i)) {
			t.Fatalf("fail %d: %v", i, err)
		}
		var ee *ExitError
		if _, err := v.Call(ctx, "leave", i+3); !errors.As(err, &ee) || ee.Code != i+3 {
			t.Fatalf("leave %d: %v", i, err)
		}
	}
	if r := fmt.Sprint(call("opt", 1)); r != "[1 10 []]" {
		t.Errorf("opt(1) = %s", r)
	}
	if r := fmt.Sprint(call("opt", 1, 2, 3, 4)); r != "[1 2 [3 4]]" {
		t.Errorf("opt(1, 2, 3, 4) = %s", r)
	}
	if r := call("deep", 500); r != int64(500) {
		t.Errorf("deep(500) = %v", r)
	}
	if r := call("deep", 3); r != int64(3) {
		t.Errorf("deep(3) = %v", r)
	}
	// Each call has the whole step allowance: two calls each using most of
	// it both succeed; one that needs more fails alone.
	for range 2 {
		if r := call("count", 10_000); r != int64(49_995_000) {
			t.Fatalf("count = %v", r)
		}
	}
	if _, err := v.Call(ctx, "count", 1_000_000); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("count past the limit: %v", err)
	}
	if r := call("count", 10); r != int64(45) {
		t.Errorf("count after the limit = %v", r)
	}
	for range 3 {
		if r := call("spawner"); r != "spawned" {
			t.Fatalf("spawner = %v", r)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for call("got_children") != int64(3) {
		if time.Now().After(deadline) {
			t.Fatalf("children = %v", call("got_children"))
		}
		time.Sleep(time.Millisecond)
	}
}

// A context that can be cancelled costs a direct call nothing more: while the
// call computes on the caller's goroutine its task polls the context itself.
func TestDirectCallWithContextAllocations(t *testing.T) {
	v, _ := newTestVM(t, Options{})
	run(t, v, `fn add(a, b) { return a + b }`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var allocs float64
	for try := 0; try < 5; try++ {
		before := v.direct.Load()
		allocs = testing.AllocsPerRun(200, func() {
			if r, err := v.Call(ctx, "add", 1, 2); err != nil || r != int64(3) {
				t.Fatal(r, err)
			}
		})
		if v.direct.Load()-before < 201 {
			continue
		}
		if allocs == 0 {
			return
		}
	}
	t.Fatalf("a direct call with a cancellable context allocates %v times", allocs)
}

// A task a call spawned shares the call's quota, so that quota is never
// reused by the calls that follow: the task still runs out of steps.
func TestDirectCallSpawnedTaskKeepsItsQuota(t *testing.T) {
	v, _ := newTestVM(t, Options{MaxSteps: 100_000})
	run(t, v, `let outcome = "running"
fn count(n) {
    let s = 0
    for i in range(n) { s += i }
    return s
}
fn child() {
    try {
        for r in range(3) {
            count(10000)
            yield sleep(0.01)
        }
        outcome = "finished"
    } catch e {
        outcome = e.kind
    }
}
fn start() { spawn(child); return 1 }
fn one() { return 1 }
fn result() { return outcome }`)
	ctx := context.Background()
	if _, err := v.Call(ctx, "start"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := v.Call(ctx, "one"); err != nil {
			t.Fatal(err)
		}
		r, err := v.Call(ctx, "result")
		if err != nil {
			t.Fatal(err)
		}
		if r != "running" {
			if r != "limit" {
				t.Fatalf("the spawned task ended with %v, want limit", r)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the spawned task never ended")
		}
		time.Sleep(time.Millisecond)
	}
}

// Cancelling the context after Call returned leaves the tasks the call
// spawned alone.
func TestDirectCallContextEndsWithTheCall(t *testing.T) {
	v, _ := newTestVM(t, Options{})
	run(t, v, `let state = "started"
fn worker() {
    let s = 0
    for i in range(200000) { s += i }
    yield sleep(0.02)
    for i in range(200000) { s += i }
    state = "done"
}
fn start() { spawn(worker); return 1 }
fn state_now() { return state }`)
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := v.Call(ctx, "start"); err != nil {
		t.Fatal(err)
	}
	cancel()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := v.Call(context.Background(), "state_now")
		if err != nil {
			t.Fatal(err)
		}
		if r == "done" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("state = %v", r)
		}
		time.Sleep(time.Millisecond)
	}
}
