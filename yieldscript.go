// Package yieldscript embeds the YieldScript language in Go programs: make a VM,
// run files and strings on it, and read the errors scripts end with.
//
// See doc/embedding.md for a guide.
package yieldscript

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/yieldscript/yieldscript/lang/compile"
	"github.com/yieldscript/yieldscript/lang/parser"
	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
	"github.com/yieldscript/yieldscript/stdlib"
)

// Options configure a VM. The zero value is a VM that writes to the process's
// stdout and stderr, imports only the modules that touch nothing outside it, and
// has the default limits.
type Options struct {
	Stdout io.Writer
	Stderr io.Writer
	// Args is what scripts see as os.args.
	Args []string
	// Modules lists the standard modules scripts may import. Nil means the
	// modules without outside effects (SafeModules); AllModules grants every one.
	Modules []string
	// MaxDepth limits nested calls in one task (0: the default, 10,000).
	MaxDepth int
	// Budget limits the steps a script may run (0: no limit); past it the script
	// gets an error of kind "limit".
	Budget int64
	// LineBuffered writes each print at once instead of when the event loop
	// next waits (use it when Stdout is a terminal).
	LineBuffered bool
}

// AllModules grants every standard module (what the yieldscript command does).
var AllModules = stdlib.All

// SafeModules are the modules granted when Options.Modules is nil: the ones
// that reach nothing outside the VM.
var SafeModules = []string{"json", "time", "sync"}

// VM is one YieldScript interpreter. Its methods must be called from one
// goroutine at a time.
type VM struct {
	m       *vm.Machine
	main    *vm.Module
	loop    *scheduler.Loop
	loopErr error
}

// New makes a VM.
func New(opts Options) *VM {
	m := vm.NewMachine(opts.Stdout, opts.Stderr)
	if opts.MaxDepth > 0 {
		m.MaxDepth = opts.MaxDepth
	}
	m.Budget = opts.Budget
	m.LineBuffered = opts.LineBuffered
	m.Args = opts.Args
	mods := opts.Modules
	if mods == nil {
		mods = SafeModules
	}
	v := &VM{m: m, main: vm.NewModule("main", "")}
	// The task builtins (spawn, sleep, ...) must exist before anything compiles.
	if _, err := v.eventLoop(); err != nil {
		v.loopErr = err
	}
	stdlib.Install(m, v.loop, mods)
	m.LoadFile = v.loadFile
	m.ResolvePath = func(from, path string) string {
		if filepath.IsAbs(path) {
			return filepath.Clean(path)
		}
		return filepath.Join(filepath.Dir(from), path)
	}
	return v
}

// CompileError is a syntax or compile error, with the source it was found in.
type CompileError struct {
	Err    *parser.Error
	Source []byte
}

func (e *CompileError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying *parser.Error.
func (e *CompileError) Unwrap() error { return e.Err }

// Pretty renders the error with the source line and a caret under the column.
func (e *CompileError) Pretty() string { return parser.FormatError(e.Err, e.Source) }

// Error is a runtime error that escaped a script, with its traceback.
type Error struct {
	// Kind is the error's kind ("type", "index", ... or a script's own).
	Kind string
	// Message is the error's message.
	Message string
	// Traceback is the traceback text, innermost frame last.
	Traceback string
	err       *vm.Error
}

func (e *Error) Error() string { return e.err.Error() }

// Report is what the yieldscript command prints for the error.
func (e *Error) Report() string { return e.err.Report() }

// Unwrap returns the Go error a native function failed with, if any.
func (e *Error) Unwrap() error { return e.err.Cause }

// ExitError is returned when a script calls os.exit.
type ExitError struct {
	Code int
}

func (e *ExitError) Error() string { return fmt.Sprintf("script exited with status %d", e.Code) }

func (v *VM) compile(name string, src []byte, env *compile.Env) (*compile.Program, error) {
	f, err := parser.ParseFile(name, src)
	if err != nil {
		var pe *parser.Error
		if errors.As(err, &pe) {
			return nil, &CompileError{Err: pe, Source: src}
		}
		return nil, err
	}
	prog, err := compile.Compile(f, env)
	if err != nil {
		var pe *parser.Error
		if errors.As(err, &pe) {
			return nil, &CompileError{Err: pe, Source: src}
		}
		return nil, err
	}
	return prog, nil
}

// loadFile compiles an imported source file.
func (v *VM) loadFile(path string) (*compile.Program, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, vm.Errorf(vm.KindIO, "cannot import %s: %v", path, errors.Unwrap(err))
	}
	name := filepath.Base(path)
	prog, err := v.compile(path, src, &compile.Env{Builtins: v.m.BuiltinNames(), MainName: "<module " + name[:len(name)-len(filepath.Ext(name))] + ">"})
	if err != nil {
		var ce *CompileError
		if errors.As(err, &ce) {
			return nil, vm.Errorf(vm.KindValue, "cannot import %s: %s", path, ce.Error())
		}
		return nil, err
	}
	return prog, nil
}

// Program is compiled source, ready to run (possibly many times).
type Program struct {
	prog *compile.Program
}

// Compile parses and compiles source. name is used in error positions.
func (v *VM) Compile(name string, src []byte) (*Program, error) {
	prog, err := v.compile(name, src, &compile.Env{Globals: v.main.Names(), Builtins: v.m.BuiltinNames()})
	if err != nil {
		return nil, err
	}
	return &Program{prog: prog}, nil
}

// Disassemble writes the bytecode of a program.
func (p *Program) Disassemble(w io.Writer) { compile.Disassemble(w, p.prog) }

// RunFile runs a script file as the main program.
func (v *VM) RunFile(ctx context.Context, path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return v.RunString(ctx, path, string(src))
}

// RunString runs source code as the main program; name is used in positions.
func (v *VM) RunString(ctx context.Context, name, src string) error {
	v.main.File = name
	p, err := v.Compile(name, []byte(src))
	if err != nil {
		return err
	}
	_, err = v.Run(ctx, p)
	return err
}

// ErrTaskFailed is returned when the main program ended normally but an error
// escaped a task nobody waited on (it was reported to Stderr when it happened).
var ErrTaskFailed = errors.New("an error escaped a task (reported above)")

// Run runs a compiled program in the VM's main module as the main task of the
// event loop, until it and every task it spawned have ended. It returns the
// value of its final expression statement, if it was compiled to keep one.
func (v *VM) Run(ctx context.Context, p *Program) (vm.Value, error) {
	defer v.m.Flush()
	if v.loopErr != nil {
		return vm.Nil, v.loopErr
	}
	l, err := v.eventLoop()
	if err != nil {
		return vm.Nil, err
	}
	fn := v.m.Load(p.prog, v.main)
	stop := v.watch(ctx)
	defer stop()
	t, err := l.Run(fn)
	if err != nil {
		return vm.Nil, v.wrap(err)
	}
	if code, ok := l.ExitCode(); ok {
		return vm.Nil, &ExitError{Code: code}
	}
	if res, err := t.Result(); err != nil {
		return vm.Nil, v.wrap(err)
	} else if l.Failed {
		l.Failed = false
		return res, ErrTaskFailed
	} else {
		return res, nil
	}
}

func (v *VM) eventLoop() (*scheduler.Loop, error) {
	if v.loop == nil {
		l, err := scheduler.New(v.m, v.m.Stderr)
		if err != nil {
			return nil, err
		}
		v.loop = l
	}
	return v.loop, nil
}

// Close releases the VM's event loop and every socket its scripts left open.
func (v *VM) Close() error {
	if v.loop != nil {
		v.loop.Close()
		v.loop = nil
	}
	return nil
}

// watch cancels every task when ctx ends: each task's pending yield throws
// kind cancelled, and a task busy computing is interrupted. A script that
// swallows the cancellation and keeps computing is interrupted again every
// 100 ms until the run returns. The returned function stops watching.
func (v *VM) watch(ctx context.Context) func() {
	if ctx == nil || ctx.Done() == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-ctx.Done():
		case <-done:
			return
		}
		cancelled := func() *vm.Error {
			e := vm.NewError(vm.KindCancelled, "cancelled by the host: "+ctx.Err().Error())
			e.Cause = ctx.Err()
			return e
		}
		l := v.loop
		l.Post(func() { l.CancelAll(cancelled()) })
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			v.m.Interrupt(cancelled())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		v.m.ClearInterrupt()
	}
}

func (v *VM) wrap(err error) error {
	e, ok := err.(*vm.Error)
	if !ok {
		return err
	}
	if code, ok := e.ExitCode(); ok {
		return &ExitError{Code: code}
	}
	tb := ""
	if e.Trace != nil {
		tb = e.Traceback()
	}
	return &Error{Kind: e.Kind, Message: e.Message, Traceback: tb, err: e}
}

// Eval runs REPL input in the VM's main module, one top-level statement at a
// time; globals persist between calls. For each expression statement whose value
// is not nil it calls echo with the value as it would appear inside a list. It
// stops at the first statement that fails and returns that error.
func (v *VM) Eval(ctx context.Context, name, src string, echo func(string)) error {
	f, err := parser.ParseFile(name, []byte(src))
	if err != nil {
		var pe *parser.Error
		if errors.As(err, &pe) {
			return &CompileError{Err: pe, Source: []byte(src)}
		}
		return err
	}
	for _, stmt := range f.Stmts {
		one := &parser.File{Name: f.Name, Stmts: []parser.Stmt{stmt}}
		prog, err := compile.Compile(one, &compile.Env{Globals: v.main.Names(), Builtins: v.m.BuiltinNames(), ReturnLast: true})
		if err != nil {
			var pe *parser.Error
			if errors.As(err, &pe) {
				return &CompileError{Err: pe, Source: []byte(src)}
			}
			return err
		}
		val, err := v.Run(ctx, &Program{prog: prog})
		if err != nil {
			return err
		}
		if !val.IsNil() && echo != nil {
			echo(vm.Repr(val))
		}
	}
	return nil
}

// SetNative defines a global function over script values, the low-level form
// of a host function: it gets the arguments as values and returns a value or an
// error (a *vm.Error keeps its kind; any other error becomes kind "error").
func (v *VM) SetNative(name string, fn vm.NativeFunc) {
	v.main.SetGlobal(name, vm.NewNative(name, fn))
}
