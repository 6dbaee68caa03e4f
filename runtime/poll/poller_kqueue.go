//go:build darwin || freebsd || netbsd || openbsd

package poll

import (
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sys is the BSD part of a Poller: a kqueue, and the pipe that Wake writes to
// where the system has no EVFILT_USER (rd and wr are -1 otherwise).
type sys struct {
	kq     int
	rd, wr int
	events []unix.Kevent_t
	tags   []uint64 // by descriptor number, where udata cannot hold a tag
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
// EAGAIN), as the epoll poller does. Its events carry tag, kept in the
// kernel's copy of the event (udata) on 64-bit systems.
func (p *Poller) Add(fd int, tag uint64) error {
	var ch [2]unix.Kevent_t
	unix.SetKevent(&ch[0], fd, unix.EVFILT_READ, unix.EV_ADD|unix.EV_CLEAR)
	unix.SetKevent(&ch[1], fd, unix.EVFILT_WRITE, unix.EV_ADD|unix.EV_CLEAR)
	if wideUdata {
		setTag(&ch[0], tag)
		setTag(&ch[1], tag)
	} else {
		p.tagByFD(fd, tag)
	}
	return p.kevent(ch[:])
}

// wideUdata: udata, pointer-sized, holds a 64-bit tag. On 32-bit systems it
// does not, and the tags are kept by descriptor number instead (tags):
// there, as in Go's own netpoller, an event harvested for a descriptor
// closed and reused within the same Wait goes to the new owner, which finds
// nothing to read or write and waits again.
const wideUdata = unsafe.Sizeof(uintptr(0)) == 8

// tagBit is set in every tag kept in udata, which the x/sys/unix types
// mostly declare as a pointer: with it the value is above any address, and
// the garbage collector, which may see it, takes it for none of its own.
const tagBit = 1 << 63

// setTag keeps tag in udata, whatever type x/sys/unix gives it (a pointer or
// an integer of a pointer's size).
func setTag(ev *unix.Kevent_t, tag uint64) {
	*(*uint64)(unsafe.Pointer(&ev.Udata)) = tag ^ tagBit
}

func (p *Poller) eventTag(ev *unix.Kevent_t) uint64 {
	if wideUdata {
		return *(*uint64)(unsafe.Pointer(&ev.Udata)) ^ tagBit
	}
	if int(ev.Ident) < len(p.tags) {
		return p.tags[ev.Ident]
	}
	return wakeTag
}

func (p *Poller) tagByFD(fd int, tag uint64) {
	for fd >= len(p.tags) {
		p.tags = append(p.tags, wakeTag)
	}
	p.tags[fd] = tag
}

// Remove stops watching fd. Closing fd removes it too.
func (p *Poller) Remove(fd int) error {
	var ch [2]unix.Kevent_t
	unix.SetKevent(&ch[0], fd, unix.EVFILT_READ, unix.EV_DELETE)
	unix.SetKevent(&ch[1], fd, unix.EVFILT_WRITE, unix.EV_DELETE)
	return p.kevent(ch[:])
}

// wait makes one kevent call that waits up to timeout (negative: no limit)
// and returns how many events it put in p.events.
func (p *Poller) wait(timeout time.Duration) (int, error) {
	var ts *unix.Timespec
	if timeout >= 0 {
		t := unix.NsecToTimespec(int64(timeout))
		ts = &t
	}
	return unix.Kevent(p.kq, nil, p.events, ts)
}

// collect turns the first n events of p.events into p.out, consuming a
// wake-up among them, and grows p.events when a wait filled it. A descriptor
// ready for reading and writing comes as two events, one per filter.
func (p *Poller) collect(n int) []Event {
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
		tag := p.eventTag(ev)
		if tag == wakeTag {
			continue
		}
		out = append(out, Event{Tag: tag, Ready: r})
	}
	if n == len(p.events) && len(p.events) < 1<<16 {
		p.events = make([]unix.Kevent_t, 2*len(p.events))
	}
	p.out = out
	return out
}

// release closes the descriptors: Close calls it once, under mu.
func (p *Poller) release() error {
	if p.wr >= 0 {
		unix.Close(p.rd)
		unix.Close(p.wr)
	}
	return unix.Close(p.kq)
}

// waitHeld is wait: kevent goes through the Go scheduler here (the held part
// of a wait is raw on Linux only).
func (p *Poller) waitHeld(timeout time.Duration) (int, error) { return p.wait(timeout) }
