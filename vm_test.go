package yieldscript

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// newTestVM makes a VM writing to a buffer, closed when the test ends.
func newTestVM(t *testing.T, opts Options) (*VM, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	if opts.Stdout == nil {
		opts.Stdout = &out
	}
	if opts.Stderr == nil {
		opts.Stderr = &out
	}
	v := New(opts)
	t.Cleanup(func() { v.Close() })
	return v, &out
}

func run(t *testing.T, v *VM, src string) {
	t.Helper()
	if err := v.RunString(context.Background(), "test.ys", src); err != nil {
		t.Fatalf("RunString: %v", err)
	}
}

func TestGlobalsBothWays(t *testing.T) {
	v, out := newTestVM(t, Options{})
	type cfg struct {
		Name  string
		Ports []int
	}
	must(t, v.SetGlobal("config", cfg{Name: "api", Ports: []int{80, 443}}))
	must(t, v.SetGlobal("limit", 10))
	run(t, v, `print(config.Name, config.Ports[1], limit)
let total = limit * 2`)
	if got := out.String(); got != "api 443 10\n" {
		t.Errorf("output %q", got)
	}
	total, ok, err := v.Global("total")
	if err != nil || !ok || total != int64(20) {
		t.Errorf("Global(total) = %v, %v, %v", total, ok, err)
	}
	if _, ok, _ := v.Global("nothing"); ok {
		t.Error("Global(nothing) found something")
	}
}

func TestSetFuncConversions(t *testing.T) {
	v, out := newTestVM(t, Options{})
	type user struct {
		Name string `json:"name"`
		Age  int    `json:"age"`
	}
	must(t, v.SetFunc("sum", func(xs ...int) int {
		n := 0
		for _, x := range xs {
			n += x
		}
		return n
	}))
	must(t, v.SetFunc("user", func(name string) (user, error) {
		if name == "" {
			return user{}, errors.New("no name")
		}
		return user{Name: name, Age: 42}, nil
	}))
	must(t, v.SetFunc("older", func(u user, years int) user { u.Age += years; return u }))
	must(t, v.SetFunc("words", func(s string) []string { return strings.Fields(s) }))
	must(t, v.SetFunc("count", func(m map[string]int) int { return len(m) }))
	must(t, v.SetFunc("fail", func() error { return Errorf("not_found", "no such thing") }))
	run(t, v, `
print(sum(), sum(1, 2, 3))
let u = user("ann")
print(u.name, u.age, older(u, 1).age)
print(words("a b  c"), count({a: 1, b: 2}))
try { user("") } catch e { print(e.kind, e.message) }
try { fail() } catch e { print(e.kind, e.message) }
try { sum("x") } catch e { print(e.kind, e.message) }
try { older(1) } catch e { print(e.kind) }
`)
	want := `0 6
ann 42 43
["a", "b", "c"] 2
error no name
not_found no such thing
type sum() argument 1 must be an int, not string
type
`
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

func TestFastPathFunctionsCheckArgumentsAsReflection(t *testing.T) {
	// The commonest signatures are called without reflection; their
	// argument errors read as those of a function called by reflection.
	v, out := newTestVM(t, Options{})
	fast := map[string]any{
		"f0": func() {}, "fs": func(s string) string { return s }, "fi": func(i int) int { return i },
		"fi64": func(i int64) int64 { return i }, "ff": func(x float64) float64 { return x },
		"fii": func(a, b int) int { return a + b },
	}
	slow := map[string]any{ // the same parameters, with an error result
		"f0": func() error { return nil }, "fs": func(s string) (string, error) { return s, nil },
		"fi": func(i int) (int, error) { return i, nil }, "fi64": func(i int64) (int64, error) { return i, nil },
		"ff": func(x float64) (float64, error) { return x, nil }, "fii": func(a, b int) (int, error) { return a + b, nil },
	}
	for name := range fast {
		must(t, v.SetFunc(name, fast[name]))
		must(t, v.SetFunc("r"+name, slow[name]))
	}
	calls := []string{"f0(1)", "fs()", "fs(1)", "fs(\"a\", \"b\")", "fi(1.5)", "fi()", "fi64(\"1\")", "ff(\"x\")", "ff(1, 2)",
		"fii(1)", "fii(1, \"2\")", "fii(\"1\", 2)", "fii(1, 2, 3)", "fii(nil, nil)"}
	for _, c := range calls {
		out.Reset()
		run(t, v, "try { "+c+" } catch e { print(e.kind, e.message) }\ntry { r"+c+" } catch e { print(e.kind, e.message) }")
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "type ") || lines[1] != "type r"+strings.TrimPrefix(lines[0], "type ") {
			t.Errorf("%s: %q", c, lines)
		}
	}
	out.Reset()
	run(t, v, `print(f0(), fs("s"), fi(-3), fi64(2 ** 40), ff(2), ff(0.5), fii(2, 3))`)
	if got, want := out.String(), "nil s -3 1099511627776 2.0 0.5 5\n"; got != want {
		t.Errorf("results %q, want %q", got, want)
	}
}

func TestSetFuncRejectsBadSignatures(t *testing.T) {
	v, _ := newTestVM(t, Options{})
	for _, fn := range []any{42, func() (int, int) { return 1, 2 }, func() (int, int, error) { return 1, 2, nil }} {
		if err := v.SetFunc("f", fn); err == nil {
			t.Errorf("SetFunc(%T) succeeded, want an error", fn)
		}
	}
}

func TestGoErrorReachesHost(t *testing.T) {
	v, _ := newTestVM(t, Options{})
	sentinel := errors.New("database is down")
	must(t, v.SetFunc("query", func() (string, error) { return "", sentinel }))
	err := v.RunString(context.Background(), "q.ys", "fn f() { return query() }\nf()")
	if !errors.Is(err, sentinel) {
		t.Fatalf("err = %v, want one that wraps the Go error", err)
	}
	var se *Error
	if !errors.As(err, &se) || se.Kind != "error" || !strings.Contains(se.Traceback, "q.ys:1:") {
		t.Errorf("err = %#v, want a *Error with a traceback through q.ys", err)
	}
}

func TestSetNativeAndModule(t *testing.T) {
	v, out := newTestVM(t, Options{})
	v.SetNative("twice", func(_ *vmTask, args []vmValue) (vmValue, error) {
		return vmNewList(append(append([]vmValue(nil), args...), args...)), nil
	})
	must(t, v.SetModule("geo", map[string]any{
		"pi":   3.14,
		"area": func(r float64) float64 { return 3.14 * r * r },
		"unit": map[string]any{"name": "m"},
	}))
	run(t, v, `import geo
print(twice(1, 2), geo.pi, geo.area(1.0), geo.unit.name)`)
	if got := out.String(); got != "[1, 2, 1, 2] 3.14 3.14 m\n" {
		t.Errorf("output %q", got)
	}
}

func TestCallPlainAndCoroutine(t *testing.T) {
	v, _ := newTestVM(t, Options{})
	run(t, v, `
fn add(a, b) { return a + b }
fn slow_double(x) {
  yield sleep(0.01)
  return x * 2
}
fn pair(m) { return [m.k, len(m.list)] }
fn apply(f, x) { return f(x) }
`)
	ctx := context.Background()
	if r, err := v.Call(ctx, "add", 2, 3); err != nil || r != int64(5) {
		t.Errorf("add = %v, %v", r, err)
	}
	if r, err := v.Call(ctx, "add", "a", "b"); err != nil || r != "ab" {
		t.Errorf("add strings = %v, %v", r, err)
	}
	if r, err := v.Call(ctx, "slow_double", 21); err != nil || r != int64(42) {
		t.Errorf("slow_double = %v, %v", r, err)
	}
	r, err := v.Call(ctx, "pair", map[string]any{"k": "v", "list": []int{1, 2, 3}})
	if err != nil || fmt.Sprint(r) != "[v 3]" {
		t.Errorf("pair = %v, %v", r, err)
	}
	if r, err := v.Call(ctx, "apply", func(x int) int { return x + 1 }, 1); err != nil || r != int64(2) {
		t.Errorf("apply = %v, %v", r, err)
	}
	if _, err := v.Call(ctx, "add", 1); err == nil || !strings.Contains(err.Error(), "takes 2 arguments") {
		t.Errorf("add(1) err = %v", err)
	}
	if _, err := v.Call(ctx, "missing"); err == nil {
		t.Error("Call(missing) succeeded")
	}
}

func TestFuncCallback(t *testing.T) {
	v, _ := newTestVM(t, Options{})
	var saved *Func
	must(t, v.SetFunc("on_event", func(f *Func) { saved = f }))
	run(t, v, `on_event(fn(x) { return "got " + x })`)
	r, err := saved.Call(context.Background(), "ping")
	if err != nil || r != "got ping" {
		t.Errorf("callback = %v, %v", r, err)
	}
}

func TestCompileOnceRunMany(t *testing.T) {
	v, out := newTestVM(t, Options{})
	must(t, v.SetGlobal("n", 0))
	p, err := v.Compile("count.ys", []byte("n += 1\nprint(n)"))
	must(t, err)
	for range 3 {
		_, err := v.Run(context.Background(), p)
		must(t, err)
	}
	// A global defined after compiling does not confuse the program.
	must(t, v.SetGlobal("later", 1))
	_, err = v.Run(context.Background(), p)
	must(t, err)
	if got := out.String(); got != "1\n2\n3\n4\n" {
		t.Errorf("output %q", got)
	}
}

func TestRunReturnsLastExpression(t *testing.T) {
	v, out := newTestVM(t, Options{})
	// The globals a program uses are defined before it is compiled.
	must(t, v.SetGlobal("order", nil))
	p, err := v.Compile("rule.ys", []byte("let total = order.qty * order.price\ntotal > 5"))
	must(t, err)
	for _, c := range []struct {
		order map[string]any
		want  any
	}{
		{map[string]any{"qty": 2, "price": 1.5}, false},
		{map[string]any{"qty": 3, "price": 2}, true},
	} {
		must(t, v.SetGlobal("order", c.order))
		r, err := v.Run(context.Background(), p)
		if err != nil || r != c.want {
			t.Errorf("order %v: Run = %v, %v, want %v", c.order, r, err, c.want)
		}
	}
	// A program that ends with a statement other than an expression returns
	// nil; one that ends with a call returns its result.
	for src, want := range map[string]any{"let x = 1": nil, "print(\"hi\")": nil, "len([1, 2])": int64(2)} {
		p, err := v.Compile("last.ys", []byte(src))
		must(t, err)
		if r, err := v.Run(context.Background(), p); err != nil || r != want {
			t.Errorf("%s: Run = %#v, %v, want %#v", src, r, err, want)
		}
	}
	if out.String() != "hi\n" {
		t.Errorf("output %q", out.String())
	}
}

func TestRunRejectsForeignProgram(t *testing.T) {
	a, _ := newTestVM(t, Options{})
	b, _ := newTestVM(t, Options{})
	p, err := a.Compile("a.ys", []byte("1 + 1"))
	must(t, err)
	if _, err := b.Run(context.Background(), p); err == nil || !strings.Contains(err.Error(), "another VM") {
		t.Errorf("Run in another VM: err = %v", err)
	}
	if _, err := b.Run(context.Background(), nil); err == nil || strings.Contains(err.Error(), "internal error") {
		t.Errorf("Run(nil): err = %v, want a plain error", err)
	}
	if r, err := a.Run(context.Background(), p); err != nil || r != int64(2) {
		t.Errorf("Run in its own VM = %v, %v", r, err)
	}
}

func TestErrorsAndExit(t *testing.T) {
	v, out := newTestVM(t, Options{Modules: AllModules})
	ctx := context.Background()
	err := v.RunString(ctx, "bad.ys", "let x = [1]\nfn f() { return x[5] }\nf()")
	var se *Error
	if !errors.As(err, &se) || se.Kind != "index" || !strings.Contains(se.Traceback, "bad.ys:2:") {
		t.Errorf("err = %v", err)
	}
	err = v.RunString(ctx, "syntax.ys", "let = 1")
	var ce *CompileError
	if !errors.As(err, &ce) {
		t.Errorf("err = %v, want a *CompileError", err)
	}
	err = v.RunString(ctx, "exit.ys", "import os\nspawn(fn() { yield sleep(10) })\nos.exit(3)")
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 3 {
		t.Errorf("err = %v, want exit 3", err)
	}
	err = v.RunString(ctx, "task.ys", "spawn(fn() { throw error('lost', 'mine') })\nyield sleep(0.01)")
	if !errors.Is(err, ErrTaskFailed) || !strings.Contains(out.String(), "mine: lost") {
		t.Errorf("err = %v, output %q", err, out.String())
	}
	err = v.RunString(ctx, "thrown.ys", `throw {"code": 7}`)
	if !errors.As(err, &se) || fmt.Sprint(se.Value) != "map[code:7]" {
		t.Errorf("thrown value: %#v", err)
	}
}

func TestStdoutAndStderr(t *testing.T) {
	var stdout, stderr bytes.Buffer
	v, _ := newTestVM(t, Options{Stdout: &stdout, Stderr: &stderr})
	err := v.RunString(context.Background(), "io.ys", `print("to stdout")
spawn(fn() { throw error("lost") })`)
	if !errors.Is(err, ErrTaskFailed) {
		t.Errorf("err = %v, want ErrTaskFailed", err)
	}
	if stdout.String() != "to stdout\n" {
		t.Errorf("stdout %q", stdout.String())
	}
	if !strings.Contains(stderr.String(), "error: lost") || !strings.Contains(stderr.String(), "io.ys:2:") {
		t.Errorf("stderr %q, want the task's error with its traceback", stderr.String())
	}
}

func TestProgramWaitsForItsTasks(t *testing.T) {
	v, out := newTestVM(t, Options{})
	run(t, v, `spawn(fn() { yield sleep(0.02); print("late") })
print("early")`)
	if got := out.String(); got != "early\nlate\n" {
		t.Errorf("output %q", got)
	}
}

func TestCapabilities(t *testing.T) {
	v, _ := newTestVM(t, Options{})
	for _, mod := range []string{"net", "http", "fs", "os"} {
		err := v.RunString(context.Background(), "cap.ys", "import "+mod)
		var se *Error
		if !errors.As(err, &se) || !strings.Contains(se.Message, "did not grant") {
			t.Errorf("import %s: err = %v, want a refusal", mod, err)
		}
	}
	for _, mod := range SafeModules {
		if err := v.RunString(context.Background(), "cap.ys", "import "+mod); err != nil {
			t.Errorf("import %s: %v", mod, err)
		}
	}
	granted, _ := newTestVM(t, Options{Modules: []string{"os"}})
	if err := granted.RunString(context.Background(), "cap.ys", "import os"); err != nil {
		t.Errorf("granted os: %v", err)
	}
}

func TestFileImports(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "util.ys"), []byte("fn twice(x) { return 2 * x }"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "main.ys"), []byte(`import "./util.ys" as util
print(util.twice(21))`), 0o644))
	denied, _ := newTestVM(t, Options{})
	err := denied.RunFile(context.Background(), filepath.Join(dir, "main.ys"))
	if err == nil || !strings.Contains(err.Error(), "file imports are not allowed") {
		t.Errorf("without ImportRoot: err = %v", err)
	}
	v, out := newTestVM(t, Options{ImportRoot: dir})
	must(t, v.RunFile(context.Background(), filepath.Join(dir, "main.ys")))
	if out.String() != "42\n" {
		t.Errorf("output %q", out.String())
	}
	outside, _ := newTestVM(t, Options{ImportRoot: filepath.Join(dir, "sub")})
	err = outside.RunFile(context.Background(), filepath.Join(dir, "main.ys"))
	if err == nil || !strings.Contains(err.Error(), "outside the import root") {
		t.Errorf("outside the root: err = %v", err)
	}
}

func TestPanicBecomesScriptError(t *testing.T) {
	v, out := newTestVM(t, Options{})
	must(t, v.SetFunc("explode", func(s string) string { panic("kaboom: " + s) }))
	must(t, v.SetFunc("nilmap", func() int { var m map[string]int; m["x"] = 1; return 0 }))
	must(t, v.SetFunc("async_explode", func(ctx context.Context) int { panic("async kaboom") }))
	v.SetNative("low_explode", func(*vmTask, []vmValue) (vmValue, error) { panic("low kaboom") })
	run(t, v, `
for f in [fn() { explode("x") }, nilmap, fn() { yield async_explode() }, low_explode] {
  try { yield f() } catch e { print(e.kind, e.message) }
}`)
	for _, want := range []string{"error panic in explode: kaboom: x", "panic in nilmap: assignment to entry in nil map", "error panic in async_explode: async kaboom", "panic in low_explode: low kaboom"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output %q lacks %q", out.String(), want)
		}
	}
	// Uncaught, it reaches the host as an error with the traceback and the panic.
	err := v.RunString(context.Background(), "p.ys", "fn go_deeper() { explode(\"y\") }\ngo_deeper()")
	var se *Error
	var pe *PanicError
	if !errors.As(err, &se) || !strings.Contains(se.Traceback, "in go_deeper") || !errors.As(err, &pe) || pe.Func != "explode" {
		t.Errorf("err = %v", err)
	}
}

func TestPanicInAFastPathFunction(t *testing.T) {
	v, out := newTestVM(t, Options{})
	// func(int, int) int is called without reflection.
	must(t, v.SetFunc("div", func(a, b int) int { return a / b }))
	run(t, v, `
let caught = 0
let sum = 0
for d in [3, 0, 5, 0, -2] {
  try { sum = sum + div(10, d) } catch e { caught = caught + 1; print(e.kind, e.message) }
}
print(caught, sum)`)
	// Go's integer division truncates: 10/3 + 10/5 + 10/-2 == 3 + 2 - 5.
	want := "error panic in div: runtime error: integer divide by zero\n"
	if got := out.String(); got != want+want+"2 0\n" {
		t.Errorf("output %q", got)
	}
	err := v.RunString(context.Background(), "p.ys", "fn outer() {\n  return div(1, 0)\n}\nouter()")
	var se *Error
	var pe *PanicError
	if !errors.As(err, &se) || !strings.Contains(se.Traceback, "p.ys:2") || !strings.Contains(se.Traceback, "in outer") {
		t.Fatalf("err = %v", err)
	}
	if !errors.As(err, &pe) || pe.Func != "div" || !strings.Contains(string(pe.Stack), "TestPanicInAFastPathFunction") {
		t.Errorf("panic error %+v", pe)
	}
}

func TestPanicInAModuleFunction(t *testing.T) {
	v, out := newTestVM(t, Options{})
	must(t, v.SetModule("m", map[string]any{"boom": func(s string) string { panic("module " + s) }}))
	run(t, v, `
import m
for i in range(3) {
  try { m.boom("x") } catch e { print(e.kind, e.message) }
}`)
	want := "error panic in m.boom: module x\n"
	if got := out.String(); got != want+want+want {
		t.Errorf("output %q", got)
	}
}

// panicWriter is a host writer that panics on every write.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("writer broke") }

func TestPanickingWriterDoesNotStopTheVM(t *testing.T) {
	for _, lineBuffered := range []bool{false, true} {
		v := New(Options{Stdout: panicWriter{}, Stderr: panicWriter{}, LineBuffered: lineBuffered})
		done := make(chan error, 1)
		go func() {
			done <- v.RunString(context.Background(), "w.ys", `print("lost")
spawn(fn() { throw error("reported to a broken Stderr") })
let after = 1`)
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrTaskFailed) {
				t.Errorf("line buffered %v: err = %v, want ErrTaskFailed", lineBuffered, err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("line buffered %v: the run did not end", lineBuffered)
		}
		if x, ok, err := v.Global("after"); err != nil || !ok || x != int64(1) {
			t.Errorf("line buffered %v: after = %v, %v, %v", lineBuffered, x, ok, err)
		}
		v.Close()
	}
}

func TestReentrantCallIsAnError(t *testing.T) {
	v, out := newTestVM(t, Options{})
	must(t, v.SetFunc("recurse", func() error {
		_, err := v.Call(context.Background(), "f")
		return err
	}))
	must(t, v.SetFunc("define", func() error { return v.SetGlobal("defined", 1) }))
	run(t, v, `fn f() { return 1 }
try { recurse() } catch e { print(e.message) }
define()`)
	if !strings.Contains(out.String(), "cannot wait for its own VM") {
		t.Errorf("output %q", out.String())
	}
	if x, ok, _ := v.Global("defined"); !ok || x != int64(1) {
		t.Errorf("defined = %v", x)
	}
}

func TestClose(t *testing.T) {
	v := New(Options{})
	must(t, v.Close())
	must(t, v.Close())
	if err := v.RunString(context.Background(), "x.ys", "1"); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
	if _, err := v.Call(context.Background(), "f"); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

func TestEvalKeepsGlobals(t *testing.T) {
	v, _ := newTestVM(t, Options{})
	var shown []string
	echo := func(s string) { shown = append(shown, s) }
	must(t, v.Eval(context.Background(), "<stdin>", "let x = 2\nx * 21", echo))
	must(t, v.Eval(context.Background(), "<stdin>", `"s" + str(x)`, echo))
	if fmt.Sprint(shown) != `[42 "s2"]` {
		t.Errorf("shown %q", shown)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
