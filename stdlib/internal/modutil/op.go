package modutil

import (
	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

// funcOp is a one-shot awaitable started by a closure, for operations that are
// not on a hot path (file I/O, connecting).
type funcOp struct {
	vm.ObjectHeader
	name  string
	used  bool
	await func(w scheduler.Waker) scheduler.Canceler
}

func (o *funcOp) TypeName() string { return o.name }
func (*funcOp) Awaitable()         {}
func (o *funcOp) Await(_ *scheduler.Loop, w scheduler.Waker) scheduler.Canceler {
	if o.used {
		w.Wake(vm.Nil, vm.NewError(vm.KindValue, o.name+"() was already awaited"))
		return nil
	}
	o.used = true
	return o.await(w)
}

func NewOp(name string, await func(w scheduler.Waker) scheduler.Canceler) vm.Value {
	o := &funcOp{name: name, await: await}
	return o.Value(o)
}

func NoArgs(name string, f func() (vm.Value, error)) vm.Value {
	return vm.NewNative(name, func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		if err := vm.UnpackArgs(name, args); err != nil {
			return vm.Nil, err
		}
		return f()
	})
}

// boundMethod is obj.name read without a call: a function that calls the method.
func BoundMethod(mc vm.MethodCaller, name string) vm.Value {
	return vm.NewNative(name, func(t *vm.Task, args []vm.Value) (vm.Value, error) {
		v, _, err := mc.CallMethod(t, name, args)
		return v, err
	})
}
