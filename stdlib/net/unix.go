package net

import (
	"errors"
	"runtime"
	"syscall"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/poll"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
)

// Unix stream sockets give the listener and conn of TCP. A unix conn's .local
// and .peer are socket paths: the accepted side has .local the listener's path
// and .peer "" (the client is unnamed), the connecting side the reverse.
// Closing a unix listener leaves its socket file (as Python does): remove it
// with fs.remove.

// pathArg reads the one argument of fn, a non-empty path.
func pathArg(fn string, args []vm.Value) (string, error) {
	var p string
	if err := vm.UnpackArgs(fn, args, "path", vm.Want("a path string", &p)); err != nil {
		return "", err
	}
	if p == "" {
		return "", vm.Errorf(vm.KindValue, "%s() needs a non-empty path", fn)
	}
	return p, nil
}

// unixError maps the error of a Unix socket call on path to a kind: a
// missing socket file is not_found, a refused one permission.
func unixError(op, path string, err error) *vm.Error {
	switch {
	case errors.Is(err, syscall.ENOENT):
		e := vm.Errorf(modutil.KindNotFound, "%s %s: %v", op, path, err)
		e.Cause = err
		return e
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		e := vm.Errorf(modutil.KindPermission, "%s %s: %v", op, path, err)
		e.Cause = err
		return e
	}
	return modutil.IOError(op+" "+path, err)
}

func (n *netLib) listenUnix(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	path, err := pathArg("net.listen_unix", args)
	if err != nil {
		return vm.Nil, err
	}
	fd, err := poll.ListenUnix(path)
	if err != nil {
		return vm.Nil, unixError("listen on", path, err)
	}
	f, err := n.l.Register(fd)
	if err != nil {
		poll.Close(fd)
		return vm.Nil, modutil.IOError("listen_unix", err)
	}
	ln := &listener{n: n, fd: f, host: path, path: path}
	runtime.SetFinalizer(ln, func(ln *listener) { n.l.Post(ln.fd.Close) })
	return vm.ObjectValue(ln), nil
}

func (n *netLib) connectUnix(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	path, err := pathArg("net.connect_unix", args)
	if err != nil {
		return vm.Nil, err
	}
	return modutil.NewOp("net.connect_unix", func(w scheduler.Waker) scheduler.Canceler {
		fd, err := poll.ConnectUnix(path)
		if err != nil && err != syscall.EINPROGRESS {
			w.Wake(vm.Nil, unixError("connect to", path, err))
			return nil
		}
		f, rerr := n.l.Register(fd)
		if rerr != nil {
			poll.Close(fd)
			w.Wake(vm.Nil, modutil.IOError("connect to "+path, rerr))
			return nil
		}
		first := err == syscall.EINPROGRESS
		op := newIOOperation("net.connect_unix", f, func() (vm.Value, *vm.Error, waitKind, time.Duration) {
			if f.Closed() {
				return vm.Nil, errConnClosed(), done, 0
			}
			if first {
				first = false
				return vm.Nil, nil, waitWrite, 0
			}
			if serr := poll.SockError(fd); serr != nil {
				f.Close()
				return vm.Nil, unixError("connect to", path, serr), done, 0
			}
			return n.wrapConn(f), nil, done, 0
		})
		return unixConnecting{op.Await(n.l, w), f}
	}), nil
}

// unixConnecting is a connect in progress: cancelling it closes the socket.
type unixConnecting struct {
	inner scheduler.Canceler
	f     *scheduler.FD
}

func (c unixConnecting) Cancel() {
	if c.inner != nil {
		c.inner.Cancel()
	}
	// Closing a socket already handed to the script as a conn would break
	// it: only one still being connected is closed.
	if c.inner != nil {
		c.f.Close()
	}
}
