package compile

import "fmt"

// peephole marks superinstructions in f's code: it writes a superinstruction's
// opcode over the first instruction of each sequence it recognises and leaves
// the operands and the rest of the sequence as they are (see the
// superinstructions in opcode.go). Code length, the line table and jump targets
// do not change, and a jump into the middle of a sequence still finds the
// original instructions there.
func peephole(f *Funcode) {
	code := f.Code
	ops := make([]Op, len(code)+4) // the original opcodes, and NOPs past the end
	for i, ins := range code {
		ops[i] = Op(ins & 0xff)
	}
	for i := range code {
		var fused Op
		switch ops[i] {
		case LOCAL:
			switch ops[i+1] {
			case LOCAL:
				// LOCAL2 skips the second LOCAL, so it loses to an LLOP or LKOP
				// starting there.
				if !(ops[i+2] == LOCAL || isOperandK(ops[i+2])) || !fusibleArith(ops[i+3]) {
					fused = LOCAL2
				}
				if fusibleArith(ops[i+2]) {
					fused = LLOP
					if ops[i+3] == SETLOCAL {
						fused = LLOPSET
					} else if ops[i+3] == JUMPFALSE && isCompare(ops[i+2]) {
						fused = LLJUMPF
					}
				}
			case SMALLINT, CONST, FREE, CELL, GLOBAL:
				if fusibleArith(ops[i+2]) {
					fused = LKOP
					if ops[i+3] == SETLOCAL {
						fused = LKOPSET
					} else if ops[i+3] == JUMPFALSE && isCompare(ops[i+2]) {
						fused = LKJUMPF
					}
				}
			case RETURN:
				fused = LOCALRET
			}
		case FORITER:
			if ops[i+1] == SETLOCAL {
				fused = FORITERSET
			}
		case ADD, SUB, MUL, DIV, MOD, FLOORDIV:
			// Not the op of an LLOP or LKOP sequence, which reads its opcode.
			inSequence := i >= 2 && ops[i-2] == LOCAL && (ops[i-1] == LOCAL || isOperandK(ops[i-1]))
			if ops[i+1] == SETLOCAL && !inSequence {
				code[i] = Instr(OPSET, int(ops[i]))
			}
		}
		if fused != NOP {
			code[i] = code[i]&^0xff | uint32(fused)
		}
	}
}

// isOperandK reports whether op can push the second operand of an LKOP
// sequence (K in opcode.go). An undefined global is neither an int nor a float,
// so the VM leaves it to GLOBAL to throw.
func isOperandK(op Op) bool {
	switch op {
	case SMALLINT, CONST, FREE, CELL, GLOBAL:
		return true
	}
	return false
}

// fusibleArith reports whether op can end an LLOP or LKOP sequence.
func fusibleArith(op Op) bool {
	switch op {
	case ADD, SUB, MUL, DIV, MOD, FLOORDIV, LT, LE, GT, GE, EQ, NE:
		return true
	}
	return false
}

func isCompare(op Op) bool {
	switch op {
	case LT, LE, GT, GE, EQ, NE:
		return true
	}
	return false
}

// BaseOp is the op of the first instruction of a superinstruction's sequence,
// whose operand the superinstruction keeps. Other ops, and OPSET, whose operand
// is the op it starts with (see Base), are their own base.
func BaseOp(op Op) Op {
	switch op {
	case LOCAL2, LLOP, LKOP, LLOPSET, LKOPSET, LLJUMPF, LKJUMPF, LOCALRET:
		return LOCAL
	case FORITERSET:
		return FORITER
	}
	return op
}

// Base is the instruction a superinstruction runs as when it does not run its
// whole sequence: the first one of the sequence. Other instructions are their
// own base.
func Base(ins uint32) uint32 {
	op, arg := Decode(ins)
	if op == OPSET {
		return Instr(Op(arg), 0)
	}
	return Instr(BaseOp(op), arg)
}

// stackEffect is what an instruction does to the operand stack: it needs at
// least needs values there; falling through to the next instruction changes the
// height by next, and jumping (when it can) to target by jump.
type stackEffect struct {
	needs, next, jump, target int
	falls, jumps              bool
}

func effectOf(ins uint32) (e stackEffect) {
	op, arg := Decode(Base(ins))
	e.falls = true
	switch op {
	case NOP, TRY, ENDTRY:
	case ROT3:
		e.needs = 3
	case SWAP:
		e.needs = 2
	case FORMAT:
		e.needs, e.next = 1+arg&1, -(arg & 1)
	case REVERSE:
		e.needs = arg
	case UNPACK:
		e.needs, e.next = 1, arg-1
	case CALLSPREAD:
		e.needs, e.next = arg+2, -arg-1
	case CALLMETHODSPREAD:
		e.needs, e.next = arg&0xff+2, -(arg&0xff)-1
	case NEG, NOT, FIELD, ITER, CAUGHT:
		e.needs = 1
	case POP, SETLOCAL, SETCELL, NEWCELL, SETFREE, SETGLOBAL, PUTGLOBAL:
		e.needs, e.next = 1, -1
	case THROW, RERAISE, RETURN:
		e.needs, e.falls = 1, false
	case RETURNNIL:
		e.falls = false
	case DUP:
		e.needs, e.next = 1, 1
	case DUP2:
		e.needs, e.next = 2, 2
	case NIL, TRUE, FALSE, SMALLINT, CONST, LOCAL, CELL, FREE, GLOBAL, BUILTIN, FUNC, IMPORT:
		e.next = 1
	case ADD, SUB, MUL, DIV, FLOORDIV, MOD, POW, EQ, NE, LT, LE, GT, GE, IN, NOTIN, INDEX:
		e.needs, e.next = 2, -1
	case SETFIELD:
		e.needs, e.next = 2, -2
	case SETINDEX:
		e.needs, e.next = 3, -3
	case CALL:
		e.needs, e.next = arg+1, -arg
	case CALLMETHOD:
		e.needs, e.next = arg&0xff+1, -(arg & 0xff)
	case LIST, FSTRING:
		e.needs, e.next = arg, 1-arg
	case MAP:
		e.needs, e.next = 2*arg, 1-2*arg
	case SLICE:
		n := arg&1 + arg>>1&1 + arg>>2&1
		e.needs, e.next = n+1, -n
	case YIELD:
		if arg == 1 {
			e.next = 1
		} else {
			e.needs = 1
		}
	case JUMP, LOOP:
		e.falls = false
	case JUMPFALSE, JUMPTRUE:
		e.needs, e.next, e.jump = 1, -1, -1
	case ANDJUMP, ORJUMP:
		e.needs, e.next, e.jump = 1, -1, 0
	case ISSET:
		arg >>= 8
	case FORITER:
		e.needs, e.next, e.jump = 1, 1, -1
	case FORITER2:
		e.needs, e.next, e.jump = 1, 2, -1
	default:
		panic(fmt.Sprintf("unknown op %s", op))
	}
	switch op {
	case JUMP, LOOP, JUMPFALSE, JUMPTRUE, ANDJUMP, ORJUMP, ISSET, FORITER, FORITER2:
		e.jumps, e.target = true, arg
	case TRY:
		// The handler starts with the error pushed on the stack as it is here.
		e.jumps, e.target, e.jump = true, arg, 1
	}
	return e
}

// VerifyStack follows every path through f's code and the code of the functions
// it contains. It checks that no instruction finds fewer operands on the stack
// than it takes, that the stack never grows above MaxStack, that paths meet with
// the same height and that jumps stay inside the code. The VM trusts MaxStack: a
// frame reserves that many slots and a push checks nothing.
func VerifyStack(f *Funcode) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s at %s:%d: %v", f.Name, f.File, f.Pos.Line, r)
		}
	}()
	depth := make([]int, len(f.Code))
	for i := range depth {
		depth[i] = -1
	}
	var work []int
	reach := func(from, to, d int) {
		if to < 0 || to >= len(f.Code) {
			panic(fmt.Sprintf("pc %d: goes on at %d, outside the code", from, to))
		}
		if d > f.MaxStack {
			panic(fmt.Sprintf("pc %d: stack height %d above MaxStack %d", from, d, f.MaxStack))
		}
		switch depth[to] {
		case -1:
			depth[to] = d
			work = append(work, to)
		case d:
		default:
			panic(fmt.Sprintf("pc %d: reaches %d with stack height %d, another path with %d", from, to, d, depth[to]))
		}
	}
	reach(0, 0, 0)
	for len(work) > 0 {
		pc := work[len(work)-1]
		work = work[:len(work)-1]
		e := effectOf(f.Code[pc])
		if depth[pc] < e.needs {
			panic(fmt.Sprintf("pc %d: %s needs %d values on a stack of %d", pc, Op(f.Code[pc]&0xff), e.needs, depth[pc]))
		}
		if e.falls {
			reach(pc, pc+1, depth[pc]+e.next)
		}
		if e.jumps {
			reach(pc, e.target, depth[pc]+e.jump)
		}
	}
	for _, k := range f.Consts {
		if g, ok := k.(*Funcode); ok {
			if err := VerifyStack(g); err != nil {
				return err
			}
		}
	}
	return nil
}
