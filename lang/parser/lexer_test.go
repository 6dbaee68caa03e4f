package parser

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
)

// lexDump lexes src and renders its tokens separated by spaces. Terminators
// show what made them: <nl> a newline, <;> a semicolon, <}> inserted before
// a block's closing brace, <end> inserted at the end of the input. EOF is
// left out.
func lexDump(src string) (string, error) {
	tokens, _, err := lexAll("t.ys", src, startPos("t.ys"))
	var parts []string
	for _, t := range tokens {
		switch {
		case t.EOF():
		case t.Type == tEOL:
			parts = append(parts, map[string]string{eolNewline: "<nl>", eolSemi: "<;>", eolBrace: "<}>", eolEnd: "<end>"}[t.Value])
		default:
			parts = append(parts, t.Value)
		}
	}
	if err != nil {
		return strings.Join(parts, " "), err
	}
	return strings.Join(parts, " "), nil
}

func TestLexNewlines(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"newline ends a statement", "x = 1\ny = 2", "x = 1 <nl> y = 2 <end>"},
		{"semicolon ends a statement", "x = 1; y = 2", "x = 1 <;> y = 2 <end>"},
		{"runs collapse", "x\n\n;\n;;\n\ny\n\n", "x <nl> y <nl>"},
		{"leading terminators dropped", "\n\n;\n x", "x <end>"},
		{"trailing newline is the terminator", "x\n", "x <nl>"},
		{"comment only", "# nothing\n", ""},
		{"empty", "", ""},
		{"shebang line", "#!/usr/bin/env yieldscript\nprint(1)\n", "print ( 1 ) <nl>"},
		{"comments", "x = 1 # one\n# two\ny # three", "x = 1 <nl> y <end>"},
		{"hash in string is not a comment", `s = "# no"`, `s = "# no" <end>`},

		{"inside parens", "f(\n a,\n b\n)\n", "f ( a , b ) <nl>"},
		{"inside brackets", "[\n1,\n2\n]\n", "[ 1 , 2 ] <nl>"},
		{"inside a map literal", "x = {\n a: 1,\n b: 2\n}\n", "x = { a : 1 , b : 2 } <nl>"},
		{"map at statement start", "{\na: 1\n}", "{ a : 1 } <end>"},
		{"nested map in call", "f({a:\n1})", "f ( { a : 1 } ) <end>"},

		{"after +", "x = a +\nb", "x = a + b <end>"},
		{"after -", "x = a -\nb", "x = a - b <end>"},
		{"after *", "x = a *\nb", "x = a * b <end>"},
		{"after /", "x = a /\nb", "x = a / b <end>"},
		{"after //", "x = a //\nb", "x = a // b <end>"},
		{"after %", "x = a %\nb", "x = a % b <end>"},
		{"after ==", "x = a ==\nb", "x = a == b <end>"},
		{"after !=", "x = a !=\nb", "x = a != b <end>"},
		{"after <", "x = a <\nb", "x = a < b <end>"},
		{"after <=", "x = a <=\nb", "x = a <= b <end>"},
		{"after >", "x = a >\nb", "x = a > b <end>"},
		{"after >=", "x = a >=\nb", "x = a >= b <end>"},
		{"after and", "x = a and\nb", "x = a and b <end>"},
		{"after or", "x = a or\nb", "x = a or b <end>"},
		{"after not", "x = not\nb", "x = not b <end>"},
		{"after in", "x = a in\nb", "x = a in b <end>"},
		{"after =", "x =\n1", "x = 1 <end>"},
		{"after +=", "x +=\n1", "x += 1 <end>"},
		{"after -=", "x -=\n1", "x -= 1 <end>"},
		{"after *=", "x *=\n1", "x *= 1 <end>"},
		{"after /=", "x /=\n1", "x /= 1 <end>"},
		{"after ,", "for k,\nv in m {}", "for k , v in m { } <end>"},
		{"after .", "x = a.\nb", "x = a . b <end>"},
		{"after :", "x = a[1:\n2]", "x = a [ 1 : 2 ] <end>"},
		{"after a comment after an operator", "x = 1 + # c\n 2", "x = 1 + 2 <end>"},
		{"newline before an operator ends the statement", "x = a\n+ b", "x = a <nl> + b <end>"},
		{"newline before a dot ends the statement", "x = a\n.b", "x = a <nl> . b <end>"},

		{"not in is one token", "a not in b", "a not in b <end>"},
		{"not in across a newline", "a not\n  in b", "a not in b <end>"},
		{"not before a name starting with in", "not inside", "not inside <end>"},

		{"block braces", "if x {\n y\n}\n", "if x { y <nl> } <nl>"},
		{"one-line block gets a terminator", "if x { y }", "if x { y <}> } <end>"},
		{"empty block", "while x {\n}\n", "while x { } <nl>"},
		{"terminators at block start dropped", "if x {\n;\n y; }", "if x { y <;> } <end>"},
		{"block in call", "spawn(fn() {\n let x = 1\n print(x)\n})",
			"spawn ( fn ( ) { let x = 1 <nl> print ( x ) <nl> } ) <end>"},
		{"block in list", "[fn() { a\n b }, 1\n]", "[ fn ( ) { a <nl> b <}> } , 1 ] <end>"},
		{"map inside block", "if x {\n m = {\n a: 1\n }\n}", "if x { m = { a : 1 } <nl> } <end>"},
		{"block inside map", "m = {\n f: fn() {\n a\n b\n },\n}", "m = { f : fn ( ) { a <nl> b <nl> } , } <end>"},

		{"else on the next line", "if a {\n}\nelse {\n}", "if a { } else { } <end>"},
		{"else if on the next line", "if a { x }\nelse if b { y }\n", "if a { x <}> } else if b { y <}> } <nl>"},
		{"catch and finally on the next line", "try {\n}\ncatch e {\n}\nfinally {\n}",
			"try { } catch e { } finally { } <end>"},
		{"catch without a name", "try { x } catch { y }", "try { x <}> } catch { y <}> } <end>"},
		{"semicolon before else is kept", "if a {};\nelse {}", "if a { } <;> else { } <end>"},
		{"comment between brace and else", "if a {}\n# c\nelse {}", "if a { } else { } <end>"},

		{"brace after a name opens a block", "while running {}", "while running { } <end>"},
		{"brace after ) opens a block", "fn f(a) {}", "fn f ( a ) { } <end>"},
		{"brace after ] opens a block", "if xs[0] {}", "if xs [ 0 ] { } <end>"},
		{"brace after } opens a block", "if m == {} {}", "if m == { } { } <end>"},
		{"brace after a literal opens a block", "while true {}\nif 1 {}\nif 'a' {}", "while true { } <nl> if 1 { } <nl> if 'a' { } <end>"},
		{"brace after return is a map", "return {\na: 1\n}", "return { a : 1 } <end>"},
		{"brace after yield is a map", "yield {\n}", "yield { } <end>"},
		{"brace after in is a map", "for k in {\na: 1\n} {\nk\n}", "for k in { a : 1 } { k <nl> } <end>"},
		{"brace after = is a map", "x = {\n}", "x = { } <end>"},
		{"brace after ( is a map", "f({\n})", "f ( { } ) <end>"},
		{"brace after , is a map", "f(1, {\n})", "f ( 1 , { } ) <end>"},
		{"brace after : is a map", "x = {a: {\n}}", "x = { a : { } } <end>"},
		{"brace after an operator is a map", "x = a + {\n}", "x = a + { } <end>"},
		{"brace after not is a map", "x = not {\n}", "x = not { } <end>"},
		{"brace after throw is a map", "throw {\n}", "throw { } <end>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lexDump(tt.src)
			if err != nil {
				t.Fatalf("lex %q: %v", tt.src, err)
			}
			if got != tt.want {
				t.Errorf("lex %q\n got  %s\n want %s", tt.src, got, tt.want)
			}
		})
	}
}

func TestLexTokenTypes(t *testing.T) {
	tokens, _, err := lexAll("t.ys", "let fn f x 1 1.5 'a' `r` f'x' nil true false == + * = ( ) . : not in and", startPos("t.ys"))
	if err != nil {
		t.Fatal(err)
	}
	want := []lexer.TokenType{tStmtKw, tStmtKw, tIdent, tIdent, tInt, tFloat, tString, tString, tFString,
		tConst, tConst, tConst, tCmpOp, tAddOp, tMulOp, tAssignOp, tSuffix, tPunct, tSuffix, tPunct,
		tCmpOp, tKeyword, tEOL, lexer.EOF}
	if len(tokens) != len(want) {
		t.Fatalf("got %d tokens, want %d: %v", len(tokens), len(want), tokens)
	}
	for i, tok := range tokens {
		if tok.Type != want[i] {
			t.Errorf("token %d %q: type %d, want %d", i, tok.Value, tok.Type, want[i])
		}
	}
	// "fn" followed by a name starts a statement; "fn(" is a literal.
	tokens, _, _ = lexAll("t.ys", "fn(x) {}", startPos("t.ys"))
	if tokens[0].Type != tKeyword {
		t.Errorf(`"fn(": type %d, want keyword`, tokens[0].Type)
	}
}

func TestLexNumbers(t *testing.T) {
	tests := []struct {
		src  string
		typ  lexer.TokenType
		want string // Dump of the literal
	}{
		{"0", tInt, "0"},
		{"42", tInt, "42"},
		{"0x2a", tInt, "42"},
		{"0X2A", tInt, "42"},
		{"0xff_ff", tInt, "65535"},
		{"1_000", tInt, "1000"},
		{"1_000_000", tInt, "1000000"},
		{"9223372036854775807", tInt, "9223372036854775807"},
		{"0x7fffffffffffffff", tInt, "9223372036854775807"},
		{"1.5", tFloat, "1.5"},
		{"2e3", tFloat, "2000.0"},
		{"2E3", tFloat, "2000.0"},
		{"1.5e-3", tFloat, "0.0015"},
		{"1.5e+3", tFloat, "1500.0"},
		{"1_000.5", tFloat, "1000.5"},
		{"1_0.2_5e10", tFloat, "1.025e+11"},
		{"0.5", tFloat, "0.5"},
		{"00.5", tFloat, "0.5"},
		{"1e400", tFloat, "+Inf"},
	}
	for _, tt := range tests {
		tokens, _, lexErr := lexAll("t.ys", tt.src, startPos("t.ys"))
		if lexErr != nil {
			t.Errorf("%s: %v", tt.src, lexErr)
			continue
		}
		if tokens[0].Type != tt.typ || tokens[0].Value != tt.src {
			t.Errorf("%s: token %#v", tt.src, tokens[0])
		}
		x, err := ParseExpr("t.ys", tt.src)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if got := Dump(x); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.src, got, tt.want)
		}
	}
}

func TestLexNumberSplits(t *testing.T) {
	// A dot needs digits after it to make a float.
	for src, want := range map[string]string{
		"1.x":    "1 . x <end>",
		"1..2":   "1 . . 2 <end>",
		"x.y.z":  "x . y . z <end>",
		"a[1:2]": "a [ 1 : 2 ] <end>",
		"-1":     "- 1 <end>",
		"1-1":    "1 - 1 <end>",
		"1 .5":   "1 . 5 <end>",
	} {
		if got, err := lexDump(src); err != nil || got != want {
			t.Errorf("lex %q: got %q, %v; want %q", src, got, err, want)
		}
	}
}

func TestLexStrings(t *testing.T) {
	tests := []struct{ src, want string }{
		{`"abc"`, `"abc"`},
		{`'abc'`, `"abc"`},
		{`"it's"`, `"it's"`},
		{`'say "hi"'`, `"say \"hi\""`},
		{`"\n\t\r\\\"\'\0"`, `"\n\t\r\\\"'\x00"`},
		{`'\x41\x7e\xff'`, `"A~\xff"`},
		{`"\u{41}\u{e9}\u{20AC}\u{1F600}\u{10FFFF}"`, `"Aé€😀\U0010ffff"`},
		{`"é ünïcödé"`, `"é ünïcödé"`},
		{"`raw \\n {x}`", `"raw \\n {x}"`},
		{"`two\nlines`", `"two\nlines"`},
		{"``", `""`},
		{`""`, `""`},
	}
	for _, tt := range tests {
		x, err := ParseExpr("t.ys", tt.src)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if got := Dump(x); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.src, got, tt.want)
		}
	}
}

func TestLexPositions(t *testing.T) {
	src := "let x = 1\n\tif x {\n  print(`a\nb`, \"é\", y)\n}\n"
	tokens, _, err := lexAll("t.ys", src, startPos("t.ys"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tok := range tokens {
		if tok.Type == tEOL {
			got = append(got, fmt.Sprintf("EOL@%d:%d", tok.Pos.Line, tok.Pos.Column))
			continue
		}
		if tok.Pos.Filename != "t.ys" {
			t.Errorf("%q: filename %q", tok.Value, tok.Pos.Filename)
		}
		if tok.Pos.Offset != strings.Index(src[tok.Pos.Offset:], tok.Value)+tok.Pos.Offset && !tok.EOF() {
			t.Errorf("%q: offset %d does not point at it", tok.Value, tok.Pos.Offset)
		}
		got = append(got, fmt.Sprintf("%s@%d:%d", strings.ReplaceAll(tok.Value, "\n", "\\n"), tok.Pos.Line, tok.Pos.Column))
	}
	want := "let@1:1 x@1:5 =@1:7 1@1:9 EOL@1:10 if@2:2 x@2:5 {@2:7 print@3:3 (@3:8 `a\\nb`@3:9 ,@4:3 " +
		`"é"@4:5 ,@4:9 y@4:11 )@4:12 EOL@4:13 }@5:1 EOL@5:2 @6:1`
	if g := strings.Join(got, " "); g != want {
		t.Errorf("positions\n got  %s\n want %s", g, want)
	}
}

func TestLexErrors(t *testing.T) {
	tests := []struct {
		src, want  string
		incomplete bool
	}{
		{`x = "abc`, `1:5: unterminated string`, true},
		{"x = \"abc\ny\"", `1:5: unterminated string (a newline in a string is written \n)`, false},
		{`x = 'abc`, `1:5: unterminated string`, true},
		{`"abc\`, `1:1: unterminated string`, true},
		{"x = `abc\n", `1:5: unterminated raw string`, true},
		{`x = "a\qb"`, `1:7: unknown escape sequence "\q"`, false},
		{`x = "a\é"`, `1:7: unknown escape sequence "\é"`, false},
		{`"\x4"`, `1:2: invalid escape sequence: \x must be followed by two hex digits`, false},
		{`"\xzz"`, `1:2: invalid escape sequence: \x must be followed by two hex digits`, false},
		{`"\u00e9"`, `1:2: invalid escape sequence: \u must be followed by 1 to 6 hex digits in braces, as in \u{e9}`, false},
		{`"\u{}"`, `1:2: invalid escape sequence: \u must be followed by 1 to 6 hex digits in braces, as in \u{e9}`, false},
		{`"\u{1234567}"`, `1:2: invalid escape sequence: \u must be followed by 1 to 6 hex digits in braces, as in \u{e9}`, false},
		{`"\u{12"`, `1:2: invalid escape sequence: \u must be followed by 1 to 6 hex digits in braces, as in \u{e9}`, false},
		{`"\u{D800}"`, `1:2: invalid escape sequence: \u{D800} is not a valid Unicode code point`, false},
		{`"\u{dfff}"`, `1:2: invalid escape sequence: \u{dfff} is not a valid Unicode code point`, false},
		{`"\u{110000}"`, `1:2: invalid escape sequence: \u{110000} is not a valid Unicode code point`, false},
		{"\"a\\\nb\"", `1:3: invalid escape sequence: backslash at the end of a line`, false},

		{"x = 9223372036854775809", `1:5: integer literal out of range: 9223372036854775809`, false},
		{"x = 18446744073709551616", `1:5: integer literal out of range: 18446744073709551616`, false},
		{"x = 0x1_0000_0000_0000_0000", `1:5: integer literal out of range: 0x1_0000_0000_0000_0000`, false},
		{"x = 12abc", `1:5: invalid number literal "12abc"`, false},
		{"0x", `1:1: invalid number literal "0x"`, false},
		{"0xg", `1:1: invalid number literal "0xg"`, false},
		{"0x_1", `1:1: invalid number literal "0x_1"`, false},
		{"1_", `1:1: invalid number literal "1_"`, false},
		{"1__0", `1:1: invalid number literal "1__0"`, false},
		{"1_.5", `1:1: invalid number literal "1_.5"`, false},
		{"1.5_", `1:1: invalid number literal "1.5_"`, false},
		{"1e", `1:1: invalid number literal "1e"`, false},
		{"1e+", `1:1: invalid number literal "1e"`, false},
		{"2.5e", `1:1: invalid number literal "2.5e"`, false},
		{"007", `1:1: invalid integer literal "007": leading zeros are not allowed`, false},
		{"00", `1:1: invalid integer literal "00": leading zeros are not allowed`, false},
		{"0_0", `1:1: invalid integer literal "0_0": leading zeros are not allowed`, false},
		{"1e1_0", `1:1: invalid number literal "1e1_0"`, false},

		{"x = 1 @ 2", `1:7: unexpected character '@'`, false},
		{"if !x {}", `1:4: unexpected character "!" (use "not", or "!=" to compare)`, false},
		{"a && b", `1:3: unexpected character "&" (use "and")`, false},
		{"a || b", `1:3: unexpected character "|" (use "or")`, false},
		{"x = 'é' + é", `1:12: unexpected character 'é' (U+00E9)`, false},
		{"x\x00", `1:2: unexpected control character U+0000`, false},
		{"x = \xff", `1:5: invalid UTF-8 byte 0xff`, false},

		{`f"abc`, `1:1: unterminated f-string`, true},
		{"f\"abc\n\"", `1:1: unterminated f-string`, false},
		{`x = f"{x`, `1:5: unterminated f-string`, true},
		{`x = f"{x"`, `1:5: unterminated f-string`, true},
		{`x = f"{"}"`, `1:5: unterminated f-string`, true},
		{`x = f"{f"{`, `1:5: unterminated f-string`, true},
		{"x = f\"{`a}\"", `1:5: unterminated f-string`, true},
		{"x = f\"{`a\n`}\"", `1:5: unterminated f-string`, false},
		{`x = f"a } b"`, `1:9: single "}" in f-string (write "}}" for a literal brace)`, false},
		{`x = f"\q"`, `1:7: unknown escape sequence "\q"`, false},
		{`x = f"{a # b}"`, `1:10: "#" is not allowed in an f-string expression`, false},
		{`x = f"{'\q'}"`, `1:9: unknown escape sequence "\q"`, false},
	}
	for _, tt := range tests {
		_, err := ParseFile("t.ys", []byte(tt.src))
		if err == nil {
			t.Errorf("%q: no error, want %s", tt.src, tt.want)
			continue
		}
		if got := strings.TrimPrefix(err.Error(), "t.ys:"); got != tt.want {
			t.Errorf("%q:\n got  %s\n want %s", tt.src, got, tt.want)
		}
		if Incomplete(err) != tt.incomplete {
			t.Errorf("%q: Incomplete = %v, want %v", tt.src, Incomplete(err), tt.incomplete)
		}
	}
}

func TestLexNesting(t *testing.T) {
	ok := strings.Repeat("(", maxNesting) + "1" + strings.Repeat(")", maxNesting)
	if _, err := ParseFile("t.ys", []byte(ok)); err != nil {
		t.Errorf("%d nested parentheses: %v", maxNesting, err)
	}
	for _, src := range []string{
		strings.Repeat("(", maxNesting+1) + "1" + strings.Repeat(")", maxNesting+1),
		"x = " + strings.Repeat("-", maxNesting+1) + "1",
		"x = " + strings.Repeat("not (", maxNesting) + "1",
		strings.Repeat("[{", maxNesting),
		strings.Repeat("if x {", maxNesting+1),
		"x = " + strings.Repeat("yield ", maxNesting+1),
	} {
		_, err := ParseFile("t.ys", []byte(src))
		if err == nil || !strings.Contains(err.Error(), "nesting too deep") {
			t.Errorf("%.30q...: got %v, want nesting too deep", src, err)
		}
	}
	// Depth is given back when brackets close.
	wide := strings.Repeat("f((((1))))\n", 1000)
	if _, err := ParseFile("t.ys", []byte(wide)); err != nil {
		t.Errorf("many shallow brackets: %v", err)
	}
	// f-strings nest only so deep.
	deep := "x"
	for i := 0; i <= maxFStringNested+1; i++ {
		deep = `f"{` + deep + `}"`
	}
	if _, err := ParseFile("t.ys", []byte(deep)); err == nil || !strings.Contains(err.Error(), "f-strings nested too deeply") {
		t.Errorf("deep f-strings: got %v", err)
	}
}

// The lexer is a participle lexer.Definition: participle can drive it.
func TestLexerDefinition(t *testing.T) {
	lx, err := Lexer.Lex("t.ys", strings.NewReader("x = 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := lexer.ConsumeAll(lx)
	if err != nil {
		t.Fatal(err)
	}
	if len(tokens) != 5 || tokens[0].Value != "x" || tokens[3].Type != tEOL || !tokens[4].EOF() {
		t.Errorf("tokens %v", tokens)
	}
	if Lexer.Symbols()["EOL"] != tEOL || Lexer.Symbols()["EOF"] != lexer.EOF {
		t.Errorf("symbols %v", Lexer.Symbols())
	}
	lx, _ = Lexer.(lexer.StringDefinition).LexString("t.ys", `"abc`)
	if _, err := lexer.ConsumeAll(lx); err == nil || err.Error() != "t.ys:1:1: unterminated string" {
		t.Errorf("error %v", err)
	}
	tree, err := rootParser().ParseString("t.ys", "let x = 1\n")
	if err != nil || tree.Prog == nil || len(tree.Prog.Stmts) != 1 {
		t.Errorf("participle parse: %v", err)
	}
}
