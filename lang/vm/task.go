package vm

import (
	"fmt"
	"unsafe"

	"github.com/yieldscript/yieldscript/lang/compile"
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
)

// Awaitable marks objects a task can wait for. The VM hands them to whoever
// drives the task (the scheduler) and knows nothing else about them.
type Awaitable interface {
	Object
	Awaitable()
}

type frame struct {
	cl   *Closure
	pc   int
	base int // first local slot; the function (or coroutine) value sits at base-1
	// module is set on the frame that runs a module's top level for an import:
	// the import evaluates to the module instead of the return value.
	module *Module
}

type handler struct {
	frame int // index of the frame the try statement is in
	pc    int // where its catch or finally code starts
	sp    int // operand stack height to restore
}

// Task is one thread of script execution: its value stack, frames and handlers
// live here, on the heap, so that it can stop at a yield and continue later.
type Task struct {
	m        *Machine
	stack    []Value
	sp       int
	frames   []frame
	handlers []handler
	started  bool
	finished bool

	// Result is the value the task returned (StatusDone).
	Result Value
	// Err is the error that escaped the task (StatusFailed).
	Err *Error
	// Awaiting is what the task waits for (StatusYield).
	Awaiting Value
	// Data belongs to whoever drives the task (the scheduler).
	Data any
}

// Machine returns the task's machine.
func (t *Task) Machine() *Machine { return t.m }

// NewTask makes a task that will call fn (a function or a not-yet-started
// coroutine) with args when first run.
func (m *Machine) NewTask(fn Value, args []Value) (*Task, error) {
	t := &Task{m: m, stack: make([]Value, 64)}
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
	default:
		return nil, Errorf(KindType, "cannot run %s as a task", fn.TypeName())
	}
	cl := fn.asClosure()
	if err := checkArity(cl.proto, len(args)); err != nil {
		return nil, err
	}
	t.stack[0] = fn
	t.sp = 1
	t.ensure(len(args) + cl.proto.NumLocals + cl.proto.MaxStack)
	copy(t.stack[1:], args)
	for i := len(args); i < cl.proto.NumParams; i++ {
		t.stack[1+i] = undef
	}
	t.enterFrame(cl, 1)
	return t, nil
}

// ensure makes room for n more slots above sp.
func (t *Task) ensure(n int) {
	if t.sp+n <= len(t.stack) {
		return
	}
	size := 2 * len(t.stack)
	for size < t.sp+n {
		size *= 2
	}
	s := make([]Value, size)
	copy(s, t.stack[:t.sp])
	t.stack = s
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
	t.frames = append(t.frames, frame{cl: cl, base: base})
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
	t.stack[t.sp] = v
	t.sp++
	return t.run(nil)
}

// Throw continues a task suspended at a yield by throwing err there.
func (t *Task) Throw(err *Error) Status {
	t.Awaiting = Nil
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
		pc := fr.pc - 1
		pos := p.PosAt(pc)
		out = append(out, TraceFrame{Func: p.Name, File: p.File, Line: pos.Line, Col: pos.Col})
	}
	return out
}

// throwValue turns a thrown script value into the error that travels.
func throwValue(v Value) *Error {
	if v.k == KError {
		return v.AsError()
	}
	return &Error{Kind: KindError, Message: "thrown value " + Repr(v), Value: v}
}

// run is the dispatch loop. It returns when the task finishes, fails or waits.
func (t *Task) run(thrown *Error) (status Status) {
	m := t.m
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

	var argc int
	var (
		fr    = &t.frames[len(t.frames)-1]
		proto = fr.cl.proto
		code  = proto.Code
		stack = t.stack
		sp    = t.sp
		pc    = fr.pc
		base  = fr.base
	)
	if thrown != nil {
		if !t.unwind(thrown) {
			return StatusFailed
		}
		fr = &t.frames[len(t.frames)-1]
		proto = fr.cl.proto
		code = proto.Code
		stack, sp, pc, base = t.stack, t.sp, fr.pc, fr.base
	}

	for {
		{
			ins := code[pc]
			pc++
			arg := int(ins >> 8)
			switch compile.Op(ins & 0xff) {
			case compile.NOP:
			case compile.POP:
				sp--
			case compile.DUP:
				stack[sp] = stack[sp-1]
				sp++
			case compile.DUP2:
				stack[sp] = stack[sp-2]
				stack[sp+1] = stack[sp-1]
				sp += 2
			case compile.ROT3:
				a, b, c := stack[sp-3], stack[sp-2], stack[sp-1]
				stack[sp-3], stack[sp-2], stack[sp-1] = c, a, b
			case compile.NIL:
				stack[sp] = Nil
				sp++
			case compile.TRUE:
				stack[sp] = True
				sp++
			case compile.FALSE:
				stack[sp] = False
				sp++
			case compile.SMALLINT:
				stack[sp] = Value{k: KInt, n: uint64(int64(int32(ins) >> 8))}
				sp++
			case compile.CONST:
				stack[sp] = proto.consts[arg]
				sp++
			case compile.LOCAL:
				stack[sp] = stack[base+arg]
				sp++
			case compile.SETLOCAL:
				sp--
				stack[base+arg] = stack[sp]
			case compile.CELL:
				stack[sp] = stack[base+arg].asCell().v
				sp++
			case compile.SETCELL:
				sp--
				stack[base+arg].asCell().v = stack[sp]
			case compile.NEWCELL:
				sp--
				stack[base+arg] = Value{k: kCell, p: unsafe.Pointer(&Cell{v: stack[sp]})}
			case compile.FREE:
				stack[sp] = fr.cl.free[arg].v
				sp++
			case compile.SETFREE:
				sp--
				fr.cl.free[arg].v = stack[sp]
			case compile.GLOBAL:
				v := proto.module.globals[arg]
				if v.k == kUndef {
					thrown = Errorf(KindValue, "%s is used before its declaration ran", t.globalName(proto, arg))
					goto handle
				}
				stack[sp] = v
				sp++
			case compile.SETGLOBAL:
				sp--
				proto.module.globals[arg] = stack[sp]
			case compile.BUILTIN:
				stack[sp] = m.builtins[arg]
				sp++

			case compile.ADD:
				a, b := &stack[sp-2], &stack[sp-1]
				if a.k == KInt && b.k == KInt {
					a.n += b.n
					sp--
					break
				}
				if a.k == KFloat && b.k == KFloat {
					*a = Float(a.AsFloat() + b.AsFloat())
					sp--
					break
				}
				r, err := Arith(compile.ADD, *a, *b)
				if err != nil {
					thrown = AsError(err)
					goto handle
				}
				sp--
				stack[sp-1] = r
			case compile.SUB:
				a, b := &stack[sp-2], &stack[sp-1]
				if a.k == KInt && b.k == KInt {
					a.n -= b.n
					sp--
					break
				}
				r, err := Arith(compile.SUB, *a, *b)
				if err != nil {
					thrown = AsError(err)
					goto handle
				}
				sp--
				stack[sp-1] = r
			case compile.MUL:
				a, b := &stack[sp-2], &stack[sp-1]
				if a.k == KInt && b.k == KInt {
					a.n = uint64(int64(a.n) * int64(b.n))
					sp--
					break
				}
				r, err := Arith(compile.MUL, *a, *b)
				if err != nil {
					thrown = AsError(err)
					goto handle
				}
				sp--
				stack[sp-1] = r
			case compile.DIV, compile.FLOORDIV, compile.MOD:
				r, err := Arith(compile.Op(ins&0xff), stack[sp-2], stack[sp-1])
				if err != nil {
					thrown = AsError(err)
					goto handle
				}
				sp--
				stack[sp-1] = r
			case compile.NEG:
				v := &stack[sp-1]
				if v.k == KInt {
					v.n = uint64(-int64(v.n))
					break
				}
				r, err := Negate(*v)
				if err != nil {
					thrown = AsError(err)
					goto handle
				}
				*v = r
			case compile.NOT:
				stack[sp-1] = Bool(!stack[sp-1].Truthy())
			case compile.EQ, compile.NE:
				a, b := stack[sp-2], stack[sp-1]
				var eq bool
				if a.k == KInt && b.k == KInt {
					eq = a.n == b.n
				} else {
					var err error
					eq, err = Equal(a, b)
					if err != nil {
						thrown = AsError(err)
						goto handle
					}
				}
				if compile.Op(ins&0xff) == compile.NE {
					eq = !eq
				}
				sp--
				stack[sp-1] = Bool(eq)
			case compile.LT, compile.LE, compile.GT, compile.GE:
				a, b := stack[sp-2], stack[sp-1]
				var c int
				ok := true
				if a.k == KInt && b.k == KInt {
					x, y := int64(a.n), int64(b.n)
					if x < y {
						c = -1
					} else if x > y {
						c = 1
					}
				} else {
					var err error
					c, ok, err = Compare(a, b)
					if err != nil {
						thrown = AsError(err)
						goto handle
					}
				}
				var r bool
				if ok {
					switch compile.Op(ins & 0xff) {
					case compile.LT:
						r = c < 0
					case compile.LE:
						r = c <= 0
					case compile.GT:
						r = c > 0
					case compile.GE:
						r = c >= 0
					}
				}
				sp--
				stack[sp-1] = Bool(r)
			case compile.IN, compile.NOTIN:
				r, err := Contains(stack[sp-2], stack[sp-1])
				if err != nil {
					thrown = AsError(err)
					goto handle
				}
				if compile.Op(ins&0xff) == compile.NOTIN {
					r = !r
				}
				sp--
				stack[sp-1] = Bool(r)

			case compile.JUMP:
				pc = arg
			case compile.JUMPFALSE:
				sp--
				v := &stack[sp]
				if v.k == KBool {
					if v.n == 0 {
						pc = arg
					}
				} else if !v.Truthy() {
					pc = arg
				}
			case compile.JUMPTRUE:
				sp--
				if stack[sp].Truthy() {
					pc = arg
				}
			case compile.ANDJUMP:
				if !stack[sp-1].Truthy() {
					pc = arg
				} else {
					sp--
				}
			case compile.ORJUMP:
				if stack[sp-1].Truthy() {
					pc = arg
				} else {
					sp--
				}
			case compile.LOOP:
				if m.tick -= int64(pc - arg); m.tick <= 0 {
					if e := m.slowTick(int64(tickInterval - m.tick)); e != nil {
						thrown = e
						goto handle
					}
				}
				pc = arg
			case compile.ISSET:
				v := stack[base+arg&0xff]
				if v.k == kCell {
					v = v.asCell().v
				}
				if v.k != kUndef {
					pc = arg >> 8
				}

			case compile.CALL:
				argc = arg
				goto call
			case compile.CALLMETHOD:
				argc = arg & 0xff
				name := proto.Names[arg>>8]
				recv := stack[sp-argc-1]
				var fn MethodFunc
				switch recv.k {
				case KStr:
					fn = stringMethods[name]
				case KList:
					fn = listMethods[name]
				}
				if fn != nil {
					fr.pc = pc
					t.sp = sp
					r, err := fn(t, recv, stack[sp-argc:sp])
					if err != nil {
						thrown = AsError(err)
						goto handle
					}
					sp -= argc
					stack[sp-1] = r
					break
				}
				// Otherwise read the field and call what it holds.
				fv, err := t.getField(recv, name)
				if err != nil {
					thrown = AsError(err)
					goto handle
				}
				stack[sp-argc-1] = fv
				goto call
			case compile.RETURN, compile.RETURNNIL:
				var v Value
				if compile.Op(ins&0xff) == compile.RETURN {
					v = stack[sp-1]
				}
				fi := len(t.frames) - 1
				for len(t.handlers) > 0 && t.handlers[len(t.handlers)-1].frame >= fi {
					t.handlers = t.handlers[:len(t.handlers)-1]
				}
				if fr.module != nil {
					v = ObjectValue(fr.module)
				}
				if fi == 0 {
					t.Result = v
					t.finish()
					return StatusDone
				}
				sp = fr.base
				t.frames[fi] = frame{}
				t.frames = t.frames[:fi]
				stack[sp-1] = v
				fr = &t.frames[fi-1]
				proto = fr.cl.proto
				code = proto.Code
				pc, base = fr.pc, fr.base

			case compile.LIST:
				items := make([]Value, arg)
				copy(items, stack[sp-arg:sp])
				sp -= arg
				stack[sp] = NewList(items)
				sp++
			case compile.MAP:
				mp := NewMap(arg)
				for i := sp - 2*arg; i < sp; i += 2 {
					if err := mp.Set(stack[i], stack[i+1]); err != nil {
						thrown = AsError(err)
						goto handle
					}
				}
				sp -= 2 * arg
				stack[sp] = MapValue(mp)
				sp++
			case compile.FUNC:
				p := (*Proto)(proto.consts[arg].p)
				nc := &Closure{proto: p}
				if len(p.Free) > 0 {
					nc.free = make([]*Cell, len(p.Free))
					for i, fv := range p.Free {
						if fv.FromLocal {
							nc.free[i] = stack[base+fv.Index].asCell()
						} else {
							nc.free[i] = fr.cl.free[fv.Index]
						}
					}
				}
				stack[sp] = closureValue(nc)
				sp++
			case compile.INDEX:
				x, i := &stack[sp-2], stack[sp-1]
				if x.k == KList && i.k == KInt {
					items := x.AsList().Items
					j := int64(i.n)
					if j < 0 {
						j += int64(len(items))
					}
					if j >= 0 && j < int64(len(items)) {
						*x = items[j]
						sp--
						break
					}
				}
				if x.k == KMap && (i.k == KInt || i.k == KStr) {
					mp := x.AsMap()
					if j := mp.find(i); j >= 0 {
						*x = mp.vals[j]
					} else {
						*x = Nil
					}
					sp--
					break
				}
				r, err := GetIndex(*x, i)
				if err != nil {
					thrown = AsError(err)
					goto handle
				}
				sp--
				stack[sp-1] = r
			case compile.SETINDEX:
				x, i, v := stack[sp-3], stack[sp-2], stack[sp-1]
				if x.k == KList && i.k == KInt {
					items := x.AsList().Items
					j := int64(i.n)
					if j < 0 {
						j += int64(len(items))
					}
					if j >= 0 && j < int64(len(items)) {
						items[j] = v
						sp -= 3
						break
					}
				}
				if err := SetIndex(x, i, v); err != nil {
					thrown = AsError(err)
					goto handle
				}
				sp -= 3
			case compile.FIELD:
				fr.pc = pc
				r, err := t.getField(stack[sp-1], proto.Names[arg])
				if err != nil {
					thrown = AsError(err)
					goto handle
				}
				stack[sp-1] = r
			case compile.SETFIELD:
				if err := t.setField(stack[sp-2], proto.Names[arg], stack[sp-1]); err != nil {
					thrown = AsError(err)
					goto handle
				}
				sp -= 2
			case compile.SLICE:
				lo, hi := undef, undef
				if arg&2 != 0 {
					sp--
					hi = stack[sp]
				}
				if arg&1 != 0 {
					sp--
					lo = stack[sp]
				}
				r, err := Slice(stack[sp-1], lo, hi)
				if err != nil {
					thrown = AsError(err)
					goto handle
				}
				stack[sp-1] = r
			case compile.FSTRING:
				n := 0
				for _, v := range stack[sp-arg : sp] {
					if v.k == KStr {
						n += int(v.n)
					} else {
						n += 8
					}
				}
				buf := make([]byte, 0, n)
				for _, v := range stack[sp-arg : sp] {
					if v.k == KStr {
						buf = append(buf, v.AsStr()...)
					} else {
						buf = append(buf, ToStr(v)...)
					}
				}
				sp -= arg
				stack[sp] = Str(unsafe.String(unsafe.SliceData(buf), len(buf)))
				sp++

			case compile.ITER:
				it, err := makeIter(stack[sp-1])
				if err != nil {
					thrown = AsError(err)
					goto handle
				}
				stack[sp-1] = it
			case compile.FORITER:
				it := &stack[sp-1]
				switch it.k {
				case kIterRange:
					r := (*Range)(it.p)
					if r.Step > 0 && r.Start < r.Stop || r.Step < 0 && r.Start > r.Stop {
						stack[sp] = Value{k: KInt, n: uint64(r.Start)}
						sp++
						r.Start += r.Step
					} else {
						sp--
						pc = arg
					}
				case kIterList:
					items := (*List)(it.p).Items
					if it.n < uint64(len(items)) {
						stack[sp] = items[it.n]
						it.n++
						sp++
					} else {
						sp--
						pc = arg
					}
				default:
					k, v, ok := iterNext(it)
					if !ok {
						sp--
						pc = arg
						break
					}
					if it.k == kIterMap {
						v = k
					}
					stack[sp] = v
					sp++
				}
			case compile.FORITER2:
				it := &stack[sp-1]
				if it.k == kIterRange {
					thrown = NewError(KindType, "cannot unpack a range value into two variables")
					goto handle
				}
				k, v, ok := iterNext(it)
				if !ok {
					sp--
					pc = arg
					break
				}
				stack[sp] = k
				stack[sp+1] = v
				sp += 2

			case compile.YIELD:
				fr.pc = pc
				if arg == 1 {
					t.sp = sp
					return StatusYieldBare
				}
				v := stack[sp-1]
				switch v.k {
				case KCoroutine:
					co := v.AsCoroutine()
					if co.started {
						thrown = NewError(KindValue, "coroutine "+co.Name()+" was already awaited or spawned")
						goto handle
					}
					co.started = true
					if len(t.frames) >= m.MaxDepth {
						thrown = Errorf(KindStackOverflow, "stack overflow: more than %d nested calls", m.MaxDepth)
						goto handle
					}
					p := co.fn.proto
					t.sp = sp
					t.ensure(p.NumParams + p.NumLocals + p.MaxStack)
					stack = t.stack
					copy(stack[sp:], co.args)
					co.args = nil
					t.enterFrame(co.fn, sp)
					fr = &t.frames[len(t.frames)-1]
					proto, code = p, p.Code
					base = sp
					sp, pc = t.sp, 0
				case KObject:
					if _, ok := v.AsObject().(Awaitable); ok {
						t.Awaiting = v
						t.sp = sp - 1
						return StatusYield
					}
					fallthrough
				default:
					thrown = Errorf(KindType, "cannot wait for %s: yield needs a coroutine, a task or another awaitable", v.TypeName())
					goto handle
				}
			case compile.THROW:
				sp--
				thrown = throwValue(stack[sp])
				goto handle
			case compile.TRY:
				t.handlers = append(t.handlers, handler{frame: len(t.frames) - 1, pc: arg, sp: sp})
			case compile.ENDTRY:
				t.handlers = t.handlers[:len(t.handlers)-1]
			case compile.RERAISE:
				sp--
				thrown = stack[sp].AsError()
				goto handle
			case compile.CAUGHT:
				if e := stack[sp-1].AsError(); e.Value.k != KNil {
					stack[sp-1] = e.Value
				}
			case compile.IMPORT:
				fr.pc = pc
				t.sp = sp
				v, entered, err := t.importModule(proto, proto.Names[arg])
				if err != nil {
					thrown = AsError(err)
					goto handle
				}
				if !entered {
					stack[sp] = v
					sp++
					break
				}
				stack = t.stack
				fr = &t.frames[len(t.frames)-1]
				proto = fr.cl.proto
				code = proto.Code
				sp, pc, base = t.sp, 0, fr.base
			default:
				thrown = Errorf(KindError, "internal error: bad instruction %d", ins&0xff)
				goto handle
			}
			continue
		}

	call:
		// Call the function below the argc arguments on top of the stack.
		{
			fnv := stack[sp-argc-1]
			switch fnv.k {
			case KFunc:
				callee := fnv.asClosure()
				p := callee.proto
				if sp-argc+p.NumLocals+p.MaxStack > len(stack) {
					t.sp = sp
					t.ensure(p.NumLocals + p.MaxStack)
					stack = t.stack
				}
				if argc != p.NumParams {
					if e := checkArity(p, argc); e != nil {
						thrown = e
						goto handle
					}
					for i := argc; i < p.NumParams; i++ {
						stack[sp] = undef
						sp++
					}
				}
				if p.Coroutine {
					args := make([]Value, p.NumParams)
					copy(args, stack[sp-p.NumParams:sp])
					sp -= p.NumParams
					stack[sp-1] = CoroutineValue(&Coroutine{fn: callee, args: args})
					continue
				}
				if len(t.frames) >= m.MaxDepth {
					thrown = Errorf(KindStackOverflow, "stack overflow: more than %d nested calls", m.MaxDepth)
					goto handle
				}
				if m.tick--; m.tick <= 0 {
					if e := m.slowTick(tickInterval - m.tick); e != nil {
						thrown = e
						goto handle
					}
				}
				fr.pc = pc
				t.sp = sp
				newBase := sp - p.NumParams
				t.enterFrame(callee, newBase)
				fr = &t.frames[len(t.frames)-1]
				proto, code = p, p.Code
				sp, pc, base = t.sp, 0, newBase
			case KNative:
				fr.pc = pc
				t.sp = sp
				r, err := fnv.AsNative().call(t, stack[sp-argc:sp])
				if err != nil {
					thrown = AsError(err)
					goto handle
				}
				sp -= argc
				stack[sp-1] = r
			default:
				thrown = Errorf(KindType, "cannot call %s", fnv.TypeName())
				goto handle
			}
			continue
		}

	handle:
		// An error is in flight: unwind to the innermost handler, or fail the task.
		fr.pc = pc
		t.sp = sp
		if !t.unwind(thrown) {
			return StatusFailed
		}
		thrown = nil
		fr = &t.frames[len(t.frames)-1]
		proto = fr.cl.proto
		code = proto.Code
		stack, sp, pc, base = t.stack, t.sp, fr.pc, fr.base
	}
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
	t.frames[h.frame].pc = h.pc
	return true
}

func (t *Task) finish() {
	t.finished = true
	t.frames = nil
	t.handlers = nil
	t.stack = nil
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
