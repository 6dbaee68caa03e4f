package vm

// Cell holds a local variable that a closure captured.
type Cell struct {
	v Value
}

// Closure is a script function: its compiled prototype and the cells it captured.
type Closure struct {
	proto *Proto
	free  []*Cell
}

// Name is the function's name.
func (c *Closure) Name() string { return c.proto.Name }

// NativeFunc is a Go function callable from scripts. args is only valid during the
// call: a function that keeps arguments must copy the slice.
type NativeFunc func(t *Task, args []Value) (Value, error)

// MethodFunc is a built-in method of a built-in type.
type MethodFunc func(t *Task, recv Value, args []Value) (Value, error)

// Native is a Go function, or a built-in method bound to its receiver.
type Native struct {
	Name   string
	Fn     NativeFunc
	method MethodFunc
	recv   Value
	// onPanic, when set, turns a panic of Fn into the error the call throws
	// (NewGuardedNative).
	onPanic func(name string, r any) *Error
}

// NewNative makes a native function value.
func NewNative(name string, fn NativeFunc) Value {
	return NativeValue(&Native{Name: name, Fn: fn})
}

// NewGuardedNative makes a native function value whose panics become script
// errors: when fn panics with r, the call throws onPanic(name, r) at the call
// site, where the script can catch it, with the traceback of the call.
// onPanic runs while the panicking frames are still on the goroutine's stack
// (runtime/debug.Stack shows where fn panicked). The dispatch loop recovers
// once per run rather than once per call, so a call costs no defer.
func NewGuardedNative(name string, fn NativeFunc, onPanic func(name string, r any) *Error) Value {
	return NativeValue(&Native{Name: name, Fn: fn, onPanic: onPanic})
}

// Coroutine is what calling a coroutine function returns: the function and its
// arguments, not yet started. It starts when a task yields it or spawns it.
type Coroutine struct {
	fn *Closure
	// args are the arguments until the coroutine starts, nil from then on
	// (one without arguments has an empty slice, which is not nil): a flag
	// of its own would take the Coroutine from 32 bytes to 48.
	args []Value
}

// Name is the coroutine function's name.
func (c *Coroutine) Name() string { return c.fn.proto.Name }

// started reports whether the coroutine was awaited or spawned.
func (c *Coroutine) started() bool { return c.args == nil }

// start marks the coroutine started and returns its arguments.
func (c *Coroutine) start() []Value {
	args := c.args
	c.args = nil
	return args
}

// Range is range(start, stop, step): lazy.
type Range struct {
	Start, Stop, Step int64
}

// Len is the number of values in the range. It is computed in uint64, since a
// range may hold more numbers than an int64 can count (range(-2**63, 2**63 - 1)).
func (r *Range) Len() uint64 {
	if r.Step > 0 {
		if r.Stop <= r.Start {
			return 0
		}
		return (uint64(r.Stop)-uint64(r.Start)-1)/uint64(r.Step) + 1
	}
	if r.Stop >= r.Start {
		return 0
	}
	return (uint64(r.Start)-uint64(r.Stop)-1)/(0-uint64(r.Step)) + 1
}

// At is the j-th number of the range (j < Len()).
func (r *Range) At(j uint64) int64 { return int64(uint64(r.Start) + j*uint64(r.Step)) }

// Contains reports whether i is one of the numbers of the range.
func (r *Range) Contains(i int64) bool {
	if r.Step > 0 {
		return i >= r.Start && i < r.Stop && (uint64(i)-uint64(r.Start))%uint64(r.Step) == 0
	}
	return i <= r.Start && i > r.Stop && (uint64(r.Start)-uint64(i))%(0-uint64(r.Step)) == 0
}

// Equal reports whether two ranges produce the same numbers.
func (r *Range) Equal(o *Range) bool {
	n := r.Len()
	if n != o.Len() {
		return false
	}
	return n == 0 || r.Start == o.Start && (n == 1 || r.Step == o.Step)
}

// next gives an iterating range's next number and moves it on, or reports
// false when it is done.
func (r *Range) next() (int64, bool) {
	i := r.Start
	if r.Step > 0 && i < r.Stop || r.Step < 0 && i > r.Stop {
		r.moveOn(i)
		return i, true
	}
	return 0, false
}

// moveOn moves an iterating range on from i, the number it just gave. A step
// past the end of the int range ends the iteration instead of wrapping
// around. (No call: the dispatch loop inlines it.)
func (r *Range) moveOn(i int64) {
	if n := i + r.Step; n > i == (r.Step > 0) {
		r.Start = n
	} else {
		r.Start = r.Stop
	}
}
