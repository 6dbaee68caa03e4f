//go:build darwin || freebsd || netbsd || openbsd

package poll

import (
	"errors"
	"runtime"
)

// setReusePort refuses: on macOS and the BSDs SO_REUSEPORT lets several
// sockets bind the port but does not spread connections over them (the last
// bound gets them all), so several workers would not share the load.
func setReusePort(fd int) error {
	return errors.New("SO_REUSEPORT does not spread connections over the workers' sockets on " + runtime.GOOS)
}
