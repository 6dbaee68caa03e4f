package yieldscript

import (
	"context"
	"fmt"
	"reflect"
	"runtime/debug"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

var contextType = reflect.TypeFor[context.Context]()

// SetGlobal defines (or assigns) a global of the main module, converted from
// a Go value (see the conversions in convert.go: numbers, strings, bools,
// slices, maps, structs, funcs). Programs compiled afterwards can use it.
func (v *VM) SetGlobal(name string, value any) error {
	return v.do(func() error {
		x, err := v.toValue(value)
		if err != nil {
			return fmt.Errorf("yieldscript: SetGlobal %s: %w", name, err)
		}
		v.main.SetGlobal(name, x)
		return nil
	})
}

// Global reads a global of the main module, converted to Go. ok is false when
// no global of that name is defined.
func (v *VM) Global(name string) (value any, ok bool, err error) {
	err = v.do(func() error {
		x, found := v.main.Global(name)
		if !found {
			return nil
		}
		ok = true
		value, err = fromValueDepth(x, 0, v)
		return err
	})
	return value, ok, err
}

// SetFunc defines a global function that calls fn, a Go function. Its
// arguments are converted from the script's values to fn's parameter types,
// and its results back: fn may return nothing, a value, an error, or a value
// and an error; a non-nil error is thrown in the script (kind "error", or the
// kind of an error made by Errorf). A variadic fn takes any number of
// arguments. A panic in fn becomes a script error with a traceback.
//
// When fn's first parameter is a context.Context, fn is asynchronous: calling
// it in a script returns an awaitable, and `yield` on it runs fn on a
// goroutine of the VM's pool (Options.MaxAsync) while other tasks go on. The
// result comes back through the event loop. Cancelling the waiting task (by
// task.cancel(), timeout(), race(), or the host's context) cancels the context.
func (v *VM) SetFunc(name string, fn any) error {
	return v.do(func() error {
		x, err := v.native(name, fn)
		if err != nil {
			return err
		}
		v.main.SetGlobal(name, x)
		return nil
	})
}

// SetNative defines a global function over script values, the low-level form
// of a Go function: it gets the arguments as values (valid only during the
// call) and returns a value or an error (a *vm.Error keeps its kind; any other
// error becomes kind "error"). A panic in fn becomes a script error.
func (v *VM) SetNative(name string, fn vm.NativeFunc) {
	_ = v.do(func() error {
		v.main.SetGlobal(name, v.guarded(name, fn))
		return nil
	})
}

// SetModule defines a module scripts can import by name (import name), whose
// members are converted from Go values as SetGlobal converts them: functions,
// constants, nested maps. Define modules before the scripts that import them
// run: an imported module is kept.
func (v *VM) SetModule(name string, members map[string]any) error {
	return v.do(func() error {
		vals := make(map[string]vm.Value, len(members))
		for k, m := range members {
			var x vm.Value
			var err error
			if reflect.TypeOf(m) != nil && reflect.TypeOf(m).Kind() == reflect.Func {
				x, err = v.native(name+"."+k, m)
			} else {
				x, err = v.toValue(m)
			}
			if err != nil {
				return fmt.Errorf("yieldscript: SetModule %s: member %s: %w", name, k, err)
			}
			vals[k] = x
		}
		mod := vm.NewNativeModule(name, vals)
		v.m.Modules[name] = func(*vm.Machine) (vm.Value, error) { return mod, nil }
		return nil
	})
}

// guarded makes the script function of a Go function: a panic in fn becomes
// a script error (panicError) thrown at the call, with its traceback. The
// dispatch loop recovers the panic, so a call costs no defer of its own.
//
// The host's function may make one of its goroutines ready to run (a send on
// a channel): the loop then reads the runtime's count of runnable goroutines
// again before its next wait, which would otherwise keep the thread for up to
// 10 ms with that goroutine waiting (runtime/scheduler, hold.go).
func (v *VM) guarded(name string, fn vm.NativeFunc) vm.Value {
	l := v.loop
	return vm.NewGuardedNative(name, func(t *vm.Task, args []vm.Value) (vm.Value, error) {
		l.MayReady()
		return fn(t, args)
	}, panicError)
}

func panicError(name string, r any) *vm.Error {
	pe := &PanicError{Func: name, Value: r, Stack: debug.Stack()}
	return &vm.Error{Kind: vm.KindError, Message: pe.Error(), Cause: pe}
}

// goFunc is what a Go function's signature says about calling it.
type goFunc struct {
	name     string
	fn       reflect.Value
	async    bool           // first parameter is a context.Context
	params   []reflect.Type // after the context
	variadic bool
	hasValue bool // returns a value (first result)
	hasErr   bool // returns an error (last result)
}

// native makes a script function that calls the Go function fn.
func (v *VM) native(name string, fn any) (vm.Value, error) {
	if nf, ok := fn.(vm.NativeFunc); ok {
		return v.guarded(name, nf), nil
	}
	if nf, ok := fn.(func(*vm.Task, []vm.Value) (vm.Value, error)); ok {
		return v.guarded(name, nf), nil
	}
	rv := reflect.ValueOf(fn)
	if rv.Kind() != reflect.Func || rv.IsNil() {
		return vm.Nil, fmt.Errorf("yieldscript: %s: want a func, not %T", name, fn)
	}
	rt := rv.Type()
	g := &goFunc{name: name, fn: rv, variadic: rt.IsVariadic()}
	first := 0
	if rt.NumIn() > 0 && rt.In(0) == contextType {
		g.async, first = true, 1
	}
	for i := first; i < rt.NumIn(); i++ {
		g.params = append(g.params, rt.In(i))
	}
	switch rt.NumOut() {
	case 0:
	case 1:
		if rt.Out(0) == errorType {
			g.hasErr = true
		} else {
			g.hasValue = true
		}
	case 2:
		if rt.Out(1) != errorType {
			return vm.Nil, fmt.Errorf("yieldscript: %s: the second result of %s must be an error", name, rt)
		}
		g.hasValue, g.hasErr = true, true
	default:
		return vm.Nil, fmt.Errorf("yieldscript: %s: %s returns too many results (at most a value and an error)", name, rt)
	}
	if fast := v.fastNative(name, fn); fast != nil {
		return v.guarded(name, fast), nil
	}
	return v.guarded(name, func(t *vm.Task, args []vm.Value) (vm.Value, error) {
		in, err := v.goArgs(g, args)
		if err != nil {
			return vm.Nil, err
		}
		if g.async {
			return v.asyncCall(g, in), nil
		}
		return v.goResults(g, g.call(context.Background(), in))
	}), nil
}

// goArgs converts script arguments to fn's parameters.
func (v *VM) goArgs(g *goFunc, args []vm.Value) ([]reflect.Value, error) {
	n := len(g.params)
	if g.variadic {
		if len(args) < n-1 {
			return nil, vm.ArgError(g.name, n-1, -1, len(args))
		}
	} else if len(args) != n {
		return nil, vm.ArgError(g.name, n, n, len(args))
	}
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		pt := g.params[min(i, n-1)]
		if g.variadic && i >= n-1 {
			pt = pt.Elem()
		}
		x, err := v.fromValueTo(a, pt)
		if err != nil {
			return nil, vm.Errorf(vm.KindType, "%s() argument %d %v", g.name, i+1, err)
		}
		in[i] = x
	}
	return in, nil
}

// call calls the Go function.
func (g *goFunc) call(ctx context.Context, in []reflect.Value) []reflect.Value {
	if g.async {
		in = append([]reflect.Value{reflect.ValueOf(ctx)}, in...)
	}
	return g.fn.Call(in)
}

// goResults converts the Go function's results to what the script gets.
func (v *VM) goResults(g *goFunc, out []reflect.Value) (vm.Value, error) {
	if g.hasErr {
		if e := out[len(out)-1]; !e.IsNil() {
			return vm.Nil, scriptError(e.Interface().(error))
		}
	}
	if !g.hasValue {
		return vm.Nil, nil
	}
	x, err := v.reflectToValue(out[0], 0)
	if err != nil {
		return vm.Nil, vm.Errorf(vm.KindType, "%s() result: %v", g.name, err)
	}
	return x, nil
}

// scriptError is the error thrown in the script for a Go function's error.
func scriptError(err error) *vm.Error {
	switch e := err.(type) {
	case *vm.Error:
		return e
	case *Error:
		if e.err != nil {
			return &vm.Error{Kind: e.err.Kind, Message: e.err.Message, Value: e.err.Value, IsValue: e.err.IsValue, Cause: e.err.Cause}
		}
	}
	return &vm.Error{Kind: vm.KindError, Message: err.Error(), Cause: err}
}

// ---- asynchronous Go functions ----

// hostCall is the awaitable an asynchronous Go function returns: yielding it
// runs the function on the VM's pool.
type hostCall struct {
	vm.ObjectHeader
	v    *VM
	g    *goFunc
	in   []reflect.Value
	used bool
}

func (v *VM) asyncCall(g *goFunc, in []reflect.Value) vm.Value {
	c := &hostCall{v: v, g: g, in: in}
	return c.Value(c)
}

func (c *hostCall) TypeName() string { return "async" }
func (c *hostCall) String() string   { return "<async " + c.g.name + "()>" }
func (*hostCall) Awaitable()         {}

// hostCancel stops waiting for the result and cancels the function's context.
type hostCancel struct {
	inner  scheduler.Canceler
	cancel context.CancelFunc
}

func (h hostCancel) Cancel() {
	h.cancel()
	h.inner.Cancel()
}

// Await implements scheduler.Awaitable: it starts the function on the pool.
func (c *hostCall) Await(l *scheduler.Loop, w scheduler.Waker) scheduler.Canceler {
	if c.used {
		w.Wake(vm.Nil, vm.Errorf(vm.KindValue, "%s() was already awaited", c.g.name))
		return nil
	}
	c.used = true
	ctx, cancel := context.WithCancel(c.v.ctx)
	in := c.in
	c.in = nil
	inner := l.GoOn(c.v.pool, w, func() (res vm.Value, verr *vm.Error) {
		defer cancel()
		defer func() {
			if r := recover(); r != nil {
				res, verr = vm.Nil, panicError(c.g.name, r)
			}
		}()
		if err := ctx.Err(); err != nil {
			return vm.Nil, &vm.Error{Kind: vm.KindCancelled, Message: c.g.name + "() was cancelled", Cause: err}
		}
		x, err := c.v.goResults(c.g, c.g.call(ctx, in))
		if err != nil {
			return vm.Nil, vm.AsError(err)
		}
		return x, nil
	})
	return hostCancel{inner: inner, cancel: cancel}
}

// ---- script functions in Go ----

// Func is a script function held by Go: what a Go function gets for a
// parameter of type *Func, and what Call and Global return for a function.
type Func struct {
	v  *VM
	fn vm.Value
}

// Call calls the function with args converted to script values, as VM.Call
// calls a global function.
func (f *Func) Call(ctx context.Context, args ...any) (any, error) {
	if f.v == nil {
		return nil, fmt.Errorf("yieldscript: a Func not made by a VM")
	}
	return f.v.callValue(ctx, func() (vm.Value, error) { return f.fn, nil }, args)
}

// Value is the function as a script value.
func (f *Func) Value() vm.Value { return f.fn }

// fastNative calls Go functions of the commonest signatures without
// reflection (nil for the others). Each checks its arguments in one test and
// leaves the error to argsError.
func (v *VM) fastNative(name string, fn any) vm.NativeFunc {
	isInt := func(a vm.Value) bool { return a.Kind() == vm.KInt }
	var f vm.NativeFunc
	switch fn := fn.(type) {
	case func():
		f = func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			if len(args) != 0 {
				return vm.Nil, argsError(name, args, 0, nil, "")
			}
			fn()
			return vm.Nil, nil
		}
	case func(string) string:
		f = func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			if len(args) != 1 || args[0].Kind() != vm.KStr {
				return vm.Nil, argsError(name, args, 1, func(a vm.Value) bool { return a.Kind() == vm.KStr }, "a string")
			}
			return vm.Str(fn(args[0].AsStr())), nil
		}
	case func(int) int:
		f = func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			if len(args) != 1 || args[0].Kind() != vm.KInt {
				return vm.Nil, argsError(name, args, 1, isInt, "an int")
			}
			return vm.Int(int64(fn(int(args[0].AsInt())))), nil
		}
	case func(int64) int64:
		f = func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			if len(args) != 1 || args[0].Kind() != vm.KInt {
				return vm.Nil, argsError(name, args, 1, isInt, "an int")
			}
			return vm.Int(fn(args[0].AsInt())), nil
		}
	case func(float64) float64:
		f = func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			if len(args) != 1 {
				return vm.Nil, argsError(name, args, 1, nil, "")
			}
			x, ok := args[0].ToNumber()
			if !ok {
				return vm.Nil, vm.TypeArgError(name, 1, "a number", args[0])
			}
			return vm.Float(fn(x)), nil
		}
	case func(int, int) int:
		f = func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			if len(args) != 2 || args[0].Kind() != vm.KInt || args[1].Kind() != vm.KInt {
				return vm.Nil, argsError(name, args, 2, isInt, "an int")
			}
			return vm.Int(int64(fn(int(args[0].AsInt()), int(args[1].AsInt())))), nil
		}
	default:
		return nil
	}
	return f
}

// argsError is the error of a call of name with args that are not n values
// that ok accepts (want says what it accepts).
func argsError(name string, args []vm.Value, n int, ok func(vm.Value) bool, want string) error {
	if len(args) != n {
		return vm.ArgError(name, n, n, len(args))
	}
	for i, a := range args {
		if !ok(a) {
			return vm.TypeArgError(name, i+1, want, a)
		}
	}
	return nil
}
