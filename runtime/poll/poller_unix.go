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
