package scheduler

import (
	"runtime"
	"weak"
)

// Stacks of parked tasks. A task's value stack grows to what its deepest
// moment needs and never shrinks by itself, and the slots above its top keep
// what returned calls left there. A server parks one task per idle
// connection, each of which would keep the stack (and the last request's
// values) of its busiest moment. So, as Go's runtime shrinks goroutine stacks
// during garbage collection, the loop looks at its parked tasks after each
// collection: a task found waiting at two of these sweeps in a row (the same
// wait: running clears the mark) has its stack cut down to what its running
// frame can use (vm.Task.ShrinkStack). A busy task, parked for microseconds
// between requests, is not touched; the cost is one pass over the live tasks
// per collection.

// gcTick is an object that lives until the next collection, whose finalizer
// asks the loop for a sweep and makes the next one. It holds the loop weakly,
// so a loop nobody closed can still be collected.
type gcTick struct {
	l weak.Pointer[Loop]
}

func armSweeps(w weak.Pointer[Loop]) {
	runtime.SetFinalizer(&gcTick{l: w}, func(g *gcTick) {
		l := g.l.Value()
		if l == nil || l.closed.Load() {
			return
		}
		if !l.sweepPosted.Swap(true) {
			l.Post(l.sweepStacks)
		}
		armSweeps(g.l)
	})
}

// sweepStacks shrinks the stacks of the tasks that have stayed parked since
// the previous sweep. It runs on the loop, between steps.
func (l *Loop) sweepStacks() {
	l.sweepPosted.Store(false)
	for t := l.tasks; t != nil; t = t.next {
		if t.state != stateWaiting {
			continue
		}
		switch t.swept {
		case 0:
			t.swept = 1
		case 1:
			t.swept = 2
			t.vt.ShrinkStack()
		}
	}
}
