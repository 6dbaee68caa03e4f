package vm

import "github.com/yieldscript/yieldscript/lang/compile"

// Constant folding's arithmetic. The compiler cannot import this package (it
// imports the compiler), so this package hands it these functions when it is
// loaded (compile.SetFolding); they compute with Arith and Unary, so a folded
// constant is what the VM computes, and they refuse (ok false) whatever would
// throw, so the error happens at run time with its traceback.

func init() { compile.SetFolding(compile.Folding{Binary: Fold, Unary: FoldUnary}) }

// Fold is a binary operator (ADD, SUB, MUL, DIV, FLOORDIV, MOD, POW) on
// constants: int64 and float64 operands, or two strings for ADD. Anything
// else is not folded (a repetition would put its result, of any size, into
// the program).
func Fold(op compile.Op, x, y any) (any, bool) {
	a, ok := constValue(x)
	if !ok {
		return nil, false
	}
	b, ok := constValue(y)
	if !ok {
		return nil, false
	}
	if (a.k == KStr || b.k == KStr) && (op != compile.ADD || a.k != b.k) {
		return nil, false
	}
	if a.k == KBool || b.k == KBool {
		return nil, false
	}
	r, err := Arith(op, a, b)
	if err != nil {
		return nil, false
	}
	return valueConst(r)
}

// FoldUnary is a unary operator (NEG, NOT) on a constant: int64, float64,
// string or bool.
func FoldUnary(op compile.Op, x any) (any, bool) {
	a, ok := constValue(x)
	if !ok {
		return nil, false
	}
	r, err := Unary(op, a)
	if err != nil {
		return nil, false
	}
	return valueConst(r)
}

// constValue is the value of a compile-time constant.
func constValue(x any) (Value, bool) {
	switch x := x.(type) {
	case int64:
		return Int(x), true
	case float64:
		return Float(x), true
	case string:
		return Str(x), true
	case bool:
		return Bool(x), true
	}
	return Nil, false
}

// valueConst is the compile-time constant of a value.
func valueConst(v Value) (any, bool) {
	switch v.k {
	case KInt:
		return v.AsInt(), true
	case KFloat:
		return v.AsFloat(), true
	case KStr:
		return v.AsStr(), true
	case KBool:
		return v.AsBool(), true
	}
	return nil, false
}
