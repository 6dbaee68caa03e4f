package yieldscript

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// limitErr runs src and checks that it fails with kind limit and a message
// containing want.
func limitErr(t *testing.T, v *VM, src, want string) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- v.RunString(context.Background(), "limit.ys", src) }()
	select {
	case err := <-done:
		var se *Error
		if !errors.As(err, &se) || se.Kind != "limit" || !strings.Contains(se.Message, want) {
			t.Errorf("%s\nerr = %v, want kind limit with %q", src, err, want)
		}
	case <-time.After(3 * time.Minute): // a hang, not a speed check: insert is quadratic, and slow under -race
		t.Fatalf("%s\ndid not stop", src)
	}
}

func TestStepLimit(t *testing.T) {
	v, out := newTestVM(t, Options{MaxSteps: 100_000})
	limitErr(t, v, "while true { }", "instruction limit")
	limitErr(t, v, "fn f() { while true { } }\nyield spawn(f)", "instruction limit")
	// Each run has its own allowance, and the script may catch the error.
	for range 3 {
		run(t, v, `try { while true { } } catch e { print(e.kind) }`)
	}
	if out.String() != "limit\nlimit\nlimit\n" {
		t.Errorf("output %q", out.String())
	}
	// A task that spawns its successor before it ends shares the allowance of
	// its run: the chain stops.
	out.Reset()
	err := v.RunString(context.Background(), "chain.ys", "fn f(n) { for i in range(100) { }; spawn(f, n + 1) }\nf(0)")
	if !errors.Is(err, ErrTaskFailed) || !strings.Contains(out.String(), "limit: instruction limit") {
		t.Errorf("err = %v, output %q", err, out.String())
	}
}

func TestTaskLimit(t *testing.T) {
	v, _ := newTestVM(t, Options{MaxTasks: 50})
	limitErr(t, v, `let e = 0
while true { spawn(fn() { yield sleep(10) }) }`, "task limit of 50")
	v2, out := newTestVM(t, Options{MaxTasks: 50})
	run(t, v2, `let n = 0
try { for i in range(100) { spawn(fn() { yield sleep(0.01) }); n += 1 } } catch e { print(e.kind, n) }`)
	if out.String() != "limit 49\n" {
		t.Errorf("output %q", out.String())
	}
}

func TestDepthLimit(t *testing.T) {
	v, _ := newTestVM(t, Options{MaxDepth: 100})
	err := v.RunString(context.Background(), "deep.ys", "fn f(n) { return f(n + 1) }\nf(0)")
	var se *Error
	if !errors.As(err, &se) || se.Kind != "limit" || !strings.Contains(se.Message, "100") {
		t.Errorf("err = %v", err)
	}
	// Without a limit of the host's, deep recursion is stack_overflow, as the
	// language says.
	v, _ = newTestVM(t, Options{})
	err = v.RunString(context.Background(), "deep.ys", "fn f(n) { return f(n + 1) }\nf(0)")
	if !errors.As(err, &se) || se.Kind != "stack_overflow" {
		t.Errorf("err = %v", err)
	}
}

func TestAllocLimit(t *testing.T) {
	const limit = 1 << 20
	cases := map[string]string{
		"push":          "let xs = []\nwhile true { xs.push(1) }",
		"insert":        "let xs = []\nwhile true { xs.insert(0, \"x\") }",
		"insert packed": "let xs = []\nwhile true { xs.insert(len(xs), 1) }",
		"extend":        "let xs = [1]\nwhile true { xs.extend([1, 2, 3]) }",
		"list concat":   "let xs = [1]\nwhile true { xs = xs + xs }",
		"list repeat":   "let xs = [1]\nwhile true { xs = xs * 2 }",
		"string concat": "let s = \"x\"\nwhile true { s = s + s }",
		"string +=":     "let s = \"\"\nwhile true { s += \"abcdefgh\" }",
		"string repeat": "let s = \"ab\"\nwhile true { s = s * 2 }",
		"join":          "let s = \"ab\"\nwhile true { s = \"\".join([s, s]) }",
		"f-string":      "let s = \"ab\"\nwhile true { s = f\"{s}{s}\" }",
		"str":           "let xs = [\"0123456789\"]\nwhile true { xs.push(str(xs)) }",
		"map set":       "let m = {}\nlet i = 0\nwhile true { m[i] = i; i += 1 }",
		"map field":     "let ms = []\nwhile true { let m = {}; m.a = 1; m.b = 2; ms.push(m) }",
		"json.decode":   "import json\nlet xs = []\nwhile true { xs.push(json.decode(\"[1, 2, 3, 4, 5, 6, 7, 8]\")) }",
		"tasks grow":    "fn grow() { let xs = []; while true { xs.push(1) } }\nyield spawn(grow)",
	}
	allocLimitCases(t, Options{MaxAlloc: limit}, cases)
}

// allocLimitCases runs each case's source on a VM of its own with opts and
// checks that it stops at the memory limit of 1 MiB.
func allocLimitCases(t *testing.T, opts Options, cases map[string]string) {
	t.Helper()
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			v, _ := newTestVM(t, opts)
			limitErr(t, v, src, "memory limit of 1 MiB")
		})
	}
}

// A built-in method called through a bound method value is charged as the
// same call written obj.m(args) is. The step limit only bounds the run were
// it not: it is far above the steps the memory limit leaves.
func TestAllocLimitBoundMethods(t *testing.T) {
	const limit = 1 << 20
	cases := map[string]string{
		"bound push":          "let xs = []\nlet p = xs.push\nwhile true { p(1) }",
		"bound push strings":  "let xs = []\nlet p = xs.push\nwhile true { p(\"x\") }",
		"bound insert":        "let xs = []\nlet ins = xs.insert\nwhile true { ins(len(xs), \"x\") }",
		"bound insert packed": "let xs = []\nlet ins = xs.insert\nwhile true { ins(len(xs), 1) }",
		"bound extend":        "let xs = [1]\nlet ext = xs.extend\nwhile true { ext([1, 2, 3]) }",
		"bound copy":          "let xs = [1, 2, 3, 4, 5, 6, 7, 8]\nlet c = xs.copy\nwhile true { c() }",
		"bound replace":       "let s = \"a\" * 100\nlet r = s.replace\nwhile true { r(\"a\", \"b\") }",
		"bound join":          "let xs = [\"ab\" * 500, \"cd\"]\nlet j = \"\".join\nwhile true { j(xs) }",
		"bound in a list":     "let xs = []\nlet ps = [xs.push]\nwhile true { ps[0](1) }",
	}
	allocLimitCases(t, Options{MaxAlloc: limit, MaxSteps: 5_000_000}, cases)
}

func TestAllocLimitIsPerRun(t *testing.T) {
	v, out := newTestVM(t, Options{MaxAlloc: 1 << 20})
	run(t, v, `fn build(n) { let xs = []; for i in range(n) { xs.push(i) }; return len(xs) }`)
	for range 5 {
		// 50,000 ints, packed at 8 bytes a slot, are about 0.5 MiB: each
		// call stays under the limit.
		if r, err := v.Call(context.Background(), "build", 50_000); err != nil || r != int64(50_000) {
			t.Fatalf("build = %v, %v", r, err)
		}
	}
	_, err := v.Call(context.Background(), "build", 200_000)
	var se *Error
	if !errors.As(err, &se) || se.Kind != "limit" {
		t.Errorf("err = %v", err)
	}
	run(t, v, `try { build(200000) } catch e { print("caught", e.kind) }
print(build(10))`)
	if out.String() != "caught limit\n10\n" {
		t.Errorf("output %q", out.String())
	}
}

func TestAllocLimitOnReads(t *testing.T) {
	v, _ := newTestVM(t, Options{MaxAlloc: 1 << 16})
	big := strings.Repeat("x", 1<<10)
	must(t, v.SetFunc("fetch", func(ctx context.Context) string { return big }))
	limitErr(t, v, "let xs = []\nwhile true { xs.push((yield fetch())) }", "memory limit")
}

func TestAllocLimitOnNetReads(t *testing.T) {
	v, _ := newTestVM(t, Options{MaxAlloc: 1 << 20, Modules: []string{"net"}})
	limitErr(t, v, `import net
let l = net.listen("127.0.0.1", 0)
let chunk = "x" * 65536
spawn(fn() {
  let c = yield l.accept()
  while true { yield c.sendall(chunk) }
})
let c = yield net.connect("127.0.0.1", l.port)
let got = []
while true { got.push((yield c.recv(65536))) }`, "memory limit")
}

// A replacement function of re.sub runs in the dispatch loop: the step limit
// stops it, and so does the memory limit a huge find_all or sub reaches.
func TestLimitsHoldInRegexCallbacks(t *testing.T) {
	v, _ := newTestVM(t, Options{MaxSteps: 100_000})
	limitErr(t, v, `import re
re.sub("a", fn(m) { while true { } }, "banana")`, "instruction limit")
	v, _ = newTestVM(t, Options{MaxAlloc: 1 << 20})
	limitErr(t, v, `import re
let s = "ab " * 100000
re.find_all("[a-z]+", s)`, "memory limit")
}
