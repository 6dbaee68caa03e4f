//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package poll

import "net/netip"

// UDP returns ErrUnsupported.
func UDP(addr netip.Addr, port int) (fd, bound int, err error) { return -1, 0, ErrUnsupported }

// RecvFrom returns ErrUnsupported.
func RecvFrom(fd int, b []byte) (int, string, error) { return 0, "", ErrUnsupported }

// SendTo returns ErrUnsupported.
func SendTo(fd int, b []byte, addr netip.Addr, port int) error { return ErrUnsupported }

// ListenUnix returns ErrUnsupported.
func ListenUnix(path string) (int, error) { return -1, ErrUnsupported }

// ConnectUnix returns ErrUnsupported.
func ConnectUnix(path string) (int, error) { return -1, ErrUnsupported }
