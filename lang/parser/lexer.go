package parser

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types produced by the lexer. Keywords have their own type so that
// the grammar's literals ("if", "let", ...) never match an identifier, and
// strings keep their source text (quotes included) so that a string token
// never matches a grammar literal either.
//
// Binary operators have a type per precedence level, so that the grammar
// matches an operator with one token-type test. The comparison operators
// include "in" and "not in" (one token, which the lexer forms from the two
// keywords).
const (
	tEOL lexer.TokenType = -(iota + 2)
	tIdent
	tKeyword
	tInt
	tFloat
	tString
	tFString
	tConst     // nil true false
	tCmpOp     // == != < <= > >= in "not in"
	tAddOp     // + -
	tMulOp     // * / // %
	tAssignOp  // = += -= *= /=
	tSuffix    // ( [ .   (what can start a call, index or field suffix)
	tPunct     // ) ] { } , :
	tStmtKw    // the keywords that start a statement; "fn" when a name follows
	tPowOp     // **
	tCondKw    // the "if" and "else" of a conditional expression (a if c else b)
	tExprStart // no text: put before the tokens of an expression parsed alone
	tExprEnd   // no text: put after them, before the EOF
)

var symbols = map[string]lexer.TokenType{
	"EOF":       lexer.EOF,
	"EOL":       tEOL,
	"Ident":     tIdent,
	"Keyword":   tKeyword,
	"Int":       tInt,
	"Float":     tFloat,
	"String":    tString,
	"FString":   tFString,
	"Const":     tConst,
	"CmpOp":     tCmpOp,
	"AddOp":     tAddOp,
	"MulOp":     tMulOp,
	"AssignOp":  tAssignOp,
	"Suffix":    tSuffix,
	"Punct":     tPunct,
	"StmtKw":    tStmtKw,
	"PowOp":     tPowOp,
	"CondKw":    tCondKw,
	"ExprStart": tExprStart,
	"ExprEnd":   tExprEnd,
}

// opType returns the token type of an operator or punctuation token.
func opType(op string) lexer.TokenType {
	switch op {
	case "==", "!=", "<", "<=", ">", ">=":
		return tCmpOp
	case "+", "-":
		return tAddOp
	case "*", "/", "//", "%":
		return tMulOp
	case "**":
		return tPowOp
	case "=", "+=", "-=", "*=", "/=", "**=":
		return tAssignOp
	case "(", "[", ".":
		return tSuffix
	}
	return tPunct
}

var keywords = map[string]bool{
	"let": true, "fn": true, "return": true, "if": true, "else": true,
	"while": true, "for": true, "in": true, "break": true, "continue": true,
	"yield": true, "try": true, "catch": true, "finally": true, "throw": true,
	"import": true, "as": true, "and": true, "or": true, "not": true,
	"nil": true, "true": true, "false": true,
}

// Values of EOL (statement terminator) tokens. A terminator is a newline, a
// semicolon, or one the lexer inserts before a closing block brace or at the
// end of the input, so that every statement is followed by exactly one EOL.
const (
	eolNewline = "\n"
	eolSemi    = ";"
	eolBrace   = "}" // inserted before the "}" that closes a block
	eolEnd     = ""  // inserted at the end of the input
)

// Limits that keep the recursive-descent parser's stack small.
const (
	maxNesting       = 200 // brackets, braces and prefix operators, nested
	maxFStringNested = 8   // f-strings inside f-string expressions
)

// Lexer is the YieldScript lexer as a participle lexer definition.
var Lexer lexer.Definition = lexDefinition{}

type lexDefinition struct{}

func (lexDefinition) Symbols() map[string]lexer.TokenType { return symbols }

func (lexDefinition) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return newScanner(filename, string(b), startPos(filename)), nil
}

func (lexDefinition) LexString(filename, input string) (lexer.Lexer, error) {
	return newScanner(filename, input, startPos(filename)), nil
}

func (lexDefinition) LexBytes(filename string, input []byte) (lexer.Lexer, error) {
	return newScanner(filename, string(input), startPos(filename)), nil
}

func startPos(filename string) lexer.Position {
	return lexer.Position{Filename: filename, Line: 1, Column: 1}
}

// lexError is a lexical error. It satisfies participle.Error.
type lexError struct {
	pos        lexer.Position
	msg        string
	incomplete bool // caused by reaching the end of the input
}

func (e *lexError) Error() string            { return fmt.Sprintf("%s: %s", e.pos, e.msg) }
func (e *lexError) Message() string          { return e.msg }
func (e *lexError) Position() lexer.Position { return e.pos }

// bracket is one entry of the lexer's bracket stack.
type bracket struct {
	kind  byte // '(', '[', 'm' (map literal brace) or 'b' (block brace)
	pos   lexer.Position
	saved int // nesting to give back when the bracket closes
}

// scanner is the hand-written lexer. It produces tokens one at a time and
// implements the newline rules of the language with a bracket stack.
type scanner struct {
	name      string
	src       string
	off       int
	line      int
	lineStart int // offset of the current line's start, shifted for sub-scanners
	baseOff   int // offset of src within the whole file

	stack  []bracket
	nest   int // nesting of the brackets on the stack
	prefix int // run of prefix operators just before the current token

	prev          lexer.Token // last token emitted
	hasPrev       bool
	prevBlockOpen bool // prev is a "{" that opened a block

	pending     *lexer.Token // terminator waiting for the next token
	pendingSemi bool         // the pending run of terminators contains a ";"

	queue []lexer.Token
	qhead int

	// condIfs holds, for each "if" of a conditional expression waiting for
	// its "else", the depth of the bracket stack where it stands.
	condIfs []int

	pushed     int   // tokens produced so far
	boundaries []int // indexes of the EOL tokens that end top-level statements
	done       bool
	err        *lexError
}

// newScanner returns a scanner for src, whose first byte is at position start.
func newScanner(name, src string, start lexer.Position) *scanner {
	s := &scanner{
		name:      name,
		src:       src,
		line:      start.Line,
		lineStart: -(start.Column - 1),
		baseOff:   start.Offset,
	}
	if start.Offset == 0 && strings.HasPrefix(src, "\uFEFF") {
		s.off = 3 // a byte order mark is not part of the program
		s.lineStart = 3
	}
	return s
}

// pos returns the position of the byte at offset off, which must be on the
// current line.
func (s *scanner) pos(off int) lexer.Position {
	return lexer.Position{Filename: s.name, Offset: s.baseOff + off, Line: s.line, Column: off - s.lineStart + 1}
}

// Next implements lexer.Lexer.
func (s *scanner) Next() (lexer.Token, error) {
	for s.qhead == len(s.queue) {
		if s.err != nil {
			return lexer.Token{}, s.err
		}
		if s.done {
			return lexer.EOFToken(s.pos(len(s.src))), nil
		}
		s.queue = s.queue[:0]
		s.qhead = 0
		s.scan()
	}
	t := s.queue[s.qhead]
	s.qhead++
	return t, nil
}

func (s *scanner) fail(p lexer.Position, incomplete bool, format string, args ...any) {
	if s.err == nil {
		s.err = &lexError{pos: p, msg: fmt.Sprintf(format, args...), incomplete: incomplete}
	}
}

// scan reads the next token (or the end of the input) and queues what it
// produces.
func (s *scanner) scan() {
	for s.off < len(s.src) {
		switch c := s.src[s.off]; c {
		case ' ', '\t', '\r', '\f', '\v':
			s.off++
		case '#':
			if i := strings.IndexByte(s.src[s.off:], '\n'); i >= 0 {
				s.off += i
			} else {
				s.off = len(s.src)
			}
		case '\n':
			p := s.pos(s.off)
			s.off++
			s.line++
			s.lineStart = s.off
			if s.newlineSignificant() {
				s.terminator(p, eolNewline)
			}
		case ';':
			s.terminator(s.pos(s.off), eolSemi)
			s.off++
		default:
			s.token()
			return
		}
	}
	s.finish()
}

// newlineSignificant reports whether a newline at the current point ends a
// statement.
func (s *scanner) newlineSignificant() bool {
	if n := len(s.stack); n > 0 && s.stack[n-1].kind != 'b' {
		return false
	}
	return s.hasPrev && !continues(s.prev)
}

// continues reports whether a newline after t is insignificant because t
// cannot end a statement.
func continues(t lexer.Token) bool {
	switch t.Type {
	case tCmpOp, tAddOp, tMulOp, tPowOp, tAssignOp, tSuffix, tCondKw:
		return true
	case tPunct:
		switch t.Value {
		case ")", "]", "}":
			return false
		}
		return true // ",", "{", ":"
	case tKeyword:
		switch t.Value {
		case "and", "or", "not":
			return true
		}
	}
	return false
}

// terminator records a newline or ";". Runs of terminators collapse into
// one, and a terminator at the start of the input or of a block is dropped.
func (s *scanner) terminator(p lexer.Position, v string) {
	if s.pending != nil {
		if v == eolSemi {
			s.pendingSemi = true
		}
		return
	}
	if !s.hasPrev || s.prev.Type == tEOL || s.prevBlockOpen {
		return
	}
	s.pending = &lexer.Token{Type: tEOL, Value: v, Pos: p}
	s.pendingSemi = v == eolSemi
}

// finish queues what ends the input: a last terminator if the input does not
// end in one, then EOF.
func (s *scanner) finish() {
	p := s.pos(len(s.src))
	if s.pending != nil {
		s.push(*s.pending)
		s.pending = nil
	} else if s.hasPrev && s.prev.Type != tEOL && !s.prevBlockOpen {
		if n := len(s.stack); n == 0 || s.stack[n-1].kind == 'b' {
			s.push(lexer.Token{Type: tEOL, Value: eolEnd, Pos: p})
		}
	}
	s.push(lexer.EOFToken(p))
	s.done = true
}

func (s *scanner) push(t lexer.Token) {
	if t.Type == tEOL {
		if len(s.stack) == 0 {
			s.boundaries = append(s.boundaries, s.pushed)
		}
		s.dropCondIfs(len(s.stack))
	}
	s.pushed++
	s.queue = append(s.queue, t)
	s.prev = t
	s.hasPrev = true
	s.prevBlockOpen = false
}

// emit queues a real token, preceded by the pending terminator (unless t is
// "else", "catch" or "finally", which continue the statement before a
// newline) and by an inserted terminator when t closes a block.
func (s *scanner) emit(t lexer.Token) {
	if s.pending != nil {
		if !(!s.pendingSemi && t.Type == tKeyword && (t.Value == "else" || t.Value == "catch" || t.Value == "finally")) {
			s.push(*s.pending)
		}
		s.pending = nil
	}
	isPrefix := false
	block := false
	switch t.Type {
	case tPunct, tSuffix:
		switch t.Value {
		case "(", "[", "{":
			kind := t.Value[0]
			if kind == '{' {
				kind = 'm'
				if s.opensBlock() {
					kind, block = 'b', true
				}
			}
			if s.nest+s.prefix+1 > maxNesting {
				s.fail(t.Pos, false, "nesting too deep (more than %d levels)", maxNesting)
				return
			}
			s.stack = append(s.stack, bracket{kind: kind, pos: t.Pos, saved: s.prefix + 1})
			s.nest += s.prefix + 1
			s.prefix = 0
		case ")", "]", "}":
			if n := len(s.stack); n > 0 {
				top := s.stack[n-1]
				if t.Value == "}" && top.kind == 'b' && s.prev.Type != tEOL && !s.prevBlockOpen {
					s.push(lexer.Token{Type: tEOL, Value: eolBrace, Pos: t.Pos})
				}
				s.stack = s.stack[:n-1]
				s.nest -= top.saved
				s.dropCondIfs(len(s.stack) + 1)
			}
			s.prefix = 0
		default:
			s.prefix = 0
		}
	case tAddOp:
		if t.Value == "-" {
			isPrefix = true
		} else {
			s.prefix = 0
		}
	case tKeyword:
		switch t.Value {
		case "not", "yield":
			isPrefix = true
		default:
			s.prefix = 0
		}
	default:
		s.prefix = 0
	}
	if isPrefix {
		if s.nest+s.prefix+1 > maxNesting {
			s.fail(t.Pos, false, "nesting too deep (more than %d levels)", maxNesting)
			return
		}
		s.prefix++
	}
	s.push(t)
	s.prevBlockOpen = block
}

// dropCondIfs forgets the conditional-expression "if"s at bracket depth d or
// deeper: the statement or bracket they stood in has ended.
func (s *scanner) dropCondIfs(d int) {
	for n := len(s.condIfs); n > 0 && s.condIfs[n-1] >= d; n-- {
		s.condIfs = s.condIfs[:n-1]
	}
}

// endsValue reports whether the last token, on the same line as the next
// one, can end an expression.
func (s *scanner) endsValue() bool {
	return s.hasPrev && s.pending == nil && endsExpr(s.prev)
}

// opensBlock decides whether a "{" opens a block (after something that ends
// an expression, or after else/try/catch/finally) or a map literal.
func (s *scanner) opensBlock() bool {
	if !s.hasPrev {
		return false
	}
	if endsExpr(s.prev) {
		return true
	}
	switch t := s.prev; t.Type {
	case tKeyword, tStmtKw:
		switch t.Value {
		case "else", "try", "catch", "finally":
			return true
		}
	}
	return false
}

// endsExpr reports whether t can be the last token of an expression: an
// operand or a closing bracket.
func endsExpr(t lexer.Token) bool {
	switch t.Type {
	case tIdent, tInt, tFloat, tString, tFString, tConst:
		return true
	case tPunct:
		return t.Value == ")" || t.Value == "]" || t.Value == "}"
	}
	return false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isHex(c byte) bool    { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
func isIdentByte(c byte) bool {
	return isLetter(c) || isDigit(c)
}

// multiCharOps are the operators longer than one byte, longest first.
var multiCharOps = []string{"**=", "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/="}

// token scans one token starting at s.off.
func (s *scanner) token() {
	start := s.off
	p := s.pos(start)
	c := s.src[start]
	switch {
	case isLetter(c):
		i := start + 1
		for i < len(s.src) && isIdentByte(s.src[i]) {
			i++
		}
		word := s.src[start:i]
		if word == "f" && i < len(s.src) && (s.src[i] == '"' || s.src[i] == '\'') {
			end, _, err := scanFString(s.src, start, p, 0)
			if err != nil {
				s.err = err
				return
			}
			s.off = end
			s.emit(lexer.Token{Type: tFString, Value: s.src[start:end], Pos: p})
			return
		}
		s.off = i
		typ := tIdent
		if keywords[word] {
			typ = tKeyword
			switch word {
			case "nil", "true", "false":
				typ = tConst
			case "let", "return", "while", "for", "break", "continue", "throw", "try", "import":
				typ = tStmtKw
			case "fn":
				// "fn NAME" starts a function statement; "fn(" a literal.
				j := i
				for j < len(s.src) && (s.src[j] == ' ' || s.src[j] == '\t') {
					j++
				}
				if j < len(s.src) && isLetter(s.src[j]) {
					typ = tStmtKw
				}
			case "if":
				// After a value on the same line, "if" starts the condition
				// of a conditional expression, not a statement.
				if s.endsValue() {
					typ = tCondKw
					s.condIfs = append(s.condIfs, len(s.stack))
				} else {
					typ = tStmtKw
				}
			case "else":
				if n := len(s.condIfs); n > 0 && s.condIfs[n-1] == len(s.stack) {
					typ = tCondKw
					s.condIfs = s.condIfs[:n-1]
				}
			case "in":
				typ = tCmpOp
			case "not":
				if end, ok := s.notIn(i); ok {
					s.off = end
					s.emit(lexer.Token{Type: tCmpOp, Value: "not in", Pos: p})
					return
				}
			}
		}
		s.emit(lexer.Token{Type: typ, Value: word, Pos: p})
	case isDigit(c):
		typ, end, err := scanNumber(s.src, start, p)
		if err != nil {
			s.err = err
			return
		}
		s.off = end
		s.emit(lexer.Token{Type: typ, Value: s.src[start:end], Pos: p})
	case c == '"' || c == '\'':
		end, _, err := scanQuoted(s.src, start, p)
		if err != nil {
			s.err = err
			return
		}
		s.off = end
		s.emit(lexer.Token{Type: tString, Value: s.src[start:end], Pos: p})
	case c == '`':
		i := strings.IndexByte(s.src[start+1:], '`')
		if i < 0 {
			s.fail(p, true, "unterminated raw string")
			return
		}
		end := start + 1 + i + 1
		text := s.src[start:end]
		// A raw string may span lines.
		if n := strings.Count(text, "\n"); n > 0 {
			s.line += n
			s.lineStart = start + strings.LastIndexByte(text, '\n') + 1
		}
		s.off = end
		s.emit(lexer.Token{Type: tString, Value: text, Pos: p})
	default:
		for _, op := range multiCharOps {
			if strings.HasPrefix(s.src[start:], op) {
				s.off += len(op)
				s.emit(lexer.Token{Type: opType(op), Value: op, Pos: p})
				return
			}
		}
		switch c {
		case '+', '-', '*', '/', '%', '<', '>', '=', '(', ')', '[', ']', '{', '}', ',', '.', ':':
			s.off++
			op := s.src[start : start+1]
			s.emit(lexer.Token{Type: opType(op), Value: op, Pos: p})
			return
		}
		s.fail(p, false, "%s", badChar(s.src[start:]))
	}
}

// notIn reports whether the keyword "not" that ends at offset i is followed
// by the keyword "in" (across spaces, comments and newlines, which are not
// significant after "not"). If so, it consumes up to the end of "in",
// keeping track of lines, and returns that offset.
func (s *scanner) notIn(i int) (int, bool) {
	line, lineStart := s.line, s.lineStart
	for i < len(s.src) {
		switch s.src[i] {
		case ' ', '\t', '\r', '\f', '\v':
			i++
			continue
		case '\n':
			i++
			line++
			lineStart = i
			continue
		case '#':
			for i < len(s.src) && s.src[i] != '\n' {
				i++
			}
			continue
		}
		break
	}
	if !strings.HasPrefix(s.src[i:], "in") || i+2 < len(s.src) && isIdentByte(s.src[i+2]) {
		return 0, false
	}
	s.line, s.lineStart = line, lineStart
	return i + 2, true
}

// badChar describes an unexpected character at the start of rest.
func badChar(rest string) string {
	r, size := utf8.DecodeRuneInString(rest)
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf("invalid UTF-8 byte 0x%02x", rest[0])
	}
	switch {
	case r == '!':
		return `unexpected character "!" (use "not", or "!=" to compare)`
	case r == '&':
		return `unexpected character "&" (use "and")`
	case r == '|':
		return `unexpected character "|" (use "or")`
	case r < ' ' || r == 0x7f:
		return fmt.Sprintf("unexpected control character U+%04X", r)
	case r >= utf8.RuneSelf:
		return fmt.Sprintf("unexpected character %q (U+%04X)", r, r)
	}
	return fmt.Sprintf("unexpected character %q", r)
}

// ---- literals ----
//
// The scanning functions below are pure: the lexer uses them to find the
// end of a literal and to report errors, and the conversion to the AST uses
// them again on the token's text to get the literal's value.

// scanDigits returns the end of a run of digits (as accepted by ok) in which
// single underscores may separate digits.
func scanDigits(src string, i int, ok func(byte) bool) int {
	for i < len(src) {
		if ok(src[i]) {
			i++
		} else if src[i] == '_' && i > 0 && ok(src[i-1]) && i+1 < len(src) && ok(src[i+1]) {
			i++
		} else {
			break
		}
	}
	return i
}

// scanNumber scans an int or float literal at src[start].
func scanNumber(src string, start int, p lexer.Position) (lexer.TokenType, int, *lexError) {
	bad := func(i int) (lexer.TokenType, int, *lexError) {
		for i < len(src) && (isIdentByte(src[i]) || src[i] == '.' && i+1 < len(src) && isDigit(src[i+1])) {
			i++
		}
		return 0, 0, &lexError{pos: p, msg: fmt.Sprintf("invalid number literal %q", src[start:i])}
	}
	if src[start] == '0' && start+1 < len(src) && (src[start+1] == 'x' || src[start+1] == 'X') {
		if start+2 >= len(src) || !isHex(src[start+2]) {
			return bad(start + 2)
		}
		i := scanDigits(src, start+2, isHex)
		if i < len(src) && isIdentByte(src[i]) {
			return bad(i)
		}
		if _, err := parseIntLit(src[start:i]); err != nil {
			return 0, 0, &lexError{pos: p, msg: err.Error()}
		}
		return tInt, i, nil
	}
	i := scanDigits(src, start, isDigit)
	typ := tInt
	if i+1 < len(src) && src[i] == '.' && isDigit(src[i+1]) {
		typ = tFloat
		i = scanDigits(src, i+1, isDigit)
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j >= len(src) || !isDigit(src[j]) {
			return bad(i)
		}
		typ = tFloat
		i = j
		for i < len(src) && isDigit(src[i]) { // no "_" in an exponent
			i++
		}
	}
	if i < len(src) && isIdentByte(src[i]) {
		return bad(i)
	}
	if typ == tInt {
		if _, err := parseIntLit(src[start:i]); err != nil {
			return 0, 0, &lexError{pos: p, msg: err.Error()}
		}
	}
	return typ, i, nil
}

// parseIntLit parses the text of an int literal. It accepts values up to
// 1<<63 (which only a negation can bring into range).
func parseIntLit(text string) (uint64, error) {
	clean := strings.ReplaceAll(text, "_", "")
	var v uint64
	var err error
	if len(clean) > 1 && (clean[1] == 'x' || clean[1] == 'X') {
		v, err = strconv.ParseUint(clean[2:], 16, 64)
	} else {
		if len(text) > 1 && text[0] == '0' {
			return 0, fmt.Errorf("invalid integer literal %q: leading zeros are not allowed", text)
		}
		v, err = strconv.ParseUint(clean, 10, 64)
	}
	if err != nil || v > 1<<63 {
		return 0, fmt.Errorf("integer literal out of range: %s", text)
	}
	return v, nil
}

func parseFloatLit(text string) float64 {
	// The lexer has checked the syntax; a value too large becomes an
	// infinity (as in Python), so the error is ignored.
	v, _ := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64)
	return v
}

// scanQuoted scans a "..." or '...' string starting at src[start] and returns
// the offset after its closing quote and its value.
func scanQuoted(src string, start int, p lexer.Position) (int, string, *lexError) {
	q := src[start]
	var b strings.Builder
	i := start + 1
	for {
		if i >= len(src) {
			return 0, "", &lexError{pos: p, msg: "unterminated string", incomplete: true}
		}
		c := src[i]
		switch {
		case c == q:
			return i + 1, b.String(), nil
		case c == '\n':
			return 0, "", &lexError{pos: p, msg: "unterminated string (a newline in a string is written \\n)"}
		case c == '\\':
			n, err := decodeEscape(src, i, &b)
			if err != nil {
				err.pos = p
				if err.incomplete {
					err.msg = "unterminated string"
				} else {
					// A bad escape is reported at its backslash (the string
					// so far is on one line).
					err.pos.Offset += i - start
					err.pos.Column += i - start
				}
				return 0, "", err
			}
			i = n
		default:
			b.WriteByte(c)
			i++
		}
	}
}

// decodeEscape decodes the escape sequence at src[i] (a backslash) into b and
// returns the offset after it. The error's position is left for the caller.
func decodeEscape(src string, i int, b *strings.Builder) (int, *lexError) {
	if i+1 >= len(src) {
		return 0, &lexError{incomplete: true}
	}
	switch c := src[i+1]; c {
	case 'n':
		b.WriteByte('\n')
	case 't':
		b.WriteByte('\t')
	case 'r':
		b.WriteByte('\r')
	case '\\', '"', '\'':
		b.WriteByte(c)
	case '0':
		b.WriteByte(0)
	case 'x':
		if i+3 < len(src) && isHex(src[i+2]) && isHex(src[i+3]) {
			v, _ := strconv.ParseUint(src[i+2:i+4], 16, 8)
			b.WriteByte(byte(v))
			return i + 4, nil
		}
		return 0, &lexError{msg: `invalid escape sequence: \x must be followed by two hex digits`}
	case 'u':
		j := i + 2
		if j < len(src) && src[j] == '{' {
			k := j + 1
			for k < len(src) && isHex(src[k]) && k-j <= 6 {
				k++
			}
			if n := k - j - 1; n >= 1 && n <= 6 && k < len(src) && src[k] == '}' {
				v, _ := strconv.ParseUint(src[j+1:k], 16, 32)
				if v > utf8.MaxRune || v >= 0xD800 && v <= 0xDFFF {
					return 0, &lexError{msg: fmt.Sprintf(`invalid escape sequence: \u{%s} is not a valid Unicode code point`, src[j+1:k])}
				}
				b.WriteRune(rune(v))
				return k + 1, nil
			}
		}
		return 0, &lexError{msg: `invalid escape sequence: \u must be followed by 1 to 6 hex digits in braces, as in \u{e9}`}
	case '\n':
		return 0, &lexError{msg: `invalid escape sequence: backslash at the end of a line`}
	default:
		r, _ := utf8.DecodeRuneInString(src[i+1:])
		return 0, &lexError{msg: fmt.Sprintf(`unknown escape sequence "\%c"`, r)}
	}
	return i + 2, nil
}

// decodeString returns the value of a string token's text (quoted or raw).
func decodeString(text string) string {
	if text[0] == '`' {
		return text[1 : len(text)-1]
	}
	_, v, _ := scanQuoted(text, 0, lexer.Position{})
	return v
}

// fpart is one part of an f-string: a literal piece (expr false, text is the
// decoded value) or a replacement field (expr true, text is the source of its
// expression). A field may have a conversion (!r or !s) and a format spec
// after a colon, whose parts are literal pieces and nested fields.
type fpart struct {
	expr    bool
	text    string
	pos     lexer.Position // start of the piece or of the expression text
	open    lexer.Position // for an expression: position of its "{"
	conv    byte           // 'r', 's' or 0
	hasSpec bool
	spec    []fpart
}

// scanFString scans an f-string starting at src[start] (the "f"), whose
// position is p (on one line: an f-string cannot span lines). It returns the
// offset after the closing quote and the parts.
func scanFString(src string, start int, p lexer.Position, depth int) (int, []fpart, *lexError) {
	if depth > maxFStringNested {
		return 0, nil, &lexError{pos: p, msg: fmt.Sprintf("f-strings nested too deeply (more than %d levels)", maxFStringNested)}
	}
	at := func(i int) lexer.Position {
		q := p
		q.Offset += i - start
		q.Column += i - start
		return q
	}
	unterminated := func(i int) (int, []fpart, *lexError) {
		return 0, nil, &lexError{pos: p, msg: "unterminated f-string", incomplete: i >= len(src)}
	}
	q := src[start+1]
	var parts []fpart
	var b strings.Builder
	litStart := start + 2
	flush := func() {
		if b.Len() > 0 {
			parts = append(parts, fpart{text: b.String(), pos: at(litStart)})
			b.Reset()
		}
	}
	i := start + 2
	for {
		if i >= len(src) || src[i] == '\n' {
			return unterminated(i)
		}
		c := src[i]
		switch {
		case c == q:
			flush()
			return i + 1, parts, nil
		case c == '\\':
			n, err := decodeEscape(src, i, &b)
			if err != nil {
				if err.incomplete {
					return unterminated(i + 1)
				}
				err.pos = at(i)
				return 0, nil, err
			}
			i = n
		case c == '{' && i+1 < len(src) && src[i+1] == '{', c == '}' && i+1 < len(src) && src[i+1] == '}':
			b.WriteByte(c)
			i += 2
		case c == '{':
			flush()
			end, part, err := scanField(src, i, q, at, p, depth, true)
			if err != nil {
				return 0, nil, err
			}
			parts = append(parts, part)
			i = end + 1
			litStart = i
		case c == '}':
			return 0, nil, &lexError{pos: at(i), msg: `single "}" in f-string (write "}}" for a literal brace)`}
		default:
			b.WriteByte(c)
			i++
		}
	}
}

// scanField scans the replacement field whose "{" is at src[open]: an
// expression, an optional conversion (!r or !s) and an optional format spec
// after a colon, which may hold nested fields ({x:{width}}) when nested is
// true. It returns the offset of the field's closing "}". q is the quote of
// the f-string, which cannot appear in a spec.
func scanField(src string, open int, q byte, at func(int) lexer.Position, fpos lexer.Position, depth int, nested bool) (int, fpart, *lexError) {
	unterminated := func(i int) (int, fpart, *lexError) {
		return 0, fpart{}, &lexError{pos: fpos, msg: "unterminated f-string", incomplete: i >= len(src)}
	}
	end, err := scanFExpr(src, open+1, at, fpos, depth)
	if err != nil {
		return 0, fpart{}, err
	}
	part := fpart{expr: true, text: src[open+1 : end], pos: at(open + 1), open: at(open)}
	i := end
	if src[i] == '!' {
		if i+1 >= len(src) || src[i+1] == '\n' {
			return unterminated(i + 1)
		}
		if c := src[i+1]; c != 'r' && c != 's' {
			return 0, fpart{}, &lexError{pos: at(i), msg: `an f-string conversion is !r or !s`}
		}
		part.conv = src[i+1]
		i += 2
		if i >= len(src) || src[i] == '\n' {
			return unterminated(i)
		}
		if src[i] != ':' && src[i] != '}' {
			return 0, fpart{}, &lexError{pos: at(i), msg: `expected ":" or "}" after the f-string conversion`}
		}
	}
	if src[i] == '}' {
		return i, part, nil
	}
	// A format spec: literal text and, when nested, fields.
	part.hasSpec = true
	i++
	litStart := i
	flush := func() {
		if i > litStart {
			part.spec = append(part.spec, fpart{text: src[litStart:i], pos: at(litStart)})
		}
	}
	for {
		if i >= len(src) || src[i] == '\n' || src[i] == q {
			return unterminated(i)
		}
		switch src[i] {
		case '}':
			flush()
			return i, part, nil
		case '{':
			if !nested {
				return 0, fpart{}, &lexError{pos: at(i), msg: "f-string format spec nested too deeply: a field inside a spec has no spec of its own"}
			}
			flush()
			e, inner, err := scanField(src, i, q, at, fpos, depth, false)
			if err != nil {
				return 0, fpart{}, err
			}
			part.spec = append(part.spec, inner)
			i = e + 1
			litStart = i
		default:
			i++
		}
	}
}

// scanFExpr finds where the f-string expression starting at src[i] ends: the
// "}" that closes its field, or the ":" of a format spec or the "!" of a
// conversion, outside brackets and strings.
func scanFExpr(src string, i int, at func(int) lexer.Position, fpos lexer.Position, depth int) (int, *lexError) {
	unterminated := func(i int) (int, *lexError) {
		return 0, &lexError{pos: fpos, msg: "unterminated f-string", incomplete: i >= len(src)}
	}
	var open []byte // brackets open inside the expression
	for {
		if i >= len(src) || src[i] == '\n' {
			return unterminated(i)
		}
		c := src[i]
		switch {
		case c == '(' || c == '[' || c == '{':
			open = append(open, c)
			i++
		case c == ')' || c == ']':
			opener := byte('(')
			if c == ']' {
				opener = '['
			}
			if n := len(open); n > 0 && open[n-1] == opener {
				open = open[:n-1]
			}
			i++
		case (c == ':' || c == '!' && (i+1 >= len(src) || src[i+1] != '=')) && len(open) == 0:
			return i, nil
		case c == '}':
			n := len(open)
			if n == 0 || open[n-1] != '{' {
				// The end of the expression; a bracket left open is for
				// the expression's parser to report.
				return i, nil
			}
			open = open[:n-1]
			i++
		case c == '#':
			return 0, &lexError{pos: at(i), msg: `"#" is not allowed in an f-string expression`}
		case c == '"' || c == '\'':
			end, _, err := scanQuoted(src, i, at(i))
			if err != nil {
				if strings.HasPrefix(err.msg, "unterminated") {
					return 0, &lexError{pos: fpos, msg: "unterminated f-string", incomplete: err.incomplete}
				}
				return 0, err
			}
			i = end
		case c == '`':
			j := strings.IndexAny(src[i+1:], "`\n")
			if j < 0 {
				return unterminated(len(src))
			}
			if src[i+1+j] == '\n' {
				return unterminated(i + 1 + j)
			}
			i += j + 2
		case isLetter(c):
			j := i + 1
			for j < len(src) && isIdentByte(src[j]) {
				j++
			}
			if j-i == 1 && c == 'f' && j < len(src) && (src[j] == '"' || src[j] == '\'') {
				end, _, err := scanFString(src, i, at(i), depth+1)
				if err != nil {
					if err.msg == "unterminated f-string" {
						return 0, &lexError{pos: fpos, msg: "unterminated f-string", incomplete: err.incomplete}
					}
					return 0, err
				}
				j = end
			}
			i = j
		default:
			i++
		}
	}
}
