package vm_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yieldscript/yieldscript/lang/compile"
	"github.com/yieldscript/yieldscript/lang/parser"
	"github.com/yieldscript/yieldscript/lang/vm"
)

// unfuse takes every superinstruction of f and the functions in it back to its
// first instruction: the code as the compiler generated it.
func unfuse(f *compile.Funcode) *compile.Funcode {
	g := *f
	g.Code = make([]uint32, len(f.Code))
	for i, ins := range f.Code {
		g.Code[i] = compile.Base(ins)
	}
	g.Consts = append([]any(nil), f.Consts...)
	for i, k := range g.Consts {
		if h, ok := k.(*compile.Funcode); ok {
			g.Consts[i] = unfuse(h)
		}
	}
	return &g
}

// runForOutput runs a program's top level and describes what it did: its
// output, how it ended and the traceback of its error.
func runForOutput(prog *compile.Program, file string) string {
	var out bytes.Buffer
	m := vm.NewMachine(&out, &out) // no standard modules: importing one fails the same way in both runs
	m.LoadFile = func(path string) (*compile.Program, error) {
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(path, src)
		if err != nil {
			return nil, err
		}
		return compile.Compile(f, &compile.Env{Builtins: m.BuiltinNames()})
	}
	task, err := m.NewTask(m.Load(prog, vm.NewModule("main", file)), nil)
	if err != nil {
		return "NewTask: " + err.Error()
	}
	task.Quota = &vm.Quota{MaxSteps: 50_000_000}
	st := task.Run()
	m.Flush()
	s := out.String()
	switch st {
	case vm.StatusDone:
		s += "\ndone " + vm.Repr(task.Result())
	case vm.StatusFailed:
		s += "\nfailed " + task.Err.Kind + ": " + task.Err.Message + "\n" + task.Err.Traceback()
	default:
		s += "\nsuspended"
	}
	return s
}

// TestSuperinstructionsChangeNothing runs every test program twice, with the
// superinstructions the peephole pass marked and with the code taken back to
// plain instructions, and compares what the two runs print, return and throw,
// tracebacks included.
func TestSuperinstructionsChangeNothing(t *testing.T) {
	var files []string
	for _, root := range []string{"../../testdata", "../../examples", "../compile/testdata"} {
		_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".ys") {
				files = append(files, path)
			}
			return nil
		})
	}
	n := 0
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(path, src)
		if err != nil {
			continue
		}
		names := vm.NewMachine(nil, nil).BuiltinNames()
		prog, err := compile.Compile(f, &compile.Env{Builtins: names})
		if err != nil {
			continue
		}
		plain := *prog
		plain.Main = unfuse(prog.Main)
		got, want := runForOutput(prog, path), runForOutput(&plain, path)
		if got != want {
			t.Errorf("%s: with superinstructions:\n%s\nwithout:\n%s", path, got, want)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no programs ran")
	}
	t.Logf("%d programs compared", n)
}

// TestSuperinstructionEdgeCases compares fused and plain runs on operands the
// fast paths leave to the plain instructions: mixed kinds, strings, zero
// divisors, negative divisors, errors and their tracebacks.
func TestSuperinstructionEdgeCases(t *testing.T) {
	cases := []string{
		`fn f(a, b) { let c = a + b
    let d = a - 1
    let e = a * 2.5
    let g = a / b
    let h = a // 3
    let i = a % 3
    c = c * b
    return [c, d, e, g, h, i, a < b, a <= 1, a > b, a >= 2.0, a == b, a != 1] }
print(f(7, 2))
print(f(7.5, 2.5))
print(f(-7, 2))
print(f(7, 2.0))
print(f(7, -2))
print(f(0.0, 0.5))`,
		`fn f(a, b) { return a // b }
print(f(7, -2))
print(f(-7, -2))
print(f(7, 0))`,
		`fn f(a, b) { let c = 0
    c = a % b
    return c }
print(f(7, -3))
print(f(7.5, 2))
print(f(7, 0))`,
		`fn f(a) { let s = a
    s = s + "x"
    return s }
print(f("a"))
print(f(1))`,
		`fn f(a, b) { let x = a / b
    return x }
print(f(1, 2))
print(f(1.0, 0.0))`,
		`fn f(n) { let s = 0
    for x in n { s += x }
    return s }
print(f([1, 2, 3]))
print(f(range(5)))
print(f({"a": 1}))`,
		`fn f(a, b) { if a < b { return "lt" }
    if a == 3 { return "three" }
    return a }
print(f(1, 2), f(3, 1), f("b", "a"), f(nil, 1))`,
		`fn f(a) { return a + g }
print(f(1))
let g = 2`,
		`let g = 2.5
fn f(a) {
    let c = 3
    fn h() { return c + a }
    let k = make(a)
    return [a * c, a < c, a + g, k(1), h()]
}
fn make(n) { return fn(x) { return x * n } }
print(f(2), f(1.5))
print(f("s"))`,
		`let big = 100000000000
fn f(a) { return [a + 3000000000, a * 1.5, a < big, a + 0.25] }
print(f(1), f(2.5))
print(f("s"))`,
	}
	names := vm.NewMachine(nil, nil).BuiltinNames()
	for i, src := range cases {
		f, err := parser.ParseFile("edge.ys", []byte(src))
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		prog, err := compile.Compile(f, &compile.Env{Builtins: names})
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		plain := *prog
		plain.Main = unfuse(prog.Main)
		got, want := runForOutput(prog, "edge.ys"), runForOutput(&plain, "edge.ys")
		if got != want {
			t.Errorf("case %d: with superinstructions:\n%s\nwithout:\n%s", i, got, want)
		}
	}
}

// callerObject implements MethodCaller for double(x); other names fall back to
// GetAttr, which knows triple.
type callerObject struct{}

func (*callerObject) TypeName() string { return "caller" }

func (*callerObject) CallMethod(_ *vm.Task, name string, args []vm.Value) (vm.Value, bool, error) {
	if name != "double" {
		return vm.Nil, false, nil
	}
	if len(args) != 1 {
		return vm.Nil, true, vm.NewError(vm.KindType, "double() takes 1 argument")
	}
	return vm.Int(2 * args[0].AsInt()), true, nil
}

func (*callerObject) GetAttr(_ *vm.Task, name string) (vm.Value, error) {
	if name == "triple" {
		return vm.NewNative("triple", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			return vm.Int(3 * args[0].AsInt()), nil
		}), nil
	}
	return vm.Nil, vm.NewError(vm.KindType, "no "+name)
}

func TestMethodCaller(t *testing.T) {
	var out bytes.Buffer
	m := vm.NewMachine(&out, &out)
	m.SetBuiltin("obj", vm.ObjectValue(&callerObject{}))
	f, err := parser.ParseFile("mc.ys", []byte(`
print(obj.double(21), obj.triple(2))
try { obj.double() } catch e { print(e.message) }
try { obj.nothing(1) } catch e { print(e.message) }
`))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := compile.Compile(f, &compile.Env{Builtins: m.BuiltinNames()})
	if err != nil {
		t.Fatal(err)
	}
	task, err := m.NewTask(m.Load(prog, vm.NewModule("main", "mc.ys")), nil)
	if err != nil {
		t.Fatal(err)
	}
	if st := task.Run(); st != vm.StatusDone {
		t.Fatalf("status %d: %v", st, task.Err)
	}
	m.Flush()
	if want := "42 6\ndouble() takes 1 argument\nno nothing\n"; out.String() != want {
		t.Fatalf("got %q, want %q", out.String(), want)
	}
}
