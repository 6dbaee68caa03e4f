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
	if t == nil || t.vt != vt || t.cancelRequested || l.ready.size == 0 {
		return nil, vm.Value{}
	}
	if l.passLeft == 0 {
		// The conditions of a turn that goes on without polling, one test
		// each (as one expression, the compiler made each a value first).
		turn := l.passTurn
		if turn == nil || l.ioWaits > 0 || len(l.timers) > 0 || len(l.orphaned) > 0 {
			return nil, vm.Value{}
		}
		if l.pending.Load() != 0 || l.nposted.Load() > 0 || turn.Load() {
			return nil, vm.Value{}
		}
		l.passLeft = l.ready.size // the turn's next pass begins
	}
	h := l.ready.head
	n := l.ready.buf[h]
	if n.state != stateReady || !n.started || n.err != nil || n.parked || n.cancelRequested {
		return nil, vm.Value{}
	}
	// t's step ends as step ends it on StatusWait, and n's begins as step
	// begins it. The watchdog's end is called only when it has a report to
	// close (the load it would begin with).
	t.state = stateWaiting
	if wd := l.watch; wd != nil {
		if wd.reported.Load() == wd.pub {
			wd.end(t, false)
		}
		// begin's common case written out (begin is too large to be
		// inlined): no preemption to clear, no new step number to publish,
		// no name to publish; only the running task's id.
		if wd.w.Preempt.Load() || wd.w.Watching.Load() || wd.pub == 0 || n.more != nil || wd.named.Load() != nil {
			wd.begin(n)
		} else if wd.runningID.Load() != n.id {
			wd.runningID.Store(n.id)
		}
	}
	// l.ready.pop(), with the head read above
	l.ready.buf[h] = nil
	l.ready.head = (h + 1) & (len(l.ready.buf) - 1)
	l.ready.size--
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
