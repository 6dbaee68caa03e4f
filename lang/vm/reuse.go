package vm

import "time"

// What a host call that runs many times reuses: the task of a call that has
// ended, its stack and frames, and its quota (the scheduler's StartNow).

// maxReusedStack is the largest stack (in slots) Reuse keeps: a call that
// recursed deeply leaves a large one, which is let go rather than cleared on
// every later call.
const maxReusedStack = 256

// Reuse makes t, a finished task of m (or nil: a new one), ready to call fn,
// a function, with args when first run, as NewTask does, keeping the memory of
// its stack and frames. Every other field starts anew; Data stays.
func (m *Machine) Reuse(t *Task, fn Value, args []Value) (*Task, error) {
	if t == nil || t.m != m || !t.finished {
		t, err := m.NewTask(fn, args)
		if err != nil {
			return nil, err
		}
		t.keep = true
		return t, nil
	}
	if fn.k != KFunc {
		return nil, Errorf(KindType, "cannot run %s as a task", fn.TypeName())
	}
	args, err := bindArgs(fn.asClosure().proto, args)
	if err != nil {
		return nil, err
	}
	need := max(8, firstStack(fn.asClosure().proto))
	stack := t.stack
	if len(stack) < need {
		stack = newStack(need)
	}
	// Cleared and then set field by field: a composite literal assigned
	// through the pointer is built on the stack and copied with a write
	// barrier check per word.
	frames, handlers, data := t.frames, t.handlers, t.Data
	*t = Task{}
	t.m, t.frames, t.handlers, t.Data, t.keep = m, frames, handlers, data, true
	t.setStack(stack)
	t.start(fn, args)
	return t, nil
}

// IsCoroutine reports whether fn is a coroutine function (its body yields).
func IsCoroutine(fn Value) bool {
	return fn.k == KFunc && fn.asClosure().proto.Coroutine
}

// Valued reports whether the object was ever given to a script as a value
// (Value was called): a script may hold it.
func (h *ObjectHeader) Valued() bool { return h.o != nil }

// Reset makes the quota count from zero again and drops a pending
// interrupt and Cancel; its limits stay.
func (q *Quota) Reset() {
	q.steps, q.bytes = 0, 0
	q.interrupt.Store(nil)
	q.Cancel, q.cancelledAt = nil, time.Time{}
}

// release is finish for a task that keeps its memory (keep): what the call
// left on its stack and in its frames is let go, and a stack a deep recursion
// grew is dropped rather than kept.
func (t *Task) release() {
	if len(t.stack) > maxReusedStack || cap(t.frames) > maxReusedStack {
		t.stack, t.frames, t.handlers = nil, nil, nil
	} else {
		clear(t.stack)
		clear(t.frames[:cap(t.frames)])
		clear(t.handlers[:cap(t.handlers)])
		t.frames, t.handlers = t.frames[:0], t.handlers[:0]
	}
	t.limit = 0
	t.sp = 0
}
