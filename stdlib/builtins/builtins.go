// Package builtins defines the builtins of tasks and waiting that every script
// has: spawn, spawn_named, group, sleep, all, race, timeout and current_task.
// They check their arguments and make the awaitables and tasks of the
// scheduler, which gives only the mechanism.
package builtins

import (
	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
)

// listArg reads the one argument of all and race: a copy of its items.
func listArg(fn string, args []vm.Value) ([]vm.Value, error) {
	var l *vm.List
	if err := vm.UnpackArgs(fn, args, "awaitables", vm.Want("a list of awaitables", &l)); err != nil {
		return nil, err
	}
	return append([]vm.Value(nil), l.Snapshot()...), nil
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
		var body vm.Callable
		if err := vm.UnpackArgs("group", args, "body", vm.Want("a function taking the group", &body)); err != nil {
			return vm.Nil, err
		}
		return scheduler.WithGroup(body.Value, scheduler.SitesOf(vt)), nil
	})
	def("sleep", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		var secs vm.Value
		if err := vm.UnpackArgs("sleep", args, "seconds", modutil.SecondsArg(&secs)); err != nil {
			return vm.Nil, err
		}
		d, err := scheduler.Seconds("sleep", secs)
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
		var secs, op vm.Value
		if err := vm.UnpackArgs("timeout", args, "seconds", modutil.SecondsArg(&secs), "awaitable", &op); err != nil {
			return vm.Nil, err
		}
		d, err := scheduler.Seconds("timeout", secs)
		if err != nil {
			return vm.Nil, err
		}
		return scheduler.Timeout(d, op, scheduler.SitesOf(vt)), nil
	})
	def("current_task", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
		if err := vm.UnpackArgs("current_task", args); err != nil {
			return vm.Nil, err
		}
		if t := scheduler.Current(vt); t != nil {
			return t.Val(), nil
		}
		return vm.Nil, nil
	})
}
