package yieldscript

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/yieldscript/yieldscript/lang/compile"
	"github.com/yieldscript/yieldscript/lang/parser"
	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

// This file is what interactive tools (the REPL, the backdoor, the test
// runner) need beyond running programs: statements whose tasks outlive them,
// and a look at the tasks alive in the VM.

// EvalLive runs REPL input as Eval does, one top-level statement at a time,
// except that each statement ends with its own code: the tasks it spawned go
// on running in the VM after EvalLive returns (a server spawned at a prompt
// keeps serving while the prompt waits). echo is called from the goroutine
// that writes the VM's output, in its place among that output (after what the
// statement printed, before what tasks print later), and before EvalLive
// returns. Cancelling ctx cancels the statement
// running and the tasks it spawned that are still alive while it runs; tasks
// spawned by statements that have ended are left alone.
func (v *VM) EvalLive(ctx context.Context, name, src string, echo func(string)) error {
	f, err := parser.ParseFile(name, []byte(src))
	if err != nil {
		return sourceError(err, []byte(src))
	}
	for _, stmt := range f.Stmts {
		one := &parser.File{Name: f.Name, Stmts: []parser.Stmt{stmt}}
		err := v.runGroup(ctx, false, func() (vm.Value, []vm.Value, error) {
			env := v.env(true)
			prog, err := compile.Compile(one, &env)
			if err != nil {
				return vm.Nil, nil, sourceError(err, []byte(src))
			}
			return v.m.Load(prog, v.main), nil, nil
		}, func(x vm.Value) error {
			if !x.IsNil() && echo != nil {
				shown := vm.Repr(x)
				v.m.Flush()
				v.out.Call(func() { echo(shown) })
			}
			return nil
		})
		// What the statement printed (and its echo) is written before the
		// next prompt.
		v.out.Sync()
		if err != nil {
			return err
		}
	}
	return nil
}

// FailedTasks counts the errors that escaped a task nobody waited on (each was
// reported on Stderr) since the VM was made.
func (v *VM) FailedTasks() int {
	var n int
	v.do(func() error {
		n = v.loop.Failures
		return nil
	})
	return n
}

// TaskInfo describes a live task: its number, state ("ready", "running" or
// "waiting"), the file:line where it is (a waiting task's yield), what it
// waits for, and its traceback, outermost frame first.
type TaskInfo struct {
	ID    int64
	Name  string // given by spawn_named, or ""
	State string
	Where string
	On    string
	Trace []string
}

// Header names the task and says its state and what it waits on, as a task
// dump shows it: task 3 "fetcher" [waiting on sleep 10s].
func (t TaskInfo) Header() string { return scheduler.TaskHeader(t.ID, t.Name, t.State, t.On) }

// Tasks describes the tasks alive in the VM, oldest first.
func (v *VM) Tasks() ([]TaskInfo, error) {
	var out []TaskInfo
	err := v.do(func() error {
		for _, ti := range v.loop.Snapshot() {
			info := TaskInfo{ID: ti.ID, Name: ti.Name, State: ti.State, Where: ti.Where, On: ti.On}
			for _, f := range ti.Trace {
				info.Trace = append(info.Trace, f.String())
			}
			out = append(out, info)
		}
		return nil
	})
	return out, err
}

// DumpTasks writes every live task with its state, what it waits on and its
// traceback (what SIGQUIT prints in the yieldscript command). It runs on the
// loop, between two turns: while a task computes without yielding the dump
// waits for it, and DumpTasks returns ErrBusy after wait (the dump is still
// written when the loop gets to it).
func (v *VM) DumpTasks(w io.Writer, wait time.Duration) error {
	if v.loopErr != nil {
		return v.loopErr
	}
	if v.closed.Load() {
		return ErrClosed
	}
	if v.onLoop() {
		v.loop.Dump(w)
		return nil
	}
	// The dump is made on the loop and written by another goroutine, so
	// that a w that blocks never holds up the loop.
	done := make(chan struct{})
	v.loop.Post(func() {
		var b bytes.Buffer
		v.loop.Dump(&b)
		go func() {
			defer close(done)
			w.Write(b.Bytes())
		}()
	})
	select {
	case <-done:
		return nil
	case <-v.served:
		return ErrClosed
	case <-time.After(wait):
		return ErrBusy
	}
}

// ErrBusy is returned by DumpTasks when the loop did not get to the dump in
// time: a task is computing without yielding.
var ErrBusy = errors.New("yieldscript: the event loop is busy (a task runs without yielding)")

// CancelTasks cancels every live task (their pending yields throw kind
// cancelled and their finally blocks run).
func (v *VM) CancelTasks() error {
	return v.do(func() error {
		v.loop.CancelAll(nil)
		return nil
	})
}

// WaitTasks waits until no task is alive in the VM, or the ones left can never
// run again (each waits for another), or ctx ends. What the tasks printed has
// been written when it returns.
func (v *VM) WaitTasks(ctx context.Context) error {
	for {
		var over bool
		if err := v.do(func() error {
			over = v.loop.Live() == 0 || v.loop.Idle()
			return nil
		}); err != nil {
			return err
		}
		if over {
			v.out.Sync()
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Completions lists the names that may complete prefix, an identifier or a
// dotted path (net.conn): globals and builtins, the members of a module
// global, or the methods of a global holding a string or a list. Each is the whole completed text (net.connect).
func (v *VM) Completions(prefix string) []string {
	var out []string
	v.do(func() error {
		if i := strings.LastIndexByte(prefix, '.'); i >= 0 {
			head, tail := prefix[:i], prefix[i+1:]
			if strings.Contains(head, ".") {
				return nil
			}
			val, ok := v.main.Global(head)
			if !ok {
				return nil
			}
			if names := vm.MethodNames(val); names != nil {
				// A string's or a list's built-in methods.
				for _, n := range names {
					if strings.HasPrefix(n, tail) {
						out = append(out, head+"."+n)
					}
				}
				return nil
			}
			if val.Kind() != vm.KObject {
				return nil
			}
			mod, ok := val.AsObject().(*vm.Module)
			if !ok {
				return nil
			}
			for _, n := range mod.Names() {
				if strings.HasPrefix(n, tail) {
					out = append(out, head+"."+n)
				}
			}
			return nil
		}
		for _, n := range v.main.Names() {
			if _, ok := v.main.Global(n); ok && strings.HasPrefix(n, prefix) {
				out = append(out, n)
			}
		}
		for _, n := range v.m.BuiltinNames() {
			if strings.HasPrefix(n, prefix) {
				out = append(out, n)
			}
		}
		return nil
	})
	sort.Strings(out)
	return slices.Compact(out)
}

// Functions lists the global script functions of the main module whose names
// start with prefix, in the order they were defined (a test runner's
// test_* functions).
func (v *VM) Functions(prefix string) []string {
	var out []string
	v.do(func() error {
		for _, n := range v.main.Names() {
			if val, ok := v.main.Global(n); ok && val.Kind() == vm.KFunc && strings.HasPrefix(n, prefix) {
				out = append(out, n)
			}
		}
		return nil
	})
	return out
}

// Done is closed when the VM has been closed and its loop has stopped (for
// goroutines that serve the VM, such as the backdoor's, to stop with it).
func (v *VM) Done() <-chan struct{} { return v.served }
