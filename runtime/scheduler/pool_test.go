package scheduler

import (
	"context"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
)

type result struct {
	v   vm.Value
	err *vm.Error
}

type chanWaker chan result

func (c chanWaker) Wake(v vm.Value, err *vm.Error) { c <- result{v, err} }

// TestPoolQueueIsBounded: past maxQueued jobs waiting for a goroutine, a job
// fails at once with kind limit; a queued job cancelled before it starts
// never runs, and a running lookup sees its context cancelled.
func TestPoolQueueIsBounded(t *testing.T) {
	l, err := New(vm.NewMachine(nil, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	release := make(chan struct{})
	started := make(chan struct{}, maxLookups)
	running := make([]Canceler, 0, maxLookups)
	for i := 0; i < maxLookups; i++ {
		running = append(running, l.GoLookup(chanWaker(make(chan result, 1)), func(ctx context.Context) (vm.Value, *vm.Error) {
			started <- struct{}{}
			select {
			case <-ctx.Done():
			case <-release:
			}
			return vm.Nil, nil
		}))
	}
	for i := 0; i < maxLookups; i++ {
		<-started
	}
	ran := make(chan int, maxQueued)
	queued := make([]Canceler, 0, maxQueued)
	for i := 0; i < maxQueued; i++ {
		w := chanWaker(make(chan result, 1))
		c := l.GoLookup(w, func(context.Context) (vm.Value, *vm.Error) {
			ran <- i
			return vm.Nil, nil
		})
		if c == nil {
			t.Fatalf("job %d was refused: %v", i, (<-w).err)
		}
		queued = append(queued, c)
	}
	if n := l.lookups.queued(); n != maxQueued {
		t.Fatalf("%d jobs queued, want %d", n, maxQueued)
	}
	w := chanWaker(make(chan result, 1))
	if c := l.GoLookup(w, func(context.Context) (vm.Value, *vm.Error) { return vm.Nil, nil }); c != nil {
		t.Fatal("a job past the bound was queued")
	}
	if r := <-w; r.err == nil || r.err.Kind != vm.KindLimit {
		t.Fatalf("a job past the bound got %+v, want kind limit", r)
	}
	// Cancel every queued job, then the running ones: they stop, and the
	// queued ones never run.
	for _, c := range queued {
		c.Cancel()
	}
	for _, c := range running {
		c.Cancel()
	}
	deadline := time.Now().Add(10 * time.Second)
	for l.pending.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still in flight after they were cancelled", l.pending.Load())
		}
		time.Sleep(time.Millisecond)
		l.drainPosted()
	}
	close(release)
	select {
	case i := <-ran:
		t.Errorf("queued job %d ran after it was cancelled", i)
	default:
	}
}
