//go:build linux

package net_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript/stdlib/internal/scripttest"
)

// dialScript connects to the port the script made ready, with a deadline of
// 30 s on the connection, closed at the end of the test.
func dialScript(t *testing.T, s *scripttest.Script) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", s.Port(t, 0)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(30 * time.Second))
	return c
}

// TestRecvLargeAndVaryingReads: recv gives every byte once and in order, and
// a string it gave keeps its bytes, while the reads on one connection go from
// small (the loop's scratch buffer) to large (straight into the string's own
// memory, sized from the last read), longer than that guess (the read fills
// the buffer and the next recv reads the rest at once, without waiting for
// a readiness report that the edge-triggered poller will not give), much
// shorter
// (copied into a string of its own size) and longer than recv's 64 KiB. The
// script echoes each chunk and keeps it; after the client's half-close it
// sends back all it kept, joined.
func TestRecvLargeAndVaryingReads(t *testing.T) {
	s := scripttest.Start(t, `
import net
let l = net.listen("127.0.0.1", 0)
ready(l.port)
let c = yield l.accept()
let kept = []
while true {
    let d = yield c.recv(65536)
    if not d { break }
    kept.push(d)
    yield c.sendall(d)
}
yield c.sendall("".join(kept))
c.close()
l.close()
`, nil)
	c := dialScript(t, s)
	var all []byte
	for i, size := range []int{100, 5000, 16384, 16384, 20000, 16384, 1000, 16384, 9000, 60000, 70000, 3000, 16384} {
		msg := make([]byte, size)
		for j := range msg {
			msg[j] = byte((j*7 + i*13) % 251)
		}
		all = append(all, msg...)
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, size)
		if _, err := io.ReadFull(c, got); err != nil {
			t.Fatalf("message %d (%d bytes): %v", i, size, err)
		}
		if !bytes.Equal(got, msg) {
			t.Fatalf("message %d (%d bytes) came back changed", i, size)
		}
	}
	c.(*net.TCPConn).CloseWrite()
	rest, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(rest, all) {
		t.Errorf("the kept chunks joined: %d bytes, want the %d sent, in order", len(rest), len(all))
	}
	if out, errOut, err := s.Wait(t); err != nil || errOut != "" {
		t.Errorf("script: %v %s %s", err, out, errOut)
	}
}

// TestLargeEchoAllocatesOnlyTheString: an echo round trip of 16 KiB, whose
// recv reads straight into the string it returns, allocates that string and
// nothing else: the buffer it reads into is that string.
func TestLargeEchoAllocatesOnlyTheString(t *testing.T) {
	s := scripttest.Start(t, `
import net
let l = net.listen("127.0.0.1", 0)
ready(l.port)
let c = yield l.accept()
while true {
    let d = yield c.recv(65536)
    if not d { break }
    yield c.sendall(d)
}
c.close()
l.close()
`, nil)
	c := dialScript(t, s)
	msg := bytes.Repeat([]byte("0123456789abcdef"), 1024)
	got := make([]byte, len(msg))
	round := func() {
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, got); err != nil {
			t.Fatal(err)
		}
	}
	for range 5 {
		round()
	}
	allocs := testing.AllocsPerRun(50, round)
	if !bytes.Equal(got, msg) {
		t.Error("the message came back changed")
	}
	if allocs != 1 {
		t.Errorf("a 16 KiB echo round trip allocates %v times, want 1 (the string)", allocs)
	}
}
