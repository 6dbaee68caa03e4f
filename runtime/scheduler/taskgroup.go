package scheduler

import (
	"fmt"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// TaskGroup is the script's `group` (yield group(body)): the body, run as a
// task of its own, and every task started with g.spawn. The group ends when
// all of them have ended. The first error (of the body or a task) cancels the
// others; later errors other than those cancellations are kept in .others.
type TaskGroup struct {
	vm.ObjectHeader
	l    *Loop
	body *Task
	live int // tasks of the group not yet ended (the body included)

	w          Waker     // the task waiting in `yield group(...)`, nil once detached
	result     vm.Value  // the body's return value
	first      *vm.Error // the first error, thrown from the yield
	others     []*vm.Error
	cancelling bool // the group is cancelling its tasks
	ended      bool
	onEnd      func()  // resumes the cancelled waiter once every task has ended
	tasks      []*Task // live tasks of the group, for cancellation
}

// groupOp is the awaitable group(body) returns.
type groupOp struct {
	once
	body  vm.Value
	trace []vm.Site
	g     *TaskGroup
}

func (*groupOp) TypeName() string { return "group" }
func (*groupOp) Awaitable()       {}

func (op *groupOp) Await(l *Loop, w Waker) Canceler {
	if err := op.take("group()"); err != nil {
		w.Wake(vm.Nil, err)
		return nil
	}
	g := &TaskGroup{l: l, w: w}
	op.g = g
	t, err := g.spawn(op.body, []vm.Value{g.Value(g)}, op.trace, "")
	if err != nil {
		w.Wake(vm.Nil, vm.AsError(err))
		return nil
	}
	g.body = t
	return op
}

// Cancel cancels the whole group: the task waiting in it was cancelled.
func (op *groupOp) Cancel() {
	g := op.g
	g.w = nil
	g.cancelAll()
}

// cancelAndWait cancels the group for a waiter that was cancelled, and
// resumes it only once every task of the group has ended (their finally
// blocks ran).
func (op *groupOp) cancelAndWait(resume func()) {
	g := op.g
	g.w = nil
	if g.live == 0 {
		resume()
		return
	}
	g.onEnd = resume
	g.cancelAll()
}

// spawn starts a task of the group. Into a group that is cancelling, the task
// starts cancelled (it never runs).
func (g *TaskGroup) spawn(fn vm.Value, args []vm.Value, at []vm.Site, name string) (*Task, error) {
	if g.ended {
		return nil, vm.NewError(vm.KindValue, "the group has ended: spawn its tasks while it runs")
	}
	t, err := g.l.Spawn(fn, args, at)
	if err != nil {
		return nil, err
	}
	x := t.setX()
	x.name = name
	x.tg = g
	t.observed = true
	g.live++
	x.tgIndex = len(g.tasks)
	g.tasks = append(g.tasks, t)
	if g.cancelling {
		t.groupCancelled = true
		t.interrupt(g.cancelError())
	}
	return t, nil
}

func (g *TaskGroup) cancelError() *vm.Error {
	e := vm.NewError(vm.KindCancelled, "cancelled by its group")
	return e
}

// cancelAll cancels every live task of the group.
func (g *TaskGroup) cancelAll() {
	if g.cancelling {
		return
	}
	g.cancelling = true
	for _, t := range append([]*Task(nil), g.tasks...) {
		if t.state != stateDone {
			t.groupCancelled = true
			t.interrupt(g.cancelError())
		}
	}
}

// taskEnded records the end of one of the group's tasks.
func (g *TaskGroup) taskEnded(t *Task) {
	// Swap-remove: the order of g.tasks does not matter.
	if i := t.more.tgIndex; i < len(g.tasks) && g.tasks[i] == t {
		last := g.tasks[len(g.tasks)-1]
		g.tasks[i] = last
		last.more.tgIndex = i
		g.tasks[len(g.tasks)-1] = nil
		g.tasks = g.tasks[:len(g.tasks)-1]
	}
	g.live--
	err := t.err
	if t == g.body && err == nil {
		g.result = t.val
	}
	if err != nil {
		_, exit := err.ExitCode()
		switch {
		case exit:
			// os.exit ends the program; nothing of the group matters.
		case t.groupCancelled && err.Kind == vm.KindCancelled:
			// the group's own cancellation
		case g.w == nil:
			// Nobody waits for the group any more: report it, as for a task.
			if err.Kind != vm.KindCancelled {
				g.l.report(t, err)
			}
		case g.first == nil:
			g.first = err
			g.cancelAll()
		default:
			g.others = append(g.others, err)
		}
	}
	if g.live == 0 {
		g.ended = true
		if f := g.onEnd; f != nil {
			g.onEnd = nil
			f()
		}
		if w := g.w; w != nil {
			g.w = nil
			if g.first != nil {
				g.first.Others = g.others
				w.Wake(vm.Nil, g.first)
			} else {
				w.Wake(g.result, nil)
			}
		}
	}
}

// TypeName implements vm.Object.
func (*TaskGroup) TypeName() string { return "group" }

func (g *TaskGroup) String() string {
	return fmt.Sprintf("<group of %d live task%s>", g.live, plural(g.live))
}

// GetAttr implements vm.AttrGetter: g.spawn(f, args...), g.spawn_named(name,
// f, args...), g.cancel().
func (g *TaskGroup) GetAttr(_ *vm.Task, name string) (vm.Value, error) {
	switch name {
	case "spawn":
		return vm.NewNative("spawn", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
			fn, rest, err := spawnArgs("spawn", args)
			if err != nil {
				return vm.Nil, err
			}
			t, err := g.spawn(fn, rest, sitesOf(vt), "")
			if err != nil {
				return vm.Nil, err
			}
			return t.Val(), nil
		}), nil
	case "spawn_named":
		return vm.NewNative("spawn_named", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
			name, fn, rest, err := spawnNamedArgs("spawn_named", args)
			if err != nil {
				return vm.Nil, err
			}
			t, err := g.spawn(fn, rest, sitesOf(vt), name)
			if err != nil {
				return vm.Nil, err
			}
			return t.Val(), nil
		}), nil
	case "cancel":
		return vm.NewNative("cancel", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.CheckArgs("cancel", args, 0, 0); err != nil {
				return vm.Nil, err
			}
			g.cancelAll()
			return vm.Nil, nil
		}), nil
	}
	return vm.Nil, vm.Errorf(vm.KindType, "group has no field or method %s", name)
}

// spawnArgs checks spawn's arguments: a coroutine, or a function and its
// arguments.
func spawnArgs(fname string, args []vm.Value) (vm.Value, []vm.Value, error) {
	if len(args) == 0 {
		return vm.Nil, nil, vm.ArgError(fname, 1, -1, 0)
	}
	fn := args[0]
	rest := args[1:]
	if fn.Kind() == vm.KCoroutine && len(rest) > 0 {
		return vm.Nil, nil, vm.NewError(vm.KindType, fname+"() takes no extra arguments with a coroutine")
	}
	if fn.Kind() != vm.KCoroutine && fn.Kind() != vm.KFunc && fn.Kind() != vm.KNative {
		return vm.Nil, nil, vm.TypeArgError(fname, 1, "a coroutine or a function", fn)
	}
	return fn, append([]vm.Value(nil), rest...), nil
}

// spawnNamedArgs checks spawn_named's arguments: a name, then as spawn.
func spawnNamedArgs(fname string, args []vm.Value) (string, vm.Value, []vm.Value, error) {
	if len(args) < 2 {
		return "", vm.Nil, nil, vm.ArgError(fname, 2, -1, len(args))
	}
	if args[0].Kind() != vm.KStr {
		return "", vm.Nil, nil, vm.TypeArgError(fname, 1, "a string (the task's name)", args[0])
	}
	if k := args[1].Kind(); k != vm.KCoroutine && k != vm.KFunc && k != vm.KNative {
		return "", vm.Nil, nil, vm.TypeArgError(fname, 2, "a coroutine or a function", args[1])
	}
	fn, rest, err := spawnArgs(fname, args[1:])
	if err != nil {
		return "", vm.Nil, nil, err
	}
	return args[0].AsStr(), fn, rest, nil
}
