package scheduler

import "github.com/yieldscript/yieldscript/lang/vm"

// Switch implements vm.Switcher: the direct switch. The running task vt has
// stopped at a wait another task completes (StatusWait: a queue's get or put
// that must wait); when the task at the head of the ready queue would be the
// next to run anyway and is one that Resume would continue (woken with its
// yield's value), its step begins here and the dispatch loop goes on with it,
// without returning through Resume, step and the pass. The order is the
// pass's: the next task of the pass, or, once the pass is over, the first of
// the next, only where the turn would go on with the tasks made ready
// meanwhile without polling (nothing waits for I/O or a timer, no host work
// is in flight or posted, no program has just ended, the loop is not
// stopping), so the loop polls, runs timers and posted work at the same
// points as without it. The watchdog sees a step end and another begin, as
// before.
func (l *Loop) Switch(vt *vm.Task) (*vm.Task, vm.Value) {
	t := l.current
	if t == nil || t.vt != vt || t.cancelRequested || l.ready.len() == 0 {
		return nil, vm.Nil
	}
	if l.passLeft == 0 {
		if turn := l.passTurn; turn == nil || l.ioWaits > 0 || l.pending.Load() != 0 ||
			len(l.timers) > 0 || len(l.orphaned) > 0 || l.hasPosted() || turn.Load() {
			return nil, vm.Nil
		}
		l.passLeft = l.ready.len() // the turn's next pass begins
	}
	n := l.ready.buf[l.ready.head]
	if n.state != stateReady || !n.started || n.err != nil || n.parked || n.cancelRequested {
		return nil, vm.Nil
	}
	// t's step ends as step ends it on StatusWait, and n's begins as step
	// begins it. The watchdog's end is called only when it has a report to
	// close (the load it would begin with).
	t.state = stateWaiting
	if wd := l.watch; wd != nil {
		if wd.reported.Load() == wd.pub {
			wd.end(t, false)
		}
		wd.begin(n)
	}
	l.ready.pop()
	l.passLeft--
	l.switches++
	l.current = n
	l.quiet.steps++
	n.state = stateRunning
	n.handedOff = false
	n.swept = 0
	v := n.val
	n.val = vm.Value{}
	return n.vt, v
}
