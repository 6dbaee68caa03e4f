package vm

import (
	"slices"
	"unsafe"

	"github.com/yieldscript/yieldscript/lang/compile"
)

// nextIsYield reports whether the instruction after the running one is a
// plain `yield x` (fr.ip points at it).
func nextIsYield(fr *frame) bool {
	ins := *(*uint32)(fr.ip)
	return compile.Op(ins&0xff) == compile.YIELD && ins>>8 == 0
}

// exec runs one instruction that the dispatch loop leaves to it: an operation on
// operands its fast paths do not cover, or anything that calls out of the VM,
// allocates, throws, or pushes or pops frames in a way the loop does not. The
// task's state is in memory: the running frame's ip points after the
// instruction, which has not run yet, and t.sp is the stack height. A
// superinstruction runs as its first instruction (the rest of its sequence
// follows in the code). exec returns statusRunning for the loop to go on, or the
// status run returns.
func (t *Task) exec(ins uint32) Status {
	m := t.m
	fr := &t.frames[len(t.frames)-1]
	p := fr.cl.proto
	s := t.stack
	sp := t.sp
	op, arg := compile.Decode(compile.Base(ins))
	var err error
	argc, nameIdx := arg&0xff, arg>>8 // of CALLMETHOD

	switch op {
	case compile.CALLSPREAD, compile.CALLMETHODSPREAD:
		t.sp = sp
		k, e := t.spreadArgs()
		if e != nil {
			return t.throw(e)
		}
		if op == compile.CALLSPREAD {
			return t.call(arg + k)
		}
		// Go on as CALLMETHOD with every argument on the stack.
		s, sp = t.stack, t.sp
		argc += k
		op = compile.CALLMETHOD
	}

	switch op {
	case compile.LOCAL:
		s[sp] = *slot(fr.bp, arg)
		sp++
	case compile.NEWCELL:
		sp--
		*slot(fr.bp, arg) = Value{k: kCell, p: unsafe.Pointer(&Cell{v: s[sp]})}
	case compile.GLOBAL:
		v := p.module.globals[arg]
		if v.k == kUndef {
			err = Errorf(KindValue, "%s is used before its declaration ran", t.globalName(p, arg))
			break
		}
		s[sp] = v
		sp++
	case compile.PUTGLOBAL:
		if p.module.globals[arg].k == kUndef {
			err = Errorf(KindValue, "%s is used before its declaration ran", t.globalName(p, arg))
			break
		}
		sp--
		p.module.globals[arg] = s[sp]

	case compile.ADD, compile.SUB, compile.MUL, compile.DIV, compile.FLOORDIV, compile.MOD, compile.POW:
		var r Value
		if r, err = arith(t, op, s[sp-2], s[sp-1]); err == nil {
			if e := t.chargeValue(r); e != nil {
				err = e
				break
			}
			sp--
			s[sp-1] = r
		}
	case compile.NEG, compile.NOT:
		var r Value
		if r, err = Unary(op, s[sp-1]); err == nil {
			s[sp-1] = r
		}
	case compile.EQ, compile.NE:
		var eq bool
		if eq, err = Equal(s[sp-2], s[sp-1]); err == nil {
			sp--
			s[sp-1] = Bool(eq == (op == compile.EQ))
		}
	case compile.LT, compile.LE, compile.GT, compile.GE:
		c, ok, e := Compare(s[sp-2], s[sp-1])
		if err = e; err != nil {
			break
		}
		var r bool
		if ok {
			switch op {
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
		s[sp-1] = Bool(r)
	case compile.IN, compile.NOTIN:
		var r bool
		if r, err = Contains(s[sp-2], s[sp-1]); err == nil {
			sp--
			s[sp-1] = Bool(r == (op == compile.IN))
		}

	case compile.JUMPFALSE, compile.JUMPTRUE:
		sp--
		if s[sp].Truthy() == (op == compile.JUMPTRUE) {
			fr.jump(arg)
		}
	case compile.ANDJUMP, compile.ORJUMP:
		if s[sp-1].Truthy() == (op == compile.ORJUMP) {
			fr.jump(arg)
		} else {
			sp--
		}
	case compile.LOOP:
		if m.tick -= int64(fr.pc() - arg); m.tick <= 0 {
			if e := m.slowTick(t, int64(tickInterval-m.tick)); e != nil {
				err = e
				break
			}
			if w := m.Watch; w != nil && w.preempt() {
				// Preempted at a back-edge: yield as a bare yield would, and
				// go on at the loop's head without a value.
				fr.jump(arg)
				t.sp = sp
				t.preempted = true
				return StatusYieldBare
			}
		}
		fr.jump(arg)

	case compile.CALL:
		t.sp = sp
		return t.call(arg)
	case compile.CALLMETHOD:
		t.sp = sp
		return t.callMethod(argc, nameIdx)
	case compile.RETURN, compile.RETURNNIL:
		var v Value
		if op == compile.RETURN {
			v = s[sp-1]
		}
		fi := len(t.frames) - 1
		for len(t.handlers) > 0 && int(t.handlers[len(t.handlers)-1].frame) >= fi {
			t.handlers = t.handlers[:len(t.handlers)-1]
		}
		if fr.module != nil {
			v = ObjectValue(fr.module)
		}
		if fi == 0 {
			t.aw = v
			t.finish()
			return StatusDone
		}
		sp = t.slotIndex(fr.bp)
		t.frames[fi] = frame{}
		t.frames = t.frames[:fi]
		s[sp-1] = v

	case compile.SWAP:
		s[sp-2], s[sp-1] = s[sp-1], s[sp-2]
	case compile.REVERSE:
		reverse(s, sp, arg)
	case compile.UNPACK:
		if e := unpack(s, sp-1, s[sp-1], arg); e != nil {
			err = e
			break
		}
		sp += arg - 1
	case compile.LIST:
		s[sp-arg] = ListValue(listOf(s[sp-arg : sp]))
		sp -= arg - 1
	case compile.MAP:
		var mp *Map
		mp, err = newMapOf(s[sp-2*arg : sp])
		sp -= 2 * arg
		s[sp] = MapValue(mp)
		sp++
	case compile.FUNC:
		fp := (*Proto)(p.consts[arg].p)
		nc := &Closure{proto: fp}
		if len(fp.Free) > 0 {
			nc.free = make([]*Cell, len(fp.Free))
			for i, fv := range fp.Free {
				if fv.FromLocal {
					nc.free[i] = slot(fr.bp, fv.Index).asCell()
				} else {
					nc.free[i] = fr.cl.free[fv.Index]
				}
			}
		}
		s[sp] = closureValue(nc)
		sp++
	case compile.INDEX:
		x, i := s[sp-2], s[sp-1]
		var r Value
		if x.k == KMap && (i.k == KInt || i.k == KStr) {
			mp := x.AsMap()
			if j := mp.find(i); j >= 0 {
				r = mp.vals.item(uint64(j))
			}
		} else if r, err = GetIndex(x, i); err != nil {
			break
		}
		sp--
		s[sp-1] = r
	case compile.SETINDEX:
		// A map's new entry, or a packed list turned general, is charged.
		x := s[sp-3]
		before := mapLen(x)
		if x.k == KList {
			before = capOf(x)
		}
		if err = SetIndex(x, s[sp-2], s[sp-1]); err == nil {
			e := t.chargeGrowth(before, mapLen(x), 2*valueBytes)
			if x.k == KList {
				e = t.chargeGrowth(before, capOf(x), 1)
			}
			if e != nil {
				err = e
				break
			}
			sp -= 3
		}
	case compile.FIELD:
		t.sp = sp
		var r Value
		if r, err = t.getField(s[sp-1], p.Names[arg]); err == nil {
			s[sp-1] = r
		}
	case compile.SETFIELD:
		before := mapLen(s[sp-2])
		if err = t.setField(s[sp-2], p.Names[arg], s[sp-1]); err == nil {
			if e := t.chargeGrowth(before, mapLen(s[sp-2]), 2*valueBytes); e != nil {
				err = e
				break
			}
			sp -= 2
		}
	case compile.SLICE:
		lo, hi, step := undef, undef, undef
		if arg&4 != 0 {
			sp--
			step = s[sp]
		}
		if arg&2 != 0 {
			sp--
			hi = s[sp]
		}
		if arg&1 != 0 {
			sp--
			lo = s[sp]
		}
		var r Value
		if arg&4 != 0 {
			r, err = SliceStep(s[sp-1], lo, hi, step)
		} else {
			r, err = Slice(s[sp-1], lo, hi)
		}
		if err == nil {
			if e := t.chargeValue(r); e != nil {
				err = e
				break
			}
			s[sp-1] = r
		}
	case compile.FSTRING:
		n := 0
		for _, v := range s[sp-arg : sp] {
			if v.k == KStr {
				n += int(v.n)
			} else {
				n += 8
			}
		}
		if e := t.charge(int64(n)); e != nil {
			err = e
			break
		}
		buf := make([]byte, 0, n)
		for _, v := range s[sp-arg : sp] {
			if v.k == KStr {
				buf = append(buf, v.AsStr()...)
			} else {
				buf = append(buf, ToStr(v)...)
			}
		}
		sp -= arg
		s[sp] = Str(unsafe.String(unsafe.SliceData(buf), len(buf)))
		sp++

	case compile.FORMAT:
		if err = t.formatField(arg, sp); err == nil {
			sp -= arg & 1
		}
	case compile.ITER:
		var it Value
		if it, err = makeIter(s[sp-1]); err == nil {
			s[sp-1] = it
		}
	case compile.FORITER, compile.FORITER2:
		// Push the next value (FORITER: a map's key) or key and value
		// (FORITER2), or pop the iterator and jump to arg when it is done.
		it := &s[sp-1]
		if op == compile.FORITER2 && it.k == kIterRange {
			err = NewError(KindType, "cannot unpack a range value into two variables")
			break
		}
		k, v, ok, e := iterNext(it)
		if e != nil {
			err = e
			break
		}
		if !ok {
			sp--
			fr.jump(arg)
			break
		}
		if op == compile.FORITER2 {
			s[sp], s[sp+1] = k, v
			sp += 2
			break
		}
		if it.k == kIterMap {
			v = k
		}
		s[sp] = v
		sp++

	case compile.YIELD:
		if arg == 1 {
			t.sp = sp
			return StatusYieldBare
		}
		v := s[sp-1]
		switch v.k {
		case KCoroutine:
			co := v.AsCoroutine()
			if co.started() {
				err = NewError(KindValue, "coroutine "+co.Name()+" was already awaited or spawned")
				break
			}
			args := co.start()
			if len(t.frames) >= m.MaxDepth {
				err = m.depthError()
				break
			}
			cp := co.fn.proto
			t.sp = sp
			t.ensure(cp.NumLocals + cp.MaxStack) // the arguments go in its locals
			copy(t.stack[sp:], args)
			t.enterFrame(co.fn, sp)
			return statusRunning
		case KObject:
			o := v.AsObject()
			if r, ok := o.(Ready); ok {
				// Completed at once: the task goes on without leaving the loop.
				if res, rerr, done := r.TryNow(t); done {
					if w := t.m.Watch; w != nil {
						w.yielded()
					}
					if rerr != nil {
						err = rerr
						break
					}
					if res.k == KStr && (t.Quota != nil || t.Limit != nil) {
						// a string delivered at once is charged as
						// yieldMethod and Resume charge it
						if e := t.chargeValue(res); e != nil {
							err = e
							break
						}
					}
					s[sp-1] = res
					break
				}
			}
			if _, ok := o.(Awaitable); ok {
				t.aw = v
				t.sp = sp - 1
				return StatusYield
			}
			fallthrough
		default:
			err = Errorf(KindType, "cannot wait for %s: yield needs a coroutine, a task or another awaitable", v.TypeName())
		}
	case compile.THROW:
		sp--
		err = throwValue(s[sp])
	case compile.TRY:
		t.handlers = append(t.handlers, handler{frame: int32(len(t.frames) - 1), pc: int32(arg), sp: int32(sp)})
	case compile.ENDTRY:
		t.handlers = t.handlers[:len(t.handlers)-1]
	case compile.RERAISE:
		sp--
		err = s[sp].AsError()
	case compile.CAUGHT:
		if e := s[sp-1].AsError(); e.IsValue {
			s[sp-1] = e.Value
		}
	case compile.IMPORT:
		t.sp = sp
		v, entered, e := t.importModule(p, p.Names[arg])
		if e != nil {
			return t.throw(AsError(e))
		}
		if entered {
			return statusRunning
		}
		s[sp] = v
		sp++
	default:
		err = Errorf(KindError, "internal error: bad instruction %d", op)
	}
	t.sp = sp
	if err != nil {
		return t.throw(AsError(err))
	}
	return statusRunning
}

// callMethod runs CALLMETHOD: obj.name(args) with argc arguments, name the
// frame's Names[nameIdx], the receiver and arguments on top of the stack
// (t.sp). The dispatch loop calls it directly rather than through exec. A
// `yield obj.m(args)` on an object never comes here: the dispatch loop's
// method label hands it to yieldMethod, which does the operation in one go
// when it completes at once.
func (t *Task) callMethod(argc, nameIdx int) Status {
	return t.callMethodSlow(argc, nameIdx, false)
}

// iface is the memory layout of a non-empty interface value: its itab (which
// names the dynamic type) and its data word, as Go's runtime lays it out
// (runtime.iface); TestIfaceLayout checks that assumption. An itab is never
// in the collected heap (the runtime allocates itabs off it, or they are in
// the binary), so a methodRef holding one as an unsafe.Pointer is safe for
// the collector and keeps nothing alive.
type iface struct{ tab, data unsafe.Pointer }

// yieldMethod is CALLMETHOD on an object with a plain YIELD next, which the
// dispatch loop calls directly when it sees one; fr is the task's top frame,
// which the dispatch loop has at hand. When the operation completes at once
// it returns its value with statusYielded and changes nothing else: the
// caller stores the value in the receiver's slot, drops the arguments and
// steps over the YIELD.
//
// The MethodYielder assertion is cached per name in the frame's function
// (methodRef.objTab, yTab): the receiver's Object itab, compared with the
// one seen last, gives its MethodYielder itab without Go's assertion. A call
// the compiler marked (methodRef.dead) caches its itab in deadTab instead,
// and sets its deadBits in the task's callFlags for its YieldMethodNow
// (Task.DeadResult).
func (t *Task) yieldMethod(fr *frame, argc, nameIdx int) (Value, Status) {
	// The receiver's slot, which the value replaces, and the arguments
	// above it: inside the stack, as the dispatch loop keeps them.
	recv := (*Value)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(t.stack)), (t.sp-argc-1)*valueSize))
	box := (*iface)(recv.p) // objectBox and ObjectHeader: {o Object}
	// nameIdx indexes the function's Names, which methods parallels (the
	// compiler emits no other): no bounds check.
	ms := fr.cl.proto.methods
	ref := (*methodRef)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(ms)), uintptr(uint32(nameIdx))*unsafe.Sizeof(methodRef{})))
	var my MethodYielder
	if tab := box.tab; tab == ref.objTab && tab != nil {
		w := (*iface)(unsafe.Pointer(&my))
		w.tab, w.data = ref.yTab, box.data
	} else if ref.dead != 0 && tab == ref.deadTab && tab != nil {
		// A call the compiler marked (deadresult.go), cached apart so
		// that the path above has no test for it.
		w := (*iface)(unsafe.Pointer(&my))
		w.tab, w.data = ref.yTab, box.data
		t.callFlags |= ref.deadBits
	} else {
		var ok bool
		if my, ok = (*objectBox)(unsafe.Pointer(box)).o.(MethodYielder); !ok {
			return Nil, t.callMethodSlow(argc, nameIdx, false)
		}
		if ref.dead != 0 {
			ref.deadTab, ref.yTab = tab, (*iface)(unsafe.Pointer(&my)).tab
			t.callFlags |= ref.deadBits
		} else {
			ref.objTab, ref.yTab = tab, (*iface)(unsafe.Pointer(&my)).tab
		}
	}
	// argc is below 256 (CALLMETHOD's count is 8 bits): no checks.
	n := int(uint8(argc))
	args := (*[256]Value)(unsafe.Add(unsafe.Pointer(recv), valueSize))[:n:n]
	r, e, done := my.YieldMethodNow(t, ref.name, args)
	// A Park or Wait counts only for a call that does not say done.
	f := t.callFlags
	t.callFlags = 0
	if !done {
		if f&callWait != 0 {
			// It must wait, and the wait is registered: the call and the
			// YIELD are over, and Resume gives the yield's value.
			fr.ip = unsafe.Add(fr.ip, 4)
			t.sp -= argc + 1
			return Nil, StatusWait
		}
		return Nil, t.yieldMethodEnd(argc, nameIdx, f&callPark != 0)
	}
	if e != nil {
		return Nil, t.throw(e)
	}
	if r.k == KStr && t.countsBytes() {
		// a read that completed at once: its string is charged first
		if e = t.charge(int64(r.n)); e != nil {
			return Nil, t.throw(e)
		}
	}
	if w := t.m.Watch; w != nil {
		w.yielded()
	}
	return r, statusYielded
}

// runParkedCall runs again the `yield obj.m(args)` the task parked on (the
// CALLMETHOD before the frame's ip, its YIELD at ip), for Retry, as the
// dispatch loop's method and yielded labels run it, before the loop loads
// its registers: the call is not decoded again through the loop's switch.
// It returns statusRunning when the loop is to go on from the frame's ip.
func (t *Task) runParkedCall() Status {
	fr := &t.frames[len(t.frames)-1]
	ins := *(*uint32)(unsafe.Add(fr.ip, -4))
	argc := int(ins>>8) & 0xff
	v, st := t.yieldMethod(fr, argc, int(ins>>16))
	if st != statusYielded {
		return st // parked again, waits, failed, or went on in exec's way
	}
	// The value replaces the receiver, and the YIELD is stepped over; a POP
	// or a SETLOCAL after it is done here too.
	sp := t.sp - argc
	ip := unsafe.Add(fr.ip, 4)
	if ins = *(*uint32)(ip); compile.Op(ins) == compile.POP {
		ip, sp = unsafe.Add(ip, 4), sp-1
	} else if compile.Op(ins) == compile.SETLOCAL {
		ip, sp = unsafe.Add(ip, 4), sp-1
		*slot(fr.bp, int(ins>>8)) = v
	} else {
		t.stack[sp-1] = v
	}
	fr.ip, t.sp = ip, sp
	return statusRunning
}

// yieldMethodEnd is callMethod's `yield obj.m(args)` when YieldMethodNow did
// not complete it and did not register a wait: it parked the task (Park),
// or it did nothing, and the method is called and its awaitable yielded as
// usual.
func (t *Task) yieldMethodEnd(argc, nameIdx int, parking bool) Status {
	if parking {
		// It must wait, and parked the task: stop on the call, which Retry
		// runs again.
		// (Awaiting finds the receiver on the stack: parkedOn.)
		t.parked = true
		return StatusPark
	}
	return t.callMethodSlow(argc, nameIdx, true)
}

// callMethodSlow is callMethod's every other case; fused is true when the
// call is `yield obj.m(args)` on a MethodYielder that did not complete it.
func (t *Task) callMethodSlow(argc, nameIdx int, fused bool) Status {
	fr := &t.frames[len(t.frames)-1]
	p := fr.cl.proto
	s := t.stack
	sp := t.sp
	var err error
	ref := &p.methods[nameIdx]
	recv := s[sp-argc-1]
	if recv.k == KList && ref.push && argc == 1 {
		// The loop pushes when the list has room; here it grows.
		l := recv.AsList()
		before := l.capBytes()
		l.Append(s[sp-1])
		if e := t.chargeGrowth(int(before), int(l.capBytes()), 1); e != nil {
			return t.done(sp, e)
		}
		sp--
		s[sp-1] = Nil
		return t.done(sp, nil)
	}
	if recv.k == KObject {
		if mc, ok := recv.AsObject().(MethodCaller); ok {
			t.sp = sp
			r, found, e := mc.CallMethod(t, p.Names[nameIdx], s[sp-argc:sp])
			if found {
				if e == nil && r.k == kTailCall {
					return t.doTailCall(sp - argc - 1)
				}
				if err = e; err == nil {
					sp -= argc
					s[sp-1] = r
					if fused && r.k == KObject {
						// Run the YIELD that follows here, as its
						// case would, without going back to the loop.
						fr.ip = unsafe.Add(fr.ip, 4)
						o := r.AsObject()
						if rd, ok := o.(Ready); ok {
							if res, rerr, done := rd.TryNow(t); done {
								if w := t.m.Watch; w != nil {
									w.yielded()
								}
								if rerr != nil {
									return t.done(sp, rerr)
								}
								if res.k == KStr && (t.Quota != nil || t.Limit != nil) {
									if e := t.chargeValue(res); e != nil {
										return t.done(sp, e)
									}
								}
								s[sp-1] = res
								return t.done(sp, nil)
							}
						}
						if _, ok := o.(Awaitable); ok {
							t.aw = r
							t.sp = sp - 1
							return StatusYield
						}
						fr.ip = unsafe.Add(fr.ip, -4) // the YIELD throws
					}
				}
				return t.done(sp, err)
			}
		}
	}
	var fn MethodFunc
	switch recv.k {
	case KStr:
		fn = ref.str
	case KList:
		fn = ref.list
	}
	if fn != nil {
		t.sp = sp
		before := capOf(recv)
		var r Value
		if r, err = fn(t, recv, s[sp-argc:sp]); err == nil {
			if r.k == kTailCall {
				return t.doTailCall(sp - argc - 1)
			}
			if t.Quota != nil || t.Limit != nil {
				if e := t.chargeMethod(before, recv, r); e != nil {
					return t.done(sp, e)
				}
			}
			sp -= argc
			s[sp-1] = r
		}
		return t.done(sp, err)
	}
	// Otherwise read the field and call what it holds.
	fv, e := t.getField(recv, p.Names[nameIdx])
	if e != nil {
		return t.done(sp, e)
	}
	s[sp-argc-1] = fv
	t.sp = sp
	return t.call(argc)
}

// done ends an instruction: the stack height is sp, and err, when not nil,
// is thrown.
func (t *Task) done(sp int, err error) Status {
	t.sp = sp
	if err != nil {
		return t.throw(AsError(err))
	}
	return statusRunning
}

// call calls the function below the argc arguments on top of the stack (t.sp):
// a script function gets a frame, a native function runs at once.
func (t *Task) call(argc int) Status {
	m := t.m
	sp := t.sp
	fnv := t.stack[sp-argc-1]
	switch fnv.k {
	case KFunc:
		callee := fnv.asClosure()
		p := callee.proto
		t.ensure(p.NumLocals + p.MaxStack)
		s := t.stack
		if p.Variadic {
			var e *Error
			if sp, e = t.bindRest(p, argc); e != nil {
				return t.throw(e)
			}
		} else if argc != p.NumParams {
			if e := checkArity(p, argc); e != nil {
				return t.throw(e)
			}
			for i := argc; i < p.NumParams; i++ {
				s[sp] = undef
				sp++
			}
		}
		if p.Coroutine {
			args := make([]Value, p.NumParams) // not nil, even when empty (Coroutine.started)
			copy(args, s[sp-p.NumParams:sp])
			sp -= p.NumParams
			s[sp-1] = CoroutineValue(&Coroutine{fn: callee, args: args})
			t.sp = sp
			return statusRunning
		}
		if len(t.frames) >= m.MaxDepth {
			return t.throw(m.depthError())
		}
		preempt := false
		if m.tick--; m.tick <= 0 {
			if e := m.slowTick(t, tickInterval-m.tick); e != nil {
				return t.throw(e)
			}
			preempt = m.Watch != nil && m.Watch.preempt()
		}
		t.sp = sp
		t.enterFrame(callee, sp-p.NumParams)
		if preempt {
			// Preempted at a call: the callee's frame is entered, and the
			// task goes on at its first instruction.
			t.preempted = true
			return StatusYieldBare
		}
	case KNative:
		return t.callNative(argc)
	default:
		return t.throw(Errorf(KindType, "cannot call %s", fnv.TypeName()))
	}
	return statusRunning
}

// callNative calls the native function below the argc arguments on top of
// the stack (t.sp) and leaves its result in the function's slot. A guarded
// native (NewGuardedNative) is noted in t.native while it runs, for the
// dispatch loop's recover.
func (t *Task) callNative(argc int) Status {
	sp := t.sp
	n := t.stack[sp-argc-1].AsNative()
	args := t.stack[sp-argc : sp]
	var r Value
	var err error
	if n.method != nil {
		// A bound built-in method (let p = xs.push): charged as obj.m(args).
		before := capOf(n.recv)
		r, err = n.method(t, n.recv, args)
		if err == nil && r.k != kTailCall && (t.Quota != nil || t.Limit != nil) {
			if e := t.chargeMethod(before, n.recv, r); e != nil {
				err = e
			}
		}
	} else if n.onPanic != nil {
		t.native = n
		r, err = n.Fn(t, args)
		t.native = nil
	} else {
		r, err = n.Fn(t, args)
	}
	if err != nil {
		if w, ok := err.(*waitFor); ok {
			// The call's value is what the wait gives: suspend as a
			// yield does, with the call's slot as the yield's.
			t.aw = w.v
			t.sp = sp - argc - 1
			return StatusYield
		}
		return t.throw(AsError(err))
	}
	if r.k == kTailCall {
		return t.doTailCall(sp - argc - 1)
	}
	sp -= argc
	t.stack[sp-1] = r
	t.sp = sp
	return statusRunning
}

// appendValue appends v to items, doubling the capacity when it runs out
// (append grows large slices by a quarter, which copies a long list many
// times over). Every way a list (general or packed) or a map's entries grow
// by a few items at a time goes through it or growItems, so that all of them
// grow alike.
func appendValue(items []Value, v Value) []Value {
	n := len(items)
	if n == cap(items) {
		items = slices.Grow(items, n+4) // growItems(items, 1) when full
	}
	items = items[:n+1]
	items[n] = v
	return items
}

// growItems makes room for extra more items after len(s): when they do not
// fit, the capacity becomes at least twice the old one plus 4 (so the growth
// is the same as appendValue's), or exactly what is needed when that is more.
// Asking for more than twice the capacity is what makes slices.Grow skip its
// quarter steps.
func growItems[T Value | uint64](s []T, extra int) []T {
	n := len(s)
	if extra <= cap(s)-n {
		return s
	}
	return regrowItems(s, max(extra, cap(s)+4-n+cap(s)))
}

// largeAlloc is the size from which the runtime allocates an array by whole
// pages (its largest size class is 32 KiB).
const largeAlloc = 32 << 10

// regrowItems is slices.Grow(s, extra) for more than twice cap(s), without
// its clearing of the new array. For memory without pointers (a packed
// list's words), Go's append clears the whole capacity past the length
// itself, touching every fresh page at once, where make clears only memory
// that is not already zero (a span fresh from the system is not cleared).
// Large arrays are therefore made by make, with the capacity append gives
// them (the request rounded up to whole 8 KiB pages); small ones, and
// Values (which hold pointers, so append does not clear them), by
// slices.Grow (its size classes). It is not inlined: growing is rare, and
// its callers are on hot paths.
//
//go:noinline
func regrowItems[T Value | uint64](s []T, extra int) []T {
	size := int(unsafe.Sizeof(*new(T)))
	need := (len(s) + extra) * size
	if size != wordSize || need <= largeAlloc {
		return slices.Grow(s, extra)
	}
	out := make([]T, len(s), (need+8191)&^8191/size)
	copy(out, s)
	return out
}
