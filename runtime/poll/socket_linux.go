//go:build linux

package poll

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// socketOf makes a non-blocking, close-on-exec socket.
func socketOf(family, typ, proto int) (int, error) {
	return unix.Socket(family, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
}

// accept takes a connection as a non-blocking, close-on-exec socket.
func accept(fd int) (int, unix.Sockaddr, error) {
	return unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
}

// Read reads into b, retrying EINTR. fd must be non-blocking: the call is
// raw (no handing the thread to the Go scheduler), as it never blocks.
func Read(fd int, b []byte) (int, error) { return rawIO(unix.SYS_READ, fd, b, 0) }

// Write writes b to a non-blocking socket (send with MSG_NOSIGNAL: no
// SIGPIPE), retrying EINTR; raw as Read is. A descriptor that is not a
// socket (a pipe) gets write(2) instead.
func Write(fd int, b []byte) (int, error) {
	n, err := rawIO(unix.SYS_SENDTO, fd, b, unix.MSG_NOSIGNAL)
	if err == unix.ENOTSOCK {
		return rawIO(unix.SYS_WRITE, fd, b, 0)
	}
	return n, err
}

// rawIO makes the call trap(fd, b, len(b), flags, 0, 0), retrying EINTR.
func rawIO(trap uintptr, fd int, b []byte, flags uintptr) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	for {
		n, _, e := syscall.RawSyscall6(trap, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), flags, 0, 0)
		switch e {
		case 0:
			return int(n), nil
		case unix.EINTR:
			continue
		}
		return 0, e
	}
}

// ReadTwo reads into a and, once a is full, on into b, in one readv(2),
// retrying EINTR; raw as Read is. It returns the count read into both, a
// filled first.
func ReadTwo(fd int, a, b []byte) (int, error) {
	if len(b) == 0 {
		return Read(fd, a)
	}
	if len(a) == 0 {
		return Read(fd, b)
	}
	iov := [2]unix.Iovec{{Base: &a[0]}, {Base: &b[0]}}
	iov[0].SetLen(len(a))
	iov[1].SetLen(len(b))
	for {
		n, _, e := syscall.RawSyscall(unix.SYS_READV, uintptr(fd), uintptr(unsafe.Pointer(&iov[0])), 2)
		switch e {
		case 0:
			return int(n), nil
		case unix.EINTR:
			continue
		}
		return 0, e
	}
}
