package sync

import (
	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
)

func Module(l *scheduler.Loop) func(*vm.Machine) (vm.Value, error) {
	return func(*vm.Machine) (vm.Value, error) {
		return vm.NewNativeModule("sync", map[string]vm.Value{
			"event": vm.NewNative("event", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
				if err := vm.UnpackArgs("sync.event", args); err != nil {
					return vm.Nil, err
				}
				return vm.ObjectValue(&event{}), nil
			}),
			"queue": vm.NewNative("queue", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
				var maxsize int64
				if err := vm.UnpackArgs("sync.queue", args, "maxsize?", &maxsize); err != nil {
					return vm.Nil, err
				}
				if maxsize < 0 {
					return vm.Nil, vm.Errorf(vm.KindValue, "sync.queue() needs a non-negative maxsize, not %d", maxsize)
				}
				return vm.ObjectValue(&queue{max: int(maxsize), l: l}), nil
			}),
			"semaphore": vm.NewNative("semaphore", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
				var permits int64
				if err := vm.UnpackArgs("sync.semaphore", args, "permits", &permits); err != nil {
					return vm.Nil, err
				}
				if permits < 0 {
					return vm.Nil, vm.Errorf(vm.KindValue, "sync.semaphore() needs a non-negative number of permits, not %d", permits)
				}
				return vm.ObjectValue(&semaphore{count: int(args[0].AsInt())}), nil
			}),
			"lock": vm.NewNative("lock", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
				if err := vm.UnpackArgs("sync.lock", args); err != nil {
					return vm.Nil, err
				}
				return vm.ObjectValue(&semaphore{count: 1, lock: true}), nil
			}),
		}), nil
	}
}

// waiter is the part of an operation parked on a sync object: who to wake,
// the value it brings (a put), and the list it waits in, linked in place
// (a list allocates nothing and withdraws a cancelled waiter at once).
type waiter struct {
	w          scheduler.Waker
	t          *scheduler.Task // instead of w: a task waiting through WaitHere
	val        vm.Value
	list       *waitList // nil once woken or withdrawn
	prev, next *waiter
}

// Cancel removes the waiter from its list (the waiting task was cancelled).
func (w *waiter) Cancel() {
	if w.list != nil {
		w.list.remove(w)
	}
}

// waker is who the waiter wakes.
func (w *waiter) waker() scheduler.Waker {
	if w.t != nil {
		return w.t
	}
	return w.w
}

// wake ends the wait with v.
func (w *waiter) wake(v vm.Value) {
	if w.t != nil {
		w.t.Handoff(v)
		return
	}
	w.w.Wake(v, nil)
}

// waitList is a FIFO of parked waiters, linked through the waiters.
type waitList struct {
	head, tail *waiter
}

// add parks wt (embedded in the operation that waits) at the end, to be
// woken through w.
func (l *waitList) add(wt *waiter, w scheduler.Waker, v vm.Value) *waiter {
	wt.w, wt.t = w, nil
	l.link(wt, v)
	return wt
}

// link parks wt, whose waker is set, at the end with the value v.
func (l *waitList) link(wt *waiter, v vm.Value) {
	wt.val, wt.list, wt.next, wt.prev = v, l, nil, l.tail
	if l.tail == nil {
		l.head = wt
	} else {
		l.tail.next = wt
	}
	l.tail = wt
}

func (l *waitList) pop() *waiter {
	w := l.head
	if w == nil {
		return nil
	}
	l.head = w.next
	if l.head == nil {
		l.tail = nil
	} else {
		l.head.prev = nil
	}
	w.next, w.list = nil, nil
	return w
}

func (l *waitList) remove(w *waiter) {
	if w.prev == nil {
		l.head = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		l.tail = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.prev, w.next, w.list = nil, nil, nil
}

// syncOp is the awaitable a method such as q.get() returns: one allocation,
// which is also the waiter when the task has to park.
type syncOp struct {
	vm.ObjectHeader
	kind   syncKind
	used   bool
	obj    any // *queue, *event or *semaphore
	waiter     // waiter.val is the item of a put
}

type syncKind uint8

const (
	opQueuePut syncKind = iota
	opQueueGet
	opEventWait
	opAcquire
)

var syncOpNames = [...]string{opQueuePut: "queue.put", opQueueGet: "queue.get", opEventWait: "event.wait", opAcquire: "acquire"}

func newSyncOp(kind syncKind, obj any, v vm.Value) vm.Value {
	o := &syncOp{kind: kind, obj: obj}
	o.val = v
	return o.Value(o)
}

func (o *syncOp) TypeName() string { return syncOpNames[o.kind] }
func (*syncOp) Awaitable()         {}

// TryNow completes the operation inside the dispatch loop when it need not wait.
func (o *syncOp) TryNow(t *vm.Task) (vm.Value, *vm.Error, bool) {
	if o.used {
		return vm.Nil, nil, false // Await reports the error
	}
	switch o.kind {
	case opQueuePut:
		if !o.obj.(*queue).put(o.val) {
			return vm.Nil, nil, false
		}
	case opQueueGet:
		v, ok := o.obj.(*queue).get()
		if !ok {
			return vm.Nil, nil, false
		}
		o.used = true
		return v, nil, true
	case opEventWait:
		if !o.obj.(*event).set {
			return vm.Nil, nil, false
		}
	default: // opAcquire
		s := o.obj.(*semaphore)
		if s.count == 0 {
			return vm.Nil, nil, false
		}
		s.count--
		if s.lock {
			s.holder, _ = t.Data.(scheduler.Waker)
		}
	}
	o.used = true
	return vm.Nil, nil, true
}

func (o *syncOp) Await(_ *scheduler.Loop, w scheduler.Waker) scheduler.Canceler {
	if o.used {
		w.Wake(vm.Nil, vm.NewError(vm.KindValue, o.TypeName()+"() was already awaited"))
		return nil
	}
	o.used = true
	switch o.kind {
	case opQueuePut:
		q := o.obj.(*queue)
		if q.put(o.val) {
			w.Wake(vm.Nil, nil)
			return nil
		}
		return q.putters.add(&o.waiter, w, o.val)
	case opQueueGet:
		q := o.obj.(*queue)
		if v, ok := q.get(); ok {
			w.Wake(v, nil)
			return nil
		}
		return q.getters.add(&o.waiter, w, vm.Nil)
	case opEventWait:
		e := o.obj.(*event)
		if e.set {
			w.Wake(vm.Nil, nil)
			return nil
		}
		return e.waiters.add(&o.waiter, w, vm.Nil)
	default: // opAcquire
		s := o.obj.(*semaphore)
		if s.count > 0 {
			s.count--
			if s.lock {
				s.holder = w
			}
			w.Wake(vm.Nil, nil)
			return nil
		}
		return s.waiters.add(&o.waiter, w, vm.Nil)
	}
}

// WaitFor implements scheduler.WaitDescriber for deadlock reports.
func (o *syncOp) WaitFor() (string, []scheduler.Waker) {
	switch o.kind {
	case opAcquire:
		s := o.obj.(*semaphore)
		if s.lock {
			if s.holder != nil {
				return "lock held by", []scheduler.Waker{s.holder}
			}
			return "lock", nil
		}
		return "semaphore.acquire", nil
	case opQueueGet:
		return "queue.get (nothing puts)", nil
	case opQueuePut:
		return "queue.put (the queue is full and nothing gets)", nil
	}
	return "event.wait (nothing sets it)", nil
}

// ---- event ----

type event struct {
	set     bool
	waiters waitList
}

func (*event) TypeName() string { return "event" }

var eventMethods = map[string]bool{"set": true, "clear": true, "is_set": true, "wait": true}

func (e *event) GetAttr(_ *vm.Task, name string) (vm.Value, error) {
	if eventMethods[name] {
		return modutil.BoundMethod(e, name), nil
	}
	return vm.Nil, vm.Errorf(vm.KindType, "event has no field or method %s", name)
}

func (e *event) CallMethod(_ *vm.Task, name string, args []vm.Value) (vm.Value, bool, error) {
	if !eventMethods[name] {
		return vm.Nil, false, nil
	}
	if err := vm.UnpackArgs(name, args); err != nil {
		return vm.Nil, true, err
	}
	switch name {
	case "set":
		e.set = true
		for w := e.waiters.pop(); w != nil; w = e.waiters.pop() {
			w.wake(vm.Nil)
		}
	case "clear":
		e.set = false
	case "is_set":
		return vm.Bool(e.set), true, nil
	case "wait":
		return newSyncOp(opEventWait, e, vm.Nil), true, nil
	}
	return vm.Nil, true, nil
}

// ---- queue ----

type queue struct {
	// The items, a ring: n of them from buf[head], wrapping round; len(buf)
	// is 0 or a power of two.
	buf     []vm.Value
	head, n int
	max     int // 0: unbounded
	getters waitList
	putters waitList
	// fused is the task whose `yield q.get()` or `yield q.put(x)`
	// YieldMethodNow could not complete: the method call that follows at once
	// makes that yield's operation, which nothing else can hold.
	fused *vm.Task
	l     *scheduler.Loop
}

func (*queue) TypeName() string { return "queue" }

// Len implements vm.Lener.
func (q *queue) Len() int { return q.n }

func (q *queue) full() bool { return q.max > 0 && q.n >= q.max }

func (q *queue) push(v vm.Value) {
	if q.n == len(q.buf) {
		q.grow()
	}
	q.buf[(q.head+q.n)&(len(q.buf)-1)] = v
	q.n++
}

// grow doubles the ring (to 1 first), its items moved to the front.
func (q *queue) grow() {
	buf := make([]vm.Value, max(2*len(q.buf), 1))
	for i := range q.n {
		buf[i] = q.buf[(q.head+i)&(len(q.buf)-1)]
	}
	q.buf, q.head = buf, 0
}

// shift takes the first item; the queue has one.
func (q *queue) shift() vm.Value {
	v := q.buf[q.head]
	q.buf[q.head] = vm.Value{}
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.n--
	return v
}

// put adds v, handing it straight to a waiting getter when there is one.
// It reports false when the queue is full.
func (q *queue) put(v vm.Value) bool {
	if g := q.getters.pop(); g != nil {
		g.wake(v)
		return true
	}
	if q.full() {
		return false
	}
	q.push(v)
	return true
}

// get takes the next item; a waiting putter then moves its item in.
func (q *queue) get() (vm.Value, bool) {
	if q.n == 0 {
		// Putters wait only while the queue is full (sync.queue(0) is
		// unbounded), and each get from a full queue moves a waiting
		// putter's item in: an empty queue has no putter waiting.
		return vm.Nil, false
	}
	if q.putters.head != nil {
		return q.shiftMoving(), true
	}
	return q.shift(), true
}

// queueArity is the number of arguments of each queue method, -1 for none.
func queueArity(name string) int {
	switch name {
	case "put", "put_nowait":
		return 1
	case "get", "get_nowait":
		return 0
	}
	return -1
}

func (q *queue) GetAttr(_ *vm.Task, name string) (vm.Value, error) {
	if queueArity(name) >= 0 {
		return modutil.BoundMethod(q, name), nil
	}
	if name == "maxsize" {
		return vm.Int(int64(q.max)), nil
	}
	return vm.Nil, vm.Errorf(vm.KindType, "queue has no field or method %s", name)
}

// YieldMethodNow does `yield q.get()` / `yield q.put(x)` at once when the queue
// need not wait, and makes the task wait in the getters or putters when it
// must (wait). A hand-off between two tasks through a queue of size 1 goes
// through the cases written out here in turn: a get takes the item and moves
// in the item of the putter that waits; a get takes the item with nobody
// waiting; a get waits; a put hands its item to the getter that waits; a
// put finds room; a put waits.
func (q *queue) YieldMethodNow(t *vm.Task, name string, args []vm.Value) (vm.Value, *vm.Error, bool) {
	// Nothing is used after a call but what the call returns (wait sets
	// q.fused itself; a put that grows the ring calls push whole), so that
	// the arguments need not be saved on every path.
	switch {
	case len(args) == 0 && name == "get":
		if q.n != 0 {
			if q.putters.head != nil {
				v := q.shiftMoving()
				return v, nil, true
			}
			return q.shift(), nil, true
		}
		q.wait(t, &q.getters, opQueueGet, vm.Nil) // no putter waits on an empty queue (get)
		return vm.Nil, nil, false
	case len(args) == 1 && name == "put":
		if g := q.getters.head; g != nil {
			q.getters.pop()
			if g.t != nil {
				g.t.Handoff(args[0])
			} else {
				g.w.Wake(args[0], nil)
			}
			return vm.Nil, nil, true
		}
		if q.n < q.max || q.max == 0 {
			if q.n == len(q.buf) {
				q.pushGrown(args[0])
				return vm.Nil, nil, true
			}
			q.buf[(q.head+q.n)&(len(q.buf)-1)] = args[0]
			q.n++
			return vm.Nil, nil, true
		}
		q.wait(t, &q.putters, opQueuePut, args[0])
		return vm.Nil, nil, false
	}
	// Another method, or get/put with the wrong arguments: the call that
	// follows makes no operation, so q.fused is not set (a stale q.fused
	// would give the task's spare operation to a later q.get() the script
	// holds, which the task's next wait then reuses).
	return vm.Nil, nil, false
}

// pushGrown is push for a full ring, out of YieldMethodNow's way.
func (q *queue) pushGrown(v vm.Value) { q.push(v) }

// shiftMoving is shift when a putter waits: the item of the first waiting
// putter moves into the room the first item leaves, and the putter is woken.
// In a full ring (a queue whose size is a power of two, as sync.queue(1))
// the room is the slot the item leaves.
func (q *queue) shiftMoving() vm.Value {
	p := q.putters.pop()
	h := q.head
	v := q.buf[h]
	if q.n == len(q.buf) {
		q.buf[h] = p.val
		q.head = (h + 1) & (len(q.buf) - 1)
	} else {
		q.shift()
		q.push(p.val)
	}
	if p.t != nil {
		p.t.Handoff(vm.Nil)
	} else {
		p.w.Wake(vm.Nil, nil)
	}
	return v
}

// wait makes the task t, whose `yield q.get()` or `yield q.put(v)` cannot
// complete now, wait in q's getters or putters (list) at once, with its spare
// operation as the waiter: the first attempt is the only one, and no
// awaitable goes through the scheduler. When t is not a task of q's loop it
// leaves the operation to the ordinary way (q.fused).
func (q *queue) wait(t *vm.Task, list *waitList, kind syncKind, v vm.Value) {
	if q.l == nil {
		q.fused = t
		return
	}
	o := spareOp(t)
	// Only kind matters to a waiting operation (its name, WaitFor); obj and
	// w are left as they are (o.t goes before w).
	o.kind, o.used = kind, true
	st := q.l.WaitHere(t, o.Value(o), &o.waiter)
	if st == nil {
		q.fused = t
		return
	}
	o.t = st
	list.link(&o.waiter, v)
}

// spareOp is the operation kept in t.Spare, made on first use.
func spareOp(t *vm.Task) *syncOp {
	o, _ := t.Spare.(*syncOp)
	if o == nil {
		o = &syncOp{}
		t.Spare = o
	}
	return o
}

// op makes the awaitable of q.get() or q.put(v). The operation of a fused
// `yield q.get()` is the task's spare: the script never holds it, and the
// task, running again, no longer waits for its previous one, so one object
// serves all the task's waits on queues.
func (q *queue) op(t *vm.Task, kind syncKind, v vm.Value) vm.Value {
	if t == nil || q.fused != t {
		return newSyncOp(kind, q, v)
	}
	q.fused = nil
	o := spareOp(t)
	*o = syncOp{kind: kind, obj: q}
	o.val = v
	return o.Value(o)
}

func (q *queue) CallMethod(t *vm.Task, name string, args []vm.Value) (vm.Value, bool, error) {
	n := queueArity(name)
	if n < 0 {
		return vm.Nil, false, nil
	}
	var item vm.Value
	var err error
	if n == 1 {
		err = vm.UnpackArgs(name, args, "item", &item)
	} else {
		err = vm.UnpackArgs(name, args)
	}
	if err != nil {
		return vm.Nil, true, err
	}
	switch name {
	case "put":
		return q.op(t, opQueuePut, item), true, nil
	case "get":
		return q.op(t, opQueueGet, vm.Nil), true, nil
	case "put_nowait":
		if !q.put(item) {
			return vm.Nil, true, vm.Errorf(vm.KindFull, "queue is full (maxsize %d)", q.max)
		}
		return vm.Nil, true, nil
	default: // get_nowait
		if v, ok := q.get(); ok {
			return v, true, nil
		}
		return vm.Nil, true, vm.NewError(vm.KindEmpty, "queue is empty")
	}
}

// ---- semaphore and lock ----

type semaphore struct {
	count   int
	lock    bool
	waiters waitList
	holder  scheduler.Waker // a lock's holder, for deadlock reports
}

func (s *semaphore) TypeName() string {
	if s.lock {
		return "lock"
	}
	return "semaphore"
}

var semaphoreMethods = map[string]bool{"acquire": true, "release": true, "locked": true}

func (s *semaphore) GetAttr(_ *vm.Task, name string) (vm.Value, error) {
	if semaphoreMethods[name] {
		return modutil.BoundMethod(s, name), nil
	}
	if name == "value" {
		return vm.Int(int64(s.count)), nil
	}
	return vm.Nil, vm.Errorf(vm.KindType, "%s has no field or method %s", s.TypeName(), name)
}

func (s *semaphore) CallMethod(_ *vm.Task, name string, args []vm.Value) (vm.Value, bool, error) {
	if !semaphoreMethods[name] {
		return vm.Nil, false, nil
	}
	if err := vm.UnpackArgs(name, args); err != nil {
		return vm.Nil, true, err
	}
	switch name {
	case "acquire":
		return newSyncOp(opAcquire, s, vm.Nil), true, nil
	case "release":
		if wt := s.waiters.pop(); wt != nil {
			if s.lock {
				s.holder = wt.waker()
			}
			wt.wake(vm.Nil) // the permit passes straight to the next waiter
			return vm.Nil, true, nil
		}
		if s.lock && s.count > 0 {
			return vm.Nil, true, vm.NewError(vm.KindValue, "release of a lock that is not held")
		}
		s.holder = nil
		s.count++
		return vm.Nil, true, nil
	default: // locked
		return vm.Bool(s.count == 0), true, nil
	}
}
