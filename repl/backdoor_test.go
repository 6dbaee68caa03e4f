package repl

import (
	"bufio"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript"
)

// client is a backdoor session over a real TCP connection.
type client struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, port string) *client {
	t.Helper()
	c, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return &client{t, c, bufio.NewReader(c)}
}

// until reads up to and including s.
func (c *client) until(s string) string {
	c.t.Helper()
	var b strings.Builder
	for !strings.HasSuffix(b.String(), s) {
		ch, err := c.r.ReadByte()
		if err != nil {
			c.t.Fatalf("reading until %q: %v (got %q)", s, err, b.String())
		}
		b.WriteByte(ch)
	}
	return b.String()
}

// eval sends a line and returns what came back before the next prompt.
func (c *client) eval(line string) string {
	c.t.Helper()
	if _, err := c.c.Write([]byte(line + "\n")); err != nil {
		c.t.Fatal(err)
	}
	return strings.TrimSuffix(c.until(Prompt), Prompt)
}

func TestBackdoor(t *testing.T) {
	out, errw := &syncBuffer{}, &syncBuffer{}
	v := newTestVM(t, out, errw)
	if err := InstallBackdoor(v); err != nil {
		t.Fatal(err)
	}
	script := `
import backdoor
let bd = backdoor.serve("127.0.0.1", 0, {token: "s3cret"})
let counter = 41
let stop = false
print(bd["port"])
while not stop { yield sleep(0.01) }
print("program saw stop")
`
	done := make(chan error, 1)
	go func() { done <- v.RunString(context.Background(), "prog.ys", script) }()
	port := waitForLine(t, out, 1)

	a := dial(t, port)
	a.until("token: ")
	a.c.Write([]byte("s3cret\n"))
	a.until(Prompt)
	b := dial(t, port)
	b.until("token: ")
	b.c.Write([]byte("s3cret\n"))
	b.until(Prompt)

	if got := a.eval("counter + 1"); got != "42\n" {
		t.Errorf("counter + 1 = %q", got)
	}
	if got := b.eval("counter += 10"); got != "" {
		t.Errorf("counter += 10 printed %q", got)
	}
	if got := a.eval("counter"); got != "51\n" {
		t.Errorf("a sees counter = %q after b changed it", got)
	}
	a.c.Write([]byte("fn twice(x) {\n"))
	a.until(ContinuationPrompt)
	a.c.Write([]byte("  return 2 * x\n"))
	a.until(ContinuationPrompt)
	if got := a.eval("}"); got != "" {
		t.Errorf("the end of a function printed %q", got)
	}
	if got := b.eval("twice()"); !strings.Contains(got, "Traceback") || !strings.Contains(got, "type: ") {
		t.Errorf("an error: %q", got)
	}
	if got := b.eval("twice(21)"); got != "42\n" {
		t.Errorf("b calls a's function: %q", got)
	}
	// The program's task is parked in its sleep, or ready to run after it.
	if got := b.eval(":tasks"); !strings.Contains(got, "at prog.ys:7") {
		t.Errorf(":tasks = %q", got)
	}
	if got := a.eval("undefined_name"); !strings.Contains(got, "undefined: undefined_name") {
		t.Errorf("compile error: %q", got)
	}
	a.eval("stop = true")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the program did not see stop")
	}
	if !strings.Contains(out.String(), "program saw stop") {
		t.Errorf("stdout %q", out.String())
	}

	// A wrong token is turned away.
	w := dial(t, port)
	w.until("token: ")
	w.c.Write([]byte("guess\n"))
	if got := w.until("\n"); got != "wrong token\n" {
		t.Errorf("wrong token: %q", got)
	}
	if _, err := w.r.ReadByte(); err == nil {
		t.Error("the connection stayed open after a wrong token")
	}

	// Closing the VM ends the sessions.
	v.Close()
	a.c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := a.r.ReadByte(); err == nil {
		t.Error("session still open after Close")
	}
}

func TestBackdoorRefusesRemoteHost(t *testing.T) {
	out, errw := &syncBuffer{}, &syncBuffer{}
	v := newTestVM(t, out, errw)
	if err := InstallBackdoor(v); err != nil {
		t.Fatal(err)
	}
	err := v.RunString(context.Background(), "p.ys", `import backdoor
backdoor.serve("0.0.0.0", 0)`)
	var re *yieldscript.Error
	if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Errorf("serve on 0.0.0.0: %v", err)
	} else if !errorsAs(err, &re) || re.Kind != "value" {
		t.Errorf("kind: %v", err)
	}
	// allow_remote lets a remote host through the check. The test opens no
	// port on a real interface: 192.0.2.1 (a documentation address) is not
	// this machine's, so the listen itself fails.
	err = v.RunString(context.Background(), "p.ys", `import backdoor
backdoor.serve("192.0.2.1", 0, {allow_remote: true})`)
	if err == nil || strings.Contains(err.Error(), "not a loopback address") || !errorsAs(err, &re) || re.Kind != "io" {
		t.Errorf("allow_remote: %v, want the listen's own io error", err)
	}
	err = v.RunString(context.Background(), "p.ys", `import backdoor
backdoor.serve("::1", 0, {bogus: 1})`)
	if err == nil || !strings.Contains(err.Error(), "unknown option bogus") {
		t.Errorf("bad option: %v", err)
	}
}

func errorsAs(err error, target **yieldscript.Error) bool { return errors.As(err, target) }
