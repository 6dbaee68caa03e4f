package stdlib

import (
	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

func syncModule(l *scheduler.Loop) func(*vm.Machine) (vm.Value, error) {
	return func(*vm.Machine) (vm.Value, error) {
		return vm.NewNativeModule("sync", map[string]vm.Value{
			"event": vm.NewNative("event", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
				if err := vm.CheckArgs("sync.event", args, 0, 0); err != nil {
					return vm.Nil, err
				}
				return vm.ObjectValue(&event{}), nil
			}),
			"queue": vm.NewNative("queue", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
				if err := vm.CheckArgs("sync.queue", args, 0, 1); err != nil {
					return vm.Nil, err
				}
				q := &queue{}
				if len(args) == 1 {
					if args[0].Kind() != vm.KInt || args[0].AsInt() < 0 {
						return vm.Nil, vm.TypeArgError("sync.queue", 1, "a non-negative int", args[0])
					}
					q.max = int(args[0].AsInt())
				}
				return vm.ObjectValue(q), nil
			}),
			"semaphore": vm.NewNative("semaphore", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
				if err := vm.CheckArgs("sync.semaphore", args, 1, 1); err != nil {
					return vm.Nil, err
				}
				if args[0].Kind() != vm.KInt || args[0].AsInt() < 0 {
					return vm.Nil, vm.TypeArgError("sync.semaphore", 1, "a non-negative int", args[0])
				}
				return vm.ObjectValue(&semaphore{count: int(args[0].AsInt())}), nil
			}),
			"lock": vm.NewNative("lock", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
				if err := vm.CheckArgs("sync.lock", args, 0, 0); err != nil {
					return vm.Nil, err
				}
				return vm.ObjectValue(&semaphore{count: 1, lock: true}), nil
			}),
		}), nil
	}
}

// waiter is a task (or composite awaitable) parked on a sync object, with the
// value it brings (a put) or receives.
type waiter struct {
	w    scheduler.Waker
	val  vm.Value
	list *waitList
	gone bool
}

// Cancel removes the waiter from its list (the waiting task was cancelled).
func (w *waiter) Cancel() { w.list.remove(w) }

type waitList struct{ ws []*waiter }

func (l *waitList) add(w scheduler.Waker, v vm.Value) *waiter {
	wt := &waiter{w: w, val: v, list: l}
	l.ws = append(l.ws, wt)
	return wt
}

func (l *waitList) pop() *waiter {
	if len(l.ws) == 0 {
		return nil
	}
	w := l.ws[0]
	l.ws[0] = nil
	l.ws = l.ws[1:]
	w.gone = true
	return w
}

func (l *waitList) remove(w *waiter) {
	if w.gone {
		return
	}
	for i, x := range l.ws {
		if x == w {
			l.ws = append(l.ws[:i], l.ws[i+1:]...)
			w.gone = true
			return
		}
	}
}

// op is a one-shot awaitable made by a method call such as q.get().
type op struct {
	name  string
	used  bool
	await func(w scheduler.Waker) scheduler.Canceler
}

func (o *op) TypeName() string { return o.name }
func (*op) Awaitable()         {}
func (o *op) Await(_ *scheduler.Loop, w scheduler.Waker) scheduler.Canceler {
	if o.used {
		w.Wake(vm.Nil, vm.NewError(vm.KindValue, o.name+" was already awaited"))
		return nil
	}
	o.used = true
	return o.await(w)
}

func newOp(name string, await func(w scheduler.Waker) scheduler.Canceler) vm.Value {
	return vm.ObjectValue(&op{name: name, await: await})
}

func noArgs(name string, f func() (vm.Value, error)) vm.Value {
	return vm.NewNative(name, func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		if err := vm.CheckArgs(name, args, 0, 0); err != nil {
			return vm.Nil, err
		}
		return f()
	})
}

// ---- event ----

type event struct {
	set     bool
	waiters waitList
}

func (*event) TypeName() string { return "event" }

func (e *event) GetAttr(_ *vm.Task, name string) (vm.Value, error) {
	switch name {
	case "set":
		return noArgs("set", func() (vm.Value, error) {
			e.set = true
			for w := e.waiters.pop(); w != nil; w = e.waiters.pop() {
				w.w.Wake(vm.Nil, nil)
			}
			return vm.Nil, nil
		}), nil
	case "clear":
		return noArgs("clear", func() (vm.Value, error) { e.set = false; return vm.Nil, nil }), nil
	case "is_set":
		return noArgs("is_set", func() (vm.Value, error) { return vm.Bool(e.set), nil }), nil
	case "wait":
		return noArgs("wait", func() (vm.Value, error) {
			return newOp("event.wait", func(w scheduler.Waker) scheduler.Canceler {
				if e.set {
					w.Wake(vm.Nil, nil)
					return nil
				}
				return e.waiters.add(w, vm.Nil)
			}), nil
		}), nil
	}
	return vm.Nil, vm.Errorf(vm.KindType, "event has no field or method %s", name)
}

// ---- queue ----

type queue struct {
	items   []vm.Value
	head    int
	max     int // 0: unbounded
	getters waitList
	putters waitList
}

func (*queue) TypeName() string { return "queue" }

// Len implements vm.Lener.
func (q *queue) Len() int { return len(q.items) - q.head }

func (q *queue) full() bool { return q.max > 0 && q.Len() >= q.max }

func (q *queue) push(v vm.Value) { q.items = append(q.items, v) }

func (q *queue) shift() vm.Value {
	v := q.items[q.head]
	q.items[q.head] = vm.Nil
	q.head++
	if q.head == len(q.items) {
		q.items = q.items[:0]
		q.head = 0
	} else if q.head > 1024 && q.head*2 > len(q.items) {
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items = q.items[:n]
		q.head = 0
	}
	return v
}

// put adds v, handing it straight to a waiting getter when there is one.
// It reports false when the queue is full.
func (q *queue) put(v vm.Value) bool {
	if g := q.getters.pop(); g != nil {
		g.w.Wake(v, nil)
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
	if q.Len() == 0 {
		if p := q.putters.pop(); p != nil { // only with a zero-room queue
			p.w.Wake(vm.Nil, nil)
			return p.val, true
		}
		return vm.Nil, false
	}
	v := q.shift()
	if p := q.putters.pop(); p != nil {
		q.push(p.val)
		p.w.Wake(vm.Nil, nil)
	}
	return v, true
}

func (q *queue) GetAttr(_ *vm.Task, name string) (vm.Value, error) {
	switch name {
	case "put":
		return vm.NewNative("put", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.CheckArgs("put", args, 1, 1); err != nil {
				return vm.Nil, err
			}
			v := args[0]
			return newOp("queue.put", func(w scheduler.Waker) scheduler.Canceler {
				if q.put(v) {
					w.Wake(vm.Nil, nil)
					return nil
				}
				return q.putters.add(w, v)
			}), nil
		}), nil
	case "get":
		return noArgs("get", func() (vm.Value, error) {
			return newOp("queue.get", func(w scheduler.Waker) scheduler.Canceler {
				if v, ok := q.get(); ok {
					w.Wake(v, nil)
					return nil
				}
				return q.getters.add(w, vm.Nil)
			}), nil
		}), nil
	case "put_nowait":
		return vm.NewNative("put_nowait", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.CheckArgs("put_nowait", args, 1, 1); err != nil {
				return vm.Nil, err
			}
			if !q.put(args[0]) {
				return vm.Nil, vm.Errorf(vm.KindFull, "queue is full (%d items)", q.max)
			}
			return vm.Nil, nil
		}), nil
	case "get_nowait":
		return noArgs("get_nowait", func() (vm.Value, error) {
			if v, ok := q.get(); ok {
				return v, nil
			}
			return vm.Nil, vm.NewError(vm.KindEmpty, "queue is empty")
		}), nil
	case "maxsize":
		return vm.Int(int64(q.max)), nil
	}
	return vm.Nil, vm.Errorf(vm.KindType, "queue has no field or method %s", name)
}

// ---- semaphore and lock ----

type semaphore struct {
	count   int
	lock    bool
	waiters waitList
}

func (s *semaphore) TypeName() string {
	if s.lock {
		return "lock"
	}
	return "semaphore"
}

func (s *semaphore) GetAttr(_ *vm.Task, name string) (vm.Value, error) {
	switch name {
	case "acquire":
		return noArgs("acquire", func() (vm.Value, error) {
			return newOp(s.TypeName()+".acquire", func(w scheduler.Waker) scheduler.Canceler {
				if s.count > 0 {
					s.count--
					w.Wake(vm.Nil, nil)
					return nil
				}
				return s.waiters.add(w, vm.Nil)
			}), nil
		}), nil
	case "release":
		return noArgs("release", func() (vm.Value, error) {
			if wt := s.waiters.pop(); wt != nil {
				wt.w.Wake(vm.Nil, nil) // the permit passes straight to the next waiter
				return vm.Nil, nil
			}
			if s.lock && s.count > 0 {
				return vm.Nil, vm.NewError(vm.KindValue, "release of a lock that is not held")
			}
			s.count++
			return vm.Nil, nil
		}), nil
	case "locked":
		return noArgs("locked", func() (vm.Value, error) { return vm.Bool(s.count == 0), nil }), nil
	case "value":
		return vm.Int(int64(s.count)), nil
	}
	return vm.Nil, vm.Errorf(vm.KindType, "%s has no field or method %s", s.TypeName(), name)
}
