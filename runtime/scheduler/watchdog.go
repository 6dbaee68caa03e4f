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
// stopping it. The loop publishes, through atomics only, which task runs and
// since when (at the start and end of every step) and the machine publishes
// where it runs (vm.Watch, at its budget checks). The watchdog reports a task
// that has run BlockReport without yielding, once, and asks one that has run
// Preempt to yield (vm.Watch.Preempt).
type watchdog struct {
	l       *Loop
	w       *vm.Watch
	block   time.Duration
	preempt time.Duration
	out     io.Writer
	mu      sync.Mutex // serialises the watchdog's writes with the loop's block reports

	running  atomic.Pointer[Task]
	since    atomic.Int64 // UnixNano when the running step began, 0 between steps
	reported atomic.Int64 // the since of the step reported as blocking
	// others: something else waits for the loop (another task, a timer, I/O
	// or host work); a task alone on the loop blocks nobody and is not
	// reported (a program that computes before it first yields, imports).
	others atomic.Bool
	stop   chan struct{}
	done   chan struct{}

	// The process's CPU time when the watchdog first saw the running step
	// (cpuStep), used by the watchdog's goroutine only: a step is reported
	// only when the process has also computed for BlockReport since, so that
	// a loop thread the kernel leaves waiting on a loaded machine is not
	// taken for a task that computes.
	cpuStep  int64
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
	since := wd.since.Load()
	if since == 0 {
		return
	}
	ran := now.Sub(time.Unix(0, since))
	if wd.block > 0 && wd.cpuStep != since {
		wd.cpuStep = since
		wd.cpuStart, _ = processCPU()
	}
	if wd.preempt > 0 && ran >= wd.preempt && wd.since.Load() == since {
		wd.w.Preempt.Store(true)
	}
	if wd.block > 0 && ran >= wd.block && wd.reported.Load() != since && wd.others.Load() {
		if cpu, ok := processCPU(); ok && cpu-wd.cpuStart < wd.block {
			return // mostly waiting for a CPU, not computing
		}
		t := wd.running.Load()
		if t == nil || wd.since.Load() != since {
			return
		}
		wd.reported.Store(since)
		msg := fmt.Sprintf("block: %s has run %d ms without yielding", t.label(), ran.Milliseconds())
		if fn, file, line, ok := wd.w.Seen(); ok {
			msg += fmt.Sprintf(", seen in %s at %s:%d", fn, file, line)
		}
		wd.mu.Lock()
		io.WriteString(wd.out, msg+"\n")
		wd.mu.Unlock()
	}
}

// begin publishes that t starts a step. On the loop's goroutine.
func (wd *watchdog) begin(t *Task) {
	wd.w.Preempt.Store(false)
	wd.w.Note(t.vt)
	l := wd.l
	wd.others.Store(l.live > 1 || l.ready.len() > 0 || len(l.timers) > 0 || l.ioWaits > 0 || l.pending.Load() > 0)
	wd.running.Store(t)
	wd.since.Store(time.Now().UnixNano())
}

// end publishes that the step of t is over (it yielded, waits or ended), and
// reports the total when the step was reported as blocking.
func (wd *watchdog) end(t *Task, ended bool) {
	since := wd.since.Swap(0)
	wd.running.Store(nil)
	if since != 0 && wd.reported.Load() == since {
		ran := time.Since(time.Unix(0, since))
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
