//go:build linux

package net_test

import (
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript/stdlib/internal/scripttest"
)

// TestParkedRecvPeerReset: a recv that parks on a socket it has just
// drained with a short read (the case that parks without trying the read)
// is woken by the peer's reset and throws connection_reset; the half-close
// case (the end of the stream while parked) gives "" and the conn can
// still send.
func TestParkedRecvPeerReset(t *testing.T) {
	reached := make(chan string, 2)
	waitFor := func(want string) {
		t.Helper()
		select {
		case got := <-reached:
			if got != want {
				t.Fatalf("the script reached %q, want %q", got, want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("the script did not reach %q", want)
		}
	}
	s := scripttest.Start(t, `
import net
let l = net.listen("127.0.0.1", 0)
ready(l.port)
for round in ["reset", "half-close"] {
    let c = yield l.accept()
    reached(round + " " + (yield c.recv(100)))
    try {
        let d = yield c.recv(100)
        print(round, "got", len(d))
        yield c.sendall("bye")
    } catch e {
        print(round, e.kind)
    }
    c.close()
}
l.close()
`, map[string]any{"reached": func(s string) { reached <- s }})
	port := s.Port(t, 0)
	dial := func() *net.TCPConn {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c.(*net.TCPConn)
	}
	// reset: "abc" is read short, the next recv parks; then a close with
	// SO_LINGER 0 sends a reset.
	c := dial()
	if _, err := c.Write([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	waitFor("reset abc")
	c.SetLinger(0)
	c.Close()
	// half-close: the end of the stream while the second recv is parked
	c = dial()
	if _, err := c.Write([]byte("xyz")); err != nil {
		t.Fatal(err)
	}
	waitFor("half-close xyz")
	c.CloseWrite()
	rest, err := io.ReadAll(c)
	if err != nil || string(rest) != "bye" {
		t.Errorf("after the half-close the peer got %q, %v; want \"bye\"", rest, err)
	}
	out, errOut, err := s.Wait(t)
	want := "reset connection_reset\nhalf-close got 0\n"
	if err != nil || errOut != "" || out != want {
		t.Errorf("script: %v, stdout %q, stderr %q; want stdout %q", err, out, errOut, want)
	}
}
