package vm

import (
	"math"
	"unsafe"

	"github.com/yieldscript/yieldscript/lang/compile"
)

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

// run runs the task from where it stopped (throwing thrown there first, if
// set) until it finishes, fails or waits. A guarded native function that
// panics (NewGuardedNative) ends the dispatch loop, through its recover, with
// statusNativePanic: runAfterPanic then throws the panic's error at the call
// and runs the loop again.
func (t *Task) run(thrown *Error) Status {
	if st := t.dispatch(thrown); st != statusNativePanic {
		return st
	}
	return t.runAfterPanic()
}

// runAfterPanic is run after the dispatch loop ended with statusNativePanic:
// it throws the panic's error at the call in the task that ran it, and goes
// on as run does.
func (t *Task) runAfterPanic() Status {
	for {
		t = t.m.panicked // the loop may have switched tasks (Switcher)
		t.m.panicked = nil
		var thrown *Error
		thrown, t.Err = t.Err, nil
		if st := t.dispatch(thrown); st != statusNativePanic {
			return st
		}
	}
}

// retryCall, passed to dispatch as thrown, is no error: it tells the loop
// to run the call the task parked on again first (Retry).
var retryCall = new(Error)

// dispatch is the dispatch loop. It returns when the task finishes, fails or waits.
//
// Its registers are ip, sp, bp and fr (the running frame). Each case either
// finishes its instruction without calling out of the loop, or leaves it, before
// changing anything, to exec through the slow label, which saves the registers,
// runs the instruction and loads them again. Keeping every call behind that one
// label is what lets the compiler hold the registers in machine registers across
// instructions instead of spilling them on each one.
func (t *Task) dispatch(thrown *Error) (status Status) {
	// Every return sets another status: the deferred call finds this one only
	// after a panic, and makes no call of recover otherwise.
	status = statusRunning
	defer func() {
		if status != statusRunning {
			return
		}
		if r := recover(); r != nil {
			if n := t.native; n != nil {
				// A guarded native function panicked. The registers were
				// saved before the call, as for every call out of the loop.
				t.native = nil
				t.Err = n.onPanic(n.Name, r)
				t.m.panicked = t
				status = statusNativePanic
				return
			}
			// A bug in the VM or a native function must not take the host down:
			// the task fails with an internal error and its traceback.
			e := Errorf(KindError, "internal error: %v", r)
			e.Trace = t.Trace()
			t.fail(e)
			status = StatusFailed
		}
	}()
	if thrown != nil {
		if thrown == retryCall {
			if st := t.runParkedCall(); st != statusRunning {
				return st
			}
		} else if !t.unwind(thrown) {
			return StatusFailed
		}
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
			v := *c // one value at a time: fewer registers held at once
			*c = *b
			*b = *a
			*a = v
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
			a.n = uint64(floorModPos(int64(a.n), int64(b.n)))
			sp = unsafe.Add(sp, -valueSize)
		case compile.FLOORDIV:
			a, b := slot(sp, -2), slot(sp, -1)
			if a.k != KInt || b.k != KInt || int64(b.n) <= 0 {
				goto slow
			}
			a.n = uint64(floorDivPos(int64(a.n), int64(b.n)))
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
			// room on the stack is entered here, a native function is called
			// through the native label; everything else goes to exec.
			fv := slot(sp, -arg-1)
			if fv.k != KFunc {
				if fv.k == KNative {
					goto native
				}
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
			// `yield obj.m(args)` goes to the method label; list.push(x) when
			// the list has room is done here; other methods go to exec.
			if slot(sp, -(arg&0xff)-1).k == KObject && word(ip, 0) == uint32(compile.YIELD) {
				goto method
			}
			if arg&0xff != 1 {
				goto slow
			}
			recv := slot(sp, -2)
			if recv.k != KList || !fr.cl.proto.methods[arg>>8].push {
				goto slow
			}
			l, v := recv.AsList(), slot(sp, -1)
			if l.n == l.c {
				goto slow
			}
			if l.form == formValues {
				*slot(l.p, l.n) = *v
			} else if l.form == v.k {
				*(*uint64)(unsafe.Add(l.p, l.n*wordSize)) = v.n
			} else {
				goto slow
			}
			l.n++
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
				l := x.AsList()
				if i.n >= uint64(l.n) { // negative indexes too
					goto slow
				}
				*x = l.item(i.n)
			} else if x.k == KMap && x.AsMap().index != nil && x.AsMap().keys.form == KInt {
				// The probe's loop needs every register: ip goes to the
				// frame before it and the registers are loaded again after
				// it (see mapReload), so that the compiler keeps none of
				// them across it by storing them at every instruction's head.
				fr.ip = ip
				mp := x.AsMap()
				if j := mp.findInt(i.n); j >= 0 {
					*x = mp.vals.item(uint64(j))
				} else {
					*x = Nil
				}
				sp = unsafe.Add(unsafe.Pointer(x), valueSize)
				goto mapReload
			} else {
				goto slow
			}
			sp = unsafe.Add(sp, -valueSize)
		case compile.SETINDEX:
			// An existing item of a list, or an existing int key of a map of
			// packed int keys (a new one: slow, which runs setIndex).
			x, i := slot(sp, -3), slot(sp, -2)
			if i.k != KInt {
				goto slow
			}
			if x.k == KList {
				l, v := x.AsList(), slot(sp, -1)
				if i.n >= uint64(l.n) {
					goto slow
				}
				if l.form == formValues {
					*slot(l.p, int(i.n)) = *v
				} else if l.form == v.k {
					*(*uint64)(unsafe.Add(l.p, i.n*wordSize)) = v.n
				} else {
					goto slow
				}
			} else if x.k == KMap && x.AsMap().index != nil && x.AsMap().keys.form == KInt {
				// As INDEX's probe.
				fr.ip = ip
				mp, v := x.AsMap(), slot(sp, -1)
				j := mp.findInt(i.n)
				if j < 0 || !mp.vals.store(j, *v) {
					fr = &t.frames[len(t.frames)-1]
					ip, bp = fr.ip, fr.bp
					ins = word(ip, -1)
					sp = unsafe.Add(unsafe.Pointer(v), valueSize)
					goto slow
				}
				sp = unsafe.Pointer(x)
				goto mapReload
			} else {
				goto slow
			}
			sp = unsafe.Add(sp, -3*valueSize)

		case compile.FORITER:
			it := slot(sp, -1)
			switch it.k {
			case kIterRange:
				r := (*Range)(it.p)
				if i := r.Start; r.Step > 0 && i < r.Stop || r.Step < 0 && i > r.Stop {
					sp = push(sp, Value{k: KInt, n: uint64(i)})
					r.moveOn(i)
				} else {
					sp = unsafe.Add(sp, -valueSize)
					ip = unsafe.Add(fr.code, 4*arg)
				}
			case kIterList:
				if l := (*List)(it.p); it.n < uint64(l.n) {
					sp = push(sp, l.item(it.n))
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
		case compile.LJUMPF, compile.LJUMPT:
			// LOCAL a; JUMPFALSE t or JUMPTRUE t: the local never touches
			// the stack. A kind the test needs a call for runs as LOCAL.
			v := slot(bp, arg)
			if 1<<v.k&truthByN == 0 {
				goto slow
			}
			if (v.n != 0) == (compile.Op(ins) == compile.LJUMPT) {
				ip = unsafe.Add(fr.code, 4*int(word(ip, 0)>>8))
			} else {
				ip = unsafe.Add(ip, 4)
			}
		case compile.LOCALK:
			// LOCAL a; SMALLINT k or CONST k
			sp = push(sp, *slot(bp, arg))
			if w := word(ip, 0); compile.Op(w) == compile.SMALLINT {
				sp = push(sp, Value{k: KInt, n: uint64(int64(int32(w) >> 8))})
			} else {
				sp = push(sp, fr.cl.proto.consts[w>>8])
			}
			ip = unsafe.Add(ip, 4)

		default:
			goto slow
		}
		continue

	forIterSet:
		// FORITER t; SETLOCAL x: the next value goes straight into x.
		if it := slot(sp, -1); it.k == kIterRange {
			r := (*Range)(it.p)
			if i := r.Start; r.Step > 0 && i < r.Stop || r.Step < 0 && i > r.Stop {
				*slot(bp, int(word(ip, 0)>>8)) = Value{k: KInt, n: uint64(i)}
				r.moveOn(i)
				ip = unsafe.Add(ip, 4)
			} else {
				sp = unsafe.Add(sp, -valueSize)
				ip = unsafe.Add(fr.code, 4*arg)
			}
			continue
		} else if it.k == kIterList {
			if l := (*List)(it.p); it.n < uint64(l.n) {
				dst := slot(bp, int(word(ip, 0)>>8))
				if l.form == formValues {
					*dst = *slot(l.p, int(it.n))
				} else {
					*dst = Value{k: l.form, n: *(*uint64)(unsafe.Add(l.p, it.n*wordSize))}
				}
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
					// Both within (-2^53, 2^53), as trueDiv's fast case,
					// and not 0: exact as floats, one rounding only. The
					// rest goes to exec, so that no call is made here.
					const exact = 1 << 53
					if b == 0 || uint64(a+exact)|uint64(b+exact) >= 2*exact {
						goto fusedFallback
					}
					r = Value{k: KFloat, n: math.Float64bits(float64(a) / float64(b))}
				case compile.MOD:
					if b <= 0 {
						goto fusedFallback
					}
					r = Value{k: KInt, n: uint64(floorModPos(a, b))}
				case compile.FLOORDIV:
					if b <= 0 {
						goto fusedFallback
					}
					r = Value{k: KInt, n: uint64(floorDivPos(a, b))}
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

	mapReload:
		// After a map probe (INDEX, SETINDEX), which stored ip in the
		// frame and set sp.
		fr = &t.frames[len(t.frames)-1]
		ip, bp = fr.ip, fr.bp
		continue

	native:
		// A call of a native function (on top of the stack, below its arg
		// arguments): as slow, without exec's dispatch.
		fr.ip = ip
		t.sp = t.slotIndex(sp)
		if st := t.callNative(arg); st != statusRunning {
			return st
		}
		fr = &t.frames[len(t.frames)-1]
		ip, sp, bp = fr.ip, t.slotAt(t.sp), fr.bp
		continue

	method:
		// `yield obj.m(args)` on an object (the YIELD is next): as slow,
		// straight to callMethod's fused yield.
		fr.ip = ip
		t.sp = t.slotIndex(sp)
		{
			v, st := t.yieldMethod(fr, int(ins>>8)&0xff, int(ins>>16))
			if st == statusYielded {
				// Done at once: the task, its frame and its stack are as
				// they were, so the registers need no reload. The value
				// replaces the receiver and the YIELD is stepped over.
				sp = unsafe.Add(sp, -(int(ins>>8)&0xff)*valueSize)
				ip = unsafe.Add(ip, 4)
				rv = v
				goto yielded
			}
			if st != statusRunning {
				if st != StatusWait || m.Switch == nil {
					return st
				}
				// The task waits for another to complete its operation: the
				// driver may hand the loop to a ready task straight away.
				next, v := m.Switch.Switch(t)
				if next == nil {
					return st
				}
				t = next
				switch t.switchedIn(v) {
				case switchFailed:
					return StatusFailed
				case switchValue:
					// The new task goes on after its yield with v: as
					// above, with its registers.
					fr = &t.frames[len(t.frames)-1]
					ip, sp, bp = fr.ip, unsafe.Add(t.slotAt(t.sp), valueSize), fr.bp
					rv = v
					goto yielded
				}
			}
		}
		fr = &t.frames[len(t.frames)-1]
		ip, sp, bp = fr.ip, t.slotAt(t.sp), fr.bp
		continue

	yielded:
		// The value rv of a fused `yield obj.m(args)`, whose slot is sp-1. It
		// is mostly dropped (`yield q.put(x)`) or stored in a local (`let v =
		// yield q.get()`): done here, on branches of their own that the
		// processor predicts, not through the switch's one indirect jump,
		// which mispredicts most often where a loop body's instructions
		// differ.
		if ins = *(*uint32)(ip); compile.Op(ins) == compile.POP {
			ip = unsafe.Add(ip, 4)
			sp = unsafe.Add(sp, -valueSize)
		} else if compile.Op(ins) == compile.SETLOCAL {
			ip = unsafe.Add(ip, 4)
			sp = unsafe.Add(sp, -valueSize)
			*slot(bp, int(ins>>8)) = rv
		} else {
			*slot(sp, -1) = rv
		}
		continue

	ret:
		// Return rv to the caller, unless this is the task's first frame, a module's
		// top level or a frame with try handlers to pop: exec does those.
		if n := len(t.frames); n > 1 && fr.module == nil &&
			(len(t.handlers) == 0 || int(t.handlers[len(t.handlers)-1].frame) < n-1) {
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
		var st Status
		if compile.Op(ins) == compile.CALLMETHOD {
			st = t.callMethod(int(ins>>8)&0xff, int(ins>>16))
		} else if compile.Op(ins) == compile.SETINDEX {
			st = t.setIndex(ins)
		} else {
			st = t.exec(ins)
		}
		if st != statusRunning {
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
