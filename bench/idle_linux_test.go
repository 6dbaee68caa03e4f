package bench

import (
	"bytes"
	"context"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"syscall"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript"
)

// The servers of the idle-connection benchmark (bench/run.sh idle), each
// listening on port 0; port() tells the test where.
const idleEchoScript = `
import net
let l = net.listen("127.0.0.1", 0)
fn port() { return l.port }
fn sync() { return 0 }
fn echoer(conn) {
    while true {
        let data = yield conn.recv(65536)
        if not data { break }
        yield conn.sendall(data)
    }
}
fn run() { yield net.serve(l, echoer) }
`

const idleHTTPScript = `
import net
import http
let l = net.listen("127.0.0.1", 0)
fn port() { return l.port }
fn sync() { return 0 }
fn hello(req) { return "Hello, World!" }
fn run() { yield http.serve(l, hello) }
`

var (
	echoMsg   = bytes.Repeat([]byte("abcdefgh"), 8)
	httpReq   = []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	httpReply = []byte("Hello, World!")
)

// liveHeap is the live heap after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// idleConnHeap starts the server of src, opens n connections to it (raw
// sockets, which cost the test's heap nothing), makes one request on each
// (send req, read until the answer ends with want) and returns the live heap
// per connection once every connection's task is parked again.
func idleConnHeap(tb testing.TB, src string, n int, req, want []byte) float64 {
	tb.Helper()
	if os.Getenv("IDLE_HEAP_PROFILE") != "" {
		runtime.MemProfileRate = 1
	}
	v := yieldscript.New(yieldscript.Options{Stdout: io.Discard, Stderr: io.Discard, Modules: yieldscript.AllModules})
	defer v.Close()
	if err := v.RunString(context.Background(), "idle.ys", src); err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p, err := v.Call(ctx, "port")
	if err != nil {
		tb.Fatal(err)
	}
	port := int(p.(int64))
	runCtx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { _, err := v.Call(runCtx, "run"); served <- err }()
	defer func() { stop(); <-served }()

	fds := make([]int, 0, n)
	defer func() {
		for _, fd := range fds {
			syscall.Close(fd)
		}
	}()
	buf := make([]byte, 4096)
	// One connection before the baseline, so that what the server makes once
	// (its first accept, the code's first run) is not counted.
	open := func() {
		fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
		if err != nil {
			tb.Fatal(err)
		}
		fds = append(fds, fd)
		tv := syscall.Timeval{Sec: 20}
		syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv)
		if err := syscall.Connect(fd, &syscall.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}); err != nil && err != syscall.EINTR {
			tb.Fatal(err)
		}
		for {
			_, err := syscall.Write(fd, req)
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				tb.Fatal(err)
			}
			break
		}
		var got []byte
		for !bytes.HasSuffix(got, want) {
			k, err := syscall.Read(fd, buf)
			if err == syscall.EINTR {
				continue // a signal (the GC's preemption) interrupted the read
			}
			if err != nil || k == 0 {
				tb.Fatalf("connection %d: read: %v (got %q)", len(fds), err, got)
			}
			got = append(got, buf[:k]...)
		}
	}
	// A call runs on the loop after the tasks that were ready: once it
	// returns, every connection's task has parked again.
	settle := func() {
		if _, err := v.Call(ctx, "sync"); err != nil {
			tb.Fatal(err)
		}
	}
	for range 16 {
		open()
	}
	settle()
	base := liveHeap()
	for range n {
		open()
	}
	settle()
	// The loop cuts down the stacks of tasks that stay parked through two
	// collections, as a server's loop would after a while: rounds of
	// collection, finalizers (where the loop is told), a moment for the
	// loop's thread to run what was posted, and a call to the loop; the
	// smallest heap seen counts (a direct call can run before the loop has
	// run a posted sweep, so one round may show none).
	full := liveHeap()
	for range 6 {
		fin := make(chan struct{})
		runtime.SetFinalizer(&struct{ p *int }{}, func(*struct{ p *int }) { close(fin) })
		runtime.GC()
		<-fin
		time.Sleep(5 * time.Millisecond)
		settle()
		full = min(full, liveHeap())
	}
	if f := os.Getenv("IDLE_HEAP_PROFILE"); f != "" {
		// go test -run TestIdleConnHeap/echo ./bench with this set to a file
		// name writes the heap profile of the idle connections.
		w, err := os.Create(f)
		if err != nil {
			tb.Fatal(err)
		}
		pprof.Lookup("heap").WriteTo(w, 0)
		w.Close()
	}
	runtime.KeepAlive(fds)
	return (float64(full) - float64(base)) / float64(n)
}

const idleConns = 2000

// TestIdleConnHeap reports the live heap per idle connection of the echo
// and HTTP keep-alive servers (go test -v -run TestIdleConnHeap ./bench).
func TestIdleConnHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("opens thousands of connections")
	}
	// The bounds sit above what is measured (about 860 and 975 bytes,
	// see doc/impl.md), so that they do not flake; the echo one is below
	// what an idle connection kept before its handler became its task
	// (1,060), and far below what it kept before its conn, task, stack,
	// coroutine and try handlers were cut down (1,200); the HTTP one is below what an
	// idle connection kept before its frame and handler stacks were trimmed
	// (1,115), and far below what it kept while its wait was an awaitable
	// with a timer of its own and an entry in a script map (1,950).
	for _, c := range []struct {
		name      string
		src       string
		req, want []byte
		bound     float64
	}{
		{"echo", idleEchoScript, echoMsg, echoMsg, 900},
		{"http", idleHTTPScript, httpReq, httpReply, 1090},
	} {
		t.Run(c.name, func(t *testing.T) {
			per := idleConnHeap(t, c.src, idleConns, c.req, c.want)
			t.Logf("%s: %.0f bytes of live heap per idle connection", c.name, per)
			if per > c.bound {
				t.Errorf("%s: %.0f bytes of live heap per idle connection, want at most %.0f", c.name, per, c.bound)
			}
		})
	}
}

func BenchmarkIdleConnHeap(b *testing.B) {
	for _, c := range []struct {
		name      string
		src       string
		req, want []byte
	}{
		{"echo", idleEchoScript, echoMsg, echoMsg},
		{"http", idleHTTPScript, httpReq, httpReply},
	} {
		b.Run(c.name, func(b *testing.B) {
			var per float64
			for range b.N {
				per = idleConnHeap(b, c.src, idleConns, c.req, c.want)
			}
			b.ReportMetric(per, "B/conn")
		})
	}
}
