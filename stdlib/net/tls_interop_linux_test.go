package net_test

// Interop tests of TLS with peers the project did not write: Python's ssl
// module, openssl s_client and curl, with certificates made here with
// crypto/x509.

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript/stdlib/internal/scripttest"
)

func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed (.ci/run installs it)", name)
	}
}

// tlsEchoServer starts a script serving a TLS echo of one line per
// connection, and gives its port.
func tlsEchoServer(t *testing.T, c scripttest.Certs) (*scripttest.Script, int) {
	t.Helper()
	s := scripttest.Start(t, fmt.Sprintf(`
import net
let l = net.listen("127.0.0.1", 0, {tls: {cert_file: %q, key_file: %q}})
fn handler(c) {
    let line = yield c.readline()
    let i = c.tls
    yield c.sendall(f"echo {line.strip()} {i.version} {i.alpn} {i.server_name}\n")
}
ready(l.port)
yield net.serve(l, handler)
`, c.Cert, c.Key), nil)
	return s, s.Port(t, 0)
}

func runTool(t *testing.T, stdin string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
	return string(out)
}

func TestTLSInteropPythonClient(t *testing.T) {
	needTool(t, "python3")
	c := scripttest.MakeCerts(t)
	s, port := tlsEchoServer(t, c)
	for _, v := range []string{"TLSv1_2", "TLSv1_3"} {
		out := runTool(t, "", "python3", "-c", fmt.Sprintf(`
import socket, ssl
ctx = ssl.create_default_context(cafile=%q)
ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.%s
ctx.set_alpn_protocols(["http/1.1"])
with socket.create_connection(("127.0.0.1", %d)) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as c:
        c.sendall(b"hello\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = c.recv(100)
            if not chunk:
                break
            data += chunk
        print(data.decode().strip(), c.version())
`, c.CA, v, port))
		want := map[string]string{"TLSv1_2": "echo hello TLS 1.2 http/1.1 localhost TLSv1.2\n", "TLSv1_3": "echo hello TLS 1.3 http/1.1 localhost TLSv1.3\n"}[v]
		if out != want {
			t.Errorf("%s: got %q, want %q", v, out, want)
		}
	}
	s.Stop(t)
}

func TestTLSInteropOpenSSLClient(t *testing.T) {
	needTool(t, "openssl")
	c := scripttest.MakeCerts(t)
	s, port := tlsEchoServer(t, c)
	for _, v := range []string{"-tls1_2", "-tls1_3"} {
		out := runTool(t, "hi\n", "openssl", "s_client", "-connect", fmt.Sprintf("127.0.0.1:%d", port),
			"-CAfile", c.CA, "-servername", "localhost", "-verify_return_error", "-alpn", "http/1.1", "-quiet", v)
		want := "echo hi TLS 1.2 http/1.1 localhost"
		if v == "-tls1_3" {
			want = "echo hi TLS 1.3 http/1.1 localhost"
		}
		if !strings.Contains(out, want+"\n") {
			t.Errorf("%s: got %q, want a line %q", v, out, want)
		}
	}
	s.Stop(t)
}

func TestTLSInteropCurlHTTPS(t *testing.T) {
	needTool(t, "curl")
	c := scripttest.MakeCerts(t)
	s := scripttest.Start(t, fmt.Sprintf(`
import http
import net
let l = net.listen("127.0.0.1", 0, {tls: {cert_file: %q, key_file: %q}})
fn handler(req) {
    return {status: 200, body: f"hello {req.path}"}
}
ready(l.port)
yield http.serve(l, handler)
`, c.Cert, c.Key), nil)
	port := s.Port(t, 0)
	base := fmt.Sprintf("https://localhost:%d", port)
	out := runTool(t, "", "curl", "-sS", "--cacert", c.CA, "--resolve", fmt.Sprintf("localhost:%d:127.0.0.1", port),
		base+"/a", "-o", "-", base+"/b", "-w", " %{http_code} %{http_version} %{num_connects}")
	if want := "hello /a 200 1.1 1hello /b 200 1.1 0"; out != want {
		t.Errorf("curl got %q, want %q", out, want)
	}
	// Without the CA, curl refuses the server; the server goes on quietly.
	cmd := exec.Command("curl", "-sS", base+"/", "--resolve", fmt.Sprintf("localhost:%d:127.0.0.1", port))
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("curl without the CA succeeded: %s", out)
	}
	out = runTool(t, "", "curl", "-sS", "--cacert", c.CA, fmt.Sprintf("https://127.0.0.1:%d/c", port))
	if out != "hello /c" {
		t.Errorf("curl got %q", out)
	}
	s.Stop(t)
}

// pythonTLSServer starts a Python ssl server that answers each connection's
// line with "py " and the line, and gives its port.
func pythonTLSServer(t *testing.T, cert, key string) int {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "python3", "-u", "-c", fmt.Sprintf(`
import socket, ssl, threading
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(%q, %q)
ctx.set_alpn_protocols(["http/1.1"])
ls = socket.create_server(("127.0.0.1", 0))
print(ls.getsockname()[1], flush=True)
def serve(raw):
    try:
        with ctx.wrap_socket(raw, server_side=True) as c:
            f = c.makefile("rb")
            line = f.readline()
            c.sendall(b"py " + line)
    except (ssl.SSLError, OSError):
        pass
while True:
    raw, _ = ls.accept()
    threading.Thread(target=serve, args=(raw,), daemon=True).start()
`, cert, key))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	var port int
	if _, err := fmt.Fscan(bufio.NewReader(stdout), &port); err != nil {
		t.Fatal("python server:", err)
	}
	return port
}

func TestTLSInteropClientPythonServer(t *testing.T) {
	needTool(t, "python3")
	c := scripttest.MakeCerts(t)
	port := pythonTLSServer(t, c.Cert, c.Key)
	selfPort := pythonTLSServer(t, c.SelfCert, c.SelfKey)
	out := scripttest.RunClient(t, fmt.Sprintf(`
import net
let ca = %q
let port = %d
let c = yield net.connect("localhost", port, {tls: {ca_file: ca}})
yield c.sendall("one\n")
print((yield c.readline()).strip())
print(c.tls.version, c.tls.alpn, c.tls.server_name)
c.close()
c.close()
let c2 = yield net.connect("127.0.0.1", port, {tls: {ca_file: ca, server_name: "localhost"}})
yield c2.sendall("two\n")
print((yield c2.read_exactly(7)), (yield c2.recv(10)))
c2.close()
# a wrong server name, then a certificate no one trusts, then the system
# roots, which do not hold the test CA
for opts in [{ca_file: ca, server_name: "wrong.example"}, true] {
    try {
        yield net.connect("127.0.0.1", port, {tls: opts})
        print("connected")
    } catch e {
        print(e.kind, "certificate" in e.message)
    }
}
try {
    yield net.connect("127.0.0.1", %d, {tls: {ca_file: ca}})
    print("connected")
} catch e {
    print(e.kind, "unknown authority" in e.message)
}
let c3 = yield net.connect("127.0.0.1", %d, {tls: {insecure: true}})
yield c3.sendall("three\n")
print((yield c3.readline()).strip())
c3.close()
`, c.CA, port, selfPort, selfPort), nil)
	want := "py one\nTLS 1.3 http/1.1 localhost\npy two\n \ntls true\ntls true\ntls true\npy three\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func countFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// TestTLSHandshakeCancelReleasesFD: a task cancelled while it waits in a
// handshake (the peer never answers) releases the connection's descriptor,
// on the client's side and on the server's.
func TestTLSHandshakeCancelReleasesFD(t *testing.T) {
	c := scripttest.MakeCerts(t)
	// A listener that never accepts: the kernel completes the connections,
	// and the ClientHellos go unanswered.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	fds := func() int { return countFDs(t) }
	// dial opens a plain connection that sends nothing (Go, outside the loop).
	var held []net.Conn
	dial := func(port int) {
		conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			t.Error(err)
			return
		}
		held = append(held, conn)
	}
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	out := scripttest.RunClient(t, fmt.Sprintf(`
import net
let port = %d
let base = fds()
for i in range(20) {
    try {
        yield timeout(0.02, net.connect("127.0.0.1", port, {tls: {ca_file: %q}}))
    } catch e {
        assert(e.kind == "timeout")
    }
}
print("client", fds() - base)
let l = net.listen("127.0.0.1", 0, {tls: {cert_file: %q, key_file: %q}})
base = fds()
for i in range(5) {
    dial(l.port)
    let c = yield l.accept()
    try {
        yield timeout(0.02, c.readline())
    } catch e {
        assert(e.kind == "timeout")
    }
    print(c.tls.version)
    try {
        yield c.recv(1)
    } catch e {
        print(e.kind)
    }
}
print("server", fds() - base - 5)
l.close()
`, silent.Addr().(*net.TCPAddr).Port, c.CA, c.Cert, c.Key), map[string]any{"fds": fds, "dial": dial})
	want := "client 0\n" + strings.Repeat("nil\nclosed\n", 5) + "server 0\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

// TestTLSServeHeaderTimeoutCoversHandshake: a client that connects to
// http.serve over TLS and never starts its handshake is dropped after
// header_timeout, and the server goes on serving.
func TestTLSServeHeaderTimeoutCoversHandshake(t *testing.T) {
	c := scripttest.MakeCerts(t)
	s := scripttest.Start(t, fmt.Sprintf(`
import http
import net
let l = net.listen("127.0.0.1", 0, {tls: {cert_file: %q, key_file: %q}})
ready(l.port)
yield http.serve(l, fn(req) { return "ok" }, {header_timeout: 0.2})
`, c.Cert, c.Key), nil)
	addr := fmt.Sprintf("127.0.0.1:%d", s.Port(t, 0))
	raw, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetReadDeadline(time.Now().Add(20 * time.Second))
	var b [1]byte
	if n, err := raw.Read(b[:]); n != 0 || err == nil || strings.Contains(err.Error(), "timeout") {
		t.Errorf("the silent client got %d bytes, %v; want the end of the stream", n, err)
	}
	s.Stop(t)
}
