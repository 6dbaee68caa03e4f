//go:build !unix

package process

import (
	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

// Module: child processes need a Unix system.
func Module(*scheduler.Loop) func(*vm.Machine) (vm.Value, error) {
	return func(*vm.Machine) (vm.Value, error) {
		return vm.Nil, vm.Errorf(vm.KindIO, "the process module is not supported on this system")
	}
}
