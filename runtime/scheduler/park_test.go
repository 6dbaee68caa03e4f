//go:build linux

package scheduler_test

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

// pipeReader is a module object whose `yield p.next()` reads one byte from a
// pipe the loop watches: the attempt completes at once when a byte is there
// (the yield gives the byte, or nil at the end of the pipe) and otherwise
// parks the task on the pipe's reader slot. Each time it parks it writes a
// byte to ack, for the Go side to wait on.
type pipeReader struct {
	vm.ObjectHeader
	fd  *scheduler.FD
	ack int
}

func (*pipeReader) TypeName() string { return "pipe" }

func (p *pipeReader) YieldMethodNow(t *vm.Task, name string, _ []vm.Value) (vm.Value, *vm.Error, bool) {
	var b [1]byte
	n, err := unix.Read(p.fd.Fd, b[:])
	switch {
	case n == 1:
		return vm.Int(int64(b[0])), nil, true
	case err == unix.EAGAIN:
		if e := p.fd.Park(t, scheduler.Read, "pipe.next"); e != nil {
			return vm.Nil, e, true
		}
		if p.ack >= 0 {
			unix.Write(p.ack, b[:])
		}
		return vm.Nil, nil, false
	case err != nil:
		return vm.Nil, vm.NewError(vm.KindIO, err.Error()), true
	}
	return vm.Nil, nil, true // the end of the pipe
}

// pipeHarness is a harness with pipe(), which gives a pipeReader on a new
// pipe whose write end goes to the test (on w) with the ack pipe's read end.
func pipeHarness(t *testing.T, ack bool) (h *harness, w chan [2]int) {
	w = make(chan [2]int, 4)
	h = newHarness(t, map[string]vm.NativeFunc{
		"pipe": func(*vm.Task, []vm.Value) (vm.Value, error) {
			var p, a [2]int
			if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
				return vm.Nil, err
			}
			a[0], a[1] = -1, -1
			if ack {
				if err := unix.Pipe2(a[:], unix.O_CLOEXEC); err != nil {
					return vm.Nil, err
				}
				t.Cleanup(func() { unix.Close(a[0]); unix.Close(a[1]) })
			}
			f, err := h.l.Register(p[0])
			if err != nil {
				return vm.Nil, err
			}
			w <- [2]int{p[1], a[0]}
			return vm.ObjectValue(&pipeReader{fd: f, ack: a[1]}), nil
		},
	})
	return h, w
}

// A task whose attempt must wait parks on the descriptor's slot, and the
// poller's report runs the attempt again: the whole round (the loop wakes in
// epoll_wait, finds the FD from the event, re-runs the call, the task reads
// and parks again) allocates nothing.
func TestParkedWaitAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's instrumentation allocates; the plain test run checks this")
	}
	h, pipes := pipeHarness(t, true)
	done := make(chan *scheduler.Task, 1)
	go func() {
		done <- h.run(t, `
let p = pipe()
let n = 0
while (yield p.next()) != nil {
    n += 1
}
print(n)
`, time.Minute)
	}()
	var fds [2]int
	select {
	case fds = <-pipes:
	case <-time.After(30 * time.Second):
		t.Fatal("the script did not start")
	}
	w, ack := fds[0], fds[1]
	var b [1]byte
	if _, err := unix.Read(ack, b[:]); err != nil { // parked
		t.Fatal(err)
	}
	// A round: a byte wakes the task, which reads it and parks again.
	round := func() {
		b[0] = 'x'
		if _, err := unix.Write(w, b[:]); err != nil {
			t.Fatal(err)
		}
		if _, err := unix.Read(ack, b[:]); err != nil {
			t.Fatal(err)
		}
	}
	for range 10 { // warm up: the loop's buffers reach their size
		round()
	}
	allocs := testing.AllocsPerRun(200, round)
	unix.Close(w)
	<-done
	if got := h.out.String(); got != "211\n" {
		t.Errorf("the script read %q bytes, want 211", got)
	}
	if allocs != 0 {
		t.Errorf("a parked wait and its wake-up allocate %v times per round, want 0", allocs)
	}
}

// A parked task that is cancelled leaves the slot free: another task then
// parks on it and reads; a second reader while one is parked gets kind io.
func TestParkedWaitCancelled(t *testing.T) {
	h, pipes := pipeHarness(t, false)
	h.m.SetBuiltin("feed", vm.NewNative("feed", func(*vm.Task, []vm.Value) (vm.Value, error) {
		fds := <-pipes // pipe() was called: its write end is here
		unix.Write(fds[0], []byte("y"))
		unix.Close(fds[0])
		return vm.Nil, nil
	}))
	h.ok(t, `
let p = pipe()
let a = spawn(fn() { yield p.next() })
yield
try {
    yield p.next()
} catch e {
    print(e.kind, e.message)
}
a.cancel()
try {
    yield a
} catch e {
    print("a:", e.kind)
}
feed()
print((yield p.next()))
print((yield p.next()))
`, lines("io another task is already reading from this connection", "a: cancelled", "121", "nil"))
}

// Tasks parked on several descriptors that one wait finds ready together
// run in the order of the events (the order their pipes became readable),
// each with its byte, and a hang-up that came with the data ends the next
// read at once.
func TestParkedReadersWokenTogether(t *testing.T) {
	h, pipes := pipeHarness(t, false)
	h.m.SetBuiltin("feed", vm.NewNative("feed", func(*vm.Task, []vm.Value) (vm.Value, error) {
		var w [3]int
		for i := range w {
			w[i] = (<-pipes)[0]
		}
		for i, c := range []byte("abc") {
			unix.Write(w[(i+2)%3], []byte{c})
		}
		for _, fd := range w {
			unix.Close(fd)
		}
		return vm.Nil, nil
	}))
	h.ok(t, `
let p0 = pipe()
let p1 = pipe()
let p2 = pipe()
let a = spawn(fn() { print(0, (yield p0.next())); print(0, (yield p0.next())) })
let b = spawn(fn() { print(1, (yield p1.next())); print(1, (yield p1.next())) })
let c = spawn(fn() { print(2, (yield p2.next())); print(2, (yield p2.next())) })
yield
feed()
yield a
yield b
yield c
`, lines("2 97", "2 nil", "0 98", "0 nil", "1 99", "1 nil"))
}

// sockEnd is a module object on one end of a socket pair the loop watches:
// `yield s.recv()` reads up to 16 bytes as the net module's recv does (a
// short read marks the descriptor drained, unless it hung up; nil at the
// end), parking the task on the reader slot while there is nothing, and
// `yield s.send()` writes one byte (parking it on the writer slot while the
// socket buffer is full), so that two tasks can park on the two slots of one
// descriptor.
type sockEnd struct {
	vm.ObjectHeader
	fd *scheduler.FD
}

func (*sockEnd) TypeName() string { return "sock" }

func (s *sockEnd) YieldMethodNow(t *vm.Task, name string, _ []vm.Value) (vm.Value, *vm.Error, bool) {
	b := make([]byte, 16)
	var n int
	var err error
	mode := scheduler.Read
	if name == "send" {
		n, err = unix.Write(s.fd.Fd, b[:1])
		mode = scheduler.Write
	} else if !s.fd.MayRead() {
		err = unix.EAGAIN
	} else {
		n, err = unix.Read(s.fd.Fd, b)
	}
	switch {
	case n == 1 && name == "send":
		return vm.Str("sent"), nil, true
	case n > 0:
		if n < len(b) {
			s.fd.ShortRead()
		}
		return vm.Str(string(b[:n])), nil, true
	case err == unix.EAGAIN:
		if name == "recv" {
			s.fd.Drained()
		}
		if e := s.fd.Park(t, mode, "sock."+name); e != nil {
			return vm.Nil, e, true
		}
		return vm.Nil, nil, false
	case err != nil:
		return vm.Nil, vm.NewError(vm.KindIO, err.Error()), true
	}
	return vm.Nil, nil, true
}

// A task parked to read and another parked to write on the same descriptor
// are both woken by the one event that reports it readable and writable:
// the reader first, then the writer, as FD.ready orders them. feed, run on
// the loop's thread, makes the socket readable and writable before the loop
// waits again, so that the wait returns the two readinesses in one event.
func TestReaderAndWriterWokenByOneEvent(t *testing.T) {
	h, _ := sockHarness(t)
	h.ok(t, `
let s = sock()
let a = spawn(fn() { print("a", (yield s.recv())) })
let b = spawn(fn() { print("b", (yield s.send())) })
yield
feed()
yield a
yield b
`, lines("a x", "b sent"))
}

// Data and the peer's close that come in one event to a task parked to read
// (runEvents steps it straight from the event): the recv that gets the data
// is short, but the next one still reads, and finds the end, rather than
// wait for a report the edge-triggered poller will not give again.
func TestParkedReaderSeesHangupWithData(t *testing.T) {
	h, peer := sockHarness(t)
	h.m.SetBuiltin("close_peer", vm.NewNative("close_peer", func(*vm.Task, []vm.Value) (vm.Value, error) {
		buf := make([]byte, 1<<16)
		for { // what the socket sent, read: a close with it unread is a reset
			if n, _ := unix.Read(*peer, buf); n <= 0 {
				break
			}
		}
		unix.Write(*peer, []byte("hi"))
		unix.Close(*peer)
		*peer = -1
		return vm.Nil, nil
	}))
	h.ok(t, `
let s = sock()
let a = spawn(fn() { print("a", (yield s.recv())); print("a", (yield s.recv())) })
yield
close_peer()
yield a
`, lines("a hi", "a nil"))
}

// sockHarness is a harness with sock(), a sockEnd whose send buffer is full,
// and feed(), which makes room in it and sends the sockEnd the byte "x".
// peer is the other end (-1 once the test closed it).
func sockHarness(t *testing.T) (*harness, *int) {
	peer := new(int)
	*peer = -1
	var h *harness
	h = newHarness(t, map[string]vm.NativeFunc{
		"sock": func(*vm.Task, []vm.Value) (vm.Value, error) {
			fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				return vm.Nil, err
			}
			*peer = fds[1]
			t.Cleanup(func() {
				if *peer >= 0 {
					unix.Close(*peer)
				}
			})
			buf := make([]byte, 4096)
			for { // fill the socket: send must wait
				if _, err := unix.Write(fds[0], buf); err != nil {
					break
				}
			}
			f, err := h.l.Register(fds[0])
			if err != nil {
				return vm.Nil, err
			}
			return vm.ObjectValue(&sockEnd{fd: f}), nil
		},
		"feed": func(*vm.Task, []vm.Value) (vm.Value, error) {
			buf := make([]byte, 1<<16)
			for { // room for the sender
				if n, _ := unix.Read(*peer, buf); n <= 0 {
					break
				}
			}
			unix.Write(*peer, []byte{'x'}) // a byte for the reader
			return vm.Nil, nil
		},
	})
	return h, peer
}

// Events that come in one batch run the readers parked on them in the
// events' order, and the tasks those readers make ready after all of them,
// as when every event was dispatched before any task ran. runEvents steps
// each parked reader straight from its event; from an event that wakes no
// parked reader (here: data on a pipe no task reads) it goes the general
// way, and the readers woken then still run before the tasks made ready by
// the readers stepped before.
func TestBatchOfEventsKeepsPassOrder(t *testing.T) {
	const script = `
fn reader(p, i) {
    let b = yield p.next()
    print("r", i)
    spawn(fn() { print("x", i) })
}
let ps = [pipe(), pipe(), pipe()]
let rs = [spawn(reader, ps[1], 1), spawn(reader, ps[2], 2)]
if ALL { rs.push(spawn(reader, ps[0], 0)) }
yield
feed()
for r in rs { yield r }
`
	for _, c := range []struct {
		all   bool
		order []int
		want  string
	}{
		{true, []int{2, 0, 1}, lines("r 2", "r 0", "r 1", "x 2", "x 0", "x 1")},
		{false, []int{1, 0, 2}, lines("r 1", "r 2", "x 1", "x 2")},
	} {
		h, pipes := pipeHarness(t, false)
		h.m.SetBuiltin("feed", vm.NewNative("feed", func(*vm.Task, []vm.Value) (vm.Value, error) {
			var ends [][2]int
			for range 3 {
				ends = append(ends, <-pipes)
			}
			// One byte on each pipe, in c.order, before the loop polls:
			// the events come in one batch, in that order.
			for _, i := range c.order {
				unix.Write(ends[i][0], []byte("y"))
			}
			for _, e := range ends {
				t.Cleanup(func() { unix.Close(e[0]) })
			}
			return vm.Nil, nil
		}))
		h.m.SetBuiltin("ALL", vm.Bool(c.all))
		h.ok(t, script, c.want)
	}
}
