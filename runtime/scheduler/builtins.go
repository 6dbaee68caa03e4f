package scheduler

import (
	"github.com/yieldscript/yieldscript/lang/vm"
)

// sitesOf is where the running script is, for spawn sites.
func sitesOf(t *vm.Task) []vm.Site {
	if t == nil {
		return nil
	}
	return t.Sites()
}

func listArg(fn string, args []vm.Value) ([]vm.Value, error) {
	if err := vm.CheckArgs(fn, args, 1, 1); err != nil {
		return nil, err
	}
	if args[0].Kind() != vm.KList {
		return nil, vm.TypeArgError(fn, 1, "a list of awaitables", args[0])
	}
	items := args[0].AsList().Items
	return append([]vm.Value(nil), items...), nil
}

func installBuiltins(l *Loop) {
	m := l.M
	def := func(name string, fn vm.NativeFunc) { m.SetBuiltin(name, vm.NewNative(name, fn)) }
	def("spawn", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
		fn, rest, err := spawnArgs("spawn", args)
		if err != nil {
			return vm.Nil, err
		}
		t, err := l.Spawn(fn, rest, sitesOf(vt))
		if err != nil {
			return vm.Nil, err
		}
		return t.Val(), nil
	})
	def("spawn_named", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
		name, fn, rest, err := spawnNamedArgs("spawn_named", args)
		if err != nil {
			return vm.Nil, err
		}
		t, err := l.Spawn(fn, rest, sitesOf(vt))
		if err != nil {
			return vm.Nil, err
		}
		t.name = name
		return t.Val(), nil
	})
	def("group", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
		if err := vm.CheckArgs("group", args, 1, 1); err != nil {
			return vm.Nil, err
		}
		if k := args[0].Kind(); k != vm.KFunc && k != vm.KNative {
			return vm.Nil, vm.TypeArgError("group", 1, "a function taking the group", args[0])
		}
		return vm.ObjectValue(&groupOp{body: args[0], trace: sitesOf(vt)}), nil
	})
	def("sleep", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		if err := vm.CheckArgs("sleep", args, 1, 1); err != nil {
			return vm.Nil, err
		}
		d, err := Seconds("sleep", args[0])
		if err != nil {
			return vm.Nil, err
		}
		return vm.ObjectValue(&sleepOp{d: d}), nil
	})
	def("all", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
		items, err := listArg("all", args)
		if err != nil {
			return vm.Nil, err
		}
		return vm.ObjectValue(&multiOp{items: items, trace: sitesOf(vt)}), nil
	})
	def("race", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
		items, err := listArg("race", args)
		if err != nil {
			return vm.Nil, err
		}
		return vm.ObjectValue(&multiOp{race: true, items: items, trace: sitesOf(vt)}), nil
	})
	def("timeout", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
		if err := vm.CheckArgs("timeout", args, 2, 2); err != nil {
			return vm.Nil, err
		}
		d, err := Seconds("timeout", args[0])
		if err != nil {
			return vm.Nil, err
		}
		return vm.ObjectValue(&timeoutOp{d: d, inner: args[1], trace: sitesOf(vt)}), nil
	})
	def("current_task", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
		if err := vm.CheckArgs("current_task", args, 0, 0); err != nil {
			return vm.Nil, err
		}
		if t, ok := vt.Data.(*Task); ok {
			return t.Val(), nil
		}
		return vm.Nil, nil
	})
}
