package stdlib

import (
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
)

var monotonicBase = time.Now()

func timeModule(*vm.Machine) (vm.Value, error) {
	members := map[string]vm.Value{
		"now": vm.NewNative("now", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.CheckArgs("time.now", args, 0, 0); err != nil {
				return vm.Nil, err
			}
			return vm.Float(float64(time.Now().UnixNano()) / 1e9), nil
		}),
		"monotonic": vm.NewNative("monotonic", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.CheckArgs("time.monotonic", args, 0, 0); err != nil {
				return vm.Nil, err
			}
			return vm.Float(time.Since(monotonicBase).Seconds()), nil
		}),
	}
	timeFormatMembers(members)
	return vm.NewNativeModule("time", members), nil
}
