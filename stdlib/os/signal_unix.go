//go:build unix

package os

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
)

// claimed counts, per signal, the loops where a task waits on it: while a
// signal is claimed its default action (and the command line's handling of
// SIGINT and SIGTERM) is off.
var claimed struct {
	sync.Mutex
	n    map[os.Signal]int
	last map[os.Signal]time.Time // when the last claim on it ended
}

// claimGrace is how long a signal stays claimed after its last waiter got a
// delivery: every signal.Notify channel receives each delivery on its own,
// so another handler may look at it just after the waiter was woken.
const claimGrace = 500 * time.Millisecond

// SignalClaimed reports whether a task waits on sig with os.signal (or did
// until just now), so that whoever handles the signal otherwise leaves it
// alone.
func SignalClaimed(sig os.Signal) bool {
	claimed.Lock()
	defer claimed.Unlock()
	return claimed.n[sig] > 0 || time.Since(claimed.last[sig]) < claimGrace
}

func claim(sig os.Signal, d int) {
	claimed.Lock()
	defer claimed.Unlock()
	if claimed.n == nil {
		claimed.n, claimed.last = map[os.Signal]int{}, map[os.Signal]time.Time{}
	}
	claimed.n[sig] += d
	if d < 0 {
		claimed.last[sig] = time.Now()
	}
}

// signalHub serves os.signal for one loop.
type signalHub struct {
	l    *scheduler.Loop
	sigs map[os.Signal]*signalWait
}

// signalWait is the subscription to one signal while tasks wait on it:
// signal.Notify on a channel that a goroutine drains, posting each delivery
// to the loop.
type signalWait struct {
	hub     *signalHub
	sig     os.Signal
	ch      chan os.Signal
	stop    chan struct{}
	hold    func()
	waiters []*signalOp
}

// signalOp is the awaitable of os.signal(name).
type signalOp struct {
	vm.ObjectHeader
	hub  *signalHub
	sig  os.Signal
	name string
	used bool
	w    scheduler.Waker
	s    *signalWait
}

func (*signalOp) TypeName() string { return "os.signal" }
func (*signalOp) Awaitable()       {}

func (h *signalHub) signal(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var name string
	if err := vm.UnpackArgs("os.signal", args, "signal", vm.Want(modutil.SignalWords, &name)); err != nil {
		return vm.Nil, err
	}
	sig, err := modutil.Signal("os.signal", name)
	if err != nil {
		return vm.Nil, err
	}
	switch sig {
	case syscall.SIGKILL, syscall.SIGSTOP:
		return vm.Nil, vm.Errorf(vm.KindValue, "os.signal(): %s cannot be caught", name)
	}
	o := &signalOp{hub: h, sig: sig, name: name}
	return o.Value(o), nil
}

func (o *signalOp) Await(_ *scheduler.Loop, w scheduler.Waker) scheduler.Canceler {
	if o.used {
		w.Wake(vm.Nil, vm.NewError(vm.KindValue, "os.signal() was already awaited"))
		return nil
	}
	o.used, o.w = true, w
	h := o.hub
	s := h.sigs[o.sig]
	if s == nil {
		s = &signalWait{hub: h, sig: o.sig, ch: make(chan os.Signal, 8), stop: make(chan struct{})}
		h.sigs[o.sig] = s
		claim(o.sig, 1)
		signal.Notify(s.ch, o.sig)
		s.hold = h.l.Hold()
		go s.drain()
	}
	o.s = s
	s.waiters = append(s.waiters, o)
	return o
}

// drain posts every delivery to the loop until the subscription ends.
func (s *signalWait) drain() {
	for {
		select {
		case <-s.ch:
			s.hub.l.Post(s.deliver)
		case <-s.stop:
			return
		}
	}
}

// deliver wakes every task waiting at the moment of the delivery.
func (s *signalWait) deliver() {
	ws := s.waiters
	s.waiters = nil
	s.end()
	for _, o := range ws {
		o.s = nil
		o.w.Wake(vm.Str(o.name), nil)
	}
}

// end drops the subscription once nobody waits: the default action is back.
func (s *signalWait) end() {
	if len(s.waiters) > 0 || s.hub.sigs[s.sig] != s {
		return
	}
	delete(s.hub.sigs, s.sig)
	signal.Stop(s.ch)
	close(s.stop)
	claim(s.sig, -1)
	s.hold()
}

// Cancel gives up a task's wait.
func (o *signalOp) Cancel() {
	s := o.s
	if s == nil {
		return
	}
	o.s = nil
	for i, x := range s.waiters {
		if x == o {
			s.waiters = append(s.waiters[:i], s.waiters[i+1:]...)
			break
		}
	}
	s.end()
}
