package scheduler

import (
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

// Idle-time collection. Go's collector frees what a burst of work left
// behind, but the spans it frees stay in the process (counted in its RSS)
// until the runtime's background scavenger returns them, a few pages at a
// time, or the next forced collection two minutes on. A server that goes
// quiet after a burst (ten thousand connections that each did one exchange)
// keeps about twice its live heap that way. So, as V8 collects when its
// embedder reports idle time, the loop starts a collection that returns freed
// memory to the operating system (debug.FreeOSMemory) once it has been idle
// for a while after activity:
//
//   - Activity is a task step: step counts them (one increment, nothing
//     else on the busy path). A wake-up that runs no task (a posted stack
//     sweep, which every collection causes) is not activity, so the idle
//     collection does not re-arm itself.
//   - When the loop is about to wait longer than the idle delay (no task
//     ready, no timer due sooner) and a task has stepped since the last idle
//     collection, it waits at most the delay instead; the busy loop waits
//     exactly as before, only with this finite timeout (no clock read).
//   - If that wait ran out its whole timeout (the poller's TimedOut: no
//     event, no wake-up, no signal), no task stepped meanwhile (by a host
//     call that entered the loop) and nothing is posted, the loop has been
//     idle for the delay: it cuts down the stacks of its waiting tasks (as
//     the sweeps of shrink.go would after two more collections) and, if the
//     process has allocated at least idleMinAlloc since the loop's last idle
//     collection (less garbage is not worth a full collection), starts the
//     collection on a goroutine of its own, so the loop never waits for it,
//     and goes back to its wait. This happens at most once per idle period:
//     the next one needs another task step first.
//
// One collection runs at a time in the process (FreeOSMemory collects the
// whole heap; a process with several loops needs one). A wait that a
// wake-up or a signal ends early with nothing to do does not end the idle
// period: the next wait starts the delay again.

// DefaultIdleCollect is the idle delay the VM uses unless told otherwise:
// long beside any pause inside a burst of work (the gaps between requests of
// a busy server are microseconds to milliseconds, and a loop with many
// connections is rarely quiet for half a second), short enough that a
// process that went quiet gives its memory back before anyone looks (a
// monitor sampling RSS, the next burst). A collection costs a mark of the
// live heap on another core (milliseconds for tens of megabytes); it comes
// at most once per idle period and only after idleMinAlloc of new
// allocation, so a program that wakes now and then to do little pays
// nothing, and a busy loop never waits long enough to start one.
const DefaultIdleCollect = 500 * time.Millisecond

// idleMinAlloc is the allocation since the last idle collection below which
// an idle period starts none: the garbage it could return is at most about
// this, not worth a mark of the whole heap.
const idleMinAlloc = 1 << 20

// collecting is set while an idle collection runs (one per process at a time).
var collecting atomic.Bool

// idleCollector is the loop's idle-collection state.
type idleCollector struct {
	after time.Duration // the idle delay (0: off)
	steps uint64        // task steps so far (step counts them)
	seen  uint64        // steps at the last idle collection
	runs  atomic.Int64  // idle collections started (tests read it)
	// hook, when set (tests), is called at the end of each idle period:
	// after its collection (true) or when it started none (false).
	hook func(collected bool)
	// minAlloc is idleMinAlloc (tests lower it); allocs is the process's
	// total allocation at the last idle collection, read into sample.
	minAlloc, allocs uint64
	sample           [1]metrics.Sample
}

// SetIdleCollect sets the idle delay after which the loop, idle since some
// task last ran, returns freed memory to the operating system (0 or less:
// never). Call it before the loop runs.
func (l *Loop) SetIdleCollect(d time.Duration) {
	l.quiet.after = max(d, 0)
	l.quiet.minAlloc = idleMinAlloc
	l.quiet.sample[0].Name = "/gc/heap/allocs:bytes"
}

// idleTimeout shortens the wait the loop is about to make to the idle delay
// when that could end an idle period: a task ran since the last idle
// collection and the wait would last longer. It reports whether it did.
func (l *Loop) idleTimeout(timeout *time.Duration) bool {
	d := l.quiet.after
	if d <= 0 || l.quiet.steps == l.quiet.seen || (*timeout >= 0 && *timeout <= d) {
		return false
	}
	*timeout = d
	return true
}

// idleEnded runs after a wait that idleTimeout shortened and that ran out
// its timeout: steps is what l.quiet.steps was before the wait.
func (l *Loop) idleEnded(steps uint64) {
	if l.quiet.steps != steps || l.ready.len() > 0 || l.hasPosted() {
		return // a host call ran tasks meanwhile, or something is to be run
	}
	l.quiet.seen = l.quiet.steps
	for t := l.tasks; t != nil; t = t.next {
		if t.state == stateWaiting && t.swept < 2 {
			t.swept = 2
			t.vt.ShrinkStack()
		}
	}
	metrics.Read(l.quiet.sample[:])
	allocs := l.quiet.sample[0].Value.Uint64()
	hook := l.quiet.hook
	if allocs-l.quiet.allocs < l.quiet.minAlloc || !collecting.CompareAndSwap(false, true) {
		if hook != nil {
			hook(false)
		}
		return
	}
	l.quiet.allocs = allocs
	l.quiet.runs.Add(1)
	go func() {
		debug.FreeOSMemory()
		collecting.Store(false)
		if hook != nil {
			hook(true)
		}
	}()
}
