package net

import (
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
// missing socket file is not_found and a refused one permission, as for any
// file; the others are socket errors (a socket file nobody listens on is
// conn_refused).
func unixError(op, path string, err error) *vm.Error {
	if kind := modutil.FileErrorKind(err); kind != vm.KindIO {
		e := vm.Errorf(kind, "%s %s: %v", op, path, err)
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
		return vm.Nil, modutil.IOError("listen_unix", err)
	}
	ln := &listener{n: n, fd: f, host: path, path: path}
	n.closeWhenCollected(ln, f)
	return vm.ObjectValue(ln), nil
}

func (n *netLib) connectUnix(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	path, err := pathArg("net.connect_unix", args)
	if err != nil {
		return vm.Nil, err
	}
	return modutil.NewOp("net.connect_unix", func(w scheduler.Waker) scheduler.Canceler {
		fd, err := poll.ConnectUnix(path)
		return n.dial("net.connect_unix", fd, err, func(err error) *vm.Error { return unixError("connect to", path, err) }, w)
	}), nil
}
