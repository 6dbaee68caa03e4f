package scheduler_test

import (
	"strings"
	"testing"
	"time"
)

// A panic that escapes a turn (here a posted function's) is reported and
// Serve goes on turning the loop: programs still run and wait in the poller
// afterwards, and the loop, idle again, can be entered by a host (its lock
// was given back by every wait and taken again after it).
func TestServeGoesOnAfterAPanic(t *testing.T) {
	h := newHarness(t, nil)
	h.serve(t)
	h.l.Post(func() { panic("boom") })
	h.run(t, "for i in range(3) { yield sleep(0.001) }\nprint(\"done\")\n", 10*time.Second)
	h.l.Post(func() { panic("again") })
	main := h.run(t, "yield sleep(0.001)\nprint(\"done\")\n", 10*time.Second)
	if _, err := main.Result(); err != nil {
		t.Fatalf("the program failed: %v", err.Report())
	}
	if got := h.out.String(); got != "done\ndone\n" {
		t.Errorf("output %q, want %q", got, "done\ndone\n")
	}
	got := h.errb.String()
	if !strings.Contains(got, "event loop: internal error: boom\n") || !strings.Contains(got, "event loop: internal error: again\n") {
		t.Errorf("stderr: %q, want both panics reported", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !h.l.TryEnter() {
		if time.Now().After(deadline) {
			t.Fatal("the idle loop could not be entered")
		}
		time.Sleep(time.Millisecond)
	}
	h.l.Leave(false)
}

// TestPanicInPostedKeepsTheRest: when a posted function panics, those posted
// after it in the same batch still run (in the next turn). The two are
// posted while the test holds the idle loop, so one drain takes both.
func TestPanicInPostedKeepsTheRest(t *testing.T) {
	h := newHarness(t, nil)
	h.serve(t)
	deadline := time.Now().Add(10 * time.Second)
	for !h.l.TryEnter() {
		if time.Now().After(deadline) {
			t.Fatal("the idle loop could not be entered")
		}
		time.Sleep(time.Millisecond)
	}
	ran := make(chan struct{})
	h.l.Post(func() { panic("boom") })
	h.l.Post(func() { close(ran) })
	h.l.Leave(true)
	select {
	case <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("the function posted after the one that panicked never ran")
	}
	if got := h.errb.String(); !strings.Contains(got, "event loop: internal error: boom\n") {
		t.Errorf("stderr: %q, want the panic reported", got)
	}
}
