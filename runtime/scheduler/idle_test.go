package scheduler_test

import (
	"testing"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// onLoop runs f on the loop's goroutine and waits for it.
func onLoop(h *harness, f func()) {
	done := make(chan struct{})
	h.l.Post(func() { f(); close(done) })
	<-done
}

// The loop collects once it has been idle after activity, never while tasks
// are ready or a timer is due within the idle delay, and once per idle period.
func TestIdleCollection(t *testing.T) {
	var h *harness
	h = newHarness(t, map[string]vm.NativeFunc{
		"collections": func(*vm.Task, []vm.Value) (vm.Value, error) {
			return vm.Int(h.l.IdleCollections()), nil
		},
	})
	// The delay is far shorter than what the program below takes, so that
	// a collection would come during it if being busy did not hold it off;
	// the sleeps are shorter still, so that a timer is always due sooner.
	h.l.SetIdleCollect(20 * time.Millisecond)
	h.l.SetIdleMinAlloc(0)
	collected := make(chan bool, 4)
	h.l.SetIdleHook(func(c bool) { collected <- c })
	h.ok(t, `
import sync
import time
let q = sync.queue()
fn producer(n) {
    for i in range(n) { yield q.put(i) }
}
spawn(producer, 20000)
let total = 0
for i in range(20000) { total += yield q.get() }
for i in range(30) { yield sleep(0.002) }
print(total, collections())
`, "199990000 0\n")
	// The program has ended: the loop goes quiet and collects.
	select {
	case c := <-collected:
		if !c {
			t.Fatal("the idle period after the program ended started no collection")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no idle collection after the program ended")
	}
	// Once per idle period: without a task step since, the loop never
	// shortens its wait again, whatever wakes it (posted closures, the stack
	// sweep the collection's finalizers post).
	for range 3 {
		onLoop(h, func() {
			if h.l.IdleArmed() {
				t.Error("the loop would collect again without any task having run")
			}
		})
	}
	if n := h.l.IdleCollections(); n != 1 {
		t.Errorf("%d idle collections after one idle period, want 1", n)
	}
	// New activity arms it again.
	h.out.Reset()
	h.ok(t, `print("again")`, "again\n")
	select {
	case c := <-collected:
		if !c {
			t.Fatal("the second idle period started no collection")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no idle collection after the second program ended")
	}
	if n := h.l.IdleCollections(); n != 2 {
		t.Errorf("%d idle collections after two idle periods, want 2", n)
	}
}

// An idle period after too little allocation to be worth it starts no
// collection.
func TestIdleCollectionNeedsGarbage(t *testing.T) {
	h := newHarness(t, nil)
	h.l.SetIdleCollect(time.Millisecond)
	h.l.SetIdleMinAlloc(1 << 62)
	ended := make(chan bool, 1)
	h.l.SetIdleHook(func(c bool) { ended <- c })
	h.ok(t, `print(1)`, "1\n")
	select {
	case c := <-ended:
		if c {
			t.Error("a collection started after less allocation than the bound")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the idle period did not end")
	}
	if n := h.l.IdleCollections(); n != 0 {
		t.Errorf("%d idle collections, want 0", n)
	}
}

// With the idle delay off (the default of a bare loop), nothing is armed.
func TestIdleCollectionOff(t *testing.T) {
	h := newHarness(t, nil)
	h.ok(t, `print(1)`, "1\n")
	onLoop(h, func() {
		if h.l.IdleArmed() {
			t.Error("a loop without an idle delay would collect")
		}
	})
}
