package scheduler_test

import (
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

// waiter starts a goroutine that closes woke once wake is closed, and lets
// it run until it waits on wake (with one P), so that it is not counted as
// ready until wake is closed.
func waiter() (wake, woke chan struct{}) {
	wake, woke = make(chan struct{}), make(chan struct{})
	go func() {
		<-wake
		close(woke)
	}()
	runtime.Gosched()
	return wake, woke
}

// A wait holds the thread only when nothing else may need it: never for a
// poll, never while host work is in flight, never while another goroutine is
// ready to run; and deciding allocates nothing (it runs before every wait
// that may block, on the waiting path).
func TestHoldOnlyWhenNothingElseNeedsTheThread(t *testing.T) {
	l, err := scheduler.New(vm.NewMachine(io.Discard, io.Discard), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if h := l.HoldFor(0); h != 0 {
		t.Errorf("a poll holds for %v", h)
	}
	release := l.Hold()
	if h := l.HoldFor(-1); h != 0 {
		t.Errorf("a wait with host work in flight holds for %v", h)
	}
	release()
	// With one P, a goroutine just started is ready and not running until
	// this one lets it.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	ran := make(chan struct{})
	go close(ran)
	h := l.HoldFor(-1)
	<-ran
	if h != 0 {
		t.Errorf("a wait while another goroutine is ready holds for %v", h)
	}
	// The count is not read before every wait, but it is after the loop ran
	// work another goroutine posted, which may have readied a goroutine.
	wake, woke := waiter()
	l.HoldFor(-1)
	l.Post(func() { close(wake) })
	l.DrainPosted()
	h = l.HoldFor(-1)
	<-woke
	if h != 0 {
		t.Errorf("a wait after posted work readied a goroutine holds for %v", h)
	}
	// Nor after a goroutine was readied by something else than the loop
	// (here this goroutine, as a host's timer would), but it is after a
	// wait that timed out or that a signal ended.
	wake, woke = waiter()
	l.HoldFor(-1)
	close(wake)
	if n := l.Wait(time.Millisecond); n != 0 {
		t.Fatalf("a wait with nothing registered returned %d events", n)
	}
	h = l.HoldFor(-1)
	<-woke
	if h != 0 {
		t.Errorf("a wait after a wait that timed out, with a goroutine ready, holds for %v", h)
	}
	// Nor after a host's Go function, run by the loop, readied one (a send
	// on a channel), unless it says so with MayReady.
	wake, woke = waiter()
	l.HoldFor(-1)
	l.HoldFor(-1)
	close(wake)
	l.MayReady()
	h = l.HoldFor(-1)
	<-woke
	if h != 0 {
		t.Errorf("a wait after a host's function readied a goroutine holds for %v", h)
	}
	if !raceEnabled {
		if n := testing.AllocsPerRun(100, func() { l.HoldFor(-1) }); n != 0 {
			t.Errorf("holdFor allocates %v times", n)
		}
	}
}

// A held wait has no timeout of its own unless the runtime preempts without
// signals; a wait that a signal or a wake-up ended is followed by one that is
// not held.
func TestHoldWholeUnlessAsyncPreemptionIsOff(t *testing.T) {
	for env, want := range map[string]bool{
		"":                                    true,
		"gctrace=1":                           true,
		"asyncpreemptoff=1":                   false,
		"gctrace=1, asyncpreemptoff=1":        false,
		"asyncpreemptoff=1,asyncpreemptoff=0": true,
		"asyncpreemptoff=0":                   true,
	} {
		if got := scheduler.AsyncPreemption(env); got != want {
			t.Errorf("GODEBUG=%q: async preemption %v, want %v", env, got, want)
		}
	}
	if !scheduler.HoldsWhole() {
		t.Skip("the runtime preempts without signals here")
	}
	l, err := scheduler.New(vm.NewMachine(io.Discard, io.Discard), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ran := false
	l.Post(func() { ran = true })
	if n := l.Wait(-1); n != 0 {
		t.Fatalf("a wait ended by a wake-up returned %d events", n)
	}
	l.DrainPosted()
	if !ran {
		t.Fatal("the posted function did not run")
	}
	if h := l.HoldFor(-1); h != 0 {
		t.Errorf("the wait after a held wait that did not time out holds for %v", h)
	}
}
