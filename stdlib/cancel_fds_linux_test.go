//go:build linux

package stdlib_test

import (
	"testing"

	"github.com/yieldscript/yieldscript/stdlib/internal/scripttest"
)

// TestCancelledWaitsReleaseFDsMore: a task cancelled while it waits on a
// TCP listener or connection (accept, recv, a sendall the peer does not
// read), on a process's pipes (recv, sendall) or its exit, or on a
// WebSocket (recv on the client's side and on the server's; a handshake
// nobody answers) ends with cancelled, and once
// the handles are closed the process has as many descriptors as before.
// TestCancelledIOWaitsReleaseFDs covers UDP, Unix sockets and files,
// TestTLSHandshakeCancelReleasesFD TLS, TestAbandonedConnectsCloseTheirSockets
// TCP connects.
func TestCancelledWaitsReleaseFDsMore(t *testing.T) {
	out := scripttest.RunClient(t, `
import net
import http
import process
fn cancel_after_start(co) {
    let t = spawn(co)
    yield sleep(0.02)
    t.cancel()
    try { yield t } catch e { return e.kind }
    return "not cancelled"
}
let base = fds()

let l = net.listen("127.0.0.1", 0)
print("tcp accept", (yield cancel_after_start(fn() { yield l.accept() }())))
let acc = spawn(fn() { return yield l.accept() }())
let c = yield net.connect("127.0.0.1", l.port)
let s = yield acc
print("tcp recv", (yield cancel_after_start(fn() { yield c.recv(10) }())))
let big = "x" * (32 * 1024 * 1024)
print("tcp sendall", (yield cancel_after_start(fn() { yield c.sendall(big) }())))
c.close()
s.close()
l.close()
print("tcp", fds() - base)

let p = process.spawn(["sleep", "30"], {stdin: "pipe", stdout: "pipe", stderr: "null"})
print("pipe recv", (yield cancel_after_start(fn() { yield p.stdout.recv(10) }())))
print("pipe sendall", (yield cancel_after_start(fn() { yield p.stdin.sendall(big) }())))
print("process wait", (yield cancel_after_start(fn() { yield p.wait() }())))
p.kill()
print((yield p.wait()))
p.stdin.close()
p.stdout.close()
print("process", fds() - base)

let handlers = []
fn handler(req) {
    let ws = yield http.websocket(req)
    handlers.push(current_task())
    while true {
        let m = yield ws.recv()
        if m == nil { break }
        yield ws.send(m)
    }
}
let hl = net.listen("127.0.0.1", 0)
let srv = spawn(http.serve(hl, handler))
let ws = yield http.websocket_connect(f"ws://127.0.0.1:{hl.port}/")
print("ws recv", (yield cancel_after_start(fn() { yield ws.recv() }())))
yield ws.send("still open")
print((yield ws.recv()))
let ws2 = yield http.websocket_connect(f"ws://127.0.0.1:{hl.port}/")
yield ws2.send("second")
print((yield ws2.recv()))
# The server's handler of ws2 waits in ws.recv: cancel it there.
let h = handlers[1]
h.cancel()
try { yield h } catch e { print("server ws recv", e.kind) }
print("after", repr((yield ws2.recv())))
let silent = net.listen("127.0.0.1", 0)
print("ws handshake", (yield cancel_after_start(fn() { yield http.websocket_connect(f"ws://127.0.0.1:{silent.port}/") }())))
silent.close()
yield ws.close()
yield ws2.close()
yield handlers[0]
srv.cancel()
try { yield srv } catch e { print("server", e.kind) }
hl.close()
print("all", fds() - base)
`, map[string]any{"fds": func() int { return scripttest.OpenFDs(t) }})
	want := "tcp accept cancelled\ntcp recv cancelled\ntcp sendall cancelled\ntcp 0\n" +
		"pipe recv cancelled\npipe sendall cancelled\nprocess wait cancelled\n-15\nprocess 0\n" +
		"ws recv cancelled\nstill open\nsecond\nserver ws recv cancelled\nafter nil\nws handshake cancelled\nserver cancelled\nall 0\n"
	if out != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
}
