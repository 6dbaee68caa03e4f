//go:build linux

package net_test

// Tests of the runtime under the standard modules: what a cancelled wait
// releases, and how the accept loop and name resolution behave.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/yieldscript/yieldscript/runtime/poll"
	"github.com/yieldscript/yieldscript/stdlib/internal/scripttest"
	ysnet "github.com/yieldscript/yieldscript/stdlib/net"
)

// hangingPeer gives the address of a listening socket on 127.0.0.1 whose
// accept queue is full, so that a connect to it stays pending (see
// TestInteropClientConnectTimeout). Everything is closed when the test ends.
func hangingPeer(t *testing.T) string {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*unix.SockaddrInet4).Port)
	for i := 0; i < 8; i++ {
		c, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
		if err != nil {
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Fatalf("filling the accept queue: %v", err)
			}
			return addr
		}
		t.Cleanup(func() { c.Close() })
	}
	t.Skip("connections to a full accept queue still complete on this machine")
	return ""
}

// TestAbandonedConnectsCloseTheirSockets: a connect given up by a timeout,
// by losing a race, by cancelling the task that waits in it, or by the http
// client's connect_timeout closes its socket (and so drops its poller
// registration): 150 abandoned connects leave no descriptor behind.
func TestAbandonedConnectsCloseTheirSockets(t *testing.T) {
	addr := hangingPeer(t)
	host, port, _ := net.SplitHostPort(addr)
	count := func() int { return scripttest.OpenFDs(t) }
	out := scripttest.RunClient(t, fmt.Sprintf(`
import net
import http
let before = fds()
let host = %q
let port = %s
let n = 0
for i in range(40) {
    try {
        yield timeout(0.01, net.connect(host, port))
    } catch e {
        if e.kind == "timeout" { n += 1 }
    }
}
for i in range(40) {
    let r = yield race([net.connect(host, port), sleep(0)])
    if r == nil { n += 1 }
}
fn connect_forever() {
    return yield net.connect(host, port)
}
let tasks = []
for i in range(40) {
    tasks.push(spawn(connect_forever()))
}
yield sleep(0.01)
for t in tasks {
    t.cancel()
}
for t in tasks {
    try {
        yield t
    } catch e {
        if e.kind == "cancelled" { n += 1 }
    }
}
for i in range(30) {
    try {
        yield http.get(f"http://{host}:{port}/", {connect_timeout: 0.01})
    } catch e {
        if e.kind == "timeout" { n += 1 }
    }
}
print(n, fds() - before)
`, host, port), map[string]any{"fds": count})
	if out != "150 0\n" {
		t.Fatalf("got %q, want 150 abandoned connects and 0 descriptors more after them than before", out)
	}
}

// TestAcceptGoesOnAfterConnectionErrors: accept errors about one pending
// connection (injected here, as they cannot be made on demand), running out
// of descriptors, an unknown error, and a new socket the poller refuses (a
// descriptor of /dev/null) do not end net.serve: it reports what is not a
// peer's doing on stderr and serves the next connections.
func TestAcceptGoesOnAfterConnectionErrors(t *testing.T) {
	var mu sync.Mutex
	devnull := -1
	actions := []error{unix.ENETDOWN, unix.EHOSTUNREACH, unix.ENONET, unix.EPROTO, unix.ECONNABORTED,
		nil, unix.EMFILE, unix.ENFILE, unix.EIO}
	defer ysnet.SetAccept(func(fd int) (int, string, error) {
		mu.Lock()
		defer mu.Unlock()
		if len(actions) == 0 {
			return poll.Accept(fd)
		}
		err := actions[0]
		actions = actions[1:]
		if err == nil {
			nfd, oerr := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if oerr != nil {
				return -1, "", oerr
			}
			devnull = nfd
			return nfd, "", nil
		}
		return -1, "", err
	})()
	s := scripttest.Start(t, `
import net
let l = net.listen("127.0.0.1", 0)
fn handler(c) {
    yield c.sendall("hi\n")
}
ready(l.port)
yield net.serve(l, handler)
`, nil)
	port := s.Port(t, 0)
	for i := 0; i < 3; i++ {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(20 * time.Second))
		line, err := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if line != "hi\n" {
			t.Fatalf("connection %d: got %q, %v", i, line, err)
		}
	}
	mu.Lock()
	left, fd := len(actions), devnull
	mu.Unlock()
	if left != 0 || fd < 0 {
		t.Fatalf("%d injected errors were not met", left)
	}
	if target, _ := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd)); target == "/dev/null" {
		t.Error("the descriptor the poller refused was not closed")
	}
	s.Stop(t, "net: accept on 127.0.0.1:", "registering the new connection: operation not permitted (still accepting)")
}

// TestAcceptThrowsForListenerErrors: an error about the listening socket
// itself ends the accept with kind io.
func TestAcceptThrowsForListenerErrors(t *testing.T) {
	defer ysnet.SetAccept(func(int) (int, string, error) { return -1, "", unix.EINVAL })()
	out := scripttest.RunClient(t, `
import net
let l = net.listen("127.0.0.1", 0)
try {
    yield l.accept()
} catch e {
    print(e.kind, e.message)
}
l.close()
`, nil)
	if want := "io accept: invalid argument\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// TestLookupHasDeadlineAndIsCancelled: name resolution runs with a deadline
// and its context is cancelled when the connect waiting for it is given up
// (by timeout, or by cancelling the task); a name that resolves connects.
func TestLookupHasDeadlineAndIsCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("hi\n"))
			c.Close()
		}
	}()
	cancelled := make(chan string, 4)
	deadlines := make(chan time.Duration, 4)
	// A lookup given up before the pool's goroutine starts it is never
	// called (there is nothing to cancel then): under heavy load that can
	// happen to either stuck lookup, so the checks below count the lookups
	// that started.
	var mu sync.Mutex
	started := map[string]bool{}
	defer ysnet.SetLookup(func(ctx context.Context, host string) ([]netip.Addr, error) {
		mu.Lock()
		started[host] = true
		mu.Unlock()
		if d, ok := ctx.Deadline(); ok {
			deadlines <- time.Until(d)
		} else {
			deadlines <- -1
		}
		if host == "here.test" {
			return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
		}
		<-ctx.Done()
		cancelled <- host
		return nil, ctx.Err()
	})()
	out := scripttest.RunClient(t, fmt.Sprintf(`
import net
try {
    yield timeout(0.01, net.connect("stuck.test", 80))
} catch e {
    print(e.kind)
}
fn connect_forever() {
    return yield net.connect("stuck2.test", 80)
}
let t = spawn(connect_forever())
yield sleep(0.01)
t.cancel()
try {
    yield t
} catch e {
    print(e.kind)
}
let c = yield net.connect("here.test", %d)
print((yield c.readline()).strip())
c.close()
`, ln.Addr().(*net.TCPAddr).Port), nil)
	if want := "timeout\ncancelled\nhi\n"; out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
	// A lookup that started is cancelled, and it may still be on its way
	// to the lookup function when the script ends: wait for each stuck one
	// until it has both started and been cancelled, or has had ample time
	// to start.
	got := map[string]bool{}
	ran := 1 // here.test
	for _, h := range []string{"stuck.test", "stuck2.test"} {
		deadline := time.Now().Add(10 * time.Second)
		for !got[h] && time.Now().Before(deadline) {
			select {
			case c := <-cancelled:
				got[c] = true
			case <-time.After(10 * time.Millisecond):
			}
		}
		mu.Lock()
		didStart := started[h]
		mu.Unlock()
		if didStart {
			ran++
			if !got[h] {
				t.Errorf("the lookup of %s was given up but not cancelled", h)
			}
		}
	}
	if ran == 1 {
		t.Log("neither stuck lookup had started when it was given up")
	}
	for i := 0; i < ran; i++ {
		if d := <-deadlines; d <= 0 || d > time.Minute {
			t.Errorf("a lookup ran with deadline %v from now", d)
		}
	}
}

// TestConnSize: a server keeps a conn per connection, in the 96-byte size
// class (doc/impl.md, Memory per idle connection).
func TestConnSize(t *testing.T) {
	if ysnet.ConnSize > 96 {
		t.Fatalf("a conn is %d bytes, want at most 96", ysnet.ConnSize)
	}
}
