package vm

import (
	"bufio"
	"io"
	"os"

	"github.com/yieldscript/yieldscript/lang/compile"
)

// DefaultMaxDepth is the default limit on nested calls in one task.
const DefaultMaxDepth = 10000

// tickInterval is how many loop iterations and calls run between checks of the
// quota (its interrupt and its steps).
const tickInterval = 1024

// Machine is one YieldScript interpreter: its builtins, modules and limits. A
// Machine and its tasks belong to one goroutine at a time (the event loop's);
// another goroutine stops a run through its Quota's Interrupt.
type Machine struct {
	Stdout *bufio.Writer
	Stderr io.Writer
	// LineBuffered flushes Stdout after every print (for a terminal).
	LineBuffered bool
	// PrintWait, when set, is asked after each print whether the task must
	// wait before print returns (the output is backed up); it returns an
	// awaitable to wait for, or Nil.
	PrintWait func() Value

	// MaxDepth limits nested calls per task: a call beyond it throws
	// DepthKind, stack_overflow unless a host set its own limit (limit).
	MaxDepth  int
	DepthKind string
	// tick counts down the steps (loop iterations, calls, and the instructions
	// of loop bodies) to the next slowTick.
	tick int64
	// tail is the call a native asked for with TailCall, taken by the
	// dispatch loop as soon as the native returns (one task runs at a time).
	tail tailCall
	// Watch, when set, publishes the running code to a watchdog and lets it
	// preempt the running task (watch.go).
	Watch *Watch
	// Switch, when set, lets the driver of the machine's tasks run another
	// of them at once when one stops at a wait it registered (StatusWait),
	// without leaving the dispatch loop (switch.go).
	Switch Switcher
	// panicked is the task whose guarded native panicked: the dispatch loop
	// may have switched to it from the one its run began with.
	panicked *Task

	builtinNames []string
	builtins     []Value
	builtinIndex map[string]int

	// Modules are the importable modules by name, built on first import.
	Modules map[string]func(m *Machine) (Value, error)
	loaded  map[string]Value
	// preludes holds the preludes loaded into this machine (delegate.go).
	preludes map[*Prelude]*Module
	// LoadFile compiles a source module for `import "path"`; path is already
	// resolved against the importing file. Nil forbids file imports.
	LoadFile func(path string) (*compile.Program, error)
	// ResolvePath turns an import path written in file `from` into the path given to
	// LoadFile and used as the cache key.
	ResolvePath func(from, path string) string
	// LoadSource compiles YieldScript source for the modules written partly in
	// it (source.go); nil when the host has no compiler.
	LoadSource LoadSourceFunc

	// Args is os.args.
	Args []string
	// Worker and Workers are os.worker() and os.workers(): this machine's
	// number among the Workers copies of the program running in the process
	// (Workers 0 means 1). With more than one, listening sockets are bound
	// with SO_REUSEPORT.
	Worker, Workers int
	// Exit is called by os.exit; the host decides what exiting means.
	Exit func(code int)
}

// NewMachine makes a machine with the core builtins, writing to the given streams.
func NewMachine(stdout, stderr io.Writer) *Machine {
	if stdout == nil {
		stdout = os.Stdout
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	m := &Machine{
		Stdout:       bufio.NewWriterSize(stdout, 32*1024),
		Stderr:       stderr,
		MaxDepth:     DefaultMaxDepth,
		builtinIndex: map[string]int{},
		Modules:      map[string]func(m *Machine) (Value, error){},
		loaded:       map[string]Value{},
		tick:         tickInterval,
	}
	registerCoreBuiltins(m)
	return m
}

// SetBuiltin defines or replaces a builtin. Builtins must be set before the
// programs that use them are compiled.
func (m *Machine) SetBuiltin(name string, v Value) {
	define(m.builtinIndex, &m.builtinNames, &m.builtins, name, v)
}

// Builtin returns a builtin by name.
func (m *Machine) Builtin(name string) (Value, bool) {
	i, ok := m.builtinIndex[name]
	if !ok {
		return Nil, false
	}
	return m.builtins[i], true
}

// BuiltinNames lists the builtins in index order, for the compiler's Env.
func (m *Machine) BuiltinNames() []string { return m.builtinNames }

// slowTick runs every tickInterval steps: it checks the task's Quota (its
// interrupt and its steps) and the task's own Limit. The Quota is the one
// mechanism for interrupting and bounding a run; the machine has none of its
// own.
func (m *Machine) slowTick(t *Task, used int64) *Error {
	if w := m.Watch; w != nil {
		w.Note(t)
	}
	if t.Quota != nil {
		if e := t.Quota.tick(used); e != nil {
			m.tick = tickInterval
			return e
		}
	}
	if t.Limit != nil {
		if e := t.Limit.tickOwn(used); e != nil {
			m.tick = tickInterval
			return e
		}
	}
	m.tick = tickInterval
	return nil
}

// Flush writes buffered output. With nothing buffered (as at most turns of
// the event loop, which flushes before every wait) it makes no call.
func (m *Machine) Flush() {
	if m.Stdout.Buffered() > 0 {
		_ = m.Stdout.Flush()
	}
}

// depthError is the error of a call nested deeper than MaxDepth.
func (m *Machine) depthError() *Error {
	if m.DepthKind == KindLimit {
		return Errorf(KindLimit, "more than %d nested calls (the host's limit)", m.MaxDepth)
	}
	return Errorf(KindStackOverflow, "stack overflow: more than %d nested calls", m.MaxDepth)
}
