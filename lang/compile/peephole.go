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
		switch op := ops[i]; {
		case op == LOCAL:
			switch next := ops[i+1]; {
			case next == LOCAL:
				// LOCAL2 skips the second LOCAL, so it loses to an LLOP or LKOP
				// starting there.
				if !(ops[i+2] == LOCAL || ops[i+2].Is(ClassK)) || !ops[i+3].Is(ClassArith|ClassCompare) {
					fused = LOCAL2
				}
				if f := fuseLocalOp(ops[i+2], ops[i+3], LLOP, LLOPSET, LLJUMPF); f != NOP {
					fused = f
				}
			case next.Is(ClassK):
				fused = fuseLocalOp(ops[i+2], ops[i+3], LKOP, LKOPSET, LKJUMPF)
				if fused == NOP && (next == SMALLINT || next == CONST) {
					// A constant argument after a local receiver or
					// argument: conn.recv(n), f(x, 1).
					fused = LOCALK
				}
			case next == RETURN:
				fused = LOCALRET
			case next == JUMPFALSE:
				fused = LJUMPF // if x, while x, if not x { break }
			case next == JUMPTRUE:
				fused = LJUMPT
			}
		case op == FORITER:
			if ops[i+1] == SETLOCAL {
				fused = FORITERSET
			}
		case op.Is(ClassArith):
			// Not the op of an LLOP or LKOP sequence, which reads its opcode.
			inSequence := i >= 2 && ops[i-2] == LOCAL && (ops[i-1] == LOCAL || ops[i-1].Is(ClassK))
			if ops[i+1] == SETLOCAL && !inSequence {
				code[i] = Instr(OPSET, int(op))
			}
		}
		if fused != NOP {
			code[i] = code[i]&^0xff | uint32(fused)
		}
	}
}

// fuseLocalOp is the superinstruction for LOCAL a; (LOCAL or K) b; op; next:
// plain when op is arithmetic or a comparison, set when next stores the result
// in a local, jumpf when op compares and next jumps on false. It is NOP when op
// cannot be fused.
func fuseLocalOp(op, next, plain, set, jumpf Op) Op {
	switch {
	case !op.Is(ClassArith | ClassCompare):
		return NOP
	case next == SETLOCAL:
		return set
	case next == JUMPFALSE && op.Is(ClassCompare):
		return jumpf
	}
	return plain
}

// BaseOp is the op of the first instruction of a superinstruction's sequence,
// whose operand the superinstruction keeps. Other ops, and OPSET, whose operand
// is the op it starts with (see Base), are their own base.
func BaseOp(op Op) Op {
	if b := op.Info().Base; b != NOP {
		return b
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

// effectOf reads an instruction's stack effect from Ops; a superinstruction
// has the effect of its base instruction, the first of its sequence.
func effectOf(ins uint32) (e stackEffect) {
	op, arg := Decode(Base(ins))
	in := op.Info()
	if in.Name == "" || in.Base != NOP || op == OPSET {
		panic(fmt.Sprintf("unknown op %s", op))
	}
	pop, push := op.Stack(arg)
	e.needs, e.next = pop, push-pop
	e.falls = in.Flow == FlowNext || in.Flow == FlowBranch
	e.jumps = in.Flow == FlowBranch || in.Flow == FlowJump
	e.jump = in.JumpPush - pop
	e.target = arg
	if in.Operand == ArgIsSet {
		e.target = arg >> 8
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
