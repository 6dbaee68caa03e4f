// Package embedcompare measures the cost of calls between Go and an embedded
// language — YieldScript, gopher-lua and goja doing the same work — in one
// benchmark run:
//
//	cd bench/embedcompare && go test -bench . -benchtime 2s
//
// Besides ns/op (wall time), each benchmark reports cpu-ns/op: the process's
// CPU time (user and system, every thread) per operation, which stays
// meaningful on a machine busy with other work, where wall time also counts
// the time the benchmark waited for a core.
//
// It is a module of its own so that the main module does not depend on the
// other interpreters.
package embedcompare

import (
	"context"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/dop251/goja"
	lua "github.com/yuin/gopher-lua"

	"github.com/yieldscript/yieldscript"
)

// cpuTime is the CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU makes b report cpu-ns/op from the CPU time used since start.
func reportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
	}
}

// ---- YieldScript ----

func newYS(b *testing.B) *yieldscript.VM {
	v := yieldscript.New(yieldscript.Options{Stdout: io.Discard})
	b.Cleanup(func() { v.Close() })
	if err := v.SetFunc("go_add", func(a, b int) int { return a + b }); err != nil {
		b.Fatal(err)
	}
	err := v.RunString(context.Background(), "embed.ys", `
fn add(a, b) { return a + b }
fn call_go(n) {
    let s = 0
    for i in range(n) { s = go_add(s, i) }
    return s
}`)
	if err != nil {
		b.Fatal(err)
	}
	return v
}

func BenchmarkGoToScript_YieldScript(b *testing.B) {
	v := newYS(b)
	ctx := context.Background()
	defer reportCPU(b, cpuTime())
	for b.Loop() {
		if r, err := v.Call(ctx, "add", 1, 2); err != nil || r != int64(3) {
			b.Fatal(r, err)
		}
	}
}

func BenchmarkScriptToGo_YieldScript(b *testing.B) {
	v := newYS(b)
	b.ResetTimer()
	defer reportCPU(b, cpuTime())
	if _, err := v.Call(context.Background(), "call_go", b.N); err != nil {
		b.Fatal(err)
	}
}

// ---- gopher-lua ----

func newLua(b *testing.B) *lua.LState {
	L := lua.NewState()
	b.Cleanup(L.Close)
	L.SetGlobal("go_add", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(L.CheckInt(1) + L.CheckInt(2)))
		return 1
	}))
	err := L.DoString(`
function add(a, b) return a + b end
function call_go(n)
    local s = 0
    for i = 0, n - 1 do s = go_add(s, i) end
    return s
end`)
	if err != nil {
		b.Fatal(err)
	}
	return L
}

func BenchmarkGoToScript_GopherLua(b *testing.B) {
	L := newLua(b)
	add := L.GetGlobal("add")
	defer reportCPU(b, cpuTime())
	for b.Loop() {
		if err := L.CallByParam(lua.P{Fn: add, NRet: 1, Protect: true}, lua.LNumber(1), lua.LNumber(2)); err != nil {
			b.Fatal(err)
		}
		if r := L.Get(-1); r != lua.LNumber(3) {
			b.Fatal(r)
		}
		L.Pop(1)
	}
}

func BenchmarkScriptToGo_GopherLua(b *testing.B) {
	L := newLua(b)
	b.ResetTimer()
	defer reportCPU(b, cpuTime())
	if err := L.CallByParam(lua.P{Fn: L.GetGlobal("call_go"), NRet: 1, Protect: true}, lua.LNumber(b.N)); err != nil {
		b.Fatal(err)
	}
	L.Pop(1)
}

// ---- goja ----

func newGoja(b *testing.B) *goja.Runtime {
	r := goja.New()
	if err := r.Set("go_add", func(a, b int) int { return a + b }); err != nil {
		b.Fatal(err)
	}
	_, err := r.RunString(`
function add(a, b) { return a + b }
function call_go(n) {
    let s = 0
    for (let i = 0; i < n; i++) { s = go_add(s, i) }
    return s
}`)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

func BenchmarkGoToScript_Goja(b *testing.B) {
	r := newGoja(b)
	add, ok := goja.AssertFunction(r.Get("add"))
	if !ok {
		b.Fatal("add is not a function")
	}
	one, two := r.ToValue(1), r.ToValue(2)
	defer reportCPU(b, cpuTime())
	for b.Loop() {
		v, err := add(goja.Undefined(), one, two)
		if err != nil || v.ToInteger() != 3 {
			b.Fatal(v, err)
		}
	}
}

func BenchmarkScriptToGo_Goja(b *testing.B) {
	r := newGoja(b)
	callGo, _ := goja.AssertFunction(r.Get("call_go"))
	b.ResetTimer()
	defer reportCPU(b, cpuTime())
	if _, err := callGo(goja.Undefined(), r.ToValue(b.N)); err != nil {
		b.Fatal(err)
	}
}
