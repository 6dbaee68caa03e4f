package http_test

import (
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/yieldscript/yieldscript/stdlib/internal/scripttest"
)

// TestInteropClientConnectTimeout: connect_timeout (and timeout) throw kind
// timeout when the connection cannot be opened.
//
// The listening socket has a backlog of 0 and never accepts. Linux puts
// connections into its accept queue until it holds more than the backlog
// (one, here) and then drops the SYNs of further ones while the queue is
// full (no SYN-ACK, syncookies or not), so a connect to it stays pending.
// The queue is filled with Go connections first, until one of them is seen
// to hang; the connections stay open, so the queue stays full.
func TestInteropClientConnectTimeout(t *testing.T) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
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
	hung := false
	for i := 0; i < 8; i++ {
		c, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
		if err != nil {
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Fatalf("filling the accept queue: %v", err)
			}
			hung = true
			break
		}
		defer c.Close()
	}
	if !hung {
		t.Fatal("connections to a full accept queue still complete on this machine; the test needs another way to make a connect hang")
	}
	out := scripttest.RunClient(t, fmt.Sprintf(`
import http
let url = "http://%s/"
for opts in [{connect_timeout: 0.3}, {timeout: 0.3}] {
    try {
        yield http.get(url, opts)
        print("connected")
    } catch e {
        print(e.kind)
    }
}
try {
    yield http.get(url, {connect_timeout: 0.3})
} catch e {
    print(e.message.endswith("timed out after 0.3s"))
}
`, addr), nil)
	if want := "timeout\ntimeout\ntrue\n"; out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}
