package parser

import (
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The grammar, as participle structs. These are the parse tree; convert.go turns them into the AST
// of ast.go. grammar.ebnf shows the grammar as participle prints it.
//
// The grammar is LL(1), and the parser runs with no backtracking lookahead:
// a branch that has consumed a token is committed, so a syntax error is
// reported where it is found and parsing takes linear time. The lexer helps
// by giving token types to classes of tokens (statement keywords, the
// operators of each binary level, the tokens that start a suffix), so that
// one token-type test picks a branch.
//
// Some rules are checked after parsing rather than in the grammar, where
// they are simpler or give better messages: yield placement, chained
// comparisons, assignment targets, bare-identifier map keys, parameter
// defaults, an empty element between commas, a plain else that is not last,
// a try without catch or finally, a path import without "as".
//
// Every statement is followed by exactly one EOL token: the lexer collapses
// newlines and semicolons and inserts one before a block's closing "}" and
// at the end of the input.

type program struct {
	Stmts []*statement `parser:"( @@ EOL )*"`
}

// root is the grammar's one root: a program, or one expression (ParseExpr
// and f-string expressions) between the ExprStart and ExprEnd tokens that
// only the parser puts there (the program after them is then empty). One
// root makes one participle parser: building one from the grammar's struct
// tags is most of the command's start-up.
type root struct {
	Expr *exprInput `parser:"( ExprStart @@ ExprEnd )?"`
	Prog *program   `parser:"@@"`
}

// exprInput is an expression parsed alone.
type exprInput struct {
	X *expression `parser:"@@ EOL?"`
}

// statement: a statement that does not start with a statement keyword is
// an expression statement or an assignment (simpleStmt). The lexer gives the
// statement keywords their own token type (<stmtkw>: let, fn followed by a
// name, return, if, for, while, break, continue, throw, try, import), so
// that one look at the token type tells the two apart.
type statement struct {
	Keyword *keywordStmt `parser:"  @@"`
	Simple  *simpleStmt  `parser:"| @@"`
}

type keywordStmt struct {
	Let      *letStmt     `parser:"(?= StmtKw) ( @@"`
	Return   *returnStmt  `parser:"| @@"`
	If       *ifStmt      `parser:"| @@"`
	Fn       *fnStmt      `parser:"| @@"`
	For      *forStmt     `parser:"| @@"`
	While    *whileStmt   `parser:"| @@"`
	Break    *lexer.Token `parser:"| @'break'"`
	Continue *lexer.Token `parser:"| @'continue'"`
	Throw    *throwStmt   `parser:"| @@"`
	Try      *tryStmt     `parser:"| @@"`
	Import   *importStmt  `parser:"| @@ )"`
}

// letStmt declares one or more names: let a = 1, let a, b = xs,
// let a, b = 1, 2. How many values may go with how many names is checked
// after parsing.
type letStmt struct {
	Name   *lexer.Token `parser:"'let' @Ident"`
	More   []*commaName `parser:"@@*"`
	Eq     *lexer.Token `parser:"( @'='"`
	Value  *expression  `parser:"  @@"`
	Values []*commaExpr `parser:"  @@* )?"`
}

type commaName struct {
	Comma *lexer.Token `parser:"@','"`
	Name  *lexer.Token `parser:"@Ident"`
}

type fnStmt struct {
	Fn     *lexer.Token `parser:"@'fn'"`
	Name   *lexer.Token `parser:"@Ident"`
	Params *paramList   `parser:"@@"`
	Body   *block       `parser:"@@"`
}

type ifStmt struct {
	If    *lexer.Token  `parser:"@'if'"`
	Cond  *expression   `parser:"@@"`
	Then  *block        `parser:"@@"`
	Elses []*elseClause `parser:"@@*"`
}

// elseClause is "else if c { }" or "else { }"; that a plain else comes last
// is checked after parsing.
type elseClause struct {
	Else  *lexer.Token `parser:"@'else'"`
	If    *lexer.Token `parser:"( @'if'"`
	Cond  *expression  `parser:"  @@"`
	Then  *block       `parser:"  @@"`
	Block *block       `parser:"| @@ )"`
}

type whileStmt struct {
	While *lexer.Token `parser:"@'while'"`
	Cond  *expression  `parser:"@@"`
	Body  *block       `parser:"@@"`
}

type forStmt struct {
	For    *lexer.Token `parser:"@'for'"`
	First  *lexer.Token `parser:"@Ident"`
	Second *lexer.Token `parser:"( ',' @Ident )?"`
	Iter   *expression  `parser:"'in' @@"`
	Body   *block       `parser:"@@"`
}

type returnStmt struct {
	Return *lexer.Token `parser:"@'return'"`
	Value  *expression  `parser:"@@?"`
}

type throwStmt struct {
	Throw *lexer.Token `parser:"@'throw'"`
	Value *expression  `parser:"@@"`
}

type tryStmt struct {
	Try     *lexer.Token `parser:"@'try'"`
	Body    *block       `parser:"@@"`
	Catch   *catchClause `parser:"@@?"`
	Finally *block       `parser:"( 'finally' @@ )?"`
	EndPos  lexer.Position
}

type catchClause struct {
	Catch *lexer.Token `parser:"@'catch'"`
	Name  *lexer.Token `parser:"@Ident?"`
	Body  *block       `parser:"@@"`
}

type importStmt struct {
	Import *lexer.Token `parser:"@'import'"`
	Module *lexer.Token `parser:"( @Ident"`
	Path   *lexer.Token `parser:"| @String )"`
	Alias  *lexer.Token `parser:"( 'as' @Ident )?"`
	EndPos lexer.Position
}

// simpleStmt is an expression statement or an assignment, with one or more
// targets and values (a, b = b, a).
type simpleStmt struct {
	Pos     lexer.Position
	Target  *expression  `parser:"@@"`
	Targets []*commaExpr `parser:"@@*"`
	Op      *lexer.Token `parser:"( @AssignOp"`
	Value   *expression  `parser:"  @@"`
	Values  []*commaExpr `parser:"  @@* )?"`
}

type block struct {
	Stmts []*statement `parser:"'{' ( @@ EOL )*"`
	Close *lexer.Token `parser:"@'}'"`
}

type paramList struct {
	First *param        `parser:"'(' ( @@"`
	Rest  []*commaParam `parser:"  @@* )? ')'"`
}

type commaParam struct {
	Comma *lexer.Token `parser:"@','"`
	Param *param       `parser:"@@?"`
}

// param is one parameter; a "*" before the name makes it collect the
// remaining arguments (that it is the last one is checked after parsing).
type param struct {
	Star    *lexer.Token `parser:"@'*'?"`
	Name    *lexer.Token `parser:"@Ident"`
	Default *expression  `parser:"( '=' @@ )?"`
}

// ---- expressions ----
//
// The binary operators of every precedence are parsed as one flat sequence,
// an operand followed by operator-operand pairs (binaryExpr); convert.go
// builds the tree from it by precedence climbing over one table of the
// operators' precedence. Only what a flat sequence cannot say is left to the
// grammar: where a prefix "not" may stand (first, or after "or" and "and",
// as it binds looser than the comparisons), and power, the one
// right-associative operator, which binds tighter than a unary minus on its
// left.

// expression is a conditional expression, "a if c else b", or just its
// first operand. The lexer gives the "if" and "else" of a conditional the
// token type CondKw, so they are never taken for an if statement.
type expression struct {
	X    *binaryExpr  `parser:"@@"`
	If   *lexer.Token `parser:"( @'if'"`
	Cond *binaryExpr  `parser:"  @@"`
	Else *expression  `parser:"  'else' @@ )?"`
}

// binaryExpr is an operand and the binary operators and operands that follow
// it, of any precedence. Comparisons are accepted in a chain so that "a < b <
// c" gets a clear message after parsing.
type binaryExpr struct {
	X    *notExpr      `parser:"@@"`
	Rest []*binaryRest `parser:"@@*"`
}

// binaryRest is one binary operator and its right operand: a "not" may
// start the operand only after "or" and "and". Pos is the operator's.
type binaryRest struct {
	Pos   lexer.Position
	Logic string   `parser:"( @( 'or' | 'and' )"`
	Not   *notExpr `parser:"  @@"`
	Op    string   `parser:"| @( CmpOp | AddOp | MulOp )"`
	Y     *unary   `parser:"  @@ )"`
}

type notExpr struct {
	Nots []string `parser:"@'not'*"`
	X    *unary   `parser:"@@"`
}

type unary struct {
	Negs []string `parser:"@'-'*"`
	X    *power   `parser:"@@"`
}

// power is x ** y. It binds tighter than a unary minus on its left and
// looser than one on its right (-2 ** -1 is -(2 ** (-1))), and it is
// right-associative: the exponent is a unary, which holds a power.
type power struct {
	X   *postfix     `parser:"@@"`
	Op  *lexer.Token `parser:"( @PowOp"`
	Exp *unary       `parser:"  @@ )?"`
}

type postfix struct {
	X    *primary  `parser:"@@"`
	Rest []*suffix `parser:"@@*"`
}

// suffix: the look at the token type makes the common case, no suffix,
// cheap.
type suffix struct {
	Call  *callArgs    `parser:"(?= Suffix) ( @@"`
	Index *subscript   `parser:"| @@"`
	Field *lexer.Token `parser:"| '.' @Ident )"`
}

type callArgs struct {
	Open  *lexer.Token `parser:"@'('"`
	First *callArg     `parser:"( @@"`
	Rest  []*commaArg  `parser:"  @@* )? ')'"`
}

// callArg is one argument; a "*" before it spreads a list (only the last
// argument may be spread, which is checked after parsing).
type callArg struct {
	Star *lexer.Token `parser:"@'*'?"`
	X    *expression  `parser:"@@"`
}

type commaArg struct {
	Comma *lexer.Token `parser:"@','"`
	Arg   *callArg     `parser:"@@?"`
}

// commaExpr is one more element of a comma-separated list. The element is
// optional so that a trailing comma needs no backtracking; an empty element
// that is not the last is reported after parsing.
type commaExpr struct {
	Comma *lexer.Token `parser:"@','"`
	X     *expression  `parser:"@@?"`
}

type subscript struct {
	Open   *lexer.Token `parser:"@'['"`
	Lo     *expression  `parser:"@@?"`
	Colon  bool         `parser:"( @':'"`
	Hi     *expression  `parser:"  @@?"`
	Colon2 bool         `parser:"  ( ':'"`
	Step   *expression  `parser:"    @@? )? )?"`
	Close  *lexer.Token `parser:"@']'"`
}

type primary struct {
	Ident   *lexer.Token `parser:"  @Ident"`
	Int     *lexer.Token `parser:"| @Int"`
	String  *lexer.Token `parser:"| @String"`
	Const   *lexer.Token `parser:"| @Const"`
	Float   *lexer.Token `parser:"| @Float"`
	FString *lexer.Token `parser:"| @FString"`
	Paren   *paren       `parser:"| @@"`
	List    *listLit     `parser:"| @@"`
	Map     *mapLit      `parser:"| @@"`
	Func    *funcLit     `parser:"| @@"`
	Yield   *yieldExpr   `parser:"| @@"`
}

type paren struct {
	Open *lexer.Token `parser:"@'('"`
	X    *expression  `parser:"@@ ')'"`
}

type listLit struct {
	Open  *lexer.Token `parser:"@'['"`
	First *expression  `parser:"( @@"`
	Rest  []*commaExpr `parser:"  @@* )? ']'"`
}

type mapLit struct {
	Open  *lexer.Token  `parser:"@'{'"`
	First *mapEntry     `parser:"( @@"`
	Rest  []*commaEntry `parser:"  @@* )? '}'"`
}

type commaEntry struct {
	Comma *lexer.Token `parser:"@','"`
	Entry *mapEntry    `parser:"@@?"`
}

type mapEntry struct {
	Key   *expression `parser:"@@"`
	Value *expression `parser:"':' @@"`
}

type funcLit struct {
	Fn     *lexer.Token `parser:"@'fn'"`
	Params *paramList   `parser:"@@"`
	Body   *block       `parser:"@@"`
}

// yieldExpr is parsed as a primary; convert.go accepts it only as a whole
// statement, a whole right-hand side, a whole return value, or inside
// parentheses.
type yieldExpr struct {
	Yield *lexer.Token `parser:"@'yield'"`
	X     *expression  `parser:"@@?"`
}

// rootParser builds the parser on first use, not in the package's init: a
// program that imports the package but parses nothing (a host running
// compiled code) does not pay for it, and the command builds it after its
// heap floor is set, so the build's garbage starts no collection.
var rootParser = sync.OnceValue(func() *participle.Parser[root] {
	return participle.MustBuild[root](participle.Lexer(Lexer), participle.UseLookahead(0))
})

// parseFile parses the tokens of a program.
func parseFile(tokens []lexer.Token) (*program, error) {
	r, err := rootParser().ParseFromLexer(upgrade(tokens))
	if r == nil {
		return nil, err
	}
	return r.Prog, err
}

// parseExprTokens parses the tokens of an expression parsed alone.
func parseExprTokens(tokens []lexer.Token) (*exprInput, error) {
	marked := make([]lexer.Token, 0, len(tokens)+2)
	var pos lexer.Position
	if len(tokens) > 0 {
		pos = tokens[0].Pos
	}
	marked = append(marked, lexer.Token{Type: tExprStart, Pos: pos})
	marked = append(marked, tokens...)
	if n := len(marked); marked[n-1].EOF() {
		// ExprEnd stands where the EOF does, so an error there reads as
		// one at the end.
		marked = append(marked[:n-1], lexer.Token{Type: tExprEnd, Pos: marked[n-1].Pos}, marked[n-1])
	}
	r, err := rootParser().ParseFromLexer(upgrade(marked))
	if r == nil {
		return nil, err
	}
	return r.Expr, err
}
