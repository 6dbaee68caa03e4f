//go:build linux

package net_test

// UDP, Unix sockets and files: cancelled waits release their descriptors,
// and the sockets speak with peers the project did not write (Python's).

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/yieldscript/yieldscript/stdlib/internal/scripttest"
)

// TestCancelledIOWaitsReleaseFDs: a task cancelled while it waits in
// udp.recvfrom, listener.accept and conn.recv on Unix sockets, fs.open (of a
// FIFO, whose open blocks on the pool until a writer comes) and file.read
// (of the FIFO, with nothing written yet) ends with cancelled, and once the
// handles are closed the process has as many descriptors as before (the
// read given up keeps what it read for the next read).
func TestCancelledIOWaitsReleaseFDs(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFO:", err)
	}
	sock := filepath.Join(dir, "s.sock")
	// Go's own poller (an epoll descriptor and an eventfd) starts with the
	// first pipe a process opens: start it before counting.
	if r, w, err := os.Pipe(); err == nil {
		r.Close()
		w.Close()
	}
	out := scripttest.RunClient(t, fmt.Sprintf(`
import net
import fs
let fifo = %q
let sock = %q
let before = fds()
fn cancel_after_start(co) {
    let t = spawn(co)
    yield sleep(0.02)
    t.cancel()
    try { yield t } catch e { return e.kind }
    return "not cancelled"
}
let u = net.udp("127.0.0.1", 0)
print("udp", (yield cancel_after_start(fn() { yield u.recvfrom(10) }())))
u.close()
let ln = net.listen_unix(sock)
print("accept", (yield cancel_after_start(fn() { yield ln.accept() }())))
let acc = spawn(fn() { return yield ln.accept() }())
let c = yield net.connect_unix(sock)
let s = yield acc
print("recv", (yield cancel_after_start(fn() { yield c.recv(10) }())))
c.close()
s.close()
ln.close()
print("sockets", fds() - before)
print("open", (yield cancel_after_start(fn() { yield fs.open(fifo) }())))
# The open given up above completes when a writer comes: its file is closed.
let r = spawn(fn() { return yield fs.open(fifo) }())
let w = yield fs.open(fifo, "w")
let f = yield r
print("read", (yield cancel_after_start(fn() { yield f.read(10) }())))
yield w.write("abc")
w.close()
print(repr((yield f.read())))
f.close()
print("all", fds() - before)
`, fifo, sock), map[string]any{"fds": func() int { return scripttest.OpenFDs(t) }})
	want := "udp cancelled\naccept cancelled\nrecv cancelled\nsockets 0\nopen cancelled\nread cancelled\n\"abc\"\nall 0\n"
	if out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
}

// python starts a Python program as a child process, bounded in time, and
// gives its first line of output and a function that waits for the rest.
func python(t *testing.T, prog string, args ...string) (first string, rest func() string) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, "python3", append([]string{"-c", prog}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb strings.Builder
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(stdout)
	first, _ = br.ReadString('\n')
	return strings.TrimSpace(first), func() string {
		var b strings.Builder
		for {
			line, err := br.ReadString('\n')
			b.WriteString(line)
			if err != nil {
				break
			}
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("python: %v\n%s", err, errb.String())
		}
		return b.String()
	}
}

// TestUDPInteropPython: our udp against a Python UDP echo server (which
// answers each datagram in upper case); TestUDPServerInteropPython is the
// other way round.
func TestUDPInteropPython(t *testing.T) {
	port, rest := python(t, `
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(20)
print(s.getsockname()[1], flush=True)
for i in range(3):
    d, a = s.recvfrom(2048)
    s.sendto(d.upper(), a)
print("served", flush=True)
`)
	out := scripttest.RunClient(t, fmt.Sprintf(`
import net
let u = net.udp("127.0.0.1", 0)
for msg in ["hello", "x" * 1000, ""] {
    yield u.sendto(msg, "127.0.0.1", %s)
    let r = yield timeout(10, u.recvfrom(2048))
    print(len(r[0]), r[0] == msg.upper(), r[1] == "127.0.0.1:%s")
}
u.close()
`, port, port), nil)
	if out != "5 true true\n1000 true true\n0 true true\n" {
		t.Fatalf("our client got %q", out)
	}
	if got := rest(); got != "served\n" {
		t.Fatalf("python server: %q", got)
	}
}

// TestUnixSocketInteropPython: a Python client against net.serve on a Unix
// socket, and our connect_unix against a Python Unix socket server.
func TestUnixSocketInteropPython(t *testing.T) {
	dir := t.TempDir()
	ours := filepath.Join(dir, "ours.sock")
	theirs := filepath.Join(dir, "theirs.sock")
	// Python's server: accepts one connection and echoes a line in upper case.
	ready, rest := python(t, `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen()
s.settimeout(20)
print("ready", flush=True)
c, _ = s.accept()
c.settimeout(20)
f = c.makefile("rb")
c.sendall(f.readline().upper())
c.close()
# Then as a client of ours: retry until the socket is there.
import time
for i in range(400):
    try:
        k = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        k.connect(sys.argv[2])
        break
    except OSError:
        k.close()
        time.sleep(0.05)
k.settimeout(20)
k.sendall(b"from python\n")
print(k.makefile("rb").readline().decode().strip(), flush=True)
`, theirs, ours)
	if ready != "ready" {
		t.Fatalf("python server: %q", ready)
	}
	out := scripttest.RunClient(t, fmt.Sprintf(`
import net
let c = yield net.connect_unix(%q)
yield c.sendall("to python\n")
print((yield timeout(10, c.readline())).strip())
c.close()
let ln = net.listen_unix(%q)
let s = yield timeout(20, ln.accept())
let line = yield timeout(10, s.readline())
yield s.sendall("echo " + line)
s.close()
ln.close()
`, theirs, ours), nil)
	if out != "TO PYTHON\n" {
		t.Fatalf("our client got %q", out)
	}
	if got := rest(); got != "echo from python\n" {
		t.Fatalf("python client got %q", got)
	}
}

// TestUDPServerInteropPython: a Python client (the socket module) against
// our UDP server: each datagram comes back in upper case, from the port the
// client sent it to.
func TestUDPServerInteropPython(t *testing.T) {
	s := scripttest.Start(t, `
import net
let u = net.udp("127.0.0.1", 0)
ready(u.port)
for i in range(3) {
    let r = yield u.recvfrom(2048)
    let at = r[1].rfind(":")
    yield u.sendto(r[0].upper(), r[1][:at], int(r[1][at + 1:]))
}
u.close()
print("served")
`, nil)
	port := s.Port(t, 0)
	first, rest := python(t, `
import socket, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(20)
for msg in [b"hello", b"x" * 1000, b""]:
    s.sendto(msg, ("127.0.0.1", port))
    d, a = s.recvfrom(2048)
    print(len(d), d == msg.upper(), a == ("127.0.0.1", port), flush=True)
`, fmt.Sprint(port))
	if got := first + "\n" + rest(); got != "5 True True\n1000 True True\n0 True True\n" {
		t.Fatalf("python client got %q", got)
	}
	out, errText, err := s.Wait(t)
	if err != nil || out != "served\n" || errText != "" {
		t.Fatalf("our server: %v, output %q, stderr %q", err, out, errText)
	}
}

// TestUnixServeInteropPython: Python clients (the socket module, two at once)
// against net.serve on a Unix socket listener: each line comes back in upper
// case on its own connection.
func TestUnixServeInteropPython(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "serve.sock")
	s := scripttest.Start(t, fmt.Sprintf(`
import net
fn handler(c) {
    while true {
        let line = yield c.readline()
        if not line { break }
        yield c.sendall(line.upper())
    }
}
let ln = net.listen_unix(%q)
ready(0)
yield net.serve(ln, handler)
`, sock), nil)
	s.Port(t, 0)
	first, rest := python(t, `
import socket, sys
a = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
b = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
for k in (a, b):
    k.settimeout(20)
    k.connect(sys.argv[1])
fa, fb = a.makefile("rb"), b.makefile("rb")
a.sendall(b"first from a\n")
b.sendall(b"first from b\n")
print(fb.readline().decode().strip(), flush=True)
print(fa.readline().decode().strip(), flush=True)
a.sendall(b"second from a\n")
print(fa.readline().decode().strip(), flush=True)
a.close()
b.close()
`, sock)
	if got := first + "\n" + rest(); got != "FIRST FROM B\nFIRST FROM A\nSECOND FROM A\n" {
		t.Fatalf("python clients got %q", got)
	}
	s.Stop(t)
}
