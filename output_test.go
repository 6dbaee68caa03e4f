package yieldscript

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// gateWriter blocks every Write until open is closed, then keeps what it got.
type gateWriter struct {
	open chan struct{}
	mu   sync.Mutex
	b    bytes.Buffer
}

func (g *gateWriter) Write(p []byte) (int, error) {
	<-g.open
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.b.Write(p)
}

func (g *gateWriter) String() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.b.String()
}

// TestBlockingStdoutDoesNotFreezeTheLoop: a host's Stdout that blocks holds
// up only the task that prints past the bound: calls into the VM are still
// answered meanwhile. When the writer lets go, every line arrives, in order,
// before the run returns.
func TestBlockingStdoutDoesNotFreezeTheLoop(t *testing.T) {
	const lines = 100000
	w := &gateWriter{open: make(chan struct{})}
	v := New(Options{Stdout: w})
	defer v.Close()
	ctx := context.Background()
	if err := v.RunString(ctx, "setup.ys", fmt.Sprintf(`
fn ping() { return "pong" }
fn printer() {
    for i in range(%d) {
        print(f"line {i}")
    }
}
`, lines)); err != nil {
		t.Fatal(err)
	}
	ran := make(chan error, 1)
	go func() { ran <- v.RunString(ctx, "print.ys", "printer()") }()
	for i := 0; i < 3; i++ {
		got := make(chan any, 1)
		go func() {
			r, err := v.Call(ctx, "ping")
			if err != nil {
				r = err
			}
			got <- r
		}()
		select {
		case r := <-got:
			if r != "pong" {
				t.Fatalf("ping gave %v", r)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the VM did not answer a call while its Stdout was blocked")
		}
	}
	select {
	case err := <-ran:
		t.Fatalf("the run ended (%v) before its output could be written", err)
	default:
	}
	close(w.open)
	select {
	case err := <-ran:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the run did not end after the writer let go")
	}
	out := w.String()
	var want strings.Builder
	for i := 0; i < lines; i++ {
		fmt.Fprintf(&want, "line %d\n", i)
	}
	if out != want.String() {
		t.Fatalf("output of %d bytes differs from the %d bytes printed", len(out), want.Len())
	}
}
