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

	steps uint64 // step numbers given, on the loop's goroutine
	pub   uint64 // the number in w.Step (0: none), on the loop's goroutine
	// The running task, for a block report: its id, and the task itself
	// when it has a name (nil otherwise). An id is stored with one plain
	// atomic store, where a pointer's store goes through the runtime's
	// write-barrier check: two tasks handing over to each other store an
	// id per step and no pointer.
	runningID atomic.Int64
	named     atomic.Pointer[Task]
	reported  atomic.Uint64 // the step reported as blocking
	// When the reported step was first seen running (UnixNano), for the
	// loop's line when it ends.
	reportedSince atomic.Int64
	// thread is the OS thread that runs the loop's steps now (set where a
	// goroutine locked to its thread starts turning the loop: Serve;
	// or by a host call running steps on its own goroutine, locked to its
	// thread meanwhile: TryEnter), 0 when not known.
	thread atomic.Int64
	stop   chan struct{}
	done   chan struct{}

	// Used by the watchdog's goroutine only: the step it saw at its last
	// tick and when it first saw it; and where it measures that step's time
	// on a CPU from: when (baseAt), on which thread (baseThread, 0 for the
	// process) and that CPU time then (cpuStart, cpuOK when it could be
	// read). A step is reported when it has computed for BlockReport, so
	// that a loop thread the kernel leaves waiting on a loaded machine is
	// not taken for a task that computes.
	seen   uint64
	seenAt time.Time
	// The count of yields that completed at once (vm.Watch.Yields) at the
	// last tick, and when the stretch of the step since the last of them
	// was first seen: a block report times a stretch, not a whole step.
	seenYields uint64
	stretchAt  time.Time
	baseAt     time.Time
	baseThread int64
	cpuStart   time.Duration
	cpuOK      bool
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
		// The machine counts the step's yields from here on.
		wd.w.Watching.Store(true)
		yields := wd.w.Yields.Load()
		wd.seen, wd.seenAt = step, now
		wd.seenYields, wd.stretchAt = yields, now
		if wd.block > 0 {
			wd.rebase(now)
		}
		return
	}
	yields := wd.w.Yields.Load()
	if wd.preempt > 0 && now.Sub(wd.seenAt) >= wd.preempt && wd.w.Step.Load() == step {
		wd.w.Preempt.Store(true)
	}
	if yields != wd.seenYields {
		// The task yielded and went on at once: a new stretch starts, and
		// one reported as blocking is over.
		wd.seenYields, wd.stretchAt = yields, now
		if wd.reported.CompareAndSwap(step, 0) {
			if label, ok := wd.running(); ok {
				wd.closing(label, "yielded")
			}
		}
		if wd.block > 0 {
			wd.rebase(now)
		}
		return
	}
	ran := now.Sub(wd.stretchAt)
	if wd.block > 0 && wd.reported.Load() != step && wd.computed(now) >= wd.block {
		label, ok := wd.running()
		if !ok {
			return
		}
		msg := fmt.Sprintf("block: %s has run %d ms without yielding", label, ran.Milliseconds())
		if fn, file, line, ok := wd.w.Seen(step); ok {
			msg += fmt.Sprintf(", seen in %s at %s:%d", fn, file, line)
		}
		// Marked as reported under the lock the closing line takes, and
		// written before it is released: a loop that ends the step at once
		// writes its closing line after this one.
		wd.mu.Lock()
		if wd.w.Step.Load() != step {
			wd.mu.Unlock()
			return
		}
		wd.reportedSince.Store(wd.stretchAt.UnixNano())
		wd.reported.Store(step)
		io.WriteString(wd.out, msg+"\n")
		wd.mu.Unlock()
	}
}

// rebase starts measuring the running step's time on a CPU from now.
func (wd *watchdog) rebase(now time.Time) {
	wd.baseAt = now
	wd.baseThread = wd.thread.Load()
	wd.cpuStart, wd.cpuOK = wd.cpu(wd.baseThread)
}

// cpu is the CPU time of thread tid (Linux), or of the process when tid is
// 0 or its clock cannot be read.
func (wd *watchdog) cpu(tid int64) (time.Duration, bool) {
	if d, ok := threadCPU(tid); ok {
		return d, true
	}
	return processCPU()
}

// computed is how long the running step has run on a CPU since the
// watchdog first saw it, not counting the time imports spent loading
// modules (the count starts again when a load ends): the CPU time of the
// loop's thread (or of the process) since then, at most the wall time; the
// wall time where no CPU time can be read.
func (wd *watchdog) computed(now time.Time) time.Duration {
	if loading, loaded := wd.w.Loading(); loading {
		return 0
	} else if loaded > wd.baseAt.UnixNano() {
		// An import loaded a module meanwhile: count from here.
		wd.rebase(now)
	}
	if tid := wd.thread.Load(); tid != wd.baseThread {
		// Another goroutine turns the loop now: measure from here.
		wd.rebase(now)
	}
	wall := now.Sub(wd.baseAt)
	if !wd.cpuOK {
		return wall
	}
	cpu, ok := wd.cpu(wd.baseThread)
	if !ok {
		return wall
	}
	return min(cpu-wd.cpuStart, wall)
}

// begin publishes that t starts a step. On the loop's goroutine, as are end
// and idle. It stores only what changed, and a new step number only when the
// watchdog has seen the published one (Watching) or none is published: until
// the watchdog looks, the number it will see first is as good as a new one,
// since it times a step from the tick that first sees its number, and the
// running task's id is stored whenever it changes (and the task itself only
// when it, or the one before it, has a name). Two tasks handing over to each
// other so cost one atomic store per step (an id), not two, and no pointer
// store through the runtime. What begin seldom does is in newStep and
// setNamed.
func (wd *watchdog) begin(t *Task) {
	w := wd.w // loaded once: the atomics below would each load it again
	if w.Preempt.Load() {
		w.Preempt.Store(false)
	}
	if wd.runningID.Load() != t.id {
		wd.runningID.Store(t.id)
		if t.more != nil || wd.named.Load() != nil {
			wd.setNamed(t)
		}
	}
	if w.Watching.Load() || wd.pub == 0 {
		wd.newStep()
	}
}

// started is begin's common case, small enough to be inlined into step: no
// preemption flag to clear, no new step number to publish, no name to
// publish, so only the running task's id is stored (when it changed). It
// reports false, having done nothing, when begin has more to do.
func (wd *watchdog) started(t *Task) bool {
	w := wd.w
	if w.Preempt.Load() || w.Watching.Load() || wd.pub == 0 || t.more != nil || wd.named.Load() != nil {
		return false
	}
	if wd.runningID.Load() != t.id {
		wd.runningID.Store(t.id)
	}
	return true
}

// setNamed publishes t as the running task's name holder: t when it has a
// name, nil otherwise. Stored after the id: a report reads the id first,
// and uses the task only when it has that id.
func (wd *watchdog) setNamed(t *Task) {
	var n *Task
	if t.Name() != "" {
		n = t
	}
	if wd.named.Load() != n {
		wd.named.Store(n)
	}
}

// newStep publishes a new step number.
func (wd *watchdog) newStep() {
	if wd.w.Watching.Load() {
		// Cleared before the new number is stored: the watchdog, seeing
		// that number, sets it again for the new step.
		wd.w.Watching.Store(false)
	}
	wd.steps++
	wd.pub = wd.steps
	wd.w.Step.Store(wd.pub)
}

// running is the label of the running task as begin published it (ok false
// before any step). From the watchdog's goroutine.
func (wd *watchdog) running() (label string, ok bool) {
	id := wd.runningID.Load()
	if id == 0 {
		return "", false
	}
	if t := wd.named.Load(); t != nil && t.id == id {
		return t.label(), true
	}
	return taskLabel(id, ""), true
}

// end reports the total when the step of t, now over (it yielded, waits or
// ended), was reported as blocking. The step number stays published until
// idle: the loop goes on to the next step at once.
func (wd *watchdog) end(t *Task, ended bool) {
	// A load first: the step is almost never the reported one, and a plain
	// load costs less than the locked compare-and-swap. (The direct switch
	// makes the same load itself before it calls end.)
	if wd.reported.Load() == wd.pub && wd.reported.CompareAndSwap(wd.pub, 0) {
		wd.pub = 0
		wd.w.Step.Store(0)
		how := "yielded"
		if ended {
			how = "ended"
		}
		wd.l.M.Flush()
		wd.closing(t.label(), how)
	}
}

// closing writes the line that ends a report: the total time of the stretch
// reported as blocking, and how it ended. From the loop (end) or from the
// watchdog (check, for a yield that completed at once), whichever took the
// report back.
func (wd *watchdog) closing(label string, how string) {
	ran := time.Since(time.Unix(0, wd.reportedSince.Load()))
	wd.mu.Lock()
	fmt.Fprintf(wd.out, "block: %s ran %d ms before it %s\n", label, ran.Milliseconds(), how)
	wd.mu.Unlock()
}

// idle publishes that no step runs: the loop has run the ready tasks.
func (wd *watchdog) idle() {
	if wd.pub != 0 {
		wd.pub = 0
		wd.w.Step.Store(0)
	}
}
