//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package poll

import "time"

// Supported reports whether this system has a poller: not this one.
const Supported = false

// sys is empty: this system has no poller.
type sys struct{}

// NewPoller returns ErrUnsupported: this system has neither epoll nor kqueue.
func NewPoller() (*Poller, error) { return nil, ErrUnsupported }

// Add returns ErrUnsupported.
func (p *Poller) Add(fd int, tag uint64) error { return ErrUnsupported }

// Remove returns ErrUnsupported.
func (p *Poller) Remove(fd int) error { return ErrUnsupported }

// Wait returns ErrUnsupported.
func (p *Poller) Wait(timeout time.Duration) ([]Event, error) { return nil, ErrUnsupported }

func (p *Poller) signal() {}

func (p *Poller) release() error { return nil }

// WaitHold is Wait: hold, the part of a wait Linux makes as a raw system
// call (poller_linux.go), is not used here.
func (p *Poller) WaitHold(timeout, hold time.Duration) ([]Event, error) { return nil, ErrUnsupported }
