//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package poll

import (
	"net/netip"
	"strconv"
)

// The socket calls of a system without a poller: each returns ErrUnsupported
// (NewPoller already did, so the event loop never starts).

// Listen returns ErrUnsupported.
func Listen(addr netip.Addr, port int) (fd, bound int, err error) { return -1, 0, ErrUnsupported }

// ListenReusePort returns ErrUnsupported.
func ListenReusePort(addr netip.Addr, port int) (fd, bound int, err error) {
	return -1, 0, ErrUnsupported
}

// Accept returns ErrUnsupported.
func Accept(fd int) (int, string, error) { return -1, "", ErrUnsupported }

// Connect returns ErrUnsupported.
func Connect(addr netip.Addr, port int) (int, error) { return -1, ErrUnsupported }

// SockError returns ErrUnsupported.
func SockError(fd int) error { return ErrUnsupported }

// AcceptTo returns ErrUnsupported.
func AcceptTo(fd int, b []byte) (int, []byte, error) { return -1, b, ErrUnsupported }

// AppendName appends nothing.
func AppendName(b []byte, fd int, peer bool) []byte { return b }

// Names returns empty names.
func Names(fd int) (local, peer string) { return "", "" }

// Read returns ErrUnsupported.
func Read(fd int, b []byte) (int, error) { return 0, ErrUnsupported }

// Write returns ErrUnsupported.
func Write(fd int, b []byte) (int, error) { return 0, ErrUnsupported }

// Close returns ErrUnsupported.
func Close(fd int) error { return ErrUnsupported }

// WouldBlock reports false.
func WouldBlock(fd int) bool { return false }

// Port formats a port for messages.
func Port(p int) string { return strconv.Itoa(p) }
