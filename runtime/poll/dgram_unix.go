//go:build linux || darwin || freebsd || netbsd || openbsd

package poll

import (
	"net/netip"

	"golang.org/x/sys/unix"
)

// UDP makes a non-blocking UDP socket bound to addr:port and returns it with
// the port it is bound to (port 0 picks a free one).
func UDP(addr netip.Addr, port int) (fd, bound int, err error) {
	fd, err = socketOf(family(addr), unix.SOCK_DGRAM, unix.IPPROTO_UDP)
	if err != nil {
		return -1, 0, err
	}
	if err := unix.Bind(fd, sockaddr(addr, port)); err != nil {
		unix.Close(fd)
		return -1, 0, err
	}
	return boundPort(fd)
}

// RecvFrom reads one datagram into b (truncated to len(b)) and gives the
// sender as "host:port" ("[::1]:53" for IPv6), retrying EINTR. EAGAIN means
// none is waiting.
func RecvFrom(fd int, b []byte) (int, string, error) {
	for {
		n, sa, err := unix.Recvfrom(fd, b, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, "", err
		}
		return n, addrString(sa), nil
	}
}

// SendTo sends b as one datagram to addr:port, retrying EINTR.
func SendTo(fd int, b []byte, addr netip.Addr, port int) error {
	for {
		err := unix.Sendto(fd, b, 0, sockaddr(addr, port))
		if err != unix.EINTR {
			return err
		}
	}
}

// ListenUnix makes a non-blocking listening Unix stream socket bound to path.
// The socket file stays when the socket is closed (as in Python).
func ListenUnix(path string) (int, error) {
	fd, err := socketOf(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return -1, err
	}
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		unix.Close(fd)
		return -1, err
	}
	if err := unix.Listen(fd, 4096); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// ConnectUnix starts a non-blocking connection to the Unix stream socket at
// path; EINPROGRESS means it goes on (the socket becomes writable when it is
// done: then read SockError).
func ConnectUnix(path string) (int, error) {
	fd, err := socketOf(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return -1, err
	}
	return connect(fd, &unix.SockaddrUnix{Name: path})
}
