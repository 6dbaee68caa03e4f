package http_test

// Interop tests of the http module with a peer written by others: Go's
// net/http client (and raw connections read with Go's response parser)
// against http.serve, and http.request against net/http/httptest servers.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript/stdlib/internal/scripttest"
)

// ---- helpers ----

// serveScript starts a script that defines handler with handlerSrc and
// serves it with http.serve(l, handler, options) on a free port; it gives
// the script and the server's base URL.
func serveScript(t *testing.T, handlerSrc, options string, funcs map[string]any) (*scripttest.Script, string) {
	t.Helper()
	src := "import http\nimport net\nimport sync\n" + handlerSrc + `
let l = net.listen("127.0.0.1", 0)
let server = spawn(http.serve(l, handler, ` + options + `))
ready(l.port)
yield server
`
	s := scripttest.Start(t, src, funcs)
	return s, fmt.Sprintf("http://127.0.0.1:%d", s.Port(t, 0))
}

// goClient gives a Go HTTP client with a transport of its own.
func goClient(t *testing.T) (*http.Client, *http.Transport) {
	tr := &http.Transport{ExpectContinueTimeout: 5 * time.Second}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}, tr
}

// do sends req and gives the response with its whole body.
func do(t *testing.T, c *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", req.Method, req.URL, err)
	}
	return resp, body
}

func newRequest(t *testing.T, method, u string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// withConnTrace makes req record whether its connection was a reused one.
func withConnTrace(req *http.Request, reused *[]bool) *http.Request {
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		*reused = append(*reused, info.Reused)
	}}
	return req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
}

// randomBytes gives n bytes of a fixed pseudo-random pattern (every byte value).
func randomBytes(n int, seed int64) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

// linesPattern is the text the scripts make with the loop
// for i in range(n) { parts.push(str(i) + "\n") }.
func linesPattern(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		b.WriteString(strconv.Itoa(i))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// rawConn dials addr (host:port) with a deadline for everything done on it.
func rawConn(t *testing.T, base string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(15 * time.Second))
	t.Cleanup(func() { c.Close() })
	return c
}

// readRaw reads one response from br with Go's parser, and its body.
func readRaw(t *testing.T, br *bufio.Reader, method string) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("reading a response: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("reading a response body: %v", err)
	}
	return resp, string(body)
}

// expectEOF checks that the peer ends the stream of br without sending
// anything more.
func expectEOF(t *testing.T, br *bufio.Reader, what string) {
	t.Helper()
	rest, err := io.ReadAll(br)
	if err != nil || len(rest) != 0 {
		t.Errorf("%s: the connection should end; got %q, %v", what, rest, err)
	}
}

// goServer starts an httptest server and counts the connections it accepts.
func goServer(t *testing.T, h http.HandlerFunc, keepAlive bool) (*httptest.Server, *atomic.Int32) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.SetKeepAlivesEnabled(keepAlive)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

// ---- A: Go's client against http.serve ----

// TestInteropServerKeepAlive: one Go client connection carries several
// sequential requests (GET and POST with bodies), and pipelined requests on
// a raw connection are answered in order.
func TestInteropServerKeepAlive(t *testing.T) {
	s, base := serveScript(t, `
fn handler(req) {
    if req.path == "/multi" {
        return req.headers["x-multi"]
    }
    if req.path == "/framing" {
        return {headers: {"Content-Length": 999, "Transfer-Encoding": "gzip", "Connection": "keep-alive"}, body: "abc"}
    }
    if req.path == "/close" {
        return {headers: {"Connection": "close"}, body: "closing"}
    }
    return {headers: {"X-Remote": req.remote}, body: f"{req.method} {req.path} {req.body}"}
}
`, "nil", nil)
	defer s.Stop(t)
	c, _ := goClient(t)
	var reused []bool
	remotes := map[string]bool{}
	for i := 0; i < 6; i++ {
		var req *http.Request
		want := ""
		if i%2 == 0 {
			req = newRequest(t, "GET", fmt.Sprintf("%s/get/%d", base, i), nil)
			want = fmt.Sprintf("GET /get/%d ", i)
		} else {
			payload := strings.Repeat("b", 100*i)
			req = newRequest(t, "POST", fmt.Sprintf("%s/post/%d", base, i), strings.NewReader(payload))
			want = fmt.Sprintf("POST /post/%d %s", i, payload)
		}
		resp, body := do(t, c, withConnTrace(req, &reused))
		if resp.StatusCode != 200 || string(body) != want || resp.Close {
			t.Errorf("request %d: %d %q close=%v, want 200 %q on a kept connection", i, resp.StatusCode, body, resp.Close, want)
		}
		remotes[resp.Header.Get("X-Remote")] = true
	}
	want := []bool{false, true, true, true, true, true}
	if fmt.Sprint(reused) != fmt.Sprint(want) {
		t.Errorf("connection reused per request: %v, want %v", reused, want)
	}
	if len(remotes) != 1 {
		t.Errorf("the handler saw the remotes %v, want one", remotes)
	}
	// Go's client asks for the close: the answer says Connection: close.
	req := newRequest(t, "GET", base+"/last", nil)
	req.Close = true
	resp, body := do(t, c, req)
	if resp.StatusCode != 200 || string(body) != "GET /last " || !resp.Close {
		t.Errorf("GET with Connection: close: %d %q close=%v", resp.StatusCode, body, resp.Close)
	}

	// Repeated headers reach the handler joined with ", ".
	req = newRequest(t, "GET", base+"/multi", nil)
	req.Header.Add("X-Multi", "one")
	req.Header.Add("X-Multi", "two")
	if resp, body := do(t, c, req); string(body) != "one, two" {
		t.Errorf("repeated header: %d %q, want \"one, two\"", resp.StatusCode, body)
	}

	// Framing headers from the handler are not sent as given.
	var reused2 []bool
	resp, body = do(t, c, withConnTrace(newRequest(t, "GET", base+"/framing", nil), &reused2))
	if string(body) != "abc" || resp.ContentLength != 3 || resp.TransferEncoding != nil || resp.Close {
		t.Errorf("handler's framing headers: %q length %d TE %v close %v", body, resp.ContentLength, resp.TransferEncoding, resp.Close)
	}
	if _, err := http.ParseTime(resp.Header.Get("Date")); err != nil {
		t.Errorf("Date header: %v", err)
	}
	resp, body = do(t, c, withConnTrace(newRequest(t, "GET", base+"/close", nil), &reused2))
	if string(body) != "closing" || !resp.Close {
		t.Errorf("a handler's Connection: close: %q close=%v", body, resp.Close)
	}
	resp, body = do(t, c, withConnTrace(newRequest(t, "GET", base+"/after", nil), &reused2))
	if string(body) != "GET /after " || fmt.Sprint(reused2) != "[true true false]" {
		t.Errorf("after Connection: close: %q, reused %v", body, reused2)
	}

	// Concurrent clients, each on connections of its own.
	var wg sync.WaitGroup
	errs := make(chan error, 20*5)
	for g := 0; g < 20; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			gc := &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second}
			defer gc.Transport.(*http.Transport).CloseIdleConnections()
			for i := 0; i < 5; i++ {
				payload := fmt.Sprintf("client %d request %d", g, i)
				resp, err := gc.Post(base+"/c", "text/plain", strings.NewReader(payload))
				if err != nil {
					errs <- err
					return
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || string(b) != "POST /c "+payload {
					errs <- fmt.Errorf("client %d request %d: %q, %v", g, i, b, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	// HTTP/1.0: kept only when asked for.
	conn10 := rawConn(t, base)
	io.WriteString(conn10, "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\n\r\n")
	br10 := bufio.NewReader(conn10)
	if resp, text := readRaw(t, br10, "GET"); text != "GET /a " || resp.Close || resp.Header.Get("Connection") != "keep-alive" {
		t.Errorf("HTTP/1.0 with keep-alive: %q close=%v %v", text, resp.Close, resp.Header)
	}
	if resp, text := readRaw(t, br10, "GET"); text != "GET /b " || !resp.Close {
		t.Errorf("HTTP/1.0 without keep-alive: %q close=%v", text, resp.Close)
	}
	expectEOF(t, br10, "HTTP/1.0 without keep-alive")

	// Pipelined requests in one write, answered in order; the client's
	// Connection: close ends the connection after its answer, and so does the
	// handler's.
	for _, last := range []string{"GET /p3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "GET /close HTTP/1.1\r\nHost: x\r\n\r\n"} {
		conn := rawConn(t, base)
		_, err := io.WriteString(conn, "GET /p1 HTTP/1.1\r\nHost: x\r\n\r\n"+
			"POST /p2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"+last+
			"GET /never HTTP/1.1\r\nHost: x\r\n\r\n")
		if err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(conn)
		for _, want := range []string{"GET /p1 ", "POST /p2 abc", "GET /p3 "} {
			if strings.Contains(last, "/close") && want == "GET /p3 " {
				want = "closing"
			}
			resp, body := readRaw(t, br, "GET")
			if resp.StatusCode != 200 || body != want {
				t.Errorf("pipelined: %d %q, want %q", resp.StatusCode, body, want)
			}
		}
		expectEOF(t, br, "after Connection: close")
	}
}

// TestInteropServerChunkedRequest: Go sends a body of unknown length
// chunked; the server reads it in full before the handler, or, with
// stream_body, hands it to the handler in pieces while it is still arriving.
func TestInteropServerChunkedRequest(t *testing.T) {
	s, base := serveScript(t, `
fn handler(req) {
    return {headers: {"X-TE": str(req.headers["transfer-encoding"]), "X-Trailer-Was": str(req.headers.trailer)}, body: req.body}
}
`, "nil", nil)
	defer s.Stop(t)
	c, _ := goClient(t)

	pieces := []string{"first piece, ", strings.Repeat("second ", 1000), "", "third\r\n0\r\n\r\n", "end"}
	pr, pw := io.Pipe()
	go func() {
		for _, p := range pieces {
			io.WriteString(pw, p)
		}
		pw.Close()
	}()
	var reused []bool
	req := newRequest(t, "POST", base+"/chunked", pr)
	req.Trailer = http.Header{"X-Trailer": {"sent after the body"}} // announced in a Trailer header
	resp, body := do(t, c, withConnTrace(req, &reused))
	if want := strings.Join(pieces, ""); resp.StatusCode != 200 || string(body) != want {
		t.Errorf("chunked body: %d, %d bytes %q, want %d bytes", resp.StatusCode, len(body), body[:min(len(body), 40)], len(want))
	}
	if te, tr := resp.Header.Get("X-TE"), resp.Header.Get("X-Trailer-Was"); te != "chunked" || tr != "X-Trailer" {
		t.Errorf("the handler saw Transfer-Encoding %q and Trailer %q, want chunked and X-Trailer", te, tr)
	}
	// The trailer was read past: the connection carries the next request.
	resp, body = do(t, c, withConnTrace(newRequest(t, "POST", base+"/after", strings.NewReader("next")), &reused))
	if string(body) != "next" || fmt.Sprint(reused) != "[false true]" {
		t.Errorf("after a chunked body with a trailer: %d %q, reused %v", resp.StatusCode, body, reused)
	}

	// stream_body: the handler reads pieces of at most 1000 bytes; it gets the
	// first one before Go has sent the rest of the body.
	firstRead := make(chan struct{})
	var once sync.Once
	s2, base2 := serveScript(t, `
fn handler(req) {
    let sizes = []
    let parts = []
    while true {
        let piece = yield req.read(1000)
        if piece == "" {
            break
        }
        first_read()
        sizes.push(len(piece))
        parts.push(piece)
    }
    let biggest = 0
    for n in sizes {
        if n > biggest {
            biggest = n
        }
    }
    return {headers: {"X-Pieces": len(sizes), "X-Biggest": biggest, "X-Body-Was": len(req.body)}, body: "".join(parts)}
}
`, "{stream_body: true}", map[string]any{"first_read": func() { once.Do(func() { close(firstRead) }) }})
	defer s2.Stop(t)

	first := strings.Repeat("A", 3000)
	rest := make([]string, 20)
	for i := range rest {
		rest[i] = strings.Repeat(string(rune('a'+i)), 1500)
	}
	pr, pw = io.Pipe()
	waited := make(chan bool, 1)
	go func() {
		defer pw.Close()
		io.WriteString(pw, first)
		select {
		case <-firstRead:
			waited <- true
		case <-time.After(10 * time.Second):
			waited <- false // the handler got nothing while the body was unfinished
		}
		for _, p := range rest {
			io.WriteString(pw, p)
		}
	}()
	resp, body = do(t, c, newRequest(t, "POST", base2+"/stream", pr))
	want := first + strings.Join(rest, "")
	if resp.StatusCode != 200 || string(body) != want {
		t.Errorf("stream_body chunked: %d, %d bytes, want %d bytes", resp.StatusCode, len(body), len(want))
	}
	if !<-waited {
		t.Error("stream_body: the handler read nothing before the whole body was sent")
	}
	checkPieces := func(what string, resp *http.Response, total int) {
		n, _ := strconv.Atoi(resp.Header.Get("X-Pieces"))
		biggest, _ := strconv.Atoi(resp.Header.Get("X-Biggest"))
		if n < (total+999)/1000 || biggest > 1000 || biggest < 1 || resp.Header.Get("X-Body-Was") != "0" {
			t.Errorf("%s: %d pieces, the biggest %d bytes, req.body had %s bytes; want at least %d pieces of at most 1000, req.body empty",
				what, n, biggest, resp.Header.Get("X-Body-Was"), (total+999)/1000)
		}
	}
	checkPieces("stream_body chunked", resp, len(want))

	// The same with a Content-Length body.
	payload := randomBytes(10500, 1)
	resp, body = do(t, c, newRequest(t, "POST", base2+"/length", bytes.NewReader(payload)))
	if resp.StatusCode != 200 || !bytes.Equal(body, payload) {
		t.Errorf("stream_body Content-Length: %d, %d bytes, want %d exact", resp.StatusCode, len(body), len(payload))
	}
	checkPieces("stream_body Content-Length", resp, len(payload))
}

// TestInteropServerStreamedResponse: a handler's {stream: fn(w)} reaches
// Go's client chunked, each write as it is made; an HTTP/1.0 client gets the
// body to the end of the connection; HEAD does not run the function.
func TestInteropServerStreamedResponse(t *testing.T) {
	goOn := make(chan struct{})
	var streams atomic.Int32
	s, base := serveScript(t, `
fn ticks(w) {
    streamed()
    yield w.write("first line\n")
    yield go_on()
    yield w.write("")
    for i in range(5) {
        yield w.write(f"line {i}\n")
    }
}
fn handler(req) {
    if req.path == "/ticks" {
        return {headers: {"Content-Type": "text/plain", "X-Kind": "ticks"}, stream: ticks}
    }
    if req.path == "/broken" {
        return {stream: fn(w) {
            yield w.write("partial")
            throw error("the stream broke", "value")
        }}
    }
    return "after " + req.path
}
`, "nil", map[string]any{
		"streamed": func() { streams.Add(1) },
		"go_on": func(ctx context.Context) error {
			select {
			case <-goOn:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
	})
	defer s.Stop(t, "value: the stream broke")
	c, _ := goClient(t)
	var reused []bool
	resp, err := c.Do(withConnTrace(newRequest(t, "GET", base+"/ticks", nil), &reused))
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(resp.Body)
	line, err := br.ReadString('\n')
	if err != nil || line != "first line\n" {
		t.Fatalf("the first write: %q, %v", line, err)
	}
	close(goOn) // the first write reached Go before the stream could go on
	rest, err := io.ReadAll(br)
	resp.Body.Close()
	if err != nil || string(rest) != "line 0\nline 1\nline 2\nline 3\nline 4\n" {
		t.Errorf("the rest of the stream: %q, %v", rest, err)
	}
	if fmt.Sprint(resp.TransferEncoding) != "[chunked]" || resp.ContentLength != -1 || resp.Close ||
		resp.Header.Get("X-Kind") != "ticks" || resp.Header.Get("Content-Type") != "text/plain" || resp.Header.Get("Date") == "" {
		t.Errorf("streamed response: TE %v, length %d, close %v, headers %v", resp.TransferEncoding, resp.ContentLength, resp.Close, resp.Header)
	}
	// The last chunk ended the body cleanly: the connection carries the next request.
	resp, body := do(t, c, withConnTrace(newRequest(t, "GET", base+"/next", nil), &reused))
	if string(body) != "after /next" || fmt.Sprint(reused) != "[false true]" {
		t.Errorf("after the stream: %q, reused %v", body, reused)
	}

	// HEAD: the head of the streamed response, the function not called.
	before := streams.Load()
	resp, body = do(t, c, newRequest(t, "HEAD", base+"/ticks", nil))
	if resp.StatusCode != 200 || len(body) != 0 || resp.Header.Get("X-Kind") != "ticks" || streams.Load() != before {
		t.Errorf("HEAD of a stream: %d %q %v, the function ran %d times", resp.StatusCode, body, resp.Header, streams.Load()-before)
	}
	resp, body = do(t, c, newRequest(t, "GET", base+"/after-head", nil))
	if string(body) != "after /after-head" {
		t.Errorf("after HEAD of a stream: %q", body)
	}

	// A stream that throws after the head: the body is unfinished.
	resp, err = c.Get(base + "/broken")
	if err != nil {
		t.Fatal(err)
	}
	partial, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(partial) != "partial" || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("a broken stream: %d %q, %v; want the first chunk, then unexpected EOF", resp.StatusCode, partial, err)
	}

	// HTTP/1.0: the body as it is, ended by the close.
	conn := rawConn(t, base)
	io.WriteString(conn, "GET /ticks HTTP/1.0\r\nHost: x\r\n\r\n")
	resp, text := readRaw(t, bufio.NewReader(conn), "GET")
	if resp.StatusCode != 200 || resp.TransferEncoding != nil || !resp.Close || resp.ContentLength != -1 ||
		text != "first line\nline 0\nline 1\nline 2\nline 3\nline 4\n" {
		t.Errorf("HTTP/1.0 stream: %d TE %v close %v length %d %q", resp.StatusCode, resp.TransferEncoding, resp.Close, resp.ContentLength, text)
	}
}

// TestInteropServerLargeBodies: several MiB up and down, byte-exact, with
// Content-Length and chunked both ways.
func TestInteropServerLargeBodies(t *testing.T) {
	const lines = 600000
	s, base := serveScript(t, `
let parts = []
for i in range(`+strconv.Itoa(lines)+`) {
    parts.push(str(i) + "\n")
}
let big = "".join(parts)
fn pieces(w) {
    for i in range(0, len(big), 65536) {
        yield w.write(big[i:i + 65536])
    }
}
fn handler(req) {
    if req.path == "/echo" {
        return {headers: {"Content-Type": "application/octet-stream"}, body: req.body}
    }
    if req.path == "/big" {
        return big
    }
    return {stream: pieces}
}
`, "nil", nil)
	defer s.Stop(t)
	c, _ := goClient(t)

	up := randomBytes(6<<20, 2)
	resp, body := do(t, c, newRequest(t, "POST", base+"/echo", bytes.NewReader(up)))
	if resp.StatusCode != 200 || resp.ContentLength != int64(len(up)) || !bytes.Equal(body, up) {
		t.Errorf("6 MiB echo: %d, length %d, %d bytes back, equal %v", resp.StatusCode, resp.ContentLength, len(body), bytes.Equal(body, up))
	}

	up = randomBytes(3<<20, 3)
	pr, pw := io.Pipe()
	go func() {
		for i := 0; i < len(up); i += 100000 {
			pw.Write(up[i:min(i+100000, len(up))])
		}
		pw.Close()
	}()
	resp, body = do(t, c, newRequest(t, "POST", base+"/echo", pr))
	if resp.StatusCode != 200 || !bytes.Equal(body, up) {
		t.Errorf("3 MiB chunked echo: %d, %d bytes back, equal %v", resp.StatusCode, len(body), bytes.Equal(body, up))
	}

	want := linesPattern(lines)
	resp, body = do(t, c, newRequest(t, "GET", base+"/big", nil))
	if resp.StatusCode != 200 || resp.ContentLength != int64(len(want)) || !bytes.Equal(body, want) {
		t.Errorf("GET /big: %d, length %d, %d bytes, equal %v (want %d)", resp.StatusCode, resp.ContentLength, len(body), bytes.Equal(body, want), len(want))
	}
	resp, body = do(t, c, newRequest(t, "GET", base+"/stream", nil))
	if resp.StatusCode != 200 || fmt.Sprint(resp.TransferEncoding) != "[chunked]" || !bytes.Equal(body, want) {
		t.Errorf("GET /stream: %d, TE %v, %d bytes, equal %v (want %d)", resp.StatusCode, resp.TransferEncoding, len(body), bytes.Equal(body, want), len(want))
	}
}

// TestInteropServerHead: HEAD gets the headers of the GET, with its
// Content-Length, and no body (the connection carries the next request).
func TestInteropServerHead(t *testing.T) {
	s, base := serveScript(t, `
fn handler(req) {
    if req.path == "/nocontent" {
        return {status: 204, body: "not sent"}
    }
    if req.path == "/notmodified" {
        return {status: 304, body: "not sent"}
    }
    return {headers: {"X-Method": req.method}, body: "0123456789" * 100}
}
`, "nil", nil)
	defer s.Stop(t)
	c, _ := goClient(t)
	var reused []bool
	resp, body := do(t, c, withConnTrace(newRequest(t, "HEAD", base+"/doc", nil), &reused))
	if resp.StatusCode != 200 || resp.ContentLength != 1000 || resp.Header.Get("X-Method") != "HEAD" || len(body) != 0 {
		t.Errorf("HEAD: %d, length %d, %v, body %q", resp.StatusCode, resp.ContentLength, resp.Header, body)
	}
	resp, body = do(t, c, withConnTrace(newRequest(t, "GET", base+"/doc", nil), &reused))
	if resp.StatusCode != 200 || resp.ContentLength != 1000 || string(body) != strings.Repeat("0123456789", 100) {
		t.Errorf("GET after HEAD: %d, length %d, %q", resp.StatusCode, resp.ContentLength, body)
	}
	// 204 and 304 carry no body either.
	for _, status := range []int{204, 304} {
		path := map[int]string{204: "/nocontent", 304: "/notmodified"}[status]
		resp, body = do(t, c, withConnTrace(newRequest(t, "GET", base+path, nil), &reused))
		if resp.StatusCode != status || len(body) != 0 {
			t.Errorf("GET %s: %d %q, want %d without a body", path, resp.StatusCode, body, status)
		}
	}
	resp, body = do(t, c, withConnTrace(newRequest(t, "GET", base+"/doc", nil), &reused))
	if string(body) != strings.Repeat("0123456789", 100) {
		t.Errorf("GET after 204 and 304: %d %q", resp.StatusCode, body)
	}
	if fmt.Sprint(reused) != "[false true true true true]" {
		t.Errorf("reused %v, want every request on the HEAD's connection", reused)
	}
	// On a raw connection: no byte of a body after the HEAD's head.
	conn := rawConn(t, base)
	io.WriteString(conn, "HEAD /raw HTTP/1.1\r\nHost: x\r\n\r\nGET /raw HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, text := readRaw(t, br, "HEAD")
	if resp.ContentLength != 1000 || text != "" {
		t.Errorf("raw HEAD: length %d, %q", resp.ContentLength, text)
	}
	resp, text = readRaw(t, br, "GET")
	if resp.Header.Get("X-Method") != "GET" || len(text) != 1000 {
		t.Errorf("raw GET after HEAD: %v, %d bytes", resp.Header, len(text))
	}
	expectEOF(t, br, "raw GET with Connection: close")
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// TestInteropServerExpectContinue: Go's client, waiting up to 5 s for
// "100 Continue", gets it before it sends the body (when the server reads the
// body, or when a stream_body handler first calls read); a body announced
// over max_body gets 413 and is never sent; a stream_body handler that does
// not read gets its answer without 100.
func TestInteropServerExpectContinue(t *testing.T) {
	handler := `
fn handler(req) {
    if req.path == "/skip" {
        return "skipped"
    }
    if "read" in req {
        let first = yield req.read(10)
        let rest = ""
        while true {
            let piece = yield req.read()
            if piece == "" {
                break
            }
            rest += piece
        }
        return "read " + first + rest
    }
    return "got " + req.body
}
`
	s, base := serveScript(t, handler, "{max_body: 1000}", nil)
	defer s.Stop(t)
	s2, base2 := serveScript(t, handler, "{max_body: 1000, stream_body: true}", nil)
	defer s2.Stop(t, "limit: http: request body longer than 1000 bytes")
	c, _ := goClient(t)

	send := func(u string, payload string, length int64) (*http.Response, string, bool, int64) {
		t.Helper()
		var got100 atomic.Bool
		body := &countingReader{r: strings.NewReader(payload)}
		req := newRequest(t, "POST", u, body)
		req.ContentLength = length
		req.Header.Set("Expect", "100-continue")
		trace := &httptrace.ClientTrace{Got100Continue: func() { got100.Store(true) }}
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
		resp, text := do(t, c, req)
		return resp, string(text), got100.Load(), body.n.Load()
	}

	payload := strings.Repeat("x", 500)
	resp, text, got100, sent := send(base+"/", payload, 500)
	if resp.StatusCode != 200 || text != "got "+payload || !got100 || sent != 500 {
		t.Errorf("Expect, body read first: %d %.20q, got 100 %v, sent %d", resp.StatusCode, text, got100, sent)
	}
	resp, text, got100, sent = send(base2+"/", payload, 500)
	if resp.StatusCode != 200 || text != "read "+payload || !got100 || sent != 500 {
		t.Errorf("Expect, stream_body read: %d %.20q, got 100 %v, sent %d", resp.StatusCode, text, got100, sent)
	}
	resp, text, got100, sent = send(base2+"/skip", payload, 500)
	if resp.StatusCode != 200 || text != "skipped" || got100 || sent != 0 || !resp.Close {
		t.Errorf("Expect, stream_body not read: %d %q, got 100 %v, sent %d, close %v; want 200 without 100, no body sent, Connection: close",
			resp.StatusCode, text, got100, sent, resp.Close)
	}
	// Of unknown length: chunked after the 100.
	resp, text, got100, sent = send(base+"/", payload, -1)
	if resp.StatusCode != 200 || text != "got "+payload || !got100 || sent != 500 {
		t.Errorf("Expect, chunked, body read first: %d %.20q, got 100 %v, sent %d", resp.StatusCode, text, got100, sent)
	}
	resp, text, got100, sent = send(base2+"/", payload, -1)
	if resp.StatusCode != 200 || text != "read "+payload || !got100 || sent != 500 {
		t.Errorf("Expect, chunked, stream_body read: %d %.20q, got 100 %v, sent %d", resp.StatusCode, text, got100, sent)
	}
	// Another expectation: 417 (Go sends the body at once).
	req := newRequest(t, "POST", base+"/", strings.NewReader("body"))
	req.Header.Set("Expect", "something-else")
	if resp, body := do(t, c, req); resp.StatusCode != 417 || !resp.Close {
		t.Errorf("Expect: something-else: %d %q close=%v, want 417", resp.StatusCode, body, resp.Close)
	}
	// A chunked body that grows past max_body: read throws kind limit, which
	// the client sees as a 500 (and the server reports).
	req = newRequest(t, "POST", base2+"/", struct{ io.Reader }{strings.NewReader(strings.Repeat("z", 1500))})
	if resp, body := do(t, c, req); resp.StatusCode != 500 || strings.TrimSpace(string(body)) != "Internal Server Error" {
		t.Errorf("a chunked body over max_body read in pieces: %d %q, want 500", resp.StatusCode, body)
	}
	big := strings.Repeat("y", 5000)
	for _, u := range []string{base, base2} {
		resp, _, got100, sent = send(u+"/", big, 5000)
		if resp.StatusCode != 413 || got100 || sent != 0 || !resp.Close {
			t.Errorf("Expect over max_body (%s): %d, got 100 %v, sent %d, close %v; want 413 at once, no body sent", u, resp.StatusCode, got100, sent, resp.Close)
		}
	}
}

// TestInteropServerLimits: a head over 64 KiB gets 431, a body over max_body
// 413, malformed requests 400, an unfinished head 408 after header_timeout;
// each answer closes the connection.
func TestInteropServerLimits(t *testing.T) {
	s, base := serveScript(t, `
fn handler(req) {
    return "ok " + req.body
}
`, "{max_body: 1000}", nil)
	defer s.Stop(t)
	c, _ := goClient(t)

	check := func(what string, req *http.Request, status int) {
		t.Helper()
		resp, body := do(t, c, req)
		if resp.StatusCode != status || !resp.Close || !strings.HasPrefix(string(body), http.StatusText(status)) {
			t.Errorf("%s: %d close=%v %q, want %d and Connection: close", what, resp.StatusCode, resp.Close, body, status)
		}
	}
	req := newRequest(t, "GET", base+"/", nil)
	req.Header.Set("X-Big", strings.Repeat("h", 64*1024))
	check("a 64 KiB header", req, 431)

	req = newRequest(t, "GET", base+"/", nil)
	req.Header.Set("X-Fits", strings.Repeat("h", 60*1024))
	resp, body := do(t, c, req)
	if resp.StatusCode != 200 || string(body) != "ok " {
		t.Errorf("a 60 KiB header: %d %q", resp.StatusCode, body)
	}

	check("a 1001-byte body", newRequest(t, "POST", base+"/", strings.NewReader(strings.Repeat("b", 1001))), 413)
	resp, body = do(t, c, newRequest(t, "POST", base+"/", strings.NewReader(strings.Repeat("b", 1000))))
	if resp.StatusCode != 200 || len(body) != 1003 {
		t.Errorf("a 1000-byte body: %d, %d bytes", resp.StatusCode, len(body))
	}
	// Of unknown length, so Go sends it chunked.
	check("a 1200-byte chunked body", newRequest(t, "POST", base+"/", struct{ io.Reader }{strings.NewReader(strings.Repeat("c", 1200))}), 413)

	req = newRequest(t, "GET", base+"/", nil)
	req.URL.Opaque = "/bad%zzescape"
	check("a bad % escape in the path", req, 400)

	for _, raw := range []string{
		"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 12x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
		"GET / HTTP/1.1\r\nBad Header\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
		"GET /?a=%G1 HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET / HTTP/2.0\r\nHost: x\r\n\r\n",
		"GET /\r\n\r\n",
		"GET  / HTTP/1.1\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
	} {
		conn := rawConn(t, base)
		io.WriteString(conn, raw)
		br := bufio.NewReader(conn)
		resp, text := readRaw(t, br, "GET")
		if resp.StatusCode != 400 || !resp.Close {
			t.Errorf("%q: %d close=%v %q, want 400", raw, resp.StatusCode, resp.Close, text)
		}
		expectEOF(t, br, fmt.Sprintf("after 400 to %q", raw))
		conn.Close()
	}

	// The head must be complete within header_timeout.
	s2, base2 := serveScript(t, `
fn handler(req) {
    return "ok"
}
`, "{header_timeout: 0.2, idle_timeout: 0.2}", nil)
	defer s2.Stop(t)
	conn := rawConn(t, base2)
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n")
	br := bufio.NewReader(conn)
	resp, text := readRaw(t, br, "GET")
	if resp.StatusCode != 408 || !resp.Close {
		t.Errorf("an unfinished head: %d close=%v %q, want 408", resp.StatusCode, resp.Close, text)
	}
	expectEOF(t, br, "after 408")
	// A connection that sends nothing is closed without an answer.
	conn = rawConn(t, base2)
	expectEOF(t, bufio.NewReader(conn), "a silent connection")
	// A kept connection idle for idle_timeout is closed.
	conn = rawConn(t, base2)
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	br = bufio.NewReader(conn)
	if resp, text := readRaw(t, br, "GET"); resp.StatusCode != 200 || text != "ok" || resp.Close {
		t.Errorf("GET: %d %q close=%v", resp.StatusCode, text, resp.Close)
	}
	expectEOF(t, br, "an idle kept connection")
}

// TestInteropServerGracefulStop: a handler cancels the serving task while
// another request is in progress; both requests get their whole answers,
// with Connection: close (doc/stdlib.md: "lets the requests in progress
// finish: their answers carry Connection: close"), an idle kept connection
// is closed, the script ends and the port no longer takes connections.
func TestInteropServerGracefulStop(t *testing.T) {
	s := scripttest.Start(t, `
import http
import net
import sync
let started = sync.event()
let release = sync.event()
let server = nil
fn handler(req) {
    if req.path == "/slow" {
        started.set()
        yield release.wait()
        return "slow start " + ("s" * 2000000) + " slow end"
    }
    if req.path == "/stop" {
        yield started.wait()
        server.cancel()
        return "stopping"
    }
    return "quick"
}
let l = net.listen("127.0.0.1", 0)
server = spawn(http.serve(l, handler))
ready(l.port)
try {
    yield server
} catch e {
    print("server:", e.kind)
}
release.set()
`, nil)
	base := fmt.Sprintf("http://127.0.0.1:%d", s.Port(t, 0))

	// An idle kept-alive connection.
	idle := rawConn(t, base)
	io.WriteString(idle, "GET /quick HTTP/1.1\r\nHost: x\r\n\r\n")
	idleBr := bufio.NewReader(idle)
	if resp, text := readRaw(t, idleBr, "GET"); resp.StatusCode != 200 || text != "quick" || resp.Close {
		t.Fatalf("GET /quick: %d %q close=%v", resp.StatusCode, text, resp.Close)
	}

	type result struct {
		resp *http.Response
		body []byte
		err  error
	}
	slow := make(chan result, 1)
	slowClient, _ := goClient(t)
	go func() {
		resp, err := slowClient.Get(base + "/slow")
		if err != nil {
			slow <- result{err: err}
			return
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		slow <- result{resp, body, err}
	}()

	// The request that stops the server is in progress too: its answer
	// carries Connection: close, then its connection closes.
	stop := rawConn(t, base)
	io.WriteString(stop, "GET /stop HTTP/1.1\r\nHost: x\r\n\r\n")
	stopBr := bufio.NewReader(stop)
	resp, text := readRaw(t, stopBr, "GET")
	if resp.StatusCode != 200 || text != "stopping" || !resp.Close {
		t.Errorf("GET /stop: %d %q close=%v, want 200 \"stopping\" with Connection: close", resp.StatusCode, text, resp.Close)
	}
	expectEOF(t, stopBr, "the connection of /stop")
	r := <-slow
	want := "slow start " + strings.Repeat("s", 2000000) + " slow end"
	if r.err != nil {
		t.Errorf("the request in progress failed: %v", r.err)
	} else if r.resp.StatusCode != 200 || string(r.body) != want || !r.resp.Close {
		t.Errorf("the request in progress: %d, %d bytes (want %d), close=%v", r.resp.StatusCode, len(r.body), len(want), r.resp.Close)
	}
	expectEOF(t, idleBr, "the idle connection when the server stops")

	out, errText, err := s.Wait(t)
	if err != nil || errText != "" || out != "server: cancelled\n" {
		t.Errorf("the script: %v, stdout %q, stderr %q", err, out, errText)
	}
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), 5*time.Second)
	if err == nil {
		conn.Close()
		t.Error("the port still takes connections after the server stopped")
	} else if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("connecting after the stop: %v, want connection refused", err)
	}
}

// ---- B: http.request against Go's server ----

// TestInteropClientReuse: several requests of a script go over one
// connection to Go's server.
func TestInteropClientReuse(t *testing.T) {
	var mu sync.Mutex
	remotes := map[string]bool{}
	srv, conns := goServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		remotes[r.RemoteAddr] = true
		mu.Unlock()
		if r.URL.Path == "/form" {
			// Go's parsers read the query and the form body.
			err := r.ParseForm()
			fmt.Fprintf(w, "%v %q %q %q %q %v", err, r.Header.Get("Content-Type"),
				r.URL.Query()["x"], r.URL.Query()["y"], r.PostForm["b"], r.PostForm["c"])
			return
		}
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %s %s", r.Method, r.URL.RequestURI(), r.Header.Get("Content-Type"), b)
	}, true)
	out := scripttest.RunClient(t, fmt.Sprintf(`
import http
let base = %q
let r = yield http.request("POST", base + "/form?x=1", {query: {y: "a b&c=d/ü"}, form: {b: "two words + 100%% & ü=", c: [1, 2.5, true]}})
print(r.body)
for i in range(4) {
    let r = yield http.get(base + "/n" + str(i), {query: {i: i}})
    print(r.status, r.body)
}
r = yield http.request("POST", base + "/post", {body: "data"})
print(r.status, r.body)
r = yield http.request("PUT", base + "/put", {json: {a: [1, 2]}})
print(r.status, r.body)
r = yield http.request("DELETE", base + "/del")
print(r.status, r.body)
`, srv.URL), nil)
	want := `<nil> "application/x-www-form-urlencoded" ["1"] ["a b&c=d/ü"] ["two words + 100% & ü="] [1 2.5 true]` + "\n" +
		"200 GET /n0?i=0  \n200 GET /n1?i=1  \n200 GET /n2?i=2  \n200 GET /n3?i=3  \n" +
		"200 POST /post  data\n200 PUT /put application/json {\"a\":[1,2]}\n200 DELETE /del  \n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if n := conns.Load(); n != 1 || len(remotes) != 1 {
		t.Errorf("Go's server saw %d connections (%d remotes), want 1", n, len(remotes))
	}
}

// TestInteropClientPoolLimit: twelve concurrent requests open twelve
// connections; eight of them are kept (the most per host), so the next
// twelve open four more. Go's handler answers a round only when all twelve
// requests of it have arrived, so that they are all in flight at once.
func TestInteropClientPoolLimit(t *testing.T) {
	var mu sync.Mutex
	arrived := map[string]int{}
	all := map[string]chan struct{}{"0": make(chan struct{}), "1": make(chan struct{})}
	srv, conns := goServer(t, func(w http.ResponseWriter, r *http.Request) {
		round := strings.Split(r.URL.Path, "/")[1]
		mu.Lock()
		arrived[round]++
		if arrived[round] == 12 {
			close(all[round])
		}
		mu.Unlock()
		select {
		case <-all[round]:
		case <-time.After(10 * time.Second): // the count below then fails
		}
		fmt.Fprint(w, r.URL.Path)
	}, true)
	out := scripttest.RunClient(t, fmt.Sprintf(`
import http
let base = %q
for round in range(2) {
    let calls = []
    for i in range(12) {
        calls.push(http.get(base + f"/{round}/{i}"))
    }
    let bodies = []
    for r in (yield all(calls)) {
        bodies.push(r.body)
    }
    print(" ".join(bodies), conn_count())
}
`, srv.URL), map[string]any{"conn_count": func() int32 { return conns.Load() }})
	want := "/0/0 /0/1 /0/2 /0/3 /0/4 /0/5 /0/6 /0/7 /0/8 /0/9 /0/10 /0/11 12\n" +
		"/1/0 /1/1 /1/2 /1/3 /1/4 /1/5 /1/6 /1/7 /1/8 /1/9 /1/10 /1/11 16\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if n := conns.Load(); n != 16 {
		t.Errorf("Go's server saw %d connections, want 12 + 4", n)
	}
}

// TestInteropClientFraming: responses from Go's server chunked (with a
// trailer), with Content-Length, after a 103, without a body (204, 304), and
// ending with the connection (HTTP/1.0, and HTTP/1.1 with Connection:
// close), each followed by a request that works; a 100 that Go's server
// sends for an Expect header the script gave is skipped.
func TestInteropClientFraming(t *testing.T) {
	toClose := linesPattern(50000)
	srv, conns := goServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/chunked":
			w.Header().Set("Trailer", "X-Trailer")
			w.Write([]byte("part one, "))
			w.(http.Flusher).Flush()
			w.Write([]byte("part two"))
			w.Header().Set("X-Trailer", "at the end")
		case "/length":
			w.Header().Set("Content-Length", "11")
			w.Write([]byte("hello world"))
		case "/early":
			w.Header().Set("Link", "</style.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			w.Write([]byte("final"))
		case "/nocontent":
			w.WriteHeader(http.StatusNoContent)
		case "/notmodified":
			w.WriteHeader(http.StatusNotModified)
		case "/connclose":
			w.Header().Set("Connection", "close")
			w.Write([]byte("closing"))
		case "/echo":
			b, _ := io.ReadAll(r.Body)
			fmt.Fprintf(w, "%s %s", r.Header.Get("Expect"), b)
		case "/http10", "/close11":
			conn, brw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			if r.URL.Path == "/http10" {
				brw.WriteString("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n")
				brw.Write(toClose)
			} else {
				brw.WriteString("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the close")
			}
			brw.Flush()
		}
	}, true)
	out := scripttest.RunClient(t, fmt.Sprintf(`
import http
let base = %q
let paths = ["/chunked", "/length", "/early", "/nocontent", "/notmodified", "/length", "/http10"]
paths.extend(["/length", "/close11", "/connclose", "/chunked"])
for path in paths {
    let r = yield http.get(base + path)
    let body = r.body
    if path == "/http10" {
        body = str(same(body))
    }
    print(path, r.status, r.headers["transfer-encoding"], r.headers["content-length"], body)
}
# Go's server answers an Expect: 100-continue with 100 when it reads the body
let r = yield http.request("POST", base + "/echo", {headers: {"Expect": "100-continue"}, body: "sent at once"})
print(r.status, r.body)
`, srv.URL), map[string]any{"same": func(b []byte) bool { return bytes.Equal(b, toClose) }})
	want := "/chunked 200 chunked nil part one, part two\n" +
		"/length 200 nil 11 hello world\n" +
		"/early 200 nil 5 final\n" +
		"/nocontent 204 nil nil \n" +
		"/notmodified 304 nil nil \n" +
		"/length 200 nil 11 hello world\n" +
		"/http10 200 nil nil true\n" +
		"/length 200 nil 11 hello world\n" +
		"/close11 200 nil nil until the close\n" +
		"/connclose 200 nil 7 closing\n" +
		"/chunked 200 chunked nil part one, part two\n" +
		"200 100-continue sent at once\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	// One connection up to /http10, whose body ends it; a second for /length
	// and /close11, a third for /connclose, a fourth for /chunked and /echo.
	if n := conns.Load(); n != 4 {
		t.Errorf("Go's server saw %d connections, want 4", n)
	}
}

// TestInteropClientLargeBodies: several MiB down (Content-Length and
// chunked) and up, byte-exact.
func TestInteropClientLargeBodies(t *testing.T) {
	const lines = 600000
	big := randomBytes(6<<20, 4)
	bigChunked := randomBytes(5<<20, 5)
	text := linesPattern(lines)
	srv, _ := goServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			w.Header().Set("Content-Length", strconv.Itoa(len(big)))
			w.Write(big)
		case "/bigchunked":
			for i := 0; i < len(bigChunked); i += 32768 {
				w.Write(bigChunked[i:min(i+32768, len(bigChunked))])
			}
		case "/upload":
			b, err := io.ReadAll(r.Body)
			want := big
			if r.URL.Query().Get("what") == "text" {
				want = text
			}
			fmt.Fprintf(w, "%d %v %v", len(b), err, bytes.Equal(b, want))
		}
	}, true)
	out := scripttest.RunClient(t, fmt.Sprintf(`
import http
let base = %q
let r = yield http.get(base + "/big")
print(r.headers["content-length"], len(r.body), same_big(r.body))
let c = yield http.get(base + "/bigchunked")
print(c.headers["transfer-encoding"], len(c.body), same_chunked(c.body))
print((yield http.request("POST", base + "/upload", {body: r.body})).body)
let parts = []
for i in range(%d) {
    parts.push(str(i) + "\n")
}
print((yield http.request("POST", base + "/upload?what=text", {body: "".join(parts)})).body)
`, srv.URL, lines), map[string]any{
		"same_big":     func(b []byte) bool { return bytes.Equal(b, big) },
		"same_chunked": func(b []byte) bool { return bytes.Equal(b, bigChunked) },
	})
	want := fmt.Sprintf("%d %d true\nchunked %d true\n%d <nil> true\n%d <nil> true\n", len(big), len(big), len(bigChunked), len(big), len(text))
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

// TestInteropClientHead: HEAD gives the headers (Content-Length of the GET)
// and no body, and leaves the connection usable.
func TestInteropClientHead(t *testing.T) {
	srv, conns := goServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5000")
		w.Header().Set("X-Method", r.Method)
		w.Write(bytes.Repeat([]byte("z"), 5000))
	}, true)
	out := scripttest.RunClient(t, fmt.Sprintf(`
import http
let base = %q
let r = yield http.request("HEAD", base + "/doc", {timeout: 10})
print(r.status, r.headers["content-length"], r.headers["x-method"], len(r.body))
r = yield http.get(base + "/doc", {timeout: 10})
print(r.status, r.headers["content-length"], r.headers["x-method"], len(r.body))
`, srv.URL), nil)
	if want := "200 5000 HEAD 0\n200 5000 GET 5000\n"; out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("Go's server saw %d connections, want 1", n)
	}
}

// TestInteropClientRedirects: http.Redirect and hand-made Location headers,
// absolute and relative, across two servers; the method and body rules of
// 301/302/303/307/308; max_redirects.
func TestInteropClientRedirects(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	record := func(r *http.Request) []byte {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, fmt.Sprintf("%s %s %q", r.Method, r.URL.RequestURI(), b))
		mu.Unlock()
		return b
	}
	target := func(w http.ResponseWriter, r *http.Request, b []byte) {
		fmt.Fprintf(w, "%s %s %q cl=%q", r.Method, r.URL.RequestURI(), b, r.Header.Get("Content-Length"))
	}
	other, _ := goServer(t, func(w http.ResponseWriter, r *http.Request) {
		target(w, r, record(r))
	}, true)
	var srv *httptest.Server
	srv, _ = goServer(t, func(w http.ResponseWriter, r *http.Request) {
		b := record(r)
		p := r.URL.Path
		switch {
		case strings.HasPrefix(p, "/r/"):
			code, _ := strconv.Atoi(p[3:])
			http.Redirect(w, r, "/target?via="+p[3:], code)
		case p == "/chain/1":
			http.Redirect(w, r, "/chain/2", 301)
		case p == "/chain/2":
			http.Redirect(w, r, srv.URL+"/chain/3", 302)
		case p == "/chain/3":
			w.Header().Set("Location", "4") // relative to /chain/
			w.WriteHeader(303)
		case p == "/chain/4":
			w.Header().Set("Location", "../chain/5#frag")
			w.WriteHeader(307)
		case p == "/chain/5" && r.URL.RawQuery == "":
			w.Header().Set("Location", "?step=6")
			w.WriteHeader(308)
		case p == "/chain/5":
			// A network-path reference to the other server.
			w.Header().Set("Location", strings.TrimPrefix(other.URL, "http:")+"/target?from=chain")
			w.WriteHeader(302)
		case strings.HasPrefix(p, "/loop/"):
			n, _ := strconv.Atoi(p[6:])
			http.Redirect(w, r, fmt.Sprintf("/loop/%d", n+1), 302)
		default:
			target(w, r, b)
		}
	}, true)
	mark := func(label string) {
		mu.Lock()
		seen = append(seen, "-- "+label)
		mu.Unlock()
	}
	out := scripttest.RunClient(t, fmt.Sprintf(`
import http
let base = %q
let other = %q
for m in ["POST", "PUT"] {
    for code in [301, 302, 303, 307, 308] {
        let r = yield http.request(m, base + "/r/" + str(code), {body: "payload"})
        print(m, code, r.status, r.url == base + "/target?via=" + str(code), r.body)
    }
}
mark("chain")
let r = yield http.request("POST", base + "/chain/1", {body: "payload"})
print(r.status, r.url == other + "/target?from=chain", r.body)
mark("max 6")
r = yield http.get(base + "/chain/1", {max_redirects: 6})
print(r.status, r.body)
for opts in [{max_redirects: 5}, nil, {max_redirects: 2}] {
    let path = "/chain/1"
    if opts == nil {
        path = "/loop/0"
    }
    mark(f"{path} {opts}")
    try {
        let r = yield http.get(base + path, opts)
        print("no error", r.status, r.url)
    } catch e {
        print(path, e.kind)
    }
}
mark("max 0")
r = yield http.get(base + "/r/302", {max_redirects: 0})
print(r.status, r.headers.location, r.url == base + "/r/302", "Found" in r.body)
`, srv.URL, other.URL), map[string]any{"mark": mark})
	want := strings.Join([]string{
		`POST 301 200 true GET /target?via=301 "" cl=""`,
		`POST 302 200 true GET /target?via=302 "" cl=""`,
		`POST 303 200 true GET /target?via=303 "" cl=""`,
		`POST 307 200 true POST /target?via=307 "payload" cl="7"`,
		`POST 308 200 true POST /target?via=308 "payload" cl="7"`,
		`PUT 301 200 true PUT /target?via=301 "payload" cl="7"`,
		`PUT 302 200 true PUT /target?via=302 "payload" cl="7"`,
		`PUT 303 200 true GET /target?via=303 "" cl=""`,
		`PUT 307 200 true PUT /target?via=307 "payload" cl="7"`,
		`PUT 308 200 true PUT /target?via=308 "payload" cl="7"`,
		`200 true GET /target?from=chain "" cl=""`,
		`200 GET /target?from=chain "" cl=""`,
		`/chain/1 value`,
		`/loop/0 value`,
		`/chain/1 value`,
		`302 /target?via=302 true true`,
	}, "\n") + "\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	chain := []string{
		`POST /chain/1 "payload"`,
		`GET /chain/2 ""`,
		`GET /chain/3 ""`,
		`GET /chain/4 ""`,
		`GET /chain/5 ""`,
		`GET /chain/5?step=6 ""`,
		`GET /target?from=chain ""`,
	}
	getChain := append([]string{`GET /chain/1 ""`}, chain[1:]...)
	var loop []string
	for i := 0; i <= 10; i++ {
		loop = append(loop, fmt.Sprintf(`GET /loop/%d ""`, i))
	}
	wantSeen := append([]string{"-- chain"}, chain...)
	wantSeen = append(append(wantSeen, "-- max 6"), getChain...)
	wantSeen = append(append(wantSeen, `-- /chain/1 {"max_redirects": 5}`), getChain[:6]...)
	wantSeen = append(append(wantSeen, "-- /loop/0 nil"), loop...)
	wantSeen = append(append(wantSeen, `-- /chain/1 {"max_redirects": 2}`), getChain[:3]...)
	wantSeen = append(wantSeen, "-- max 0", `GET /r/302 ""`)
	mu.Lock()
	defer mu.Unlock()
	start := 0
	for start < len(seen) && seen[start] != "-- chain" {
		start++
	}
	if got := strings.Join(seen[start:], "\n"); got != strings.Join(wantSeen, "\n") {
		t.Errorf("the servers saw\n%s\nwant\n%s", got, strings.Join(wantSeen, "\n"))
	}
}

// TestInteropClientTimeout: the timeout option throws kind timeout against
// a handler that does not answer, and one that stops halfway through the
// body; the next request works.
func TestInteropClientTimeout(t *testing.T) {
	release := make(chan struct{})
	srv, _ := goServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/stall" {
			// The head and part of the body, then nothing.
			w.Header().Set("Content-Length", "100")
			w.Write([]byte("the first 20 bytes.."))
			w.(http.Flusher).Flush()
		}
		if r.URL.Path == "/block" || r.URL.Path == "/stall" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		fmt.Fprint(w, "answered "+r.URL.Path)
	}, true)
	defer close(release) // before the server's Close, which waits for handlers
	out := scripttest.RunClient(t, fmt.Sprintf(`
import http
let base = %q
try {
    yield http.get(base + "/block", {timeout: 0.2})
    print("no timeout")
} catch e {
    print(e.kind, e.message.endswith("/block: no response within 0.2s"))
}
try {
    yield http.get(base + "/stall", {timeout: 0.2})
    print("no timeout")
} catch e {
    print(e.kind)
}
print((yield http.get(base + "/fast", {timeout: 10})).body)
`, srv.URL), nil)
	if want := "timeout true\ntimeout\nanswered /fast\n"; out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

// TestInteropClientServerClosesConns: Go servers that do not keep
// connections, that close idle ones between requests, and that close a kept
// connection after reading a request without answering it.
func TestInteropClientServerClosesConns(t *testing.T) {
	handler := func(drops *atomic.Int32) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			if strings.HasPrefix(r.URL.Path, "/drop") && drops.Add(1) == 1 {
				conn, _, err := http.NewResponseController(w).Hijack()
				if err == nil {
					conn.Close() // the request read, no answer
				}
				return
			}
			fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.Path, b)
		}
	}
	var drops1, drops2, drops3 atomic.Int32
	noKeep, noKeepConns := goServer(t, handler(&drops1), false)
	keep, keepConns := goServer(t, handler(&drops2), true)
	keep2, keep2Conns := goServer(t, handler(&drops3), true)
	out := scripttest.RunClient(t, fmt.Sprintf(`
import http
let nokeep = %q
let keep = %q
let keep2 = %q
for i in range(3) {
    print((yield http.get(nokeep + "/n" + str(i))).body)
}
print((yield http.request("POST", nokeep + "/post", {body: "b"})).body)
print((yield http.get(keep + "/a")).body)
# the kept connection closed by the server is noticed before use (a POST is
# not sent again)
close_idle()
print((yield http.request("POST", keep + "/b", {body: "after close"})).body)
print((yield http.get(keep + "/c")).body)
# a kept connection closed after the request was read: a GET is sent again
print((yield http.get(keep + "/drop")).body)
print((yield http.get(keep2 + "/a")).body)
try {
    yield http.request("POST", keep2 + "/drop", {body: "x"})
    print("no error")
} catch e {
    print(e.kind)
}
print((yield http.get(keep2 + "/d")).body)
`, noKeep.URL, keep.URL, keep2.URL), map[string]any{"close_idle": keep.CloseClientConnections})
	want := "GET /n0 \nGET /n1 \nGET /n2 \nPOST /post b\n" +
		"GET /a \nPOST /b after close\nGET /c \nGET /drop \n" +
		"GET /a \neof\nGET /d \n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	// noKeep: one connection per request; keep: /a, then /b and /c on a new
	// one (the first was closed), /drop on it and again on a third;
	// keep2: /a and the POST /drop on one, /d on a second.
	if a, b, c := noKeepConns.Load(), keepConns.Load(), keep2Conns.Load(); a != 4 || b != 3 || c != 2 {
		t.Errorf("connections: %d, %d, %d; want 4, 3, 2", a, b, c)
	}
	if a, b := drops2.Load(), drops3.Load(); a != 2 || b != 1 {
		t.Errorf("GET /drop reached the server %d times (want 2), POST /drop %d times (want 1)", a, b)
	}
}

// TestInteropClientIdlePool: a script whose kept connection to Go's
// keep-alive server stays idle in the pool still ends.
func TestInteropClientIdlePool(t *testing.T) {
	srv, conns := goServer(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "kept")
	}, true)
	out := scripttest.RunClient(t, fmt.Sprintf(`
import http
print((yield http.get(%q)).body)
print((yield http.get(%q)).body)
`, srv.URL+"/1", srv.URL+"/2"), nil)
	if out != "kept\nkept\n" {
		t.Errorf("got %q", out)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("Go's server saw %d connections, want 1 (kept)", n)
	}
}
