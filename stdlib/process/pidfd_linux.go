package process

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// pidfdOpen gives a pidfd for pid (Linux ≥ 5.3), close-on-exec.
func pidfdOpen(pid int) (int, error) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return -1, err
	}
	syscall.CloseOnExec(fd)
	return fd, nil
}

// cloexecPipe makes a pipe whose two ends are closed on exec.
func cloexecPipe() (r, w int, err error) {
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		return -1, -1, err
	}
	return p[0], p[1], nil
}
