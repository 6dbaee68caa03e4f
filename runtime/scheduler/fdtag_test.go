//go:build linux

package scheduler

import (
	"io"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/poll"
)

type wakeCount struct{ n int }

func (w *wakeCount) Wake(vm.Value, *vm.Error) { w.n++ }

func pipe(t *testing.T) (r, w int) {
	t.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(p[1]) })
	return p[0], p[1]
}

// An event names its FD by index and generation: one still carrying the tag
// of a descriptor closed since is dropped, even when a new descriptor has the
// same number and the same place in the table; the new one's own events
// reach it.
func TestStaleEventIsDropped(t *testing.T) {
	l, err := New(vm.NewMachine(io.Discard, io.Discard), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	r1, _ := pipe(t)
	a, err := l.Register(r1)
	if err != nil {
		t.Fatal(err)
	}
	stale := poll.Event{Tag: a.tag(), Ready: poll.Readable}
	a.Close()
	r2, w2 := pipe(t) // the lowest free number: r1's
	b, err := l.Register(r2)
	if err != nil {
		t.Fatal(err)
	}
	if b.Fd != a.Fd || b.idx != a.idx {
		t.Fatalf("the new pipe is fd %d at index %d, the old was fd %d at %d: the test needs both reused", b.Fd, b.idx, a.Fd, a.idx)
	}
	var w wakeCount
	b.Wait(Read, &w)
	l.dispatch([]poll.Event{stale})
	if w.n != 0 {
		t.Fatal("an event for the closed descriptor woke the waiter of the new one")
	}
	unix.Write(w2, []byte("x"))
	for deadline := time.Now().Add(10 * time.Second); w.n == 0 && time.Now().Before(deadline); {
		events, err := l.poller.Wait(time.Second)
		if err != nil {
			t.Fatal(err)
		}
		l.dispatch(events)
	}
	if w.n != 1 {
		t.Fatalf("the new descriptor's own event woke its waiter %d times, want 1", w.n)
	}
}
