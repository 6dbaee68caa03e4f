package yieldscript

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
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
