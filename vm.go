package yieldscript

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yieldscript/yieldscript/lang/compile"
	"github.com/yieldscript/yieldscript/lang/parser"
	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
	"github.com/yieldscript/yieldscript/stdlib"
	"github.com/yieldscript/yieldscript/stdlib/builtins"
)

// VM is one YieldScript interpreter with its own event loop. Its methods are
// safe for concurrent use: each is queued onto the loop, which runs on a
// goroutine of its own until Close.
type VM struct {
	opts Options
	m    *vm.Machine
	main *vm.Module
	loop *scheduler.Loop
	pool *scheduler.Pool
	out  *scheduler.Output

	// ctx is cancelled by Close; asynchronous Go functions get contexts
	// derived from it.
	ctx    context.Context
	cancel context.CancelFunc

	stop    chan struct{}  // closed by Close: the loop stops
	served  chan struct{}  // closed when the loop has stopped
	loopG   atomic.Uintptr // curg of the loop's goroutine
	directG atomic.Uintptr // curg of a host goroutine running loop work directly, or 0
	direct  atomic.Int64   // calls that ran directly (tests read it)
	// argBuf and spareQuota are what the next direct call reuses (callNow);
	// they belong to whoever holds the loop's lock.
	argBuf     []vm.Value
	spareQuota *vm.Quota
	closeOnce  sync.Once
	closed     atomic.Bool
	loopErr    error

	// busyAfter is how long the loop may go without answering after a run's
	// context ends before the task computing is interrupted (watch); 0 is
	// the default, 100 ms.
	busyAfter time.Duration
}

// newLoop makes the VM's event loop (a variable so tests can make it fail).
var newLoop = scheduler.New

// New makes a VM and starts its event loop. Close it to stop the loop and
// release what its scripts left open. If the loop cannot start (on a system
// with neither epoll nor kqueue the error says "unsupported platform" and
// matches errors.ErrUnsupported), every method that runs code returns why.
func New(opts Options) *VM {
	// Output is written on a goroutine of its own: a writer that blocks
	// holds up the tasks that print past the bound, never the loop.
	out := scheduler.NewOutput(guardWriter(opts.Stdout, os.Stdout), guardWriter(opts.Stderr, os.Stderr))
	m := vm.NewMachine(out.Stdout(), out.Stderr())
	if opts.MaxDepth > 0 {
		m.MaxDepth = opts.MaxDepth
		m.DepthKind = vm.KindLimit
	}
	m.LineBuffered = opts.LineBuffered
	m.Args = opts.Args
	m.Worker, m.Workers = opts.Worker, opts.Workers
	ctx, cancel := context.WithCancel(context.Background())
	v := &VM{
		out:    out,
		opts:   opts,
		m:      m,
		main:   vm.NewModule("main", ""),
		ctx:    ctx,
		cancel: cancel,
		stop:   make(chan struct{}),
		served: make(chan struct{}),
		pool:   scheduler.NewPool(orDefault(opts.MaxAsync, DefaultMaxAsync)),
	}
	l, err := newLoop(m, m.Stderr)
	if err != nil {
		// No event loop (an unsupported platform, or no descriptors left):
		// every method reports the error.
		v.loopErr = err
		close(v.served)
		v.closed.Store(true)
		return v
	}
	v.loop = l
	builtins.Install(l)
	l.SetOutput(out)
	l.MaxTasks = opts.MaxTasks
	l.SetVirtualTime(opts.VirtualClock)
	l.StartWatchdog(opts.BlockReport, opts.Preempt)
	idle := opts.IdleCollect
	if idle == 0 {
		idle = scheduler.DefaultIdleCollect
	}
	l.SetIdleCollect(idle)
	v.installModules()
	m.ResolvePath = func(from, path string) string {
		if filepath.IsAbs(path) {
			return filepath.Clean(path)
		}
		return filepath.Join(filepath.Dir(from), path)
	}
	if opts.ImportRoot != "" {
		m.LoadFile = v.loadFile
	}
	m.LoadSource = loadSource(m)
	started := make(chan struct{})
	go func() {
		defer close(v.served)
		v.loopG.Store(curg())
		close(started)
		l.Serve(v.stop)
		v.loopG.Store(0)
	}()
	<-started
	return v
}

// guardWriter returns w (or dflt when w is nil) made safe to call from the
// loop: a panic in the host's writer becomes a write error, as if the output
// could not be written. Unguarded, a panicking Stdout would fail every turn
// of the loop and a panicking Stderr would take the process down.
func guardWriter(w, dflt io.Writer) io.Writer {
	if w == nil {
		return dflt
	}
	if _, ok := w.(*os.File); ok {
		return w
	}
	return panicSafeWriter{w}
}

type panicSafeWriter struct{ w io.Writer }

func (p panicSafeWriter) Write(b []byte) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, fmt.Errorf("yieldscript: the output writer panicked: %v", r)
		}
	}()
	return p.w.Write(b)
}

func orDefault(n, dflt int) int {
	if n > 0 {
		return n
	}
	return dflt
}

// installModules makes the granted standard modules importable, and the
// others fail with a message saying why.
func (v *VM) installModules() {
	mods := v.opts.Modules
	if mods == nil {
		mods = SafeModules
	}
	for _, name := range stdlib.All {
		if !slices.Contains(mods, name) {
			v.m.Modules[name] = func(*vm.Machine) (vm.Value, error) {
				return vm.Nil, vm.Errorf(vm.KindValue,
					"module %s is not available here: the host program did not grant it (yieldscript.Options.Modules)", name)
			}
		}
	}
	stdlib.Install(v.m, v.loop, mods)
}

// Close stops the VM's event loop, cancels the contexts of asynchronous Go
// functions still running, and releases every socket its scripts left open.
// Tasks still running stop where they are. Methods called afterwards return
// ErrClosed. Close is safe to call more than once.
func (v *VM) Close() error {
	if v.loop == nil {
		return nil
	}
	v.closeOnce.Do(func() {
		v.closed.Store(true)
		v.cancel()
		if v.onLoop() {
			// Called from a Go function the loop runs: the loop stops when it
			// returns.
			close(v.stop)
			return
		}
		close(v.stop)
		<-v.served
		v.loop.Close()
		v.m.Flush()
		v.out.Sync()
	})
	return nil
}

// onLoop reports whether the caller runs loop work: it is the loop's goroutine,
// or a host goroutine running a call directly (see enter), inside a Go
// function a script called.
func (v *VM) onLoop() bool {
	g := curg()
	return g == v.loopG.Load() || g == v.directG.Load()
}

// enter takes the loop's lock when the loop is idle (blocked in its wait, or
// between turns), for the caller to run loop work on its own goroutine, and
// marks the goroutine as the loop's for onLoop. It reports false when the
// loop is busy, or the caller already runs loop work (then the lock is held
// by the caller itself). Give the lock back with leave.
func (v *VM) enter() bool {
	if !v.loop.TryEnter() {
		return false
	}
	v.directG.Store(curg())
	return true
}

// leave gives back the lock enter took; wake is as for scheduler.Loop.Leave.
func (v *VM) leave(wake bool) {
	v.directG.Store(0)
	v.loop.Leave(wake)
}

// do runs fn on the loop and returns its error. A panic in fn becomes an
// error. From the loop itself (a Go function a script called), fn runs at
// once; when the loop is idle, it runs on the caller's thread with the
// loop's lock held.
func (v *VM) do(fn func() error) error {
	if v.loopErr != nil {
		return v.loopErr
	}
	if v.closed.Load() {
		return ErrClosed
	}
	if v.enter() {
		err := protect(fn)
		v.leave(false)
		return err
	}
	if v.onLoop() {
		return protect(fn)
	}
	done := make(chan error, 1)
	v.loop.Post(func() { done <- protect(fn) })
	return v.result(done)
}

// result waits for the outcome of work posted to the loop, or for the VM to
// close first (then the work never ran, or ran to no one's use).
func (v *VM) result(done <-chan error) error {
	select {
	case err := <-done:
		return err
	case <-v.served:
		select {
		case err := <-done:
			return err
		default:
			return ErrClosed
		}
	}
}

// protect runs fn, turning a panic into an error.
func protect(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yieldscript: internal error: %v\n%s", r, debug.Stack())
		}
	}()
	return fn()
}

// loadFile compiles an imported source file, which must be inside the import root.
func (v *VM) loadFile(path string) (*compile.Program, error) {
	root, err := filepath.Abs(v.opts.ImportRoot)
	if err != nil {
		return nil, vm.Errorf(vm.KindIO, "cannot import %s: %v", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, vm.Errorf(vm.KindIO, "cannot import %s: %v", path, err)
	}
	if rel, err := filepath.Rel(root, abs); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, vm.Errorf(vm.KindValue, "cannot import %s: it is outside the import root %s", path, root)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, vm.Errorf(vm.KindIO, "cannot import %s: %v", path, errors.Unwrap(err))
	}
	name := filepath.Base(path)
	prog, err := compileSource(path, src, &compile.Env{Builtins: v.m.BuiltinNames(), MainName: "<module " + name[:len(name)-len(filepath.Ext(name))] + ">"})
	if err != nil {
		var ce *CompileError
		if errors.As(err, &ce) {
			return nil, vm.Errorf(vm.KindValue, "cannot import %s: %s", path, ce.Error())
		}
		return nil, err
	}
	return prog, nil
}

// loadSource is m's LoadSource hook: it parses and compiles the source of a
// module written partly in YieldScript against the module's globals.
func loadSource(m *vm.Machine) vm.LoadSourceFunc {
	return func(file string, src []byte, mod *vm.Module, mainName string) (vm.Value, error) {
		f, err := parser.ParseFile(file, src)
		if err != nil {
			return vm.Nil, err
		}
		prog, err := compile.Compile(f, &compile.Env{Globals: mod.Names(), Builtins: m.BuiltinNames(), MainName: mainName})
		if err != nil {
			return vm.Nil, err
		}
		return m.Load(prog, mod), nil
	}
}

func compileSource(name string, src []byte, env *compile.Env) (*compile.Program, error) {
	f, err := parser.ParseFile(name, src)
	if err != nil {
		return nil, sourceError(err, src)
	}
	prog, err := compile.Compile(f, env)
	if err != nil {
		return nil, sourceError(err, src)
	}
	return prog, nil
}

// sourceError turns a syntax or compile error found in src into a
// *CompileError that can show the line; other errors pass unchanged.
func sourceError(err error, src []byte) error {
	var pe *parser.Error
	if errors.As(err, &pe) {
		return &CompileError{Err: pe, Source: src}
	}
	return err
}

// Program is compiled source, ready to run in its VM as many times as needed.
type Program struct {
	v    *VM
	name string
	src  []byte
	prog *compile.Program
	env  compile.Env // what it was compiled against
}

// Compile parses and compiles source; name is used in error positions. The
// program sees the globals defined so far (SetGlobal, SetFunc, earlier runs):
// define the globals it uses before compiling it. When its last statement is
// an expression, Run returns that expression's value.
func (v *VM) Compile(name string, src []byte) (*Program, error) {
	var env compile.Env
	if err := v.do(func() error {
		env = v.env(true)
		return nil
	}); err != nil {
		return nil, err
	}
	prog, err := compileSource(name, src, &env)
	if err != nil {
		return nil, err
	}
	return &Program{v: v, name: name, src: src, prog: prog, env: env}, nil
}

// env is what a program compiled now may use: the main module's globals and
// the builtins. On the loop.
func (v *VM) env(returnLast bool) compile.Env {
	return compile.Env{
		Globals:    slices.Clone(v.main.Names()),
		Builtins:   slices.Clone(v.m.BuiltinNames()),
		ReturnLast: returnLast,
	}
}

// current returns the program compiled against the main module as it is now,
// compiling it again if globals were defined since it was compiled in a way
// that moved its own. On the loop.
func (p *Program) current() (*compile.Program, error) {
	names := p.v.main.Names()
	n := min(len(names), len(p.prog.Globals))
	if slices.Equal(names[:n], p.prog.Globals[:n]) && len(p.v.m.BuiltinNames()) == len(p.env.Builtins) {
		return p.prog, nil
	}
	env := p.v.env(p.env.ReturnLast)
	prog, err := compileSource(p.name, p.src, &env)
	if err != nil {
		return nil, err
	}
	p.prog, p.env = prog, env
	return prog, nil
}

// Disassemble writes the bytecode of a program.
func (p *Program) Disassemble(w io.Writer) { compile.Disassemble(w, p.prog) }
