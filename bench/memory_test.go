package bench

import (
	"context"
	"io"
	"runtime"
	"testing"

	"github.com/yieldscript/yieldscript"
	"github.com/yieldscript/yieldscript/lang/vm"
)

// heapDuring runs src and, from inside it (when the script calls probe()),
// measures the live heap after a full collection.
func heapDuring(b *testing.B, src string) uint64 {
	b.Helper()
	var live uint64
	v := yieldscript.New(yieldscript.Options{Stdout: io.Discard, Modules: yieldscript.AllModules})
	defer v.Close()
	v.SetNative("probe", func(*vm.Task, []vm.Value) (vm.Value, error) {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		live = ms.HeapAlloc
		return vm.Nil, nil
	})
	if err := v.RunString(context.Background(), "mem.ys", src); err != nil {
		b.Fatal(err)
	}
	return live
}

const parkScript = `
import sync
let ev = sync.event()
fn parked() { yield ev.wait() }
for i in range(N) { spawn(parked) }
yield sleep(0.01)
probe()
ev.set()
`

// BenchmarkParkedTaskMemory reports the live heap per task parked on an event.
func BenchmarkParkedTaskMemory(b *testing.B) {
	const n = 50000
	for range b.N {
		base := heapDuring(b, replaceN(parkScript, 1))
		full := heapDuring(b, replaceN(parkScript, n))
		b.ReportMetric(float64(full-base)/n, "B/task")
	}
}

func replaceN(s string, n int) string {
	out := []byte{}
	for i := 0; i < len(s); i++ {
		if s[i] == 'N' && i > 0 && s[i-1] == '(' {
			out = append(out, []byte(itoa(n))...)
			continue
		}
		out = append(out, s[i])
	}
	return string(out)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var d []byte
	for n > 0 {
		d = append([]byte{byte('0' + n%10)}, d...)
		n /= 10
	}
	return string(d)
}
