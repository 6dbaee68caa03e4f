package vm

import (
	"fmt"
	"math"
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

	// statusRunning is exec's answer when the dispatch loop should go on.
	statusRunning Status = -1
)

// Ready is an awaitable that can often complete at once (a queue that has an
// item, a socket that has data). TryNow either completes it — done is true, and
// the yield gives v or throws err without the task leaving the dispatch loop —
// or leaves it to the scheduler as an ordinary awaitable.
type Ready interface {
	TryNow(t *Task) (v Value, err *Error, done bool)
}

// Awaitable marks objects a task can wait for. The VM hands them to whoever
// drives the task (the scheduler) and knows nothing else about them.
type Awaitable interface {
	Object
	Awaitable()
}

// The dispatch loop addresses the operand stack and the code through raw
// pointers: sp points at the first free stack slot, bp at the first local of the
// running frame and ip at the next instruction. They stay inside their arrays:
// a function's frame needs NumLocals+MaxStack slots, which every frame entry
// reserves (t.ensure, or the check against t.limit), with one spare slot above so
// that sp never points past the end of the stack; and every Proto's code has
// spare capacity, so that ip after the last instruction still points into it.
// The compiler's MaxStack is checked by compile.VerifyStack in the tests.

// valueSize is the size of a Value, the stride of the stack.
const valueSize = int(unsafe.Sizeof(Value{}))

// slot returns the stack slot i slots above p.
func slot(p unsafe.Pointer, i int) *Value { return (*Value)(unsafe.Add(p, i*valueSize)) }

// push stores v at sp and returns the new sp.
func push(sp unsafe.Pointer, v Value) unsafe.Pointer {
	*(*Value)(sp) = v
	return unsafe.Add(sp, valueSize)
}

// word returns the instruction i instructions after ip.
func word(ip unsafe.Pointer, i int) uint32 { return *(*uint32)(unsafe.Add(ip, 4*i)) }

// truthByN has a bit set for each kind whose values are true when n is not 0
// (see Value.Truthy): the jumps test those without a call.
const truthByN = 1<<KNil | 1<<KBool | 1<<KInt | 1<<KStr

// opsetKind is fkind for OPSET in run: LLOP..LKJUMPF are 0 to 5.
const opsetKind = 6

// boolValue is Bool without a branch.
func boolValue(b bool) Value {
	v := Value{k: KBool}
	if b {
		v.n = 1
	}
	return v
}

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

type handler struct {
	frame int // index of the frame the try statement is in
	pc    int // where its catch or finally code starts
	sp    int // operand stack height to restore
}

// Task is one thread of script execution: its value stack, frames and handlers
// live here, on the heap, so that it can stop at a yield and continue later.
type Task struct {
	m     *Machine
	stack []Value
	// sp is the stack height while the dispatch loop is not running (it keeps
	// its own pointer then).
	sp int
	// limit is the address of the last stack slot, which stays unused.
	limit    uintptr
	frames   []frame
	handlers []handler
	started  bool
	finished bool
	// preempted: the task yielded at a back-edge or call because its watchdog
	// asked it to; it resumes without a yield value.
	preempted bool

	// Result is the value the task returned (StatusDone).
	Result Value
	// Err is the error that escaped the task (StatusFailed).
	Err *Error
	// Awaiting is what the task waits for (StatusYield).
	Awaiting Value
	// Data belongs to whoever drives the task (the scheduler).
	Data any
	// Quota, when set, is the allowance the task shares with others (limits.go).
	Quota *Quota
	// Limit, when set, is the task's own budget (a script's t.limit), checked
	// on top of Quota and the machine's limits.
	Limit *Quota
	// tail is the call a native asked for with TailCall.
	tail tailCall
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
			methods[i] = methodRef{str: stringMethods[name], list: listMethods[name], push: name == "push"}
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
		if co.started {
			return nil, NewError(KindValue, "coroutine "+co.Name()+" was already awaited or spawned")
		}
		co.started = true
		args = co.args
		co.args = nil
		fn = closureValue(co.fn)
	case KNative:
		fn = nativeTrampoline(fn, len(args))
	default:
		return nil, Errorf(KindType, "cannot run %s as a task", fn.TypeName())
	}
	cl := fn.asClosure()
	if cl.proto.Variadic {
		var err *Error
		if args, err = bindRestSlice(cl.proto, args); err != nil {
			return nil, err
		}
	} else if err := checkArity(cl.proto, len(args)); err != nil {
		return nil, err
	}
	// A parked task should stay small (a server parks one per connection): the
	// stack starts with room for the first frame and a little more, the frames
	// with room for one call; both grow when needed.
	t.frames = make([]frame, 0, 2)
	t.setStack(make([]Value, max(8, 2+len(args)+cl.proto.NumLocals+cl.proto.MaxStack)))
	t.stack[0] = fn
	t.sp = 1
	copy(t.stack[1:], args)
	for i := len(args); i < cl.proto.NumParams; i++ {
		t.stack[1+i] = undef
	}
	t.enterFrame(cl, 1)
	return t, nil
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

// ensure makes room for n more slots above sp, and one spare.
func (t *Task) ensure(n int) {
	if t.sp+n < len(t.stack) {
		return
	}
	size := 2 * len(t.stack)
	for size <= t.sp+n {
		size *= 2
	}
	s := make([]Value, size)
	copy(s, t.stack[:t.sp])
	for i := range t.frames {
		t.frames[i].bp = unsafe.Pointer(&s[t.slotIndex(t.frames[i].bp)])
	}
	clear(t.frames[len(t.frames):cap(t.frames)]) // popped frames must not keep the old stack
	t.setStack(s)
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
	t.Awaiting = Nil
	if t.preempted {
		t.preempted = false
		return t.run(nil)
	}
	if v.k == KStr && (t.Quota != nil || t.Limit != nil) {
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

// Throw continues a task suspended at a yield by throwing err there.
func (t *Task) Throw(err *Error) Status {
	t.Awaiting = Nil
	t.preempted = false
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

// run is the dispatch loop. It returns when the task finishes, fails or waits.
//
// Its registers are ip, sp, bp and fr (the running frame). Each case either
// finishes its instruction without calling out of the loop, or leaves it, before
// changing anything, to exec through the slow label, which saves the registers,
// runs the instruction and loads them again. Keeping every call behind that one
// label is what lets the compiler hold the registers in machine registers across
// instructions instead of spilling them on each one.
func (t *Task) run(thrown *Error) (status Status) {
	defer func() {
		if r := recover(); r != nil {
			// A bug in the VM or a native function must not take the host down:
			// the task fails with an internal error and its traceback.
			e := Errorf(KindError, "internal error: %v", r)
			e.Trace = t.Trace()
			t.fail(e)
			status = StatusFailed
		}
	}()
	if thrown != nil && !t.unwind(thrown) {
		return StatusFailed
	}
	m := t.m
	fr := &t.frames[len(t.frames)-1]
	ip, sp, bp := fr.ip, t.slotAt(t.sp), fr.bp
	var ins uint32
	var rv Value // the value being returned (ret)
	// The operands, operator and kind of a superinstruction's arithmetic (fusedArith).
	var x, y Value
	var fop, fkind compile.Op

	for {
		ins = *(*uint32)(ip)
		ip = unsafe.Add(ip, 4)
		arg := int(ins >> 8)
		switch compile.Op(ins) {
		case compile.NOP:
		case compile.POP:
			sp = unsafe.Add(sp, -valueSize)
		case compile.DUP:
			sp = push(sp, *slot(sp, -1))
		case compile.DUP2:
			a, b := *slot(sp, -2), *slot(sp, -1)
			sp = push(push(sp, a), b)
		case compile.ROT3:
			a, b, c := slot(sp, -3), slot(sp, -2), slot(sp, -1)
			*a, *b, *c = *c, *a, *b
		case compile.NIL:
			sp = push(sp, Nil)
		case compile.TRUE:
			sp = push(sp, True)
		case compile.FALSE:
			sp = push(sp, False)
		case compile.SMALLINT:
			sp = push(sp, Value{k: KInt, n: uint64(int64(int32(ins) >> 8))})
		case compile.CONST:
			sp = push(sp, fr.cl.proto.consts[arg])
		case compile.LOCAL:
			sp = push(sp, *slot(bp, arg))
		case compile.SETLOCAL:
			sp = unsafe.Add(sp, -valueSize)
			*slot(bp, arg) = *(*Value)(sp)
		case compile.CELL:
			sp = push(sp, slot(bp, arg).asCell().v)
		case compile.SETCELL:
			sp = unsafe.Add(sp, -valueSize)
			slot(bp, arg).asCell().v = *(*Value)(sp)
		case compile.FREE:
			sp = push(sp, fr.cl.free[arg].v)
		case compile.SETFREE:
			sp = unsafe.Add(sp, -valueSize)
			fr.cl.free[arg].v = *(*Value)(sp)
		case compile.GLOBAL:
			v := &fr.cl.proto.module.globals[arg]
			if v.k == kUndef {
				goto slow
			}
			sp = push(sp, *v)
		case compile.SETGLOBAL:
			sp = unsafe.Add(sp, -valueSize)
			fr.cl.proto.module.globals[arg] = *(*Value)(sp)
		case compile.PUTGLOBAL:
			g := &fr.cl.proto.module.globals[arg]
			if g.k == kUndef {
				goto slow
			}
			sp = unsafe.Add(sp, -valueSize)
			*g = *(*Value)(sp)
		case compile.BUILTIN:
			sp = push(sp, m.builtins[arg])

		case compile.ADD:
			a, b := slot(sp, -2), slot(sp, -1)
			if a.k == KInt && b.k == KInt {
				a.n += b.n
			} else if a.k == KFloat && b.k == KFloat {
				a.n = math.Float64bits(a.AsFloat() + b.AsFloat())
			} else {
				goto slow
			}
			sp = unsafe.Add(sp, -valueSize)
		case compile.SUB:
			a, b := slot(sp, -2), slot(sp, -1)
			if a.k == KInt && b.k == KInt {
				a.n -= b.n
			} else if a.k == KFloat && b.k == KFloat {
				a.n = math.Float64bits(a.AsFloat() - b.AsFloat())
			} else {
				goto slow
			}
			sp = unsafe.Add(sp, -valueSize)
		case compile.MUL:
			a, b := slot(sp, -2), slot(sp, -1)
			if a.k == KInt && b.k == KInt {
				a.n = uint64(int64(a.n) * int64(b.n))
			} else if a.k == KFloat && b.k == KFloat {
				a.n = math.Float64bits(a.AsFloat() * b.AsFloat())
			} else {
				goto slow
			}
			sp = unsafe.Add(sp, -valueSize)
		case compile.MOD:
			a, b := slot(sp, -2), slot(sp, -1)
			if a.k != KInt || b.k != KInt || int64(b.n) <= 0 {
				goto slow
			}
			a.n = uint64(floorMod(int64(a.n), int64(b.n)))
			sp = unsafe.Add(sp, -valueSize)
		case compile.FLOORDIV:
			a, b := slot(sp, -2), slot(sp, -1)
			if a.k != KInt || b.k != KInt || int64(b.n) <= 0 {
				goto slow
			}
			a.n = uint64(floorDiv(int64(a.n), int64(b.n)))
			sp = unsafe.Add(sp, -valueSize)
		case compile.NEG:
			v := slot(sp, -1)
			if v.k != KInt {
				goto slow
			}
			v.n = -v.n
		case compile.NOT:
			v := slot(sp, -1)
			if v.k != KBool {
				goto slow
			}
			v.n ^= 1
		case compile.EQ, compile.NE:
			a, b := slot(sp, -2), slot(sp, -1)
			if a.k != b.k || a.k != KInt && a.k != KBool {
				goto slow
			}
			*a = boolValue((a.n == b.n) == (compile.Op(ins) == compile.EQ))
			sp = unsafe.Add(sp, -valueSize)
		case compile.LT, compile.LE, compile.GT, compile.GE:
			a, b := slot(sp, -2), slot(sp, -1)
			var r bool
			if a.k == KInt && b.k == KInt {
				r = compareInts(compile.Op(ins), int64(a.n), int64(b.n))
			} else if a.k == KFloat && b.k == KFloat {
				r = compareFloats(compile.Op(ins), a.AsFloat(), b.AsFloat())
			} else {
				goto slow
			}
			*a = boolValue(r)
			sp = unsafe.Add(sp, -valueSize)

		case compile.JUMP:
			ip = unsafe.Add(fr.code, 4*arg)
		case compile.JUMPFALSE, compile.JUMPTRUE:
			v := slot(sp, -1)
			if 1<<v.k&truthByN == 0 {
				goto slow
			}
			sp = unsafe.Add(sp, -valueSize)
			if (v.n != 0) == (compile.Op(ins) == compile.JUMPTRUE) {
				ip = unsafe.Add(fr.code, 4*arg)
			}
		case compile.ANDJUMP, compile.ORJUMP:
			v := slot(sp, -1)
			if 1<<v.k&truthByN == 0 {
				goto slow
			}
			if (v.n != 0) == (compile.Op(ins) == compile.ORJUMP) {
				ip = unsafe.Add(fr.code, 4*arg)
			} else {
				sp = unsafe.Add(sp, -valueSize)
			}
		case compile.LOOP:
			// The budget and the interrupt flag are checked when the tick runs out.
			target := unsafe.Add(fr.code, 4*arg)
			steps := int64((uintptr(ip) - uintptr(target)) / 4)
			if m.tick <= steps {
				goto slow
			}
			m.tick -= steps
			ip = target
			if ins = word(ip, 0); compile.Op(ins) == compile.FORITERSET {
				// The back edge of a for loop: go on with its FORITERSET at once.
				ip = unsafe.Add(ip, 4)
				arg = int(ins >> 8)
				goto forIterSet
			}
		case compile.ISSET:
			v := slot(bp, arg&0xff)
			if v.k == kCell {
				v = &v.asCell().v
			}
			if v.k != kUndef {
				ip = unsafe.Add(fr.code, 4*(arg>>8))
			}

		case compile.CALL:
			// A script function with exactly its parameters, no cells to make and
			// room on the stack is entered here; everything else goes to exec.
			fv := slot(sp, -arg-1)
			if fv.k != KFunc {
				goto slow
			}
			cl := fv.asClosure()
			p := cl.proto
			nbp := unsafe.Add(sp, -arg*valueSize)
			n := len(t.frames)
			if arg != p.numParams || !p.plain || uintptr(nbp)+uintptr(p.frameSize*valueSize) > t.limit ||
				n == cap(t.frames) || n >= m.MaxDepth || m.tick <= 1 {
				goto slow
			}
			m.tick--
			fr.ip = ip
			t.frames = t.frames[:n+1]
			fr = &t.frames[n]
			ip = unsafe.Pointer(unsafe.SliceData(p.code))
			*fr = frame{cl: cl, code: ip, ip: ip, bp: nbp}
			bp = nbp
			for i := p.numParams; i < p.numLocals; i++ {
				*slot(bp, i) = Nil
			}
			sp = unsafe.Add(bp, p.numLocals*valueSize)
		case compile.CALLMETHOD:
			// list.push(x) when the list has room; other methods go to exec.
			if arg&0xff != 1 {
				goto slow
			}
			recv := slot(sp, -2)
			if recv.k != KList || !fr.cl.proto.methods[arg>>8].push {
				goto slow
			}
			l := recv.AsList()
			n := len(l.Items)
			if n == cap(l.Items) {
				goto slow
			}
			l.Items = l.Items[:n+1]
			l.Items[n] = *slot(sp, -1)
			*recv = Nil
			sp = unsafe.Add(sp, -valueSize)
		case compile.RETURN:
			rv = *slot(sp, -1)
			goto ret
		case compile.RETURNNIL:
			rv = Nil
			goto ret

		case compile.INDEX:
			x, i := slot(sp, -2), slot(sp, -1)
			if i.k != KInt {
				goto slow
			}
			if x.k == KList {
				items := x.AsList().Items
				if i.n >= uint64(len(items)) { // negative indexes too
					goto slow
				}
				*x = items[i.n]
			} else if x.k == KMap && x.AsMap().index != nil {
				mp := x.AsMap()
				if j := mp.findInt(i.n); j >= 0 {
					*x = mp.vals[j]
				} else {
					*x = Nil
				}
			} else {
				goto slow
			}
			sp = unsafe.Add(sp, -valueSize)
		case compile.SETINDEX:
			// An existing item of a list, or an existing int key of a map.
			x, i := slot(sp, -3), slot(sp, -2)
			if i.k != KInt {
				goto slow
			}
			if x.k == KList {
				items := x.AsList().Items
				if i.n >= uint64(len(items)) {
					goto slow
				}
				items[i.n] = *slot(sp, -1)
			} else if x.k == KMap && x.AsMap().index != nil {
				mp := x.AsMap()
				j := mp.findInt(i.n)
				if j < 0 {
					goto slow
				}
				mp.vals[j] = *slot(sp, -1)
			} else {
				goto slow
			}
			sp = unsafe.Add(sp, -3*valueSize)

		case compile.FORITER:
			it := slot(sp, -1)
			switch it.k {
			case kIterRange:
				r := (*Range)(it.p)
				if r.Step > 0 && r.Start < r.Stop || r.Step < 0 && r.Start > r.Stop {
					sp = push(sp, Value{k: KInt, n: uint64(r.Start)})
					r.advance()
				} else {
					sp = unsafe.Add(sp, -valueSize)
					ip = unsafe.Add(fr.code, 4*arg)
				}
			case kIterList:
				items := (*List)(it.p).Items
				if it.n < uint64(len(items)) {
					sp = push(sp, items[it.n])
					it.n++
				} else {
					sp = unsafe.Add(sp, -valueSize)
					ip = unsafe.Add(fr.code, 4*arg)
				}
			default:
				goto slow
			}

		// Superinstructions (see compile/opcode.go and compile/peephole.go).
		case compile.FORITERSET:
			goto forIterSet
		case compile.LOCAL2:
			// LOCAL a; LOCAL b
			sp = push(push(sp, *slot(bp, arg)), *slot(bp, int(word(ip, 0)>>8)))
			ip = unsafe.Add(ip, 4)
		case compile.LLOP, compile.LKOP, compile.LLOPSET, compile.LKOPSET, compile.LLJUMPF, compile.LKJUMPF:
			// LOCAL a; (LOCAL b | K b); op, then nothing, SETLOCAL c or JUMPFALSE t:
			// the operands never touch the stack.
			fkind = compile.Op(ins) - compile.LLOP
			x = *slot(bp, arg)
			if w := word(ip, 0); fkind&1 == 0 {
				y = *slot(bp, int(w>>8))
			} else {
				switch compile.Op(w) {
				case compile.SMALLINT:
					y = Value{k: KInt, n: uint64(int64(int32(w) >> 8))}
				case compile.CONST:
					y = fr.cl.proto.consts[w>>8]
				case compile.FREE:
					y = fr.cl.free[w>>8].v
				case compile.CELL:
					y = slot(bp, int(w>>8)).asCell().v
				default: // GLOBAL; undefined is neither int nor float
					y = fr.cl.proto.module.globals[w>>8]
				}
			}
			fop = compile.Op(word(ip, 1))
			goto fusedArith
		case compile.OPSET:
			// op; SETLOCAL c, with op in the operand
			fkind = opsetKind
			x, y = *slot(sp, -2), *slot(sp, -1)
			fop = compile.Op(arg)
			goto fusedArith
		case compile.LOCALRET:
			// LOCAL a; RETURN
			rv = *slot(bp, arg)
			goto ret

		default:
			goto slow
		}
		continue

	forIterSet:
		// FORITER t; SETLOCAL x: the next value goes straight into x.
		if it := slot(sp, -1); it.k == kIterRange {
			r := (*Range)(it.p)
			if r.Step > 0 && r.Start < r.Stop || r.Step < 0 && r.Start > r.Stop {
				*slot(bp, int(word(ip, 0)>>8)) = Value{k: KInt, n: uint64(r.Start)}
				r.advance()
				ip = unsafe.Add(ip, 4)
			} else {
				sp = unsafe.Add(sp, -valueSize)
				ip = unsafe.Add(fr.code, 4*arg)
			}
			continue
		} else if it.k == kIterList {
			items := (*List)(it.p).Items
			if it.n < uint64(len(items)) {
				*slot(bp, int(word(ip, 0)>>8)) = items[it.n]
				it.n++
				ip = unsafe.Add(ip, 4)
			} else {
				sp = unsafe.Add(sp, -valueSize)
				ip = unsafe.Add(fr.code, 4*arg)
			}
			continue
		}
		goto slow

	fusedArith:
		// The arithmetic of the superinstructions above: fop on x and y, when both
		// are ints or both floats, then what fkind says to do with the result.
		{
			var r Value
			if x.k == KInt && y.k == KInt {
				a, b := int64(x.n), int64(y.n)
				switch fop {
				case compile.ADD:
					r = Value{k: KInt, n: uint64(a + b)}
				case compile.SUB:
					r = Value{k: KInt, n: uint64(a - b)}
				case compile.MUL:
					r = Value{k: KInt, n: uint64(a * b)}
				case compile.DIV:
					if b == 0 {
						goto fusedFallback
					}
					r = Value{k: KFloat, n: math.Float64bits(compile.TrueDiv(a, b))}
				case compile.MOD:
					if b <= 0 {
						goto fusedFallback
					}
					r = Value{k: KInt, n: uint64(floorMod(a, b))}
				case compile.FLOORDIV:
					if b <= 0 {
						goto fusedFallback
					}
					r = Value{k: KInt, n: uint64(floorDiv(a, b))}
				case compile.LT:
					r = boolValue(a < b)
				case compile.LE:
					r = boolValue(a <= b)
				case compile.GT:
					r = boolValue(a > b)
				case compile.GE:
					r = boolValue(a >= b)
				case compile.EQ:
					r = boolValue(a == b)
				case compile.NE:
					r = boolValue(a != b)
				default:
					goto fusedFallback
				}
			} else if x.k == KFloat && y.k == KFloat {
				a, b := x.AsFloat(), y.AsFloat()
				switch fop {
				case compile.ADD:
					r = Value{k: KFloat, n: math.Float64bits(a + b)}
				case compile.SUB:
					r = Value{k: KFloat, n: math.Float64bits(a - b)}
				case compile.MUL:
					r = Value{k: KFloat, n: math.Float64bits(a * b)}
				case compile.DIV:
					if b == 0 {
						goto fusedFallback
					}
					r = Value{k: KFloat, n: math.Float64bits(a / b)}
				case compile.LT:
					r = boolValue(a < b)
				case compile.LE:
					r = boolValue(a <= b)
				case compile.GT:
					r = boolValue(a > b)
				case compile.GE:
					r = boolValue(a >= b)
				case compile.EQ:
					r = boolValue(a == b)
				case compile.NE:
					r = boolValue(a != b)
				default:
					goto fusedFallback
				}
			} else {
				goto fusedFallback
			}
			switch fkind >> 1 {
			case 0: // LLOP, LKOP: push the result
				sp = push(sp, r)
				ip = unsafe.Add(ip, 8)
			case 1: // LLOPSET, LKOPSET: SETLOCAL c
				*slot(bp, int(word(ip, 2)>>8)) = r
				ip = unsafe.Add(ip, 12)
			case 2: // LLJUMPF, LKJUMPF: JUMPFALSE t, and r is a bool
				if r.n == 0 {
					ip = unsafe.Add(fr.code, 4*int(word(ip, 2)>>8))
				} else {
					ip = unsafe.Add(ip, 12)
				}
			default: // OPSET: SETLOCAL c
				*slot(bp, int(word(ip, 0)>>8)) = r
				sp = unsafe.Add(sp, -2*valueSize)
				ip = unsafe.Add(ip, 4)
			}
			continue
		}

	fusedFallback:
		// Operands the arithmetic above does not cover: OPSET runs its op in exec;
		// the others run their first instruction, LOCAL arg, and go on with the
		// rest of their sequence.
		if fkind == opsetKind {
			goto slow
		}
		sp = push(sp, *slot(bp, arg))
		continue

	ret:
		// Return rv to the caller, unless this is the task's first frame, a module's
		// top level or a frame with try handlers to pop: exec does those.
		if n := len(t.frames); n > 1 && fr.module == nil &&
			(len(t.handlers) == 0 || t.handlers[len(t.handlers)-1].frame < n-1) {
			sp = fr.bp
			*slot(sp, -1) = rv
			t.frames = t.frames[:n-1]
			fr = &t.frames[n-2]
			ip, bp = fr.ip, fr.bp
			continue
		}

	slow:
		// Everything the cases above do not finish: save the registers, let exec
		// run the instruction and load them again (it may have called, returned,
		// thrown, yielded or grown the stack).
		fr.ip = ip
		t.sp = t.slotIndex(sp)
		if st := t.exec(ins); st != statusRunning {
			return st
		}
		fr = &t.frames[len(t.frames)-1]
		ip, sp, bp = fr.ip, t.slotAt(t.sp), fr.bp
	}
}

func compareInts(op compile.Op, x, y int64) bool {
	switch op {
	case compile.LT:
		return x < y
	case compile.LE:
		return x <= y
	case compile.GT:
		return x > y
	}
	return x >= y
}

func compareFloats(op compile.Op, x, y float64) bool {
	switch op {
	case compile.LT:
		return x < y
	case compile.LE:
		return x <= y
	case compile.GT:
		return x > y
	}
	return x >= y
}

// floorMod is x % y for y > 0, with the sign of y.
func floorMod(x, y int64) int64 {
	r := x % y
	if r < 0 {
		r += y
	}
	return r
}

// floorDiv is x // y for y > 0, rounding toward negative infinity.
func floorDiv(x, y int64) int64 {
	q := x / y
	if x%y < 0 {
		q--
	}
	return q
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
	for i := h.frame + 1; i < len(t.frames); i++ {
		t.frames[i] = frame{}
	}
	t.frames = t.frames[:h.frame+1]
	t.stack[h.sp] = ErrorValue(thrown)
	t.sp = h.sp + 1
	t.frames[h.frame].jump(h.pc)
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

func (t *Task) globalName(p *Proto, i int) string {
	if i < len(p.module.names) {
		return p.module.names[i]
	}
	return fmt.Sprintf("global %d", i)
}
