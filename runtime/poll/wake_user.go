//go:build darwin || freebsd

package poll

import "golang.org/x/sys/unix"

// wakeIdent names the EVFILT_USER event that Wake triggers.
const wakeIdent = 0x7973 // "ys"

// addWakeup registers the user event, EV_CLEAR so that retrieving it resets it.
func (p *Poller) addWakeup() error {
	var ev [1]unix.Kevent_t
	unix.SetKevent(&ev[0], wakeIdent, unix.EVFILT_USER, unix.EV_ADD|unix.EV_CLEAR)
	return p.kevent(ev[:])
}

// signal triggers the user event: Wake calls it once per consumed wake-up, under mu.
func (p *Poller) signal() {
	var ev [1]unix.Kevent_t
	unix.SetKevent(&ev[0], wakeIdent, unix.EVFILT_USER, 0)
	ev[0].Fflags = unix.NOTE_TRIGGER
	p.kevent(ev[:])
}

func (p *Poller) isWakeup(ev *unix.Kevent_t) bool {
	return ev.Filter == unix.EVFILT_USER && ev.Ident == wakeIdent
}

// drainWakeup has nothing to do: EV_CLEAR reset the event when Wait got it.
func (p *Poller) drainWakeup() {}
