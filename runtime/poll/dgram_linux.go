//go:build linux

package poll

import "golang.org/x/sys/unix"

// socketOf makes a non-blocking, close-on-exec socket of any type.
func socketOf(family, typ, proto int) (int, error) {
	return unix.Socket(family, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
}
