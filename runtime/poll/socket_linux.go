//go:build linux

package poll

import (
	"net/netip"
	"strconv"
	"syscall"
	"unsafe"

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

// AddrString formats a socket address as "host:port" ("[::1]:80" for IPv6).
func AddrString(sa unix.Sockaddr) string {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port)).String()
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(sa.Addr), uint16(sa.Port)).String()
	}
	return "?"
}

// Listen makes a non-blocking listening TCP socket bound to addr:port and
// returns it with the port it is bound to (port 0 picks a free one).
func Listen(addr netip.Addr, port int) (fd, bound int, err error) {
	fd, err = unix.Socket(family(addr), unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		return -1, 0, err
	}
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	if err := unix.Bind(fd, sockaddr(addr, port)); err != nil {
		unix.Close(fd)
		return -1, 0, err
	}
	if err := unix.Listen(fd, 4096); err != nil {
		unix.Close(fd)
		return -1, 0, err
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return -1, 0, err
	}
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		bound = sa.Port
	case *unix.SockaddrInet6:
		bound = sa.Port
	}
	return fd, bound, nil
}

// Accept takes a connection from a listening socket; the new socket is
// non-blocking with TCP_NODELAY set. EAGAIN means none is waiting.
func Accept(fd int) (int, string, error) {
	nfd, sa, err := unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
	if err != nil {
		return -1, "", err
	}
	unix.SetsockoptInt(nfd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	return nfd, AddrString(sa), nil
}

// Connect starts a non-blocking connection; EINPROGRESS means it goes on, and
// the socket becomes writable when it is done (then read SockError).
func Connect(addr netip.Addr, port int) (int, error) {
	fd, err := unix.Socket(family(addr), unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		return -1, err
	}
	unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	err = unix.Connect(fd, sockaddr(addr, port))
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
	if sa, err := unix.Getsockname(fd); err == nil {
		local = AddrString(sa)
	}
	if sa, err := unix.Getpeername(fd); err == nil {
		peer = AddrString(sa)
	}
	return local, peer
}

// Read reads into b, retrying EINTR. fd must be non-blocking: the call is
// raw (no handing the thread to the Go scheduler), as it never blocks.
func Read(fd int, b []byte) (int, error) { return rawIO(unix.SYS_READ, fd, b, 0) }

// Write writes b to a non-blocking socket (send with MSG_NOSIGNAL: no
// SIGPIPE), retrying EINTR; raw as Read is.
func Write(fd int, b []byte) (int, error) { return rawIO(unix.SYS_SENDTO, fd, b, unix.MSG_NOSIGNAL) }

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

// Port formats a port for messages.
func Port(p int) string { return strconv.Itoa(p) }
