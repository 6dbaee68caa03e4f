package scheduler_test

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

// reportLines returns the lines on stderr once there are n of them (or after
// 5 s, whatever there is): a report's closing line may be written by the
// watchdog's goroutine just after the run returned.
func (h *harness) reportLines(n int) (string, []string) {
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		got := h.errb.String()
		lines := strings.Split(strings.TrimSpace(got), "\n")
		if len(lines) >= n || time.Now().After(deadline) {
			return got, lines
		}
	}
}

// spinNatives are cpu(), the CPU time in ms of the thread that calls it (the
// loop's: the clock the watchdog reads), and reported(), whether the
// watchdog has marked the running step as blocking. A test's spin runs
// until it is reported (at most 10 s of CPU), not for a count of steps: a
// count long enough for a loaded machine to give the watchdog's goroutine
// a tick in it took up to 17 s of a 60 s limit under the race detector.
func spinNatives(h **harness) map[string]vm.NativeFunc {
	return map[string]vm.NativeFunc{
		"cpu": func(*vm.Task, []vm.Value) (vm.Value, error) {
			return vm.Float(float64(scheduler.ThreadCPU()) / float64(time.Millisecond)), nil
		},
		"reported": func(*vm.Task, []vm.Value) (vm.Value, error) {
			return vm.Bool((*h).l.Reported()), nil
		},
	}
}

// The watchdog reads the running task through atomics while the loop runs it;
// run with -race.
func TestWatchdogBlockReport(t *testing.T) {
	var h *harness
	h = newHarness(t, spinNatives(&h))
	h.l.StartWatchdog(5*time.Millisecond, 0)
	h.run(t, `
fn spin() {
    let t0 = cpu()
    while not reported() and cpu() - t0 < 10000 {}
}
let t = spawn_named("spinner", spin)
yield t
yield sleep(0.01)
print("done")
`, 60*time.Second)
	got, lines := h.reportLines(2)
	if len(lines) != 2 {
		t.Fatalf("want two report lines, got %q", got)
	}
	if !strings.HasPrefix(lines[0], `block: task 2 "spinner" has run `) ||
		!strings.HasSuffix(lines[0], " ms without yielding, seen in spin at test.ys:4") {
		t.Errorf("first line %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], `block: task 2 "spinner" ran `) || !strings.HasSuffix(lines[1], " ms before it ended") {
		t.Errorf("second line %q", lines[1])
	}
	if h.out.String() != "done\n" {
		t.Errorf("output %q", h.out.String())
	}
}

// A task that spins is made to yield by the watchdog (preempt), so that a
// ticker sleeping beside it ticks during the spin, and is not without it.
// With preemption the spin lasts until the ticker has ticked (at most 5 s):
// a loaded machine may hand the watchdog and the loop little time, and the
// spin waits for the event, not for a time it may not get. Without it the
// spin lasts 0.2 s, twenty of the ticker's periods: a loaded machine can
// only make it yield less.
func TestWatchdogPreempt(t *testing.T) {
	for _, preempt := range []bool{false, true} {
		h := newHarness(t, nil)
		limit := "0.2"
		if preempt {
			h.l.StartWatchdog(0, 5*time.Millisecond)
			limit = "5"
		}
		h.run(t, `
import time
let ticks = 0
fn ticker() {
    while true {
        yield sleep(0.01)
        ticks += 1
    }
}
fn fib(n) {
    if n < 2 { return n }
    return fib(n - 1) + fib(n - 2)
}
fn spin() {
    let start = time.monotonic()
    while ticks == 0 and time.monotonic() - start < `+limit+` { fib(5) }
}
let tk = spawn(ticker)
yield spawn(spin)
print(ticks > 0)
tk.cancel()
`, 20*time.Second)
		if got, want := h.out.String(), map[bool]string{false: "false\n", true: "true\n"}[preempt]; got != want {
			t.Errorf("preempt %v: ticked during the spin: %q, want %q", preempt, got, want)
		}
	}
}

// A task alone on the loop (nothing else waits for it) is reported too.
func TestWatchdogBlockReportAlone(t *testing.T) {
	var h *harness
	h = newHarness(t, spinNatives(&h))
	h.l.StartWatchdog(5*time.Millisecond, 0)
	h.run(t, `
let t0 = cpu()
while not reported() and cpu() - t0 < 10000 {}
print("done")
`, 60*time.Second)
	got, lines := h.reportLines(2)
	if len(lines) != 2 || !strings.HasSuffix(lines[0], " ms without yielding, seen in <main> at test.ys:3") ||
		!strings.HasSuffix(lines[1], " ms before it ended") {
		t.Fatalf("want the two report lines of the main task, got %q", got)
	}
}

// A yield that completes at once (the queue already holds an item) is a
// yield: a task that yields on every item is never reported, however long
// it keeps the loop; a spin after those yields is reported from where the
// last yield left it, and its report closes when it next yields, even at
// once.
//
// The loops of yields run for ten times the threshold in the loop thread's
// CPU time (cpu(), the clock the watchdog reads), not for a count of
// iterations: long enough to be reported if those yields did not count,
// on any machine and under the race detector. The spin runs until it is
// reported (at most 10 s of CPU), not for a count either: a loaded machine
// may give the watchdog's goroutine no tick during a short one. The
// collector is off meanwhile: under the race detector the path of a yield
// that completes at once allocates, and a collection's assist could hold the
// loop's thread for longer than the threshold between two yields (it did,
// for 6 to 7 ms), which no length of threshold rules out. With it off,
// nothing but the task runs on the loop's thread between two yields.
func TestWatchdogYieldAtOnceIsAYield(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	var h *harness
	h = newHarness(t, spinNatives(&h))
	const block = 5 * time.Millisecond
	h.l.StartWatchdog(block, 0)
	h.run(t, fmt.Sprintf(`
import sync
let q = sync.queue()
let n = 0
let t0 = cpu()
while cpu() - t0 < %[1]d {
    yield q.put(n)
    n = (yield q.get()) + 1
}
t0 = cpu()
while not reported() and cpu() - t0 < 10000 { n += 1 }
t0 = cpu()
while cpu() - t0 < %[1]d {
    yield q.put(n)
    n = (yield q.get()) + 1
}
print("done")
`, 10*block.Milliseconds()), 60*time.Second)
	if h.out.String() != "done\n" {
		t.Errorf("output %q", h.out.String())
	}
	got, lines := h.reportLines(2)
	if len(lines) != 2 || !strings.HasSuffix(lines[0], " ms without yielding, seen in <main> at test.ys:11") ||
		!strings.HasSuffix(lines[1], " ms before it yielded") {
		t.Fatalf("want the two report lines of the spin at line 11 only, got %q", got)
	}
}

// A block report names the task that blocks, after tasks handing items over
// through a queue (direct switches) have run in turn: the named worker when
// it spins, the unnamed main task when it spins after the worker ended.
func TestWatchdogNamesTheBlockingTask(t *testing.T) {
	for _, tc := range []struct{ spin, want string }{
		{"worker", `block: task 2 "worker" has run `},
		{"main", `block: task 1 has run `},
	} {
		var h *harness
		h = newHarness(t, spinNatives(&h))
		h.l.StartWatchdog(5*time.Millisecond, 0)
		h.run(t, `
import sync
let q = sync.queue(1)
fn spin() {
    let t0 = cpu()
    while not reported() and cpu() - t0 < 10000 {}
}
fn worker() {
    for i in range(3000) { yield q.put(i) }
    if "`+tc.spin+`" == "worker" { spin() }
}
let t = spawn_named("worker", worker)
for i in range(3000) { yield q.get() }
yield t
if "`+tc.spin+`" == "main" { spin() }
print("done")
`, 60*time.Second)
		got, lines := h.reportLines(2)
		if len(lines) != 2 || !strings.HasPrefix(lines[0], tc.want) || !strings.HasPrefix(lines[1], strings.Replace(tc.want, "has run", "ran", 1)) {
			t.Errorf("%s spins: want two lines naming it (%q), got %q", tc.spin, tc.want, got)
		}
		if h.l.Switches() == 0 {
			t.Errorf("%s spins: no direct switch", tc.spin)
		}
	}
}

// The label a block report would give, read at every step of two tasks
// handing items over through a queue, names the task running: the named
// worker (whose steps the direct switch begins after the first) with its
// name, the main task without. The watchdog never ticks here (an hour's
// block), so each switch takes Switch's written-out begin, not begin.
func TestWatchdogLabelAfterEachSwitch(t *testing.T) {
	var h *harness
	h = newHarness(t, map[string]vm.NativeFunc{
		"label": func(*vm.Task, []vm.Value) (vm.Value, error) {
			return vm.Str(h.l.BlockLabel()), nil
		},
	})
	h.l.StartWatchdog(time.Hour, 0)
	main := h.run(t, `
import sync
let q = sync.queue(1)
fn worker() {
    for i in range(4) {
        yield q.put(i)
        print("w", label())
    }
}
let t = spawn_named("worker", worker)
for i in range(4) {
    yield q.get()
    print("m", label())
}
yield t
`, 10*time.Second)
	if _, err := main.Result(); err != nil {
		t.Fatalf("the main task failed: %v", err.Report())
	}
	if n := strings.Count(h.out.String(), "\n"); n != 8 {
		t.Errorf("%d lines, want 8:\n%s", n, h.out)
	}
	for _, ln := range strings.Split(strings.TrimSpace(h.out.String()), "\n") {
		if ln != `w task 2 "worker"` && ln != "m task 1" {
			t.Errorf("a step labelled %q; all:\n%s", ln, h.out)
			break
		}
	}
	if h.l.Switches() == 0 {
		t.Errorf("no direct switch")
	}
}

// A run that starts on a host goroutine holding the idle loop (TryEnter,
// StartNow) is timed by that goroutine's thread's CPU time, not by the
// process's: while the thread waits (here in pause(), as a thread a loaded
// machine leaves without a CPU would) and another goroutine computes, the
// task has not computed, and is not reported.
func TestWatchdogDirectRunTimesItsThread(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the watchdog reads a thread's CPU time only on Linux (cputime_linux.go); elsewhere it reads the process's")
	}
	h := newHarness(t, map[string]vm.NativeFunc{
		"pause": func(*vm.Task, []vm.Value) (vm.Value, error) {
			done := make(chan struct{})
			go func() {
				defer close(done)
				for end := time.Now().Add(100 * time.Millisecond); time.Now().Before(end); {
				}
			}()
			<-done
			return vm.Nil, nil
		},
	})
	h.l.StartWatchdog(5*time.Millisecond, 0)
	fn := h.load(t, "pause()\nprint(\"done\")\n")
	h.serve(t)
	for deadline := time.Now().Add(10 * time.Second); !h.l.TryEnter(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the idle loop could not be entered")
		}
	}
	g, err := h.l.StartNow(fn, nil, scheduler.GroupOptions{Program: true})
	ended := g != nil && g.Ended()
	h.l.Leave(false)
	if err != nil || !ended {
		t.Fatalf("the direct run: ended %v, error %v", ended, err)
	}
	if h.out.String() != "done\n" {
		t.Errorf("output %q", h.out.String())
	}
	if got := h.errb.String(); strings.Contains(got, "without yielding") {
		t.Errorf("a task that waited for its thread was reported: %q", got)
	}
}

// A report's closing line follows its first line, even when the task yields
// just as the watchdog takes its step as blocking: here it spins only until
// then (reported(): the watchdog has marked the step) and yields at once, so
// that the loop writes the closing line while the watchdog may still be
// writing the first. Twenty times, for the moment to fall in between.
func TestWatchdogReportLinesInOrder(t *testing.T) {
	for i := range 20 {
		var h *harness
		h = newHarness(t, map[string]vm.NativeFunc{
			"reported": func(*vm.Task, []vm.Value) (vm.Value, error) {
				return vm.Bool(h.l.Reported()), nil
			},
		})
		h.l.StartWatchdog(time.Millisecond, 0)
		h.run(t, `
while not reported() {}
yield
print("done")
`, 20*time.Second)
		got, lines := h.reportLines(2)
		if len(lines) != 2 || !strings.HasSuffix(lines[0], " ms without yielding, seen in <main> at test.ys:2") ||
			!strings.HasSuffix(lines[1], " ms before it yielded") {
			t.Fatalf("run %d: want the report's two lines in order, got %q", i, got)
		}
	}
}
