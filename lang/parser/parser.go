package parser

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Error is a syntax error with its position.
type Error struct {
	File string
	Pos  Pos
	Msg  string

	incomplete bool // caused by reaching the end of the input
}

// Error returns "FILE:LINE:COL: message".
func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Col, e.Msg)
}

// Incomplete reports whether err is a syntax error caused by reaching the end
// of the input (an unclosed bracket, brace or string, or a statement cut
// short), so that more input could complete it. The REPL uses it to show a
// continuation prompt.
func Incomplete(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.incomplete
}

// ParseFile parses a whole source file. name is used in positions and errors.
// The error, if any, is an *Error.
func ParseFile(name string, src []byte) (f *File, err error) {
	defer recoverInternal(name, &err)
	tokens, sc, lexErr := lexAll(name, string(src), startPos(name))
	tree, perr := parseProgram(tokens, sc.boundaries)
	first := firstError(name, perr, lexErr, sc, "")
	if perr != nil {
		// The statements before the syntax error did parse: parse them
		// alone, to look for an error found in converting them.
		tree = parsePrefix(tokens, sc.boundaries, first.Pos)
	}
	var stmts []Stmt
	c := &converter{file: name, tokens: tokens}
	if tree != nil {
		stmts = c.stmts(tree.Stmts)
	}
	if c.err != nil && (first == nil || before(c.err.Pos, first.Pos)) {
		return nil, c.err
	}
	if first != nil {
		return nil, first
	}
	return &File{Name: name, Stmts: stmts}, nil
}

func before(a, b Pos) bool { return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col }

// parsePrefix parses the top-level statements that end before pos, or
// returns nil.
func parsePrefix(tokens []lexer.Token, boundaries []int, pos Pos) *program {
	at := sort.Search(len(tokens), func(i int) bool { return !before(toPos(tokens[i].Pos), pos) })
	j := sort.SearchInts(boundaries, at) - 1
	if j < 0 {
		return nil
	}
	end := boundaries[j] + 1
	prefix := append(tokens[:end:end], lexer.EOFToken(tokens[end].Pos))
	tree, err := parseProgram(prefix, boundaries[:j+1])
	if err != nil {
		return nil
	}
	return tree
}

// ParseExpr parses a single expression. A `yield` expression is accepted as
// the whole expression.
func ParseExpr(name string, src string) (x Expr, err error) {
	defer recoverInternal(name, &err)
	c := &converter{file: name}
	x = c.parseExprAt(src, startPos(name), "", true)
	if c.err != nil {
		return nil, c.err
	}
	return x, nil
}

// parseExprAt parses src, which starts at position start, as one expression.
// eofDesc, if not "", describes the end of src in messages (for an f-string
// expression, the end is its closing brace). Errors are recorded in c.
func (c *converter) parseExprAt(src string, start lexer.Position, eofDesc string, yieldOK bool) Expr {
	tokens, sc, lexErr := lexAll(c.file, src, start)
	if eofDesc != "" && lexErr != nil {
		lexErr.incomplete = false
	}
	tree, perr := parseExprTokens(tokens)
	if e := firstError(c.file, perr, lexErr, sc, eofDesc); e != nil {
		c.fail(e)
		return nil
	}
	outer := c.tokens
	c.tokens = tokens
	defer func() { c.tokens = outer }()
	if yieldOK {
		return c.rhs(tree.X)
	}
	return c.expr(tree.X)
}

// recoverInternal turns a panic into an *Error, so that a bug in the parser
// cannot take down its caller.
func recoverInternal(name string, err *error) {
	if r := recover(); r != nil {
		*err = &Error{File: name, Pos: Pos{Line: 1, Col: 1}, Msg: fmt.Sprintf("internal parser error: %v", r)}
	}
}

// lexAll runs the lexer over src. On a lexical error it returns the tokens
// before the error followed by an EOF at the error, so that the parser can
// still report an earlier syntax error first.
func lexAll(name, src string, start lexer.Position) ([]lexer.Token, *scanner, *lexError) {
	sc := newScanner(name, src, start)
	tokens := make([]lexer.Token, 0, len(src)/6+4)
	for {
		t, err := sc.Next()
		if err != nil {
			le := err.(*lexError)
			tokens = append(tokens, lexer.EOFToken(le.pos))
			return tokens, sc, le
		}
		tokens = append(tokens, t)
		if t.EOF() {
			return tokens, sc, nil
		}
	}
}

type sliceLexer struct {
	tokens []lexer.Token
	i      int
}

func (l *sliceLexer) Next() (lexer.Token, error) {
	t := l.tokens[l.i]
	if l.i < len(l.tokens)-1 {
		l.i++
	}
	return t, nil
}

func upgrade(tokens []lexer.Token) *lexer.PeekingLexer {
	pl, _ := lexer.Upgrade(&sliceLexer{tokens: tokens})
	return pl
}

// firstError picks the error to report from a parse error and a lexical
// error: whichever comes first in the source.
func firstError(name string, perr error, lexErr *lexError, sc *scanner, eofDesc string) *Error {
	if lexErr != nil {
		le := &Error{File: name, Pos: toPos(lexErr.pos), Msg: lexErr.msg, incomplete: lexErr.incomplete}
		if perr == nil {
			return le
		}
		if pe := syntaxError(name, perr, sc, eofDesc); before(pe.Pos, le.Pos) {
			return pe
		}
		return le
	}
	if perr == nil {
		return nil
	}
	return syntaxError(name, perr, sc, eofDesc)
}

func toPos(p lexer.Position) Pos { return Pos{Line: p.Line, Col: p.Column} }

// syntaxError translates a participle error into an *Error with a friendly
// message.
func syntaxError(name string, err error, sc *scanner, eofDesc string) *Error {
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		tok := ute.Unexpected
		atEnd := tok.EOF() || tok.Type == tExprEnd || tok.Type == tEOL && tok.Value == eolEnd
		e := &Error{File: name, Pos: toPos(tok.Pos), incomplete: atEnd && eofDesc == ""}
		if atEnd && eofDesc == "" && sc != nil && len(sc.stack) > 0 && sc.err == nil {
			b := sc.stack[len(sc.stack)-1]
			open := "{"
			switch b.kind {
			case '(':
				open = "("
			case '[':
				open = "["
			}
			e.Msg = fmt.Sprintf("unexpected end of input: %q at %d:%d is not closed", open, b.pos.Line, b.pos.Column)
			return e
		}
		e.Msg = "unexpected " + describe(tok, eofDesc)
		exp := expectation(ute.Message())
		if exp == "" && eofDesc != "" {
			exp = eofDesc // in an f-string, what may follow an expression is its "}"
		}
		if exp != "" {
			e.Msg += ", expected " + exp
		}
		return e
	}
	var perr participle.Error
	if errors.As(err, &perr) {
		p := toPos(perr.Position())
		if p.Line < 1 {
			p = Pos{Line: 1, Col: 1}
		}
		return &Error{File: name, Pos: p, Msg: perr.Message()}
	}
	return &Error{File: name, Pos: Pos{Line: 1, Col: 1}, Msg: err.Error()}
}

// describe names a token for a message.
func describe(t lexer.Token, eofDesc string) string {
	end := "end of input"
	if eofDesc != "" {
		end = eofDesc
	}
	switch t.Type {
	case lexer.EOF, tExprEnd:
		return end
	case tEOL:
		switch t.Value {
		case eolNewline:
			return "newline"
		case eolEnd:
			return end
		}
		return fmt.Sprintf("%q", t.Value)
	case tIdent:
		return fmt.Sprintf("name %q", t.Value)
	case tInt, tFloat:
		return "number " + t.Value
	case tString:
		v := t.Value
		if utf8.RuneCountInString(v) > 24 {
			r := []rune(v)
			v = string(r[:20]) + "..."
		}
		return "string " + v
	case tFString:
		return "f-string"
	}
	return fmt.Sprintf("%q", t.Value)
}

// productionNames gives the friendly name of grammar productions as they
// appear in participle's "expected ..." text.
var productionNames = map[string]string{
	"Expression": "expression",
	"BinaryExpr": "expression",
	"NotExpr":    "expression",
	"Unary":      "expression",
	"Power":      "expression",
	"Postfix":    "expression",
	"Primary":    "expression",
	"Block":      `"{"`,
	"ParamList":  `"("`,
	"Param":      "parameter name",
	"Statement":  "statement",
	"MapEntry":   "map key",
	"<eol>":      `newline or ";"`,
	"<ident>":    "name",
	"<string>":   "string",
}

// expectation extracts what participle expected from its message and says
// it in words, or returns "" when that is not simple to say.
func expectation(msg string) string {
	i := strings.Index(msg, " (expected ")
	if i < 0 || !strings.HasSuffix(msg, ")") {
		return ""
	}
	names := firstSet(msg[i+len(" (expected ") : len(msg)-1])
	var out []string
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return strings.Join(out, " or ")
}

// firstSet returns the friendly names of what can start a piece of EBNF as
// participle writes it, or nil if that is unknown.
func firstSet(text string) []string {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	if alts := splitTop(text, " | "); len(alts) > 1 {
		var out []string
		for _, a := range alts {
			f := firstSet(a)
			if f == nil {
				return nil
			}
			out = append(out, f...)
		}
		return out
	}
	seq := splitTop(text, " ")
	first, rest := seq[0], strings.Join(seq[1:], " ")
	if len(first) < 2 {
		return nil
	}
	optional := false
	switch first[len(first)-1] {
	case '?', '*':
		optional = true
		first = first[:len(first)-1]
	case '+', '!':
		first = first[:len(first)-1]
	}
	var out []string
	switch {
	case strings.HasPrefix(first, "(?"):
		return nil // a lookahead
	case strings.HasPrefix(first, "(") && strings.HasSuffix(first, ")"):
		out = firstSet(first[1 : len(first)-1])
	case strings.HasPrefix(first, `"`):
		out = []string{first}
	default:
		if name := productionNames[first]; name != "" {
			out = []string{name}
		}
	}
	if out == nil {
		return nil
	}
	if optional {
		more := firstSet(rest)
		if more == nil {
			return nil
		}
		out = append(out, more...)
	}
	return out
}

// splitTop splits text at sep where sep is outside parentheses and quotes.
func splitTop(text, sep string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '"':
			for i++; i < len(text) && text[i] != '"'; i++ {
				if text[i] == '\\' {
					i++
				}
			}
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0 && strings.HasPrefix(text[i:], sep):
			parts = append(parts, text[start:i])
			i += len(sep) - 1
			start = i + 1
		}
	}
	return append(parts, text[start:])
}

// FormatError renders err for a terminal: the line "FILE:LINE:COL: message",
// then the source line, then a caret under the column. Tabs in the source
// line are kept, and reproduced in the caret line so that the caret aligns.
// The result has no trailing newline.
//
//	t.ys:3:9: unexpected "}", expected expression
//	    let x = }
//	            ^
func FormatError(err *Error, src []byte) string {
	var b strings.Builder
	b.WriteString(err.Error())
	line := sourceLine(src, err.Pos.Line)
	b.WriteString("\n    ")
	b.WriteString(line)
	b.WriteString("\n    ")
	col := err.Pos.Col - 1
	for i, r := range line {
		if i >= col {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	if col > len(line) {
		b.WriteString(strings.Repeat(" ", col-len(line)))
	}
	b.WriteByte('^')
	return b.String()
}

// sourceLine returns line n (1-based) of src without its line ending, or ""
// if there is no such line.
func sourceLine(src []byte, n int) string {
	s := string(src)
	for i := 1; i < n; i++ {
		j := strings.IndexByte(s, '\n')
		if j < 0 {
			return ""
		}
		s = s[j+1:]
	}
	if j := strings.IndexByte(s, '\n'); j >= 0 {
		s = s[:j]
	}
	return strings.TrimSuffix(s, "\r")
}
