package process

import "errors"

// NoPidfd makes spawned children watched by a goroutine in wait4, as where
// pidfd_open fails; the returned function restores pidfds.
func NoPidfd() (restore func()) {
	openPidfd = func(int) (int, error) { return -1, errors.ErrUnsupported }
	return func() { openPidfd = pidfdOpen }
}
