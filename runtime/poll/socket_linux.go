//go:build linux

package poll

import (
	"net/netip"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// socketOf makes a non-blocking, close-on-exec socket.
func socketOf(family, typ, proto int) (int, error) {
	return unix.Socket(family, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
}

// accept takes a connection as a non-blocking, close-on-exec socket, with
// its peer's address appended to b. The call is raw and its address buffer
// is on the stack (an accept on the non-blocking listener never blocks):
// the address costs no allocation, where unix.Accept4 makes three per
// connection, garbage that a server accepting thousands of connections
// would leave among their live objects.
func accept(fd int, b []byte) (int, []byte, error) {
	var rsa unix.RawSockaddrAny
	n := uint32(unix.SizeofSockaddrAny)
	nfd, _, e := syscall.RawSyscall6(unix.SYS_ACCEPT4, uintptr(fd), uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&n)),
		unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0, 0)
	if e != 0 {
		return -1, b, e
	}
	return int(nfd), appendRawAddr(b, &rsa), nil
}

// appendName appends the address of socket fd (peer false) or of its peer,
// as addrString formats it, to b ("" when the call fails); raw, with the
// address on the stack, as accept.
func appendName(b []byte, fd int, peer bool) []byte {
	var rsa unix.RawSockaddrAny
	n := uint32(unix.SizeofSockaddrAny)
	trap := uintptr(unix.SYS_GETSOCKNAME)
	if peer {
		trap = unix.SYS_GETPEERNAME
	}
	if _, _, e := syscall.RawSyscall(trap, uintptr(fd), uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&n))); e != 0 {
		return b
	}
	return appendRawAddr(b, &rsa)
}

// appendRawAddr appends the address in rsa, as addrString formats what
// x/sys makes of it, to b: "host:port" ("[::1]:80" for IPv6), a Unix
// socket's path ("@name" for an abstract one, nothing for an unnamed one),
// nothing for another family. rsa must have been zeroed before the call
// that filled it (a Unix path ends at its first NUL).
func appendRawAddr(b []byte, rsa *unix.RawSockaddrAny) []byte {
	switch rsa.Addr.Family {
	case unix.AF_INET:
		pp := (*unix.RawSockaddrInet4)(unsafe.Pointer(rsa))
		return netip.AddrPortFrom(netip.AddrFrom4(pp.Addr), netPort(pp.Port)).AppendTo(b)
	case unix.AF_INET6:
		pp := (*unix.RawSockaddrInet6)(unsafe.Pointer(rsa))
		return netip.AddrPortFrom(netip.AddrFrom16(pp.Addr), netPort(pp.Port)).AppendTo(b)
	case unix.AF_UNIX:
		pp := (*unix.RawSockaddrUnix)(unsafe.Pointer(rsa))
		if pp.Path[0] == 0 && pp.Path[1] == 0 {
			return b // unnamed (x/sys reads it as "@", which addrString drops)
		}
		n := 1 // an abstract socket's leading NUL reads as '@'
		for n < len(pp.Path) && pp.Path[n] != 0 {
			n++
		}
		if pp.Path[0] == 0 {
			b = append(b, '@')
		} else {
			b = append(b, byte(pp.Path[0]))
		}
		for _, c := range pp.Path[1:n] {
			b = append(b, byte(c))
		}
		return b
	}
	return b
}

// netPort reads a port in network byte order.
func netPort(p uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(&p))
	return uint16(b[0])<<8 | uint16(b[1])
}

// Read reads into b, retrying EINTR. fd must be non-blocking: the call is
// raw (no handing the thread to the Go scheduler), as it never blocks.
func Read(fd int, b []byte) (int, error) {
	return rawIO(unix.SYS_READ, fd, unsafe.Pointer(unsafe.SliceData(b)), len(b), 0)
}

// Write writes b to a non-blocking socket (send with MSG_NOSIGNAL: no
// SIGPIPE), retrying EINTR; raw as Read is. A descriptor that is not a
// socket (a pipe) gets write(2) instead.
// (rawIO makes that second call: Write is one call, which is inlined.)
func Write(fd int, b []byte) (int, error) {
	return rawIO(unix.SYS_SENDTO, fd, unsafe.Pointer(unsafe.SliceData(b)), len(b), unix.MSG_NOSIGNAL)
}

// rawIO makes the call trap(fd, p, n, flags, 0, 0), retrying EINTR, and
// returns its count; with n 0 (nothing to read or write) it makes none. A
// send to a descriptor that is not a socket (ENOTSOCK) is made again as
// write(2) (see Write). p stays a pointer up to the system call's argument
// list, where Go keeps what it points to alive and in place.
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
		case unix.ENOTSOCK:
			if trap == unix.SYS_SENDTO {
				trap, flags = unix.SYS_WRITE, 0
				continue
			}
		}
		return 0, e
	}
}
