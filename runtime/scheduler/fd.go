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
	if bits&(poll.Readable|poll.Hangup) != 0 && f.reader != nil {
		w := f.reader
		f.reader = nil
		f.l.ioWaits--
		w.Wake(vm.Nil, nil)
	}
	if bits&(poll.Writable|poll.Hangup) != 0 && f.writer != nil {
		w := f.writer
		f.writer = nil
		f.l.ioWaits--
		w.Wake(vm.Nil, nil)
	}
}

type fdWait struct {
	f     *FD
	write bool
}

func (c fdWait) Cancel() {
	if c.write {
		if c.f.writer != nil {
			c.f.writer = nil
			c.f.l.ioWaits--
		}
	} else if c.f.reader != nil {
		c.f.reader = nil
		c.f.l.ioWaits--
	}
}

// WaitRead wakes w (with nil) when the descriptor may be readable, or with kind
// closed if it is closed meanwhile.
func (f *FD) WaitRead(w Waker) Canceler {
	if f.closed {
		w.Wake(vm.Nil, vm.NewError(vm.KindClosed, "connection is closed"))
		return nil
	}
	if f.reader != nil {
		w.Wake(vm.Nil, vm.NewError(vm.KindIO, "another task is already reading from this connection"))
		return nil
	}
	f.reader = w
	f.l.ioWaits++
	return fdWait{f, false}
}

// WaitWrite wakes w when the descriptor may be writable.
func (f *FD) WaitWrite(w Waker) Canceler {
	if f.closed {
		w.Wake(vm.Nil, vm.NewError(vm.KindClosed, "connection is closed"))
		return nil
	}
	if f.writer != nil {
		w.Wake(vm.Nil, vm.NewError(vm.KindIO, "another task is already writing to this connection"))
		return nil
	}
	f.writer = w
	f.l.ioWaits++
	return fdWait{f, true}
}

// Close closes the descriptor; waiting tasks get kind closed.
func (f *FD) Close() {
	if f.closed {
		return
	}
	f.closed = true
	delete(f.l.fds, f.Fd)
	poll.Close(f.Fd)
	if w := f.reader; w != nil {
		f.reader = nil
		f.l.ioWaits--
		w.Wake(vm.Nil, vm.NewError(vm.KindClosed, "connection was closed"))
	}
	if w := f.writer; w != nil {
		f.writer = nil
		f.l.ioWaits--
		w.Wake(vm.Nil, vm.NewError(vm.KindClosed, "connection was closed"))
	}
}
