//go:build linux

package poll

import "golang.org/x/sys/unix"

// setReusePort sets SO_REUSEPORT: Linux spreads new connections over the
// sockets bound to the port (by a hash of the connection's addresses).
func setReusePort(fd int) error {
	return unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
}
