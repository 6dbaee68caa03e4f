// Package builtins defines the builtins of tasks and waiting that every script
// has: spawn, spawn_named, group, sleep, all, race, timeout and current_task.
// They check their arguments and make the awaitables and tasks of the
// scheduler, which gives only the mechanism.
package builtins

import (
	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

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

// Install defines the builtins on l's machine, served by l.
func Install(l *scheduler.Loop) {
	m := l.M
	def := func(name string, fn vm.NativeFunc) { m.SetBuiltin(name, vm.NewNative(name, fn)) }
	def("spawn", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
		fn, rest, err := scheduler.SpawnArgs("spawn", args)
		if err != nil {
			return vm.Nil, err
		}
		t, err := l.Spawn(fn, rest, scheduler.SitesOf(vt))
		if err != nil {
			return vm.Nil, err
		}
		return t.Val(), nil
	})
	def("spawn_named", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
		name, fn, rest, err := scheduler.SpawnNamedArgs("spawn_named", args)
		if err != nil {
			return vm.Nil, err
		}
		t, err := l.SpawnNamed(name, fn, rest, scheduler.SitesOf(vt))
		if err != nil {
			return vm.Nil, err
		}
		return t.Val(), nil
	})
	def("group", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
		if err := vm.CheckArgs("group", args, 1, 1); err != nil {
			return vm.Nil, err
		}
		if k := args[0].Kind(); k != vm.KFunc && k != vm.KNative {
			return vm.Nil, vm.TypeArgError("group", 1, "a function taking the group", args[0])
		}
		return scheduler.WithGroup(args[0], scheduler.SitesOf(vt)), nil
	})
	def("sleep", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		if err := vm.CheckArgs("sleep", args, 1, 1); err != nil {
			return vm.Nil, err
		}
		d, err := scheduler.Seconds("sleep", args[0])
		if err != nil {
			return vm.Nil, err
		}
		return scheduler.Sleep(d), nil
	})
	def("all", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
		items, err := listArg("all", args)
		if err != nil {
			return vm.Nil, err
		}
		return scheduler.All(items, scheduler.SitesOf(vt)), nil
	})
	def("race", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
		items, err := listArg("race", args)
		if err != nil {
			return vm.Nil, err
		}
		return scheduler.Race(items, scheduler.SitesOf(vt)), nil
	})
	def("timeout", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
		if err := vm.CheckArgs("timeout", args, 2, 2); err != nil {
			return vm.Nil, err
		}
		d, err := scheduler.Seconds("timeout", args[0])
		if err != nil {
			return vm.Nil, err
		}
		return scheduler.Timeout(d, args[1], scheduler.SitesOf(vt)), nil
	})
	def("current_task", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
		if err := vm.CheckArgs("current_task", args, 0, 0); err != nil {
			return vm.Nil, err
		}
		if t := scheduler.Current(vt); t != nil {
			return t.Val(), nil
		}
		return vm.Nil, nil
	})
}
