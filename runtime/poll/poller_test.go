//go:build linux

package poll_test

import (
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/yieldscript/yieldscript/runtime/poll"
)

func newPoller(t *testing.T) *poll.Poller {
	t.Helper()
	p, err := poll.NewPoller()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func nonblockingPipe(t *testing.T) (r, w int) {
	t.Helper()
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		unix.Close(fds[0])
		unix.Close(fds[1])
	})
	return fds[0], fds[1]
}

// tagOf is the tag the tests add fd with: both halves of the 64 bits used,
// the way the scheduler packs an index and a generation.
func tagOf(fd int) uint64 { return uint64(fd)<<32 | 0x5a5a }

// waitFor waits up to limit for an event on fd and returns its readiness bits
// (0 if none came).
func waitFor(t *testing.T, p *poll.Poller, fd int, limit time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		evs, err := p.Wait(time.Until(deadline))
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if ev.Tag == tagOf(fd) {
				return ev.Ready
			}
		}
		if !time.Now().Before(deadline) {
			return 0
		}
	}
}

func TestPipeBecomesReadable(t *testing.T) {
	p := newPoller(t)
	r, w := nonblockingPipe(t)
	if err := p.Add(r, tagOf(r)); err != nil {
		t.Fatal(err)
	}
	if bits := waitFor(t, p, r, 20*time.Millisecond); bits != 0 {
		t.Fatalf("an empty pipe was reported ready: %b", bits)
	}
	if _, err := unix.Write(w, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if bits := waitFor(t, p, r, 2*time.Second); bits&poll.Readable == 0 {
		t.Fatalf("after a write the read end is not readable: %b", bits)
	}
	// Edge-triggered: the same readiness is not reported again while the data
	// stays unread...
	if bits := waitFor(t, p, r, 20*time.Millisecond); bits != 0 {
		t.Fatalf("the same readiness was reported twice: %b", bits)
	}
	// ...but new data is.
	unix.Write(w, []byte("y"))
	if bits := waitFor(t, p, r, 2*time.Second); bits&poll.Readable == 0 {
		t.Fatalf("more data was not reported: %b", bits)
	}
	buf := make([]byte, 8)
	if n, _ := unix.Read(r, buf); string(buf[:n]) != "xy" {
		t.Fatalf("read %q", buf[:n])
	}
	// Closing the write end is a hang-up for the reader.
	unix.Close(w)
	if bits := waitFor(t, p, r, 2*time.Second); bits&(poll.Hangup|poll.Readable) == 0 {
		t.Fatalf("closing the writer was not reported: %b", bits)
	}
}

func TestSocketpairReadWriteHangup(t *testing.T) {
	p := newPoller(t)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	a, b := fds[0], fds[1]
	defer unix.Close(a)
	if err := p.Add(a, tagOf(a)); err != nil {
		t.Fatal(err)
	}
	// A new socket can be written to at once.
	if bits := waitFor(t, p, a, 2*time.Second); bits&poll.Writable == 0 || bits&poll.Readable != 0 {
		t.Fatalf("a fresh socket: %b, want writable only", bits)
	}
	unix.Write(b, []byte("ping"))
	if bits := waitFor(t, p, a, 2*time.Second); bits&poll.Readable == 0 {
		t.Fatalf("after the peer wrote: %b, want readable", bits)
	}
	buf := make([]byte, 8)
	if n, _ := unix.Read(a, buf); string(buf[:n]) != "ping" {
		t.Fatalf("read %q", buf[:n])
	}
	unix.Close(b)
	if bits := waitFor(t, p, a, 2*time.Second); bits&poll.Hangup == 0 || bits&poll.Readable == 0 {
		t.Fatalf("after the peer closed: %b, want hangup and readable", bits)
	}
}

func TestRemoveStopsEvents(t *testing.T) {
	p := newPoller(t)
	r, w := nonblockingPipe(t)
	if err := p.Add(r, tagOf(r)); err != nil {
		t.Fatal(err)
	}
	if err := p.Remove(r); err != nil {
		t.Fatal(err)
	}
	unix.Write(w, []byte("x"))
	if bits := waitFor(t, p, r, 30*time.Millisecond); bits != 0 {
		t.Fatalf("a removed descriptor was reported: %b", bits)
	}
	if err := p.Add(r, tagOf(r)); err != nil { // it can be added again
		t.Fatal(err)
	}
	if bits := waitFor(t, p, r, 2*time.Second); bits&poll.Readable == 0 {
		t.Fatalf("re-added with data waiting: %b, want readable", bits)
	}
}

func TestWakeInterruptsWait(t *testing.T) {
	p := newPoller(t)
	go func() {
		time.Sleep(30 * time.Millisecond)
		p.Wake()
	}()
	start := time.Now()
	evs, err := p.Wait(time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("Wake did not interrupt the wait (%v)", d)
	}
	if len(evs) != 0 {
		t.Fatalf("a wake-up came with events: %v", evs)
	}
	// Without a limit too.
	go func() {
		time.Sleep(10 * time.Millisecond)
		p.Wake()
	}()
	done := make(chan error, 1)
	go func() {
		_, err := p.Wait(-1)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Wake did not interrupt Wait(-1)")
	}
}

func TestWakesCoalesce(t *testing.T) {
	p := newPoller(t)
	// Many wake-ups from many goroutines before a Wait: one Wait returns at
	// once, and the next one waits again (the wake-up was consumed).
	done := make(chan struct{})
	for range 50 {
		go func() {
			p.Wake()
			done <- struct{}{}
		}()
	}
	for range 50 {
		<-done
	}
	start := time.Now()
	if _, err := p.Wait(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("a pending wake-up did not end the wait (%v)", d)
	}
	if poll.WakePending(p) {
		t.Fatal("the wait that returned did not consume the wake-up")
	}
	// The next wait sleeps for its whole timeout: nothing is left in the
	// eventfd. A signal may end it early (EINTR returns so the caller can
	// recompute its timers); only an early return without one is a failure.
	intr := poll.Interrupted(p)
	start = time.Now()
	if _, err := p.Wait(30 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 25*time.Millisecond && poll.Interrupted(p) == intr {
		t.Fatalf("a consumed wake-up ended a second wait after %v", d)
	}
	// And a Wake after that works again.
	p.Wake()
	start = time.Now()
	p.Wait(5 * time.Second)
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("a second wake-up did not end the wait (%v)", d)
	}
}

func TestWaitHonoursTimeout(t *testing.T) {
	p := newPoller(t)
	r, _ := nonblockingPipe(t)
	if err := p.Add(r, tagOf(r)); err != nil {
		t.Fatal(err)
	}
	for _, d := range []time.Duration{0, time.Millisecond, 40 * time.Millisecond} {
		intr := poll.Interrupted(p)
		start := time.Now()
		evs, err := p.Wait(d)
		took := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 0 {
			t.Fatalf("Wait(%v) returned events with nothing ready: %v", d, evs)
		}
		early := took < d && poll.Interrupted(p) == intr // a signal may end a wait early
		if early || took > d+time.Second {
			t.Errorf("Wait(%v) took %v", d, took)
		}
	}
	// A sub-millisecond timeout is rounded up, not down to a busy poll.
	intr := poll.Interrupted(p)
	start := time.Now()
	p.Wait(100 * time.Microsecond)
	if took := time.Since(start); took < 100*time.Microsecond && poll.Interrupted(p) == intr {
		t.Errorf("Wait(100µs) returned after %v", took)
	}
}

func TestCloseReleasesDescriptors(t *testing.T) {
	count := func() int {
		ents, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Fatal(err)
		}
		return len(ents)
	}
	before := count()
	for range 20 {
		p, err := poll.NewPoller()
		if err != nil {
			t.Fatal(err)
		}
		p.Wake()
		p.Close()
	}
	if after := count(); after > before {
		t.Fatalf("%d descriptors open after 20 pollers were closed, %d before", after, before)
	}
}

// socketpairOn opens socket pairs until one of them has descriptor number fd
// (the lowest free numbers are taken first, so the number a closed poller
// used comes back soon) and returns that pair for the caller to close; it
// fails the test if none does.
func socketpairOn(t *testing.T, fd int) [2]int {
	t.Helper()
	var spare [][2]int
	defer func() {
		for _, s := range spare {
			unix.Close(s[0])
			unix.Close(s[1])
		}
	}()
	for range 64 {
		s, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		if s[0] == fd || s[1] == fd {
			return s
		}
		spare = append(spare, s)
	}
	t.Fatalf("descriptor %d was not reused", fd)
	return [2]int{}
}

// unread reports the bytes waiting on either end of a socket pair.
func unread(s [2]int) int {
	total := 0
	buf := make([]byte, 64)
	for _, fd := range s {
		if n, _ := unix.Read(fd, buf); n > 0 {
			total += n
		}
	}
	return total
}

// A Wake after Close writes nothing: the wake-up descriptor's number may
// already belong to a new descriptor (a client's socket, say), which would
// receive eight stray bytes.
func TestWakeAfterCloseWritesNothing(t *testing.T) {
	p, err := poll.NewPoller()
	if err != nil {
		t.Fatal(err)
	}
	wfd := poll.WakeFD(p)
	p.Close()
	s := socketpairOn(t, wfd)
	defer unix.Close(s[0])
	defer unix.Close(s[1])
	p.Wake()
	p.Wake()
	if n := unread(s); n != 0 {
		t.Fatalf("a Wake after Close wrote %d bytes to the descriptor that reused number %d", n, wfd)
	}
	if err := p.Close(); err != nil { // a second Close is harmless too
		t.Fatal(err)
	}
}

// Wakes racing with Close (as a host call finishing while the VM closes) are
// safe: run with -race, and nothing reaches descriptors opened afterwards.
func TestWakeRacingCloseWritesNothing(t *testing.T) {
	for range 20 {
		p, err := poll.NewPoller()
		if err != nil {
			t.Fatal(err)
		}
		wfd := poll.WakeFD(p)
		start := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			<-start
			for range 100 {
				p.Wake()
			}
		}()
		close(start)
		p.Close()
		<-done
		s := socketpairOn(t, wfd)
		p.Wake()
		if n := unread(s); n != 0 {
			t.Fatalf("a Wake racing Close wrote %d bytes to the descriptor that reused number %d", n, wfd)
		}
		unix.Close(s[0])
		unix.Close(s[1])
	}
}

func TestWaitHoldEndsAsWait(t *testing.T) {
	p := newPoller(t)
	r, w := nonblockingPipe(t)
	if err := p.Add(r, tagOf(r)); err != nil {
		t.Fatal(err)
	}
	// Nothing ready: a timed wait with a hold lasts its whole timeout, the
	// held part and the rest through the scheduler (a signal may end it early).
	for _, d := range []time.Duration{time.Millisecond, 40 * time.Millisecond} {
		intr := poll.Interrupted(p)
		start := time.Now()
		evs, err := p.WaitHold(d, time.Millisecond)
		took := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 0 {
			t.Fatalf("WaitHold(%v) returned events with nothing ready: %v", d, evs)
		}
		if took < d && poll.Interrupted(p) == intr {
			t.Errorf("WaitHold(%v) returned after %v", d, took)
		}
	}
	// Data that comes during the held part, and a Wake that comes after it,
	// both end an untimed wait.
	// (A signal may end a held wait early with no events: each waits again.)
	for _, how := range []string{"data", "wake"} {
		var woken atomic.Bool
		done := make(chan []poll.Event, 1)
		go func() {
			for {
				hold := time.Hour
				if how == "wake" {
					hold = time.Millisecond
				}
				evs, err := p.WaitHold(-1, hold)
				if err != nil {
					t.Error(err)
				}
				if how == "data" && len(evs) > 0 || how == "wake" && woken.Load() && !poll.WakePending(p) {
					done <- append([]poll.Event(nil), evs...)
					return
				}
			}
		}()
		time.Sleep(10 * time.Millisecond)
		if how == "data" {
			unix.Write(w, []byte("x"))
		} else {
			woken.Store(true)
			p.Wake()
		}
		select {
		case evs := <-done:
			if how == "data" && (len(evs) != 1 || evs[0].Tag != tagOf(r) || evs[0].Ready&poll.Readable == 0) {
				t.Fatalf("a held wait ended by data returned %v", evs)
			}
		case <-time.After(10 * time.Second):
			p.Wake()
			t.Fatalf("a held wait was not ended by the %s", how)
		}
	}
}

// A signal ends a held wait even without a timeout: the runtime signals a
// thread it needs to stop (for a collection) or preempt, and the goroutine has
// to come back from the raw system call to let it.
func TestSignalEndsHeldWait(t *testing.T) {
	p := newPoller(t)
	tid := make(chan int, 1)
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		tid <- unix.Gettid()
		evs, err := p.WaitHold(-1, time.Hour)
		if err == nil && len(evs) != 0 {
			t.Errorf("an interrupted wait returned events: %v", evs)
		}
		done <- err
	}()
	target := <-tid
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	limit := time.After(10 * time.Second)
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			return
		case <-tick.C:
			// SIGURG is the runtime's own preemption signal: harmless.
			unix.Tgkill(unix.Getpid(), target, unix.SIGURG)
		case <-limit:
			p.Wake()
			t.Fatal("signals did not end a held wait")
		}
	}
}

// TimedOut tells a wait that ran its whole timeout from one that a wake-up or
// an event ended, though both return no events (a wake-up is no event).
func TestTimedOut(t *testing.T) {
	p := newPoller(t)
	for {
		evs, err := p.Wait(time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 && p.TimedOut() {
			break
		}
		// A signal ended the wait early: wait again.
	}
	p.Wake()
	evs, err := p.Wait(time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 0 || p.TimedOut() {
		t.Errorf("a wait ended by Wake: %d events, TimedOut %v; want 0 and false", len(evs), p.TimedOut())
	}
	// The same with the wait's first part held (WaitHold), all of it or not.
	for _, hold := range []time.Duration{time.Millisecond, time.Minute} {
		for {
			evs, err := p.WaitHold(2*time.Millisecond, hold)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) == 0 && p.TimedOut() {
				break
			}
		}
		p.Wake()
		if evs, err := p.WaitHold(time.Minute, hold); err != nil || len(evs) != 0 || p.TimedOut() {
			t.Errorf("a held wait ended by Wake: %v, %d events, TimedOut %v; want 0 and false", err, len(evs), p.TimedOut())
		}
	}
	r, w := nonblockingPipe(t)
	if err := p.Add(r, tagOf(r)); err != nil {
		t.Fatal(err)
	}
	unix.Write(w, []byte{1})
	if got := waitFor(t, p, r, time.Minute); got&poll.Readable == 0 || p.TimedOut() {
		t.Errorf("a wait ended by an event: ready %b, TimedOut %v", got, p.TimedOut())
	}
}

// Write sends on a socket and falls back to write(2) on a descriptor that is
// not one: a pipe gets the bytes, and so does a socket.
func TestWriteToPipeAndSocket(t *testing.T) {
	r, w := nonblockingPipe(t)
	if n, err := poll.Write(w, []byte("through a pipe")); n != 14 || err != nil {
		t.Fatalf("Write to a pipe = %d, %v; want 14, nil", n, err)
	}
	buf := make([]byte, 64)
	if n, err := poll.Read(r, buf); string(buf[:n]) != "through a pipe" || err != nil {
		t.Fatalf("Read from the pipe = %q, %v", buf[:n], err)
	}
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	if n, err := poll.Write(fds[0], []byte("on a socket")); n != 11 || err != nil {
		t.Fatalf("Write to a socket = %d, %v; want 11, nil", n, err)
	}
	if n, err := poll.Read(fds[1], buf); string(buf[:n]) != "on a socket" || err != nil {
		t.Fatalf("Read from the socket = %q, %v", buf[:n], err)
	}
	if n, err := poll.Write(w, nil); n != 0 || err != nil {
		t.Fatalf("Write of nothing = %d, %v; want 0, nil", n, err)
	}
}

// A wait that fills the event buffer grows it (and the events it returns
// with it): 300 descriptors ready at once come as 256 events and then the
// other 44, and, once more ready together, as 300 events from one wait,
// each descriptor's once and with its tag.
func TestWaitGrowsItsEventBuffer(t *testing.T) {
	p := newPoller(t)
	const n = 300
	ws := make([]int, n)
	for i := range ws {
		r, w := nonblockingPipe(t)
		ws[i] = w
		if err := p.Add(r, tagOf(r)); err != nil {
			t.Fatal(err)
		}
		unix.Write(w, []byte{1})
	}
	seen := map[uint64]int{}
	count := func(evs []poll.Event) {
		for _, ev := range evs {
			seen[ev.Tag]++
		}
	}
	evs, err := p.Wait(0)
	if err != nil || len(evs) != 256 {
		t.Fatalf("first wait: %d events, %v; want 256", len(evs), err)
	}
	count(evs)
	evs, err = p.Wait(0)
	if err != nil || len(evs) != n-256 {
		t.Fatalf("second wait: %d events, %v; want %d", len(evs), err, n-256)
	}
	count(evs)
	for _, w := range ws {
		unix.Write(w, []byte{2})
	}
	evs, err = p.Wait(0)
	if err != nil || len(evs) != n {
		t.Fatalf("wait after growing: %d events, %v; want %d", len(evs), err, n)
	}
	count(evs)
	if len(seen) != n {
		t.Fatalf("%d descriptors reported, want %d", len(seen), n)
	}
	for tag, k := range seen {
		if k != 2 {
			t.Fatalf("tag %x reported %d times, want 2", tag, k)
		}
	}
}
