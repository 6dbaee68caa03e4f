package compile

import (
	"fmt"
	"slices"

	"github.com/yieldscript/yieldscript/lang/parser"
)

// The resolve pass runs over the whole file before any code is generated. It
// binds every name to the variable it means and decides where each variable
// lives, so that code generation emits the final instruction for every access
// at once:
//
//   - a local lives in a numbered slot of its function's frame;
//   - a cell is a local that a nested function captures: its slot holds a
//     heap cell, made each time its declaration runs (NEWCELL);
//   - a free variable is a cell the closure copied from an enclosing function
//     when it was made (FREE, SETFREE);
//   - a global is a module global: a top-level let, fn or import;
//   - a builtin is one of Env.Builtins.
//
// Scoping is lexical and by block, and a name is visible from its declaration
// to the end of its block: unlike Python, a use can be resolved the moment it
// is met, so one walk in source order suffices. Top-level declarations are the
// exception: they are module globals, declared before the walk, so every
// function sees every global whatever the order. The walk also makes the
// checks that need no code: undefined names, assignments to builtins,
// duplicate parameters, break, continue and return out of place, targets that
// cannot be assigned.

// Scope is where a variable lives.
type Scope uint8

const (
	Local   Scope = iota // a slot of the frame
	Cell                 // a slot of the frame holding a cell: a closure captures the variable
	Free                 // a cell captured by the closure
	Global               // a module global
	Builtin              // a builtin of the machine
)

// binding is one variable, or a function's view of one: a function that
// captures a variable of an enclosing function has a Free binding of its own
// for it.
type binding struct {
	name  string
	scope Scope
	index int // the slot (Local, Cell), or the index among Free, globals or builtins

	owner   *funcInfo // the function whose frame holds a Local or Cell
	isParam bool
	// cellFirst marks a local function that its own body captures (it calls
	// itself): its cell must exist before the closure is made.
	cellFirst bool
	// For the dead-result analysis (deadresult.go): the variable is assigned
	// somewhere other than its declaration; how often it is read, and how
	// many of those reads are ones the analysis accepts.
	assigned     bool
	uses, okUses int32
	// sendConn is the receiver of the sends the variable is an argument of
	// (`yield c.sendall(x)`); mixedSend: of more than one receiver.
	sendConn  *binding
	mixedSend bool
}

// funcInfo is what the resolver found out about one function.
type funcInfo struct {
	parent     *funcInfo
	top        bool       // the file's main function
	locals     []*binding // by slot
	free       []FreeVar  // the captured variables, in the order of FREE operands
	freeOf     map[*binding]*binding
	cellParams []int
	// decls and funcs are for code generation: the variables of the
	// declarations written as strings in the AST, and the functions nested
	// right inside this one. (Maps per function stay small; one map for the
	// file grew to thousands of entries, and growing it took much of the
	// pass's time.)
	decls map[declKey]*binding
	funcs map[*parser.FuncLit]*funcInfo
	// recvSites are the `let x = yield c.recv(n)` statements of the
	// function, and deadSlots the call of each one the dead-result analysis
	// accepted, with x's slot (deadresult.go).
	recvSites []recvSite
	deadSlots map[*parser.Call]int

	block *rblock // the innermost block while the walk is inside the function
}

// rblock is a block of declarations.
type rblock struct {
	names  map[string]*binding
	parent *rblock
}

// declKey names a declaration written as a string in the AST: the name of a
// let, fn or import statement (i = 0), a for statement's first and second
// variable (0, 1) or a catch clause's variable (0).
type declKey struct {
	node parser.Node
	i    int
}

// setDecl records the variable of a declaration written as a string.
func (r *resolver) setDecl(n parser.Node, i int, b *binding) {
	if r.fn.decls == nil {
		r.fn.decls = map[declKey]*binding{}
	}
	r.fn.decls[declKey{n, i}] = b
}

// resolution is the result of the resolve pass, which code generation reads.
type resolution struct {
	globals     map[string]*binding
	builtins    map[string]*binding
	main        *funcInfo
	globalNames []string
}

type resolver struct {
	resolution
	file  string
	fn    *funcInfo
	loops int // loops around the walk in the current function
	// unset are the parameters not yet set while a default is resolved
	// (that default's own and the later ones, of its function and of the
	// functions around it whose default is being resolved): using one there,
	// or in a function made there (which may be called at once), would read
	// an unset slot.
	unset []*binding
}

// resolveFile resolves f. It panics with a *parser.Error for a wrong program.
func resolveFile(f *parser.File, env *Env) *resolution {
	r := &resolver{
		resolution: resolution{
			globals:  map[string]*binding{},
			builtins: map[string]*binding{},
		},
		file: f.Name,
	}
	for _, name := range env.Globals {
		r.declareGlobal(name)
	}
	for i, name := range env.Builtins {
		r.builtins[name] = &binding{name: name, scope: Builtin, index: i}
	}
	// Top-level declarations are module globals, visible from every function
	// body in the file, whatever their order.
	for _, s := range f.Stmts {
		switch s := s.(type) {
		case *parser.LetStmt:
			r.declareGlobal(s.Name)
		case *parser.MultiAssign:
			if s.Let {
				for _, t := range s.Targets {
					r.declareGlobal(t.(*parser.Ident).Name)
				}
			}
		case *parser.FnStmt:
			r.declareGlobal(s.Func.Name)
		case *parser.ImportStmt:
			r.declareGlobal(s.Alias)
		}
	}
	r.main = &funcInfo{top: true, block: &rblock{}}
	r.fn = r.main
	r.stmts(f.Stmts)
	r.main.markDeadResults()
	return &r.resolution
}

func (r *resolver) errorf(p parser.Pos, format string, args ...any) {
	panic(&parser.Error{File: r.file, Pos: p, Msg: fmt.Sprintf(format, args...)})
}

func (r *resolver) declareGlobal(name string) *binding {
	if b, ok := r.globals[name]; ok {
		return b
	}
	b := &binding{name: name, scope: Global, index: len(r.globalNames)}
	r.globals[name] = b
	r.globalNames = append(r.globalNames, name)
	return b
}

func (r *resolver) pushBlock() {
	r.fn.block = &rblock{parent: r.fn.block}
}

func (r *resolver) popBlock() { r.fn.block = r.fn.block.parent }

// declare declares name in the current block: a module global at the top
// level of the file, else a new local of the function.
func (r *resolver) declare(name string) *binding {
	if r.fn.top && r.fn.block.parent == nil {
		return r.declareGlobal(name)
	}
	return r.declareLocal(name)
}

func (r *resolver) declareLocal(name string) *binding {
	fn := r.fn
	b := &binding{name: name, scope: Local, index: len(fn.locals), owner: fn}
	fn.locals = append(fn.locals, b)
	if fn.block.names == nil {
		fn.block.names = map[string]*binding{}
	}
	fn.block.names[name] = b
	return b
}

// lookupLocal finds name among the declarations of fn visible from its
// current block.
func (fn *funcInfo) lookupLocal(name string) *binding {
	for s := fn.block; s != nil; s = s.parent {
		if b, ok := s.names[name]; ok {
			return b
		}
	}
	return nil
}

// lookup finds what id's name refers to from the current function: a local, a
// free variable (captured through every function in between), a global or a
// builtin; nil when nothing declares it.
func (r *resolver) lookup(id *parser.Ident) *binding {
	name := id.Name
	if b := r.fn.lookupLocal(name); b != nil {
		r.checkSet(b, id)
		return b
	}
	for outer := r.fn.parent; outer != nil; outer = outer.parent {
		if b := outer.lookupLocal(name); b != nil {
			r.checkSet(b, id)
			return r.freeOf(r.fn, b)
		}
	}
	if b, ok := r.globals[name]; ok {
		return b
	}
	return r.builtins[name]
}

// checkSet reports a parameter used in a default (or in a function made
// there) that is not set when the default runs: its own or a later one.
func (r *resolver) checkSet(b *binding, id *parser.Ident) {
	if slices.Contains(r.unset, b) {
		r.errorf(id.P, "%s is used before it is set (a default may use only earlier parameters)", id.Name)
	}
}

// freeOf is fn's Free binding for b, a local of an enclosing function. The
// first capture makes b a cell and adds it to the free variables of fn and of
// every function between fn and b's owner.
func (r *resolver) freeOf(fn *funcInfo, b *binding) *binding {
	if fb, ok := fn.freeOf[b]; ok {
		return fb
	}
	var fv FreeVar
	if fn.parent == b.owner {
		if b.scope == Local {
			b.scope = Cell
			if b.isParam {
				b.owner.cellParams = append(b.owner.cellParams, b.index)
			}
		}
		fv = FreeVar{Name: b.name, FromLocal: true, Index: b.index}
	} else {
		fv = FreeVar{Name: b.name, FromLocal: false, Index: r.freeOf(fn.parent, b).index}
	}
	fb := &binding{name: b.name, scope: Free, index: len(fn.free)}
	fn.free = append(fn.free, fv)
	if fn.freeOf == nil {
		fn.freeOf = map[*binding]*binding{}
	}
	fn.freeOf[b] = fb
	return fb
}

// use resolves a name that is read.
func (r *resolver) use(id *parser.Ident) {
	b := r.lookup(id)
	if b == nil {
		r.errorf(id.P, "undefined: %s", id.Name)
	}
	b.uses++
	r.bind(id, b)
}

// bind records the variable of a name in the name's Binding, for code
// generation. (A map from names to bindings costs more than the rest of the
// pass: growing it is most of the time the pass takes.)
func (r *resolver) bind(id *parser.Ident, b *binding) { id.Binding = b }

// binding is the variable the resolver bound to id.
func (res *resolution) binding(id *parser.Ident) *binding { return id.Binding.(*binding) }

// assign resolves a name that is assigned.
func (r *resolver) assign(id *parser.Ident) {
	b := r.lookup(id)
	if b != nil && b.scope == Builtin {
		r.errorf(id.P, "cannot assign to builtin %s; declare a variable with let %s", id.Name, id.Name)
	}
	if b == nil {
		r.errorf(id.P, "undefined: %s", id.Name)
	}
	b.assigned = true
	r.bind(id, b)
}

// ---- statements ----

func (r *resolver) stmts(list []parser.Stmt) {
	for _, s := range list {
		r.stmt(s)
	}
}

func (r *resolver) block(list []parser.Stmt) {
	r.pushBlock()
	r.stmts(list)
	r.popBlock()
}

func (r *resolver) stmt(s parser.Stmt) {
	switch s := s.(type) {
	case *parser.LetStmt:
		if s.Value != nil {
			r.expr(s.Value)
			okSend(s.Value)
		}
		b := r.declare(s.Name)
		r.setDecl(s, 0, b)
		r.recvSite(s, b)
	case *parser.FnStmt:
		if r.fn.top && r.fn.block.parent == nil {
			r.setDecl(s, 0, r.declareGlobal(s.Func.Name))
			r.funcLit(s.Func)
			return
		}
		b := r.declareLocal(s.Func.Name)
		r.setDecl(s, 0, b)
		r.funcLit(s.Func)
		b.cellFirst = b.scope == Cell
	case *parser.AssignStmt:
		switch t := s.Target.(type) {
		case *parser.Ident:
			if s.Op != "=" {
				r.use(t)
			}
			r.expr(s.Value)
			r.assign(t)
		case *parser.Index, *parser.Field:
			r.expr(t)
			r.expr(s.Value)
		default:
			r.errorf(s.P, "cannot assign to this expression")
		}
		if s.Op == "=" {
			okSend(s.Value)
		}
	case *parser.MultiAssign:
		for _, v := range s.Values {
			r.expr(v)
		}
		for _, t := range s.Targets {
			switch t := t.(type) {
			case *parser.Ident:
				if s.Let {
					r.bind(t, r.declare(t.Name))
				} else {
					r.assign(t)
				}
			case *parser.Index, *parser.Field:
				r.expr(t) // the object and the index
			default:
				r.errorf(t.Position(), "cannot assign to this expression")
			}
		}
	case *parser.ExprStmt:
		r.expr(s.X)
		okSend(s.X)
	case *parser.IfStmt:
		r.expr(s.Cond)
		okTest(s.Cond)
		r.block(s.Then)
		if s.Else != nil {
			r.block(s.Else)
		}
	case *parser.WhileStmt:
		r.expr(s.Cond)
		okTest(s.Cond)
		r.loops++
		r.block(s.Body)
		r.loops--
	case *parser.ForStmt:
		r.expr(s.Iter)
		r.loops++
		r.pushBlock()
		if s.Second != "" {
			r.setDecl(s, 1, r.declareLocal(s.Second))
		}
		r.setDecl(s, 0, r.declareLocal(s.First))
		r.stmts(s.Body)
		r.popBlock()
		r.loops--
	case *parser.BreakStmt:
		if r.loops == 0 {
			r.errorf(s.P, "break outside loop")
		}
	case *parser.ContinueStmt:
		if r.loops == 0 {
			r.errorf(s.P, "continue outside loop")
		}
	case *parser.ReturnStmt:
		if r.fn.top {
			r.errorf(s.P, "return outside function")
		}
		if s.Value != nil {
			r.expr(s.Value)
		}
	case *parser.ThrowStmt:
		r.expr(s.Value)
	case *parser.TryStmt:
		r.block(s.Body)
		if s.HasCatch {
			r.pushBlock()
			if s.CatchName != "" {
				r.setDecl(s, 0, r.declareLocal(s.CatchName))
			}
			r.stmts(s.Catch)
			r.popBlock()
		}
		if s.HasFinally {
			r.block(s.Finally)
		}
	case *parser.ImportStmt:
		r.setDecl(s, 0, r.declare(s.Alias))
	default:
		r.errorf(s.Position(), "internal error: unknown statement %T", s)
	}
}

// ---- expressions ----

func (r *resolver) expr(e parser.Expr) {
	switch e := e.(type) {
	case *parser.Ident:
		r.use(e)
	case *parser.NilLit, *parser.BoolLit, *parser.IntLit, *parser.FloatLit, *parser.StringLit:
	case *parser.FString:
		for _, p := range e.Parts {
			r.expr(p)
		}
	case *parser.FormatField:
		r.expr(e.X)
		if e.Spec != nil {
			r.expr(e.Spec)
		}
	case *parser.ListLit:
		for _, x := range e.Elems {
			r.expr(x)
		}
	case *parser.MapLit:
		for _, en := range e.Entries {
			r.expr(en.Key)
			r.expr(en.Value)
		}
	case *parser.FuncLit:
		r.funcLit(e)
	case *parser.Unary:
		r.expr(e.X)
		if e.Op == "not" {
			okTest(e.X)
		}
	case *parser.Binary:
		r.expr(e.X)
		r.expr(e.Y)
	case *parser.Call:
		fld, method := e.Fn.(*parser.Field)
		if method {
			r.expr(fld.X)
		} else {
			r.expr(e.Fn)
		}
		for _, a := range e.Args {
			r.expr(a)
		}
		fixed := len(e.Args)
		if e.Spread {
			fixed--
		}
		if method && fixed > 255 {
			r.errorf(e.P, "too many arguments in a method call (at most 255)")
		}
		okLen(e)
	case *parser.CondExpr:
		r.expr(e.Cond)
		r.expr(e.Then)
		r.expr(e.Else)
	case *parser.Index:
		r.expr(e.X)
		r.expr(e.Index)
	case *parser.Slice:
		r.expr(e.X)
		for _, x := range []parser.Expr{e.Lo, e.Hi, e.Step} {
			if x != nil {
				r.expr(x)
			}
		}
	case *parser.Field:
		r.expr(e.X)
	case *parser.Yield:
		if e.X != nil {
			r.expr(e.X)
		}
	default:
		r.errorf(e.Position(), "internal error: unknown expression %T", e)
	}
}

// funcLit resolves a function literal: its parameters, their defaults (which
// see every parameter) and its body, in a new function.
func (r *resolver) funcLit(fl *parser.FuncLit) {
	g := &funcInfo{parent: r.fn, block: &rblock{}}
	if r.fn.funcs == nil {
		r.fn.funcs = map[*parser.FuncLit]*funcInfo{}
	}
	r.fn.funcs[fl] = g
	if len(fl.Params) > 255 {
		r.errorf(fl.P, "too many parameters (at most 255)")
	}
	outer, loops := r.fn, r.loops
	r.fn, r.loops = g, 0
	seen := map[string]bool{}
	params := make([]*binding, 0, len(fl.Params))
	for _, p := range fl.Params {
		if seen[p.Name] {
			r.errorf(p.P, "duplicate parameter %s", p.Name)
		}
		seen[p.Name] = true
		b := r.declareLocal(p.Name)
		b.isParam = true
		if !p.Rest { // a rest parameter is set before any default runs
			params = append(params, b)
		}
	}
	outerUnset := r.unset
	for i, p := range fl.Params {
		if p.Default != nil {
			// The defaults run in order, each when its parameter was left
			// out: this one and the later ones are unset then.
			r.unset = append(outerUnset[:len(outerUnset):len(outerUnset)], params[i:]...)
			r.expr(p.Default)
		}
	}
	r.unset = outerUnset
	r.block(fl.Body)
	g.markDeadResults()
	r.fn, r.loops, r.unset = outer, loops, outerUnset
}
