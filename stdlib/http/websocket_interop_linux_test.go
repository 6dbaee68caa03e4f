package http_test

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript/stdlib/internal/scripttest"
)

// The WebSocket peer for these tests is Debian's python3-websockets (run by
// /usr/bin/python3, where Debian installs it); .ci/run installs it.
func needPythonWebsockets(t *testing.T) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import websockets").Run(); err != nil {
		t.Skip("python3-websockets is not installed (apt-get install python3-websockets)")
	}
}

const wsPyClient = `
import asyncio, sys, websockets
async def main():
    async with websockets.connect(sys.argv[1], subprotocols=["chat", "x"], max_size=None) as ws:
        print(ws.subprotocol)
        await ws.send("h\u00e9llo")
        print(repr(await ws.recv()))
        await ws.send(b"\x00\xff\x01")
        print(repr(await ws.recv()))
        big = "".join(chr(97 + i % 26) for i in range(1 << 20))
        await ws.send(big)
        r = await ws.recv()
        print(len(r), r == big)
        await ws.send(["frag", "ment", "ed"])
        print(repr(await ws.recv()))
        pong = await ws.ping(b"p")
        await asyncio.wait_for(pong, 20)
        print("pong")
        await ws.close(4000, "bye")
        print(ws.close_code)
asyncio.run(main())
`

// A Python websockets client against http.serve + http.websocket: text,
// binary, a 1 MiB message, a fragmented message, a ping and the close
// handshake with a code.
func TestInteropWebSocketServer(t *testing.T) {
	needPythonWebsockets(t)
	s, base := serveScript(t, `
fn handler(req) {
    let ws = yield http.websocket(req, {protocols: ["x", "chat"]})
    while true {
        let m = yield ws.recv()
        if m == nil {
            break
        }
        yield ws.send(m, ws.last_binary)
    }
    print("closed", ws.close_code)
}
`, "nil", nil)
	url := "ws" + strings.TrimPrefix(base, "http") + "/chat"
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "/usr/bin/python3", "-c", wsPyClient, url).CombinedOutput()
	if err != nil {
		t.Fatalf("python client: %v\n%s", err, out)
	}
	want := "x\n'héllo'\nb'\\x00\\xff\\x01'\n1048576 True\n'fragmented'\npong\n4000\n"
	if string(out) != want {
		t.Errorf("python client printed\n%s\nwant\n%s", out, want)
	}
	s.Stop(t)
	if got := s.Stdout(); got != "closed 4000\n" {
		t.Errorf("server printed %q", got)
	}
}

const wsPyServer = `
import asyncio, sys, websockets
async def handler(ws):
    try:
        async for m in ws:
            if m == "big":
                await ws.send("y" * 20)
            elif m == "frag":
                await ws.send(["ab", "cd", "ef"])
            else:
                await ws.send(m)
    except websockets.ConnectionClosed:
        pass
    print("closed", ws.close_code, ws.close_reason, flush=True)
async def main():
    async with websockets.serve(handler, "127.0.0.1", 0, subprotocols=["v2"], max_size=None) as srv:
        print(srv.sockets[0].getsockname()[1], flush=True)
        await asyncio.sleep(50)
asyncio.run(main())
`

// Our client against a Python websockets server: echo of text, binary, a
// 1 MiB message, fragments, a close with a code and reason, and a message
// over max_message closing with 1009.
func TestInteropWebSocketClient(t *testing.T) {
	needPythonWebsockets(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/usr/bin/python3", "-c", wsPyServer)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatal("the python server did not start")
	}
	port := strings.TrimSpace(lines.Text())
	out := scripttest.RunClient(t, fmt.Sprintf(`
import http
let url = "ws://127.0.0.1:%s/x"
let ws = yield http.websocket_connect(url, {protocols: ["v1", "v2"], headers: {"X-Test": "1"}})
print(ws.subprotocol)
yield ws.send("héllo")
print((yield ws.recv()), ws.last_binary)
yield ws.send("\x00\xff", true)
let b = yield ws.recv()
print(len(b), ws.last_binary)
let big = "abcdefghij" * 104858
yield ws.send(big)
let r = yield ws.recv()
print(r == big)
yield ws.send("frag")
print((yield ws.recv()))
yield ws.close(4001, "done")
print(ws.close_code, (yield ws.recv()))
let small = yield http.websocket_connect(url, {max_message: 10})
yield small.send("big")
print((yield small.recv()), small.close_code)
`, port), nil)
	want := "v2\nhéllo false\n2 true\ntrue\nabcdef\n4001 nil\nnil 1009\n"
	if out != want {
		t.Errorf("client printed\n%s\nwant\n%s", out, want)
	}
	var got []string
	for len(got) < 2 && lines.Scan() {
		got = append(got, lines.Text())
	}
	if want := []string{"closed 4001 done", "closed 1009 "}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("python server printed %q, want %q", got, want)
	}
}

// wss://: http.websocket over an http.serve with TLS, spoken to by a Python
// websockets client trusting the test CA, and by our own client with
// {tls: {ca_file}}.
func TestInteropWebSocketTLS(t *testing.T) {
	needPythonWebsockets(t)
	c := scripttest.MakeCerts(t)
	s := scripttest.Start(t, fmt.Sprintf(`
import http
import net
let l = net.listen("127.0.0.1", 0, {tls: {cert_file: %q, key_file: %q}})
fn handler(req) {
    let ws = yield http.websocket(req)
    while true {
        let m = yield ws.recv()
        if m == nil {
            break
        }
        yield ws.send("tls " + m)
    }
}
ready(l.port)
yield http.serve(l, handler)
`, c.Cert, c.Key), nil)
	port := s.Port(t, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	py := `
import asyncio, ssl, sys, websockets
async def main():
    ctx = ssl.create_default_context(cafile=sys.argv[2])
    async with websockets.connect(sys.argv[1], ssl=ctx) as ws:
        await ws.send("from python")
        print(await ws.recv())
asyncio.run(main())
`
	out, err := exec.CommandContext(ctx, "/usr/bin/python3", "-c", py, fmt.Sprintf("wss://localhost:%d/", port), c.CA).CombinedOutput()
	if err != nil || string(out) != "tls from python\n" {
		t.Errorf("python wss client: %v\n%s", err, out)
	}
	got := scripttest.RunClient(t, fmt.Sprintf(`
import http
let ws = yield http.websocket_connect("wss://localhost:%d/", {tls: {ca_file: %q}})
yield ws.send("from us")
print((yield ws.recv()))
yield ws.close()
print(ws.close_code)
try {
    yield http.websocket_connect("wss://localhost:%d/")
} catch e {
    print(e.kind)
}
`, port, c.CA, port), nil)
	if want := "tls from us\n1000\ntls\n"; got != want {
		t.Errorf("our wss client printed %q, want %q", got, want)
	}
	s.Stop(t)
}
