package vm

import (
	"bytes"
	"fmt"
	"testing"
)

// checkGrowth fails unless every capacity step in caps doubles: from c the
// next capacity is at least 2c+4 (what appendValue asks for) and at most
// that rounded up to the allocator's size class (under a quarter more for
// small sizes, an 8 KiB page for large ones). A quarter-step growth, as
// Go's append does for large slices, or a much larger factor both fail.
func checkGrowth(t *testing.T, how string, caps []int) {
	t.Helper()
	if len(caps) < 10 {
		t.Fatalf("%s: only %d capacity steps: %v", how, len(caps), caps)
	}
	if caps[0] < 1 || caps[0] > 8 {
		t.Errorf("%s: first capacity %d, want 1..8", how, caps[0])
	}
	for i := 1; i < len(caps); i++ {
		old, c := caps[i-1], caps[i]
		if want := 2*old + 4; c < want || c > want*5/4+342 {
			t.Errorf("%s: capacity %d grew to %d, want %d..%d", how, old, c, want, want*5/4+342)
		}
	}
}

// TestListGrowthDoubles grows a list past 100,000 items by each way a script
// adds one item at a time (the loop's own push, push through a bound method,
// extend, insert), records every capacity the list had, and checks the
// items.
func TestListGrowthDoubles(t *testing.T) {
	const n = 100_000
	for _, c := range []struct{ how, add string }{
		{"push", "a.push(i)"},
		{"bound push", "p(i)"},
		{"extend", "a.extend([i])"},
		{"insert at the end", "a.insert(len(a), i)"},
	} {
		var out bytes.Buffer
		m := NewMachine(&out, &out)
		var caps []int
		m.SetBuiltin("grew", NewNative("grew", func(_ *Task, args []Value) (Value, error) {
			if c := args[0].AsList().c; len(caps) == 0 || caps[len(caps)-1] != c {
				caps = append(caps, c)
			}
			return Nil, nil
		}))
		task := loadTestTask(t, m, fmt.Sprintf(`
let a = []
let p = a.push
for i in range(%d) {
    %s
    grew(a)
}
let bad = 0
for i in range(len(a)) {
    if a[i] != i { bad += 1 }
}
print(len(a), bad)
`, n, c.add))
		if st := task.Run(); st != StatusDone {
			t.Fatalf("%s: status %v, error %v", c.how, st, task.Err)
		}
		if got, want := flushed(task, &out), fmt.Sprintf("%d 0\n", n); got != want {
			t.Errorf("%s: printed %q, want %q", c.how, got, want)
		}
		checkGrowth(t, c.how, caps)
	}
}

// TestGrowItems checks growItems directly: no reallocation while the items
// fit, doubling when a few do not, and exactly enough (rounded up to the size
// class) when more than the doubled capacity is asked for.
func TestGrowItems(t *testing.T) {
	items := make([]Value, 3, 10)
	if g := growItems(items, 7); cap(g) != 10 || &g[0] != &items[0] {
		t.Errorf("room for 7: capacity %d (reallocated: %v), want 10 in place", cap(g), &g[0] != &items[0])
	}
	items = make([]Value, 10, 10)
	for i := range items {
		items[i] = Int(int64(i))
	}
	g := growItems(items, 1)
	if len(g) != 10 || cap(g) < 24 || cap(g) > 30 {
		t.Errorf("full list of 10, 1 more: len %d cap %d, want len 10, cap 24..30", len(g), cap(g))
	}
	for i, v := range g {
		if v != Int(int64(i)) {
			t.Fatalf("item %d is %v after growing", i, v)
		}
	}
	g = growItems(items, 1000)
	if cap(g) < 1010 || cap(g) > 1010*5/4 {
		t.Errorf("10 items, 1000 more: cap %d, want 1010..%d", cap(g), 1010*5/4)
	}
}

// TestExtendSelfAcrossGrowth: a list extended with itself when that needs a
// larger array gets its old items twice.
func TestExtendSelfAcrossGrowth(t *testing.T) {
	task, out := newTestTask(t, `
let a = [1, 2, 3]
a.extend(a)
a.extend(a)
print(a)
let b = []
for i in range(5) { b.push(i) }
b.extend(b)
print(b)
`)
	if st := task.Run(); st != StatusDone {
		t.Fatalf("status %v, error %v", st, task.Err)
	}
	want := "[1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]\n[0, 1, 2, 3, 4, 0, 1, 2, 3, 4]\n"
	if got := flushed(task, out); got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}
