package compile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yieldscript/yieldscript/lang/parser"
)

// scriptFiles lists the .ys programs of the repository's test data and examples.
func scriptFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, root := range []string{"testdata", "../../testdata", "../../examples", "../../bench"} {
		_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".ys") {
				files = append(files, path)
			}
			return nil
		})
	}
	if len(files) == 0 {
		t.Fatal("no programs found")
	}
	return files
}

// allBuiltins are the builtins of the VM and of the runtime around it.
var allBuiltins = []string{
	"print", "len", "str", "int", "float", "type", "range", "error", "assert", "keys", "values",
	"delete", "spawn", "all", "any", "sleep", "now", "ready", "wait", "min", "max", "abs", "sorted",
}

// TestMaxStack checks MaxStack against the code of every program that compiles:
// the VM reserves MaxStack slots per frame and does not check pushes.
func TestMaxStack(t *testing.T) {
	n := 0
	for _, path := range scriptFiles(t) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(path, src)
		if err != nil {
			continue // a syntax error test
		}
		prog, err := Compile(f, &Env{Builtins: allBuiltins})
		if err != nil {
			continue // a compile error test, or a builtin this list lacks
		}
		if err := VerifyStack(prog.Main); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		n++
	}
	t.Logf("%d programs verified", n)
}

func TestVerifyStackCatchesWrongMaxStack(t *testing.T) {
	prog, err := compileSrc(t, "fn f(a, b) { return [a, b, a + b] }")
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyStack(prog.Main); err != nil {
		t.Fatal(err)
	}
	g := prog.Main.Consts[0].(*Funcode)
	g.MaxStack--
	if err := VerifyStack(prog.Main); err == nil || !strings.Contains(err.Error(), "above MaxStack") {
		t.Fatalf("got %v, want a MaxStack error", err)
	}
}

func TestPeepholeKeepsLengthAndOperands(t *testing.T) {
	prog, err := compileSrc(t, `
fn f(n) {
    let s = 0
    for i in range(n) {
        s += i
        if i < 10 { s = s * 2 }
        if s { s = g(s, 1) }
        while true {
            if s { break }
            s = 1
        }
    }
    return s
}
fn g(a, b) { return a }`)
	if err != nil {
		t.Fatal(err)
	}
	f := prog.Main.Consts[0].(*Funcode)
	if len(f.Code) != len(f.Lines) {
		t.Fatalf("%d instructions, %d positions", len(f.Code), len(f.Lines))
	}
	seen := map[Op]bool{}
	for _, ins := range f.Code {
		op, _ := Decode(ins)
		seen[op] = true
	}
	for _, op := range []Op{FORITERSET, LLOPSET, LKJUMPF, LKOPSET, LOCALRET, LJUMPF, LJUMPT, LOCALK} {
		if !seen[op] {
			t.Errorf("no %s in the code of f", op)
		}
	}
	// Taking the superinstructions back to their first instructions gives the
	// code as it was generated.
	plain := make([]uint32, len(f.Code))
	for i, ins := range f.Code {
		plain[i] = Base(ins)
	}
	g := &Funcode{Code: append([]uint32(nil), plain...)}
	peephole(g)
	for i := range plain {
		if g.Code[i] != f.Code[i] {
			t.Errorf("pc %d: peephole of the plain code gives %08x, compiled %08x", i, g.Code[i], f.Code[i])
		}
	}
}

// FuzzMaxStack compiles arbitrary source and checks MaxStack against the code.
func FuzzMaxStack(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/*/*.ys")
	for _, p := range seeds {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(string(src))
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		file, err := parser.ParseFile("fuzz.ys", []byte(src))
		if err != nil {
			return
		}
		prog, err := Compile(file, &Env{Builtins: allBuiltins})
		if err != nil {
			return
		}
		if err := VerifyStack(prog.Main); err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
	})
}
