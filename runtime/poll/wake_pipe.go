//go:build netbsd || openbsd

package poll

import "golang.org/x/sys/unix"

// addWakeup opens the non-blocking pipe that Wake writes to and watches its
// read end (these systems have no EVFILT_USER, or not in every release).
func (p *Poller) addWakeup() error {
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		return err
	}
	var ev [1]unix.Kevent_t
	unix.SetKevent(&ev[0], fds[0], unix.EVFILT_READ, unix.EV_ADD)
	if err := p.kevent(ev[:]); err != nil {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return err
	}
	p.rd, p.wr = fds[0], fds[1]
	return nil
}

// signal writes a byte to the pipe: Wake calls it once per consumed wake-up, under mu.
func (p *Poller) signal() {
	one := [1]byte{1}
	unix.Write(p.wr, one[:])
}

func (p *Poller) isWakeup(ev *unix.Kevent_t) bool {
	return ev.Filter == unix.EVFILT_READ && int(ev.Ident) == p.rd
}

// drainWakeup empties the pipe (level-triggered: a byte left would wake every Wait).
func (p *Poller) drainWakeup() {
	var buf [16]byte
	for {
		n, err := unix.Read(p.rd, buf[:])
		if n <= 0 || err != nil {
			return
		}
	}
}
