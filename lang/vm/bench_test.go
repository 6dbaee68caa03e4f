package vm

import (
	"io"
	"testing"

	"github.com/yieldscript/yieldscript/lang/compile"
	"github.com/yieldscript/yieldscript/lang/parser"
)

// benchCompile compiles src for m; the test fails on a syntax or compile error.
func benchCompile(tb testing.TB, m *Machine, src string) *compile.Program {
	tb.Helper()
	f, err := parser.ParseFile("bench.ys", []byte(src))
	if err != nil {
		tb.Fatalf("parse: %v", err)
	}
	prog, err := compile.Compile(f, &compile.Env{Builtins: m.BuiltinNames()})
	if err != nil {
		tb.Fatalf("compile: %v", err)
	}
	return prog
}

// benchScript runs src's main(n) b.N times over with n = iterations; src must
// define fn main(n). Output goes nowhere.
func benchScript(b *testing.B, src string, iterations int) {
	m := NewMachine(io.Discard, io.Discard)
	prog := benchCompile(b, m, src+"\nlet __n = "+benchItoa(iterations)+"\n")
	mod := NewModule("bench", "bench.ys")
	if t, err := m.NewTask(m.Load(prog, mod), nil); err != nil || t.Run() != StatusDone {
		b.Fatalf("setup failed: %v %v", err, t.Err)
	}
	mainFn, _ := mod.Global("main")
	arg := []Value{Int(int64(iterations))}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		t, err := m.NewTask(mainFn, arg)
		if err != nil {
			b.Fatal(err)
		}
		if st := t.Run(); st != StatusDone {
			b.Fatalf("status %d: %v", st, t.Err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(iterations), "ns/iter")
}

func benchItoa(n int) string { return Repr(Int(int64(n))) }

func BenchmarkIntLoop(b *testing.B) {
	benchScript(b, `
fn main(n) {
    let s = 0
    for i in range(n) {
        s += i
    }
    return s
}`, 100000)
}

func BenchmarkWhileLoop(b *testing.B) {
	benchScript(b, `
fn main(n) {
    let i = 0
    let s = 0
    while i < n {
        s = s + i * 2
        i += 1
    }
    return s
}`, 100000)
}

func BenchmarkFloatArith(b *testing.B) {
	benchScript(b, `
fn main(n) {
    let x = 0.0
    let y = 1.5
    for i in range(n) {
        x = x * 0.5 + y - 0.25
    }
    return x
}`, 100000)
}

func BenchmarkFuncCall(b *testing.B) {
	benchScript(b, `
fn add(a, b) { return a + b }
fn main(n) {
    let s = 0
    for i in range(n) {
        s = add(s, i)
    }
    return s
}`, 100000)
}

func BenchmarkFib(b *testing.B) {
	benchScript(b, `
fn fib(n) {
    if n < 2 { return n }
    return fib(n - 1) + fib(n - 2)
}
fn main(n) { return fib(n) }`, 20)
}

func BenchmarkClosureCall(b *testing.B) {
	benchScript(b, `
fn make_adder(k) {
    return fn(x) { return x + k }
}
fn main(n) {
    let f = make_adder(1)
    let s = 0
    for i in range(n) {
        s = f(s)
    }
    return s
}`, 100000)
}

func BenchmarkListPushIndex(b *testing.B) {
	benchScript(b, `
fn main(n) {
    let a = []
    for i in range(n) {
        a.push(i)
    }
    let s = 0
    for i in range(n) {
        s += a[i]
    }
    for x in a {
        s += x
    }
    return s
}`, 100000)
}

func BenchmarkMapSetGet(b *testing.B) {
	benchScript(b, `
fn main(n) {
    let m = {}
    for i in range(n) {
        m[i * 3] = i
    }
    let s = 0
    for i in range(n) {
        s += m[i * 3]
    }
    return s
}`, 100000)
}

func BenchmarkMapStrKeys(b *testing.B) {
	benchScript(b, `
fn main(n) {
    let keys = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
    let m = {}
    for k in keys { m[k] = 0 }
    for i in range(n) {
        let k = keys[i % 10]
        m[k] = m[k] + 1
    }
    return m["alpha"]
}`, 100000)
}

func BenchmarkStringMethod(b *testing.B) {
	benchScript(b, `
fn main(n) {
    let s = "hello, world"
    let c = 0
    for i in range(n) {
        if s.startswith("hello") {
            c += 1
        }
    }
    return c
}`, 100000)
}

func BenchmarkGlobalAccess(b *testing.B) {
	benchScript(b, `
let counter = 0
fn main(n) {
    for i in range(n) {
        counter = counter + 1
    }
    return counter
}`, 100000)
}
