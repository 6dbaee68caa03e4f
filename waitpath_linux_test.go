//go:build linux

package yieldscript

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"
)

// An echo round trip whose recv has to wait, over a real TCP connection:
// the task parks on the socket's reader slot, the loop wakes in epoll_wait,
// finds the socket from the event and runs the recv again, and the sendall
// completes at once. With one-byte messages (whose strings Go does not
// allocate) nothing on that path allocates, in the script's task or the loop.
func TestEchoWaitAllocatesNothing(t *testing.T) {
	v, out := newTestVM(t, Options{Modules: AllModules})
	ports := make(chan int, 1)
	if err := v.SetFunc("ready", func(port int) { ports <- port }); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- v.RunString(ctx, "echo.ys", `
import net
let l = net.listen("127.0.0.1", 0)
ready(l.port)
let c = yield l.accept()
let n = 0
while true {
    let d = yield c.recv(16)
    if d == "" {
        break
    }
    n += 1
    yield c.sendall(d)
}
c.close()
l.close()
print(n)
`)
	}()
	var port int
	select {
	case port = <-ports:
	case err := <-done:
		t.Fatalf("the script ended: %v\n%s", err, out)
	}
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(time.Minute))
	b := []byte{'x'}
	round := func() {
		if _, err := c.Write(b); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Read(b); err != nil {
			t.Fatal(err)
		}
	}
	for range 20 {
		round()
	}
	allocs := testing.AllocsPerRun(200, round)
	c.Close()
	if err := <-done; err != nil {
		t.Fatalf("script: %v\n%s", err, out)
	}
	if got := out.String(); got != "221\n" {
		t.Errorf("the script echoed %q messages, want 221", got)
	}
	if allocs != 0 {
		t.Errorf("an echo round trip that waits allocates %v times, want 0", allocs)
	}
}
