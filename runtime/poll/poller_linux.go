//go:build linux

package poll

import (
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sys is the Linux part of a Poller: an epoll instance and the eventfd that
// Wake writes to.
type sys struct {
	epfd   int
	evfd   int
	events []unix.EpollEvent
}

// NewPoller opens an epoll instance with an eventfd for wake-ups.
func NewPoller() (*Poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	evfd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(epfd)
		return nil, err
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN}
	setTag(&ev, wakeTag)
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, evfd, &ev); err != nil {
		unix.Close(epfd)
		unix.Close(evfd)
		return nil, err
	}
	const n = 256 // events a wait can return; doubled when a wait fills them
	return &Poller{sys: sys{epfd: epfd, evfd: evfd, events: make([]unix.EpollEvent, n)}, out: make([]Event, n)}, nil
}

func epollBits(read, write bool) uint32 {
	var e uint32 = unix.EPOLLRDHUP
	if read {
		e |= unix.EPOLLIN
	}
	if write {
		e |= unix.EPOLLOUT
	}
	return e
}

// Add starts watching fd for reading and writing, edge-triggered (a wait
// reports a change of readiness once, and the owner reads or writes until
// EAGAIN). Its events carry tag, kept in the kernel's copy of the event (Fd
// and Pad, the 64 bits of epoll_data): finding the owner takes no lookup.
func (p *Poller) Add(fd int, tag uint64) error {
	ev := unix.EpollEvent{Events: epollBits(true, true) | unix.EPOLLET}
	setTag(&ev, tag)
	return unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &ev)
}

// setTag and eventTag keep a tag in epoll_data, which x/sys/unix splits
// into Fd and Pad.
func setTag(ev *unix.EpollEvent, tag uint64) {
	ev.Fd, ev.Pad = int32(uint32(tag)), int32(uint32(tag>>32))
}

func eventTag(ev *unix.EpollEvent) uint64 {
	return uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
}

// Remove stops watching fd. Closing fd removes it too.
func (p *Poller) Remove(fd int) error {
	return unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, fd, nil)
}

// wait makes one epoll_wait of up to timeout (rounded up to a millisecond;
// negative: no limit) and returns how many events it put in p.events.
func (p *Poller) wait(timeout time.Duration) (int, error) {
	if timeout == 0 {
		// A poll that cannot block needs no hand-off of the thread to the
		// Go scheduler (the costly part of a syscall on a busy loop).
		r, _, e := syscall.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(p.epfd), uintptr(unsafe.Pointer(&p.events[0])),
			uintptr(len(p.events)), 0, 0, 0)
		if e != 0 {
			return 0, e
		}
		return int(r), nil
	}
	ms := -1
	if timeout > 0 {
		ms = int((timeout + time.Millisecond - 1) / time.Millisecond)
	}
	return unix.EpollWait(p.epfd, p.events, ms)
}

// waitHeld is wait made as a raw system call even when it may block (the
// held part of a wait, WaitHold): the thread keeps its P.
func (p *Poller) waitHeld(timeout time.Duration) (int, error) {
	ms := -1
	if timeout >= 0 {
		ms = int((timeout + time.Millisecond - 1) / time.Millisecond)
	}
	r, _, e := syscall.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(p.epfd), uintptr(unsafe.Pointer(&p.events[0])),
		uintptr(len(p.events)), uintptr(ms), 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// collect turns the first n events of p.events into p.out, consuming a
// wake-up among them, and grows p.events (and p.out with it) when a wait
// filled it. p.out is as long as p.events, and the events are written into
// it in place: no append, no store of the slice back into the poller and
// no call on every wait.
func (p *Poller) collect(n int) []Event {
	evs := p.events[:n] // a local slice: no reload of p.events and no bounds check
	out := p.out[:len(evs)]
	j := 0
	woken := false
	for i := range evs {
		ev := &evs[i]
		tag := eventTag(ev)
		if tag == wakeTag {
			woken = true // consumed after the loop, which then makes no call
			continue
		}
		var r int
		if ev.Events&(unix.EPOLLIN|unix.EPOLLPRI) != 0 {
			r = Readable
		}
		if ev.Events&unix.EPOLLOUT != 0 {
			r |= Writable
		}
		if ev.Events&(unix.EPOLLERR|unix.EPOLLHUP|unix.EPOLLRDHUP) != 0 {
			r |= Hangup | Readable
		}
		out[j] = Event{Tag: tag, Ready: r}
		j++
	}
	if woken {
		p.consumeWake()
	}
	if n == len(p.events) && len(p.events) < 1<<16 {
		// The events just collected stay in the old p.out, which the
		// caller reads until the next wait.
		p.events = make([]unix.EpollEvent, 2*len(p.events))
		p.out = make([]Event, len(p.events))
	}
	return out[:j]
}

// consumeWake reads the wake-up a wait returned and lets Wake post the next.
func (p *Poller) consumeWake() {
	var buf [8]byte
	unix.Read(p.evfd, buf[:])
	p.woken.Store(0)
}

// signal posts a wake-up: Wake calls it once per consumed wake-up, under mu.
func (p *Poller) signal() {
	one := [8]byte{1}
	unix.Write(p.evfd, one[:])
}

// release closes the descriptors: Close calls it once, under mu.
func (p *Poller) release() error {
	unix.Close(p.evfd)
	return unix.Close(p.epfd)
}
