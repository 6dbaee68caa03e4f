package os

import (
	"os"

	"github.com/yieldscript/yieldscript/lang/vm"
)

func osModule(m *vm.Machine) (vm.Value, error) {
	args := make([]vm.Value, len(m.Args))
	for i, a := range m.Args {
		args[i] = vm.Str(a)
	}
	return vm.NewNativeModule("os", map[string]vm.Value{
		"args": vm.NewList(args),
		"env": vm.NewNative("env", func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			var name string
			if err := vm.UnpackArgs("os.env", args, "name", &name); err != nil {
				return vm.Nil, err
			}
			if v, ok := os.LookupEnv(name); ok {
				return vm.Str(v), nil
			}
			return vm.Nil, nil
		}),
		"worker": vm.NewNative("worker", func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.UnpackArgs("os.worker", args); err != nil {
				return vm.Nil, err
			}
			return vm.Int(int64(m.Worker)), nil
		}),
		"workers": vm.NewNative("workers", func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.UnpackArgs("os.workers", args); err != nil {
				return vm.Nil, err
			}
			return vm.Int(int64(max(m.Workers, 1))), nil
		}),
		"exit": vm.NewNative("exit", func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			var code int
			if err := vm.UnpackArgs("os.exit", args, "code?", &code); err != nil {
				return vm.Nil, err
			}
			return vm.Nil, vm.ExitError(code)
		}),
	}), nil
}
