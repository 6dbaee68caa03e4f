package vm

import (
	"io"
	"testing"
)

// allocAwaitable is an awaitable the test driver resumes at once.
type allocAwaitable struct{}

func (*allocAwaitable) TypeName() string { return "alloc_awaitable" }
func (*allocAwaitable) Awaitable()       {}

// allocsPerIteration runs src's main(n) for two values of n and fails unless the
// number of allocations is the same: the loop body allocates nothing. A task
// that yields is resumed at once with 1.
func allocsPerIteration(t *testing.T, src string) {
	t.Helper()
	allocsEachIteration(t, src, 0)
}

// allocsEachIteration is allocsPerIteration for a loop body that makes want
// allocations.
func allocsEachIteration(t *testing.T, src string, want float64) {
	t.Helper()
	m := NewMachine(io.Discard, io.Discard)
	m.SetBuiltin("ready", ObjectValue(&allocAwaitable{}))
	prog := benchCompile(t, m, src)
	mod := NewModule("alloc", "alloc.ys")
	if task, err := m.NewTask(m.Load(prog, mod), nil); err != nil || task.Run() != StatusDone {
		t.Fatalf("setup: %v", err)
	}
	mainFn, ok := mod.Global("main")
	if !ok {
		t.Fatal("no main")
	}
	run := func(n int64) float64 {
		args := []Value{Int(n)}
		return testing.AllocsPerRun(20, func() {
			task, err := m.NewTask(mainFn, args)
			if err != nil {
				t.Fatal(err)
			}
			st := task.Run()
			for st == StatusYield {
				st = task.Resume(Int(1))
			}
			if st != StatusDone {
				t.Fatalf("status %d: %v", st, task.Err)
			}
		})
	}
	small, large := run(10), run(1000)
	if per := (large - small) / 990; per != want {
		t.Errorf("%v allocations for 1000 iterations, %v for 10: %v per iteration, want %v", large, small, per, want)
	}
}

func TestNoAllocIntArith(t *testing.T) {
	allocsPerIteration(t, `
fn main(n) {
    let s = 0
    let i = 0
    while i < n {
        s = s + i * 3 - 1
        s = s % 1000003 + s // 7 - -i
        s += i
        s -= 1
        s *= 1
        i += 1
    }
    return s
}`)
}

func TestNoAllocFloatArith(t *testing.T) {
	allocsPerIteration(t, `
fn main(n) {
    let x = 0.5
    let y = 1.25
    for i in range(n) {
        x = x * 0.5 + y - 0.25 / y
        y = -y
        x += 1.0
        let z = i / 2
        x = x + z
    }
    return x
}`)
}

func TestNoAllocComparisons(t *testing.T) {
	allocsPerIteration(t, `
fn main(n) {
    let c = 0
    let f = 0.5
    let s = "abc"
    for i in range(n) {
        if i < n and i <= n and i >= 0 and i > -1 { c += 1 }
        if i == 3 or i != 4 { c += 1 }
        if f < 1.0 and f <= 1.5 and f > 0.0 and f >= 0.5 and f == 0.5 and f != 0.25 { c += 1 }
        if i < 2.5 or f > 1 { c += 1 }
        if s == "abc" and s != "abd" and s < "b" { c += 1 }
        if not (i < 0) { c += 1 }
        if true == true and nil == nil { c += 1 }
    }
    return c
}`)
}

func TestNoAllocLocalsAndGlobals(t *testing.T) {
	allocsPerIteration(t, `
let g = 0
fn main(n) {
    let a = 1
    let b = 2
    for i in range(n) {
        let c = a
        a = b
        b = c
        g = g + a
    }
    return g
}`)
}

func TestNoAllocUpvalues(t *testing.T) {
	allocsPerIteration(t, `
fn main(n) {
    let count = 0
    let step = 2
    fn bump() {
        count += step
        return count
    }
    for i in range(n) {
        bump()
        count = count - 1
    }
    return count
}`)
}

func TestNoAllocCalls(t *testing.T) {
	allocsPerIteration(t, `
fn add(a, b) { return a + b }
fn add3(a, b, c = 0) { return a + b + c }
fn fib(n) {
    if n < 2 { return n }
    return fib(n - 1) + fib(n - 2)
}
fn make_adder(k) {
    return fn(x) { return x + k }
}
fn main(n) {
    let f = make_adder(1)
    let s = 0
    for i in range(n) {
        s = add(s, i)
        s = add3(s, 1)
        s = f(s)
        s += fib(5)
        len("abc")
    }
    return s
}`)
}

func TestNoAllocListIndexAndIteration(t *testing.T) {
	allocsPerIteration(t, `
let items = [1, 2, 3, 4, 5, 6, 7, 8]
fn main(n) {
    let s = 0
    for i in range(n) {
        s += items[i % 8]
        items[i % 8] = i
        s += items[-1]
    }
    for x in items { s += x }
    return s
}`)
}

func TestNoAllocYieldToReadyAwaitable(t *testing.T) {
	allocsPerIteration(t, `
fn main(n) {
    let s = 0
    for i in range(n) {
        s += yield ready
    }
    return s
}`)
}

func TestNoAllocPowAndConditional(t *testing.T) {
	allocsPerIteration(t, `
fn main(n) {
    let s = 0
    let e = 3
    for i in range(n) {
        s = s + i ** e + i ** 2 - (i % 7) ** 0
        s = s if s > 0 else -s
        let k = 1 if i % 2 == 0 else 2
        s **= 1
        s += k
    }
    return s
}`)
}

func TestNoAllocSpreadCallAndSwap(t *testing.T) {
	allocsPerIteration(t, `
fn add3(a, b, c) { return a + b + c }
fn main(n) {
    let args = [1, 2, 3]
    let two = [4, 5]
    let s = 0
    let a = 1
    let b = 2
    for i in range(n) {
        s += add3(*args) + add3(i, *two)
        a, b = b, a
        let x, y = two
        s += x - y
    }
    return s
}`)
}

// A call of a function with a *rest parameter makes the list of the rest and
// nothing else: a List and its items.
func TestAllocRestParameterOnlyTheList(t *testing.T) {
	allocsEachIteration(t, `
fn count(first, *rest) { return len(rest) }
fn main(n) {
    let s = 0
    let args = [1, 2, 3]
    for i in range(n) {
        s += count(i, 1, 2) + count(*args)
    }
    return s
}`, 4)
}

// A map literal of a few entries is one allocation: the map with room for
// its keys and values (NewMap).
func TestAllocSmallMapLiteralOnce(t *testing.T) {
	allocsEachIteration(t, `
fn main(n) {
    let s = 0
    for i in range(n) {
        let r = {id: i, score: i * 2}
        s += r.score
        let q = {a: 1, b: 2, c: 3, d: i}
        s += q.d
    }
    return s
}`, 2)
}
