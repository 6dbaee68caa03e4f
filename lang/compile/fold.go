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
