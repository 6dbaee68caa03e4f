package http

import (
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
	ysnet "github.com/yieldscript/yieldscript/stdlib/net"
)

// The connections of a server that wait for a request. Each connection's
// task waits for the first byte of its next request parked on its socket's
// reader slot, with no awaitable and no timer of its own: the server's
// idleSet keeps the waiting connections in two lists in the order of their
// deadlines (one for the first request, due header_timeout after the accept,
// one for the next ones, due idle_timeout after the response), and one timer,
// armed for the earliest deadline, closes the connections whose time is up
// (their tasks wake with kind closed and end quietly). Stopping the server
// closes every waiting connection the same way. As all the connections of a
// list wait for the same time, a new one almost always goes at the tail, and
// one that gets data leaves its list in constant time (the lists of timers
// Node keeps per timeout are built the same way).

// The two lists of an idleSet.
const (
	idleFirst = 0 // waiting for the first request: header_timeout
	idleNext  = 1 // waiting for a later request: idle_timeout
)

// idleSet is the waiting connections of one server (_idle_set).
type idleSet struct {
	vm.ObjectHeader
	l        *scheduler.Loop
	base     time.Time        // deadlines are durations from base
	limit    [2]time.Duration // per list; 0: no limit
	lists    [2]idleList
	timer    *scheduler.Timer // armed for timerAt, or nil
	timerAt  time.Duration
	stopping bool
}

type idleList struct{ head, tail *idleConn }

// idleConn is a connection of an idleSet (set.watch(conn)): a node of one of
// its lists while its task waits for a request.
type idleConn struct {
	vm.ObjectHeader
	set        *idleSet
	c          *ysnet.Conn
	prev, next *idleConn
	deadline   time.Duration // since set.base, for the wait in progress
	list       int8          // idleFirst or idleNext while linked, else -1
	served     bool          // a wait has ended with data: later ones are idleNext
}

// httpIdleSet is _idle_set(header_timeout, idle_timeout): the waiting
// connections of a server (0: no limit).
func httpIdleSet(l *scheduler.Loop) func(*vm.Task, []vm.Value) (vm.Value, error) {
	return func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		var hv, iv vm.Value
		if err := vm.UnpackArgs("_idle_set", args, "header_timeout", modutil.SecondsArg(&hv), "idle_timeout", modutil.SecondsArg(&iv)); err != nil {
			return vm.Nil, err
		}
		s := &idleSet{l: l, base: l.Now()}
		for i, v := range []vm.Value{hv, iv} {
			d, err := scheduler.Seconds("_idle_set", v)
			if err != nil {
				return vm.Nil, err
			}
			s.limit[i] = d
		}
		return s.Value(s), nil
	}
}

func (*idleSet) TypeName() string  { return "http idle set" }
func (*idleConn) TypeName() string { return "http idle conn" }

func (s *idleSet) now() time.Duration { return s.l.Now().Sub(s.base) }

func (s *idleSet) CallMethod(_ *vm.Task, name string, args []vm.Value) (vm.Value, bool, error) {
	switch name {
	case "watch":
		// watch(conn): the connection's node; its first request is due
		// header_timeout from now.
		var c *ysnet.Conn
		if err := vm.UnpackArgs("watch", args, "conn", connArg(&c)); err != nil {
			return vm.Nil, true, err
		}
		w := &idleConn{set: s, c: c, list: -1, deadline: s.now() + s.limit[idleFirst]}
		return w.Value(w), true, nil
	case "stop":
		// stop(): from now on waits end at once (false), and the
		// connections waiting now are closed.
		if err := vm.UnpackArgs("stop", args); err != nil {
			return vm.Nil, true, err
		}
		s.stopping = true
		s.closeWhile(func(*idleConn) bool { return true })
		if s.timer != nil {
			s.l.CancelTimer(s.timer)
			s.timer = nil
		}
		return vm.Nil, true, nil
	}
	return vm.Nil, false, nil
}

// closeWhile closes the connections at the heads of the lists while expired
// says so of them.
func (s *idleSet) closeWhile(expired func(*idleConn) bool) {
	for i := range s.lists {
		for w := s.lists[i].head; w != nil && expired(w); w = s.lists[i].head {
			w.unlink()
			w.c.Close() // its task wakes with kind closed
		}
	}
}

// Wake is the timer's: it closes the connections whose deadline has passed
// and arms the timer for the next one.
func (s *idleSet) Wake(vm.Value, *vm.Error) {
	s.timer = nil
	now := s.now()
	s.closeWhile(func(w *idleConn) bool { return s.limit[w.list] > 0 && w.deadline <= now })
	for i := range s.lists {
		if w := s.lists[i].head; w != nil && s.limit[i] > 0 {
			s.arm(w.deadline)
		}
	}
}

// arm makes sure the timer fires by deadline at.
func (s *idleSet) arm(at time.Duration) {
	if s.timer != nil {
		if s.timerAt <= at {
			return
		}
		s.l.CancelTimer(s.timer)
	}
	s.timerAt = at
	s.timer = s.l.After(max(at-s.now(), 0), s)
}

// link puts w in its list (the first or the next) with its deadline.
func (w *idleConn) link() {
	s := w.set
	k := idleFirst
	if w.served {
		k = idleNext
		w.deadline = s.now() + s.limit[idleNext]
	}
	w.list = int8(k)
	l := &s.lists[k]
	// The list is in deadline order; a new node goes after the last one due
	// no later than it (almost always the tail).
	at := l.tail
	for at != nil && at.deadline > w.deadline {
		at = at.prev
	}
	w.prev = at
	if at == nil {
		w.next = l.head
		l.head = w
	} else {
		w.next = at.next
		at.next = w
	}
	if w.next == nil {
		l.tail = w
	} else {
		w.next.prev = w
	}
	if s.limit[k] > 0 {
		s.arm(w.deadline)
	}
}

// unlink takes w out of its list, if it is in one.
func (w *idleConn) unlink() {
	if w.list < 0 {
		return
	}
	l := &w.set.lists[w.list]
	if w.prev == nil {
		l.head = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		l.tail = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.prev, w.next, w.list = nil, nil, -1
}

// attempt is one try of wait(): true when bytes are there to read, false
// when the stream has ended or the server stops; while it must wait, w is in
// its list (from the first attempt on: the deadline does not move when the
// wait goes on after a wake-up that found nothing).
func (w *idleConn) attempt() (vm.Value, *vm.Error, ysnet.Wait) {
	c := w.c
	for {
		switch {
		case w.set.stopping:
			w.unlink()
			return vm.False, nil, ysnet.Done
		case c.Closed():
			w.unlink()
			return vm.Nil, ysnet.ErrClosed(), ysnet.Done
		case len(c.Buffered()) > 0:
			w.unlink()
			w.served = true
			return vm.True, nil, ysnet.Done
		case c.EOF():
			w.unlink()
			return vm.False, nil, ysnet.Done
		}
		_, err, wait := c.Fill()
		if err != nil {
			w.unlink()
			return vm.Nil, err, ysnet.Done
		}
		if wait != ysnet.Done {
			if w.list < 0 {
				w.link()
			}
			return vm.Nil, nil, wait
		}
	}
}

// YieldMethodNow does `yield w.wait()`: it completes at once, or parks the
// task on the socket's reader slot, and readiness runs it again. A wait
// that needs more than the socket's readiness (a TLS handshake still going
// on) is left to the wait() operation.
func (w *idleConn) YieldMethodNow(t *vm.Task, name string, args []vm.Value) (vm.Value, *vm.Error, bool) {
	if name != "wait" || len(args) != 0 {
		return vm.Nil, nil, false
	}
	v, err, wait := w.attempt()
	switch wait {
	case ysnet.Done:
		return v, err, true
	case ysnet.WaitRead:
		if perr := w.c.FD().Park(t, scheduler.Read, "http.wait_request"); perr != nil {
			w.unlink()
			return vm.Nil, perr, true
		}
	}
	return vm.Nil, nil, false
}

func (w *idleConn) CallMethod(_ *vm.Task, name string, args []vm.Value) (vm.Value, bool, error) {
	switch name {
	case "wait":
		// wait(): see YieldMethodNow; this is the operation, awaited as
		// any other.
		if err := vm.UnpackArgs("wait", args); err != nil {
			return vm.Nil, true, err
		}
		return w.c.Op("http.wait_request", 0, w.attempt), true, nil
	case "close":
		// close(): the connection leaves its list and is closed.
		if err := vm.UnpackArgs("close", args); err != nil {
			return vm.Nil, true, err
		}
		w.unlink()
		w.c.Close()
		return vm.Nil, true, nil
	}
	return vm.Nil, false, nil
}
