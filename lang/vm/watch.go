package vm

import (
	"sync/atomic"
	"time"
)

// Watch lets a goroutine other than the loop's (a watchdog) see where the
// machine's running task is, and ask it to yield, without a lock in the
// dispatch loop: the driver numbers its steps in Step, and the loop publishes
// the running function and pc through atomics at its budget checks
// (Machine.slowTick, every 1,024 or so steps), with the step they were seen
// in. Preempt is read only at the checks of back-edges and calls that already
// run then.
type Watch struct {
	// Preempt, set by the watchdog, makes the running task yield at the next
	// budget check of a loop back-edge or a call into a script function, as
	// a bare yield would. Natives are never interrupted.
	Preempt atomic.Bool
	// Step is the number the driver gives the step it runs (0 between steps).
	Step atomic.Uint64
	// Yields counts the yields that completed at once (data already there,
	// room in a buffer, an item in a queue): the task went on without
	// leaving the dispatch loop, so the step goes on, but the task did
	// yield, and a block report counts from there. Written on the loop's
	// goroutine only, and only while Watching is set.
	Yields atomic.Uint64
	// Watching is set by the watchdog when it starts timing a step, and
	// cleared by the driver when the next step begins: yields are counted
	// only then, so that a yield completing at once costs no atomic store
	// while the watchdog looks at no step.
	Watching atomic.Bool

	proto    atomic.Pointer[Proto]
	pc       atomic.Int64
	seenStep atomic.Uint64

	// loading counts the imports loading a module now (reading and compiling
	// it, or making a standard module); loaded is when the last one ended
	// (UnixNano; an import nested in another stores it too, while the outer
	// one is still in progress). A block report does not count that time.
	loading atomic.Int32
	loaded  atomic.Int64
}

// yielded records a yield that completed at once, while the watchdog times
// the step. On the loop's goroutine.
func (w *Watch) yielded() {
	if w.Watching.Load() {
		w.Yields.Store(w.Yields.Load() + 1)
	}
}

// beginLoad and endLoad bracket the loading of an imported module. On the
// loop's goroutine.
func (w *Watch) beginLoad() { w.loading.Add(1) }

func (w *Watch) endLoad() {
	// When it ended first, then that it ended: a watchdog that sees no
	// load in progress also sees its end, and does not count its time.
	w.loaded.Store(time.Now().UnixNano())
	w.loading.Add(-1)
}

// Loading reports whether an import is loading a module now, and when the
// last load ended (UnixNano, 0 if none did). Safe from any goroutine.
func (w *Watch) Loading() (loading bool, ended int64) {
	return w.loading.Load() > 0, w.loaded.Load()
}

// Note publishes where task t is now (its innermost frame). Call it on the
// loop's goroutine.
func (w *Watch) Note(t *Task) {
	if n := len(t.frames); n > 0 {
		fr := &t.frames[n-1]
		w.proto.Store(fr.cl.proto)
		w.pc.Store(int64(fr.pc() - 1))
	} else {
		w.proto.Store(nil)
	}
	w.seenStep.Store(w.Step.Load())
}

// Seen is the function, file and line last published during step (ok false
// if nothing was, as for a step that has spent its time in one native call).
// Safe from any goroutine.
func (w *Watch) Seen(step uint64) (fn, file string, line int, ok bool) {
	p := w.proto.Load()
	if p == nil || w.seenStep.Load() != step {
		return "", "", 0, false
	}
	pc := int(w.pc.Load())
	if pc < 0 {
		pc = 0
	}
	pos := p.PosAt(pc)
	return p.Name, p.File, pos.Line, true
}

// preempt reports whether the watchdog asked the running task to yield, and
// clears the request.
func (w *Watch) preempt() bool {
	return w.Preempt.Load() && w.Preempt.Swap(false)
}
