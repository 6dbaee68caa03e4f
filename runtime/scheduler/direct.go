package scheduler

import (
	"fmt"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// Calls run at once by the host. A host goroutine that holds the loop's lock
// (TryEnter) starts a call's group and runs its main task on its own goroutine
// (StartNow). Most such calls are of a plain function that returns without
// waiting, spawning a task or handing its own task to the script: once the
// host has read the outcome, nothing refers to the group, its main task or
// the machine task, and Recycle keeps them for the next StartNow, which then
// makes nothing.

// directCalls is the loop's part of StartNow and Recycle.
type directCalls struct {
	g     *Group // what the next StartNow reuses (nil: nothing)
	t     *Task
	plain *Group // the last group StartNow made, if fn was a plain function
}

// StartNow starts fn(args...) as the main task of a new group, as Start does,
// and runs it at once on the calling goroutine, which holds the loop's lock
// (TryEnter), until it returns or first waits; then the loop carries it on.
// Other ready tasks are left to the loop. The group has no Done channel; set
// its OnEnd (SetOnEnd) before giving the lock back if it has not ended. A
// panic that escapes (a bug outside any task) is returned as an error.
func (l *Loop) StartNow(fn vm.Value, args []vm.Value, opts GroupOptions) (g *Group, err error) {
	if l.MaxTasks > 0 && l.live >= l.MaxTasks {
		return nil, vm.Errorf(vm.KindLimit, "task limit of %d live tasks reached", l.MaxTasks)
	}
	s := l.direct
	l.direct.g, l.direct.t = nil, nil
	var vt *vm.Task
	if s.t != nil {
		vt = s.t.vt
	}
	if vt, err = l.M.Reuse(vt, fn, args); err != nil {
		l.direct.g, l.direct.t = s.g, s.t
		return nil, err
	}
	// As Spawn and Start do, for a task that belongs to the new group and
	// runs now rather than from the ready queue.
	t, g := s.t, s.g
	if t == nil {
		t, g = &Task{}, &Group{}
	}
	*t = Task{l: l, vt: vt}
	*g = Group{l: l, opts: opts, main: t, live: 1}
	vt.Data = t
	vt.Quota = opts.Quota
	l.nextID++
	t.id = l.nextID
	t.group = g
	l.live++
	t.next = l.tasks
	if l.tasks != nil {
		l.tasks.prev = t
	}
	l.tasks = t
	l.groups = append(l.groups, g)
	l.direct.plain = nil
	if !vm.IsCoroutine(fn) {
		l.direct.plain = g
	}
	defer func() {
		if r := recover(); r != nil {
			l.current = nil
			err = fmt.Errorf("event loop: internal error: %v", r)
		}
	}()
	sw := l.M.Switch
	l.M.Switch = nil // no switch to the loop's tasks from the host's goroutine
	l.step(t)
	l.M.Switch = sw
	return g, nil
}

// SetOnEnd sets the function run when the group ends (GroupOptions.OnEnd).
// On the loop, before the group has ended.
func (g *Group) SetOnEnd(fn func(*Group)) { g.opts.OnEnd = fn }

// Recycle lets the next StartNow reuse the group StartNow made, and its main
// task, once the host has read the outcome, if nothing can refer to them: the
// group has ended with its main task, which returned without the script
// holding it as a value, no task was spawned since it started (none shares
// the group's quota either), and fn was not a coroutine function (whose waits
// may have left the task with those it waited for). It reports whether it
// kept them; then the host may reuse the quota too. Call it holding the
// loop's lock, and never use g afterwards.
func (l *Loop) Recycle(g *Group) bool {
	t := g.main
	if !g.ended || g.live != 0 || g.exit != nil || g.failed || t.state != stateDone ||
		t.id != l.nextID || t.Valued() || t.joiner != nil || t.more != nil || t.shielded ||
		l.direct.plain != g {
		return false
	}
	t.val, t.err = vm.Nil, nil
	g.opts = GroupOptions{}
	l.direct = directCalls{g: g, t: t}
	return true
}
