//go:build unix && !linux

package process

import (
	"errors"
	"syscall"
)

// pidfdOpen fails: only Linux has pidfds; the exit comes through a goroutine
// in wait4.
func pidfdOpen(int) (int, error) { return -1, errors.ErrUnsupported }

// cloexecPipe makes a pipe whose two ends are closed on exec. ForkLock keeps
// a fork from inheriting them between pipe and CloseOnExec.
func cloexecPipe() (r, w int, err error) {
	var p [2]int
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	if err := syscall.Pipe(p[:]); err != nil {
		return -1, -1, err
	}
	syscall.CloseOnExec(p[0])
	syscall.CloseOnExec(p[1])
	return p[0], p[1], nil
}
