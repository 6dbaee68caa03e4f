package vm

import (
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/yieldscript/yieldscript/lang/compile"
	"github.com/yieldscript/yieldscript/lang/parser"
)

// A native function that needs to call script code (a sort key, a
// replacement function) never calls back into the VM from Go: that would run
// a second dispatch loop on the Go stack, where a yield could not suspend the
// task, the limits would not see the inner steps and a traceback would lose
// the outer frames. Instead the native hands over: it returns
// t.TailCall(fn, args...), and the dispatch loop calls fn with args in place
// of the native, as a tail call. fn's result becomes the result of the
// native's call; fn's frames are ordinary frames of the task.
//
// The script side usually lives in a Prelude: YieldScript source embedded in
// the Go package, compiled once per process and loaded into a machine the
// first time one of its functions is asked for.

// tailCall is a pending hand-over from a native function to fn.
type tailCall struct {
	fn   Value
	args []Value
}

// kTailCall marks the result of a native that asked for a tail call; it
// never leaves the dispatch loop.
var tailCallMarker = Value{k: kTailCall}

// TailCall makes the native function that returns its result hand over to
// fn: the dispatch loop calls fn(args...) in place of the native, and fn's
// result is the native call's result. A native must return what TailCall
// returns at once, and only when it was called by the dispatch loop (a call
// from a script); args may be a slice of the native's own arguments.
func (t *Task) TailCall(fn Value, args ...Value) (Value, error) {
	switch fn.k {
	case KFunc, KNative:
	default:
		return Nil, Errorf(KindType, "cannot call %s", fn.TypeName())
	}
	t.m.tail = tailCall{fn: fn, args: args}
	return tailCallMarker, nil
}

// doTailCall performs the pending tail call: the function and its arguments
// replace the native and its arguments, from stack slot base up.
func (t *Task) doTailCall(base int) Status {
	tc := t.m.tail
	t.m.tail = tailCall{}
	t.sp = base
	t.ensure(1 + len(tc.args))
	t.stack[base] = tc.fn
	copy(t.stack[base+1:], tc.args)
	t.sp = base + 1 + len(tc.args)
	return t.call(len(tc.args))
}

// Prelude is YieldScript source whose functions native functions delegate
// to with TailCall. The source may hold only fn declarations; besides the
// builtins of a new Machine it sees the given natives as globals. It is
// parsed and compiled once per process, on first use, and loaded into a
// machine (its functions bound to a module of that machine) the first time
// Func asks that machine for one of its functions.
type Prelude struct {
	file    string
	src     string
	natives map[string]NativeFunc

	once  sync.Once
	prog  *compile.Program
	names []string // the natives, in global order
	err   error
}

// NewPrelude makes a prelude from src, named file in tracebacks.
func NewPrelude(file, src string, natives map[string]NativeFunc) *Prelude {
	return &Prelude{file: file, src: src, natives: natives}
}

var (
	coreBuiltinsOnce  sync.Once
	coreBuiltinsNames []string
)

// coreBuiltins lists the builtins of a new Machine, in their order.
func coreBuiltins() []string {
	coreBuiltinsOnce.Do(func() {
		coreBuiltinsNames = slices.Clone(NewMachine(io.Discard, io.Discard).BuiltinNames())
	})
	return coreBuiltinsNames
}

func (p *Prelude) compile() {
	for name := range p.natives {
		p.names = append(p.names, name)
	}
	slices.Sort(p.names)
	f, err := parser.ParseFile(p.file, []byte(p.src))
	if err != nil {
		p.err = err
		return
	}
	// The core builtins have the same numbers in every machine: NewMachine
	// defines them first, in a fixed order.
	prog, err := compile.Compile(f, &compile.Env{Globals: p.names, Builtins: coreBuiltins(), MainName: "<prelude>"})
	if err != nil {
		p.err = err
		return
	}
	for _, s := range f.Stmts {
		if _, ok := s.(*parser.FnStmt); !ok {
			p.err = fmt.Errorf("%s: a prelude may hold only fn declarations", p.file)
			return
		}
	}
	p.prog = prog
}

// Func returns the prelude's function name in t's machine.
func (p *Prelude) Func(t *Task, name string) (Value, error) {
	m := t.m
	mod := m.preludes[p]
	if mod == nil {
		p.once.Do(p.compile)
		if p.err != nil {
			return Nil, Errorf(KindError, "internal error: prelude %s: %v", p.file, p.err)
		}
		mod = NewModule(p.file, p.file)
		for _, name := range p.names {
			mod.SetGlobal(name, NewNative(name, p.natives[name]))
		}
		main := m.Load(p.prog, mod).asClosure().proto
		// Run nothing: bind each top-level function to its global directly.
		for i, k := range p.prog.Main.Consts {
			if fc, ok := k.(*compile.Funcode); ok {
				if gi, ok := mod.index[fc.Name]; ok && mod.globals[gi].k == kUndef {
					mod.globals[gi] = closureValue(&Closure{proto: (*Proto)(main.consts[i].p)})
				}
			}
		}
		if m.preludes == nil {
			m.preludes = map[*Prelude]*Module{}
		}
		m.preludes[p] = mod
	}
	v, ok := mod.Global(name)
	if !ok || v.k != KFunc {
		return Nil, Errorf(KindError, "internal error: prelude %s has no function %s", p.file, name)
	}
	return v, nil
}
