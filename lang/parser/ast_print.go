package parser

import (
	"strconv"
	"strings"
)

// Dump renders an AST node as an S-expression, for tests and debugging:
//
//	x                      Ident
//	nil true 42 1.5 "s"    literals (strings Go-quoted; floats always show a "." or an exponent)
//	(fstr "a" x)           FString
//	(field x r ">8")       FormatField: the conversion ("_" for none), then the spec if any
//	(list 1 2)             ListLit
//	(map ("k" 1))          MapLit
//	(fn (a (b 1)) {...})   FuncLit; (fn NAME ...) when it has a name
//	(- x) (not x)          Unary
//	(+ x y) (not-in x y)   Binary
//	(call f a b)           Call
//	(ifx c a b)            CondExpr (a if c else b)
//	(index x i)            Index
//	(slice x lo hi)        Slice; "_" for a missing bound; (slice x lo hi step) with a step
//	(. x name)             Field
//	(yield x) (yield)      Yield
//	{s1 s2}                a block of statements
//	(let x 1) (let x)      LetStmt
//	(fn NAME (params) {})  FnStmt
//	(= x 1) (+= x 1)       AssignStmt
//	(= (a b) (v)) (let (a b) (1 2))   MultiAssign
//	(call f a *b)          Call with a spread last argument; *rest for a rest parameter
//	(if c {..} {..})       IfStmt; the else block is left out when absent
//	(while c {..})         WhileStmt
//	(for x xs {..}) (for (k v) m {..})
//	(break) (continue) (return) (return x) (throw x)
//	(try {..} (catch e {..}) (finally {..}))   "catch {..}" when unnamed
//	(import net) (import net as n) (import "./u.ys" as u)
//
// An expression statement is shown as its expression.
func Dump(n Node) string {
	var b strings.Builder
	dump(&b, n)
	return b.String()
}

// DumpFile renders a file's statements with Dump, one per line.
func DumpFile(f *File) string {
	var b strings.Builder
	for i, s := range f.Stmts {
		if i > 0 {
			b.WriteByte('\n')
		}
		dump(&b, s)
	}
	return b.String()
}

func dumpBlock(b *strings.Builder, stmts []Stmt) {
	b.WriteByte('{')
	dumpSpaced(b, stmts)
	b.WriteByte('}')
}

// dumpSpaced writes the nodes with a space between two.
func dumpSpaced[T Node](b *strings.Builder, xs []T) {
	for i, x := range xs {
		if i > 0 {
			b.WriteByte(' ')
		}
		dump(b, x)
	}
}

func dumpList(b *strings.Builder, head string, xs ...Node) {
	dumpSeq(b, head, xs)
}

// dumpSeq writes (head x1 x2 ...).
func dumpSeq[T Node](b *strings.Builder, head string, xs []T) {
	b.WriteByte('(')
	b.WriteString(head)
	for _, x := range xs {
		b.WriteByte(' ')
		dump(b, x)
	}
	b.WriteByte(')')
}

// dumpHeadBlock writes (head x {body}, and leaves the list open for what
// else the statement has.
func dumpHeadBlock(b *strings.Builder, head string, x Expr, body []Stmt) {
	b.WriteString("(" + head + " ")
	dump(b, x)
	b.WriteByte(' ')
	dumpBlock(b, body)
}

// dumpOpt writes (head x), or (head) when x is nil.
func dumpOpt(b *strings.Builder, head string, x Expr) {
	if x == nil {
		dumpList(b, head)
		return
	}
	dumpList(b, head, x)
}

func formatFloat(v float64) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eIN") {
		s += ".0"
	}
	return s
}

func dumpParams(b *strings.Builder, params []Param) {
	b.WriteByte('(')
	for i, p := range params {
		if i > 0 {
			b.WriteByte(' ')
		}
		if p.Rest {
			b.WriteString("*" + p.Name)
		} else if p.Default == nil {
			b.WriteString(p.Name)
		} else {
			b.WriteString("(" + p.Name + " ")
			dump(b, p.Default)
			b.WriteByte(')')
		}
	}
	b.WriteByte(')')
}

func dumpFunc(b *strings.Builder, f *FuncLit) {
	b.WriteString("(fn ")
	if f.Name != "" {
		b.WriteString(f.Name + " ")
	}
	dumpParams(b, f.Params)
	b.WriteByte(' ')
	dumpBlock(b, f.Body)
	b.WriteByte(')')
}

func dump(b *strings.Builder, n Node) {
	switch n := n.(type) {
	case nil:
		b.WriteString("<nil>")
	case *Ident:
		b.WriteString(n.Name)
	case *NilLit:
		b.WriteString("nil")
	case *BoolLit:
		b.WriteString(strconv.FormatBool(n.Value))
	case *IntLit:
		b.WriteString(strconv.FormatInt(n.Value, 10))
	case *FloatLit:
		b.WriteString(formatFloat(n.Value))
	case *StringLit:
		b.WriteString(strconv.Quote(n.Value))
	case *FString:
		dumpSeq(b, "fstr", n.Parts)
	case *FormatField:
		b.WriteString("(field ")
		dump(b, n.X)
		if n.Conv != 0 {
			b.WriteString(" " + string(rune(n.Conv)))
		} else {
			b.WriteString(" _")
		}
		if n.Spec != nil {
			b.WriteByte(' ')
			dump(b, n.Spec)
		}
		b.WriteByte(')')
	case *ListLit:
		dumpSeq(b, "list", n.Elems)
	case *MapLit:
		b.WriteString("(map")
		for _, e := range n.Entries {
			b.WriteString(" (")
			dump(b, e.Key)
			b.WriteByte(' ')
			dump(b, e.Value)
			b.WriteByte(')')
		}
		b.WriteByte(')')
	case *FuncLit:
		dumpFunc(b, n)
	case *Unary:
		dumpList(b, n.Op, n.X)
	case *Binary:
		dumpList(b, strings.ReplaceAll(n.Op, " ", "-"), n.X, n.Y)
	case *Call:
		b.WriteString("(call ")
		dump(b, n.Fn)
		for i, a := range n.Args {
			b.WriteByte(' ')
			if n.Spread && i == len(n.Args)-1 {
				b.WriteByte('*')
			}
			dump(b, a)
		}
		b.WriteByte(')')
	case *CondExpr:
		dumpList(b, "ifx", n.Cond, n.Then, n.Else)
	case *Index:
		dumpList(b, "index", n.X, n.Index)
	case *Slice:
		b.WriteString("(slice ")
		dump(b, n.X)
		parts := []Expr{n.Lo, n.Hi}
		if n.Step != nil {
			parts = append(parts, n.Step)
		}
		for _, x := range parts {
			b.WriteByte(' ')
			if x == nil {
				b.WriteByte('_')
			} else {
				dump(b, x)
			}
		}
		b.WriteByte(')')
	case *Field:
		b.WriteString("(. ")
		dump(b, n.X)
		b.WriteString(" " + n.Name + ")")
	case *Yield:
		dumpOpt(b, "yield", n.X)

	case *LetStmt:
		dumpOpt(b, "let "+n.Name, n.Value)
	case *FnStmt:
		dumpFunc(b, n.Func)
	case *AssignStmt:
		dumpList(b, n.Op, n.Target, n.Value)
	case *ExprStmt:
		dump(b, n.X)
	case *MultiAssign:
		head := "(= ("
		if n.Let {
			head = "(let ("
		}
		b.WriteString(head)
		dumpSpaced(b, n.Targets)
		b.WriteString(") (")
		dumpSpaced(b, n.Values)
		b.WriteString("))")
	case *IfStmt:
		dumpHeadBlock(b, "if", n.Cond, n.Then)
		if n.Else != nil {
			b.WriteByte(' ')
			dumpBlock(b, n.Else)
		}
		b.WriteByte(')')
	case *WhileStmt:
		dumpHeadBlock(b, "while", n.Cond, n.Body)
		b.WriteByte(')')
	case *ForStmt:
		vars := n.First
		if n.Second != "" {
			vars = "(" + n.First + " " + n.Second + ")"
		}
		dumpHeadBlock(b, "for "+vars, n.Iter, n.Body)
		b.WriteByte(')')
	case *BreakStmt:
		b.WriteString("(break)")
	case *ContinueStmt:
		b.WriteString("(continue)")
	case *ReturnStmt:
		dumpOpt(b, "return", n.Value)
	case *ThrowStmt:
		dumpList(b, "throw", n.Value)
	case *TryStmt:
		b.WriteString("(try ")
		dumpBlock(b, n.Body)
		if n.HasCatch {
			b.WriteString(" (catch ")
			if n.CatchName != "" {
				b.WriteString(n.CatchName + " ")
			}
			dumpBlock(b, n.Catch)
			b.WriteByte(')')
		}
		if n.HasFinally {
			b.WriteString(" (finally ")
			dumpBlock(b, n.Finally)
			b.WriteByte(')')
		}
		b.WriteByte(')')
	case *ImportStmt:
		b.WriteString("(import ")
		if n.IsPath {
			b.WriteString(strconv.Quote(n.Module))
		} else {
			b.WriteString(n.Module)
		}
		if n.IsPath || n.Alias != n.Module {
			b.WriteString(" as " + n.Alias)
		}
		b.WriteByte(')')
	default:
		b.WriteString("<?>")
	}
}

// Inspect walks the tree rooted at n in depth-first order, source order
// within a node: it calls f(n), and if that returns true, walks each child.
// Map entries, parameter defaults and the function of a FnStmt are children
// like any other node. A nil node is not visited.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	stmts := func(list []Stmt) {
		for _, s := range list {
			Inspect(s, f)
		}
	}
	exprs := func(list ...Expr) {
		for _, x := range list {
			if x != nil {
				Inspect(x, f)
			}
		}
	}
	switch n := n.(type) {
	case *FString:
		exprs(n.Parts...)
	case *FormatField:
		exprs(n.X, n.Spec)
	case *ListLit:
		exprs(n.Elems...)
	case *MapLit:
		for _, e := range n.Entries {
			exprs(e.Key, e.Value)
		}
	case *FuncLit:
		for _, p := range n.Params {
			exprs(p.Default)
		}
		stmts(n.Body)
	case *Unary:
		exprs(n.X)
	case *Binary:
		exprs(n.X, n.Y)
	case *Call:
		exprs(n.Fn)
		exprs(n.Args...)
	case *CondExpr:
		exprs(n.Then, n.Cond, n.Else)
	case *Index:
		exprs(n.X, n.Index)
	case *Slice:
		exprs(n.X, n.Lo, n.Hi, n.Step)
	case *Field:
		exprs(n.X)
	case *Yield:
		exprs(n.X)
	case *LetStmt:
		exprs(n.Value)
	case *FnStmt:
		Inspect(n.Func, f)
	case *AssignStmt:
		exprs(n.Target, n.Value)
	case *ExprStmt:
		exprs(n.X)
	case *MultiAssign:
		exprs(n.Values...)
		exprs(n.Targets...)
	case *IfStmt:
		exprs(n.Cond)
		stmts(n.Then)
		stmts(n.Else)
	case *WhileStmt:
		exprs(n.Cond)
		stmts(n.Body)
	case *ForStmt:
		exprs(n.Iter)
		stmts(n.Body)
	case *ReturnStmt:
		exprs(n.Value)
	case *ThrowStmt:
		exprs(n.Value)
	case *TryStmt:
		stmts(n.Body)
		stmts(n.Catch)
		stmts(n.Finally)
	}
}
