package yieldscript_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/yieldscript/yieldscript"
)

func Example() {
	v := yieldscript.New(yieldscript.Options{Stdout: os.Stdout})
	defer v.Close()
	v.SetGlobal("name", "world")
	v.SetFunc("shout", strings.ToUpper)
	err := v.RunString(context.Background(), "hello.ys", `print("hello,", shout(name))`)
	fmt.Println(err)
	// Output:
	// hello, WORLD
	// <nil>
}

func ExampleVM_SetFunc() {
	v := yieldscript.New(yieldscript.Options{Stdout: os.Stdout})
	defer v.Close()
	type point struct{ X, Y int }
	// Arguments and results are converted: here a struct becomes a map, and a
	// returned error is thrown in the script.
	v.SetFunc("midpoint", func(a, b point) (point, error) {
		if a == b {
			return point{}, errors.New("the same point twice")
		}
		return point{(a.X + b.X) / 2, (a.Y + b.Y) / 2}, nil
	})
	v.RunString(context.Background(), "mid.ys", `
let m = midpoint({X: 0, Y: 0}, {X: 4, Y: 2})
print(m.X, m.Y)
try { midpoint(m, m) } catch e { print("error:", e.message) }`)
	// Output:
	// 2 1
	// error: the same point twice
}

func ExampleVM_SetFunc_async() {
	v := yieldscript.New(yieldscript.Options{Stdout: os.Stdout})
	defer v.Close()
	// A Go function whose first parameter is a context.Context runs on a
	// goroutine while the script's task waits at its yield.
	v.SetFunc("lookup", func(ctx context.Context, key string) (string, error) {
		select {
		case <-time.After(50 * time.Millisecond): // a slow service
			return "value of " + key, nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	})
	// The 100 lookups run side by side: the fan-out takes about as long as
	// one of them.
	v.RunString(context.Background(), "fanout.ys", `
let calls = []
for i in range(100) { calls.push(lookup("k" + str(i))) }
let results = yield all(calls)
print(len(results), results[99])`)
	// Output:
	// 100 value of k99
}

func ExampleVM_Call() {
	v := yieldscript.New(yieldscript.Options{})
	defer v.Close()
	v.RunString(context.Background(), "lib.ys", `
fn total(prices, tax) {
  let sum = 0.0
  for p in prices { sum += p }
  return sum * (1 + tax)
}
fn slow_greeting(name) {
  yield sleep(0.01)
  return {greeting: "hello " + name}
}`)
	t, err := v.Call(context.Background(), "total", []float64{10, 20}, 0.5)
	fmt.Println(t, err)
	g, err := v.Call(context.Background(), "slow_greeting", "ann")
	fmt.Println(g, err)
	// Output:
	// 45 <nil>
	// map[greeting:hello ann] <nil>
}

func ExampleVM_Compile() {
	v := yieldscript.New(yieldscript.Options{})
	defer v.Close()
	// Define the globals a program uses before compiling it.
	v.SetGlobal("order", nil)
	p, err := v.Compile("rule.ys", []byte(`order.qty * order.price >= 100`))
	if err != nil {
		panic(err)
	}
	orders := []map[string]any{{"qty": 3, "price": 20}, {"qty": 10, "price": 15}}
	for _, order := range orders {
		v.SetGlobal("order", order)
		big, err := v.Run(context.Background(), p) // the value of the last expression
		fmt.Println(big, err)
	}
	// Output:
	// false <nil>
	// true <nil>
}

func ExampleError() {
	v := yieldscript.New(yieldscript.Options{})
	defer v.Close()
	err := v.RunString(context.Background(), "oops.ys", `fn f(xs) { return xs[3] }
f([1, 2])`)
	var se *yieldscript.Error
	if errors.As(err, &se) {
		fmt.Println(se.Kind)
		fmt.Print(se.Traceback)
	}
	// Output:
	// index
	//   oops.ys:2:2 in <main>
	//   oops.ys:1:21 in f
}

func ExampleOptions_limits() {
	v := yieldscript.New(yieldscript.Options{MaxSteps: 1_000_000, MaxAlloc: 1 << 20})
	defer v.Close()
	err := v.RunString(context.Background(), "greedy.ys", `let xs = []
while true { xs.push("more") }`)
	var se *yieldscript.Error
	errors.As(err, &se)
	fmt.Println(se.Kind, "-", se.Message)
	// Output:
	// limit - memory limit of 1 MiB exhausted
}

func ExampleVM_RunString_cancel() {
	v := yieldscript.New(yieldscript.Options{Stdout: os.Stdout})
	defer v.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err := v.RunString(ctx, "server.ys", `
try {
  while true { yield sleep(1) }
} finally {
  print("closing up")
}`)
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	// Output:
	// closing up
	// true
}

func ExampleVM_SetModule() {
	v := yieldscript.New(yieldscript.Options{Stdout: os.Stdout})
	defer v.Close()
	v.SetModule("units", map[string]any{
		"km": 1000,
		"to_miles": func(m float64) float64 {
			return m / 1609.344
		},
	})
	v.RunString(context.Background(), "units.ys", `import units
print(units.to_miles(42 * units.km) > 26)`)
	// Output:
	// true
}
