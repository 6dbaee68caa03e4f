//go:build linux

package poll

// Interrupted reports how many timed waits of p a signal ended early.
func Interrupted(p *Poller) uint64 { return p.interrupted }

// WakePending reports whether a wake-up is posted and not yet consumed by a Wait.
func WakePending(p *Poller) bool { return p.woken.Load() != 0 }

// WakeFD is the descriptor a Wake writes to.
func WakeFD(p *Poller) int { return p.evfd }
