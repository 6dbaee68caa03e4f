package scheduler

import (
	"fmt"
	"io"
	"strings"

	"github.com/yieldscript/yieldscript/lang/vm"
)

type taskState uint8

const (
	stateReady   taskState = iota // in the ready queue (or about to be)
	stateRunning                  // its code is running now
	stateWaiting                  // suspended at a yield on an awaitable
	stateDone
)

// Task is a coroutine scheduled on the loop: the script-visible `task` object.
type Task struct {
	vm.ObjectHeader
	l  *Loop
	vt *vm.Task
	id int64
	// more sits beside id: the watchdog's begin reads both on every step
	// that runs another task than the one before (every step of a server
	// with many connections), and a Task (176 bytes) is not line-aligned,
	// so a field at its end is often a line of its own.
	more *taskMore // what few tasks use, or nil

	// What the next step resumes the task with; once the task is done, its
	// outcome (val and err).
	val vm.Value
	err *vm.Error
	// the wait in progress
	canceler Canceler
	parkedOn string // the operation it parked in, as a task dump names it

	// The flags sit together: a server keeps one task per connection, and
	// each flag alone between wider fields would take a word.
	state     taskState
	started   bool
	inAwait   bool // inside Awaitable.Await: a Wake now completes synchronously
	wokeSync  bool
	handedOff bool // ready with the value its wait completed with
	parked    bool // waiting on a descriptor's slot, its pc on the call (FD.Park)
	// swept counts the stack sweeps that found the task waiting since it
	// last ran, up to 2, when its stack has been shrunk (shrink.go).
	swept           uint8
	cancelRequested bool
	observed        bool // someone waited on the task or read its result
	shielded        bool // shielded against the group's cancellation (shield.go)
	groupCancelled  bool // its group cancelled it
	hooked          bool // joiner is an EndHook (SetEndHook), not a joiner
	// grace is the shield's grace period in seconds (shield.go): a float32
	// fits in the padding after the flags, and a shielded task (every task
	// of an HTTP server) then needs no taskMore.
	grace float32

	joiner     Waker      // the first task waiting for this one to end, or nil (the others: more.joiners)
	spawnedAt  *[]vm.Site // where it was spawned (shared by the tasks spawned from one place), or nil
	prev, next *Task      // the loop's list of live tasks
	group      *Group     // the run the task belongs to (serve.go), or nil
}

// taskMore is the part of a Task that most tasks never use, allocated when
// first needed: a server keeps one task per connection, and none of these.
type taskMore struct {
	joiners []Waker // the joiners after the first
	// What the shield holds back (shield.go).
	pending    *vm.Error // the group's cancellation, held back
	graceTimer *Timer
	name       string     // given by spawn_named, or ""
	tg         *TaskGroup // the script group (group()) the task belongs to, or nil
	tgIndex    int        // its place in tg.tasks
	progress   int        // SetProgress's count for the call the task parked in
}

// noMore is what t.x() reads for a task without a taskMore: all zero.
var noMore taskMore

// x is t's taskMore for reading (never nil; do not write to it).
func (t *Task) x() *taskMore {
	if t.more != nil {
		return t.more
	}
	return &noMore
}

// setX is t's taskMore for writing, allocated on first use.
func (t *Task) setX() *taskMore {
	if t.more == nil {
		t.more = &taskMore{}
	}
	return t.more
}

// Name is the task's name ("" when it has none).
func (t *Task) Name() string { return t.x().name }

// label is `task N` or `task N "name"`.
func (t *Task) label() string { return taskLabel(t.id, t.x().name) }

func taskLabel(id int64, name string) string {
	if name != "" {
		return fmt.Sprintf("task %d %q", id, name)
	}
	return fmt.Sprintf("task %d", id)
}

// Spawn makes a task that calls fn (a function or an unstarted coroutine) with
// args, ready to run after the tasks already ready. spawnedAt is where the
// spawning task was, shown in tracebacks.
func (l *Loop) Spawn(fn vm.Value, args []vm.Value, spawnedAt []vm.Site) (*Task, error) {
	if l.MaxTasks > 0 && l.live >= l.MaxTasks {
		return nil, vm.Errorf(vm.KindLimit, "task limit of %d live tasks reached", l.MaxTasks)
	}
	vt, err := l.M.NewTask(fn, args)
	if err != nil {
		return nil, err
	}
	l.nextID++
	t := &Task{l: l, vt: vt, id: l.nextID, spawnedAt: l.shareSites(spawnedAt)}
	vt.Data = t
	if c := l.current; c != nil && c.group != nil {
		// A task spawned by a task of a group belongs to the group.
		t.group = c.group
		t.group.live++
		vt.Quota = c.vt.Quota
	}
	l.live++
	t.next = l.tasks
	if l.tasks != nil {
		l.tasks.prev = t
	}
	l.tasks = t
	l.ready.push(t)
	return t, nil
}

// unlink removes a finished task from the live list.
func (l *Loop) unlink(t *Task) {
	if t.prev != nil {
		t.prev.next = t.next
	} else if l.tasks == t {
		l.tasks = t.next
	}
	if t.next != nil {
		t.next.prev = t.prev
	}
	t.prev, t.next = nil, nil
}

// Tasks returns the live tasks, newest first.
func (l *Loop) Tasks() []*Task {
	var out []*Task
	for t := l.tasks; t != nil; t = t.next {
		out = append(out, t)
	}
	return out
}

// Live is the number of tasks that have not finished.
func (l *Loop) Live() int { return l.live }

// CancelAll cancels every live task with err (kind cancelled when err is
// nil), the main tasks of groups first.
func (l *Loop) CancelAll(err *vm.Error) {
	tasks := l.Tasks()
	for _, main := range []bool{true, false} {
		for _, t := range tasks {
			if (t.group != nil && t == t.group.main) == main {
				t.interrupt(cancelError(err))
			}
		}
	}
}

// cancelError is a fresh copy of err, or kind cancelled when err is nil: what
// one task's cancellation throws.
func cancelError(err *vm.Error) *vm.Error {
	if err != nil {
		return &vm.Error{Kind: err.Kind, Message: err.Message, Cause: err.Cause}
	}
	return vm.NewError(vm.KindCancelled, "cancelled")
}

// Val is the task as a script value.
func (t *Task) Val() vm.Value { return t.Value(t) }

// ID is the task's number (the main task is 1).
func (t *Task) ID() int64 { return t.id }

// Done reports whether the task has finished.
func (t *Task) Done() bool { return t.state == stateDone }

// Result is the task's outcome once done.
func (t *Task) Result() (vm.Value, *vm.Error) { return t.val, t.err }

func (t *Task) loop() *Loop { return t.l }

// Wake implements Waker: the task's current wait completed.
func (t *Task) Wake(v vm.Value, err *vm.Error) {
	if t.state != stateWaiting {
		return
	}
	t.canceler = nil
	t.val, t.err = v, err
	if t.inAwait {
		t.wokeSync = true
		return
	}
	t.handedOff = err == nil && !t.parked
	t.state = stateReady
	t.l.ready.push(t)
}

// WaitHere is for a vm.MethodYielder whose operation must wait and that keeps
// its waiters itself (a queue's getters and putters): the running task vt
// waits at its `yield obj.m(args)` as it would on the awaitable aw, without aw
// being made to Await; c withdraws the waiter if the task is cancelled. It
// returns the task, whose Wake (or Handoff) ends the wait with the yield's
// value, which the object must register before it returns to the VM; nil
// when vt is not a task running on l: the object then leaves the call to the
// ordinary path.
func (l *Loop) WaitHere(vt *vm.Task, aw vm.Value, c Canceler) *Task {
	t, ok := vt.Data.(*Task)
	if !ok || t.l != l || t.state != stateRunning {
		return nil
	}
	t.canceler = c
	vt.Wait(aw)
	return t
}

// Handoff is Wake(v, nil) for a task that waits through WaitHere (never
// inside Await, never parked on a descriptor): its wait completed with v,
// handed over by the object it waited on. Written out for the queue's
// hand-offs, so that they make no call through the Waker interface.
func (t *Task) Handoff(v vm.Value) {
	if t.state != stateWaiting {
		return
	}
	t.canceler = nil
	t.val, t.err = v, nil
	t.handedOff = true
	t.state = stateReady
	t.l.ready.push(t)
}

// interrupt throws err at the task's pending yield (or at its next one).
func (t *Task) interrupt(err *vm.Error) {
	switch t.state {
	case stateDone:
		return
	case stateWaiting:
		if gc, ok := t.canceler.(*groupOp); ok {
			// Waiting in a group: the whole group is cancelled, and the
			// task goes on once the group's tasks have ended.
			t.canceler = nil
			gc.cancelAndWait(func() {
				if t.state == stateWaiting && t.canceler == nil {
					t.val, t.err = vm.Nil, err
					t.state = stateReady
					t.l.ready.push(t)
				}
			})
			return
		}
		if t.canceler != nil {
			t.canceler.Cancel()
			t.canceler = nil
		}
		t.val, t.err = vm.Nil, err
		t.state = stateReady
		t.l.ready.push(t)
	case stateReady:
		if !t.started {
			// Never ran: it ends cancelled without running.
			t.l.live--
			t.finish(vm.Nil, err)
			return
		}
		if t.handedOff {
			// Its wait already completed with something handed over (a queue
			// item, a lock): deliver it, and cancel at the task's next yield.
			t.cancelRequested = true
			return
		}
		t.val, t.err = vm.Nil, err
	case stateRunning:
		t.cancelRequested = true
	}
}

// Cancel makes the task's pending yield throw kind cancelled; its finally
// blocks run. A finished task is left alone.
func (t *Task) Cancel() {
	t.interrupt(vm.NewError(vm.KindCancelled, fmt.Sprintf("task %d was cancelled", t.id)))
}

// Stopping reports whether the task has ended or has a cancellation waiting
// to be delivered at its next step (so a server can tell, in the same turn,
// that the task serving it was cancelled).
func (t *Task) Stopping() bool {
	if t.state == stateDone || t.cancelRequested {
		return true
	}
	return t.state == stateReady && t.err != nil && t.err.Kind == vm.KindCancelled
}

// step runs the task until it waits, yields or ends.
func (l *Loop) step(t *Task) {
	if wd := l.watch; wd != nil && !wd.started(t) {
		wd.begin(t)
	}
	l.current = t
	l.quiet.steps++
	t.state = stateRunning
	t.handedOff = false
	t.swept = 0
	var st vm.Status
	switch {
	case !t.started:
		t.started = true
		st = t.vt.Run()
	case t.err != nil:
		err := t.err
		t.err = nil
		t.parked = false
		st = t.vt.Throw(err)
	case t.parked:
		// The descriptor it parked on is ready: run the call again.
		t.parked = false
		t.val = vm.Value{}
		st = t.vt.Retry()
	default:
		v := t.val
		t.val = vm.Value{}
		st = t.vt.Resume(v)
	}
	for {
		// A direct switch (Switch) may have handed the loop to another task:
		// st is that task's.
		t = l.current
		if t.cancelRequested && (st == vm.StatusYield || st == vm.StatusYieldBare || st == vm.StatusPark || st == vm.StatusWait) {
			st = l.cancelAtYield(t, st)
			continue
		}
		// The common cases first and written here; the others are calls,
		// so that the path of a task that parks or waits is short code.
		switch st {
		case vm.StatusPark:
			// The call's attempt found its descriptor not ready and parked
			// the task on it (FD.Park); readiness runs the call again.
			t.state = stateWaiting
			t.parked = true
		case vm.StatusWait:
			// The object registered the wait itself (WaitHere): the task is
			// woken with the yield's value.
			t.state = stateWaiting
		case vm.StatusYieldBare:
			t.state = stateReady
			t.val = vm.Nil
			l.ready.push(t)
		case vm.StatusYield:
			var again bool
			if st, again = l.await(t); again {
				continue
			}
		case vm.StatusDone, vm.StatusFailed:
			l.finished(t, st)
			return
		}
		break
	}
	// The task yielded or waits: its step is over. The test the watchdog's
	// end makes first is made here, with no call (the step is almost never
	// the one reported as blocking; stepEnded with it is too large to be
	// inlined).
	if wd := l.watch; wd != nil && wd.reported.Load() == wd.pub {
		wd.end(t, false)
	}
	l.current = nil
}

// cancelAtYield throws kind cancelled at the yield t reached (status st)
// when a cancellation came while it ran: a parked call leaves its slot
// first, and a wait registered by the object is withdrawn. It returns the
// status the throw ends in.
func (l *Loop) cancelAtYield(t *Task, st vm.Status) vm.Status {
	t.cancelRequested = false
	if st == vm.StatusPark || st == vm.StatusWait {
		t.canceler.Cancel()
		t.canceler = nil
	}
	return t.vt.Throw(vm.NewError(vm.KindCancelled, fmt.Sprintf("task %d was cancelled", t.id)))
}

// await makes t, which yielded an awaitable (StatusYield), wait for it. When
// the wait completed at once (or the value cannot be waited for), t went on
// and again is set with the status it stopped at next.
func (l *Loop) await(t *Task) (st vm.Status, again bool) {
	aw := t.vt.Awaiting()
	a, ok := aw.AsObject().(Awaitable)
	if !ok {
		return t.vt.Throw(vm.Errorf(vm.KindType, "cannot wait for %s here", aw.TypeName())), true
	}
	t.state = stateWaiting
	t.inAwait = true
	c := a.Await(l, t)
	t.inAwait = false
	if t.wokeSync {
		t.wokeSync = false
		t.state = stateRunning
		if err := t.err; err != nil {
			t.err = nil
			return t.vt.Throw(err), true
		}
		v := t.val
		t.val = vm.Nil
		return t.vt.Resume(v), true
	}
	if t.state == stateWaiting {
		t.canceler = c
	}
	return vm.StatusYield, false
}

// finished ends t, whose step ended it (StatusDone or StatusFailed).
func (l *Loop) finished(t *Task, st vm.Status) {
	l.stepEnded(t, true)
	l.live--
	if st == vm.StatusDone {
		t.finish(t.vt.Result(), nil)
	} else {
		err := t.vt.Err
		if code, ok := err.ExitCode(); ok {
			l.exited(t, code)
		}
		t.finish(vm.Nil, err)
	}
	l.current = nil
}

// stepEnded tells the watchdog, if any, that t's step is over.
func (l *Loop) stepEnded(t *Task, ended bool) {
	if wd := l.watch; wd != nil {
		wd.end(t, ended)
	}
}

// finish records the outcome, wakes the joiners, and reports an error nobody
// is waiting for.
func (t *Task) finish(v vm.Value, err *vm.Error) {
	t.state = stateDone
	t.l.unlink(t)
	t.val, t.err = v, err
	if err != nil && t.spawnedAt != nil {
		if spawn := t.spawnFrames(); !hasPrefix(err.Trace, spawn) {
			err.Trace = append(spawn, err.Trace...)
		}
	}
	first, joiners := t.joiner, t.x().joiners
	t.joiner = nil
	if t.more != nil {
		t.more.joiners = nil
	}
	if t.hooked {
		t.hooked = false
		v, err = first.(EndHook).TaskEnded(v, err)
		t.val, t.err = v, err
		first = nil
		if len(joiners) > 0 {
			first, joiners = joiners[0], joiners[1:]
		}
	}
	if first != nil {
		t.observed = true
		first.Wake(v, err)
	}
	for _, w := range joiners {
		w.Wake(v, err)
	}
	if err != nil && first == nil && t.x().tg == nil && (t.group == nil || t != t.group.main) {
		if _, exit := err.ExitCode(); !exit && err.Kind != vm.KindCancelled {
			t.l.report(t, err)
		}
	}
	if g := t.group; g != nil {
		g.taskEnded(t)
	}
	if tg := t.x().tg; tg != nil {
		tg.taskEnded(t)
	}
}

// An EndHook is run when the task it was set on ends, however it ends
// (returned, failed, cancelled, dropped with its program), before the task's
// joiners are woken: it gets the outcome and returns the one the task ends
// with, which the joiners get and which is reported when it is an error nobody
// waits for. net.serve closes a connection with one. It is a Waker only
// because it sits in the slot of the task's first joiner (a task holds no
// field for it): finish calls TaskEnded, never Wake.
type EndHook interface {
	Waker
	TaskEnded(v vm.Value, err *vm.Error) (vm.Value, *vm.Error)
}

// SetEndHook makes h run when t ends. Set it before anything joins t (right
// after Spawn); a task has one hook at most.
func (t *Task) SetEndHook(h EndHook) {
	if t.hooked || t.joiner != nil || t.state == stateDone {
		panic("scheduler: SetEndHook on a joined, hooked or finished task")
	}
	t.joiner = h
	t.hooked = true
}

// spawnFrames are the trace lines saying where the task was spawned.
func (t *Task) spawnFrames() []vm.TraceFrame {
	out := vm.Frames(*t.spawnedAt)
	if len(out) > 0 {
		out[len(out)-1].Note = t.label() + " spawned here"
	}
	return out
}

func hasPrefix(trace, prefix []vm.TraceFrame) bool {
	if len(trace) < len(prefix) {
		return false
	}
	for i, f := range prefix {
		g := trace[i]
		if f.File != g.File || f.Line != g.Line || f.Col != g.Col || f.Func != g.Func || f.Note != g.Note {
			return false
		}
	}
	return true
}

// report prints an error that escaped a task nobody waits on.
func (l *Loop) report(t *Task, err *vm.Error) {
	l.Failures++
	if t.group != nil {
		t.group.failed = true
	}
	l.M.Flush()
	var b strings.Builder
	fmt.Fprintf(&b, "error in %s:\n", t.label())
	b.WriteString(err.Report())
	fmt.Fprint(l.Stderr, b.String())
}

// Report writes a line about something the runtime handled by itself (an
// accept error it went past) to the loop's stderr, after the output printed
// before it.
func (l *Loop) Report(msg string) {
	l.M.Flush()
	io.WriteString(l.Stderr, msg+"\n")
}

// ---- the script-visible task object ----

// TypeName implements vm.Object.
func (t *Task) TypeName() string { return "task" }

// Awaitable marks tasks as things a task can wait for (a join).
func (t *Task) Awaitable() {}

func (t *Task) String() string {
	state := map[taskState]string{stateReady: "ready", stateRunning: "running", stateWaiting: "waiting", stateDone: "done"}[t.state]
	if name := t.x().name; name != "" {
		return fmt.Sprintf("<task %d %q %s>", t.id, name, state)
	}
	return fmt.Sprintf("<task %d %s>", t.id, state)
}

type joinCanceler struct {
	t *Task
	w Waker
}

func (c *joinCanceler) Cancel() {
	t := c.t
	if t.joiner == c.w {
		t.joiner = nil
		if t.more != nil && len(t.more.joiners) > 0 {
			// The next joiner moves up: joiners are woken in the order they came.
			t.joiner = t.more.joiners[0]
			t.more.joiners = t.more.joiners[1:]
		}
		return
	}
	for i, w := range t.x().joiners {
		if w == c.w {
			t.more.joiners = append(t.more.joiners[:i], t.more.joiners[i+1:]...)
			return
		}
	}
}

// Await implements Awaitable: waiting on a task is a join.
func (t *Task) Await(l *Loop, w Waker) Canceler {
	if w == Waker(t) {
		w.Wake(vm.Nil, vm.NewError(vm.KindValue, "a task cannot wait for itself"))
		return nil
	}
	t.observed = true
	if t.state == stateDone {
		w.Wake(t.val, t.err)
		return nil
	}
	if t.joiner == nil {
		t.joiner = w
	} else {
		x := t.setX()
		x.joiners = append(x.joiners, w)
	}
	return &joinCanceler{t, w}
}

// GetAttr implements vm.AttrGetter: .id, .done(), .result(), .cancel().
func (t *Task) GetAttr(_ *vm.Task, name string) (vm.Value, error) {
	switch name {
	case "id":
		return vm.Int(t.id), nil
	case "name":
		name := t.x().name
		if name == "" {
			return vm.Nil, nil
		}
		return vm.Str(name), nil
	case "done":
		return vm.NewNative("done", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.CheckArgs("done", args, 0, 0); err != nil {
				return vm.Nil, err
			}
			return vm.Bool(t.state == stateDone), nil
		}), nil
	case "result":
		return vm.NewNative("result", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.CheckArgs("result", args, 0, 0); err != nil {
				return vm.Nil, err
			}
			if t.state != stateDone {
				return vm.Nil, vm.Errorf(vm.KindValue, "task %d has not finished", t.id)
			}
			t.observed = true
			if t.err != nil {
				return vm.Nil, t.err
			}
			return t.val, nil
		}), nil
	case "limit":
		return vm.NewNative("limit", func(vt *vm.Task, args []vm.Value) (vm.Value, error) {
			return vm.Nil, t.setLimit(vt, args)
		}), nil
	case "cancel":
		return vm.NewNative("cancel", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.CheckArgs("cancel", args, 0, 0); err != nil {
				return vm.Nil, err
			}
			wasLive := t.state != stateDone
			t.Cancel()
			return vm.Bool(wasLive), nil
		}), nil
	}
	return vm.Nil, vm.Errorf(vm.KindType, "task has no field or method %s", name)
}

// setLimit is t.limit({steps, memory}): the task's own budget of steps and
// bytes, on a task that has not started yet or on the running task.
func (t *Task) setLimit(caller *vm.Task, args []vm.Value) error {
	if err := vm.CheckArgs("limit", args, 1, 1); err != nil {
		return err
	}
	if args[0].Kind() != vm.KMap {
		return vm.TypeArgError("limit", 1, "a map {steps, memory}", args[0])
	}
	if t.started && t.vt != caller {
		return vm.Errorf(vm.KindValue, "limit() needs a task that has not started yet or current_task(), and %s has started", t.label())
	}
	if t.state == stateDone {
		return vm.Errorf(vm.KindValue, "%s has ended", t.label())
	}
	var steps, mem int64
	m := args[0].AsMap()
	for i := 0; i < m.Slots(); i++ {
		k, v, ok := m.Entry(i)
		if !ok {
			continue
		}
		if k.Kind() != vm.KStr || k.AsStr() != "steps" && k.AsStr() != "memory" {
			return vm.Errorf(vm.KindValue, "limit() takes the keys steps and memory, not %s", vm.Repr(k))
		}
		if v.Kind() != vm.KInt {
			return vm.Errorf(vm.KindType, "limit() %s must be an int, not %s", k.AsStr(), v.TypeName())
		}
		if v.AsInt() <= 0 {
			return vm.Errorf(vm.KindValue, "limit() %s must be positive, not %d", k.AsStr(), v.AsInt())
		}
		if k.AsStr() == "steps" {
			steps = v.AsInt()
		} else {
			mem = v.AsInt()
		}
	}
	if t.vt.Limit == nil {
		t.vt.Limit = &vm.Quota{}
	}
	if steps > 0 {
		t.vt.Limit.MaxSteps = steps
	}
	if mem > 0 {
		t.vt.Limit.MaxBytes = mem
	}
	return nil
}
