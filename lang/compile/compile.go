package compile

import (
	"fmt"
	"math"

	"github.com/yieldscript/yieldscript/lang/parser"
)

// Env is what a compilation knows of the world outside the file.
type Env struct {
	// Globals are the module globals that already exist (earlier REPL inputs).
	Globals []string
	// Builtins are the names of the builtins; BUILTIN operands index this list.
	Builtins []string
	// MainName names the top-level function in tracebacks ("<main>" by default).
	MainName string
	// ReturnLast compiles a final expression statement at top level as the
	// program's return value (the REPL prints it).
	ReturnLast bool
}

// Compile turns a parsed file into a program. Errors are *parser.Error, with the
// position of the offending name or statement.
func Compile(f *parser.File, env *Env) (prog *Program, err error) {
	if env == nil {
		env = &Env{}
	}
	c := &compiler{file: f.Name, env: env, globals: map[string]int{}, builtins: map[string]int{}}
	for i, name := range env.Globals {
		c.globals[name] = i
	}
	c.globalNames = append(c.globalNames, env.Globals...)
	for i, name := range env.Builtins {
		c.builtins[name] = i
	}
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(*parser.Error)
			if !ok {
				panic(r)
			}
			prog, err = nil, ce
		}
	}()
	// Top-level declarations are module globals, visible from every function body
	// in the file, whatever their order.
	for _, s := range f.Stmts {
		switch s := s.(type) {
		case *parser.LetStmt:
			c.declareGlobal(s.Name)
		case *parser.MultiAssign:
			if s.Let {
				for _, t := range s.Targets {
					c.declareGlobal(t.(*parser.Ident).Name)
				}
			}
		case *parser.FnStmt:
			c.declareGlobal(s.Func.Name)
		case *parser.ImportStmt:
			c.declareGlobal(s.Alias)
		}
	}
	name := env.MainName
	if name == "" {
		name = "<main>"
	}
	fc := c.newFunc(nil, name, parser.Pos{Line: 1, Col: 1})
	fc.top = true
	stmts := f.Stmts
	var last *parser.ExprStmt
	if env.ReturnLast && len(stmts) > 0 {
		if es, ok := stmts[len(stmts)-1].(*parser.ExprStmt); ok {
			last = es
			stmts = stmts[:len(stmts)-1]
		}
	}
	fc.stmts(stmts)
	if last != nil {
		fc.expr(last.X)
		fc.emit(RETURN, 0, -1)
	} else {
		fc.emit(RETURNNIL, 0, 0)
	}
	fc.finish()
	return &Program{File: f.Name, Main: fc.code, Globals: c.globalNames}, nil
}

type compiler struct {
	file        string
	env         *Env
	globals     map[string]int
	globalNames []string
	builtins    map[string]int
	folds       map[parser.Expr]folded // constOf results of operator nodes
}

// folded is a memoized constOf result.
type folded struct {
	v  any
	ok bool
}

func (c *compiler) declareGlobal(name string) int {
	if i, ok := c.globals[name]; ok {
		return i
	}
	i := len(c.globalNames)
	c.globals[name] = i
	c.globalNames = append(c.globalNames, name)
	return i
}

func (c *compiler) errorf(p parser.Pos, format string, args ...any) {
	panic(&parser.Error{File: c.file, Pos: p, Msg: fmt.Sprintf(format, args...)})
}

// binding is one declared local variable.
type binding struct {
	name     string
	fn       *fcomp
	slot     int
	captured bool
	isParam  bool
	decls    []int // SETLOCAL instructions that declare it (become NEWCELL if captured)
	uses     []int // LOCAL / SETLOCAL instructions (become CELL / SETCELL)
}

type block struct {
	names  map[string]*binding
	parent *block
}

type loopCtx struct {
	breaks    []int
	conts     []int // continue jumps to patch when the target is not known yet
	contPC    int   // -1 until known
	tryDepth  int
	stackBase int // operand depth inside the loop body
	isFor     bool
}

type tryCtx struct {
	handlers int
	finally  []parser.Stmt
	hasFin   bool
}

// fcomp compiles one function.
type fcomp struct {
	c      *compiler
	parent *fcomp
	code   *Funcode
	scope  *block
	free   map[*binding]int
	depth  int
	top    bool
	loops  []*loopCtx
	tries  []*tryCtx
	pos    parser.Pos
	consts map[constKey]int
	names  map[string]int
}

func (c *compiler) newFunc(parent *fcomp, name string, p parser.Pos) *fcomp {
	return &fcomp{
		c:      c,
		parent: parent,
		code:   &Funcode{Name: name, File: c.file, Pos: p},
		scope:  &block{names: map[string]*binding{}},
		free:   map[*binding]int{},
		pos:    p,
		consts: map[constKey]int{},
		names:  map[string]int{},
	}
}

func (f *fcomp) finish() {
	f.code.NumLocals = len(f.code.LocalNames)
	peephole(f.code)
}

// emit appends an instruction with the given stack effect and returns its index.
func (f *fcomp) emit(op Op, arg int, effect int) int {
	if arg < 0 || arg > MaxArg {
		if op != SMALLINT {
			f.c.errorf(f.pos, "function too large to compile (operand %d of %s)", arg, op)
		}
	}
	f.code.Code = append(f.code.Code, Instr(op, arg&MaxArg))
	f.code.Lines = append(f.code.Lines, f.pos)
	f.depth += effect
	if f.depth > f.code.MaxStack {
		f.code.MaxStack = f.depth
	}
	return len(f.code.Code) - 1
}

func (f *fcomp) here() int { return len(f.code.Code) }

// patch sets the jump target of the instruction at i to the current position.
func (f *fcomp) patch(i int) { f.patchTo(i, f.here()) }

func (f *fcomp) patchTo(i, target int) {
	op, _ := Decode(f.code.Code[i])
	if op == ISSET {
		_, arg := Decode(f.code.Code[i])
		if target > 0xffff {
			f.c.errorf(f.pos, "default parameter value too large to compile")
		}
		f.code.Code[i] = Instr(op, arg&0xff|target<<8)
		return
	}
	if target > MaxArg {
		f.c.errorf(f.pos, "function too large to compile")
	}
	f.code.Code[i] = Instr(op, target)
}

func (f *fcomp) setOp(i int, op Op) {
	_, arg := Decode(f.code.Code[i])
	f.code.Code[i] = Instr(op, arg)
}

type constKey struct {
	typ  byte
	bits uint64
	s    string
}

func (f *fcomp) constIndex(v any) int {
	var key constKey
	switch v := v.(type) {
	case int64:
		key = constKey{typ: 'i', bits: uint64(v)}
	case float64:
		key = constKey{typ: 'f', bits: math.Float64bits(v)}
	case string:
		key = constKey{typ: 's', s: v}
	default:
		f.code.Consts = append(f.code.Consts, v)
		return len(f.code.Consts) - 1
	}
	if i, ok := f.consts[key]; ok {
		return i
	}
	f.code.Consts = append(f.code.Consts, v)
	f.consts[key] = len(f.code.Consts) - 1
	return len(f.code.Consts) - 1
}

func (f *fcomp) nameIndex(s string) int {
	if i, ok := f.names[s]; ok {
		return i
	}
	f.code.Names = append(f.code.Names, s)
	f.names[s] = len(f.code.Names) - 1
	return len(f.code.Names) - 1
}

// ---- scopes ----

func (f *fcomp) pushBlock() { f.scope = &block{names: map[string]*binding{}, parent: f.scope} }
func (f *fcomp) popBlock()  { f.scope = f.scope.parent }

// atGlobalLevel reports whether declarations here are module globals.
func (f *fcomp) atGlobalLevel() bool { return f.top && f.scope.parent == nil }

func (f *fcomp) declareLocal(name string) *binding {
	b := &binding{name: name, fn: f, slot: len(f.code.LocalNames)}
	f.code.LocalNames = append(f.code.LocalNames, name)
	f.scope.names[name] = b
	return b
}

func (f *fcomp) lookupLocal(name string) *binding {
	for s := f.scope; s != nil; s = s.parent {
		if b, ok := s.names[name]; ok {
			return b
		}
	}
	return nil
}

type refKind int

const (
	refLocal refKind = iota
	refFree
	refGlobal
	refBuiltin
)

// resolve finds what a name refers to from inside f.
func (f *fcomp) resolve(name string, p parser.Pos) (refKind, *binding, int) {
	if b := f.lookupLocal(name); b != nil {
		return refLocal, b, b.slot
	}
	for outer := f.parent; outer != nil; outer = outer.parent {
		if b := outer.lookupLocal(name); b != nil {
			return refFree, b, f.freeIndex(b)
		}
	}
	if i, ok := f.c.globals[name]; ok {
		return refGlobal, nil, i
	}
	if i, ok := f.c.builtins[name]; ok {
		return refBuiltin, nil, i
	}
	f.c.errorf(p, "undefined: %s", name)
	return 0, nil, 0
}

// freeIndex returns the index of b among f's free variables, capturing it through
// every function between f and b's owner.
func (f *fcomp) freeIndex(b *binding) int {
	if i, ok := f.free[b]; ok {
		return i
	}
	var fv FreeVar
	if f.parent == b.fn {
		f.parent.capture(b)
		fv = FreeVar{Name: b.name, FromLocal: true, Index: b.slot}
	} else {
		fv = FreeVar{Name: b.name, FromLocal: false, Index: f.parent.freeIndex(b)}
	}
	i := len(f.code.Free)
	f.code.Free = append(f.code.Free, fv)
	f.free[b] = i
	return i
}

// capture turns a local into a cell variable, patching the code already emitted.
func (f *fcomp) capture(b *binding) {
	if b.captured {
		return
	}
	b.captured = true
	for _, i := range b.uses {
		op, _ := Decode(f.code.Code[i])
		switch op {
		case LOCAL:
			f.setOp(i, CELL)
		case SETLOCAL:
			f.setOp(i, SETCELL)
		}
	}
	for _, i := range b.decls {
		f.setOp(i, NEWCELL)
	}
	if b.isParam {
		f.code.CellParams = append(f.code.CellParams, b.slot)
	}
}

func (f *fcomp) load(name string, p parser.Pos) {
	kind, b, i := f.resolve(name, p)
	switch kind {
	case refLocal:
		if b.captured {
			f.emit(CELL, i, 1)
		} else {
			b.uses = append(b.uses, f.emit(LOCAL, i, 1))
		}
	case refFree:
		f.emit(FREE, i, 1)
	case refGlobal:
		f.emit(GLOBAL, i, 1)
	case refBuiltin:
		f.emit(BUILTIN, i, 1)
	}
}

func (f *fcomp) store(name string, p parser.Pos) {
	if f.lookupLocal(name) == nil {
		found := false
		for outer := f.parent; outer != nil && !found; outer = outer.parent {
			found = outer.lookupLocal(name) != nil
		}
		if !found {
			if _, ok := f.c.globals[name]; !ok {
				if _, ok := f.c.builtins[name]; ok {
					f.c.errorf(p, "cannot assign to builtin %s; declare a variable with let %s", name, name)
				}
			}
		}
	}
	kind, b, i := f.resolve(name, p)
	switch kind {
	case refLocal:
		if b.captured {
			f.emit(SETCELL, i, -1)
		} else {
			b.uses = append(b.uses, f.emit(SETLOCAL, i, -1))
		}
	case refFree:
		f.emit(SETFREE, i, -1)
	case refGlobal:
		f.emit(PUTGLOBAL, i, -1)
	}
}

// declareAndStore declares name in the current block and stores the value on top
// of the stack in it.
func (f *fcomp) declareAndStore(name string) {
	if f.atGlobalLevel() {
		f.emit(SETGLOBAL, f.c.declareGlobal(name), -1)
		return
	}
	b := f.declareLocal(name)
	b.decls = append(b.decls, f.emit(SETLOCAL, b.slot, -1))
}

// ---- statements ----

func (f *fcomp) stmts(list []parser.Stmt) {
	for _, s := range list {
		f.stmt(s)
	}
}

func (f *fcomp) blockStmts(list []parser.Stmt) {
	f.pushBlock()
	f.stmts(list)
	f.popBlock()
}

func (f *fcomp) stmt(s parser.Stmt) {
	f.pos = s.Position()
	switch s := s.(type) {
	case *parser.LetStmt:
		if s.Value != nil {
			f.namedExpr(s.Value, s.Name)
		} else {
			f.emit(NIL, 0, 1)
		}
		f.pos = s.P
		f.declareAndStore(s.Name)
	case *parser.FnStmt:
		if f.atGlobalLevel() {
			f.funcLit(s.Func, s.Func.Name)
			f.pos = s.P
			f.emit(SETGLOBAL, f.c.declareGlobal(s.Func.Name), -1)
			return
		}
		b := f.declareLocal(s.Func.Name)
		fidx := f.compileFunc(s.Func, s.Func.Name)
		f.pos = s.P
		if b.captured { // the function refers to itself: its cell must exist first
			f.emit(NIL, 0, 1)
			b.decls = append(b.decls, f.emit(NEWCELL, b.slot, -1))
			f.emit(FUNC, fidx, 1)
			f.emit(SETCELL, b.slot, -1)
		} else {
			f.emit(FUNC, fidx, 1)
			b.decls = append(b.decls, f.emit(SETLOCAL, b.slot, -1))
		}
	case *parser.AssignStmt:
		f.assign(s)
	case *parser.MultiAssign:
		f.multiAssign(s)
	case *parser.ExprStmt:
		f.expr(s.X)
		f.emit(POP, 0, -1)
	case *parser.IfStmt:
		f.ifStmt(s)
	case *parser.WhileStmt:
		f.whileStmt(s)
	case *parser.ForStmt:
		f.forStmt(s)
	case *parser.BreakStmt:
		if len(f.loops) == 0 {
			f.c.errorf(s.P, "break outside loop")
		}
		l := f.loops[len(f.loops)-1]
		f.unwindTries(l.tryDepth)
		f.pos = s.P
		l.breaks = append(l.breaks, f.emit(JUMP, 0, 0))
	case *parser.ContinueStmt:
		if len(f.loops) == 0 {
			f.c.errorf(s.P, "continue outside loop")
		}
		l := f.loops[len(f.loops)-1]
		f.unwindTries(l.tryDepth)
		f.pos = s.P
		l.conts = append(l.conts, f.emit(LOOP, 0, 0))
	case *parser.ReturnStmt:
		if f.top {
			f.c.errorf(s.P, "return outside function")
		}
		if s.Value != nil {
			f.expr(s.Value)
		} else {
			f.emit(NIL, 0, 1)
		}
		f.pos = s.P
		f.unwindTries(0)
		f.pos = s.P
		f.emit(RETURN, 0, -1)
	case *parser.ThrowStmt:
		f.expr(s.Value)
		f.pos = s.P
		f.emit(THROW, 0, -1)
	case *parser.TryStmt:
		f.tryStmt(s)
	case *parser.ImportStmt:
		f.emit(IMPORT, f.nameIndex(s.Module), 1)
		f.declareAndStore(s.Alias)
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
			f.emit(ENDTRY, 0, 0)
		}
		if t.hasFin {
			f.tries = saved[:i]
			f.blockStmts(t.finally)
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
			f.load(t.Name, t.P)
			f.expr(s.Value)
			f.pos = s.P
			f.emit(compoundOp(s.Op), 0, -1)
		}
		f.pos = s.P
		f.store(t.Name, t.P)
	case *parser.Index:
		f.expr(t.X)
		f.expr(t.Index)
		if s.Op != "=" {
			f.pos = t.P
			f.emit(DUP2, 0, 2)
			f.emit(INDEX, 0, -1)
			f.expr(s.Value)
			f.pos = s.P
			f.emit(compoundOp(s.Op), 0, -1)
		} else {
			f.expr(s.Value)
		}
		f.pos = s.P
		f.emit(SETINDEX, 0, -3)
	case *parser.Field:
		f.expr(t.X)
		name := f.nameIndex(t.Name)
		if s.Op != "=" {
			f.pos = t.P
			f.emit(DUP, 0, 1)
			f.emit(FIELD, name, 0)
			f.expr(s.Value)
			f.pos = s.P
			f.emit(compoundOp(s.Op), 0, -1)
		} else {
			f.expr(s.Value)
		}
		f.pos = s.P
		f.emit(SETFIELD, name, -2)
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
			f.emit(NIL, 0, 1)
		}
	case 1:
		f.expr(s.Values[0])
		f.pos = s.P
		f.emit(UNPACK, n, n-1)
	default:
		for _, v := range s.Values {
			f.expr(v)
		}
		f.pos = s.P
		if n == 2 {
			f.emit(SWAP, 0, 0)
		} else {
			f.emit(REVERSE, n, 0)
		}
	}
	for _, t := range s.Targets {
		switch t := t.(type) {
		case *parser.Ident:
			f.pos = t.P
			if s.Let {
				f.declareAndStore(t.Name)
			} else {
				f.store(t.Name, t.P)
			}
		case *parser.Index:
			f.expr(t.X)
			f.expr(t.Index)
			f.pos = t.P
			f.emit(ROT3, 0, 0)
			f.emit(ROT3, 0, 0)
			f.emit(SETINDEX, 0, -3)
		case *parser.Field:
			f.expr(t.X)
			f.pos = t.P
			f.emit(SWAP, 0, 0)
			f.emit(SETFIELD, f.nameIndex(t.Name), -2)
		default:
			f.c.errorf(t.Position(), "cannot assign to this expression")
		}
	}
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
	f.condJump(s.Cond, false)
	jf := len(f.code.Code) - 1
	f.blockStmts(s.Then)
	if s.Else == nil {
		f.patch(jf)
		return
	}
	end := f.emit(JUMP, 0, 0)
	f.patch(jf)
	f.blockStmts(s.Else)
	f.patch(end)
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
		f.emit(JUMPTRUE, 0, -1)
	} else {
		f.emit(JUMPFALSE, 0, -1)
	}
}

func (f *fcomp) whileStmt(s *parser.WhileStmt) {
	start := f.here()
	f.condJump(s.Cond, false)
	exit := len(f.code.Code) - 1
	l := &loopCtx{contPC: start, tryDepth: len(f.tries), stackBase: f.depth}
	f.loops = append(f.loops, l)
	f.blockStmts(s.Body)
	f.loops = f.loops[:len(f.loops)-1]
	f.pos = s.P
	f.emit(LOOP, start, 0)
	f.patch(exit)
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
	f.emit(ITER, 0, 0)
	start := f.here()
	var next int
	if s.Second == "" {
		next = f.emit(FORITER, 0, 1)
	} else {
		next = f.emit(FORITER2, 0, 2)
	}
	l := &loopCtx{contPC: start, tryDepth: len(f.tries), stackBase: f.depth, isFor: true}
	f.loops = append(f.loops, l)
	f.pushBlock()
	if s.Second != "" {
		f.pos = s.SecondPos
		b2 := f.declareLocal(s.Second)
		f.pos = s.FirstPos
		b1 := f.declareLocal(s.First)
		f.pos = s.SecondPos
		b2.decls = append(b2.decls, f.emit(SETLOCAL, b2.slot, -1))
		f.pos = s.FirstPos
		b1.decls = append(b1.decls, f.emit(SETLOCAL, b1.slot, -1))
	} else {
		f.pos = s.FirstPos
		f.declareAndStoreLocal(s.First)
	}
	f.stmts(s.Body)
	f.popBlock()
	f.loops = f.loops[:len(f.loops)-1]
	f.pos = s.P
	f.emit(LOOP, start, 0)
	for _, j := range l.conts {
		f.patchTo(j, start)
	}
	if len(l.breaks) > 0 {
		for _, j := range l.breaks {
			f.patch(j)
		}
		f.emit(POP, 0, 0) // the iterator, for breaks
	}
	f.patch(next)
	f.depth-- // the iterator is gone on both paths
}

func (f *fcomp) declareAndStoreLocal(name string) {
	b := f.declareLocal(name)
	b.decls = append(b.decls, f.emit(SETLOCAL, b.slot, -1))
}

func (f *fcomp) tryStmt(s *parser.TryStmt) {
	t := &tryCtx{finally: s.Finally, hasFin: s.HasFinally}
	f.tries = append(f.tries, t)
	finJ, catchJ := -1, -1
	if s.HasFinally {
		finJ = f.emit(TRY, 0, 0)
		t.handlers++
	}
	if s.HasCatch {
		catchJ = f.emit(TRY, 0, 0)
		t.handlers++
	}
	f.blockStmts(s.Body)
	if s.HasCatch {
		f.pos = s.P
		f.emit(ENDTRY, 0, 0)
		t.handlers--
		skip := f.emit(JUMP, 0, 0)
		f.patch(catchJ)
		f.pos = s.CatchPos
		f.depth++ // the error
		f.emit(CAUGHT, 0, 0)
		f.pushBlock()
		if s.CatchName != "" {
			f.declareAndStoreLocal(s.CatchName)
		} else {
			f.emit(POP, 0, -1)
		}
		f.stmts(s.Catch)
		f.popBlock()
		f.patch(skip)
	}
	if s.HasFinally {
		f.pos = s.P
		f.emit(ENDTRY, 0, 0)
		t.handlers--
	}
	f.tries = f.tries[:len(f.tries)-1]
	if s.HasFinally {
		f.blockStmts(s.Finally)
		end := f.emit(JUMP, 0, 0)
		f.patch(finJ)
		f.depth++ // the error
		f.blockStmts(s.Finally)
		f.pos = s.P
		f.emit(RERAISE, 0, -1)
		f.patch(end)
	}
}

// ---- expressions ----

// namedExpr compiles e; a function literal takes the given name.
func (f *fcomp) namedExpr(e parser.Expr, name string) {
	if fl, ok := e.(*parser.FuncLit); ok && fl.Name == "" {
		f.funcLit(fl, name)
		return
	}
	f.expr(e)
}

func (f *fcomp) expr(e parser.Expr) {
	f.pos = e.Position()
	switch e := e.(type) {
	case *parser.Ident:
		f.load(e.Name, e.P)
	case *parser.NilLit:
		f.emit(NIL, 0, 1)
	case *parser.BoolLit:
		if e.Value {
			f.emit(TRUE, 0, 1)
		} else {
			f.emit(FALSE, 0, 1)
		}
	case *parser.IntLit:
		f.intConst(e.Value)
	case *parser.FloatLit:
		f.emit(CONST, f.constIndex(e.Value), 1)
	case *parser.StringLit:
		f.emit(CONST, f.constIndex(e.Value), 1)
	case *parser.FString:
		for _, p := range e.Parts {
			f.expr(p)
		}
		f.pos = e.P
		if len(e.Parts) == 0 {
			f.emit(CONST, f.constIndex(""), 1)
		} else {
			f.emit(FSTRING, len(e.Parts), 1-len(e.Parts))
		}
	case *parser.FormatField:
		f.expr(e.X)
		flags := 0
		switch e.Conv {
		case 'r':
			flags |= 2
		case 's':
			flags |= 4
		}
		if e.Spec != nil {
			f.expr(e.Spec)
			flags |= 1
		}
		f.pos = e.P
		f.emit(FORMAT, flags, -(flags & 1))
	case *parser.ListLit:
		for _, x := range e.Elems {
			f.expr(x)
		}
		f.pos = e.P
		f.emit(LIST, len(e.Elems), 1-len(e.Elems))
	case *parser.MapLit:
		for _, en := range e.Entries {
			f.expr(en.Key)
			f.expr(en.Value)
		}
		f.pos = e.P
		f.emit(MAP, len(e.Entries), 1-2*len(e.Entries))
	case *parser.FuncLit:
		f.funcLit(e, e.Name)
	case *parser.Unary:
		if k, ok := f.c.constOf(e); ok {
			f.constant(k)
			return
		}
		f.expr(e.X)
		f.pos = e.P
		if e.Op == "-" {
			f.emit(NEG, 0, 0)
		} else {
			f.emit(NOT, 0, 0)
		}
	case *parser.Binary:
		f.binary(e)
	case *parser.Call:
		f.call(e)
	case *parser.CondExpr:
		f.condJump(e.Cond, false)
		jf := len(f.code.Code) - 1
		f.expr(e.Then)
		f.pos = e.P
		end := f.emit(JUMP, 0, 0)
		f.depth-- // the else branch starts without the then branch's value
		f.patch(jf)
		f.expr(e.Else)
		f.patch(end)
	case *parser.Index:
		f.expr(e.X)
		f.expr(e.Index)
		f.pos = e.P
		f.emit(INDEX, 0, -1)
	case *parser.Slice:
		f.expr(e.X)
		flags := 0
		if e.Lo != nil {
			f.expr(e.Lo)
			flags |= 1
		}
		if e.Hi != nil {
			f.expr(e.Hi)
			flags |= 2
		}
		if e.Step != nil {
			f.expr(e.Step)
			flags |= 4
		}
		f.pos = e.P
		n := flags&1 + flags>>1&1 + flags>>2&1
		f.emit(SLICE, flags, -n)
	case *parser.Field:
		f.expr(e.X)
		f.pos = e.P
		f.emit(FIELD, f.nameIndex(e.Name), 0)
	case *parser.Yield:
		f.markYield()
		if e.X == nil {
			f.emit(YIELD, 1, 1)
			return
		}
		f.expr(e.X)
		f.pos = e.P
		f.emit(YIELD, 0, 0)
	default:
		f.c.errorf(e.Position(), "internal error: unknown expression %T", e)
	}
}

func (f *fcomp) markYield() {
	if !f.top {
		f.code.Coroutine = true
	}
}

func (f *fcomp) intConst(v int64) {
	if v >= -(1<<23) && v < 1<<23 {
		f.emit(SMALLINT, int(v), 1)
		return
	}
	f.emit(CONST, f.constIndex(v), 1)
}

func (f *fcomp) constant(k any) {
	switch k := k.(type) {
	case int64:
		f.intConst(k)
	case bool:
		if k {
			f.emit(TRUE, 0, 1)
		} else {
			f.emit(FALSE, 0, 1)
		}
	default:
		f.emit(CONST, f.constIndex(k), 1)
	}
}

var binOps = map[string]Op{
	"+": ADD, "-": SUB, "*": MUL, "/": DIV, "//": FLOORDIV, "%": MOD, "**": POW,
	"==": EQ, "!=": NE, "<": LT, "<=": LE, ">": GT, ">=": GE, "in": IN, "not in": NOTIN,
}

func (f *fcomp) binary(e *parser.Binary) {
	switch e.Op {
	case "and", "or":
		f.expr(e.X)
		f.pos = e.P
		var j int
		if e.Op == "and" {
			j = f.emit(ANDJUMP, 0, -1)
		} else {
			j = f.emit(ORJUMP, 0, -1)
		}
		f.expr(e.Y)
		f.patch(j)
		return
	}
	if k, ok := f.c.constOf(e); ok {
		f.constant(k)
		return
	}
	op, ok := binOps[e.Op]
	if !ok {
		f.c.errorf(e.P, "internal error: unknown operator %s", e.Op)
	}
	f.expr(e.X)
	f.expr(e.Y)
	f.pos = e.P
	f.emit(op, 0, -1)
}

func (f *fcomp) call(e *parser.Call) {
	n := len(e.Args) // arguments on the stack: with a spread, the fixed ones and the list
	fixed := n
	if e.Spread {
		fixed--
	}
	if fld, ok := e.Fn.(*parser.Field); ok {
		f.expr(fld.X)
		for _, a := range e.Args {
			f.expr(a)
		}
		f.pos = e.P
		if fixed > 255 {
			f.c.errorf(e.P, "too many arguments in a method call (at most 255)")
		}
		name := f.nameIndex(fld.Name)
		if name > 0xffff {
			f.c.errorf(e.P, "function too large to compile (too many names)")
		}
		if e.Spread {
			f.emit(CALLMETHODSPREAD, fixed|name<<8, -n)
		} else {
			f.emit(CALLMETHOD, n|name<<8, -n)
		}
		return
	}
	f.expr(e.Fn)
	for _, a := range e.Args {
		f.expr(a)
	}
	f.pos = e.P
	if e.Spread {
		f.emit(CALLSPREAD, fixed, -n)
	} else {
		f.emit(CALL, n, -n)
	}
}

func (f *fcomp) funcLit(fl *parser.FuncLit, name string) {
	idx := f.compileFunc(fl, name)
	f.pos = fl.P
	f.emit(FUNC, idx, 1)
}

// compileFunc compiles a nested function and returns its constant index.
func (f *fcomp) compileFunc(fl *parser.FuncLit, name string) int {
	if name == "" {
		name = "<fn>"
	}
	g := f.c.newFunc(f, name, fl.P)
	if len(fl.Params) > 255 {
		f.c.errorf(fl.P, "too many parameters (at most 255)")
	}
	seen := map[string]bool{}
	for _, p := range fl.Params {
		if seen[p.Name] {
			f.c.errorf(p.P, "duplicate parameter %s", p.Name)
		}
		seen[p.Name] = true
		b := g.declareLocal(p.Name)
		b.isParam = true
	}
	g.code.NumParams = len(fl.Params)
	g.code.NumRequired = len(fl.Params)
	if n := len(fl.Params); n > 0 && fl.Params[n-1].Rest {
		g.code.Variadic = true
		g.code.NumRequired = n - 1
	}
	for i, p := range fl.Params {
		if p.Default == nil {
			continue
		}
		if g.code.NumRequired > i {
			g.code.NumRequired = i
		}
		g.pos = p.P
		j := g.emit(ISSET, i, 0)
		g.expr(p.Default)
		g.pos = p.P
		g.store(p.Name, p.P)
		g.patch(j)
	}
	g.pushBlock()
	g.stmts(fl.Body)
	g.popBlock()
	g.pos = fl.End
	if g.pos.Line == 0 {
		g.pos = fl.P
	}
	g.emit(RETURNNIL, 0, 0)
	g.finish()
	return f.constIndex(g.code)
}

// ---- constant folding ----

// constOf is the value of e if it is a constant expression. Results for operator
// nodes are memoized: each node of a long chain such as a + b + c + ... asks
// about its operands, which would otherwise take time quadratic in its length.
func (c *compiler) constOf(e parser.Expr) (any, bool) {
	switch e.(type) {
	case *parser.Unary, *parser.Binary:
		if r, ok := c.folds[e]; ok {
			return r.v, r.ok
		}
		if c.folds == nil {
			c.folds = map[parser.Expr]folded{}
		}
		var r folded
		if u, ok := e.(*parser.Unary); ok {
			r.v, r.ok = c.foldUnary(u)
		} else {
			r.v, r.ok = c.foldBinary(e.(*parser.Binary))
		}
		c.folds[e] = r
		return r.v, r.ok
	}
	return literalOf(e)
}

// literalOf is the value of a literal.
func literalOf(e parser.Expr) (any, bool) {
	switch e := e.(type) {
	case *parser.IntLit:
		return e.Value, true
	case *parser.FloatLit:
		return e.Value, true
	case *parser.StringLit:
		return e.Value, true
	case *parser.BoolLit:
		return e.Value, true
	}
	return nil, false
}

func (c *compiler) foldUnary(e *parser.Unary) (any, bool) {
	x, ok := c.constOf(e.X)
	if !ok {
		return nil, false
	}
	switch e.Op {
	case "-":
		switch x := x.(type) {
		case int64:
			return -x, true
		case float64:
			return -x, true
		}
	case "not":
		switch x := x.(type) {
		case bool:
			return !x, true
		case int64:
			return x == 0, true
		case string:
			return x == "", true
		case float64:
			return x == 0, true
		}
	}
	return nil, false
}

// foldBinary folds arithmetic on number and string literals. It never folds an
// operation that would throw, so the error happens at run time with its traceback.
func (c *compiler) foldBinary(e *parser.Binary) (any, bool) {
	if e.Op == "and" || e.Op == "or" {
		return nil, false
	}
	x, ok := c.constOf(e.X)
	if !ok {
		return nil, false
	}
	y, ok := c.constOf(e.Y)
	if !ok {
		return nil, false
	}
	switch x := x.(type) {
	case int64:
		switch y := y.(type) {
		case int64:
			return foldInt(e.Op, x, y)
		case float64:
			return foldFloat(e.Op, float64(x), y)
		}
	case float64:
		switch y := y.(type) {
		case int64:
			return foldFloat(e.Op, x, float64(y))
		case float64:
			return foldFloat(e.Op, x, y)
		}
	case string:
		if y, ok := y.(string); ok && e.Op == "+" {
			return x + y, true
		}
	}
	return nil, false
}

func foldInt(op string, x, y int64) (any, bool) {
	switch op {
	case "+":
		return x + y, true
	case "-":
		return x - y, true
	case "*":
		return x * y, true
	case "//":
		if y == 0 {
			return nil, false
		}
		return FloorDiv(x, y), true
	case "%":
		if y == 0 {
			return nil, false
		}
		return FloorMod(x, y), true
	case "/":
		if y == 0 {
			return nil, false
		}
		return TrueDiv(x, y), true
	case "**":
		if y >= 0 {
			return IntPow(x, y), true
		}
		return foldFloat(op, float64(x), float64(y))
	}
	return nil, false
}

func foldFloat(op string, x, y float64) (any, bool) {
	switch op {
	case "+":
		return x + y, true
	case "-":
		return x - y, true
	case "*":
		return x * y, true
	case "/":
		if y == 0 {
			return nil, false
		}
		return x / y, true
	case "**":
		if r, e := FloatPow(x, y); e == PowOK {
			return r, true
		}
	}
	return nil, false
}

// FloorDiv is integer division rounding toward negative infinity (y != 0).
func FloorDiv(x, y int64) int64 {
	if y == -1 {
		return -x // wraps for the smallest int, as every int op does
	}
	q := x / y
	if (x%y != 0) && ((x < 0) != (y < 0)) {
		q--
	}
	return q
}

// FloorMod is the remainder with the sign of the divisor (y != 0).
func FloorMod(x, y int64) int64 {
	if y == -1 {
		return 0
	}
	r := x % y
	if r != 0 && ((r < 0) != (y < 0)) {
		r += y
	}
	return r
}
