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
		fc.emit(RETURN, 0)
	} else {
		fc.emit(RETURNNIL, 0)
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

// emit appends an instruction and returns its index. It follows the operand
// stack's depth by the op's effect in Ops.
func (f *fcomp) emit(op Op, arg int) int {
	if arg < 0 || arg > MaxArg {
		if op != SMALLINT {
			f.c.errorf(f.pos, "function too large to compile (operand %d of %s)", arg, op)
		}
	}
	f.code.Code = append(f.code.Code, Instr(op, arg&MaxArg))
	f.code.Lines = append(f.code.Lines, f.pos)
	pop, push := op.Stack(arg)
	if fl := op.Info().Flow; fl == FlowJump || fl == FlowStop {
		push = 0 // the code after it starts without what it took
	}
	f.depth += push - pop
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
			f.emit(CELL, i)
		} else {
			b.uses = append(b.uses, f.emit(LOCAL, i))
		}
	case refFree:
		f.emit(FREE, i)
	case refGlobal:
		f.emit(GLOBAL, i)
	case refBuiltin:
		f.emit(BUILTIN, i)
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
			f.emit(SETCELL, i)
		} else {
			b.uses = append(b.uses, f.emit(SETLOCAL, i))
		}
	case refFree:
		f.emit(SETFREE, i)
	case refGlobal:
		f.emit(PUTGLOBAL, i)
	}
}

// declareAndStore declares name in the current block and stores the value on top
// of the stack in it.
func (f *fcomp) declareAndStore(name string) {
	if f.atGlobalLevel() {
		f.emit(SETGLOBAL, f.c.declareGlobal(name))
		return
	}
	b := f.declareLocal(name)
	b.decls = append(b.decls, f.emit(SETLOCAL, b.slot))
}
