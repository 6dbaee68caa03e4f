package yieldscript

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"sync/atomic"
	"time"

	"github.com/yieldscript/yieldscript/lang/compile"
	"github.com/yieldscript/yieldscript/lang/parser"
	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

// RunFile runs a script file as the main program (see RunString). Its file
// imports are relative to it, and need Options.ImportRoot.
func (v *VM) RunFile(ctx context.Context, path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return v.RunString(ctx, path, string(src))
}

// RunString runs source code as the main program; name is used in positions.
// It returns when the program has ended: its top level and every task it
// spawned have ended, or a task called os.exit (*ExitError), or an error
// escaped the top level (*Error, with the traceback). When the program ended
// normally but an error escaped a task nobody waited on, it returns
// ErrTaskFailed. Cancelling ctx cancels every task of the program: their
// pending yields throw kind "cancelled", their finally blocks run, and the
// error returned satisfies errors.Is(err, context.Canceled) (or
// DeadlineExceeded). Top-level globals stay defined in the VM afterwards.
func (v *VM) RunString(ctx context.Context, name, src string) error {
	_, err := v.runProgram(ctx, func() (*compile.Program, error) {
		v.main.File = name
		env := v.env(false)
		return compileSource(name, []byte(src), &env)
	}, nil)
	return err
}

// Run runs a compiled program as the main program, as RunString does, and
// returns the value of its last statement when that is an expression
// (otherwise nil). A program can run many times, but only in the VM that
// compiled it.
func (v *VM) Run(ctx context.Context, p *Program) (any, error) {
	if p == nil {
		return nil, errors.New("yieldscript: Run: nil program")
	}
	if p.v != v {
		return nil, errors.New("yieldscript: Run: the program was compiled by another VM")
	}
	var out any
	_, err := v.runProgram(ctx, p.current, func(x vm.Value) error {
		var err error
		out, err = v.fromValue(x)
		return err
	})
	return out, err
}

// Eval runs REPL input in the VM's main module, one top-level statement at a
// time; globals persist between calls. For each expression statement whose value
// is not nil it calls echo with the value as it would appear inside a list. It
// stops at the first statement that fails and returns that error.
func (v *VM) Eval(ctx context.Context, name, src string, echo func(string)) error {
	f, err := parser.ParseFile(name, []byte(src))
	if err != nil {
		return sourceError(err, []byte(src))
	}
	for _, stmt := range f.Stmts {
		one := &parser.File{Name: f.Name, Stmts: []parser.Stmt{stmt}}
		var shown string
		_, err := v.runProgram(ctx, func() (*compile.Program, error) {
			env := v.env(true)
			prog, err := compile.Compile(one, &env)
			if err != nil {
				return nil, sourceError(err, []byte(src))
			}
			return prog, nil
		}, func(x vm.Value) error {
			if !x.IsNil() {
				shown = vm.Repr(x)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if shown != "" && echo != nil {
			echo(shown)
		}
	}
	return nil
}

// runProgram compiles (on the loop) and runs a program in the main module.
func (v *VM) runProgram(ctx context.Context, compileIt func() (*compile.Program, error), result func(vm.Value) error) (vm.Value, error) {
	return vm.Nil, v.runGroup(ctx, true, func() (vm.Value, []vm.Value, error) {
		prog, err := compileIt()
		if err != nil {
			return vm.Nil, nil, err
		}
		return v.m.Load(prog, v.main), nil, nil
	}, result)
}

// Call calls the global function name with args converted to script values
// (see convert.go) and returns its result converted to Go. A coroutine
// function runs as a task of its own, so it may yield. Call returns when the
// function has returned; tasks it spawned go on running in the VM. Cancelling
// ctx cancels the call's task and the tasks it spawned, as for RunString.
// Calls from many goroutines at once are safe; they run one at a time on the
// VM's loop, interleaved at their yields. When the loop is idle, the call
// runs on the caller's goroutine instead (see doc/embedding.md).
func (v *VM) Call(ctx context.Context, name string, args ...any) (any, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := v.callable(ctx); err != nil {
		return nil, err
	}
	if v.enter() {
		return v.callNow(ctx, name, args)
	}
	// A queued call hands its arguments to the loop: a copy, so that the
	// caller's variadic slice stays on its stack (a direct call makes none).
	return v.callValue(ctx, func() (vm.Value, error) { return v.global(name) }, slices.Clone(args))
}

// callable reports why no call can start now, if one cannot.
func (v *VM) callable(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if v.loopErr != nil {
		return v.loopErr
	}
	if v.closed.Load() {
		return ErrClosed
	}
	return nil
}

// global is the function Call calls. On the loop.
func (v *VM) global(name string) (vm.Value, error) {
	fn, ok := v.main.Global(name)
	if !ok {
		return vm.Nil, fmt.Errorf("yieldscript: Call: no function named %s is defined", name)
	}
	return fn, nil
}

// callNow is Call run on the caller's goroutine, which holds the loop's lock
// (enter): the function's task starts and runs here until it returns or
// first waits. A call that ends here makes no channel, closure or task of its
// own (the scheduler reuses those of the last call: Loop.Recycle); one that
// waits is left to the loop, and Call waits for its end as a queued call does.
func (v *VM) callNow(ctx context.Context, name string, args []any) (out any, err error) {
	v.direct.Add(1)
	entered := true
	defer func() {
		if entered {
			v.leave(false)
		}
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("yieldscript: internal error: %v\n%s", r, debug.Stack())
		}
	}()
	fn, err := v.global(name)
	if err != nil {
		return nil, err
	}
	if err := callableValue(fn); err != nil {
		return nil, err
	}
	vals := v.argBuf[:0]
	for i, a := range args {
		x, err := v.toValue(a)
		if err != nil {
			clear(vals)
			return nil, fmt.Errorf("yieldscript: Call: argument %d: %w", i+1, err)
		}
		vals = append(vals, x)
	}
	q := v.spareQuota
	v.spareQuota = nil
	if q == nil {
		q = &vm.Quota{MaxSteps: v.opts.MaxSteps, MaxBytes: v.opts.MaxAlloc}
	} else {
		q.Reset()
	}
	// While the call computes here nothing else can deliver a cancellation
	// from ctx: the task's own checks poll it.
	if ctx.Done() != nil {
		q.Cancel = ctx
	}
	g, err := v.loop.StartNow(fn, vals, scheduler.GroupOptions{Quota: q})
	clear(vals)
	v.argBuf = vals[:0]
	q.Cancel = nil
	if err != nil {
		return nil, wrapError(err, ctx)
	}
	if g.Ended() {
		out, err = v.callOutcome(ctx, g)
		if v.loop.Recycle(g) {
			// Nothing but this call saw the group, its task or the quota:
			// the next call reuses them.
			v.spareQuota = q
		}
		return out, err
	}
	// The task waits: the loop finishes it, and reads the outcome there; a
	// cancellation from ctx reaches it as for a queued call.
	waiting := g // (g itself is not captured, so it stays off the heap)
	stop := v.watch(ctx, func() {
		if !waiting.Ended() {
			waiting.Cancel(cancelError(ctx))
		}
	}, q)
	var late any
	done := make(chan error, 1)
	waiting.SetOnEnd(func(g *scheduler.Group) {
		done <- protect(func() error {
			var err error
			late, err = v.callOutcome(ctx, g)
			return err
		})
	})
	entered = false
	v.leave(true)
	err = v.result(done)
	stop()
	return late, err
}

// callableValue reports why fn cannot be called from the host, if it cannot.
func callableValue(fn vm.Value) error {
	switch fn.Kind() {
	case vm.KFunc:
		return nil
	case vm.KNative:
		return fmt.Errorf("yieldscript: Call: %s is a Go function: call it from Go directly", fn.AsNative().Name)
	}
	return fmt.Errorf("yieldscript: Call: cannot call %s", fn.TypeName())
}

// callOutcome is the result of a call's group that ended. On the loop.
func (v *VM) callOutcome(ctx context.Context, g *scheduler.Group) (any, error) {
	if code, ok := g.ExitCode(); ok {
		return nil, &ExitError{Code: code}
	}
	val, err := g.Main().Result()
	if err != nil {
		return nil, wrapError(err, ctx)
	}
	return v.fromValue(val)
}

// callValue runs the function lookup gives (on the loop) as the main task of
// a group that ends with it.
func (v *VM) callValue(ctx context.Context, lookup func() (vm.Value, error), args []any) (any, error) {
	var out any
	err := v.runGroup(ctx, false, func() (vm.Value, []vm.Value, error) {
		fn, err := lookup()
		if err != nil {
			return vm.Nil, nil, err
		}
		vals := make([]vm.Value, len(args))
		for i, a := range args {
			if vals[i], err = v.toValue(a); err != nil {
				return vm.Nil, nil, fmt.Errorf("yieldscript: Call: argument %d: %w", i+1, err)
			}
		}
		switch fn.Kind() {
		case vm.KFunc:
			return fn, vals, nil
		case vm.KNative:
			return vm.Nil, nil, fmt.Errorf("yieldscript: Call: %s is a Go function: call it from Go directly", fn.AsNative().Name)
		}
		return vm.Nil, nil, fmt.Errorf("yieldscript: Call: cannot call %s", fn.TypeName())
	}, func(x vm.Value) error {
		var err error
		out, err = v.fromValue(x)
		return err
	})
	return out, err
}

// runGroup starts, on the loop, the function that start gives as the main task
// of a new group, waits for the group to end, and turns its outcome into the
// result (given to result on the loop) or an error. It costs one round trip
// to the loop: the start and the end report on the same channel.
func (v *VM) runGroup(ctx context.Context, program bool, start func() (vm.Value, []vm.Value, error), result func(vm.Value) error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := v.callable(ctx); err != nil {
		return err
	}
	entered := v.enter()
	if !entered && v.onLoop() {
		return ErrReentrant
	}
	q := &vm.Quota{MaxSteps: v.opts.MaxSteps, MaxBytes: v.opts.MaxAlloc}
	var g *scheduler.Group // set and read under the loop's lock only
	done := make(chan error, 1)
	start1 := func() {
		err := protect(func() error {
			fn, args, err := start()
			if err != nil {
				return err
			}
			g, err = v.loop.Start(fn, args, scheduler.GroupOptions{
				Program: program,
				Quota:   q,
				OnEnd: func(g *scheduler.Group) {
					done <- protect(func() error { return v.outcome(ctx, g, program, result) })
				},
			})
			if err != nil {
				return wrapError(err, ctx)
			}
			return nil
		})
		if err != nil {
			done <- err
		}
	}
	stop := v.watch(ctx, func() {
		if g != nil && !g.Ended() {
			g.Cancel(cancelError(ctx))
		}
	}, q)
	defer stop()
	if entered {
		// The loop is idle: the run starts here, on the caller's
		// goroutine, and goes as far as it can without waiting; what is
		// left the loop finishes.
		v.direct.Add(1)
		start1()
		var err error
		if g != nil {
			err = v.loop.RunReady()
		}
		v.leave(g != nil && !g.Ended())
		if err != nil {
			return err
		}
	} else {
		v.loop.Post(start1)
	}
	err := v.result(done)
	if program {
		// What the program printed reaches the writers before it returns
		// (the loop queued it when the group ended). A Call does not wait:
		// output another run left backed up must not hold up a call.
		v.out.Sync()
	}
	return err
}

func cancelError(ctx context.Context) *vm.Error {
	e := vm.NewError(vm.KindCancelled, "cancelled by the host: "+ctx.Err().Error())
	e.Cause = ctx.Err()
	return e
}

// outcome is the result of a group that ended. On the loop.
func (v *VM) outcome(ctx context.Context, g *scheduler.Group, program bool, result func(vm.Value) error) error {
	if code, ok := g.ExitCode(); ok {
		return &ExitError{Code: code}
	}
	val, err := g.Main().Result()
	if err != nil {
		return wrapError(err, ctx)
	}
	if result != nil {
		if err := result(val); err != nil {
			return err
		}
	}
	if program && g.Failed() {
		return ErrTaskFailed
	}
	return nil
}

// watch cancels the run's tasks when ctx ends: cancel (run on the loop)
// makes each task's pending yield throw kind cancelled, and the quota's
// interrupt stops a task busy computing (one that keeps the loop from
// answering for 100 ms). A script that swallows the cancellation and keeps
// computing is interrupted again every 100 ms until the run ends. The
// returned function stops watching, and reports whether ctx had ended.
func (v *VM) watch(ctx context.Context, cancel func(), q *vm.Quota) (stop func() (ended bool)) {
	if ctx.Done() == nil {
		return noWatch
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	stopAfter := context.AfterFunc(ctx, func() {
		defer close(finished)
		// The cancellation reaches each task at its pending yield. Only a
		// task computing without yielding keeps the loop from taking what is
		// posted to it: when the loop has not answered within 100 ms, the
		// quota's interrupt stops that computation. An interrupt set while
		// the loop is idle would instead strike whichever task runs next, in
		// the middle of the finally blocks the cancellation runs.
		var answered atomic.Bool
		v.loop.Post(func() { answered.Store(true); cancel() })
		every := v.busyAfter
		if every <= 0 {
			every = 100 * time.Millisecond
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			if !answered.Swap(false) {
				q.Interrupt(cancelError(ctx))
			}
			v.loop.Post(func() { answered.Store(true) })
		}
	})
	return func() bool {
		close(done)
		if !stopAfter() {
			<-finished // the watcher ran: wait until it has stopped
			return true
		}
		return false
	}
}

// noWatch is watch's answer for a context that never ends.
func noWatch() bool { return false }
