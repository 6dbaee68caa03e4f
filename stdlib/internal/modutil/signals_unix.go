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

// SignalWords is what a signal argument is, for vm.Want.
const SignalWords = "a signal name string"

// Signal is the signal named name, an argument of fn; an unknown name throws
// value.
func Signal(fn, name string) (syscall.Signal, error) {
	s, ok := signalNames[name]
	if !ok {
		return 0, vm.Errorf(vm.KindValue, "%s(): unknown signal %s", fn, vm.Repr(vm.Str(name)))
	}
	return s, nil
}
