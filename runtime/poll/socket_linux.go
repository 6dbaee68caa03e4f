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
func Read(fd int, b []byte) (int, error) {
	return rawIO(unix.SYS_READ, fd, unsafe.Pointer(unsafe.SliceData(b)), len(b), 0)
}

// Write writes b to a non-blocking socket (send with MSG_NOSIGNAL: no
// SIGPIPE), retrying EINTR; raw as Read is. A descriptor that is not a
// socket (a pipe) gets write(2) instead.
func Write(fd int, b []byte) (int, error) {
	p := unsafe.Pointer(unsafe.SliceData(b))
	n, err := rawIO(unix.SYS_SENDTO, fd, p, len(b), unix.MSG_NOSIGNAL)
	if err == unix.ENOTSOCK {
		return rawIO(unix.SYS_WRITE, fd, p, len(b), 0)
	}
	return n, err
}

// rawIO makes the call trap(fd, p, n, flags, 0, 0), retrying EINTR, and
// returns its count; with n 0 (nothing to read or write) it makes none. p
// stays a pointer up to the system call's argument list, where Go keeps what
// it points to alive and in place.
func rawIO(trap uintptr, fd int, p unsafe.Pointer, n int, flags uintptr) (int, error) {
	if n == 0 {
		return 0, nil
	}
	for {
		r, _, e := syscall.RawSyscall6(trap, uintptr(fd), uintptr(p), uintptr(n), flags, 0, 0)
		switch e {
		case 0:
			return int(r), nil
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
	return rawIO(unix.SYS_READV, fd, unsafe.Pointer(&iov[0]), len(iov), 0)
}
