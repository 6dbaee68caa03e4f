package scheduler

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// watchdog is a goroutine that looks at the task running on the loop without
// stopping it. The loop publishes, through atomics only, which task runs and a
// number for its step (vm.Watch.Step, at the start of every step; 0 once the
// loop has no more steps to run) and the machine publishes where it runs
// (vm.Watch, at its budget checks, with the step it saw). The loop reads no clock per step: the watchdog times a step
// from the first of its own ticks that sees the step's number, so it may take
// a step for up to one tick shorter than it is, never longer. It reports a
// task that has run BlockReport without yielding, once, and asks one that has
// run Preempt to yield (vm.Watch.Preempt).
type watchdog struct {
	l       *Loop
	w       *vm.Watch
	block   time.Duration
	preempt time.Duration
	out     io.Writer
	mu      sync.Mutex // serialises the watchdog's writes with the loop's block reports

	steps    uint64 // steps begun, on the loop's goroutine
	running  atomic.Pointer[Task]
	reported atomic.Uint64 // the step reported as blocking
	// When the reported step was first seen running (UnixNano), for the
	// loop's line when it ends.
	reportedSince atomic.Int64
	// others: something else waits for the loop (another task, a timer, I/O
	// or host work); a task alone on the loop blocks nobody and is not
	// reported (a program that computes before it first yields, imports).
	others atomic.Bool
	stop   chan struct{}
	done   chan struct{}

	// Used by the watchdog's goroutine only: the step it saw at its last
	// tick and when it first saw it, and the process's CPU time then. A step
	// is reported only when the process has also computed for BlockReport
	// since, so that a loop thread the kernel leaves waiting on a loaded
	// machine is not taken for a task that computes.
	seen     uint64
	seenAt   time.Time
	cpuStart time.Duration
}

// StartWatchdog starts the loop's watchdog: block > 0 reports a task that runs
// that long without yielding while other work waits for the loop; preempt > 0 makes such a task yield at its next
// loop back-edge or call. It is stopped by Close. Call it before the loop
// runs, at most once.
func (l *Loop) StartWatchdog(block, preempt time.Duration) {
	if block <= 0 && preempt <= 0 || l.watch != nil {
		return
	}
	wd := &watchdog{l: l, w: &vm.Watch{}, block: block, preempt: preempt, out: l.Stderr,
		stop: make(chan struct{}), done: make(chan struct{})}
	l.watch = wd
	l.M.Watch = wd.w
	period := time.Duration(0)
	for _, d := range []time.Duration{block, preempt} {
		if d > 0 && (period == 0 || d < period) {
			period = d
		}
	}
	period = max(period/4, 500*time.Microsecond)
	go wd.run(period)
}

// stopWatchdog ends the watchdog goroutine.
func (l *Loop) stopWatchdog() {
	if wd := l.watch; wd != nil {
		close(wd.stop)
		<-wd.done
	}
}

func (wd *watchdog) run(period time.Duration) {
	defer close(wd.done)
	tk := time.NewTicker(period)
	defer tk.Stop()
	for {
		select {
		case <-wd.stop:
			return
		case now := <-tk.C:
			wd.check(now)
		}
	}
}

// check looks at the running step.
func (wd *watchdog) check(now time.Time) {
	step := wd.w.Step.Load()
	if step == 0 {
		return
	}
	if step != wd.seen {
		wd.seen, wd.seenAt = step, now
		if wd.block > 0 {
			wd.cpuStart, _ = processCPU()
		}
		return
	}
	ran := now.Sub(wd.seenAt)
	if wd.preempt > 0 && ran >= wd.preempt && wd.w.Step.Load() == step {
		wd.w.Preempt.Store(true)
	}
	if wd.block > 0 && ran >= wd.block && wd.reported.Load() != step && wd.others.Load() {
		if cpu, ok := processCPU(); ok && cpu-wd.cpuStart < wd.block {
			return // mostly waiting for a CPU, not computing
		}
		t := wd.running.Load()
		if t == nil || wd.w.Step.Load() != step {
			return
		}
		wd.reportedSince.Store(wd.seenAt.UnixNano())
		wd.reported.Store(step)
		msg := fmt.Sprintf("block: %s has run %d ms without yielding", t.label(), ran.Milliseconds())
		if fn, file, line, ok := wd.w.Seen(step); ok {
			msg += fmt.Sprintf(", seen in %s at %s:%d", fn, file, line)
		}
		wd.mu.Lock()
		io.WriteString(wd.out, msg+"\n")
		wd.mu.Unlock()
	}
}

// begin publishes that t starts a step. On the loop's goroutine, as are end
// and idle. It stores only what changed: the watchdog reads, the loop writes
// once per step.
func (wd *watchdog) begin(t *Task) {
	if wd.w.Preempt.Load() {
		wd.w.Preempt.Store(false)
	}
	l := wd.l
	if others := l.live > 1 || l.ready.len() > 0 || len(l.timers) > 0 || l.ioWaits > 0 || l.pending.Load() > 0; others != wd.others.Load() {
		wd.others.Store(others)
	}
	if wd.running.Load() != t {
		wd.running.Store(t)
	}
	wd.steps++
	wd.w.Step.Store(wd.steps)
}

// end reports the total when the step of t, now over (it yielded, waits or
// ended), was reported as blocking. The step number stays published until
// idle: the loop goes on to the next step at once.
func (wd *watchdog) end(t *Task, ended bool) {
	if wd.reported.Load() == wd.steps {
		wd.w.Step.Store(0)
		ran := time.Since(time.Unix(0, wd.reportedSince.Load()))
		how := "yielded"
		if ended {
			how = "ended"
		}
		wd.l.M.Flush()
		wd.mu.Lock()
		fmt.Fprintf(wd.out, "block: %s ran %d ms before it %s\n", t.label(), ran.Milliseconds(), how)
		wd.mu.Unlock()
	}
}

// idle publishes that no step runs: the loop has run the ready tasks.
func (wd *watchdog) idle() {
	if wd.w.Step.Load() != 0 {
		wd.w.Step.Store(0)
	}
}
