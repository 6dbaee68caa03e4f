//go:build darwin || freebsd || netbsd

package poll

import "golang.org/x/sys/unix"

func noSigpipe(fd int) error {
	return unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_NOSIGPIPE, 1)
}
