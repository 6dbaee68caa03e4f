//go:build !unix

package stdlib

import (
	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

// processModule: child processes need a Unix system.
func processModule(*scheduler.Loop) func(*vm.Machine) (vm.Value, error) {
	return func(*vm.Machine) (vm.Value, error) {
		return vm.Nil, vm.Errorf(vm.KindIO, "the process module is not supported on this system")
	}
}
