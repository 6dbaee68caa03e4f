package yieldscript

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// slowLookup is an asynchronous Go function that takes d and counts how many
// of its calls run at once.
type slowLookup struct {
	d             time.Duration
	running, peak atomic.Int32
	cancelled     atomic.Int32
}

func (s *slowLookup) lookup(ctx context.Context, key string) (string, error) {
	n := s.running.Add(1)
	defer s.running.Add(-1)
	for {
		p := s.peak.Load()
		if n <= p || s.peak.CompareAndSwap(p, n) {
			break
		}
	}
	select {
	case <-time.After(s.d):
		return strings.ToUpper(key), nil
	case <-ctx.Done():
		s.cancelled.Add(1)
		return "", ctx.Err()
	}
}

func TestAsyncFanOutRunsConcurrently(t *testing.T) {
	v, _ := newTestVM(t, Options{})
	// Each call returns only once all 100 have started: the fan-out completes
	// only if the calls run at the same time.
	const n = 100
	var started sync.WaitGroup
	started.Add(n)
	all := make(chan struct{})
	go func() { started.Wait(); close(all) }()
	must(t, v.SetFunc("lookup", func(ctx context.Context, key string) (string, error) {
		started.Done()
		select {
		case <-all:
			return strings.ToUpper(key), nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}))
	run(t, v, `fn fan(n) {
  let calls = []
  for i in range(n) { calls.push(lookup("k" + str(i))) }
  return yield all(calls)
}`)
	r, err := v.Call(context.Background(), "fan", n)
	must(t, err)
	got := r.([]any)
	if len(got) != n || got[0] != "K0" || got[99] != "K99" {
		t.Fatalf("results %v", got)
	}
}

func TestAsyncPoolIsBounded(t *testing.T) {
	v, _ := newTestVM(t, Options{MaxAsync: 4})
	s := &slowLookup{d: 20 * time.Millisecond}
	must(t, v.SetFunc("lookup", s.lookup))
	run(t, v, `let calls = []
for i in range(20) { calls.push(lookup("x")) }
yield all(calls)`)
	if p := s.peak.Load(); p > 4 {
		t.Errorf("%d calls ran at once, want at most 4", p)
	}
}

func TestCancelDuringAsyncCall(t *testing.T) {
	v, out := newTestVM(t, Options{})
	s := &slowLookup{d: time.Hour}
	must(t, v.SetFunc("lookup", s.lookup))
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for s.running.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	err := v.RunString(ctx, "cancel.ys", `
try {
  yield lookup("slow")
} finally {
  print("cleaned up")
}`)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	var se *Error
	if !errors.As(err, &se) || se.Kind != "cancelled" {
		t.Errorf("err = %#v, want kind cancelled", err)
	}
	if !strings.Contains(out.String(), "cleaned up") {
		t.Errorf("finally did not run: %q", out.String())
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.cancelled.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if s.cancelled.Load() != 1 {
		t.Error("the Go function's context was not cancelled")
	}
}

func TestTaskCancelAndTimeoutCancelContext(t *testing.T) {
	v, out := newTestVM(t, Options{})
	s := &slowLookup{d: time.Hour}
	must(t, v.SetFunc("lookup", s.lookup))
	run(t, v, `
try { yield timeout(0.05, lookup("a")) } catch e { print(e.kind) }
let t = spawn(fn() { return yield lookup("b") })
yield sleep(0.02)
t.cancel()
try { yield t } catch e { print(e.kind) }
`)
	if out.String() != "timeout\ncancelled\n" {
		t.Errorf("output %q", out.String())
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.cancelled.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if s.cancelled.Load() != 2 {
		t.Errorf("%d contexts cancelled, want 2", s.cancelled.Load())
	}
}

func TestCancelCallDuringAsyncCall(t *testing.T) {
	v, _ := newTestVM(t, Options{})
	s := &slowLookup{d: time.Hour}
	must(t, v.SetFunc("lookup", s.lookup))
	run(t, v, `fn get(k) { return yield lookup(k) }`)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := v.Call(ctx, "get", "x")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	// The VM goes on serving.
	run(t, v, `fn ok() { return 1 }`)
	if r, err := v.Call(context.Background(), "ok"); err != nil || r != int64(1) {
		t.Errorf("after a cancelled call: %v, %v", r, err)
	}
}

func TestCancelBusyScript(t *testing.T) {
	v, out := newTestVM(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := v.RunString(ctx, "busy.ys", `
try { while true { } } finally { print("finally ran") }`)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(out.String(), "finally ran") {
		t.Errorf("err = %v, output %q", err, out.String())
	}
}

// Cancelling a run whose tasks all wait delivers kind cancelled at their
// yields, and their finally blocks run to the end, however many interrupt
// checks they pass. The watchdog for a task that keeps the loop busy (100 ms
// by default, tested by TestCancelBusyScript) is set long here: under the
// race detector on a loaded machine each cleanup below computes for longer
// than 100 ms, and this test is about the cancellation itself.
func TestCancelRunsEveryFinallyToTheEnd(t *testing.T) {
	v, out := newTestVM(t, Options{})
	v.busyAfter = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	if err := v.SetFunc("started", func() { close(started) }); err != nil {
		t.Fatal(err)
	}
	go func() {
		<-started
		cancel()
	}()
	err := v.RunString(ctx, "cleanup.ys", `
fn work(n) { return n + 1 }
fn cleanup(name) {
    let n = 0
    for i in range(20000) { n = work(n) }   # calls and loops: many interrupt checks
    print(name, n)
}
fn worker(name) {
    try { yield sleep(100) } finally { cleanup(name) }
}
let tasks = [spawn(worker, "a"), spawn(worker, "b"), spawn(worker, "c")]
yield
started()
try { yield all(tasks) } finally { cleanup("main") }
`)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	for _, want := range []string{"main 20000\n", "a 20000\n", "b 20000\n", "c 20000\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q: %q", want, out.String())
		}
	}
}

func TestCancelledContextBeforeStart(t *testing.T) {
	v, _ := newTestVM(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := v.RunString(ctx, "x.ys", "print(1)"); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

func TestAsyncUnawaitedDoesNothing(t *testing.T) {
	v, out := newTestVM(t, Options{})
	var calls atomic.Int32
	must(t, v.SetFunc("hit", func(ctx context.Context) { calls.Add(1) }))
	run(t, v, `let a = hit()
print(type(a))
yield a
try { yield a } catch e { print(e.kind) }`)
	if calls.Load() != 1 || out.String() != "async\nvalue\n" {
		t.Errorf("calls %d, output %q", calls.Load(), out.String())
	}
}

func TestCallsFromManyGoroutines(t *testing.T) {
	v, _ := newTestVM(t, Options{})
	run(t, v, `let hits = 0
fn hit(n) {
  hits += 1
  yield sleep(0.001)
  return n * n
}`)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				r, err := v.Call(context.Background(), "hit", g*100+i)
				if err != nil {
					errs <- err
					return
				}
				if want := int64((g*100 + i) * (g*100 + i)); r != want {
					errs <- errors.New("wrong result")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if hits, _, _ := v.Global("hits"); hits != int64(400) {
		t.Errorf("hits = %v, want 400", hits)
	}
}

func TestManyVMsInParallel(t *testing.T) {
	// Run with -race: VMs share nothing.
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out strings.Builder
			v := New(Options{Stdout: &out})
			defer v.Close()
			if err := v.SetFunc("id", func(ctx context.Context, x int) int { return x }); err != nil {
				t.Error(err)
				return
			}
			err := v.RunString(context.Background(), "par.ys", `
let total = 0
fn work(n) {
  let xs = []
  for i in range(n) { xs.push((yield id(i))) }
  let s = 0
  for x in xs { s += x }
  return s
}
let tasks = []
for i in range(10) { tasks.push(spawn(work, 50)) }
for t in tasks { total += (yield t) }
print(total)`)
			if err != nil {
				t.Error(err)
				return
			}
			if out.String() != "12250\n" {
				t.Errorf("VM %d printed %q", i, out.String())
			}
			for j := range 20 {
				r, err := v.Call(context.Background(), "work", j)
				if err != nil || r != int64(j*(j-1)/2) {
					t.Errorf("VM %d: work(%d) = %v, %v", i, j, r, err)
				}
			}
		}()
	}
	wg.Wait()
}
