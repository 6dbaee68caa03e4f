package parser

// Pos is a source position: 1-based line and column (the column counts bytes).
type Pos struct {
	Line int
	Col  int
}

// Node is any AST node.
type Node interface {
	Position() Pos
}

// Expr is an expression node.
type Expr interface {
	Node
	exprNode()
}

// Stmt is a statement node.
type Stmt interface {
	Node
	stmtNode()
}

// File is a parsed source file (or a REPL input, or a -e string).
type File struct {
	Name  string // the file name as given; used in positions
	Stmts []Stmt
}

// ---- expressions ----

type (
	// Ident is a name reference.
	Ident struct {
		P    Pos
		Name string
		// Binding is what the compiler's resolve pass bound the name to (the
		// parser leaves it nil; its type belongs to the compiler).
		Binding any
	}
	// NilLit is `nil`.
	NilLit struct{ P Pos }
	// BoolLit is `true` or `false`.
	BoolLit struct {
		P     Pos
		Value bool
	}
	// IntLit is an integer literal (already parsed; hex and underscores resolved).
	IntLit struct {
		P     Pos
		Value int64
	}
	// FloatLit is a float literal.
	FloatLit struct {
		P     Pos
		Value float64
	}
	// StringLit is a string literal with escapes resolved (raw strings too).
	StringLit struct {
		P     Pos
		Value string
	}
	// FString is f"...": Parts alternate freely between *StringLit and other
	// expressions; the value is the concatenation of str() of each part.
	FString struct {
		P     Pos
		Parts []Expr
	}
	// FormatField is a replacement field of an f-string with a conversion or
	// a format spec: {X!r}, {X:>8.2f}. Conv is 'r', 's' or 0; Spec is nil
	// without a spec, else a *StringLit or, when the spec has fields of its
	// own ({x:{w}}), an *FString.
	FormatField struct {
		P    Pos // position of the "{"
		X    Expr
		Conv byte
		Spec Expr
	}
	// ListLit is [a, b, c].
	ListLit struct {
		P     Pos
		Elems []Expr
	}
	// MapLit is {k: v, ...}. A bare identifier key is a *StringLit.
	MapLit struct {
		P       Pos
		Entries []MapEntry
	}
	// FuncLit is `fn(params) { body }` and the function part of `fn name(...) {...}`.
	FuncLit struct {
		P      Pos
		Name   string // "" for an anonymous function literal
		Params []Param
		Body   []Stmt
		End    Pos // position of the closing brace
	}
	// Unary is `-x` or `not x`.
	Unary struct {
		P  Pos // position of the operator
		Op string
		X  Expr
	}
	// Binary is `x op y` for + - * / // % ** == != < <= > >= in "not in" and or.
	Binary struct {
		P  Pos // position of the operator
		Op string
		X  Expr
		Y  Expr
	}
	// CondExpr is `Then if Cond else Else`.
	CondExpr struct {
		P    Pos // position of the "if"
		Cond Expr
		Then Expr
		Else Expr
	}
	// Call is fn(args). When Spread is true the last argument was written
	// *x: its elements are the last arguments.
	Call struct {
		P      Pos // position of the '('
		Fn     Expr
		Args   []Expr
		Spread bool
	}
	// Index is x[i].
	Index struct {
		P     Pos // position of the '['
		X     Expr
		Index Expr
	}
	// Slice is x[lo:hi] or x[lo:hi:step]; Lo, Hi and Step may be nil.
	Slice struct {
		P    Pos // position of the '['
		X    Expr
		Lo   Expr
		Hi   Expr
		Step Expr
	}
	// Field is x.name.
	Field struct {
		P    Pos // position of the name
		X    Expr
		Name string
	}
	// Yield is `yield x`, or a bare `yield` when X is nil.
	Yield struct {
		P Pos
		X Expr
	}
)

// MapEntry is one key: value pair of a map literal.
type MapEntry struct {
	Key   Expr
	Value Expr
}

// Param is one function parameter, with an optional default value. Rest
// marks a *name parameter (always the last), which collects the remaining
// arguments in a list.
type Param struct {
	P       Pos
	Name    string
	Default Expr // nil when the parameter has no default
	Rest    bool
}

// ---- statements ----

type (
	// LetStmt is `let name = value` (Value nil for a bare `let name`).
	LetStmt struct {
		P     Pos // position of the name
		Name  string
		Value Expr
	}
	// FnStmt is `fn name(...) { ... }`; it declares name in the current block.
	FnStmt struct {
		P    Pos // position of the name
		Func *FuncLit
	}
	// AssignStmt is `target op value` with op one of = += -= *= /= **=.
	// Target is an *Ident, *Index or *Field.
	AssignStmt struct {
		P      Pos // position of the operator
		Op     string
		Target Expr
		Value  Expr
	}
	// MultiAssign is `let a, b = v` or `a, b = v` (one value, a list that
	// is unpacked), or `let a, b = v1, v2` / `a, b = v1, v2` (as many values
	// as targets). For let, Targets are *Ident; otherwise *Ident, *Index or
	// *Field. Values has one element or len(Targets); it is empty for a bare
	// `let a, b`.
	MultiAssign struct {
		P       Pos // position of the "=" (of the first name for a bare let)
		Let     bool
		Targets []Expr
		Values  []Expr
	}
	// ExprStmt is an expression used as a statement.
	ExprStmt struct {
		P Pos
		X Expr
	}
	// IfStmt is if/else if/else. An `else if` is an Else holding one *IfStmt.
	IfStmt struct {
		P    Pos
		Cond Expr
		Then []Stmt
		Else []Stmt // nil when there is no else
	}
	// WhileStmt is `while cond { body }`.
	WhileStmt struct {
		P    Pos
		Cond Expr
		Body []Stmt
	}
	// ForStmt is `for a in x { }` (Second == "") or `for a, b in x { }`.
	ForStmt struct {
		P         Pos
		First     string
		FirstPos  Pos
		Second    string
		SecondPos Pos
		Iter      Expr
		Body      []Stmt
	}
	// BreakStmt is `break`.
	BreakStmt struct{ P Pos }
	// ContinueStmt is `continue`.
	ContinueStmt struct{ P Pos }
	// ReturnStmt is `return` or `return value` (Value nil).
	ReturnStmt struct {
		P     Pos
		Value Expr
	}
	// ThrowStmt is `throw value`.
	ThrowStmt struct {
		P     Pos
		Value Expr
	}
	// TryStmt is try/catch/finally. HasCatch reports a catch clause (CatchName
	// may be "" for `catch { }`); Finally is nil when there is no finally clause.
	TryStmt struct {
		P          Pos
		Body       []Stmt
		HasCatch   bool
		CatchName  string
		CatchPos   Pos
		Catch      []Stmt
		HasFinally bool
		Finally    []Stmt
	}
	// ImportStmt is `import name`, `import name as alias` or `import "path" as alias`.
	// For a path import, IsPath is true and Alias is required.
	ImportStmt struct {
		P      Pos
		Module string
		IsPath bool
		Alias  string // the name bound; for `import net` it is "net"
	}
)

func (n *Ident) Position() Pos       { return n.P }
func (n *NilLit) Position() Pos      { return n.P }
func (n *BoolLit) Position() Pos     { return n.P }
func (n *IntLit) Position() Pos      { return n.P }
func (n *FloatLit) Position() Pos    { return n.P }
func (n *StringLit) Position() Pos   { return n.P }
func (n *FString) Position() Pos     { return n.P }
func (n *FormatField) Position() Pos { return n.P }
func (n *ListLit) Position() Pos     { return n.P }
func (n *MapLit) Position() Pos      { return n.P }
func (n *FuncLit) Position() Pos     { return n.P }
func (n *Unary) Position() Pos       { return n.P }
func (n *Binary) Position() Pos      { return n.P }
func (n *Call) Position() Pos        { return n.P }
func (n *CondExpr) Position() Pos    { return n.P }
func (n *Index) Position() Pos       { return n.P }
func (n *Slice) Position() Pos       { return n.P }
func (n *Field) Position() Pos       { return n.P }
func (n *Yield) Position() Pos       { return n.P }

func (*Ident) exprNode()       {}
func (*NilLit) exprNode()      {}
func (*BoolLit) exprNode()     {}
func (*IntLit) exprNode()      {}
func (*FloatLit) exprNode()    {}
func (*StringLit) exprNode()   {}
func (*FString) exprNode()     {}
func (*FormatField) exprNode() {}
func (*ListLit) exprNode()     {}
func (*MapLit) exprNode()      {}
func (*FuncLit) exprNode()     {}
func (*Unary) exprNode()       {}
func (*Binary) exprNode()      {}
func (*Call) exprNode()        {}
func (*CondExpr) exprNode()    {}
func (*Index) exprNode()       {}
func (*Slice) exprNode()       {}
func (*Field) exprNode()       {}
func (*Yield) exprNode()       {}

func (n *LetStmt) Position() Pos      { return n.P }
func (n *FnStmt) Position() Pos       { return n.P }
func (n *AssignStmt) Position() Pos   { return n.P }
func (n *ExprStmt) Position() Pos     { return n.P }
func (n *MultiAssign) Position() Pos  { return n.P }
func (n *IfStmt) Position() Pos       { return n.P }
func (n *WhileStmt) Position() Pos    { return n.P }
func (n *ForStmt) Position() Pos      { return n.P }
func (n *BreakStmt) Position() Pos    { return n.P }
func (n *ContinueStmt) Position() Pos { return n.P }
func (n *ReturnStmt) Position() Pos   { return n.P }
func (n *ThrowStmt) Position() Pos    { return n.P }
func (n *TryStmt) Position() Pos      { return n.P }
func (n *ImportStmt) Position() Pos   { return n.P }

func (*LetStmt) stmtNode()      {}
func (*FnStmt) stmtNode()       {}
func (*AssignStmt) stmtNode()   {}
func (*ExprStmt) stmtNode()     {}
func (*MultiAssign) stmtNode()  {}
func (*IfStmt) stmtNode()       {}
func (*WhileStmt) stmtNode()    {}
func (*ForStmt) stmtNode()      {}
func (*BreakStmt) stmtNode()    {}
func (*ContinueStmt) stmtNode() {}
func (*ReturnStmt) stmtNode()   {}
func (*ThrowStmt) stmtNode()    {}
func (*TryStmt) stmtNode()      {}
func (*ImportStmt) stmtNode()   {}
