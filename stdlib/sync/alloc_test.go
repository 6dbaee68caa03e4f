package sync_test

import (
	"context"
	"io"
	"testing"

	"github.com/yieldscript/yieldscript"
)

// A `yield q.get()` or `yield q.put(x)` that has to wait reuses the task's
// spare operation: hand-offs between two tasks through a queue allocate
// nothing each, whether they park or not.
func TestQueueHandOffAllocs(t *testing.T) {
	v := yieldscript.New(yieldscript.Options{Stdout: io.Discard, Modules: yieldscript.AllModules})
	defer v.Close()
	err := v.RunString(context.Background(), "handoff.ys", `
import sync
fn producer(q, n) {
    for i in range(n) { yield q.put(i) }
}
fn handoffs(n) {
    let q = sync.queue(1)
    let p = spawn(producer(q, n))
    let s = 0
    for i in range(n) { s += yield q.get() }
    yield p
    return s
}
`)
	if err != nil {
		t.Fatal(err)
	}
	run := func(n int) float64 {
		return testing.AllocsPerRun(5, func() {
			r, err := v.Call(context.Background(), "handoffs", n)
			if err != nil || r != int64(n*(n-1)/2) {
				t.Fatalf("handoffs(%d) = %v, %v", n, r, err)
			}
		})
	}
	few, many := run(100), run(3100)
	// Two thirds of the 3,000 more hand-offs park a task.
	if perHandOff := (many - few) / 3000; perHandOff > 0.01 {
		t.Errorf("%.3f allocations per hand-off (%.0f for 100, %.0f for 3100), want none", perHandOff, few, many)
	}
}
