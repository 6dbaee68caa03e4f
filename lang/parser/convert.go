package parser

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// converter turns participle's parse tree into the AST. It also checks the
// rules the grammar leaves out (see grammar.go). The first error is kept.
type converter struct {
	file   string
	tokens []lexer.Token // the tokens of the tree being converted
	err    *Error
}

func (c *converter) fail(e *Error) {
	if c.err == nil {
		c.err = e
	}
}

func (c *converter) errorf(p lexer.Position, format string, args ...any) {
	c.fail(&Error{File: c.file, Pos: toPos(p), Msg: fmt.Sprintf(format, args...)})
}

// onlyEndAfter reports whether nothing but line ends follows position p.
func (c *converter) onlyEndAfter(p lexer.Position) bool {
	for _, t := range c.tokens {
		if t.Pos.Offset >= p.Offset && !t.EOF() && t.Type != tEOL {
			return false
		}
	}
	return true
}

// ---- statements ----

func (c *converter) stmts(list []*statement) []Stmt {
	out := make([]Stmt, 0, len(list))
	for _, s := range list {
		if st := c.stmt(s); st != nil {
			out = append(out, st)
		}
	}
	return out
}

func (c *converter) block(b *block) []Stmt {
	return c.stmts(b.Stmts)
}

func (c *converter) stmt(st *statement) Stmt {
	if st.Simple != nil {
		return c.simpleStmt(st.Simple)
	}
	s := st.Keyword
	switch {
	case s.Let != nil:
		return c.letStmt(s.Let)
	case s.Fn != nil:
		fn := s.Fn
		return &FnStmt{P: toPos(fn.Name.Pos), Func: &FuncLit{
			P:      toPos(fn.Fn.Pos),
			Name:   fn.Name.Value,
			Params: c.params(fn.Params),
			Body:   c.block(fn.Body),
			End:    toPos(fn.Body.Close.Pos),
		}}
	case s.If != nil:
		return c.ifStmt(s.If)
	case s.While != nil:
		return &WhileStmt{P: toPos(s.While.While.Pos), Cond: c.expr(s.While.Cond), Body: c.block(s.While.Body)}
	case s.For != nil:
		f := s.For
		st := &ForStmt{
			P:        toPos(f.For.Pos),
			First:    f.First.Value,
			FirstPos: toPos(f.First.Pos),
			Iter:     c.expr(f.Iter),
			Body:     c.block(f.Body),
		}
		if f.Second != nil {
			st.Second = f.Second.Value
			st.SecondPos = toPos(f.Second.Pos)
			if st.Second == st.First {
				c.errorf(f.Second.Pos, "the same name %s is used twice in a for loop", st.Second)
			}
		}
		return st
	case s.Break != nil:
		return &BreakStmt{P: toPos(s.Break.Pos)}
	case s.Continue != nil:
		return &ContinueStmt{P: toPos(s.Continue.Pos)}
	case s.Return != nil:
		return &ReturnStmt{P: toPos(s.Return.Return.Pos), Value: c.optRHS(s.Return.Value)}
	case s.Throw != nil:
		return &ThrowStmt{P: toPos(s.Throw.Throw.Pos), Value: c.expr(s.Throw.Value)}
	case s.Try != nil:
		return c.tryStmt(s.Try)
	case s.Import != nil:
		return c.importStmt(s.Import)
	}
	return nil
}

func (c *converter) ifStmt(s *ifStmt) *IfStmt {
	top := &IfStmt{P: toPos(s.If.Pos), Cond: c.expr(s.Cond), Then: c.block(s.Then)}
	last := top
	for i, e := range s.Elses {
		if e.If == nil {
			if i < len(s.Elses)-1 {
				c.errorf(s.Elses[i+1].Else.Pos, `unexpected "else" after the final else block`)
			}
			last.Else = c.block(e.Block)
			break
		}
		next := &IfStmt{P: toPos(e.If.Pos), Cond: c.expr(e.Cond), Then: c.block(e.Then)}
		last.Else = []Stmt{next}
		last = next
	}
	return top
}

func (c *converter) tryStmt(s *tryStmt) *TryStmt {
	st := &TryStmt{P: toPos(s.Try.Pos), Body: c.block(s.Body)}
	if s.Catch == nil && s.Finally == nil {
		// At the end of the input, more lines could bring the clause.
		c.fail(&Error{File: c.file, Pos: toPos(s.EndPos), Msg: `expected "catch" or "finally" after the try block`,
			incomplete: c.onlyEndAfter(s.EndPos)})
		return st
	}
	if s.Catch != nil {
		st.HasCatch = true
		st.CatchPos = toPos(s.Catch.Catch.Pos)
		if s.Catch.Name != nil {
			st.CatchName = s.Catch.Name.Value
			st.CatchPos = toPos(s.Catch.Name.Pos)
		}
		st.Catch = c.block(s.Catch.Body)
	}
	if s.Finally != nil {
		st.HasFinally = true
		st.Finally = c.block(s.Finally)
	}
	return st
}

func (c *converter) importStmt(s *importStmt) *ImportStmt {
	st := &ImportStmt{P: toPos(s.Import.Pos)}
	if s.Alias != nil {
		st.Alias = s.Alias.Value
	}
	if s.Path != nil {
		st.IsPath = true
		st.Module = decodeString(s.Path.Value)
		switch {
		case st.Module == "":
			c.errorf(s.Path.Pos, "empty import path")
		case s.Alias == nil:
			c.errorf(s.EndPos, `an import of a file needs a name: import %s as NAME`, s.Path.Value)
		}
		return st
	}
	st.Module = s.Module.Value
	if st.Alias == "" {
		st.Alias = st.Module
	}
	return st
}

func (c *converter) letStmt(s *letStmt) Stmt {
	if len(s.More) == 0 && len(s.Values) == 0 {
		return &LetStmt{P: toPos(s.Name.Pos), Name: s.Name.Value, Value: c.optRHS(s.Value)}
	}
	names := []*lexer.Token{s.Name}
	for _, m := range s.More {
		names = append(names, m.Name)
	}
	st := &MultiAssign{P: toPos(s.Name.Pos), Let: true}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n.Value] {
			c.errorf(n.Pos, "the same name %s is declared twice in one let", n.Value)
		}
		seen[n.Value] = true
		st.Targets = append(st.Targets, &Ident{P: toPos(n.Pos), Name: n.Value})
	}
	if s.Eq == nil {
		return st
	}
	st.P = toPos(s.Eq.Pos)
	st.Values = c.values(s.Value, s.Values)
	c.checkCounts(s.Eq.Pos, len(names), len(st.Values))
	return st
}

// values converts the right-hand side of an assignment with several values
// (or one, which may then be a yield).
func (c *converter) values(first *expression, rest []*commaExpr) []Expr {
	if len(rest) == 0 {
		return []Expr{c.rhs(first)}
	}
	out := []Expr{c.expr(first)}
	for _, r := range rest {
		if r.X == nil {
			c.errorf(r.Comma.Pos, `unexpected ",", expected expression`)
			continue
		}
		out = append(out, c.expr(r.X))
	}
	return out
}

// checkCounts checks that an assignment has one value to unpack or as many
// values as targets.
func (c *converter) checkCounts(p lexer.Position, targets, values int) {
	switch {
	case values == 1 || values == targets:
	case targets == 1:
		c.errorf(p, "1 target but %d values: write a list in brackets, as in x = [1, 2]", values)
	default:
		c.errorf(p, "%d targets but %d values: give one value per target, or one list to unpack", targets, values)
	}
}

func (c *converter) simpleStmt(s *simpleStmt) Stmt {
	if s.Op == nil {
		if len(s.Targets) > 0 {
			c.errorf(s.Targets[0].Comma.Pos, `unexpected ",": only an assignment has several targets (a, b = ...)`)
		}
		return &ExprStmt{P: toPos(s.Pos), X: c.rhs(s.Target)}
	}
	if len(s.Targets) == 0 && len(s.Values) == 0 {
		target := c.rhs(s.Target)
		switch target.(type) {
		case *Ident, *Index, *Field, nil:
		default:
			c.errorf(s.Pos, "cannot assign to %s", what(target))
		}
		return &AssignStmt{P: toPos(s.Op.Pos), Op: s.Op.Value, Target: target, Value: c.rhs(s.Value)}
	}
	st := &MultiAssign{P: toPos(s.Op.Pos)}
	pos := []lexer.Position{s.Pos}
	st.Targets = []Expr{c.expr(s.Target)}
	for _, t := range s.Targets {
		if t.X == nil {
			c.errorf(t.Comma.Pos, `unexpected ",", expected an assignment target`)
			continue
		}
		pos = append(pos, t.X.first(c))
		st.Targets = append(st.Targets, c.expr(t.X))
	}
	for i, t := range st.Targets {
		switch t.(type) {
		case *Ident, *Index, *Field:
		default:
			c.errorf(pos[i], "cannot assign to %s", what(t))
		}
	}
	if s.Op.Value != "=" {
		c.errorf(s.Op.Pos, "%s cannot have several targets or values; use =", s.Op.Value)
	}
	st.Values = c.values(s.Value, s.Values)
	c.checkCounts(s.Op.Pos, len(st.Targets), len(st.Values))
	return st
}

// first returns the position of the first token of an expression.
func (e *expression) first(c *converter) lexer.Position {
	return c.tokens[e.X.X.first(c)].Pos
}

// what names an expression that cannot be assigned to.
func what(x Expr) string {
	switch x := x.(type) {
	case *Call:
		return "a function call"
	case *Slice:
		return "a slice (only to a single element, as in xs[i] = v)"
	case *Yield:
		return "a yield expression"
	case *Binary:
		return fmt.Sprintf("the result of %q", x.Op)
	case *Unary:
		return fmt.Sprintf("the result of %q", x.Op)
	case *FuncLit:
		return "a function literal"
	case *ListLit:
		return "a list literal"
	case *MapLit:
		return "a map literal"
	case *NilLit, *BoolLit, *IntLit, *FloatLit, *StringLit, *FString:
		return "a literal"
	}
	return "this expression"
}

func (c *converter) params(pl *paramList) []Param {
	list := commaList(c, pl.First, pl.Rest, "parameter name")
	out := make([]Param, 0, len(list))
	seen := map[string]bool{}
	defaulted := false
	for i, p := range list {
		name := p.Name.Value
		if seen[name] {
			c.errorf(p.Name.Pos, "duplicate parameter %s", name)
		}
		seen[name] = true
		prm := Param{P: toPos(p.Name.Pos), Name: name}
		if p.Star != nil {
			prm.Rest = true
			switch {
			case i < len(list)-1:
				c.errorf(p.Star.Pos, "*%s must be the last parameter", name)
			case p.Default != nil:
				c.errorf(p.Star.Pos, "*%s cannot have a default value (it is an empty list when no argument is left)", name)
			}
			out = append(out, prm)
			continue
		}
		if p.Default != nil {
			defaulted = true
			prm.Default = c.expr(p.Default)
		} else if defaulted {
			c.errorf(p.Name.Pos, "parameter %s needs a default value: it follows a parameter that has one", name)
		}
		out = append(out, prm)
	}
	return out
}

// ---- expressions ----

// solePrimary returns the primary that e consists of, if e is nothing but a
// primary (no operator, no suffix).
func solePrimary(e *expression) *primary {
	if e == nil || e.If != nil || len(e.X.Rest) > 0 || len(e.X.X.Nots) > 0 {
		return nil
	}
	u := e.X.X.X
	if len(u.Negs) > 0 || u.X.Exp != nil || len(u.X.X.Rest) > 0 {
		return nil
	}
	return u.X.X.X
}

func (c *converter) optRHS(e *expression) Expr {
	if e == nil {
		return nil
	}
	return c.rhs(e)
}

// rhs converts an expression in a place where a yield may stand alone: a
// statement, the right-hand side of let or of an assignment, a return value,
// or the inside of parentheses.
func (c *converter) rhs(e *expression) Expr {
	if p := solePrimary(e); p != nil && p.Yield != nil {
		return c.yield(p.Yield)
	}
	return c.expr(e)
}

func (c *converter) yield(y *yieldExpr) Expr {
	out := &Yield{P: toPos(y.Yield.Pos)}
	if y.X != nil {
		out.X = c.expr(y.X)
	}
	return out
}

func (c *converter) expr(e *expression) Expr {
	x := c.binary(e.X)
	if e.If == nil {
		return x
	}
	return &CondExpr{P: toPos(e.If.Pos), Cond: c.binary(e.Cond), Then: x, Else: c.expr(e.Else)}
}

// The binary operators by precedence, lowest first. Every one is
// left-associative: x op y op z is (x op y) op z. A prefix "not" stands
// between "and" and the comparisons; unary minus and ** bind tighter than
// all of these and are parsed as part of an operand (unary, power).
const (
	precOr = 1 + iota
	precAnd
	precNot
	precCompare
	precSum
	precProduct
)

// precedence returns the precedence of binary operator op.
func precedence(op string) int {
	switch op {
	case "or":
		return precOr
	case "and":
		return precAnd
	case "+", "-":
		return precSum
	case "*", "/", "//", "%":
		return precProduct
	}
	return precCompare // == != < <= > >= in, not in
}

// binary converts the flat sequence of operands and operators of e into a
// tree, by precedence climbing.
func (c *converter) binary(e *binaryExpr) Expr {
	i := 0
	return c.climb(e, &i, c.not(e, &i, e.X), precOr)
}

// climb takes x, the operand before e.Rest[*i], as the left operand of the
// operators from there on whose precedence is at least min, and returns the
// tree they build; *i is left at the first operator it did not take. The
// right operand of an operator of precedence p takes the operators after it
// that bind tighter than p, which makes every level left-associative.
// Comparisons do not chain: a second one at the same level is an error.
func (c *converter) climb(e *binaryExpr, i *int, x Expr, min int) Expr {
	compared := false
	for *i < len(e.Rest) {
		r := e.Rest[*i]
		op := r.Op
		if r.Logic != "" {
			op = r.Logic
		}
		p := precedence(op)
		if p < min {
			break
		}
		if p == precCompare && compared {
			c.fail(&Error{File: c.file, Pos: toPos(r.Pos), Msg: "comparison operators cannot be chained; use 'and', as in a < b and b < c"})
		}
		compared = p == precCompare
		*i++
		var y Expr
		if r.Not != nil {
			y = c.not(e, i, r.Not)
		} else {
			y = c.unary(r.Y)
		}
		y = c.climb(e, i, y, p+1)
		x = &Binary{P: toPos(r.Pos), Op: op, X: x, Y: y}
	}
	return x
}

// not converts an operand that may be negated with "not": the negation
// takes the operand and the operators after it that bind tighter than "not"
// (the comparisons and arithmetic), as in not a == b.
func (c *converter) not(e *binaryExpr, i *int, n *notExpr) Expr {
	x := c.unary(n.X)
	if len(n.Nots) == 0 {
		return x
	}
	x = c.climb(e, i, x, precNot+1)
	first := n.first(c)
	for j := len(n.Nots) - 1; j >= 0; j-- {
		x = &Unary{P: c.tokenPos(first + j), Op: "not", X: x}
	}
	return x
}

func (c *converter) unary(e *unary) Expr {
	var x Expr
	n := len(e.Negs)
	first := e.first(c)
	// -9223372036854775808 is the one literal that is only in range negated.
	if p := e.X; n > 0 && p.Exp == nil && len(p.X.Rest) == 0 && p.X.X.Int != nil {
		if v, err := parseIntLit(p.X.X.Int.Value); err == nil && v == 1<<63 {
			x = &IntLit{P: c.tokenPos(first + n - 1), Value: math.MinInt64}
			n--
		}
	}
	if x == nil {
		x = c.power(e.X)
	}
	for i := n - 1; i >= 0; i-- {
		x = &Unary{P: c.tokenPos(first + i), Op: "-", X: x}
	}
	return x
}

func (c *converter) power(e *power) Expr {
	x := c.postfix(e.X)
	if e.Exp == nil {
		return x
	}
	return &Binary{P: toPos(e.Op.Pos), Op: "**", X: x, Y: c.unary(e.Exp)}
}

// first returns the index in c.tokens of the first token of an operand: its
// prefix operators are the tokens just before the first token of its
// primary.

func (e *notExpr) first(c *converter) int { return e.X.first(c) - len(e.Nots) }
func (e *unary) first(c *converter) int   { return c.tokenIndex(e.X.X.X.start()) - len(e.Negs) }

// start returns the position of the first token of a primary.
func (p *primary) start() lexer.Position {
	switch {
	case p.Ident != nil:
		return p.Ident.Pos
	case p.Int != nil:
		return p.Int.Pos
	case p.String != nil:
		return p.String.Pos
	case p.Const != nil:
		return p.Const.Pos
	case p.Float != nil:
		return p.Float.Pos
	case p.FString != nil:
		return p.FString.Pos
	case p.Paren != nil:
		return p.Paren.Open.Pos
	case p.List != nil:
		return p.List.Open.Pos
	case p.Map != nil:
		return p.Map.Open.Pos
	case p.Func != nil:
		return p.Func.Fn.Pos
	case p.Yield != nil:
		return p.Yield.Yield.Pos
	}
	panic("parser: empty primary")
}

// tokenIndex returns the index in c.tokens of the token at position p.
func (c *converter) tokenIndex(p lexer.Position) int {
	return sort.Search(len(c.tokens), func(i int) bool { return c.tokens[i].Pos.Offset >= p.Offset })
}

func (c *converter) tokenPos(i int) Pos { return toPos(c.tokens[i].Pos) }

// exprList converts a comma-separated list of expressions.
func (c *converter) exprList(first *expression, rest []*commaExpr) []Expr {
	list := commaList(c, first, rest, "expression")
	out := make([]Expr, 0, len(list))
	for _, x := range list {
		out = append(out, c.expr(x))
	}
	return out
}

// commaElem is one more element of a comma-separated list in the grammar:
// the comma and the element after it, nil after a trailing comma.
type commaElem[T any] interface {
	elem() (*lexer.Token, *T)
}

func (r *commaParam) elem() (*lexer.Token, *param)     { return r.Comma, r.Param }
func (r *commaArg) elem() (*lexer.Token, *callArg)     { return r.Comma, r.Arg }
func (r *commaExpr) elem() (*lexer.Token, *expression) { return r.Comma, r.X }
func (r *commaEntry) elem() (*lexer.Token, *mapEntry)  { return r.Comma, r.Entry }

// commaList collects the elements of a comma-separated list: first (nil for
// an empty list), then the element after each comma. Only the last comma may
// have nothing after it (a trailing comma); an empty element before another
// comma is reported there: unexpected ",", expected what.
func commaList[T any, R commaElem[T]](c *converter, first *T, rest []R, what string) []*T {
	if first == nil {
		return nil
	}
	out := append(make([]*T, 0, 1+len(rest)), first)
	for i, r := range rest {
		_, x := r.elem()
		if x == nil {
			if i < len(rest)-1 {
				comma, _ := rest[i+1].elem()
				c.errorf(comma.Pos, `unexpected ",", expected %s`, what)
			}
			continue
		}
		out = append(out, x)
	}
	return out
}

// call converts the arguments of a call.
func (c *converter) call(fn Expr, a *callArgs) *Call {
	call := &Call{P: toPos(a.Open.Pos), Fn: fn, Args: []Expr{}}
	list := commaList(c, a.First, a.Rest, "expression")
	for i, arg := range list {
		if arg.Star != nil {
			if i < len(list)-1 {
				c.errorf(arg.Star.Pos, "only the last argument can be spread with *")
			}
			call.Spread = true
		}
		call.Args = append(call.Args, c.expr(arg.X))
	}
	return call
}

func (c *converter) postfix(e *postfix) Expr {
	x := c.primary(e.X)
	for _, s := range e.Rest {
		switch {
		case s.Call != nil:
			x = c.call(x, s.Call)
		case s.Index != nil:
			ix := s.Index
			switch {
			case ix.Colon:
				sl := &Slice{P: toPos(ix.Open.Pos), X: x}
				if ix.Lo != nil {
					sl.Lo = c.expr(ix.Lo)
				}
				if ix.Hi != nil {
					sl.Hi = c.expr(ix.Hi)
				}
				if ix.Step != nil {
					sl.Step = c.expr(ix.Step)
				}
				x = sl
			case ix.Lo == nil:
				c.errorf(ix.Close.Pos, `unexpected "]", expected expression`)
				x = &Index{P: toPos(ix.Open.Pos), X: x}
			default:
				x = &Index{P: toPos(ix.Open.Pos), X: x, Index: c.expr(ix.Lo)}
			}
		case s.Field != nil:
			x = &Field{P: toPos(s.Field.Pos), X: x, Name: s.Field.Value}
		}
	}
	return x
}

func (c *converter) primary(p *primary) Expr {
	switch {
	case p.Ident != nil:
		return &Ident{P: toPos(p.Ident.Pos), Name: p.Ident.Value}
	case p.Const != nil:
		pos := toPos(p.Const.Pos)
		switch p.Const.Value {
		case "nil":
			return &NilLit{P: pos}
		case "true":
			return &BoolLit{P: pos, Value: true}
		}
		return &BoolLit{P: pos, Value: false}
	case p.Int != nil:
		v, err := parseIntLit(p.Int.Value)
		if err != nil || v > math.MaxInt64 {
			c.errorf(p.Int.Pos, "integer literal out of range: %s", p.Int.Value)
		}
		return &IntLit{P: toPos(p.Int.Pos), Value: int64(v)}
	case p.Float != nil:
		return &FloatLit{P: toPos(p.Float.Pos), Value: parseFloatLit(p.Float.Value)}
	case p.String != nil:
		return &StringLit{P: toPos(p.String.Pos), Value: decodeString(p.String.Value)}
	case p.FString != nil:
		return c.fstring(p.FString)
	case p.List != nil:
		return &ListLit{P: toPos(p.List.Open.Pos), Elems: c.exprList(p.List.First, p.List.Rest)}
	case p.Map != nil:
		return c.mapLit(p.Map)
	case p.Func != nil:
		return &FuncLit{
			P:      toPos(p.Func.Fn.Pos),
			Params: c.params(p.Func.Params),
			Body:   c.block(p.Func.Body),
			End:    toPos(p.Func.Body.Close.Pos),
		}
	case p.Paren != nil:
		return c.rhs(p.Paren.X)
	case p.Yield != nil:
		c.errorf(p.Yield.Yield.Pos, "yield must be in parentheses here: write (yield ...)")
		return c.yield(p.Yield)
	}
	panic("parser: empty primary")
}

func (c *converter) mapLit(m *mapLit) *MapLit {
	list := commaList(c, m.First, m.Rest, "map key")
	entries := make([]MapEntry, 0, len(list))
	for _, e := range list {
		var key Expr
		if k := solePrimary(e.Key); k != nil && k.Ident != nil {
			key = &StringLit{P: toPos(k.Ident.Pos), Value: k.Ident.Value}
		} else {
			key = c.expr(e.Key)
		}
		entries = append(entries, MapEntry{Key: key, Value: c.expr(e.Value)})
	}
	return &MapLit{P: toPos(m.Open.Pos), Entries: entries}
}

// fstring converts an f-string token: its literal pieces become
// *StringLit, and each {expression} is parsed where it stands.
func (c *converter) fstring(t *lexer.Token) Expr {
	_, parts, err := scanFString(t.Value, 0, t.Pos, 0)
	out := &FString{P: toPos(t.Pos), Parts: []Expr{}}
	if err != nil {
		c.errorf(err.pos, "%s", err.msg)
		return out
	}
	for _, part := range parts {
		if x := c.fpart(part); x != nil {
			out.Parts = append(out.Parts, x)
		}
	}
	return out
}

// fpart converts one part of an f-string (or of a format spec in one).
func (c *converter) fpart(part fpart) Expr {
	if !part.expr {
		return &StringLit{P: toPos(part.pos), Value: part.text}
	}
	if strings.TrimSpace(part.text) == "" {
		c.errorf(part.open, "empty expression in f-string")
		return nil
	}
	x := c.parseExprAt(part.text, part.pos, `"}"`, false)
	if x == nil {
		return nil
	}
	if part.conv == 0 && !part.hasSpec {
		return x
	}
	field := &FormatField{P: toPos(part.open), X: x, Conv: part.conv}
	if part.hasSpec {
		spec := &FString{P: toPos(part.open), Parts: []Expr{}}
		literal := true
		for _, p := range part.spec {
			if y := c.fpart(p); y != nil {
				spec.Parts = append(spec.Parts, y)
				if _, ok := y.(*StringLit); !ok {
					literal = false
				}
			}
		}
		if literal {
			// A spec without fields is one constant string.
			var b strings.Builder
			for _, p := range spec.Parts {
				b.WriteString(p.(*StringLit).Value)
			}
			field.Spec = &StringLit{P: toPos(part.open), Value: b.String()}
		} else {
			field.Spec = spec
		}
	}
	return field
}
