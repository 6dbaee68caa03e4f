package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/yieldscript/yieldscript"
)

const script = `
fn fetch_all(keys) {
    let calls = []
    for k in keys { calls.push(lookup(k)) }
    return yield all(calls)
}

let keys = []
for i in range(100) { keys.push(f"user{i}") }
let found = yield fetch_all(keys)
print(f"{len(found)} lookups, first {found[0]}, last {found[99]}")
`

// lookup is the slow Go function: 100 ms each, whatever the key.
func lookup(ctx context.Context, key string) (string, error) {
	select {
	case <-time.After(100 * time.Millisecond):
		return "profile of " + key, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// run runs the script with lookup as its lookup function, printing to w, and
// returns how long it took.
func run(ctx context.Context, w io.Writer, lookup func(context.Context, string) (string, error)) (time.Duration, error) {
	v := yieldscript.New(yieldscript.Options{Stdout: w})
	defer v.Close()
	if err := v.SetFunc("lookup", lookup); err != nil {
		return 0, err
	}
	start := time.Now()
	err := v.RunString(ctx, "fanout.ys", script)
	return time.Since(start), err
}

func main() {
	d, err := run(context.Background(), os.Stdout, lookup)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("took %v (100 lookups of 100 ms one after another: 10 s)\n", d.Round(time.Millisecond))
}
