//go:build unix

package modutil

import (
	"syscall"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// signalNames are the signals a script may name.
var signalNames = map[string]syscall.Signal{
	"SIGHUP": syscall.SIGHUP, "SIGINT": syscall.SIGINT, "SIGQUIT": syscall.SIGQUIT,
	"SIGKILL": syscall.SIGKILL, "SIGTERM": syscall.SIGTERM, "SIGUSR1": syscall.SIGUSR1,
	"SIGUSR2": syscall.SIGUSR2, "SIGALRM": syscall.SIGALRM, "SIGPIPE": syscall.SIGPIPE,
	"SIGCHLD": syscall.SIGCHLD, "SIGCONT": syscall.SIGCONT, "SIGSTOP": syscall.SIGSTOP,
	"SIGTSTP": syscall.SIGTSTP, "SIGWINCH": syscall.SIGWINCH, "SIGTTIN": syscall.SIGTTIN,
	"SIGTTOU": syscall.SIGTTOU,
}

// signalArg reads a signal name; an unknown name throws value.
func SignalArg(fn string, v vm.Value) (syscall.Signal, error) {
	if v.Kind() != vm.KStr {
		return 0, vm.TypeArgError(fn, 1, "a signal name string", v)
	}
	s, ok := signalNames[v.AsStr()]
	if !ok {
		return 0, vm.Errorf(vm.KindValue, "%s(): unknown signal %s", fn, vm.Repr(v))
	}
	return s, nil
}
