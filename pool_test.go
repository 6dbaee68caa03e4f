package yieldscript

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
)

func TestPoolSpreadsCalls(t *testing.T) {
	p, err := NewPool(3, Options{Stdout: io.Discard}, func(v *VM) error {
		return v.RunString(context.Background(), "pool.ys", `let calls = 0
fn work(x) { calls += 1; return x * 2 }
fn slow(x) { calls += 1; yield sleep(0.001); return x * 2 }`)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Len() != 3 {
		t.Fatalf("Len = %d", p.Len())
	}
	const goroutines, calls = 8, 100
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range calls {
				fn := "work"
				if i%5 == 0 {
					fn = "slow"
				}
				r, err := p.Call(context.Background(), fn, g*1000+i)
				if err != nil || r != int64(2*(g*1000+i)) {
					t.Errorf("%s(%d) = %v, %v", fn, g*1000+i, r, err)
					return
				}
			}
		})
	}
	wg.Wait()
	total := int64(0)
	for i := range p.Len() {
		x, _, err := p.VM(i).Global("calls")
		if err != nil {
			t.Fatal(err)
		}
		if x == int64(0) {
			t.Errorf("VM %d got no call", i)
		}
		total += x.(int64)
	}
	if total != goroutines*calls {
		t.Errorf("calls = %d, want %d", total, goroutines*calls)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Call(context.Background(), "work", 1); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

func TestPoolSetupErrorClosesTheVMs(t *testing.T) {
	var made []*VM
	_, err := NewPool(3, Options{}, func(v *VM) error {
		made = append(made, v)
		if len(made) == 2 {
			return fmt.Errorf("setup failed")
		}
		return nil
	})
	if err == nil || err.Error() != "setup failed" {
		t.Fatalf("err = %v", err)
	}
	for i, v := range made {
		if err := v.SetGlobal("x", 1); !errors.Is(err, ErrClosed) {
			t.Errorf("VM %d not closed: %v", i, err)
		}
	}
}

func TestPoolDefaultsToOnePerCore(t *testing.T) {
	p, err := NewPool(0, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Len() < 1 {
		t.Fatalf("Len = %d", p.Len())
	}
}
