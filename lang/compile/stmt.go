package compile

import "github.com/yieldscript/yieldscript/lang/parser"

// Code generation for statements.

func (f *fcomp) stmts(list []parser.Stmt) {
	for _, s := range list {
		f.stmt(s)
	}
}

func (f *fcomp) stmt(s parser.Stmt) {
	f.pos = s.Position()
	switch s := s.(type) {
	case *parser.LetStmt:
		if s.Value != nil {
			f.namedExpr(s.Value, s.Name)
		} else {
			f.emit(NIL, 0)
		}
		f.pos = s.P
		f.declare(f.decl(s, 0))
	case *parser.FnStmt:
		b := f.decl(s, 0)
		if b.scope == Global {
			f.funcLit(s.Func, s.Func.Name)
			f.pos = s.P
			f.declare(b)
			return
		}
		fidx := f.compileFunc(s.Func, s.Func.Name)
		f.pos = s.P
		if b.cellFirst { // the function refers to itself: its cell must exist first
			f.emit(NIL, 0)
			f.emit(NEWCELL, b.index)
			f.emit(FUNC, fidx)
			f.emit(SETCELL, b.index)
		} else {
			f.emit(FUNC, fidx)
			f.declare(b)
		}
	case *parser.AssignStmt:
		f.assign(s)
	case *parser.MultiAssign:
		f.multiAssign(s)
	case *parser.ExprStmt:
		f.expr(s.X)
		f.emit(POP, 0)
	case *parser.IfStmt:
		f.ifStmt(s)
	case *parser.WhileStmt:
		f.whileStmt(s)
	case *parser.ForStmt:
		f.forStmt(s)
	case *parser.BreakStmt:
		l := f.loops[len(f.loops)-1]
		f.unwindTries(l.tryDepth)
		f.pos = s.P
		l.breaks = append(l.breaks, f.emit(JUMP, 0))
	case *parser.ContinueStmt:
		l := f.loops[len(f.loops)-1]
		f.unwindTries(l.tryDepth)
		f.pos = s.P
		l.conts = append(l.conts, f.emit(LOOP, 0))
	case *parser.ReturnStmt:
		if s.Value != nil {
			f.expr(s.Value)
		} else {
			f.emit(NIL, 0)
		}
		f.pos = s.P
		f.unwindTries(0)
		f.pos = s.P
		f.emit(RETURN, 0)
	case *parser.ThrowStmt:
		f.expr(s.Value)
		f.pos = s.P
		f.emit(THROW, 0)
	case *parser.TryStmt:
		f.tryStmt(s)
	case *parser.ImportStmt:
		f.emit(IMPORT, f.nameIndex(s.Module))
		f.declare(f.decl(s, 0))
	default:
		f.c.errorf(s.Position(), "internal error: unknown statement %T", s)
	}
}

// unwindTries leaves every try statement above depth: pops their handlers and
// runs their finally blocks, innermost first.
func (f *fcomp) unwindTries(depth int) {
	saved := f.tries
	for i := len(saved) - 1; i >= depth; i-- {
		t := saved[i]
		for range t.handlers {
			f.emit(ENDTRY, 0)
		}
		if t.hasFin {
			f.tries = saved[:i]
			f.stmts(t.finally)
		}
	}
	f.tries = saved
}

func (f *fcomp) assign(s *parser.AssignStmt) {
	switch t := s.Target.(type) {
	case *parser.Ident:
		if s.Op == "=" {
			f.namedExpr(s.Value, t.Name)
		} else {
			f.load(t)
			f.expr(s.Value)
			f.pos = s.P
			f.emit(compoundOp(s.Op), 0)
		}
		f.pos = s.P
		f.store(f.c.res.binding(t))
	case *parser.Index:
		f.expr(t.X)
		f.expr(t.Index)
		f.assignedValue(s, t.P, DUP2, INDEX, 0)
		f.emit(SETINDEX, 0)
	case *parser.Field:
		f.expr(t.X)
		name := f.nameIndex(t.Name)
		f.assignedValue(s, t.P, DUP, FIELD, name)
		f.emit(SETFIELD, name)
	default:
		f.c.errorf(s.P, "cannot assign to this expression")
	}
}

// multiAssign compiles let a, b = ... and a, b = ...: every value first, then
// the targets from left to right, each taking the value on top of the stack.
func (f *fcomp) multiAssign(s *parser.MultiAssign) {
	n := len(s.Targets)
	switch len(s.Values) {
	case 0:
		for range n {
			f.emit(NIL, 0)
		}
	case 1:
		f.expr(s.Values[0])
		f.pos = s.P
		f.emit(UNPACK, n)
	default:
		for _, v := range s.Values {
			f.expr(v)
		}
		f.pos = s.P
		if n == 2 {
			f.emit(SWAP, 0)
		} else {
			f.emit(REVERSE, n)
		}
	}
	for _, t := range s.Targets {
		switch t := t.(type) {
		case *parser.Ident:
			f.pos = t.P
			if s.Let {
				f.declare(f.c.res.binding(t))
			} else {
				f.store(f.c.res.binding(t))
			}
		case *parser.Index:
			f.expr(t.X)
			f.expr(t.Index)
			f.pos = t.P
			f.emit(ROT3, 0)
			f.emit(ROT3, 0)
			f.emit(SETINDEX, 0)
		case *parser.Field:
			f.expr(t.X)
			f.pos = t.P
			f.emit(SWAP, 0)
			f.emit(SETFIELD, f.nameIndex(t.Name))
		default:
			f.c.errorf(t.Position(), "cannot assign to this expression")
		}
	}
}

// assignedValue compiles the value s assigns to an index or field target
// whose operands are on the stack. A compound assignment first reads the
// target: dup copies its operands, get (with operand arg) reads it, at the
// target's position tp; then the operator applies. The position is left at
// the assignment's, for the store.
func (f *fcomp) assignedValue(s *parser.AssignStmt, tp parser.Pos, dup, get Op, arg int) {
	if s.Op != "=" {
		f.pos = tp
		f.emit(dup, 0)
		f.emit(get, arg)
		f.expr(s.Value)
		f.pos = s.P
		f.emit(compoundOp(s.Op), 0)
	} else {
		f.expr(s.Value)
	}
	f.pos = s.P
}

func compoundOp(op string) Op {
	switch op {
	case "+=":
		return ADD
	case "-=":
		return SUB
	case "*=":
		return MUL
	case "/=":
		return DIV
	case "**=":
		return POW
	}
	panic("unknown compound assignment " + op)
}

func (f *fcomp) ifStmt(s *parser.IfStmt) {
	if f.breakIf(s) {
		return
	}
	f.condJump(s.Cond, false)
	jf := len(f.code.Code) - 1
	f.stmts(s.Then)
	if s.Else == nil {
		f.patch(jf)
		return
	}
	end := f.emit(JUMP, 0)
	f.patch(jf)
	f.stmts(s.Else)
	f.patch(end)
}

// breakIf compiles `if cond { break }` (no else, no try to leave) as one jump
// to the loop's end taken when cond is true, where the general form jumps over
// a jump: it reports false, and compiles nothing, for any other if. A
// comparison that would end with JUMPTRUE keeps the general form, whose
// JUMPFALSE the peephole pass fuses with the comparison (LLJUMPF, LKJUMPF).
func (f *fcomp) breakIf(s *parser.IfStmt) bool {
	if s.Else != nil || len(s.Then) != 1 || len(f.loops) == 0 {
		return false
	}
	if _, ok := s.Then[0].(*parser.BreakStmt); !ok {
		return false
	}
	l := f.loops[len(f.loops)-1]
	if len(f.tries) != l.tryDepth {
		return false
	}
	cond, jumpIf := s.Cond, true
	for {
		u, ok := cond.(*parser.Unary)
		if !ok || u.Op != "not" {
			break
		}
		cond, jumpIf = u.X, !jumpIf
	}
	if b, ok := cond.(*parser.Binary); ok && jumpIf {
		switch b.Op {
		case "<", "<=", ">", ">=", "==", "!=":
			return false
		}
	}
	f.condJump(s.Cond, true)
	l.breaks = append(l.breaks, len(f.code.Code)-1)
	return true
}

// condJump compiles cond and a jump taken when cond's truth equals jumpIf.
// The jump is the last instruction emitted; its target is patched later.
func (f *fcomp) condJump(cond parser.Expr, jumpIf bool) {
	if u, ok := cond.(*parser.Unary); ok && u.Op == "not" {
		f.condJump(u.X, !jumpIf)
		return
	}
	f.expr(cond)
	f.pos = cond.Position()
	if jumpIf {
		f.emit(JUMPTRUE, 0)
	} else {
		f.emit(JUMPFALSE, 0)
	}
}

func (f *fcomp) whileStmt(s *parser.WhileStmt) {
	start := f.here()
	exit := -1 // `while true` tests nothing: only break and return leave it
	if b, ok := s.Cond.(*parser.BoolLit); !ok || !b.Value {
		f.condJump(s.Cond, false)
		exit = len(f.code.Code) - 1
	}
	l := &loopCtx{contPC: start, tryDepth: len(f.tries), stackBase: f.depth}
	f.loops = append(f.loops, l)
	f.stmts(s.Body)
	f.loops = f.loops[:len(f.loops)-1]
	f.pos = s.P
	f.emit(LOOP, start)
	if exit >= 0 {
		f.patch(exit)
	}
	for _, j := range l.conts {
		f.patchTo(j, start)
	}
	for _, j := range l.breaks {
		f.patch(j)
	}
}

func (f *fcomp) forStmt(s *parser.ForStmt) {
	f.expr(s.Iter)
	f.pos = s.P
	f.emit(ITER, 0)
	start := f.here()
	var next int
	if s.Second == "" {
		next = f.emit(FORITER, 0)
	} else {
		next = f.emit(FORITER2, 0)
	}
	l := &loopCtx{contPC: start, tryDepth: len(f.tries), stackBase: f.depth, isFor: true}
	f.loops = append(f.loops, l)
	if s.Second != "" {
		f.pos = s.SecondPos
		f.declare(f.decl(s, 1))
	}
	f.pos = s.FirstPos
	f.declare(f.decl(s, 0))
	f.stmts(s.Body)
	f.loops = f.loops[:len(f.loops)-1]
	f.pos = s.P
	f.emit(LOOP, start)
	for _, j := range l.conts {
		f.patchTo(j, start)
	}
	if len(l.breaks) > 0 {
		for _, j := range l.breaks {
			f.patch(j)
		}
		f.emit(POP, 0) // the iterator, for breaks
	} else {
		f.depth-- // FORITER popped the iterator when it ended the loop
	}
	f.patch(next)
}

func (f *fcomp) tryStmt(s *parser.TryStmt) {
	t := &tryCtx{finally: s.Finally, hasFin: s.HasFinally}
	f.tries = append(f.tries, t)
	finJ, catchJ := -1, -1
	if s.HasFinally {
		finJ = f.emit(TRY, 0)
		t.handlers++
	}
	if s.HasCatch {
		catchJ = f.emit(TRY, 0)
		t.handlers++
	}
	f.stmts(s.Body)
	if s.HasCatch {
		f.pos = s.P
		f.emit(ENDTRY, 0)
		t.handlers--
		skip := f.emit(JUMP, 0)
		f.patch(catchJ)
		f.pos = s.CatchPos
		f.depth++ // the error
		f.emit(CAUGHT, 0)
		if s.CatchName != "" {
			f.declare(f.decl(s, 0))
		} else {
			f.emit(POP, 0)
		}
		f.stmts(s.Catch)
		f.patch(skip)
	}
	if s.HasFinally {
		f.pos = s.P
		f.emit(ENDTRY, 0)
		t.handlers--
	}
	f.tries = f.tries[:len(f.tries)-1]
	if s.HasFinally {
		f.stmts(s.Finally)
		end := f.emit(JUMP, 0)
		f.patch(finJ)
		f.depth++ // the error
		f.stmts(s.Finally)
		f.pos = s.P
		f.emit(RERAISE, 0)
		f.patch(end)
	}
}
