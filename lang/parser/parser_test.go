package parser

import (
	"flag"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite grammar.ebnf from the grammar")

func parseDump(t *testing.T, src string) string {
	t.Helper()
	f, err := ParseFile("t.ys", []byte(src))
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	if f.Name != "t.ys" {
		t.Errorf("File.Name = %q", f.Name)
	}
	return DumpFile(f)
}

func TestStatements(t *testing.T) {
	tests := []struct{ src, want string }{
		{"let x = 1", "(let x 1)"},
		{"let a, b = xs", "(let (a b) (xs))"},
		{"let a, b = 1, f(2)", "(let (a b) (1 (call f 2)))"},
		{"let a, b", "(let (a b) ())"},
		{"let a, b = yield c", "(let (a b) ((yield c)))"},
		{"a, b = b, a", "(= (a b) (b a))"},
		{"xs[0], m.k, v = 1, 2, 3", "(= ((index xs 0) (. m k) v) (1 2 3))"},
		{"fn f(a, b = 1, *rest) {}", "(fn f (a (b 1) *rest) {})"},
		{"f(a, *b)", "(call f a *b)"},
		{"o.m(*[1, 2])", "(call (. o m) *(list 1 2))"},
		{"let x", "(let x)"},
		{"x = 2", "(= x 2)"},
		{"xs[0] = 3", "(= (index xs 0) 3)"},
		{"m.k = 4", "(= (. m k) 4)"},
		{"a.b[c].d = 5", "(= (. (index (. a b) c) d) 5)"},
		{"(x) = 1", "(= x 1)"},
		{"x += 1\nx -= 2\nx *= 3\nx /= 4", "(+= x 1)\n(-= x 2)\n(*= x 3)\n(/= x 4)"},
		{"x = 2; xs[0] = 3; m.k = 4; x += 1", "(= x 2)\n(= (index xs 0) 3)\n(= (. m k) 4)\n(+= x 1)"},
		{"fn add(a, b = 1) { return a + b }", "(fn add (a (b 1)) {(return (+ a b))})"},
		{"fn f() {}", "(fn f () {})"},
		{"fn f(a, b,) {\n}", "(fn f (a b) {})"},
		{"fn f(\n  a,\n  b = [1, 2],\n) {\n  return\n}", "(fn f (a (b (list 1 2))) {(return)})"},
		{"let sq = fn(x) { return x * x }", "(let sq (fn (x) {(return (* x x))}))"},
		{"fn() {}()", "(call (fn () {}))"},
		{"if c { a }", "(if c {a})"},
		{"if c { a } else { b }", "(if c {a} {b})"},
		{"if c { a } else if d { b } else { e }", "(if c {a} {(if d {b} {e})})"},
		{"if c { a } else if d { b }", "(if c {a} {(if d {b})})"},
		{"if c {\n} else {\n}", "(if c {} {})"},
		{"if c {\n  a\n}\nelse if d {\n  b\n}\nelse {\n  e\n}", "(if c {a} {(if d {b} {e})})"},
		{"while c { x += 1 }", "(while c {(+= x 1)})"},
		{"while true {\n  break\n  continue\n}", "(while true {(break) (continue)})"},
		{"for x in xs { print(x) }", "(for x xs {(call print x)})"},
		{"for k, v in m { }", "(for (k v) m {})"},
		{"for i in range(10) {}", "(for i (call range 10) {})"},
		{"break; continue; return; return v", "(break)\n(continue)\n(return)\n(return v)"},
		{"throw error(\"msg\", \"kind\")", `(throw (call error "msg" "kind"))`},
		{"try { a } catch e { b } finally { c }", "(try {a} (catch e {b}) (finally {c}))"},
		{"try { a } catch { b }", "(try {a} (catch {b}))"},
		{"try { a } finally { c }", "(try {a} (finally {c}))"},
		{"try {\n  a\n}\ncatch e {\n}\nfinally {\n}", "(try {a} (catch e {}) (finally {}))"},
		{"import net", "(import net)"},
		{"import net as n", "(import net as n)"},
		{`import "./util.ys" as util`, `(import "./util.ys" as util)`},
		{"import `./raw.ys` as r", `(import "./raw.ys" as r)`},
		{"f(x)", "(call f x)"},
		{"42", "42"},
		{"{a: 1}", `(map ("a" 1))`},
		{"yield", "(yield)"},
		{"", ""},
		{"\n\n# only comments\n\n", ""},
		{";;", ""},
		{"a; b\n\nc", "a\nb\nc"},
	}
	for _, tt := range tests {
		if got := parseDump(t, tt.src); got != tt.want {
			t.Errorf("%q\n got  %s\n want %s", tt.src, got, tt.want)
		}
	}
}

func TestExpressions(t *testing.T) {
	tests := []struct{ src, want string }{
		// literals
		{"nil", "nil"},
		{"true", "true"},
		{"false", "false"},
		{"x", "x"},
		{"_private_1", "_private_1"},
		{"[1, 2, 3]", "(list 1 2 3)"},
		{"[]", "(list)"},
		{"[1,]", "(list 1)"},
		{"[\n  1,\n  2,\n]", "(list 1 2)"},
		{`{"a": 1, b: 2}`, `(map ("a" 1) ("b" 2))`},
		{"{}", "(map)"},
		{"{a: 1,}", `(map ("a" 1))`},
		{"{(a): 1, a + b: 2, 3: 4, nil: 5, f(): 6}", `(map (a 1) ((+ a b) 2) (3 4) (nil 5) ((call f) 6))`},
		{"{a: {b: []}}", `(map ("a" (map ("b" (list)))))`},
		{"fn(a, b = 2) { return a }", "(fn (a (b 2)) {(return a)})"},
		{"fn() {}", "(fn () {})"},
		{"-9223372036854775808", "-9223372036854775808"},
		{"- 9223372036854775808", "-9223372036854775808"},
		{"-9223372036854775807", "(- 9223372036854775807)"},
		{"--9223372036854775808", "(- -9223372036854775808)"},

		// precedence, lowest first: or, and, not, comparisons, + -, * / // %, unary -, postfix
		{"a or b and c", "(or a (and b c))"},
		{"a and b or c", "(or (and a b) c)"},
		{"a or b or c", "(or (or a b) c)"},
		{"a and b and c", "(and (and a b) c)"},
		{"not a == b", "(not (== a b))"},
		{"not a and b", "(and (not a) b)"},
		{"not not a", "(not (not a))"},
		{"a and not b", "(and a (not b))"},
		{"a == b and c != d", "(and (== a b) (!= c d))"},
		{"a < b + c", "(< a (+ b c))"},
		{"a + b < c * d", "(< (+ a b) (* c d))"},
		{"a in b", "(in a b)"},
		{"a not in b", "(not-in a b)"},
		{"not a in b", "(not (in a b))"},
		{"a + 1 in xs", "(in (+ a 1) xs)"},
		{"a <= b", "(<= a b)"},
		{"a or not b and c", "(or a (and (not b) c))"},
		{"not a < b + c * d or e", "(or (not (< a (+ b (* c d)))) e)"},
		{"a and not not b == c and d", "(and (and a (not (not (== b c)))) d)"},
		{"a - b - c + d", "(+ (- (- a b) c) d)"},
		{"a // b * c % d / e", "(/ (% (* (// a b) c) d) e)"},
		{"a * b + c * d < e - f", "(< (+ (* a b) (* c d)) (- e f))"},
		{"not -a ** -b * c", "(not (* (- (** a (- b))) c))"},
		{"a < b and c in d or not e not in f", "(or (and (< a b) (in c d)) (not (not-in e f)))"},
		{"a >= b", "(>= a b)"},
		{"a > b", "(> a b)"},
		{"a - b - c", "(- (- a b) c)"},
		{"a + b * c", "(+ a (* b c))"},
		{"a * b + c", "(+ (* a b) c)"},
		{"a / b // c % d", "(% (// (/ a b) c) d)"},
		{"(a + b) * c", "(* (+ a b) c)"},
		{"-a * b", "(* (- a) b)"},
		{"-x.y", "(- (. x y))"},
		{"-f(x)[0]", "(- (index (call f x) 0))"},
		{"- - a", "(- (- a))"},
		{"a - -b", "(- a (- b))"},
		{"-2 + 3", "(+ (- 2) 3)"},
		{"-2 ** 2", "(- (** 2 2))"},
		{"xs[1:2:3]", "(slice xs 1 2 3)"},
		{"xs[::-1]", "(slice xs _ _ (- 1))"},
		{"xs[::]", "(slice xs _ _)"},
		{"xs[a::b]", "(slice xs a _ b)"},
		{"2 ** 3 ** 2", "(** 2 (** 3 2))"},
		{"a ** -b ** c", "(** a (- (** b c)))"},
		{"-x.y ** f(z)[0] * 2", "(* (- (** (. x y) (index (call f z) 0))) 2)"},
		{"a if b else c", "(ifx b a c)"},
		{"a or b if c and d else e if f else g", "(ifx (and c d) (or a b) (ifx f e g))"},
		{"[x if y else {}, {}]", "(list (ifx y x (map)) (map))"},
		{"f(a)(b) if (c) else d[0]", "(ifx c (call (call f a) b) (index d 0))"},

		// postfix
		{"f()", "(call f)"},
		{"f(a, b)", "(call f a b)"},
		{"f(a, b,)", "(call f a b)"},
		{"f(\n  a,\n  b,\n)", "(call f a b)"},
		{"f(a)(b)", "(call (call f a) b)"},
		{"a.b.c", "(. (. a b) c)"},
		{"a.b()", "(call (. a b))"},
		{"xs[0]", "(index xs 0)"},
		{"xs[i][j]", "(index (index xs i) j)"},
		{"xs[1:2]", "(slice xs 1 2)"},
		{"xs[:2]", "(slice xs _ 2)"},
		{"xs[1:]", "(slice xs 1 _)"},
		{"xs[:]", "(slice xs _ _)"},
		{"xs[-2:-1]", "(slice xs (- 2) (- 1))"},
		{`", ".join(xs)`, `(call (. ", " join) xs)`},
		{"[1, 2][0]", "(index (list 1 2) 0)"},
		{"{a: 1}.a", `(. (map ("a" 1)) a)`},
		{"fn(x) { return x }(1)", "(call (fn (x) {(return x)}) 1)"},

		// f-strings
		{`f"x = {x + 1}"`, `(fstr "x = " (+ x 1))`},
		{`f""`, "(fstr)"},
		{`f"plain"`, `(fstr "plain")`},
		{`f'{a}{b}'`, "(fstr a b)"},
		{`f"{{}} {{x}}"`, `(fstr "{} {x}")`},
		{`f"a{{b}}c{d}e"`, `(fstr "a{b}c" d "e")`},
		{`f"{m["k"]}"`, `(fstr (index m "k"))`},
		{`f"{m['}']}"`, `(fstr (index m "}"))`},
		{`f"{ {"a": 1}["a"] }"`, `(fstr (index (map ("a" 1)) "a"))`},
		{`f"{[1, 2][0]}"`, `(fstr (index (list 1 2) 0))`},
		{`f"{f(a, b)}"`, "(fstr (call f a b))"},
		{`f"{f"{x}!"}"`, `(fstr (fstr x "!"))`},
		{`f"{'{'}"`, `(fstr "{")`},
		{"f\"{`raw}`}\"", `(fstr "raw}")`},
		{`f"\t{x}\n"`, `(fstr "\t" x "\n")`},
		{`f"{(yield t)}"`, "(fstr (yield t))"},
		{`f"{fn() { return 1 }()}"`, "(fstr (call (fn () {(return 1)})))"},
	}
	for _, tt := range tests {
		x, err := ParseExpr("t.ys", tt.src)
		if err != nil {
			t.Errorf("%q: %v", tt.src, err)
			continue
		}
		if got := Dump(x); got != tt.want {
			t.Errorf("%q\n got  %s\n want %s", tt.src, got, tt.want)
		}
		// The same text as a statement gives the same tree.
		if got := parseDump(t, tt.src); got != tt.want {
			t.Errorf("%q as a statement\n got  %s\n want %s", tt.src, got, tt.want)
		}
	}
}

func TestMinInt(t *testing.T) {
	x, err := ParseExpr("t.ys", "-9223372036854775808")
	if err != nil {
		t.Fatal(err)
	}
	lit, ok := x.(*IntLit)
	if !ok || lit.Value != math.MinInt64 || lit.P != (Pos{1, 1}) {
		t.Errorf("got %#v", x)
	}
	x, err = ParseExpr("t.ys", "0x8000000000000000 * -1")
	if err == nil {
		t.Errorf("0x8000000000000000 accepted without a minus: %s", Dump(x))
	}
}

func TestYieldPlacement(t *testing.T) {
	ok := []struct{ src, want string }{
		{"yield t", "(yield t)"},
		{"yield", "(yield)"},
		{"yield;", "(yield)"},
		{"yield\nx", "(yield)\nx"},
		{"let data = yield conn.recv(1024)", "(let data (yield (call (. conn recv) 1024)))"},
		{"x = yield t", "(= x (yield t))"},
		{"x += yield t", "(+= x (yield t))"},
		{"xs[0] = yield t", "(= (index xs 0) (yield t))"},
		{"return yield t", "(return (yield t))"},
		{"return yield", "(return (yield))"},
		{"let x = yield", "(let x (yield))"},
		{"print((yield t))", "(call print (yield t))"},
		{"(yield c.readline()).strip()", "(call (. (yield (call (. c readline))) strip))"},
		{"(yield)", "(yield)"},
		{"f((yield), 1)", "(call f (yield) 1)"},
		{"x = 1 + (yield t)", "(= x (+ 1 (yield t)))"},
		{"yield x + 1", "(yield (+ x 1))"},
		{"yield a or b", "(yield (or a b))"},
		{"yield not a", "(yield (not a))"},
		{"yield -a", "(yield (- a))"},
		{"yield (yield t)", "(yield (yield t))"},
		{"yield {a: 1}", `(yield (map ("a" 1)))`},
		{"if x { yield }", "(if x {(yield)})"},
		{"fn f() { yield sleep(1) }", "(fn f () {(yield (call sleep 1))})"},
		{"spawn(fn() {\n yield\n})", "(call spawn (fn () {(yield)}))"},
	}
	for _, tt := range ok {
		if got := parseDump(t, tt.src); got != tt.want {
			t.Errorf("%q\n got  %s\n want %s", tt.src, got, tt.want)
		}
	}
	const msg = "yield must be in parentheses here: write (yield ...)"
	bad := []struct{ src, pos string }{
		{"print(yield t)", "1:7"},
		{"1 + yield x", "1:5"},
		{"x = 1 + yield t", "1:9"},
		{"x = [yield t]", "1:6"},
		{"x = {a: yield t}", "1:9"},
		{"x = {yield t: 1}", "1:6"},
		{"x = -yield t", "1:6"},
		{"x = not yield t", "1:9"},
		{"x = yield yield t", "1:11"},
		{"yield t or yield u", "1:12"},
		{"if yield t { }", "1:4"},
		{"while yield t { }", "1:7"},
		{"for x in yield t { }", "1:10"},
		{"throw yield t", "1:7"},
		{"xs[yield t] = 1", "1:4"},
		{"fn f(a = yield t) {}", "1:10"},
		{`x = f"{yield t}"`, "1:8"},
	}
	for _, tt := range bad {
		_, err := ParseFile("t.ys", []byte(tt.src))
		if err == nil {
			t.Errorf("%q: no error", tt.src)
			continue
		}
		if want := "t.ys:" + tt.pos + ": " + msg; err.Error() != want {
			t.Errorf("%q:\n got  %v\n want %s", tt.src, err, want)
		}
	}
	x, err := ParseExpr("t.ys", "yield t")
	if err != nil || Dump(x) != "(yield t)" {
		t.Errorf("ParseExpr(yield t) = %v, %v", x, err)
	}
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		src, want  string
		incomplete bool
	}{
		{"let x = }", `1:9: unexpected "}", expected expression`, false},
		{"if x { let y = }", `1:16: unexpected "}", expected expression`, false},
		{"let x = )", `1:9: unexpected ")", expected expression`, false},
		{"let x = ", `1:9: unexpected end of input, expected expression`, true},
		{"x = 1 +\n", `2:1: unexpected end of input, expected expression`, true},
		{"x = 1 2", `1:7: unexpected number 2, expected newline or ";"`, false},
		{"let a = 1 let b = 2", `1:11: unexpected "let", expected newline or ";"`, false},
		{"if a {} x", `1:9: unexpected name "x", expected newline or ";"`, false},
		{"fn f() {} x", `1:11: unexpected name "x", expected newline or ";"`, false},
		{`x = 1 "s"`, `1:7: unexpected string "s", expected newline or ";"`, false},
		{`x = 1 "a very long string that goes on"`, `1:7: unexpected string "a very long string ..., expected newline or ";"`, false},
		{`x = 1 f"{y}"`, `1:7: unexpected f-string, expected newline or ";"`, false},
		{"let x = y = 1", `1:11: unexpected "=", expected newline or ";"`, false},
		{"return a, b", `1:9: unexpected ",", expected newline or ";"`, false},
		{")", `1:1: unexpected ")"`, false},
		{"let x = 1\n}", `2:1: unexpected "}"`, false},
		{"]", `1:1: unexpected "]"`, false},
		{"else { }", `1:1: unexpected "else"`, false},
		{"let x = 1\nelse { x = 2 }", `2:1: unexpected "else", expected newline or ";"`, false},
		{"x\n+ y", `2:1: unexpected "+"`, false},
		{"a\n.b", `2:1: unexpected "."`, false},

		{"let", `1:4: unexpected end of input, expected name`, true},
		{"let 1", `1:5: unexpected number 1, expected name`, false},
		{"let if = 3", `1:5: unexpected "if", expected name`, false},
		{"let\nx = 1", `1:4: unexpected newline, expected name`, false},
		{"let x 1", `1:7: unexpected number 1, expected newline or ";"`, false},
		{"if x", `1:5: unexpected end of input, expected "{"`, true},
		{"if x\n{ }", `1:5: unexpected newline, expected "{"`, false},
		{"if x {} else", `1:13: unexpected end of input, expected "if" or "{"`, true},
		{"if x {} else {} else {}", `1:17: unexpected "else" after the final else block`, false},
		{"if a {} else {} else if b {}", `1:17: unexpected "else" after the final else block`, false},
		{"while x { break } else {}", `1:19: unexpected "else", expected newline or ";"`, false},
		{"for in x {}", `1:5: unexpected "in", expected name`, false},
		{"for x y {}", `1:7: unexpected name "y", expected "in"`, false},
		{"for x, x in m {}", `1:8: the same name x is used twice in a for loop`, false},
		{"for (a, b) in m {}", `1:5: unexpected "(", expected name`, false},
		{"throw", `1:6: unexpected end of input, expected expression`, true},
		{"break 1", `1:7: unexpected number 1, expected newline or ";"`, false},
		{"return return", `1:8: unexpected "return", expected newline or ";"`, false},
		{"try { }", `1:8: expected "catch" or "finally" after the try block`, true},
		{"try { }\n", `1:8: expected "catch" or "finally" after the try block`, true},
		{"try { }\nx = 1", `1:8: expected "catch" or "finally" after the try block`, false},
		{"try {} catch {} finally", `1:24: unexpected end of input, expected "{"`, true},
		{"try {} catch e e {}", `1:16: unexpected name "e", expected "{"`, false},
		{"try {} finally {} catch {}", `1:19: unexpected "catch", expected newline or ";"`, false},
		{"import", `1:7: unexpected end of input, expected name or string`, true},
		{"import 1", `1:8: unexpected number 1, expected name or string`, false},
		{"import net as", `1:14: unexpected end of input, expected name`, true},
		{"import x.y", `1:9: unexpected ".", expected newline or ";"`, false},
		{`import "./u.ys"`, `1:16: an import of a file needs a name: import "./u.ys" as NAME`, false},
		{`import "" as u`, `1:8: empty import path`, false},
		{`import f"x" as u`, `1:8: unexpected f-string, expected name or string`, false},

		{"fn", `1:3: unexpected end of input, expected "("`, true},
		{"fn f", `1:5: unexpected end of input, expected "("`, true},
		{"fn f(1) {}", `1:6: unexpected number 1, expected ")"`, false},
		{"fn f(a b) {}", `1:8: unexpected name "b", expected ")"`, false},
		{"fn f(a,,b) {}", `1:8: unexpected ",", expected parameter name`, false},
		{"fn f(,) {}", `1:6: unexpected ",", expected ")"`, false},
		{"fn f(a=) {}", `1:8: unexpected ")", expected expression`, false},
		{"fn f(a = 1, b) {}", `1:13: parameter b needs a default value: it follows a parameter that has one`, false},
		{"fn f(a, b, a) {}", `1:12: duplicate parameter a`, false},
		{"fn f() x", `1:8: unexpected name "x", expected "{"`, false},
		{"fn if() {}", `1:4: unexpected "if", expected name`, false},
		{"x = fn f() {}", `1:8: unexpected name "f", expected "("`, false},

		{"f() = 1", `1:1: cannot assign to a function call`, false},
		{"a[1:2] = x", `1:1: cannot assign to a slice (only to a single element, as in xs[i] = v)`, false},
		{"1 = 2", `1:1: cannot assign to a literal`, false},
		{`"s" += 2`, `1:1: cannot assign to a literal`, false},
		{"a + b = 1", `1:1: cannot assign to the result of "+"`, false},
		{"-x = 1", `1:1: cannot assign to the result of "-"`, false},
		{"not x = 1", `1:1: cannot assign to the result of "not"`, false},
		{"[a, b] = xs", `1:1: cannot assign to a list literal`, false},
		{"{} = 1", `1:1: cannot assign to a map literal`, false},
		{"fn() {} = 1", `1:1: cannot assign to a function literal`, false},
		{"yield x = 1", `1:1: cannot assign to a yield expression`, false},
		{"(yield x) = 1", `1:1: cannot assign to a yield expression`, false},
		{"nil = 1", `1:1: cannot assign to a literal`, false},
		{"x = y += 1", `1:7: unexpected "+=", expected newline or ";"`, false},
		{"a, b", `1:2: unexpected ",": only an assignment has several targets (a, b = ...)`, false},
		{"a, f() = 1, 2", `1:4: cannot assign to a function call`, false},
		{"a, b += 1, 2", `1:6: += cannot have several targets or values; use =`, false},
		{"a, b, c = 1, 2", `1:9: 3 targets but 2 values: give one value per target, or one list to unpack`, false},
		{"a = 1, 2", `1:3: 1 target but 2 values: write a list in brackets, as in x = [1, 2]`, false},
		{"let a = 1, 2", `1:7: 1 target but 2 values: write a list in brackets, as in x = [1, 2]`, false},
		{"let a, a = xs", `1:8: the same name a is declared twice in one let`, false},
		{"a, b = yield c, d", `1:8: yield must be in parentheses here: write (yield ...)`, false},
		{"fn f(*a, b) {}", `1:6: *a must be the last parameter`, false},
		{"fn f(*a = []) {}", `1:6: *a cannot have a default value (it is an empty list when no argument is left)`, false},
		{"f(*a, b)", `1:3: only the last argument can be spread with *`, false},

		{"a < b < c", `1:7: comparison operators cannot be chained; use 'and', as in a < b and b < c`, false},
		{"print(1 == 1 == true)", `1:14: comparison operators cannot be chained; use 'and', as in a < b and b < c`, false},
		{"a in b in c", `1:8: comparison operators cannot be chained; use 'and', as in a < b and b < c`, false},
		{"a not in b == c", `1:12: comparison operators cannot be chained; use 'and', as in a < b and b < c`, false},
		{"a not b", `1:3: unexpected "not", expected newline or ";"`, false},
		// "not" binds looser than comparisons and arithmetic: it may start an
		// operand only at the start or after "or" and "and".
		{"a == not b", `1:6: unexpected "not", expected expression`, false},
		{"x = a + not b", `1:9: unexpected "not", expected expression`, false},
		{"x = 2 ** not a", `1:10: unexpected "not", expected expression`, false},
		{"x = - not a", `1:7: unexpected "not", expected expression`, false},
		{"x = a or -not b", `1:11: unexpected "not", expected expression`, false},
		{"x = a and and b", `1:11: unexpected "and", expected expression`, false},
		{"x = a ** ** b", `1:10: unexpected "**", expected expression`, false},
		{"x = a * / b", `1:9: unexpected "/", expected expression`, false},
		{"x = a or\n", `2:1: unexpected end of input, expected expression`, true},
		{"x = a < b + c < d", `1:15: comparison operators cannot be chained; use 'and', as in a < b and b < c`, false},
		{"x = not a < b < c", `1:15: comparison operators cannot be chained; use 'and', as in a < b and b < c`, false},
		{"x = a or b < c not in d", `1:16: comparison operators cannot be chained; use 'and', as in a < b and b < c`, false},
		{"x == = 2", `1:6: unexpected "=", expected expression`, false},
		{"x = not", `1:8: unexpected end of input, expected expression`, true},
		{"x = -", `1:6: unexpected end of input, expected expression`, true},
		{"x = a.", `1:7: unexpected end of input, expected name`, true},
		{"x = a.if", `1:7: unexpected "if", expected name`, false},
		{"x = a.1", `1:7: unexpected number 1, expected name`, false},
		{"x = a[]", `1:7: unexpected "]", expected expression`, false},
		{"x = a[1 2]", `1:9: unexpected number 2, expected "]"`, false},
		{"f(a b)", `1:5: unexpected name "b", expected ")"`, false},
		{"f(a,,b)", `1:5: unexpected ",", expected expression`, false},
		{"f(,)", `1:3: unexpected ",", expected ")"`, false},
		{"x = [1 2]", `1:8: unexpected number 2, expected "]"`, false},
		{"x = [1,,2]", `1:8: unexpected ",", expected expression`, false},
		{"x = [,]", `1:6: unexpected ",", expected "]"`, false},
		{"x = {a 1}", `1:8: unexpected number 1, expected ":"`, false},
		{"x = {a: 1 b: 2}", `1:11: unexpected name "b", expected "}"`, false},
		{"x = {a: 1,, b: 2}", `1:11: unexpected ",", expected map key`, false},
		{"x = {a:}", `1:8: unexpected "}", expected expression`, false},
		{"x = ()", `1:6: unexpected ")", expected expression`, false},
		{"x = (1, 2)", `1:7: unexpected ",", expected ")"`, false},

		{"f(", `1:3: unexpected end of input: "(" at 1:2 is not closed`, true},
		{"f(x", `1:4: unexpected end of input: "(" at 1:2 is not closed`, true},
		{"x = [1, 2", `1:10: unexpected end of input: "[" at 1:5 is not closed`, true},
		{"x = {a: 1", `1:10: unexpected end of input: "{" at 1:5 is not closed`, true},
		{"if x {", `1:7: unexpected end of input: "{" at 1:6 is not closed`, true},
		{"if x {\n  y = 1\n", `3:1: unexpected end of input: "{" at 1:6 is not closed`, true},
		{"if x { if y { }", `1:16: unexpected end of input: "{" at 1:6 is not closed`, true},
		{"spawn(fn() {\n  x\n", `3:1: unexpected end of input: "{" at 1:12 is not closed`, true},

		// f-string expressions are parsed where they stand.
		{`f"{}"`, `1:3: empty expression in f-string`, false},
		{`x = f"a { }"`, `1:9: empty expression in f-string`, false},
		{`f"{x +}"`, `1:7: unexpected "}", expected expression`, false},
		{`f"{1 2}"`, `1:6: unexpected number 2, expected "}"`, false},
		{`print(f"{x!a}")`, `1:11: an f-string conversion is !r or !s`, false},
		{`print(f"{x!r>3}")`, `1:13: expected ":" or "}" after the f-string conversion`, false},
		{`print(f"{x:{y:{z}}}")`, `1:15: f-string format spec nested too deeply: a field inside a spec has no spec of its own`, false},
		{`print(f"{:>3}")`, `1:9: empty expression in f-string`, false},
		{`f"{x = 1}"`, `1:6: unexpected "=", expected "}"`, false},
		{`f"ok {a} {(b}"`, `1:13: unexpected "}", expected ")"`, false},
		{`f"{[1, 2}"`, `1:9: unexpected "}", expected "]"`, false},
		{`f"{(}"`, `1:5: unexpected "}", expected expression`, false},
		{"x = 1\ny = f\"{a b}\"", `2:10: unexpected name "b", expected "}"`, false},
		{`f"{a < b < c}"`, `1:10: comparison operators cannot be chained; use 'and', as in a < b and b < c`, false},
		{`f"{9223372036854775808}"`, `1:4: integer literal out of range: 9223372036854775808`, false},
		{`f"{f"{1 +}"}"`, `1:10: unexpected "}", expected expression`, false},

		// The first error in the source is the one reported.
		{"x = )\ny = \"\\q\"", `1:5: unexpected ")", expected expression`, false},
		{"x = \"\\q\" + )", `1:6: unknown escape sequence "\q"`, false},
		{"x = 1 +\ny = \"abc", `2:3: unexpected "=", expected newline or ";"`, false},
		{"x = [1, \"abc", `1:9: unterminated string`, true},
		{"let x = 9223372036854775808\nlet y = )", `1:9: integer literal out of range: 9223372036854775808`, false},
		{"let x = 9223372036854775808\nlet y = 1", `1:9: integer literal out of range: 9223372036854775808`, false},
		{"print(yield t)\nlet y = )", `1:7: yield must be in parentheses here: write (yield ...)`, false},
		{"print(yield t); let y = )", `1:7: yield must be in parentheses here: write (yield ...)`, false},
		{"print(yield t)\nlet y = \"\\q\"", `1:7: yield must be in parentheses here: write (yield ...)`, false},
		{"let y = )\nprint(yield t)", `1:9: unexpected ")", expected expression`, false},
	}
	for _, tt := range tests {
		_, err := ParseFile("t.ys", []byte(tt.src))
		if err == nil {
			t.Errorf("%q: no error, want %s", tt.src, tt.want)
			continue
		}
		e, ok := err.(*Error)
		if !ok {
			t.Errorf("%q: error is a %T", tt.src, err)
			continue
		}
		if got := fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg); got != tt.want {
			t.Errorf("%q:\n got  %s\n want %s", tt.src, got, tt.want)
		}
		if e.File != "t.ys" || !strings.HasPrefix(e.Error(), "t.ys:") {
			t.Errorf("%q: file %q, Error() %q", tt.src, e.File, e.Error())
		}
		if Incomplete(err) != tt.incomplete {
			t.Errorf("%q: Incomplete = %v, want %v", tt.src, Incomplete(err), tt.incomplete)
		}
	}
}

func TestIncomplete(t *testing.T) {
	incomplete := []string{
		"if x {", "fn f(a,", "x = [", "x = {", "x = (1 +", "x = 1 +", "x = not", "let", "let x =",
		"while true {\n  print(1)\n", "try {\n} catch e {", "try {} finally", "x = `raw\n", `x = "abc`,
		`x = f"abc`, `x = f"{a`, "for x in", "import", "x.", "return f(", "if x {} else",
		"try {}\n", "try {\n  f()\n}\n\n",
	}
	for _, src := range incomplete {
		if _, err := ParseFile("t.ys", []byte(src)); !Incomplete(err) {
			t.Errorf("%q: Incomplete(%v) = false", src, err)
		}
	}
	complete := []string{
		"x = )", "}", "x = \"abc\n", "f(a b", "let x = 1 2", "x = f\"{1 +}\"",
		"x = f\"{(}\"", "@", "x = 1 let", "try {}\nx = 1",
	}
	for _, src := range complete {
		_, err := ParseFile("t.ys", []byte(src))
		if err == nil {
			t.Errorf("%q: no error", src)
		}
		if Incomplete(err) {
			t.Errorf("%q: Incomplete(%v) = true", src, err)
		}
	}
	if Incomplete(nil) || Incomplete(fmt.Errorf("other")) {
		t.Error("Incomplete of a non-syntax error")
	}
	if f, err := ParseFile("t.ys", []byte("if x {\n}\n")); err != nil || len(f.Stmts) != 1 {
		t.Errorf("complete input: %v", err)
	}
}

func TestFormatError(t *testing.T) {
	tests := []struct{ src, want string }{
		{"let a = 1\n\nlet x = }\n",
			"t.ys:3:9: unexpected \"}\", expected expression\n    let x = }\n            ^"},
		{"if a {\n\tlet x = )\n}",
			"t.ys:2:10: unexpected \")\", expected expression\n    \tlet x = )\n    \t        ^"},
		{"x = \"é\" + )\r\ny",
			"t.ys:1:12: unexpected \")\", expected expression\n    x = \"é\" + )\n              ^"},
		{"x = 1 +",
			"t.ys:1:8: unexpected end of input, expected expression\n    x = 1 +\n           ^"},
		{"x = (1 +\n",
			"t.ys:2:1: unexpected end of input: \"(\" at 1:5 is not closed\n    \n    ^"},
		{"if x\n{",
			"t.ys:1:5: unexpected newline, expected \"{\"\n    if x\n        ^"},
	}
	for _, tt := range tests {
		_, err := ParseFile("t.ys", []byte(tt.src))
		e, ok := err.(*Error)
		if !ok {
			t.Errorf("%q: error %v", tt.src, err)
			continue
		}
		if got := FormatError(e, []byte(tt.src)); got != tt.want {
			t.Errorf("%q:\n got\n%s\n want\n%s", tt.src, got, tt.want)
		}
	}
	// A position past the source does not break it.
	e := &Error{File: "x.ys", Pos: Pos{Line: 9, Col: 3}, Msg: "m"}
	if got, want := FormatError(e, []byte("a\nb")), "x.ys:9:3: m\n    \n      ^"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// kindPos renders a node as its Go type and position.
func kindPos(n Node) string {
	p := n.Position()
	return fmt.Sprintf("%s@%d:%d", strings.TrimPrefix(fmt.Sprintf("%T", n), "*parser."), p.Line, p.Col)
}

func TestPositions(t *testing.T) {
	src := `import net as n
let x = -a.b + f(1, "s")[2]
fn g(p, q = nil) {
  return xs[1:2] or not m.k
}
for k, v in {a: true} { break }
while x { continue }
if x { throw 1.5 } else if y {} else {}
try { x = yield t } catch e { } finally { }
try { } catch { x += f"a{b}c" }
y = [fn() { }, (c)]
`
	f, err := ParseFile("t.ys", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range f.Stmts {
		Inspect(s, func(n Node) bool {
			got = append(got, kindPos(n))
			return true
		})
	}
	want := strings.Fields(`
ImportStmt@1:1
LetStmt@2:5 Binary@2:14 Unary@2:9 Field@2:12 Ident@2:10 Index@2:25 Call@2:17 Ident@2:16 IntLit@2:18 StringLit@2:21 IntLit@2:26
FnStmt@3:4 FuncLit@3:1 NilLit@3:13 ReturnStmt@4:3 Binary@4:18 Slice@4:12 Ident@4:10 IntLit@4:13 IntLit@4:15 Unary@4:21 Field@4:27 Ident@4:25
ForStmt@6:1 MapLit@6:13 StringLit@6:14 BoolLit@6:17 BreakStmt@6:25
WhileStmt@7:1 Ident@7:7 ContinueStmt@7:11
IfStmt@8:1 Ident@8:4 ThrowStmt@8:8 FloatLit@8:14 IfStmt@8:25 Ident@8:28
TryStmt@9:1 AssignStmt@9:9 Ident@9:7 Yield@9:11 Ident@9:17
TryStmt@10:1 AssignStmt@10:19 Ident@10:17 FString@10:22 StringLit@10:24 Ident@10:26 StringLit@10:28
AssignStmt@11:3 Ident@11:1 ListLit@11:5 FuncLit@11:6 Ident@11:17
`)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("positions\n got  %s\n want %s", strings.Join(got, " "), strings.Join(want, " "))
	}

	// Positions that are not nodes of their own.
	fn := f.Stmts[2].(*FnStmt).Func
	if fn.End != (Pos{5, 1}) || fn.Name != "g" || fn.Params[0].P != (Pos{3, 6}) || fn.Params[1].P != (Pos{3, 9}) {
		t.Errorf("fn: End %v, params %+v", fn.End, fn.Params)
	}
	loop := f.Stmts[3].(*ForStmt)
	if loop.FirstPos != (Pos{6, 5}) || loop.SecondPos != (Pos{6, 8}) {
		t.Errorf("for: %v %v", loop.FirstPos, loop.SecondPos)
	}
	try := f.Stmts[6].(*TryStmt)
	if !try.HasCatch || try.CatchName != "e" || try.CatchPos != (Pos{9, 27}) || !try.HasFinally {
		t.Errorf("try: %+v", try)
	}
	try2 := f.Stmts[7].(*TryStmt)
	if !try2.HasCatch || try2.CatchName != "" || try2.CatchPos != (Pos{10, 9}) || try2.HasFinally || try2.Finally != nil {
		t.Errorf("try without a catch name: %+v", try2)
	}
	imp := f.Stmts[0].(*ImportStmt)
	if imp.Module != "net" || imp.Alias != "n" || imp.IsPath {
		t.Errorf("import: %+v", imp)
	}
	lambda := f.Stmts[8].(*AssignStmt).Value.(*ListLit).Elems[0].(*FuncLit)
	if lambda.End != (Pos{11, 13}) || lambda.Name != "" {
		t.Errorf("fn literal: %+v", lambda)
	}
	ifs := f.Stmts[5].(*IfStmt)
	if ifs.Else == nil || ifs.Else[0].(*IfStmt).Else == nil || len(ifs.Else[0].(*IfStmt).Else) != 0 {
		t.Errorf("empty else block must be an empty, non-nil list: %#v", ifs.Else[0])
	}
	if (&IfStmt{}).Else != nil || f.Stmts[4].(*WhileStmt).Body == nil {
		t.Error("bodies")
	}
	if es, ok := mustParse(t, "  f(x)").Stmts[0].(*ExprStmt); !ok || es.P != (Pos{1, 3}) {
		t.Errorf("expression statement position: %v", es)
	}
}

func mustParse(t *testing.T, src string) *File {
	t.Helper()
	f, err := ParseFile("t.ys", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFStringPositions(t *testing.T) {
	src := "x = 1\n\tprint(f\"é {a + b} and {c[\"k\"]}{{d}}\")"
	f := mustParse(t, src)
	var got []string
	Inspect(f.Stmts[1], func(n Node) bool {
		got = append(got, kindPos(n))
		return true
	})
	want := "ExprStmt@2:2 Call@2:7 Ident@2:2 FString@2:8 StringLit@2:10 Binary@2:16 Ident@2:14 Ident@2:18 " +
		"StringLit@2:20 Index@2:27 Ident@2:26 StringLit@2:28 StringLit@2:33"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("f-string positions\n got  %s\n want %s", g, want)
	}
	fs := f.Stmts[1].(*ExprStmt).X.(*Call).Args[0].(*FString)
	if lit := fs.Parts[0].(*StringLit); lit.Value != "é " {
		t.Errorf("first part %q", lit.Value)
	}
	if lit := fs.Parts[len(fs.Parts)-1].(*StringLit); lit.Value != "{d}" {
		t.Errorf("last part %q", lit.Value)
	}
}

func TestParseExpr(t *testing.T) {
	x, err := ParseExpr("e.ys", "\n  a +\n  b\n")
	if err != nil {
		t.Fatal(err)
	}
	if Dump(x) != "(+ a b)" || x.Position() != (Pos{2, 5}) {
		t.Errorf("got %s at %v", Dump(x), x.Position())
	}
	for src, want := range map[string]string{
		"":      `e.ys:1:1: unexpected end of input, expected expression`,
		"x = 1": `e.ys:1:3: unexpected "="`,
		"a b":   `e.ys:1:3: unexpected name "b"`,
		"1\n2":  `e.ys:2:1: unexpected number 2`,
		"let x": `e.ys:1:1: unexpected "let", expected expression`,
		`"\q"`:  `e.ys:1:2: unknown escape sequence "\q"`,
		// At the end of the input the parser sees its ExprEnd marker, which
		// reads as the end: the open bracket is named, not the marker.
		"f(":    `e.ys:1:3: unexpected end of input: "(" at 1:2 is not closed`,
		"[1, 2": `e.ys:1:6: unexpected end of input: "[" at 1:1 is not closed`,
	} {
		_, err := ParseExpr("e.ys", src)
		if err == nil || err.Error() != want {
			t.Errorf("%q: got %v, want %s", src, err, want)
		}
		if _, ok := err.(*Error); !ok {
			t.Errorf("%q: error type %T", src, err)
		}
		if atEnd := strings.Contains(want, "unexpected end of input"); Incomplete(err) != atEnd {
			t.Errorf("%q: Incomplete = %v, want %v", src, Incomplete(err), atEnd)
		}
	}
}

func TestDump(t *testing.T) {
	f := mustParse(t, "let s = \"a\\n\"\nx = 2.0 + 1e100 + 0.1")
	if got, want := DumpFile(f), "(let s \"a\\n\")\n(= x (+ (+ 2.0 1e+100) 0.1))"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if Dump(nil) != "<nil>" {
		t.Error("Dump(nil)")
	}
	if got := Dump(&ImportStmt{Module: "./a.ys", IsPath: true, Alias: "a"}); got != `(import "./a.ys" as a)` {
		t.Error(got)
	}
}

func TestInspectPrune(t *testing.T) {
	f := mustParse(t, "fn f() { yield x }\nlet g = fn() { return 1 }\ny = (yield z)")
	// A function's own body contains yield, not its nested functions: the
	// check the compiler makes to find coroutine functions.
	hasYield := func(fn *FuncLit) bool {
		found := false
		for _, s := range fn.Body {
			Inspect(s, func(n Node) bool {
				switch n.(type) {
				case *Yield:
					found = true
				case *FuncLit:
					return false
				}
				return !found
			})
		}
		return found
	}
	if !hasYield(f.Stmts[0].(*FnStmt).Func) || hasYield(f.Stmts[1].(*LetStmt).Value.(*FuncLit)) {
		t.Error("hasYield")
	}
	count := 0
	Inspect(f.Stmts[2], func(Node) bool { count++; return true })
	if count != 4 { // AssignStmt, Ident, Yield, Ident
		t.Errorf("visited %d nodes", count)
	}
}

// ebnfHeader starts grammar.ebnf: what the grammar does not say itself.
const ebnfHeader = `(* The grammar of YieldScript, as participle prints it from lang/parser/grammar.go.
   Regenerate it with: go test ./lang/parser -run TestEBNF -args -update

   Tokens (lang/parser/lexer.go):
     <ident>     [A-Za-z_][A-Za-z0-9_]* that is not a keyword
     <int> <float> <string> <fstring>
                 literals; <string> is "...", '...' or a raw string in backquotes
     <const>     nil true false
     <stmtkw>    let return if for while break continue throw try import, and fn when a name follows;
                 an "if" right after a value on the same line is a <condkw> instead
     <condkw>    the "if" and "else" of a conditional expression (a if c else b)
     <cmpop>     == != < <= > >= in, and "not in" (one token)
     <addop>     + -
     <mulop>     * / // %
     <powop>     **
     <assignop>  = += -= *= /= **=
     <suffix>    ( [ .
     <eol>       the end of a statement: a newline where it is significant, or ";";
                 one is also inserted before the "}" that closes a block and at the end of the input

   Checked after parsing: a yield stands alone only as a statement, as the whole right-hand side of
   let or of an assignment, as the whole value of return, or in parentheses; comparisons do not
   chain; only a name, an index or a field can be assigned to; a bare name as a map key is a string;
   parameters with defaults come last; no empty element between commas; a plain else comes last;
   try has catch or finally; a path import has "as"; f-string expressions are parsed as Expression. *)

`

func TestEBNF(t *testing.T) {
	got := ebnfHeader + rootParser().String() + "\n"
	if *update {
		if err := os.WriteFile("grammar.ebnf", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("grammar.ebnf")
	if err != nil {
		t.Fatalf("%v (run go test -run TestEBNF -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("the grammar changed; run go test -run TestEBNF -update and check the diff\n%s", got)
	}
}

// bigProgram returns a program of about n lines that uses every construct.
func bigProgram(n int) string {
	var b strings.Builder
	for i := 0; b.Len() == 0 || strings.Count(b.String(), "\n") < n; i++ {
		fmt.Fprintf(&b, `fn f%d(a, b = 1) {
    let x = a + b * 2 - (a // 3) %% 4
    if x > 10 and not done {
        print(f"x = {x + 1}", xs[1:2], m.k)
    } else if x == 3 {
        let r = yield conn.recv(1024)
    } else {
        xs[0] = {a: 1, "b": [1, 2, 3]}
    }
    try { throw error("e") } catch e { x += 1 } finally { }
    for k, v in m { continue }
}
`, i)
	}
	return b.String()
}

func TestLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	// Speed is measured by BenchmarkParseLargeFile; this checks the result.
	src := []byte(bigProgram(10000))
	f, err := ParseFile("big.ys", src)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.Stmts); n < 800 {
		t.Fatalf("%d statements", n)
	}

	// An error late in a large file is found, at its place, and it is the
	// first error.
	bad := string(src) + "let x = )\nlet y = (\n"
	_, err = ParseFile("big.ys", []byte(bad))
	lines := strings.Count(string(src), "\n")
	if want := fmt.Sprintf("big.ys:%d:9: unexpected \")\", expected expression", lines+1); err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	// A conversion error early in the file comes before a syntax error late in it.
	bad = strings.Replace(string(src), "x > 10 and", "1 < x < 10 and", 1) + "let y = )\n"
	_, err = ParseFile("big.ys", []byte(bad))
	if want := "big.ys:3:14: comparison operators cannot be chained; use 'and', as in a < b and b < c"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	bad = strings.Replace(string(src), "f500(a", "f500(1", 1) + "let y = )\n"
	_, err = ParseFile("big.ys", []byte(bad))
	if err == nil || !strings.Contains(err.Error(), ": unexpected number 1, expected \")\"") || strings.Contains(err.Error(), fmt.Sprint(lines+1)) {
		t.Errorf("got %v", err)
	}
}

// A large file parsed in pieces gives the same tree as parsed whole.
func TestPiecesAgree(t *testing.T) {
	src := bigProgram(3000)
	tokens, sc, lexErr := lexAll("t.ys", src, startPos("t.ys"))
	if lexErr != nil {
		t.Fatal(lexErr)
	}
	whole, err := parseFile(tokens)
	if err != nil {
		t.Fatal(err)
	}
	pieces, err := parsePieces(tokens, sc.boundaries, 5)
	if err != nil {
		t.Fatal(err)
	}
	c := &converter{file: "t.ys", tokens: tokens}
	a := DumpFile(&File{Stmts: c.stmts(whole.Stmts)})
	b := DumpFile(&File{Stmts: c.stmts(pieces.Stmts)})
	if a != b || c.err != nil {
		t.Errorf("trees differ (or %v)", c.err)
	}
}

func BenchmarkParseFile(b *testing.B) {
	src := []byte(bigProgram(10000))
	b.SetBytes(int64(len(src)))
	for i := 0; i < b.N; i++ {
		if _, err := ParseFile("big.ys", src); err != nil {
			b.Fatal(err)
		}
	}
}

func TestExpectation(t *testing.T) {
	for msg, want := range map[string]string{
		`unexpected token "x" (expected "}")`:                                   `"}"`,
		`unexpected token "x" (expected <eol>)`:                                 `newline or ";"`,
		`unexpected token "x" (expected Expression ")")`:                        "expression",
		`unexpected token "x" (expected (<ident> | <string>) ("as" <ident>)?)`:  "name or string",
		`unexpected token "x" (expected (("if" Expression Block) | Block))`:     `"if" or "{"`,
		`unexpected token "x" (expected Expression? ")")`:                       `expression or ")"`,
		`unexpected token "x" (expected Expression?)`:                           "",
		`unexpected token "x" (expected (?= <stmtkw>) LetStmt)`:                 "",
		`unexpected token "x" (expected Mystery)`:                               "",
		`unexpected token "x" (expected ()`:                                     "",
		`unexpected token "x" (expected ")`:                                     "",
		`unexpected token "x" (expected "(" | ")" | "(")`:                       `"(" or ")"`,
		`unexpected token "x"`:                                                  "",
		`unexpected token "x" (expected ( | ))`:                                 "",
		`unexpected token "x" (expected "\"" Block)`:                            `"\""`,
		`unexpected token "x" (expected <ident> | ("=" Expression) | <string>)`: `name or "=" or string`,
	} {
		if got := expectation(msg); got != want {
			t.Errorf("%s: got %q, want %q", msg, got, want)
		}
	}
}

// BenchmarkParseLargeFile parses a 10,000-line program (linear time expected).
func BenchmarkParseLargeFile(b *testing.B) {
	src := []byte(bigProgram(10000))
	b.SetBytes(int64(len(src)))
	for range b.N {
		if _, err := ParseFile("big.ys", src); err != nil {
			b.Fatal(err)
		}
	}
}
