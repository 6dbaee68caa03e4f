package compile

import "github.com/yieldscript/yieldscript/lang/parser"

// Code generation for expressions.

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
		f.load(e)
	case *parser.NilLit:
		f.emit(NIL, 0)
	case *parser.BoolLit:
		if e.Value {
			f.emit(TRUE, 0)
		} else {
			f.emit(FALSE, 0)
		}
	case *parser.IntLit:
		f.intConst(e.Value)
	case *parser.FloatLit:
		f.emit(CONST, f.constIndex(e.Value))
	case *parser.StringLit:
		f.emit(CONST, f.constIndex(e.Value))
	case *parser.FString:
		for _, p := range e.Parts {
			f.expr(p)
		}
		f.pos = e.P
		if len(e.Parts) == 0 {
			f.emit(CONST, f.constIndex(""))
		} else {
			f.emit(FSTRING, len(e.Parts))
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
		f.emit(FORMAT, flags)
	case *parser.ListLit:
		for _, x := range e.Elems {
			f.expr(x)
		}
		f.pos = e.P
		f.emit(LIST, len(e.Elems))
	case *parser.MapLit:
		for _, en := range e.Entries {
			f.expr(en.Key)
			f.expr(en.Value)
		}
		f.pos = e.P
		f.emit(MAP, len(e.Entries))
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
			f.emit(NEG, 0)
		} else {
			f.emit(NOT, 0)
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
		end := f.emit(JUMP, 0)
		f.depth-- // the else branch starts without the then branch's value
		f.patch(jf)
		f.expr(e.Else)
		f.patch(end)
	case *parser.Index:
		f.expr(e.X)
		f.expr(e.Index)
		f.pos = e.P
		f.emit(INDEX, 0)
	case *parser.Slice:
		f.expr(e.X)
		flags := 0 // bit i: the i-th of lo, hi, step is present
		for i, x := range [...]parser.Expr{e.Lo, e.Hi, e.Step} {
			if x != nil {
				f.expr(x)
				flags |= 1 << i
			}
		}
		f.pos = e.P
		f.emit(SLICE, flags)
	case *parser.Field:
		f.expr(e.X)
		f.pos = e.P
		f.emit(FIELD, f.nameIndex(e.Name))
	case *parser.Yield:
		f.markYield()
		if e.X == nil {
			f.emit(YIELD, 1)
			return
		}
		f.expr(e.X)
		f.pos = e.P
		f.emit(YIELD, 0)
	default:
		f.c.errorf(e.Position(), "internal error: unknown expression %T", e)
	}
}

func (f *fcomp) markYield() {
	if !f.info.top {
		f.code.Coroutine = true
	}
}

func (f *fcomp) intConst(v int64) {
	if v >= -(1<<23) && v < 1<<23 {
		f.emit(SMALLINT, int(v))
		return
	}
	f.emit(CONST, f.constIndex(v))
}

func (f *fcomp) constant(k any) {
	switch k := k.(type) {
	case int64:
		f.intConst(k)
	case bool:
		if k {
			f.emit(TRUE, 0)
		} else {
			f.emit(FALSE, 0)
		}
	default:
		f.emit(CONST, f.constIndex(k))
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
			j = f.emit(ANDJUMP, 0)
		} else {
			j = f.emit(ORJUMP, 0)
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
	f.emit(op, 0)
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
		var name int
		if slot, ok := f.info.deadSlots[e]; ok {
			name = f.deadResultName(fld.Name, slot)
		} else {
			name = f.nameIndex(fld.Name)
		}
		if name > 0xffff {
			f.c.errorf(e.P, "function too large to compile (too many names)")
		}
		if e.Spread {
			f.emit(CALLMETHODSPREAD, fixed|name<<8)
		} else {
			f.emit(CALLMETHOD, n|name<<8)
		}
		return
	}
	f.expr(e.Fn)
	for _, a := range e.Args {
		f.expr(a)
	}
	f.pos = e.P
	if e.Spread {
		f.emit(CALLSPREAD, fixed)
	} else {
		f.emit(CALL, n)
	}
}

func (f *fcomp) funcLit(fl *parser.FuncLit, name string) {
	idx := f.compileFunc(fl, name)
	f.pos = fl.P
	f.emit(FUNC, idx)
}

// compileFunc compiles a nested function and returns its constant index.
func (f *fcomp) compileFunc(fl *parser.FuncLit, name string) int {
	if name == "" {
		name = "<fn>"
	}
	g := f.c.newFunc(f.info.funcs[fl], name, fl.P)
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
		j := g.emit(ISSET, i)
		g.expr(p.Default)
		g.pos = p.P
		g.store(g.info.locals[i])
		g.patch(j)
	}
	g.stmts(fl.Body)
	g.pos = fl.End
	if g.pos.Line == 0 {
		g.pos = fl.P
	}
	g.emit(RETURNNIL, 0)
	g.finish()
	return f.constIndex(g.code)
}
