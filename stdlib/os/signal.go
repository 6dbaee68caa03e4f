package os

import (
	"os"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

// Module is the os module with the members that need the loop:
// os.signal, and os.pid and os.hostname beside them.
func Module(l *scheduler.Loop) func(*vm.Machine) (vm.Value, error) {
	return func(m *vm.Machine) (vm.Value, error) {
		v, err := osModule(m)
		if err != nil {
			return v, err
		}
		mod := v.AsObject().(*vm.Module)
		mod.SetGlobal("pid", vm.NewNative("pid", func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.UnpackArgs("os.pid", args); err != nil {
				return vm.Nil, err
			}
			return vm.Int(int64(os.Getpid())), nil
		}))
		mod.SetGlobal("hostname", vm.NewNative("hostname", func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.UnpackArgs("os.hostname", args); err != nil {
				return vm.Nil, err
			}
			h, err := os.Hostname()
			if err != nil {
				return vm.Nil, vm.Errorf(vm.KindIO, "os.hostname(): %v", err)
			}
			return vm.Str(h), nil
		}))
		hub := &signalHub{l: l, sigs: map[os.Signal]*signalWait{}}
		mod.SetGlobal("signal", vm.NewNative("signal", hub.signal))
		return v, nil
	}
}
