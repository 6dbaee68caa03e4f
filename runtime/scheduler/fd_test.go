//go:build linux

package scheduler_test

import (
	"io"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

// fdWaker is a Waker that keeps what it was woken with.
type fdWaker struct {
	calls int
	err   *vm.Error
}

func (r *fdWaker) Wake(_ vm.Value, err *vm.Error) { r.calls++; r.err = err }

// newFDLoop makes a loop the test closes at its end.
func newFDLoop(t *testing.T) *scheduler.Loop {
	t.Helper()
	l, err := scheduler.New(vm.NewMachine(io.Discard, io.Discard), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// registerPipe registers with l the read end of a new non-blocking pipe (the
// loop closes it) and closes the write end at the test's end.
func registerPipe(t *testing.T, l *scheduler.Loop) *scheduler.FD {
	t.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(p[1]) })
	f, err := l.Register(p[0]) // it owns p[0], even when it fails
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// FD.Wait keeps one waiter per mode: a second one for the same mode gets kind
// io at once, the other mode has its own slot, a cancelled wait frees its
// slot and is never woken, and Close wakes the waiters with kind closed.
func TestFDWaitModes(t *testing.T) {
	l := newFDLoop(t)
	f := registerPipe(t, l)
	var first, second, writer, again, late fdWaker
	c := f.Wait(scheduler.Read, &first)
	if c == nil || first.calls != 0 {
		t.Fatalf("a first reader: canceler %v, woken %d times", c, first.calls)
	}
	if f.Wait(scheduler.Read, &second) != nil || second.calls != 1 || second.err == nil ||
		second.err.Kind != vm.KindIO || second.err.Message != "another task is already reading from this connection" {
		t.Fatalf("a second reader: %d wakes, %v", second.calls, second.err)
	}
	if f.Wait(scheduler.Write, &writer) == nil || writer.calls != 0 {
		t.Fatalf("a writer beside the reader: woken %d times (%v)", writer.calls, writer.err)
	}
	c.Cancel()
	if f.Wait(scheduler.Read, &again) == nil || again.calls != 0 {
		t.Fatalf("a reader after the first cancelled: woken %d times (%v)", again.calls, again.err)
	}
	f.Close()
	for name, r := range map[string]*fdWaker{"reader": &again, "writer": &writer} {
		if r.calls != 1 || r.err == nil || r.err.Kind != vm.KindClosed {
			t.Errorf("the %s after Close: %d wakes, %v", name, r.calls, r.err)
		}
	}
	if first.calls != 0 {
		t.Errorf("the cancelled reader was woken %d times", first.calls)
	}
	if f.Wait(scheduler.Write, &late) != nil || late.calls != 1 || late.err == nil || late.err.Kind != vm.KindClosed {
		t.Errorf("a wait on a closed descriptor: %d wakes, %v", late.calls, late.err)
	}
}

// Register owns the descriptor from the call on: when the poller refuses it
// (epoll takes no regular file), Register fails and closes it.
func TestRegisterFailureCloses(t *testing.T) {
	l := newFDLoop(t)
	fd, err := unix.Open(t.TempDir()+"/plain", unix.O_CREAT|unix.O_RDWR|unix.O_CLOEXEC|unix.O_NONBLOCK, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if f, err := l.Register(fd); err == nil {
		f.Close()
		t.Fatal("a regular file registered with epoll")
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != unix.EBADF {
		unix.Close(fd)
		t.Fatalf("after a failed Register the descriptor is still open (fcntl: %v)", err)
	}
}

// FD.Park by a task that is not one of the loop's fails with kind type and
// stores nothing, before the descriptor's own checks: on an open
// descriptor its reader slot stays free for a waiter, and on a closed one
// the error is still kind type (the order of parkFailed: type, closed, io).
func TestFDParkNotALoopTask(t *testing.T) {
	l := newFDLoop(t)
	f := registerPipe(t, l)
	vt := &vm.Task{}
	for _, closed := range []bool{false, true} {
		if closed {
			f.Close()
		}
		e := f.Park(vt, scheduler.Read, "pipe.next")
		if e == nil || e.Kind != vm.KindType || e.Message != "cannot wait for a connection here" {
			t.Fatalf("closed %v: Park = %v, want kind type", closed, e)
		}
	}
	// nothing was stored: a second FD, open, takes a waiter on its slot
	g := registerPipe(t, l)
	if e := g.Park(vt, scheduler.Read, "pipe.next"); e == nil || e.Kind != vm.KindType {
		t.Fatalf("Park = %v, want kind type", e)
	}
	var w fdWaker
	if c := g.Wait(scheduler.Read, &w); c == nil || w.calls != 0 {
		t.Fatalf("a wait after the failed park: canceler %v, woken %d times (%v); want it waiting", c, w.calls, w.err)
	}
}
