//go:build darwin || freebsd || netbsd || openbsd

package poll

import (
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Supported reports whether this system has a poller (epoll or kqueue).
const Supported = true

// sys is the BSD part of a Poller: a kqueue, and the pipe that Wake writes to
// where the system has no EVFILT_USER (rd and wr are -1 otherwise).
type sys struct {
	kq     int
	rd, wr int
	events []unix.Kevent_t
}

// NewPoller opens a kqueue with a wake-up event.
func NewPoller() (*Poller, error) {
	syscall.ForkLock.RLock() // no fork between kqueue and close-on-exec
	kq, err := unix.Kqueue()
	if err == nil {
		unix.CloseOnExec(kq)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, err
	}
	p := &Poller{sys: sys{kq: kq, rd: -1, wr: -1, events: make([]unix.Kevent_t, 256)}}
	if err := p.addWakeup(); err != nil {
		unix.Close(kq)
		return nil, err
	}
	return p, nil
}

// kevent applies changes, retrying EINTR (the changes are applied before a
// signal can interrupt the call).
func (p *Poller) kevent(changes []unix.Kevent_t) error {
	for {
		_, err := unix.Kevent(p.kq, changes, nil, nil)
		if err != unix.EINTR {
			return err
		}
	}
}

// Add starts watching fd for reading and writing, edge-triggered (EV_CLEAR: a
// wait reports a change of readiness once, and the owner reads or writes until
// EAGAIN), as the epoll poller does.
func (p *Poller) Add(fd int) error {
	var ch [2]unix.Kevent_t
	unix.SetKevent(&ch[0], fd, unix.EVFILT_READ, unix.EV_ADD|unix.EV_CLEAR)
	unix.SetKevent(&ch[1], fd, unix.EVFILT_WRITE, unix.EV_ADD|unix.EV_CLEAR)
	return p.kevent(ch[:])
}

// Remove stops watching fd. Closing fd removes it too.
func (p *Poller) Remove(fd int) error {
	var ch [2]unix.Kevent_t
	unix.SetKevent(&ch[0], fd, unix.EVFILT_READ, unix.EV_DELETE)
	unix.SetKevent(&ch[1], fd, unix.EVFILT_WRITE, unix.EV_DELETE)
	return p.kevent(ch[:])
}

// Wait blocks until a descriptor is ready, Wake is called, or timeout passes
// (a negative timeout waits without limit, zero polls). The returned slice is
// reused by the next call. A descriptor ready for reading and writing comes
// as two events, one per filter.
func (p *Poller) Wait(timeout time.Duration) ([]Event, error) {
	var ts *unix.Timespec
	if timeout >= 0 {
		t := unix.NsecToTimespec(int64(timeout))
		ts = &t
	}
	var n int
	var err error
	for {
		n, err = unix.Kevent(p.kq, nil, p.events, ts)
		if err != unix.EINTR {
			break
		}
		if timeout > 0 { // a signal interrupted the wait: let the caller recompute timers
			p.interrupted++
			return p.out[:0], nil
		}
	}
	if err != nil {
		return nil, err
	}
	out := p.out[:0]
	for i := range p.events[:n] {
		ev := &p.events[i]
		if p.isWakeup(ev) {
			p.drainWakeup()
			p.woken.Store(0)
			continue
		}
		var r int
		switch ev.Filter {
		case unix.EVFILT_READ:
			r = Readable
		case unix.EVFILT_WRITE:
			r = Writable
		default:
			continue
		}
		// EV_EOF: the peer closed (its write side for the read filter, its
		// read side for the write filter); EV_ERROR: an error is pending.
		if ev.Flags&(unix.EV_EOF|unix.EV_ERROR) != 0 {
			r |= Hangup | Readable
		}
		out = append(out, Event{FD: int(ev.Ident), Ready: r})
	}
	if n == len(p.events) && len(p.events) < 1<<16 {
		p.events = make([]unix.Kevent_t, 2*len(p.events))
	}
	p.out = out
	return out, nil
}

// release closes the descriptors: Close calls it once, under mu.
func (p *Poller) release() error {
	if p.wr >= 0 {
		unix.Close(p.rd)
		unix.Close(p.wr)
	}
	return unix.Close(p.kq)
}
