package vm

import (
	"fmt"
	"slices"
	"unsafe"

	"github.com/yieldscript/yieldscript/lang/compile"
	"github.com/yieldscript/yieldscript/lang/parser"
)

func unsafePointer[T any](p *T) unsafe.Pointer { return unsafe.Pointer(p) }

// Status is what running a task came to.
type Status int

const (
	// StatusDone: the task returned; its value is Result.
	StatusDone Status = iota
	// StatusFailed: an error escaped the task; it is Err.
	StatusFailed
	// StatusYield: the task waits for the awaitable in Awaiting; resume it with
	// Resume or Throw.
	StatusYield
	// StatusYieldBare: a bare `yield`; resume it with Resume(Nil) once the other
	// ready tasks have run.
	StatusYieldBare
	// StatusPark: `yield obj.m(args)` must wait and the object parked the task
	// itself (Park) instead of making an awaitable: the task stopped with its
	// pc still on the call, Awaiting holds obj. Retry runs the call again (the
	// wait is over), Throw throws at it (cancelled).
	StatusPark
	// StatusWait: `yield obj.m(args)` must wait and the object registered the
	// wait with the task's driver itself (Wait) instead of making an awaitable
	// for the driver to await: the call and the yield are over, Awaiting holds
	// what the task waits for (for reports). Resume it with the yield's value,
	// or Throw.
	StatusWait

	// statusRunning is exec's answer when the dispatch loop should go on.
	statusRunning Status = -1
	// statusNativePanic is the dispatch loop's answer when a guarded native
	// function panicked: run throws the error it became (held in Err) at the call.
	statusNativePanic Status = -2
	// statusYielded is yieldMethod's answer when `yield obj.m(args)` completed
	// at once: the value it returns is the yield's, which the caller puts in
	// the receiver's slot, and the YIELD is still to be stepped over. Nothing
	// else of the task changed.
	statusYielded Status = -3
)

type frame struct {
	cl *Closure
	// code is the first instruction of cl's code; ip is the next instruction to
	// run, saved here whenever the frame is not running in run's registers.
	code, ip unsafe.Pointer
	// bp is the frame's first local slot on the stack; the function (or
	// coroutine) value sits just below it. ensure moves it when the stack grows.
	bp unsafe.Pointer
	// module is set on the frame that runs a module's top level for an import:
	// the import evaluates to the module instead of the return value.
	module *Module
}

// pc is the index of the frame's next instruction.
func (fr *frame) pc() int { return int((uintptr(fr.ip) - uintptr(fr.code)) / 4) }

// jump points the frame at instruction pc.
func (fr *frame) jump(pc int) { fr.ip = unsafe.Add(fr.code, 4*pc) }

// handler is a try statement being run. Its fields are int32s: a task
// parked inside a try (a server's task per connection, in net.serve's)
// keeps its handlers, two of them in 24 bytes instead of 48.
type handler struct {
	frame int32 // index of the frame the try statement is in
	pc    int32 // where its catch or finally code starts
	sp    int32 // operand stack height to restore
}

// Task is one thread of script execution: its value stack, frames and handlers
// live here, on the heap, so that it can stop at a yield and continue later.
type Task struct {
	// The fields a server's round trip reads (Retry, runParkedCall,
	// yieldMethod, the dispatch loop's registers, countsBytes, FD.Park)
	// sit in two of the Task's three cache lines (a Task is 192 bytes, a
	// size class whose objects start on a line): m, sp, stack and frames
	// fill the first; the flags, Quota, Limit and Data start the third. A
	// server has a task per connection, and between two round trips of one
	// the others have evicted its lines. TestTaskLayout checks this.
	m *Machine
	// sp is the stack height while the dispatch loop is not running (it keeps
	// its own pointer then).
	sp     int
	stack  []Value
	frames []frame

	// The second line: what the round trip does not read.
	handlers []handler
	// aw is what the task waits for (Awaiting) and, once it has returned,
	// the value it returned (Result): one field for both keeps the Task in
	// the 192-byte size class (a server parks one per connection).
	aw Value
	// Spare belongs to the host objects the task waits on: one of them may
	// keep there an awaitable the task has finished waiting for, to reuse for
	// the task's next `yield obj.m(args)` instead of allocating a new one.
	Spare any

	// The third line.
	started  bool
	finished bool
	// preempted: the task yielded at a back-edge or call because its watchdog
	// asked it to; it resumes without a yield value.
	preempted bool
	// parked: the task stopped with StatusPark and has not been retried or
	// thrown at since. callFlags are bits about the yield-method call the
	// task is in (deadresult.go): callRetry from Retry until the call's
	// YieldMethodNow returns (Retrying), callDead (with the variable's slot
	// plus one above it, deadShift) while a YieldMethodNow at a marked call
	// runs (DeadResult), callPark and callWait once it has called Park or
	// Wait; yieldMethod clears them all when YieldMethodNow returns, Throw
	// clears them.
	parked    bool
	callFlags uint8
	// keep: the task keeps its stack and frames when it finishes, for
	// Machine.Reuse (reuse.go). (Beside the other flags: at the end it would
	// take a word of its own and move the Task up a size class.)
	keep bool
	// Quota, when set, is the allowance the task shares with others (limits.go).
	Quota *Quota
	// Limit, when set, is the task's own budget (a script's t.limit), checked
	// on top of Quota and the machine's limits.
	Limit *Quota
	// Data belongs to whoever drives the task (the scheduler).
	Data any
	// limit is the address of the last stack slot, which stays unused.
	limit uintptr
	// Err is the error that escaped the task (StatusFailed). While the task
	// runs, it holds for a moment the error that a guarded native function's
	// panic became, which run throws at the call.
	Err *Error
	// native is the guarded native function the task is calling (set around
	// the call), for the dispatch loop's recover.
	native *Native
}

// Awaiting is what the task waits for (StatusYield, and the object a
// StatusPark or StatusWait waits on); nil while it runs and once it is done.
func (t *Task) Awaiting() Value {
	if t.finished {
		return Nil
	}
	if t.parked {
		return t.parkedOn()
	}
	return t.aw
}

// parkedOn is the receiver of the call a parked task stopped on, found
// when asked rather than stored when the task parks (a server parks a task
// every round trip and never asks): the call is the instruction before the
// frame's ip (the YIELD), its receiver below its arguments on the stack,
// both as yieldMethod left them.
func (t *Task) parkedOn() Value {
	fr := &t.frames[len(t.frames)-1]
	ins := *(*uint32)(unsafe.Add(fr.ip, -4))
	return t.stack[t.sp-int(ins>>8)&0xff-1]
}

// Result is the value the task returned (StatusDone), else nil.
func (t *Task) Result() Value {
	if !t.finished || t.Err != nil {
		return Nil
	}
	return t.aw
}

// callInfo is what the call fast path reads of a Proto, computed when the
// Proto is loaded.
type callInfo struct {
	code      []uint32 // the Funcode's code, with room for one more instruction
	numParams int
	numLocals int
	frameSize int  // NumLocals + MaxStack
	plain     bool // neither a coroutine nor capturing a parameter: the fast path can enter it
	// methods holds the built-in methods named by each of Names, looked up once.
	methods []methodRef
}

// methodRef is what a name means as a method of a string or of a list.
type methodRef struct {
	str, list MethodFunc
	push      bool // the name is push: CALLMETHOD appends in the loop when the list has room
	// deadBits is what yieldMethod sets in Task.callFlags at a marked call:
	// callDead, and dead in the bits above it when it fits (deadresult.go).
	deadBits uint8
	// dead, when not 0, is the slot plus one of the variable whose old
	// value the compiler proved dead at this call (Funcode.Reuse); such a
	// call caches its receiver's itab in deadTab, not objTab.
	dead int32
	// objTab and yTab cache `yield obj.name(args)`'s MethodYielder assertion:
	// when obj's Object interface has the itab objTab (its dynamic type), its
	// MethodYielder itab is yTab. Set by yieldMethod on the machine's
	// goroutine, as the module's globals are; nil until then.
	objTab, yTab unsafe.Pointer
	deadTab      unsafe.Pointer
	name         string // the name itself, for YieldMethodNow
}

func newCallInfo(f *compile.Funcode) callInfo {
	code := f.Code
	if cap(code) == len(code) {
		code = append(code[:len(code):len(code)], 0)[:len(code)]
	}
	var methods []methodRef
	if len(f.Names) > 0 {
		methods = make([]methodRef, len(f.Names))
		for i, name := range f.Names {
			methods[i] = methodRef{str: stringMethods[name], list: listMethods[name], push: name == "push", name: name}
			if i < len(f.Reuse) {
				methods[i].dead = f.Reuse[i]
				methods[i].deadBits = deadBits(f.Reuse[i])
			}
		}
	}
	return callInfo{
		methods:   methods,
		code:      code,
		numParams: f.NumParams,
		numLocals: f.NumLocals,
		frameSize: f.NumLocals + f.MaxStack,
		plain:     !f.Coroutine && len(f.CellParams) == 0 && !f.Variadic,
	}
}

// Machine returns the task's machine.
func (t *Task) Machine() *Machine { return t.m }

// NewTask makes a task that will call fn (a function or a not-yet-started
// coroutine) with args when first run.
func (m *Machine) NewTask(fn Value, args []Value) (*Task, error) {
	t := &Task{m: m}
	switch fn.k {
	case KFunc:
	case KCoroutine:
		co := fn.AsCoroutine()
		if co.started() {
			return nil, NewError(KindValue, "coroutine "+co.Name()+" was already awaited or spawned")
		}
		args = co.start()
		fn = closureValue(co.fn)
	case KNative:
		fn = nativeTrampoline(fn, len(args))
	default:
		return nil, Errorf(KindType, "cannot run %s as a task", fn.TypeName())
	}
	cl := fn.asClosure()
	args, err := bindArgs(cl.proto, args)
	if err != nil {
		return nil, err
	}
	// A parked task should stay small (a server parks one per connection): the
	// stack starts with room for the first frame (the function, its locals,
	// which include the arguments, its operands and the spare slot), the
	// frames with room for one call; both grow when needed.
	t.frames = make([]frame, 0, 2)
	t.setStack(firstStackOf(cl.proto))
	t.start(fn, args)
	return t, nil
}

// bindArgs checks args against p's parameters, collecting a rest parameter's
// arguments into a list, for a task's first call.
func bindArgs(p *Proto, args []Value) ([]Value, *Error) {
	if p.Variadic {
		return bindRestSlice(p, args)
	}
	return args, checkArity(p, len(args))
}

// firstStack is the stack a task needs for its first call, of p: the
// function, its locals (which include the arguments), its operands and the
// spare slot.
func firstStack(p *Proto) int {
	return 2 + p.NumLocals + p.MaxStack
}

// firstStackOf is a task's first stack for a call of p: exactly the size
// class that fits firstStack(p), which is what ShrinkStack would cut it down
// to while the task waits in that frame, so a parked server task's stack is
// never reallocated and leaves no freed object among the live ones of its
// size class (whose pages would stay resident).
func firstStackOf(p *Proto) []Value {
	if n := smallStackSlots(firstStack(p)); n > 0 {
		return make([]Value, n)
	}
	return newStack(firstStack(p))
}

// start puts the first call, of fn (a script function) with args, on t's
// empty stack and enters its frame.
func (t *Task) start(fn Value, args []Value) {
	cl := fn.asClosure()
	t.stack[0] = fn
	t.sp = 1
	copy(t.stack[1:], args)
	for i := len(args); i < cl.proto.NumParams; i++ {
		t.stack[1+i] = undef
	}
	t.enterFrame(cl, 1)
}

func (t *Task) setStack(s []Value) {
	t.stack = s
	t.limit = uintptr(unsafe.Pointer(&s[len(s)-1]))
}

// slotAt is the address of stack slot i.
func (t *Task) slotAt(i int) unsafe.Pointer { return unsafe.Pointer(&t.stack[i]) }

// slotIndex is the index of the stack slot at p.
func (t *Task) slotIndex(p unsafe.Pointer) int {
	return int((uintptr(p) - uintptr(unsafe.Pointer(unsafe.SliceData(t.stack)))) / uintptr(valueSize))
}

// bigStack is the stack size (in slots) from which a stack grows by
// doubling; a smaller one grows to what is asked and a quarter more, so that a
// task parked for long (one per connection of a server) does not keep twice
// what it used.
const bigStack = 512

// newStack makes a stack of at least need slots and a quarter more, with
// every slot of the allocation's size class.
func newStack(need int) []Value {
	s := slices.Grow([]Value(nil), max(8, need+need/4))
	return s[:cap(s)]
}

// ensure makes room for n more slots above sp, and one spare.
func (t *Task) ensure(n int) {
	if t.sp+n < len(t.stack) {
		return
	}
	var s []Value
	if len(t.stack) < bigStack {
		s = newStack(t.sp + n + 1)
	} else {
		size := 2 * len(t.stack)
		for size <= t.sp+n {
			size *= 2
		}
		s = make([]Value, size)
	}
	copy(s, t.stack[:t.sp])
	for i := range t.frames {
		t.frames[i].bp = unsafe.Pointer(&s[t.slotIndex(t.frames[i].bp)])
	}
	clear(t.frames[len(t.frames):cap(t.frames)]) // popped frames must not keep the old stack
	t.setStack(s)
}

// ShrinkStack reallocates the value stack of a suspended task down to what
// its running frame can still use, when that saves a size class of the
// allocator (a stack of up to 512 bytes) or else at least a quarter of it and
// 32 slots, and otherwise clears the slots above the stack's top (what
// returned calls left there, which the collector would keep alive); it
// returns the bytes given back. A stack never shrinks by itself: a task
// parked for long (a server's task for an idle connection) would otherwise
// keep what its deepest moment needed, and the values of its last request.
// The scheduler calls it for tasks that stay parked (runtime/scheduler).
func (t *Task) ShrinkStack() int {
	if len(t.frames) == 0 || t.finished {
		return 0
	}
	fr := &t.frames[len(t.frames)-1]
	p := fr.cl.proto
	// The running frame may use NumLocals+MaxStack slots from its base (the
	// value a Resume pushes among them), and one spare slot stays above.
	need := max(t.slotIndex(fr.bp)+p.NumLocals+p.MaxStack, t.sp) + 1
	n := len(t.stack)
	size := smallStackSlots(need)
	if size == 0 && n-need >= 32 && need <= n-n/4 {
		size = need
	}
	freed := t.trimFrames()
	if size == 0 || size >= n {
		clear(t.stack[t.sp:])
		return freed
	}
	old := n
	s := make([]Value, size)
	copy(s, t.stack[:t.sp])
	for i := range t.frames {
		t.frames[i].bp = unsafe.Pointer(&s[t.slotIndex(t.frames[i].bp)])
	}
	t.setStack(s)
	return freed + (old-size)*valueSize
}

// trimFrames cuts the frame and handler stacks of a suspended task down to
// the frames and try statements it is in, when that saves more than a
// quarter of them (an HTTP server's idle connection task is in one frame, its
// loop's, where answering a request needed three and more), and returns the
// bytes given back. They grow again as calls need.
func (t *Task) trimFrames() int {
	freed := 0
	if n := len(t.frames); cap(t.frames) > n+n/4+1 {
		freed += (cap(t.frames) - n) * int(unsafe.Sizeof(frame{}))
		t.frames = append([]frame(nil), t.frames...)
	}
	if n := len(t.handlers); cap(t.handlers) > n+n/4+1 {
		freed += (cap(t.handlers) - n) * int(unsafe.Sizeof(handler{}))
		t.handlers = append([]handler(nil), t.handlers...)
	}
	return freed
}

// smallSizeClasses are the sizes of the Go allocator's classes up to 512
// bytes (runtime/sizeclasses.go; above that, an object with pointers takes
// a header word as well). TestSmallStackSlots checks them against the
// allocator.
var smallSizeClasses = [...]uint16{8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176,
	192, 208, 224, 240, 256, 288, 320, 352, 384, 416, 448, 480, 512}

// smallStackSlots is the number of slots of the allocation that holds n
// slots, when that is at most 512 bytes, else 0.
func smallStackSlots(n int) int {
	b := n * valueSize
	for _, c := range smallSizeClasses {
		if b <= int(c) {
			return int(c) / valueSize
		}
	}
	return 0
}

// enterFrame pushes a frame for cl whose arguments are at stack[base:base+NumParams].
func (t *Task) enterFrame(cl *Closure, base int) {
	p := cl.proto
	for i := base + p.NumParams; i < base+p.NumLocals; i++ {
		t.stack[i] = Nil
	}
	for _, i := range p.CellParams {
		t.stack[base+i] = Value{k: kCell, p: unsafe.Pointer(&Cell{v: t.stack[base+i]})}
	}
	t.sp = base + p.NumLocals
	code := unsafe.Pointer(unsafe.SliceData(p.code))
	t.frames = append(t.frames, frame{cl: cl, code: code, ip: code, bp: t.slotAt(base)})
}

func checkArity(p *Proto, n int) *Error {
	if n >= p.NumRequired && n <= p.NumParams {
		return nil
	}
	plural := "s"
	if p.NumParams == 1 && p.NumRequired == 1 {
		plural = ""
	}
	was := "were"
	if n == 1 {
		was = "was"
	}
	if p.Variadic {
		if p.NumRequired == 1 {
			plural = ""
		}
		return Errorf(KindType, "%s() takes at least %d argument%s but %d %s given", p.Name, p.NumRequired, plural, n, was)
	}
	if p.NumRequired == p.NumParams {
		return Errorf(KindType, "%s() takes %d argument%s but %d %s given", p.Name, p.NumParams, plural, n, was)
	}
	return Errorf(KindType, "%s() takes %d to %d arguments but %d %s given", p.Name, p.NumRequired, p.NumParams, n, was)
}

// Run starts the task, or continues it after Resume/Throw set it up.
func (t *Task) Run() Status {
	if t.finished {
		panic("vm: Run on a finished task")
	}
	t.started = true
	return t.run(nil)
}

// Resume continues a task suspended at a yield with v as the yield's value.
func (t *Task) Resume(v Value) Status {
	t.aw = Value{}
	if t.preempted {
		t.preempted = false
		return t.run(nil)
	}
	if v.k == KStr && t.countsBytes() {
		// What a wait delivers (a network or file read, a host call's result)
		// counts against the task's quota.
		if e := t.charge(int64(v.n)); e != nil {
			return t.run(e)
		}
	}
	t.stack[t.sp] = v
	t.sp++
	return t.run(nil)
}

// Park is for a MethodYielder whose YieldMethodNow finds that the operation
// must wait (its driver has recorded what for): it then returns done false
// and the task stops with StatusPark, its pc still on the call, instead of
// calling the method and yielding an awaitable.
func (t *Task) Park() { t.callFlags |= callPark }

// Wait is for a MethodYielder whose YieldMethodNow finds that the operation
// must wait and has registered the wait with the task's driver itself (a
// queue's waiting getter, woken with the item): it then returns done false and
// the task stops with StatusWait at the yield, with aw in Awaiting, instead of
// calling the method and yielding an awaitable.
func (t *Task) Wait(aw Value) {
	t.callFlags |= callWait
	t.aw = aw
}

// Retry continues a task stopped with StatusPark by running the call again.
func (t *Task) Retry() Status {
	if !t.parked {
		panic("vm: Retry on a task that is not parked")
	}
	// aw is nil: a parked task's Awaiting is parkedOn.
	t.parked, t.callFlags = false, callRetry
	// run, written out: one call less between an event and the call;
	// the dispatch loop runs the call first (retryCall).
	if st := t.dispatch(retryCall); st != statusNativePanic {
		return st
	}
	return t.runAfterPanic()
}

// Retrying reports, to a YieldMethodNow, that this call is the one the task
// parked on, run again by Retry (so the object may go on from where the call
// stopped, as a sendall that sent part of its data).
func (t *Task) Retrying() bool { return t.callFlags&callRetry != 0 }

// Throw continues a task suspended at a yield (or parked on a call) by
// throwing err there.
func (t *Task) Throw(err *Error) Status {
	t.aw = Nil
	t.preempted = false
	t.parked, t.callFlags = false, 0
	return t.run(err)
}

// Done reports whether the task has finished.
func (t *Task) Done() bool { return t.finished }

// Depth is the number of frames on the task.
func (t *Task) Depth() int { return len(t.frames) }

// Trace returns where the task is: one frame per call, outermost first.
func (t *Task) Trace() []TraceFrame {
	out := make([]TraceFrame, 0, len(t.frames))
	for i := range t.frames {
		fr := &t.frames[i]
		p := fr.cl.proto
		pos := p.PosAt(fr.pc() - 1)
		out = append(out, TraceFrame{Func: p.Name, File: p.File, Line: pos.Line, Col: pos.Col})
	}
	return out
}

// nativeTrampoline makes a script function of nargs parameters that calls the
// native function fn with them, so that a native function can run as a task.
func nativeTrampoline(fn Value, nargs int) Value {
	name := fn.AsNative().Name
	code := []uint32{compile.Instr(compile.CONST, 0)}
	for i := range nargs {
		code = append(code, compile.Instr(compile.LOCAL, i))
	}
	code = append(code, compile.Instr(compile.CALL, nargs), compile.Instr(compile.RETURN, 0))
	locals := make([]string, nargs)
	for i := range locals {
		locals[i] = fmt.Sprintf("arg%d", i)
	}
	fc := &compile.Funcode{
		Name: name, File: "<native>", Code: code, Lines: make([]parser.Pos, len(code)),
		Consts: []any{int64(0)}, NumParams: nargs, NumRequired: nargs, NumLocals: nargs,
		MaxStack: nargs + 1, LocalNames: locals,
	}
	p := loadProto(fc, NewModule(name, "<native>"))
	p.consts[0] = fn
	return closureValue(&Closure{proto: p})
}

// Site is a place in running code: a function and an instruction. It is cheap
// to keep (a spawn site is kept for every task) and becomes a file:line:col
// only when a traceback is printed.
type Site struct {
	proto *Proto
	pc    int
}

// Sites returns where the task is, one site per frame, outermost first.
func (t *Task) Sites() []Site {
	out := make([]Site, len(t.frames))
	for i := range t.frames {
		fr := &t.frames[i]
		out[i] = Site{fr.cl.proto, fr.pc() - 1}
	}
	return out
}

// AtSites reports whether the task is where sites say (Sites would return
// the same), without making them.
func (t *Task) AtSites(sites []Site) bool {
	if len(sites) != len(t.frames) {
		return false
	}
	for i := range t.frames {
		fr := &t.frames[i]
		if sites[i] != (Site{fr.cl.proto, fr.pc() - 1}) {
			return false
		}
	}
	return true
}

// Frames turns sites into traceback frames.
func Frames(sites []Site) []TraceFrame {
	out := make([]TraceFrame, len(sites))
	for i, s := range sites {
		pos := s.proto.PosAt(s.pc)
		out[i] = TraceFrame{Func: s.proto.Name, File: s.proto.File, Line: pos.Line, Col: pos.Col}
	}
	return out
}

// throwValue turns a thrown script value into the error that travels.
func throwValue(v Value) *Error {
	if v.k == KError {
		return v.AsError()
	}
	return &Error{Kind: KindError, Message: "thrown value " + Repr(v), Value: v, IsValue: true}
}

// unwind delivers a thrown error to the innermost handler: it pops the frames
// above the handler's, restores the operand stack, pushes the error and points the
// frame at the handler's code. Without a handler the task fails and unwind is false.
func (t *Task) unwind(thrown *Error) bool {
	if thrown.Trace == nil {
		thrown.Trace = t.Trace()
	}
	if len(t.handlers) == 0 || thrown.exit {
		t.fail(thrown)
		return false
	}
	h := t.handlers[len(t.handlers)-1]
	t.handlers = t.handlers[:len(t.handlers)-1]
	for i := int(h.frame) + 1; i < len(t.frames); i++ {
		t.frames[i] = frame{}
	}
	t.frames = t.frames[:h.frame+1]
	t.stack[h.sp] = ErrorValue(thrown)
	t.sp = int(h.sp) + 1
	t.frames[h.frame].jump(int(h.pc))
	return true
}

// throw unwinds to a handler for e: exec's way out on an error.
func (t *Task) throw(e *Error) Status {
	if t.unwind(e) {
		return statusRunning
	}
	return StatusFailed
}

func (t *Task) finish() {
	t.finished = true
	if t.keep {
		t.release()
		return
	}
	t.frames = nil
	t.handlers = nil
	t.stack = nil
	t.limit = 0
	t.sp = 0
}

func (t *Task) fail(e *Error) {
	t.Err = e
	t.finish()
}
