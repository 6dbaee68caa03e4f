package time

import (
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

var monotonicBase = time.Now()

func Module(l *scheduler.Loop) func(*vm.Machine) (vm.Value, error) {
	return func(*vm.Machine) (vm.Value, error) { return timeMembers(l) }
}

func timeMembers(l *scheduler.Loop) (vm.Value, error) {
	now := time.Now
	if l != nil {
		now = l.Now
	}
	members := map[string]vm.Value{
		"now": vm.NewNative("now", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.UnpackArgs("time.now", args); err != nil {
				return vm.Nil, err
			}
			return vm.Float(float64(now().UnixNano()) / 1e9), nil
		}),
		"monotonic": vm.NewNative("monotonic", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.UnpackArgs("time.monotonic", args); err != nil {
				return vm.Nil, err
			}
			return vm.Float(now().Sub(monotonicBase).Seconds()), nil
		}),
	}
	timeFormatMembers(members)
	return vm.NewNativeModule("time", members), nil
}
