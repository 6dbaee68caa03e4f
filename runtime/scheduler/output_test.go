package scheduler_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

// slowRecorder records the writes of both streams in one log, slowly.
type slowRecorder struct {
	mu  sync.Mutex
	log strings.Builder
}

func (r *slowRecorder) stream(tag string) writerFunc {
	return func(b []byte) (int, error) {
		time.Sleep(10 * time.Microsecond)
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, line := range strings.SplitAfter(string(b), "\n") {
			if line != "" {
				r.log.WriteString(tag + line)
			}
		}
		return len(b), nil
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// TestOutputKeepsOrderAcrossStreams: writes to stdout and stderr reach their
// writers in the order they were made, calls queued with Call run in their
// place, Sync waits for all of it, and Over tells when more than Bound
// bytes wait.
func TestOutputKeepsOrderAcrossStreams(t *testing.T) {
	r := &slowRecorder{}
	o := scheduler.NewOutput(r.stream("out "), r.stream("err "))
	o.Bound = 100
	var want strings.Builder
	for i := 0; i < 2000; i++ {
		w, tag := o.Stdout(), "out "
		if i%7 == 0 {
			w, tag = o.Stderr(), "err "
		}
		fmt.Fprintf(w, "%d\n", i)
		fmt.Fprintf(&want, "%s%d\n", tag, i)
		if i == 1000 {
			o.Call(func() {
				r.mu.Lock()
				r.log.WriteString("call\n")
				r.mu.Unlock()
			})
			want.WriteString("call\n")
		}
	}
	if !o.Over() {
		t.Error("Over is false with far more than Bound bytes queued to a slow writer")
	}
	o.Sync()
	if o.Over() {
		t.Error("Over is true after Sync")
	}
	r.mu.Lock()
	got := r.log.String()
	r.mu.Unlock()
	if got != want.String() {
		t.Fatalf("the writers got %d bytes, not the %d written in order", len(got), want.Len())
	}
}
