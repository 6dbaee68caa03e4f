//go:build linux || darwin || freebsd || netbsd || openbsd

package poll

import (
	"time"

	"golang.org/x/sys/unix"
)

// Supported reports whether this system has a poller (epoll or kqueue).
const Supported = true

// Wait blocks until a descriptor is ready, Wake is called, or timeout passes
// (a negative timeout waits without limit, zero polls). The returned slice is
// reused by the next call. The system's wait (epoll or kqueue) is p.wait and
// the reading of its events p.collect; the handling of EINTR is this one.
func (p *Poller) Wait(timeout time.Duration) ([]Event, error) {
	for {
		n, err := p.wait(timeout)
		p.timedOut = err == nil && n == 0 && timeout > 0
		if err == nil {
			return p.collect(n), nil
		}
		if err != unix.EINTR {
			return nil, err
		}
		if timeout > 0 { // a signal interrupted the wait: let the caller recompute timers
			p.interrupted++
			return p.out[:0], nil
		}
	}
}

// WaitHold is Wait, except that a wait that may block spends its first hold
// (at most the timeout; Linux rounds it up to a millisecond) in a wait that
// keeps the thread and its P from the Go scheduler: a raw epoll_wait on
// Linux, as a zero-timeout poll is (elsewhere, an ordinary wait). A blocking
// system call made the ordinary way lets the runtime's sysmon thread take the
// P back after 20 µs when GOMAXPROCS is 1, and then sysmon wakes every 20 µs
// and the thread has to get a P again when the wait ends: on a loop that
// waits a few tens of microseconds per round trip that cost about a fifth of
// its CPU. Only the caller knows whether another goroutine may need the P
// meanwhile (hold 0: none of the wait is held). When hold passes with nothing
// ready, the rest of the wait is Wait. A signal that interrupts the held part
// (the runtime sends one to stop the world, or to preempt a goroutine that
// has run for 10 ms, as a goroutine in a raw wait seems to) ends the wait with
// no events, timed or not, so that the caller reaches a preemption point.
//
// A hold of HoldAll holds the whole wait; without a timeout the held wait then
// has none either (no kernel timer to arm and cancel on every wait), and only
// an event, a wake-up or a signal ends it.
func (p *Poller) WaitHold(timeout, hold time.Duration) ([]Event, error) {
	rest := time.Duration(-1)
	switch {
	case timeout == 0 || hold <= 0:
		return p.Wait(timeout)
	case timeout > 0:
		hold = min(hold, timeout)
		rest = timeout - hold
	case hold == HoldAll:
		hold = -1
	}
	n, err := p.waitHeld(hold)
	if n > 0 { // as a busy server's waits end: first, with the fewest tests
		p.timedOut = false
		return p.collect(n), nil
	}
	p.timedOut = err == nil && rest == 0
	switch {
	case err == unix.EINTR:
		if timeout > 0 {
			p.interrupted++
		}
		return p.out[:0], nil
	case err != nil:
		return nil, err
	case rest == 0:
		return p.collect(0), nil
	}
	return p.Wait(rest)
}
