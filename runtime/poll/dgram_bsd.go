//go:build darwin || freebsd || netbsd || openbsd

package poll

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// socketOf makes a non-blocking, close-on-exec socket of any type that raises
// no SIGPIPE (the flags set after the call, with forks held off meanwhile, as
// newSocket does).
func socketOf(family, typ, proto int) (int, error) {
	syscall.ForkLock.RLock()
	fd, err := unix.Socket(family, typ, proto)
	if err == nil {
		unix.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, err
	}
	if err := setup(fd); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}
