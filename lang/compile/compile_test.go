package compile

import (
	"bytes"
	"flag"
	"go/ast"
	goparser "go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript/lang/parser"
)

var update = flag.Bool("update", false, "rewrite the golden disassembly files")

var testBuiltins = []string{"print", "len", "str", "range", "error"}

func compileSrc(t *testing.T, src string) (*Program, error) {
	t.Helper()
	f, err := parser.ParseFile("t.ys", []byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return Compile(f, &Env{Builtins: testBuiltins})
}

// TestGoldenDisassembly compares the disassembly of each testdata/*.ys program
// with testdata/*.golden (regenerate with go test -update).
func TestGoldenDisassembly(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.ys")
	if len(files) == 0 {
		t.Fatal("no golden programs found")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parser.ParseFile(filepath.Base(path), src)
			if err != nil {
				t.Fatal(err)
			}
			prog, err := Compile(f, &Env{Builtins: testBuiltins})
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			Disassemble(&b, prog)
			golden := strings.TrimSuffix(path, ".ys") + ".golden"
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("disassembly of %s changed; got:\n%s\nwant:\n%s", path, got, want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		src  string
		line int
		col  int
		msg  string
	}{
		{"print(x)", 1, 7, "undefined: x"},
		{"let a = 1\ny = 2", 2, 1, "undefined: y"},
		{"fn f() {\n  return q + 1\n}", 2, 10, "undefined: q"},
		{"break", 1, 1, "break outside loop"},
		{"if true { continue }", 1, 11, "continue outside loop"},
		{"return 1", 1, 1, "return outside function"},
		{"print = 1", 1, 1, "cannot assign to builtin print"},
		{"fn f() { let z = 1 }\nprint(z)", 2, 7, "undefined: z"},
		{"while true { let w = 1 }\nw = 2", 2, 1, "undefined: w"},
		{"fn f() { let v = v }", 1, 18, "undefined: v"},
	}
	for _, tc := range tests {
		_, err := compileSrc(t, tc.src)
		pe, ok := err.(*parser.Error)
		if !ok {
			t.Errorf("%q: got %v, want a compile error", tc.src, err)
			continue
		}
		if pe.Pos.Line != tc.line || pe.Pos.Col != tc.col || !strings.Contains(pe.Msg, tc.msg) {
			t.Errorf("%q: got %d:%d %q, want %d:%d %q", tc.src, pe.Pos.Line, pe.Pos.Col, pe.Msg, tc.line, tc.col, tc.msg)
		}
	}
}

func TestGlobalsAndScopes(t *testing.T) {
	// A function may use a global declared later in the file.
	prog, err := compileSrc(t, "fn f() { return g() }\nfn g() { return 1 }\nlet x = f()")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(prog.Globals, ",") != "f,g,x" {
		t.Errorf("globals %v", prog.Globals)
	}
	// Globals of earlier inputs keep their indexes (the REPL relies on it).
	f, _ := parser.ParseFile("t.ys", []byte("let y = x + 1"))
	prog2, err := Compile(f, &Env{Globals: prog.Globals, Builtins: testBuiltins})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(prog2.Globals, ",") != "f,g,x,y" {
		t.Errorf("globals %v", prog2.Globals)
	}
}

func TestCapturedLocalIsACellFromItsFirstUse(t *testing.T) {
	prog, err := compileSrc(t, "fn f() {\n let n = 0\n n = n + 1\n return fn() { return n }\n}")
	if err != nil {
		t.Fatal(err)
	}
	f := prog.Main.Consts[0].(*Funcode)
	var ops []string
	for _, ins := range f.Code {
		op, _ := Decode(ins)
		ops = append(ops, op.String())
	}
	got := strings.Join(ops, " ")
	if strings.Contains(got, "LOCAL") || !strings.Contains(got, "NEWCELL") || !strings.Contains(got, "SETCELL") {
		t.Errorf("captured variable still accessed as a plain local: %s", got)
	}
}

func TestConstantFolding(t *testing.T) {
	prog, err := compileSrc(t, `let a = 2 * 3 + 1
let b = "x" + "y"
let c = 1 // 0`)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	Disassemble(&b, prog)
	out := b.String()
	if !strings.Contains(out, "SMALLINT   7") || !strings.Contains(out, `"xy"`) {
		t.Errorf("not folded:\n%s", out)
	}
	if !strings.Contains(out, "FLOORDIV") {
		t.Errorf("division by zero must not be folded:\n%s", out)
	}
}

// TestOpTable checks that every op, up to the last one, has its entry in Ops
// under the name of its constant in opcode.go, and that the entry is usable:
// a superinstruction's base is a plain op, a plain op has a stack effect the
// stack check accepts, and a branch has a jump target.
func TestOpTable(t *testing.T) {
	fset := token.NewFileSet()
	file, err := goparser.ParseFile(fset, "opcode.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var consts []string // the Op constants in order, numOps last
	for _, d := range file.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST && len(g.Specs) > 0 {
			if v, ok := g.Specs[0].(*ast.ValueSpec); ok && v.Names[0].Name == "NOP" {
				for _, s := range g.Specs {
					consts = append(consts, s.(*ast.ValueSpec).Names[0].Name)
				}
			}
		}
	}
	if len(consts) != int(numOps)+1 || consts[numOps] != "numOps" {
		t.Fatalf("found %d op constants in opcode.go, want %d and numOps", len(consts), numOps)
	}
	seen := map[string]bool{}
	for op := Op(0); op < numOps; op++ {
		in := op.Info()
		if in.Name != consts[op] {
			t.Errorf("op %d (%s): its entry in Ops is named %q", op, consts[op], in.Name)
			continue
		}
		if seen[in.Name] {
			t.Errorf("%s: name used twice", in.Name)
		}
		seen[in.Name] = true
		if in.Base != NOP {
			if b := in.Base.Info(); b.Base != NOP || b.Name == "" {
				t.Errorf("%s: base %s is not a plain op", op, in.Base)
			}
			continue
		}
		if op == OPSET {
			continue
		}
		for _, arg := range []int{0, 1, 3, 0x305} {
			e := effectOf(Instr(op, arg))
			if e.needs < 0 || e.needs+e.next < 0 {
				t.Errorf("%s %d: effect %+v", op, arg, e)
			}
		}
		branch := in.Flow == FlowBranch || in.Flow == FlowJump
		if branch != (in.Operand == ArgJump || in.Operand == ArgIsSet) {
			t.Errorf("%s: flow %d with operand form %d", op, in.Flow, in.Operand)
		}
	}
	if Op(numOps).String() != "OP?" {
		t.Errorf("an op past the table has a name")
	}
}

// A long chain of operators compiles in time linear in its length: constant
// folding looks at each node once, not once per enclosing node.
func TestLongOperatorChain(t *testing.T) {
	const n = 100000
	p := parser.Pos{Line: 1, Col: 1}
	var e parser.Expr = &parser.Ident{P: p, Name: "len"}
	for range n {
		e = &parser.Binary{P: p, Op: "+", X: e, Y: &parser.IntLit{P: p, Value: 1}}
	}
	f := &parser.File{Name: "t.ys", Stmts: []parser.Stmt{&parser.ExprStmt{P: p, X: e}}}
	done := make(chan error, 1)
	go func() {
		_, err := Compile(f, &Env{Builtins: testBuiltins})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("compiling a chain of %d additions took more than 20s", n)
	}
}
