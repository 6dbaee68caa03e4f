package scheduler

import (
	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/poll"
)

// FD is a non-blocking descriptor registered with the loop's poller
// (edge-triggered). I/O is optimistic: callers try the syscall first and wait
// for readiness only after EAGAIN. At most one task waits to read and one to
// write at a time.
type FD struct {
	l      *Loop
	Fd     int
	reader Waker
	writer Waker
	// idx is the FD's place in the loop's table, and gen the generation it
	// was registered in: together they are the tag its poller events carry.
	idx, gen uint32
	closed   bool
	// drained is set when a read found nothing (EAGAIN) and cleared when the
	// poller reports the descriptor readable: while it is set, a read would
	// only fail again, so callers wait without trying (saving a syscall per
	// round trip, as Go's netpoller does).
	drained bool
	// hangup is set once the poller has reported the peer's end (or an
	// error): from then on only a read that finds nothing means drained.
	hangup bool
}

// MayRead reports whether a read could find data: false after a read found
// nothing and before the poller reported new data.
func (f *FD) MayRead() bool { return !f.drained }

// Drained records that a read found nothing (EAGAIN).
func (f *FD) Drained() { f.drained = true }

// ShortRead records that a read returned less than it asked for: the socket
// had no more. The poller is edge-triggered and reports every arrival of new
// data after this read, so the next read can wait for that report instead of
// trying first. Not after a hangup: the end of the stream that came with the
// data reported last would then never be read.
func (f *FD) ShortRead() {
	if !f.hangup {
		f.drained = true
	}
}

// Register adds a non-blocking descriptor to the poller. The loop owns it from
// now on: Close closes it, and so does Register when it fails.
func (l *Loop) Register(fd int) (*FD, error) {
	f := &FD{l: l, Fd: fd}
	l.fdGen = l.fdGen%(1<<31-1) + 1 // 1 to 2^31-1: never 0, never the wake-up's
	f.gen = l.fdGen
	if n := len(l.fdFree); n > 0 {
		f.idx = l.fdFree[n-1]
		l.fdFree = l.fdFree[:n-1]
	} else {
		f.idx = uint32(len(l.fdTab))
		l.fdTab = append(l.fdTab, nil)
	}
	if err := l.poller.Add(fd, f.tag()); err != nil {
		l.fdFree = append(l.fdFree, f.idx)
		poll.Close(fd)
		return nil, err
	}
	l.fdTab[f.idx] = f
	return f, nil
}

// tag names the FD in its poller events: its index in the loop's table and
// its generation, so that an event finds its FD without a lookup by
// descriptor number, and one for a descriptor closed since (its number maybe
// reused by a newer FD, at the same index or not) is dropped. Go's netpoller
// packs its pollDesc pointer with a sequence number the same way.
func (f *FD) tag() uint64 { return uint64(f.gen)<<32 | uint64(f.idx) }

// byTag is the FD an event's tag names, or nil when it was closed since.
func (l *Loop) byTag(tag uint64) *FD {
	idx := uint32(tag)
	if int(idx) >= len(l.fdTab) {
		return nil
	}
	if f := l.fdTab[idx]; f != nil && f.gen == uint32(tag>>32) {
		return f
	}
	return nil
}

// dispatch hands the poller's events to their FDs: FD.ready for each. The
// common case, a task parked to read on the descriptor, is FD.ready, release
// and Task.Wake written out (no call through the Waker interface); its
// writer, if any, is released after it, as FD.ready does.
func (l *Loop) dispatch(events []poll.Event) {
	for i := range events {
		ev := &events[i]
		f := l.byTag(ev.Tag)
		if f == nil {
			continue
		}
		if ev.Ready&(poll.Readable|poll.Hangup) == 0 {
			f.ready(ev.Ready)
			continue
		}
		t, ok := f.reader.(*Task)
		if !ok || !t.parked || t.state != stateWaiting || t.inAwait {
			f.ready(ev.Ready)
			continue
		}
		l.takeReader(f, t, ev.Ready)
		t.val, t.err = vm.Value{}, nil
		t.handedOff = false
		t.state = stateReady
		l.ready.push(t)
		if ev.Ready&(poll.Writable|poll.Hangup) != 0 && f.writer != nil {
			f.release(Write, false)
		}
	}
}

// runEvents hands the poller's events to their FDs and runs the tasks they
// wake, after the tasks that were ready before the wait. It reports whether
// it ran any.
//
// A server waiting for I/O mostly wakes to events that each make ready the
// one task parked to read on its descriptor. When no task was ready before
// the wait, runEvents steps each such task straight from its event, in the
// events' order, which is the order of the pass that would run them after
// dispatch (the direct switch published, as in that pass), without the
// queue, Task.Wake and the pass in between. A batch of many events (a
// server with many connections) then touches each descriptor and task once
// while it is in the cache, where dispatching them all first and running
// the pass after touched each twice. Tasks those steps make ready wait in
// the queue for the next turn, as they would behind the pass. From the
// first event that is not of that kind, the rest go the general way
// (runRest).
func (l *Loop) runEvents(events []poll.Event) bool {
	if l.ready.size != 0 {
		l.dispatch(events)
		return l.readyBeforeTimers()
	}
	stepped := false
	for i := range events {
		ev := &events[i]
		f := l.byTag(ev.Tag)
		if f == nil {
			continue
		}
		if ev.Ready&(poll.Readable|poll.Hangup) != 0 && f.writer == nil {
			if t, ok := f.reader.(*Task); ok && t.parked && t.state == stateWaiting && !t.inAwait {
				// dispatch and Task.Wake, for this case.
				l.takeReader(f, t, ev.Ready)
				// runPass, for a pass of this one task.
				l.passLeft, l.passTurn = 0, nil
				if !l.noSwitch {
					l.M.Switch = l
				}
				l.step(t)
				l.M.Switch = nil
				stepped = true
				continue
			}
		}
		return l.runRest(events[i:], stepped)
	}
	if stepped {
		l.idle()
	}
	return stepped
}

// runRest is runEvents from an event that does not wake a parked reader
// alone: it dispatches that event and the rest and runs the pass of the
// tasks they made ready, first in the queue as they would be had every
// event been dispatched before any task ran; the tasks that the steps
// before made ready (the queue's first n) wait for the next turn behind
// them. stepped says whether runEvents ran any task.
func (l *Loop) runRest(events []poll.Event, stepped bool) bool {
	n := l.ready.size
	l.dispatch(events)
	for range n {
		l.ready.push(l.ready.pop())
	}
	ran := l.ready.size > n
	if ran || stepped {
		l.runPassOf(l.ready.size-n, nil)
		l.idle()
	}
	return ran || stepped
}

// takeReader is what FD.ready and release do for t, the task parked to read
// on f, when an event with readiness bits comes: f is no longer drained, t
// leaves the slot, and its wait has nothing left to cancel.
func (l *Loop) takeReader(f *FD, t *Task, bits int) {
	f.drained = false
	if bits&poll.Hangup != 0 {
		f.hangup = true
	}
	f.reader = nil
	l.ioWaits--
	t.canceler = nil
}

// Closed reports whether Close was called.
func (f *FD) Closed() bool { return f.closed }

// ready takes an event's readiness: a socket is reported writable with
// almost every event, so an empty slot is skipped here, without a call.
func (f *FD) ready(bits int) {
	if bits&(poll.Readable|poll.Hangup) != 0 {
		f.drained = false
		if bits&poll.Hangup != 0 {
			f.hangup = true
		}
		if f.reader != nil {
			f.release(Read, false)
		}
	}
	if bits&(poll.Writable|poll.Hangup) != 0 && f.writer != nil {
		f.release(Write, false)
	}
}

// Mode is the readiness a task waits for on a descriptor.
type Mode uint8

const (
	Read Mode = iota
	Write
)

// slot is where the task waiting for mode m is kept.
func (f *FD) slot(m Mode) *Waker {
	if m == Write {
		return &f.writer
	}
	return &f.reader
}

// release takes the waiter for mode m (if any) off its slot and wakes it: with
// nil when the descriptor is ready, with kind closed when it was closed.
func (f *FD) release(m Mode, closed bool) {
	s := f.slot(m)
	w := *s
	if w == nil {
		return
	}
	*s = nil
	f.l.ioWaits--
	if closed {
		w.Wake(vm.Nil, vm.NewError(vm.KindClosed, "connection was closed"))
	} else {
		w.Wake(vm.Nil, nil)
	}
}

// readSlot and writeSlot cancel the wait on one slot of an FD: a pointer
// conversion, so that handing out the Canceler allocates nothing.
type (
	readSlot  FD
	writeSlot FD
)

func (s *readSlot) Cancel()  { (*FD)(s).unpark(Read) }
func (s *writeSlot) Cancel() { (*FD)(s).unpark(Write) }

// unpark empties the slot for mode m without waking its waiter.
func (f *FD) unpark(m Mode) {
	if s := f.slot(m); *s != nil {
		*s = nil
		f.l.ioWaits--
	}
}

// canceler is the Canceler of the wait on the slot for mode m.
func (f *FD) canceler(m Mode) Canceler {
	if m == Write {
		return (*writeSlot)(f)
	}
	return (*readSlot)(f)
}

// take puts w on the slot for mode m. It fails with kind closed on a closed
// descriptor and with kind io when another task waits on the slot.
func (f *FD) take(m Mode, w Waker) *vm.Error {
	if err := f.unavailable(m); err != nil {
		return err
	}
	*f.slot(m) = w
	f.l.ioWaits++
	return nil
}

// unavailable is why no task can wait on the slot for mode m (nil when one
// can): kind closed on a closed descriptor, kind io when another task waits
// there.
func (f *FD) unavailable(m Mode) *vm.Error {
	if f.closed {
		return vm.NewError(vm.KindClosed, "connection is closed")
	}
	if *f.slot(m) != nil {
		if m == Write {
			return vm.NewError(vm.KindIO, "another task is already writing to this connection")
		}
		return vm.NewError(vm.KindIO, "another task is already reading from this connection")
	}
	return nil
}

// Wait wakes w (with nil) when the descriptor may be ready for mode m
// (readable or writable), or with kind closed if it is closed meanwhile. One
// task at a time may wait for each mode; another gets kind io. This is the
// wait of an awaitable (an operation inside timeout or race); a task's own
// `yield` on an operation parks instead (Park).
func (f *FD) Wait(m Mode, w Waker) Canceler {
	if err := f.take(m, w); err != nil {
		w.Wake(vm.Nil, err)
		return nil
	}
	return f.canceler(m)
}

// Park is the wait of an attempt function called by a MethodYielder for
// `yield obj.m(args)` in task vt: the operation found the descriptor not ready
// for mode m, so vt parks on the slot for m, with its pc still on the call
// (vm.Task.Park), and when the poller reports the descriptor ready the call
// runs again. Nothing is allocated. what names the operation (conn.recv) for
// task dumps and deadlock reports. It returns the error the yield throws
// instead: kind closed on a closed descriptor, kind io when another task waits
// on the slot, kind type when vt is not a task of this loop.
//
// Every check is made before anything is stored, and every failure goes to
// one call (parkFailed), so that the values the park needs are not saved
// on the stack on its way for the error paths' sake.
func (f *FD) Park(vt *vm.Task, m Mode, what string) *vm.Error {
	t, ok := vt.Data.(*Task)
	s := f.slot(m)
	if !ok || t.l != f.l || t.state != stateRunning || f.closed || *s != nil {
		return f.parkFailed(vt, m)
	}
	*s = t
	f.l.ioWaits++
	t.canceler = f.canceler(m)
	t.parkedOn = what
	vt.Park()
	return nil
}

// SetProgress keeps n, what the call task vt is about to park in (Park)
// has done so far (a sendall's bytes sent), for that call to read with
// Progress when it runs again. It belongs to the task, not to the
// descriptor: between the wake-up and the call's retry another task may
// use the descriptor's slot. A count of 0 on a task that never kept one
// stores nothing.
func SetProgress(vt *vm.Task, n int) {
	if t, ok := vt.Data.(*Task); ok && (n != 0 || t.more != nil) {
		t.setX().progress = n
	}
}

// Progress is the count SetProgress kept for vt's parked call, read when
// the call runs again (vm.Task.Retrying); 0 when none was kept.
func Progress(vt *vm.Task) int {
	if t, ok := vt.Data.(*Task); ok {
		return t.x().progress
	}
	return 0
}

// parkFailed is the error of a Park whose checks failed.
//
//go:noinline
func (f *FD) parkFailed(vt *vm.Task, m Mode) *vm.Error {
	if t, ok := vt.Data.(*Task); !ok || t.l != f.l || t.state != stateRunning {
		return vm.NewError(vm.KindType, "cannot wait for a connection here")
	}
	return f.unavailable(m)
}

// Close closes the descriptor; waiting tasks get kind closed.
func (f *FD) Close() {
	if f.closed {
		return
	}
	f.closed = true
	f.l.fdTab[f.idx] = nil
	f.l.fdFree = append(f.l.fdFree, f.idx)
	poll.Close(f.Fd)
	f.release(Read, true)
	f.release(Write, true)
}
