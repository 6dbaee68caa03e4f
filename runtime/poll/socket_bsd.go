//go:build darwin || freebsd || netbsd || openbsd

package poll

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// socketOf makes a non-blocking, close-on-exec socket that raises no SIGPIPE.
// These systems have no SOCK_NONBLOCK or SOCK_CLOEXEC (macOS): the flags are
// set after the call, with forks held off meanwhile (as Go's net package does).
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

// accept takes a connection as a non-blocking, close-on-exec socket (accept
// and then the flags: macOS has no accept4), with its peer's address
// appended to b.
func accept(fd int, b []byte) (int, []byte, error) {
	syscall.ForkLock.RLock()
	nfd, sa, err := unix.Accept(fd)
	if err == nil {
		unix.CloseOnExec(nfd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, b, err
	}
	if err := setup(nfd); err != nil {
		unix.Close(nfd)
		return -1, b, err
	}
	return nfd, append(b, addrString(sa)...), nil
}

// appendName appends the address of socket fd (peer false) or of its peer
// to b (nothing when the call fails).
func appendName(b []byte, fd int, peer bool) []byte {
	get := unix.Getsockname
	if peer {
		get = unix.Getpeername
	}
	if sa, err := get(fd); err == nil {
		b = append(b, addrString(sa)...)
	}
	return b
}

// setup makes a new socket non-blocking and, where the system has
// SO_NOSIGPIPE, keeps a write to a closed peer from raising SIGPIPE (there is
// no MSG_NOSIGNAL for send on macOS).
func setup(fd int) error {
	if err := unix.SetNonblock(fd, true); err != nil {
		return err
	}
	return noSigpipe(fd)
}

// Read reads into b, retrying EINTR.
func Read(fd int, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	for {
		n, err := unix.Read(fd, b)
		if err != unix.EINTR {
			if err != nil {
				n = 0
			}
			return n, err
		}
	}
}

// Write writes b to a non-blocking socket, retrying EINTR. The socket raises
// no SIGPIPE (see setup).
func Write(fd int, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	for {
		n, err := unix.Write(fd, b)
		if err != unix.EINTR {
			if err != nil {
				n = 0
			}
			return n, err
		}
	}
}
