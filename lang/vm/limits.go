package vm

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// Quota is an allowance that a group of tasks shares: the steps they may run,
// the bytes they may allocate, and an interrupt another goroutine may raise
// for just these tasks. A host gives one to every run it starts (the tasks the
// run spawns share it), so that limits hold per run, not per machine, and a
// run cannot escape them by spawning.
//
// Allocation is counted, not measured: the operations that grow memory
// without bound (list append, push, insert and extend, concatenation and
// repetition of lists and strings, join, f-strings, str(), map insertion,
// json.decode, network reads) add what they allocate. The count is a total
// over the run, not the memory live at one time.
type Quota struct {
	// MaxSteps is the number of steps (loop iterations, calls, and the
	// instructions of loop bodies, counted every thousand or so) the tasks may
	// run; 0 is no limit.
	MaxSteps int64
	// MaxBytes is the number of bytes the tasks may allocate; 0 is no limit.
	MaxBytes int64

	// Cancel, when set, is polled at every check: once it is done, the task
	// running throws kind cancelled ("cancelled by the host: ...", Cause its
	// Err), and again every 100 ms while the tasks go on computing. A host
	// sets it while a run computes on the host's own goroutine, where nothing
	// else could deliver the cancellation, and clears it afterwards. Set and
	// read it only where the tasks run.
	Cancel context.Context

	steps, bytes int64
	interrupt    atomic.Pointer[Error]
	cancelledAt  time.Time // when Cancel last struck
}

// Steps is the number of steps run so far (counted every thousand or so).
func (q *Quota) Steps() int64 { return q.steps }

// Bytes is the number of bytes counted so far.
func (q *Quota) Bytes() int64 { return q.bytes }

// Interrupt makes the task of the quota that runs next throw err at its next
// check (within about a thousand loop iterations or calls, or at the next poll
// of a long native loop), once: the interrupt is consumed when delivered. Safe
// from any goroutine.
func (q *Quota) Interrupt(err *Error) { q.interrupt.Store(err) }

// ClearInterrupt undoes Interrupt.
func (q *Quota) ClearInterrupt() { q.interrupt.Store(nil) }

// tick is the quota's part of Machine.slowTick: the interrupt and the steps.
func (q *Quota) tick(used int64) *Error {
	if e := q.interrupt.Swap(nil); e != nil {
		return &Error{Kind: e.Kind, Message: e.Message, Cause: e.Cause}
	}
	if q.Cancel != nil {
		select {
		case <-q.Cancel.Done():
			if e := q.cancelled(); e != nil {
				return e
			}
		default:
		}
	}
	if q.MaxSteps > 0 {
		q.steps += used
		if q.steps >= q.MaxSteps {
			return Errorf(KindLimit, "instruction limit of %d steps exhausted", q.MaxSteps)
		}
	}
	return nil
}

// cancelled is the error Cancel throws now, or nil within 100 ms of the last
// one (the finally blocks it set off run undisturbed; a script that swallows
// it and goes on computing is struck again).
func (q *Quota) cancelled() *Error {
	now := time.Now()
	if !q.cancelledAt.IsZero() && now.Sub(q.cancelledAt) < 100*time.Millisecond {
		return nil
	}
	q.cancelledAt = now
	err := q.Cancel.Err()
	e := NewError(KindCancelled, "cancelled by the host: "+err.Error())
	e.Cause = err
	return e
}

// tickOwn is the step check of a task's own budget (Task.Limit).
func (q *Quota) tickOwn(used int64) *Error {
	if q.MaxSteps > 0 {
		q.steps += used
		if q.steps >= q.MaxSteps {
			return Errorf(KindLimit, "the task's budget of %d steps is exhausted", q.MaxSteps)
		}
	}
	return nil
}

// valueBytes is what one Value costs in a list, a map or a stack.
const valueBytes = int64(valueSize)

// Charge counts n bytes allocated by the task; past its quota's MaxBytes it
// returns an error of kind limit, which a native function returns to throw.
func (t *Task) Charge(n int) error {
	if e := t.charge(int64(n)); e != nil {
		return e
	}
	return nil
}

func (t *Task) charge(n int64) *Error {
	if b := t.Limit; b != nil && b.MaxBytes > 0 {
		b.bytes += n
		if b.bytes > b.MaxBytes {
			b.bytes -= n
			return Errorf(KindLimit, "the task's memory budget of %s is exhausted", byteCount(b.MaxBytes))
		}
	}
	q := t.Quota
	if q == nil || q.MaxBytes <= 0 {
		return nil
	}
	q.bytes += n
	if q.bytes > q.MaxBytes {
		q.bytes -= n // a script that catches the error may go on below the limit
		return Errorf(KindLimit, "memory limit of %s exhausted", byteCount(q.MaxBytes))
	}
	return nil
}

// countsBytes reports whether the task's allocations are counted: a byte
// limit is set in its Limit or its Quota (charge counts nothing otherwise).
// The paths that charge a value they just got test it first, so a run
// without a byte limit (a quota that only carries the interrupt and Cancel)
// makes no call.
func (t *Task) countsBytes() bool {
	return t.Quota != nil && t.Quota.MaxBytes > 0 || t.Limit != nil && t.Limit.MaxBytes > 0
}

// chargeValue counts the memory of a value just made: a string's bytes, a
// list's slots.
func (t *Task) chargeValue(v Value) *Error {
	if t.Quota == nil && t.Limit == nil {
		return nil
	}
	switch v.k {
	case KStr:
		return t.charge(int64(v.n))
	case KList:
		return t.charge(v.AsList().capBytes())
	}
	return nil
}

// chargeGrowth counts what a list or map gained in an operation, slot bytes
// a unit: a map's entries before and after (slot 2*valueBytes), or a list's
// storage bytes, capOf (slot 1).
func (t *Task) chargeGrowth(before, after int, slot int64) *Error {
	if after <= before || t.Quota == nil && t.Limit == nil {
		return nil
	}
	return t.charge(int64(after-before) * slot)
}

// chargeMethod is the one charging rule of a built-in string or list method,
// however it is called (obj.m(args), or a bound method value such as
// `let p = xs.push; p(x)`): the receiver's storage grown since before (its
// capOf before the call) and the value the method returned.
func (t *Task) chargeMethod(before int, recv, r Value) *Error {
	if e := t.chargeGrowth(before, capOf(recv), 1); e != nil {
		return e
	}
	return t.chargeValue(r)
}

// capOf is the bytes of a list value's storage (0 for other kinds): 8 an
// item of capacity in packed form, a Value's size in general form.
func capOf(v Value) int {
	if v.k == KList {
		return int(v.AsList().capBytes())
	}
	return 0
}

// mapLen is the number of entries of a map value (0 for other kinds).
func mapLen(v Value) int {
	if v.k == KMap {
		return v.AsMap().Len()
	}
	return 0
}

func byteCount(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ChargeDeep counts a value just built, with everything it holds (for a
// native function that builds a whole structure, as json.decode does).
func (t *Task) ChargeDeep(v Value) error {
	if !t.countsBytes() {
		return nil
	}
	if e := t.charge(deepSize(v, 0)); e != nil {
		return e
	}
	return nil
}

func deepSize(v Value, depth int) int64 {
	if depth > maxCompareDepth {
		return 0
	}
	switch v.k {
	case KStr:
		return int64(v.n)
	case KList:
		l := v.AsList()
		n := l.capBytes()
		for _, it := range l.vals() { // none in packed form
			n += deepSize(it, depth+1)
		}
		return n
	case KMap:
		mp := v.AsMap()
		n := int64(mp.Slots()) * 2 * valueBytes
		for i := 0; i < mp.Slots(); i++ {
			if k, x, ok := mp.Entry(i); ok {
				n += deepSize(k, depth+1) + deepSize(x, depth+1)
			}
		}
		return n
	}
	return 0
}

// pollWork is how much work a native loop does between two polls: values
// copied, comparisons made, or 16-byte words of string written.
const pollWork = 1 << 16

// poll is the dispatch loop's check (interrupt, step budget, quota) for native
// code that loops long: repetition, join, sort. work is what was done since the
// last poll, in the units of pollWork; every 64 of them count as one step.
// A nil task (Arith called from Go) is never interrupted.
func (t *Task) poll(work int) *Error {
	if t == nil || t.m == nil {
		return nil
	}
	m := t.m
	if m.tick -= int64(work/64) + 1; m.tick <= 0 {
		return m.slowTick(t, tickInterval-m.tick)
	}
	return nil
}
