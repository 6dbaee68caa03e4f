package http_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript"
)

// TestServerLargeBodyNotCopied: a large response body is sent after its head
// without being copied into a new string, so that clients slow to read an
// 8 MiB answer do not each hold a copy of it.
func TestServerLargeBodyNotCopied(t *testing.T) {
	s, base := serveScript(t, `
let big = "x" * (8 * 1024 * 1024)
fn handler(req) {
    if req.path == "/map" {
        return {headers: {"Content-Type": "text/plain"}, body: big}
    }
    return big
}`, "nil", nil)
	defer s.Stop(t)
	get := func(path string) {
		c := rawConn(t, base)
		defer c.Close()
		fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.CopyBuffer(io.Discard, resp.Body, make([]byte, 32*1024))
		if err != nil || n != 8*1024*1024 || resp.ContentLength != n {
			t.Fatalf("GET %s: %d bytes of %d, %v", path, n, resp.ContentLength, err)
		}
	}
	get("/") // the script makes its string
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 0; i < 3; i++ {
		get("/")
		get("/map")
	}
	runtime.ReadMemStats(&after)
	// Six answers of 8 MiB: a copy each would be 48 MiB.
	if d := after.TotalAlloc - before.TotalAlloc; d > 8<<20 {
		t.Errorf("six 8 MiB answers allocated %d MiB", d>>20)
	}
}

// TestServerHostCancelAnswersInFlight: when the host cancels the run (as a
// signal does for the command), a request in progress is still answered,
// with Connection: close, and the run then ends.
func TestServerHostCancelAnswersInFlight(t *testing.T) {
	started := make(chan struct{}, 1)
	s, base := serveScript(t, `
fn handler(req) {
    started()
    yield sleep(0.3)
    return "done"
}`, "nil", map[string]any{"started": func() { started <- struct{}{} }})
	c := rawConn(t, base)
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the handler did not start")
	}
	s.Cancel()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to the request in progress: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "done" || !resp.Close {
		t.Errorf("answer %d %q, Connection: close %v", resp.StatusCode, body, resp.Close)
	}
	if _, _, err := s.Wait(t); !errors.Is(err, context.Canceled) {
		t.Errorf("the run ended with %v", err)
	}
}

// BenchmarkServeKeepAlive is the server's cost per request on one keep-alive
// connection (a hello handler): allocations with -benchmem, instructions
// under a profiler. The client is a plain socket; its share is small.
func BenchmarkServeKeepAlive(b *testing.B) {
	v := yieldscript.New(yieldscript.Options{Stdout: io.Discard, Stderr: io.Discard, Modules: yieldscript.AllModules})
	defer v.Close()
	src := `
import net
import http
let l = net.listen("127.0.0.1", 0)
fn port() { return l.port }
fn hello(req) { return "Hello, World!" }
fn run() { yield http.serve(l, hello) }
`
	if err := v.RunString(context.Background(), "bench.ys", src); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	p, err := v.Call(ctx, "port")
	if err != nil {
		b.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { _, err := v.Call(runCtx, "run"); served <- err }()
	defer func() { stop(); <-served }()
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", p.(int64)))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	req := []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	want := []byte("Hello, World!")
	buf := make([]byte, 4096)
	roundTrip := func() {
		if _, err := c.Write(req); err != nil {
			b.Fatal(err)
		}
		got := 0
		for got < len(want) || !bytes.Equal(buf[got-len(want):got], want) {
			k, err := c.Read(buf[got:])
			if err != nil {
				b.Fatal(err)
			}
			got += k
		}
	}
	for range 100 {
		roundTrip()
	}
	b.ResetTimer()
	for range b.N {
		roundTrip()
	}
}
