//go:build !unix

package os

import (
	"os"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

// SignalClaimed reports false: os.signal needs a Unix system.
func SignalClaimed(os.Signal) bool { return false }

type signalWait struct{}

type signalHub struct {
	l    *scheduler.Loop
	sigs map[os.Signal]*signalWait
}

func (h *signalHub) signal(*vm.Task, []vm.Value) (vm.Value, error) {
	return vm.Nil, vm.Errorf(vm.KindIO, "os.signal() is not supported on this system")
}
