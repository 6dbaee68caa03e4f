package compile

import "github.com/yieldscript/yieldscript/lang/parser"

// Constant folding.

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

// Folding is the arithmetic constant folding computes with: the VM's own,
// so that a folded constant is the value the VM computes at run time.
// Constants are int64, float64, string or bool; ok is false when the operation
// would throw (the error must happen at run time, with its traceback) or is
// not to be folded. lang/vm registers its Fold and FoldUnary when it is
// loaded: it imports this package, so this package cannot call it.
type Folding struct {
	Binary func(op Op, x, y any) (any, bool) // ADD SUB MUL DIV FLOORDIV MOD POW
	Unary  func(op Op, x any) (any, bool)    // NEG NOT
}

var folding Folding

// SetFolding sets the arithmetic of constant folding, once, before anything
// compiles (lang/vm does it in an init function). Without it nothing is
// folded: the code computes the same values at run time.
func SetFolding(f Folding) { folding = f }

var unaryOps = map[string]Op{"-": NEG, "not": NOT}

func (c *compiler) foldUnary(e *parser.Unary) (any, bool) {
	x, ok := c.constOf(e.X)
	if !ok || folding.Unary == nil {
		return nil, false
	}
	return folding.Unary(unaryOps[e.Op], x)
}

// foldBinary folds arithmetic on number and string literals. It never folds an
// operation that would throw, so the error happens at run time with its traceback.
func (c *compiler) foldBinary(e *parser.Binary) (any, bool) {
	op, ok := binOps[e.Op]
	if !ok || !(op.Is(ClassArith) || op == POW) || folding.Binary == nil {
		return nil, false // and, or, comparisons
	}
	x, ok := c.constOf(e.X)
	if !ok {
		return nil, false
	}
	y, ok := c.constOf(e.Y)
	if !ok {
		return nil, false
	}
	return folding.Binary(op, x, y)
}
