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
	closed bool
	reader Waker
	writer Waker
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
// now on: Close closes it.
func (l *Loop) Register(fd int) (*FD, error) {
	if err := l.poller.Add(fd); err != nil {
		return nil, err
	}
	f := &FD{l: l, Fd: fd}
	l.fds[fd] = f
	return f, nil
}

// Closed reports whether Close was called.
func (f *FD) Closed() bool { return f.closed }

func (f *FD) ready(bits int) {
	if bits&(poll.Readable|poll.Hangup) != 0 {
		f.drained = false
	}
	if bits&poll.Hangup != 0 {
		f.hangup = true
	}
	if bits&(poll.Readable|poll.Hangup) != 0 {
		f.release(Read, false)
	}
	if bits&(poll.Writable|poll.Hangup) != 0 {
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

type fdWait struct {
	f *FD
	m Mode
}

func (c fdWait) Cancel() {
	if s := c.f.slot(c.m); *s != nil {
		*s = nil
		c.f.l.ioWaits--
	}
}

// Wait wakes w (with nil) when the descriptor may be ready for mode m
// (readable or writable), or with kind closed if it is closed meanwhile. One
// task at a time may wait for each mode; another gets kind io.
func (f *FD) Wait(m Mode, w Waker) Canceler {
	if f.closed {
		w.Wake(vm.Nil, vm.NewError(vm.KindClosed, "connection is closed"))
		return nil
	}
	s := f.slot(m)
	if *s != nil {
		msg := "another task is already reading from this connection"
		if m == Write {
			msg = "another task is already writing to this connection"
		}
		w.Wake(vm.Nil, vm.NewError(vm.KindIO, msg))
		return nil
	}
	*s = w
	f.l.ioWaits++
	return fdWait{f, m}
}

// Close closes the descriptor; waiting tasks get kind closed.
func (f *FD) Close() {
	if f.closed {
		return
	}
	f.closed = true
	delete(f.l.fds, f.Fd)
	poll.Close(f.Fd)
	f.release(Read, true)
	f.release(Write, true)
}
