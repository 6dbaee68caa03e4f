package bench

import (
	"context"
	"io"
	"testing"

	"github.com/yieldscript/yieldscript"
)

// The cost of crossing between Go and scripts, both ways. bench/embedcompare
// runs the same benchmarks beside gopher-lua and goja in one run (it is a
// module of its own, so that this one does not depend on them).

const embedScript = `
fn add(a, b) { return a + b }
fn call_go(n) {
    let s = 0
    for i in range(n) { s = go_add(s, i) }
    return s
}
fn call_go_reflect(n) {
    let s = 0
    for i in range(n) { s = go_add_reflect(s, i) }
    return s
}
`

func newEmbedVM(b *testing.B) *yieldscript.VM {
	v := yieldscript.New(yieldscript.Options{Stdout: io.Discard})
	b.Cleanup(func() { v.Close() })
	if err := v.SetFunc("go_add", func(a, b int) int { return a + b }); err != nil {
		b.Fatal(err)
	}
	// int64 parameters take the reflection path (func(int, int) int has a fast one).
	if err := v.SetFunc("go_add_reflect", func(a, b int64) int64 { return a + b }); err != nil {
		b.Fatal(err)
	}
	if err := v.RunString(context.Background(), "embed.ys", embedScript); err != nil {
		b.Fatal(err)
	}
	return v
}

// BenchmarkGoToScript is one v.Call of a script function from Go: arguments
// converted, the call queued onto the VM's loop, run as a task, the result
// converted and handed back.
func BenchmarkGoToScript(b *testing.B) {
	v := newEmbedVM(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if r, err := v.Call(ctx, "add", 1, 2); err != nil || r != int64(3) {
			b.Fatal(r, err)
		}
	}
}

// BenchmarkScriptToGo is one call of a Go function (func(int, int) int) from
// a script loop.
func BenchmarkScriptToGo(b *testing.B) {
	v := newEmbedVM(b)
	b.ResetTimer()
	if _, err := v.Call(context.Background(), "call_go", b.N); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkScriptToGoReflect is the same through reflection
// (func(int64, int64) int64 has no fast path).
func BenchmarkScriptToGoReflect(b *testing.B) {
	v := newEmbedVM(b)
	b.ResetTimer()
	if _, err := v.Call(context.Background(), "call_go_reflect", b.N); err != nil {
		b.Fatal(err)
	}
}
