package scheduler_test

import (
	"strings"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// switchScript hands items over between tasks through queues while other
// tasks yield bare, sleep, get cancelled at a queue, fail, and time out.
const switchScript = `
import sync
fn producer(name, q, n) {
    for i in range(n) {
        print(name, "put", i)
        yield q.put(i)
    }
    yield q.put(nil)
}
fn consumer(name, q) {
    while true {
        let v = yield q.get()
        if v == nil { break }
        print(name, "got", v)
        if v == 3 and name == "c2" { boom() }
    }
}
fn spinner() {
    for i in range(6) {
        print("spin", i)
        yield
    }
}
fn sleeper() {
    for i in range(3) {
        yield sleep(0)
        print("slept", i)
    }
}
fn stuck(q) {
    try {
        yield q.get()
    } catch e {
        print("stuck:", e.kind)
    }
}
let q1 = sync.queue(1)
let q2 = sync.queue(2)
let q3 = sync.queue(1)
let tasks = [spawn(consumer("c1", q1)), spawn(producer("p1", q1, 5)), spawn(spinner()),
    spawn(producer("p2", q2, 6)), spawn(consumer("c2", q2)), spawn(sleeper())]
let s = spawn(stuck(q3))
yield
s.cancel()
for t in tasks {
    try { yield t } catch e { print("task failed:", e.kind) }
}
yield s
print("done")
`

// The direct switch runs the tasks in the order the loop runs them without
// it: the same output, and the same errors, with and without.
func TestDirectSwitchKeepsOrder(t *testing.T) {
	boom := map[string]vm.NativeFunc{"boom": func(*vm.Task, []vm.Value) (vm.Value, error) {
		panic("boom")
	}}
	var outs [2]string
	for i, on := range []bool{false, true} {
		h := newHarness(t, boom)
		h.l.SetDirectSwitch(on)
		h.run(t, switchScript, 10*time.Second)
		outs[i] = h.out.String()
		if n := h.l.Switches(); on && n == 0 || !on && n != 0 {
			t.Errorf("switch %v: %d direct switches", on, n)
		}
	}
	if outs[0] != outs[1] {
		t.Errorf("without the direct switch:\n%s\nwith it:\n%s", outs[0], outs[1])
	}
	for _, want := range []string{"c1 got 4", "p2 put 5", "spin 5", "slept 2", "stuck: cancelled", "task failed: error", "done"} {
		if !strings.Contains(outs[1], want) {
			t.Errorf("output lacks %q:\n%s", want, outs[1])
		}
	}
}
