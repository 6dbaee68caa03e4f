package poll

import (
	"errors"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// HoldAll, as WaitHold's hold, holds the whole wait.
const HoldAll = time.Duration(math.MaxInt64)

// Readiness bits reported by Wait.
const (
	Readable = 1 << iota
	Writable
	Hangup // the peer closed or an error is pending: reads and writes will not block
)

// Event is one ready file descriptor, named by the tag it was added with.
type Event struct {
	Tag   uint64
	Ready int
}

// wakeTag is the tag of the poller's own wake-up event (never an Add's: the
// scheduler's tags have a generation that never reaches 1<<31).
const wakeTag = ^uint64(0)

// ErrUnsupported is what NewPoller and the socket calls return on a system
// with neither epoll nor kqueue. errors.Is(ErrUnsupported, errors.ErrUnsupported)
// holds.
var ErrUnsupported error = unsupported{}

type unsupported struct{}

func (unsupported) Error() string {
	return "unsupported platform " + runtime.GOOS + "/" + runtime.GOARCH +
		": the event loop needs epoll (Linux) or kqueue (macOS, FreeBSD, NetBSD, OpenBSD)"
}

func (unsupported) Is(target error) bool { return target == errors.ErrUnsupported }

// Poller waits for file descriptors to become ready. All methods but Wake and
// Close must be called from the loop's goroutine.
type Poller struct {
	sys                // the system's descriptors and event buffer
	woken atomic.Int32 // 1 while a wake-up is pending: coalesces Wake calls

	// mu orders Wake's write against Close: once closed is set, no Wake
	// writes, so a wake-up cannot land on a reused descriptor number.
	mu     sync.Mutex
	closed bool

	out []Event
	// interrupted counts the timed waits a signal ended early (EINTR); only
	// tests read it, to tell an early return from a lost timeout.
	interrupted uint64
	// timedOut: the last Wait ended because its timeout passed, with no event
	// and no wake-up (TimedOut).
	timedOut bool
}

// Wake makes a Wait in progress (or the next one) return at once. Safe from any
// goroutine, before, during or after Close; concurrent wake-ups cost one write.
func (p *Poller) Wake() {
	if !p.woken.CompareAndSwap(0, 1) {
		return
	}
	p.mu.Lock()
	if !p.closed {
		p.signal()
	}
	p.mu.Unlock()
}

// Close releases the poller's descriptors. Safe to call more than once and
// concurrently with Wake.
func (p *Poller) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	p.woken.Store(1) // later Wakes stop at the flag
	return p.release()
}

// TimedOut reports whether the last Wait returned because its (positive)
// timeout passed: the system's wait came back empty, not woken by Wake, an
// event or a signal. A Wait that returns no events may still not have timed
// out: a wake-up left pending by a Wake whose work the caller has already
// done, or a signal, also end it early.
func (p *Poller) TimedOut() bool { return p.timedOut }
