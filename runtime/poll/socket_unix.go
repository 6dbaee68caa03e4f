//go:build linux || darwin || freebsd || netbsd || openbsd

package poll

import (
	"net/netip"
	"strconv"

	"golang.org/x/sys/unix"
)

func sockaddr(addr netip.Addr, port int) unix.Sockaddr {
	if addr.Is4() || addr.Is4In6() {
		return &unix.SockaddrInet4{Port: port, Addr: addr.Unmap().As4()}
	}
	return &unix.SockaddrInet6{Port: port, Addr: addr.As16()}
}

func family(addr netip.Addr) int {
	if addr.Is4() || addr.Is4In6() {
		return unix.AF_INET
	}
	return unix.AF_INET6
}

// addrString formats a socket address as "host:port" ("[::1]:80" for IPv6),
// or a Unix socket's path.
func addrString(sa unix.Sockaddr) string {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port)).String()
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(sa.Addr), uint16(sa.Port)).String()
	case *unix.SockaddrUnix:
		if sa.Name == "@" { // how x/sys reads an unnamed socket
			return ""
		}
		return sa.Name // the path
	}
	return "?"
}

// Listen makes a non-blocking listening TCP socket bound to addr:port and
// returns it with the port it is bound to (port 0 picks a free one).
func Listen(addr netip.Addr, port int) (fd, bound int, err error) {
	return listen(addr, port, false)
}

// ListenReusePort is Listen with SO_REUSEPORT set, so that several sockets
// (one per worker) can listen on the same port and the kernel spreads new
// connections over them. Only Linux balances them; elsewhere it returns
// ErrUnsupported.
func ListenReusePort(addr netip.Addr, port int) (fd, bound int, err error) {
	return listen(addr, port, true)
}

func listen(addr netip.Addr, port int, reusePort bool) (fd, bound int, err error) {
	fd, err = socketOf(family(addr), unix.SOCK_STREAM, unix.IPPROTO_TCP)
	if err != nil {
		return -1, 0, err
	}
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	if reusePort {
		if err := setReusePort(fd); err != nil {
			unix.Close(fd)
			return -1, 0, err
		}
	}
	if err := unix.Bind(fd, sockaddr(addr, port)); err != nil {
		unix.Close(fd)
		return -1, 0, err
	}
	if err := unix.Listen(fd, 4096); err != nil {
		unix.Close(fd)
		return -1, 0, err
	}
	return boundPort(fd)
}

// boundPort is the end of Listen and ListenUDP: fd with the port it is bound
// to (the one the system chose for port 0). On error fd is closed.
func boundPort(fd int) (int, int, error) {
	sa, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return -1, 0, err
	}
	bound := 0
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		bound = sa.Port
	case *unix.SockaddrInet6:
		bound = sa.Port
	}
	return fd, bound, nil
}

// Accept takes a connection from a listening socket; the new socket is
// non-blocking with TCP_NODELAY set, and returned with its peer's address.
// EAGAIN means none is waiting.
func Accept(fd int) (int, string, error) {
	var buf [64]byte
	nfd, b, err := AcceptTo(fd, buf[:0])
	return nfd, string(b), err
}

// AcceptTo is Accept appending the peer's address to b (which a caller can
// keep on its stack: on Linux the accept allocates nothing).
func AcceptTo(fd int, b []byte) (int, []byte, error) {
	nfd, b, err := accept(fd, b)
	if err != nil {
		return -1, b, err
	}
	unix.SetsockoptInt(nfd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	return nfd, b, nil
}

// Connect starts a non-blocking connection; EINPROGRESS means it goes on, and
// the socket becomes writable when it is done (then read SockError).
func Connect(addr netip.Addr, port int) (int, error) {
	fd, err := socketOf(family(addr), unix.SOCK_STREAM, unix.IPPROTO_TCP)
	if err != nil {
		return -1, err
	}
	unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	return connect(fd, sockaddr(addr, port))
}

// connect starts connecting the new non-blocking socket fd to sa, for Connect
// and ConnectUnix: EINPROGRESS (an interrupted connect, EINTR, goes on in the
// background too) returns fd with EINPROGRESS; any other error closes fd.
func connect(fd int, sa unix.Sockaddr) (int, error) {
	err := unix.Connect(fd, sa)
	if err != nil && err != unix.EINPROGRESS && err != unix.EINTR {
		unix.Close(fd)
		return -1, err
	}
	if err != nil {
		return fd, unix.EINPROGRESS
	}
	return fd, nil
}

// SockError reads and clears the socket's pending error (the outcome of a connect).
func SockError(fd int) error {
	v, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return err
	}
	if v != 0 {
		return unix.Errno(v)
	}
	return nil
}

// Names returns the local and peer addresses of a connected socket.
func Names(fd int) (local, peer string) {
	var buf [128]byte
	b := AppendName(buf[:0], fd, false)
	local = string(b)
	b = AppendName(buf[:0], fd, true)
	return local, string(b)
}

// AppendName appends the address of socket fd (peer false) or of its peer
// to b, as Names gives it (nothing when the call fails).
func AppendName(b []byte, fd int, peer bool) []byte { return appendName(b, fd, peer) }

// Close closes a descriptor.
func Close(fd int) error { return unix.Close(fd) }

// WouldBlock reports whether a read from the non-blocking socket fd would
// block: nothing is waiting to be read and the peer has not closed (a peek
// that finds EAGAIN). The data, if any, stays unread.
func WouldBlock(fd int) bool {
	var one [1]byte
	_, _, err := unix.Recvfrom(fd, one[:], unix.MSG_PEEK|unix.MSG_DONTWAIT)
	return err == unix.EAGAIN
}

// Port formats a port for messages.
func Port(p int) string { return strconv.Itoa(p) }
