package http

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	ysurl "github.com/yieldscript/yieldscript/stdlib/url"
)

func TestParseRequestHead(t *testing.T) {
	h, ok := parseRequestHead([]byte("POST /a%20b/c?x=1&y=%41+b HTTP/1.1\r\nHost: example.com\r\nX-Many: one\r\nx-many:  two \r\nContent-Length: 5\r\n\r\n"))
	if !ok {
		t.Fatal("not parsed")
	}
	if h.method != "POST" || h.path != "/a b/c" || h.rawQuery != "x=1&y=%41+b" || h.minor != 1 {
		t.Errorf("request line: %+v", h)
	}
	if got := strings.Join(h.names, ","); got != "host,x-many,content-length" {
		t.Errorf("names %q", got)
	}
	if many, _ := h.get("x-many"); many != "one, two" {
		t.Errorf("values %q", h.values)
	}
	if host, _ := h.get("host"); host != "example.com" {
		t.Errorf("values %q", h.values)
	}
	if h.contentLength != 5 || h.chunked || h.closeConn {
		t.Errorf("framing %+v", h)
	}
	keys, vals, ok := ysurl.ParseQuery(h.rawQuery)
	if !ok || strings.Join(keys, ",") != "x,y" || strings.Join(vals, ",") != "1,A b" {
		t.Errorf("query %q %q %v", keys, vals, ok)
	}

	h, ok = parseRequestHead([]byte("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"))
	if !ok || h.closeConn || h.minor != 0 {
		t.Errorf("HTTP/1.0 keep-alive: %+v %v", h, ok)
	}
	h, ok = parseRequestHead([]byte("GET http://user@host:1/p?q#f HTTP/1.1\r\nHost: other\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"))
	if !ok || h.path != "/p" || h.rawQuery != "q" || !h.closeConn || !h.chunked {
		t.Errorf("absolute form: %+v %v", h, ok)
	}
	if host, _ := h.get("host"); host != "host:1" {
		t.Errorf("absolute form: Host is %q, want the target's host:1", host)
	}
	h, ok = parseRequestHead([]byte("GET /a/b#frag HTTP/1.1\r\nHost: x\r\n\r\n"))
	if !ok || h.path != "/a/b" || h.rawQuery != "" {
		t.Errorf("fragment: %+v %v", h, ok)
	}
	h, ok = parseRequestHead([]byte("GET / HTTP/1.0\r\n\r\n"))
	if !ok {
		t.Errorf("HTTP/1.0 without Host: %+v %v", h, ok)
	}

	bad := []string{
		"",
		"GET / HTTP/1.1\r\n",                        // no empty line
		"GET /  HTTP/1.1\r\n\r\n",                   // two spaces
		"GET / HTTP/2.0\r\n\r\n",                    // version
		"GET / HTTP/1.1 \r\n\r\n",                   // trailing space
		"G(T / HTTP/1.1\r\n\r\n",                    // method
		"GET x HTTP/1.1\r\n\r\n",                    // target
		"GET /%4 HTTP/1.1\r\n\r\n",                  // escape
		"GET / HTTP/1.1\r\nNo colon\r\n\r\n",        // header
		"GET / HTTP/1.1\r\nName : v\r\n\r\n",        // space before colon
		"GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", // obsolete folding
		"GET / HTTP/1.1\r\nA: b\x00c\r\n\r\n",       // control
		"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"GET / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
		"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
		"GET / HTTP/1.1\r\n\r\nextra",
		// A bare LF inside a CRLF head (CVE-2022-35256), or LF-only lines.
		"GET / HTTP/1.1\r\nHost: localhost\r\nDummy: x\nContent-Length: 23\r\n\r\n",
		"GET / HTTP/1.1\nHost: localhost\n\n",
		"GET / HTTP/1.1\r\nHost: localhost\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nA: b\rc\r\n\r\n",
		// Host: missing in HTTP/1.1, given twice, or not a host.
		"GET / HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
		"GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
		"GET http://a b/ HTTP/1.1\r\nHost: a\r\n\r\n",
		// Bytes beyond ASCII in the target.
		"GET /\xce\xb4 HTTP/1.1\r\nHost: x\r\n\r\n",
	}
	for _, s := range bad {
		if _, ok := parseRequestHead([]byte(s)); ok {
			t.Errorf("accepted %q", s)
		}
	}
}

// TestParseManyHeaders: a head of 10,000 distinct names, and one name given
// 10,000 times, parse to the same headers as a slow reference would.
func TestParseManyHeaders(t *testing.T) {
	var b strings.Builder
	b.WriteString("GET / HTTP/1.1\r\nHost: x\r\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&b, "X-%d: v%d\r\nx-same: %d\r\n", i, i, i)
	}
	b.WriteString("\r\n")
	h, ok := parseRequestHead([]byte(b.String()))
	if !ok {
		t.Fatal("not parsed")
	}
	if len(h.names) != 10002 || h.names[10001] != "x-9999" {
		t.Fatalf("%d names", len(h.names))
	}
	if v, _ := h.get("x-5000"); v != "v5000" {
		t.Errorf("x-5000: %q", v)
	}
	var want []string
	for i := 0; i < 10000; i++ {
		want = append(want, strconv.Itoa(i))
	}
	if same, _ := h.get("x-same"); same != strings.Join(want, ", ") {
		t.Errorf("x-same: %.40q...", same)
	}
}

func TestFindHeadEnd(t *testing.T) {
	for s, want := range map[string]int{
		"GET / HTTP/1.1\r\n\r\nrest": 18,
		"GET / HTTP/1.1\n\nrest":     16,
		"GET / HTTP/1.1\r\nA: b\r\n": -1,
	} {
		if got := findHeadEnd([]byte(s), 0); got != want {
			t.Errorf("findHeadEnd(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestParseResponseHead(t *testing.T) {
	h, status, ok := parseResponseHead([]byte("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"))
	if !ok || status != 404 || !h.chunked || h.values[0] != "text/plain" {
		t.Errorf("%+v %d %v", h, status, ok)
	}
	if _, _, ok := parseResponseHead([]byte("HTTP/1.1 20 OK\r\n\r\n")); ok {
		t.Error("accepted a two-digit status")
	}
}

func FuzzParseRequest(f *testing.F) {
	f.Add([]byte("GET /a?b=c HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n"))
	f.Add([]byte("POST / HTTP/1.0\nTransfer-Encoding: chunked\n\n"))
	f.Add([]byte("GET / HTTP/1.1\r\nHost: localhost\r\nDummy: x\nContent-Length: 23\r\n\r\n"))
	f.Add([]byte("GET http://h/p HTTP/1.1\r\nConnection: close, keep-alive\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		end := findHeadEnd(b, 0)
		h, ok := parseRequestHead(b)
		if !ok {
			return
		}
		// An accepted head ends with its empty line, and nowhere before.
		if end != len(b) {
			t.Fatalf("accepted %q, but its head ends at %d", b, end)
		}
		if h.method == "" || h.path == "" || h.major != 1 {
			t.Fatalf("accepted %q as %+v", b, h)
		}
		// Every line ends with CRLF: no bare LF or CR anywhere.
		for i, c := range b {
			if c == '\n' && (i == 0 || b[i-1] != '\r') || c == '\r' && (i+1 == len(b) || b[i+1] != '\n') {
				t.Fatalf("accepted %q with a bare LF or CR at %d", b, i)
			}
		}
		if _, ok := h.get("host"); h.minor == 1 && !ok {
			t.Fatalf("accepted an HTTP/1.1 head without Host: %q", b)
		}
		for _, n := range h.names {
			if n != strings.ToLower(n) || n == "" {
				t.Fatalf("header name %q", n)
			}
			if v, _ := h.get(n); strings.ContainsAny(v, "\r\n") {
				t.Fatalf("header %q with value %q", n, v)
			}
		}
		if len(h.names) != len(h.values) {
			t.Fatalf("names %q, values %q", h.names, h.values)
		}
		if bytes.ContainsAny([]byte(h.method+h.target), " \r\n") {
			t.Fatalf("request line parts %q %q", h.method, h.target)
		}
		_, _, _ = ysurl.ParseQuery(h.rawQuery)
	})
}

func FuzzParseResponse(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"))
	f.Add([]byte("HTTP/1.0 404 Not Found\nTransfer-Encoding: chunked\nConnection: keep-alive\n\n"))
	f.Add([]byte("HTTP/1.1 301 Moved\r\nLocation: /x\r\nConnection: close\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, status, ok := parseResponseHead(b)
		if !ok {
			return
		}
		if status < 0 || status > 999 {
			t.Fatalf("status %d from %q", status, b)
		}
		if h.chunked && h.contentLength != -1 {
			t.Fatalf("chunked with a length: %q", b)
		}
		if h.contentLength < -1 {
			t.Fatalf("length %d from %q", h.contentLength, b)
		}
		if len(h.names) != len(h.values) {
			t.Fatalf("names %q, values %q", h.names, h.values)
		}
		if h.minor == 0 && !hasToken(strings.ToLower(connectionOf(h)), "keep-alive") && !h.closeConn {
			t.Fatalf("an HTTP/1.0 response without keep-alive keeps the connection: %q", b)
		}
	})
}

func connectionOf(h *requestHead) string {
	v, _ := h.get("connection")
	return v
}

var (
	normalHead = []byte("GET /plaintext?x=1 HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n" +
		"Accept: text/html,application/xhtml+xml\r\nAccept-Encoding: gzip, deflate\r\nAccept-Language: en-US,en;q=0.5\r\n" +
		"Connection: keep-alive\r\nCookie: a=b; c=d\r\n\r\n")
	manyHead = func() []byte {
		var b strings.Builder
		b.WriteString("GET / HTTP/1.1\r\nHost: x\r\n")
		for i := 0; b.Len() < 64*1024-40; i++ {
			fmt.Fprintf(&b, "X-%d: v\r\n", i)
		}
		b.WriteString("\r\n")
		return []byte(b.String())
	}()
)

// BenchmarkParseRequest parses an ordinary browser request head.
func BenchmarkParseRequest(b *testing.B) {
	b.ReportAllocs()
	var h requestHead
	for i := 0; i < b.N; i++ {
		h = requestHead{}
		if !h.parseRequest(normalHead) {
			b.Fatal("not parsed")
		}
	}
}

// BenchmarkParseManyHeaders parses a 64 KiB head of about 7,000 distinct
// header lines.
func BenchmarkParseManyHeaders(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, ok := parseRequestHead(manyHead); !ok {
			b.Fatal("not parsed")
		}
	}
}
