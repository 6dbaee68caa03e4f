package stdlib_test

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"testing"
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
	defer s.stop(t)
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
