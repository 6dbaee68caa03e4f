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
//
// Compiling is two passes over the AST: the resolve pass (resolve.go) binds
// every name and decides which variables are cells, then code generation
// (stmt.go, expr.go, with constant folding in fold.go) emits each function's
// code, and the peephole pass (peephole.go) fuses superinstructions into it.
func Compile(f *parser.File, env *Env) (prog *Program, err error) {
	if env == nil {
		env = &Env{}
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
	res := resolveFile(f, env)
	c := &compiler{file: f.Name, res: res}
	name := env.MainName
	if name == "" {
		name = "<main>"
	}
	fc := c.newFunc(res.main, name, parser.Pos{Line: 1, Col: 1})
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
	return &Program{File: f.Name, Main: fc.code, Globals: res.globalNames}, nil
}

type compiler struct {
	file  string
	res   *resolution
	folds map[parser.Expr]folded // constOf results of operator nodes
}

// folded is a memoized constOf result.
type folded struct {
	v  any
	ok bool
}

func (c *compiler) errorf(p parser.Pos, format string, args ...any) {
	panic(&parser.Error{File: c.file, Pos: p, Msg: fmt.Sprintf(format, args...)})
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
	info   *funcInfo // what the resolver found: locals, cells, free variables
	code   *Funcode
	depth  int
	loops  []*loopCtx
	tries  []*tryCtx
	pos    parser.Pos
	consts map[constKey]int
	names  map[string]int
	// deadNames are the Names entries of the calls the dead-result analysis
	// marked, with the slot of each one's variable (deadresult.go).
	deadNames [][2]int
}

func (c *compiler) newFunc(info *funcInfo, name string, p parser.Pos) *fcomp {
	code := &Funcode{Name: name, File: c.file, Pos: p, Free: info.free, CellParams: info.cellParams}
	for _, b := range info.locals {
		code.LocalNames = append(code.LocalNames, b.name)
	}
	return &fcomp{
		c:      c,
		info:   info,
		code:   code,
		pos:    p,
		consts: map[constKey]int{},
		names:  map[string]int{},
	}
}

func (f *fcomp) finish() {
	f.code.NumLocals = len(f.code.LocalNames)
	if len(f.deadNames) > 0 {
		f.code.Reuse = make([]int32, len(f.code.Names))
		for _, d := range f.deadNames {
			f.code.Reuse[d[0]] = int32(d[1] + 1)
		}
	}
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

// deadResultName gives a call the dead-result analysis marked a Names entry
// of its own, name again, whose Reuse is the variable's slot.
func (f *fcomp) deadResultName(name string, slot int) int {
	f.code.Names = append(f.code.Names, name)
	i := len(f.code.Names) - 1
	f.deadNames = append(f.deadNames, [2]int{i, slot})
	return i
}

// ---- variables ----

// scopeOps are the instructions that read a variable of each scope, assign
// to it, and store the value of its declaration (NOP where there is none: a
// builtin cannot be assigned, and free variables and builtins are never
// declared by the function that uses them). A captured local's declaration
// makes a new cell each time it runs, so that closures made in a loop each
// see their own iteration's variable.
var scopeOps = [...]struct{ load, store, declare Op }{
	Local:   {LOCAL, SETLOCAL, SETLOCAL},
	Cell:    {CELL, SETCELL, NEWCELL},
	Free:    {FREE, SETFREE, NOP},
	Global:  {GLOBAL, PUTGLOBAL, SETGLOBAL},
	Builtin: {BUILTIN, NOP, NOP},
}

// load pushes the variable the resolver bound to id.
func (f *fcomp) load(id *parser.Ident) {
	b := f.c.res.binding(id)
	f.emit(scopeOps[b.scope].load, b.index)
}

// store assigns the value on top of the stack to an existing variable.
func (f *fcomp) store(b *binding) { f.emit(scopeOps[b.scope].store, b.index) }

// declare stores the value on top of the stack in the variable a declaration
// makes.
func (f *fcomp) declare(b *binding) { f.emit(scopeOps[b.scope].declare, b.index) }

// decl is the variable of a declaration written as a string in the AST.
func (f *fcomp) decl(n parser.Node, i int) *binding { return f.info.decls[declKey{n, i}] }
