package vm

import (
	"unsafe"

	"github.com/yieldscript/yieldscript/lang/compile"
)

// The bits of Task.callFlags.
const (
	callRetry uint8 = 1 << iota // Retry runs the call again
	// callDead: yieldMethod is calling YieldMethodNow at a
	// `let x = yield obj.m(args)` the compiler marked (compile's
	// deadresult.go), so DeadResult may answer; yieldMethod clears it when
	// the call returns, in the store that clears callRetry.
	callDead
	// callPark and callWait: the call's YieldMethodNow called Park or
	// Wait. Kept with the other bits, they are cleared by the same store
	// when the call returns, so that a call that called one and then said
	// done leaves nothing behind for the next call.
	callPark
	callWait
)

// deadShift: above the bits above, Task.callFlags holds at a marked call
// the slot plus one of its variable (methodRef.dead) when it is below 16,
// so that deadResult finds the slot without decoding the call; 0 there
// means it did not fit.
const deadShift = 4

// deadBits is methodRef.deadBits for a call whose methodRef.dead is dead.
func deadBits(dead int32) uint8 {
	if dead == 0 {
		return 0
	}
	if dead < 1<<(8-deadShift) {
		return callDead | uint8(dead)<<deadShift
	}
	return callDead
}

// DeadResult is for a MethodYielder's YieldMethodNow. At a statement
// `let x = yield obj.m(args)` that the compiler marked, it returns x's
// current value, the one the call's result will overwrite, and ok true;
// it returns ok false at every other call, and when called again in the
// same call.
//
// The compiler marks the statement only when x's old value is unreachable
// by the time the statement runs again: x is a plain local that no closure
// captures and nothing else assigns, and the script reads it only in truth
// tests, not, len and as the one argument of `yield obj.send(x)` or
// `yield obj.sendall(x)` on the same obj. So the host may reuse the value's
// memory for the new result, provided its own send and sendall keep nothing
// of their argument once their yield has given a value, and that it knows
// the memory to be its own to reuse: a value it made itself at such a
// statement, not one it shares with anything else.
//
// DeadResult sets x to nil, so that no one can ever see the value again,
// whether or not the host reuses it (nothing reads x before the statement
// stores the result; an error thrown by the call leaves x's scope).
func (t *Task) DeadResult() (Value, bool) {
	if t.callFlags&callDead == 0 { // inlined: most calls are not marked
		return Nil, false
	}
	return t.deadResult()
}

// AtDeadResult reports whether DeadResult would answer in this call (the
// statement is marked and the value not yet taken), without taking it: a
// host whose first attempt of the call took the value and parked asks this
// when the call runs again, where x is nil.
func (t *Task) AtDeadResult() bool { return t.callFlags&callDead != 0 }

func (t *Task) deadResult() (Value, bool) {
	r := t.callFlags
	t.callFlags = r & (callRetry | callPark | callWait)
	fr := &t.frames[len(t.frames)-1]
	if d := r >> deadShift; d != 0 {
		// the slot yieldMethod found in the call's methodRef
		p := (*Value)(unsafe.Add(fr.bp, int(d-1)*valueSize))
		v := *p
		*p = Nil
		return v, true
	}
	// The call is the instruction before the frame's ip (the YIELD), as
	// the dispatch loop leaves it for yieldMethod.
	ins := *(*uint32)(unsafe.Add(fr.ip, -4))
	if compile.Op(ins) != compile.CALLMETHOD {
		return Nil, false
	}
	ref := &fr.cl.proto.methods[ins>>16]
	if ref.dead == 0 {
		return Nil, false
	}
	p := (*Value)(unsafe.Add(fr.bp, int(ref.dead-1)*valueSize))
	v := *p
	*p = Nil
	return v, true
}
