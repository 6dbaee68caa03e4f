package yieldscript

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/poll"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

// On a system without a poller the event loop does not start: New returns a
// VM whose methods report "unsupported platform" (as an error, not a panic),
// and Close works.
func TestUnsupportedPlatformIsAnError(t *testing.T) {
	saved := newLoop
	newLoop = func(*vm.Machine, io.Writer) (*scheduler.Loop, error) {
		// What scheduler.New returns when poll.NewPoller fails so.
		return nil, fmt.Errorf("event loop: %w", poll.ErrUnsupported)
	}
	defer func() { newLoop = saved }()
	v := New(Options{Stdout: io.Discard, Stderr: io.Discard})
	defer v.Close()
	check := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", what)
		}
		if !errors.Is(err, errors.ErrUnsupported) || !strings.Contains(err.Error(), "unsupported platform") {
			t.Fatalf("%s: %v, want the unsupported-platform error", what, err)
		}
	}
	check("RunString", v.RunString(context.Background(), "t", `print(1)`))
	_, err := v.Call(context.Background(), "f")
	check("Call", err)
	check("SetGlobal", v.SetGlobal("x", 1))
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestUnsupportedErrorText(t *testing.T) {
	msg := poll.ErrUnsupported.Error()
	for _, want := range []string{"unsupported platform", "epoll", "kqueue"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
}

// goroutineID (curg on architectures without its assembly) tells goroutines
// apart and is stable within one.
func TestGoroutineID(t *testing.T) {
	a := goroutineID()
	if a == 0 || goroutineID() != a {
		t.Fatalf("goroutineID: %d then %d", a, goroutineID())
	}
	ids := make([]int64, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i] = goroutineID()
		}()
	}
	wg.Wait()
	seen := map[int64]bool{a: true}
	for _, id := range ids {
		if id == 0 || seen[id] {
			t.Fatalf("goroutine IDs not distinct: %d among %v (main %d)", id, ids, a)
		}
		seen[id] = true
	}
}

// curg (how a host call marks the goroutine running loop work) is stable
// within a goroutine and differs between goroutines alive at once.
func TestCurg(t *testing.T) {
	a := curg()
	if a == 0 || curg() != a {
		t.Fatalf("curg: %#x then %#x", a, curg())
	}
	ids := make([]uintptr, 8)
	var started, check sync.WaitGroup
	check.Add(1)
	var wg sync.WaitGroup
	for i := range ids {
		started.Add(1)
		wg.Go(func() {
			ids[i] = curg()
			started.Done()
			check.Wait() // all alive at once
			if curg() != ids[i] {
				t.Errorf("curg changed within goroutine %d", i)
			}
		})
	}
	started.Wait()
	check.Done()
	wg.Wait()
	seen := map[uintptr]bool{a: true}
	for _, id := range ids {
		if id == 0 || seen[id] {
			t.Fatalf("curg not distinct: %#x among %#x (main %#x)", id, ids, a)
		}
		seen[id] = true
	}
}
