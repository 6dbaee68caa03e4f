package bench

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript"
)

// benchProgram runs bench/programs/<name>.ys once per iteration in a fresh VM
// with the options the command line gives it (the block report is on), so that allocations per run can be counted (-benchmem) and
// profiles taken (-cpuprofile) of exactly what the harness times.
func benchProgram(b *testing.B, name string) {
	src, err := os.ReadFile("programs/" + name + ".ys")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		v := yieldscript.New(yieldscript.Options{Stdout: io.Discard, Modules: yieldscript.AllModules,
			BlockReport: 100 * time.Millisecond})
		if err := v.RunString(context.Background(), name+".ys", string(src)); err != nil {
			b.Fatal(err)
		}
		v.Close()
	}
}

func BenchmarkProgramFib(b *testing.B)       { benchProgram(b, "fib") }
func BenchmarkProgramLoop(b *testing.B)      { benchProgram(b, "loop") }
func BenchmarkProgramList(b *testing.B)      { benchProgram(b, "list") }
func BenchmarkProgramStrjoin(b *testing.B)   { benchProgram(b, "strjoin") }
func BenchmarkProgramMap(b *testing.B)       { benchProgram(b, "map") }
func BenchmarkProgramClosure(b *testing.B)   { benchProgram(b, "closure") }
func BenchmarkProgramCoroutine(b *testing.B) { benchProgram(b, "coroutine") }
func BenchmarkProgramSort(b *testing.B)      { benchProgram(b, "sort") }
