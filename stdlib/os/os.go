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
			if err := vm.CheckArgs("os.env", args, 1, 1); err != nil {
				return vm.Nil, err
			}
			if args[0].Kind() != vm.KStr {
				return vm.Nil, vm.TypeArgError("os.env", 1, "a string", args[0])
			}
			if v, ok := os.LookupEnv(args[0].AsStr()); ok {
				return vm.Str(v), nil
			}
			return vm.Nil, nil
		}),
		"worker": vm.NewNative("worker", func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.CheckArgs("os.worker", args, 0, 0); err != nil {
				return vm.Nil, err
			}
			return vm.Int(int64(m.Worker)), nil
		}),
		"workers": vm.NewNative("workers", func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.CheckArgs("os.workers", args, 0, 0); err != nil {
				return vm.Nil, err
			}
			return vm.Int(int64(max(m.Workers, 1))), nil
		}),
		"exit": vm.NewNative("exit", func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.CheckArgs("os.exit", args, 0, 1); err != nil {
				return vm.Nil, err
			}
			code := 0
			if len(args) == 1 {
				if args[0].Kind() != vm.KInt {
					return vm.Nil, vm.TypeArgError("os.exit", 1, "an int", args[0])
				}
				code = int(args[0].AsInt())
			}
			return vm.Nil, vm.ExitError(code)
		}),
	}), nil
}
