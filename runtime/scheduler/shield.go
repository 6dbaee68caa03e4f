package scheduler

import (
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// A shield keeps a task out of its group's cancellation for a grace period,
// so that a program cancelled as a whole (SIGINT, SIGTERM, a host's context)
// lets the work a task has in progress finish: an HTTP server's connection
// tasks take one, and answer the requests in progress, with
// Connection: close, before the program exits.
//
// When the group is cancelled, a shielded task is not interrupted; the
// cancellation reaches it when the grace period has passed (or at once when
// it drops the shield), and the group, though its main task has ended by the
// cancellation, ends only when its shielded tasks have. Cancelling the task
// itself (task.cancel()) is not held back.

// shieldExpiry is the Waker of a shielded task's grace timer.
type shieldExpiry struct{ t *Task }

func (s shieldExpiry) Wake(vm.Value, *vm.Error) {
	x := s.t.more
	x.graceTimer = nil
	if x.pending != nil {
		err := x.pending
		x.pending = nil
		s.t.interrupt(err)
	}
}

// Shield keeps t out of its group's cancellation for at most grace after the
// cancellation (see above). It does nothing for a task without a group.
func (t *Task) Shield(grace time.Duration) {
	if t.group == nil || t.state == stateDone {
		return
	}
	if !t.shielded {
		t.shielded = true
		t.group.shielded++
	}
	t.grace = float32(grace.Seconds())
}

// Unshield drops t's shield; a cancellation of its group held back reaches it
// at its next yield.
func (t *Task) Unshield() {
	if !t.shielded {
		return
	}
	t.unshield()
	if x := t.more; x != nil && x.pending != nil {
		err := x.pending
		x.pending = nil
		t.interrupt(err)
	}
}

func (t *Task) unshield() {
	t.shielded = false
	t.group.shielded--
	if x := t.more; x != nil && x.graceTimer != nil {
		t.l.CancelTimer(x.graceTimer)
		x.graceTimer = nil
	}
}

// holdCancel takes the group's cancellation err for shielded task t: it is
// delivered after the grace period.
func (t *Task) holdCancel(err *vm.Error) {
	x := t.setX()
	if x.pending != nil {
		return
	}
	x.pending = err
	x.graceTimer = t.l.After(time.Duration(float64(t.grace)*float64(time.Second)), shieldExpiry{t})
}
