package scheduler

import (
	"math"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// once guards the awaitables that can be waited for only once.
type once struct{ used bool }

func (o *once) take(what string) *vm.Error {
	if o.used {
		return vm.NewError(vm.KindValue, what+" was already awaited")
	}
	o.used = true
	return nil
}

// ---- sleep ----

type sleepOp struct {
	once
	d     time.Duration
	l     *Loop
	timer *Timer
}

func (*sleepOp) TypeName() string { return "sleep" }
func (*sleepOp) Awaitable()       {}

func (s *sleepOp) Await(l *Loop, w Waker) Canceler {
	if err := s.take("sleep()"); err != nil {
		w.Wake(vm.Nil, err)
		return nil
	}
	s.l = l
	s.timer = l.After(s.d, w)
	return s
}

func (s *sleepOp) Cancel() { s.l.CancelTimer(s.timer) }

// Seconds converts a script number of seconds to a duration.
func Seconds(fn string, v vm.Value) (time.Duration, error) {
	f, ok := v.ToNumber()
	if !ok {
		return 0, vm.TypeArgError(fn, 1, "a number of seconds", v)
	}
	if math.IsNaN(f) || f < 0 {
		return 0, vm.Errorf(vm.KindValue, "%s() needs a non-negative number of seconds, not %s", fn, vm.Repr(v))
	}
	if f > 1e9 {
		f = 1e9
	}
	return time.Duration(f * float64(time.Second)), nil
}

// ---- starting awaitables on behalf of a composite ----

// start begins waiting for v (a coroutine is spawned as a task first) and
// returns the canceler and, for spawned coroutines, the task.
func (l *Loop) start(v vm.Value, w Waker, spawnedAt []vm.Site) (Canceler, *Task, *vm.Error) {
	switch v.Kind() {
	case vm.KCoroutine:
		t, err := l.Spawn(v, nil, spawnedAt)
		if err != nil {
			return nil, nil, vm.AsError(err)
		}
		t.observed = true
		return t.Await(l, w), t, nil
	case vm.KObject:
		if t, ok := v.AsObject().(*Task); ok {
			return t.Await(l, w), t, nil
		}
		if a, ok := v.AsObject().(Awaitable); ok {
			return a.Await(l, w), nil, nil
		}
	}
	return nil, nil, vm.Errorf(vm.KindType, "cannot wait for %s: need a coroutine, a task or another awaitable", v.TypeName())
}

// ---- all and race ----

// multiOp is all() (every result, in order; the first failure cancels the
// rest) and race() (the first result or failure; the rest are cancelled).
type multiOp struct {
	once
	race  bool
	items []vm.Value
	trace []vm.Site

	w        Waker
	results  []vm.Value
	left     int
	cancels  []Canceler
	tasks    []*Task
	finished bool
}

func (op *multiOp) TypeName() string {
	if op.race {
		return "race"
	}
	return "all"
}

func (*multiOp) Awaitable() {}

// multiSlot receives the outcome of the i-th awaitable.
type multiSlot struct {
	op *multiOp
	i  int
}

func (s *multiSlot) Wake(v vm.Value, err *vm.Error) {
	op := s.op
	if op.finished {
		return
	}
	op.cancels[s.i] = nil
	if op.race || err != nil {
		op.finished = true
		op.cancelRest()
		op.w.Wake(v, err)
		return
	}
	op.results[s.i] = v
	op.left--
	if op.left == 0 {
		op.finished = true
		op.w.Wake(vm.NewList(op.results), nil)
	}
}

func (op *multiOp) cancelRest() {
	for i, c := range op.cancels {
		if c != nil {
			c.Cancel()
			op.cancels[i] = nil
		}
	}
	for _, t := range op.tasks {
		if t != nil && t.state != stateDone {
			t.Cancel()
		}
	}
}

func (op *multiOp) Await(l *Loop, w Waker) Canceler {
	if err := op.take(op.TypeName() + "()"); err != nil {
		w.Wake(vm.Nil, err)
		return nil
	}
	n := len(op.items)
	if n == 0 {
		if op.race {
			w.Wake(vm.Nil, vm.NewError(vm.KindValue, "race() needs at least one awaitable"))
		} else {
			w.Wake(vm.NewList(nil), nil)
		}
		return nil
	}
	op.w = w
	op.results = make([]vm.Value, n)
	op.cancels = make([]Canceler, n)
	op.tasks = make([]*Task, n)
	op.left = n
	slots := make([]multiSlot, n)
	for i, it := range op.items {
		slots[i] = multiSlot{op, i}
		c, t, err := l.start(it, &slots[i], op.trace)
		if err != nil {
			if !op.finished {
				op.finished = true
				op.cancelRest()
				w.Wake(vm.Nil, err)
			}
			return nil
		}
		if op.finished { // decided at once (race won, or all failed): the rest never start
			if c != nil {
				c.Cancel()
			}
			if t != nil && t.state != stateDone {
				t.Cancel()
			}
			return nil
		}
		op.cancels[i], op.tasks[i] = c, t
	}
	return op
}

// Cancel stops every wait still in progress (the waiting task was cancelled).
func (op *multiOp) Cancel() {
	op.finished = true
	op.cancelRest()
}

// ---- timeout ----

type timeoutOp struct {
	once
	d     time.Duration
	inner vm.Value
	trace []vm.Site

	l        *Loop
	w        Waker
	timer    *Timer
	cancel   Canceler
	task     *Task
	finished bool
}

func (*timeoutOp) TypeName() string { return "timeout" }
func (*timeoutOp) Awaitable()       {}

type timeoutInner struct{ op *timeoutOp }

func (s timeoutInner) Wake(v vm.Value, err *vm.Error) {
	op := s.op
	if op.finished {
		return
	}
	op.finished = true
	op.cancel = nil
	if op.timer != nil {
		op.l.CancelTimer(op.timer)
	}
	op.w.Wake(v, err)
}

type timeoutFired struct{ op *timeoutOp }

func (s timeoutFired) Wake(vm.Value, *vm.Error) {
	op := s.op
	if op.finished {
		return
	}
	op.finished = true
	op.stopInner()
	op.w.Wake(vm.Nil, vm.Errorf(vm.KindTimeout, "timed out after %s", vm.FormatFloat(op.d.Seconds())+"s"))
}

func (op *timeoutOp) stopInner() {
	if op.cancel != nil {
		op.cancel.Cancel()
		op.cancel = nil
	}
	if op.task != nil && op.task.state != stateDone {
		op.task.Cancel()
	}
}

func (op *timeoutOp) Await(l *Loop, w Waker) Canceler {
	if err := op.take("timeout()"); err != nil {
		w.Wake(vm.Nil, err)
		return nil
	}
	op.l, op.w = l, w
	c, t, err := l.start(op.inner, timeoutInner{op}, op.trace)
	if err != nil {
		op.finished = true
		w.Wake(vm.Nil, err)
		return nil
	}
	if op.finished {
		return nil
	}
	op.cancel, op.task = c, t
	op.timer = l.After(op.d, timeoutFired{op})
	return op
}

// Cancel stops the inner wait and the timer (the waiting task was cancelled).
func (op *timeoutOp) Cancel() {
	op.finished = true
	op.stopInner()
	if op.timer != nil {
		op.l.CancelTimer(op.timer)
	}
}
