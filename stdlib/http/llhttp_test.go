package http_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The llhttp request corpus: the HTTP parser of Node.js, its test cases with
// the raw bytes a client sends and the messages the reference parse finds.
// The file lives beside the project (../shared/conformance/http/ from its
// root); see the README there for its source and licence.
const llhttpCorpus = "shared/conformance/http/llhttp_cases.json"

type llhttpMessage struct {
	Method   string `json:"method"`
	URL      string `json:"url"`
	Version  string `json:"version"`
	Body     string `json:"body"`
	Complete bool   `json:"complete"`
}

type llhttpCase struct {
	Name     string          `json:"name"`
	Raw      string          `json:"raw"`
	Messages []llhttpMessage `json:"messages"`
	Error    *struct {
		Reason string `json:"reason"`
	} `json:"error"`
}

// stricterOnPurpose are the cases the reference accepts and http.serve
// refuses (400) by design, with the reason.
var stricterOnPurpose = map[string]string{
	"request/method.md:27 CONNECT request":                                                              "CONNECT (tunnels) is not served",
	"request/method.md:62 CONNECT request with CAPS":                                                    "CONNECT (tunnels) is not served",
	"request/method.md:96 CONNECT with body":                                                            "CONNECT (tunnels) is not served",
	"request/uri.md:188 Underscore in hostname":                                                         "CONNECT (tunnels) is not served",
	"request/sample.md:314 No HTTP version":                                                             "HTTP/0.9 request lines are not served",
	"request/method.md:372 SOURCE request with ICE":                                                     "only HTTP/1.0 and HTTP/1.1, not ICE",
	"request/method.md:400 OPTIONS request with RTSP":                                                   "only HTTP/1.0 and HTTP/1.1, not RTSP",
	"request/method.md:430 ANNOUNCE request with RTSP":                                                  "only HTTP/1.0 and HTTP/1.1, not RTSP",
	"request/transfer-encoding.md:751 POST with `chunked` as last transfer-encoding":                    "Transfer-Encoding other than chunked alone (deflate, chunked) is refused",
	"request/transfer-encoding.md:793 POST with `chunked` as last transfer-encoding (multiple headers)": "Transfer-Encoding other than chunked alone (deflate, chunked) is refused",
}

// notFraming are reference errors that are not about framing or headers,
// which http.serve does not share, with the reason.
var notFraming = map[string]string{
	"Invalid method for HTTP/x.x request": "any token is a method (RFC 9110 section 9.1); the handler decides",
	"Expected space after method":         "any token is a method (RFC 9110 section 9.1), MKCOLA too; the handler decides",
}

// findCorpus looks for the corpus beside the project: the project's root is
// two levels up from this package, or more when the checkout is nested.
func findCorpus(t *testing.T) string {
	t.Helper()
	up := ".."
	for i := 0; i < 5; i++ {
		up = filepath.Join(up, "..")
		p := filepath.Join(up, llhttpCorpus)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatalf("the llhttp corpus %s is missing: it must be beside the project's root (../%s); CI has it", llhttpCorpus, llhttpCorpus)
	return ""
}

var requestLine = regexp.MustCompile(`^[A-Za-z-]+ [^ ]+ HTTP/1\.1\r\n`)

// withHost gives raw with a Host line added to each HTTP/1.1 request head
// that has none: http.serve answers such a request 400 (RFC 9112 section
// 3.2), which most cases of the corpus do not send. It reports whether it
// added one.
func withHost(raw string) (string, bool) {
	var b strings.Builder
	added := false
	for i := 0; i < len(raw); {
		m := requestLine.FindString(raw[i:])
		if m == "" || (i > 0 && raw[i-1] != '\n') {
			j := strings.IndexByte(raw[i:], '\n')
			if j < 0 {
				b.WriteString(raw[i:])
				break
			}
			b.WriteString(raw[i : i+j+1])
			i += j + 1
			continue
		}
		b.WriteString(m)
		i += len(m)
		head := raw[i:]
		if end := strings.Index(head, "\r\n\r\n"); end >= 0 {
			head = head[:end+2]
		}
		hasHost := false
		for _, line := range strings.Split(head, "\r\n") {
			if strings.HasPrefix(strings.ToLower(line), "host:") {
				hasHost = true
			}
		}
		if !hasHost {
			b.WriteString("Host: corpus.test\r\n")
			added = true
		}
	}
	return b.String(), added
}

// served is what the handler saw of one request, or the status of an error
// answer.
type served struct {
	status              int
	method, path, query string
	body                string
}

// expected is what the handler should see for message m.
func expected(m llhttpMessage) served {
	u := m.URL
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if j := strings.IndexAny(rest, "/?#"); j >= 0 {
			u = rest[j:]
		} else {
			u = "/"
		}
		if !strings.HasPrefix(u, "/") {
			u = "/" + u
		}
	}
	u, _, _ = strings.Cut(u, "#")
	p, q, _ := strings.Cut(u, "?")
	path, err := url.PathUnescape(p)
	if err != nil {
		path = p
	}
	var keys []string
	vals := map[string]string{}
	for _, part := range strings.Split(q, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, _ := url.QueryUnescape(k)
		dv, _ := url.QueryUnescape(v)
		if _, ok := vals[dk]; !ok {
			keys = append(keys, dk)
		}
		vals[dk] = dv
	}
	var qs []string
	for _, k := range keys {
		qs = append(qs, k+"="+vals[k])
	}
	return served{status: 200, method: m.Method, path: path, query: strings.Join(qs, "&"), body: m.Body}
}

// TestLLHTTPCorpus sends each request case of the llhttp corpus on a
// connection of its own to http.serve: every case the reference rejects for
// framing or header reasons is rejected (an error status, or the connection
// closed, and no answer to the message it rejects), and every message it
// accepts is read with the same method, URL (path and query) and body.
func TestLLHTTPCorpus(t *testing.T) {
	data, err := os.ReadFile(findCorpus(t))
	if err != nil {
		t.Fatal(err)
	}
	var corpus struct {
		Cases []llhttpCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &corpus); err != nil {
		t.Fatal(err)
	}
	if len(corpus.Cases) < 100 {
		t.Fatalf("the corpus has %d cases", len(corpus.Cases))
	}
	s, base := serveScript(t, `
import json
fn handler(req) {
    let q = []
    for k, v in req.query {
        q.push(k + "=" + v)
    }
    # in a header, so that HEAD shows it too
    let info = json.encode([req.path, "&".join(q)])
    return {headers: {"X-Method": req.method, "X-Info": info}, body: req.body}
}`, "nil", nil)
	defer s.Stop(t)
	addr := strings.TrimPrefix(base, "http://")
	send := func(raw string) ([]served, error) {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(c, raw); err != nil {
			return nil, err
		}
		c.(*net.TCPConn).CloseWrite()
		br := bufio.NewReader(c)
		var out []served
		for {
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				var ne net.Error
				if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
					strings.Contains(err.Error(), "connection reset") || errors.As(err, &ne) && !ne.Timeout() {
					return out, nil
				}
				return out, err
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			r := served{status: resp.StatusCode, method: resp.Header.Get("X-Method")}
			if resp.StatusCode == 200 {
				var info []string
				if err := json.Unmarshal([]byte(resp.Header.Get("X-Info")), &info); err == nil && len(info) == 2 {
					r.path, r.query = info[0], info[1]
				}
				r.body = string(body)
			}
			out = append(out, r)
		}
	}
	hosts, stricter, lenient := 0, 0, 0
	for _, tc := range corpus.Cases {
		raw, added := withHost(tc.Raw)
		if added {
			hosts++
		}
		got, err := send(raw)
		if err != nil {
			t.Errorf("%s: %v", tc.Name, err)
			continue
		}
		var want []served
		for _, m := range tc.Messages {
			if m.Complete {
				want = append(want, expected(m))
			}
		}
		reason := ""
		if tc.Error != nil {
			reason = tc.Error.Reason
		}
		describe := func() string {
			return fmt.Sprintf("%s\nraw %q\nwant %+v (then %q)\ngot  %+v", tc.Name, raw, want, reason, got)
		}
		if why, ok := stricterOnPurpose[tc.Name]; ok {
			// Refused: nothing is answered 200.
			stricter++
			for _, g := range got {
				if g.status == 200 {
					t.Errorf("refused on purpose (%s), but answered:\n%s", why, describe())
				}
			}
			if len(got) == 0 {
				t.Errorf("refused on purpose (%s), but not answered 400:\n%s", why, describe())
			}
			continue
		}
		if _, ok := notFraming[reason]; ok {
			lenient++
			continue
		}
		// The messages the reference reads must be read the same.
		for i, w := range want {
			if i >= len(got) {
				t.Errorf("message %d not answered:\n%s", i+1, describe())
				break
			}
			if got[i] != w {
				t.Errorf("message %d read differently:\n%s", i+1, describe())
				break
			}
		}
		switch {
		case strings.HasPrefix(reason, "Pause"):
			// The reference hands the connection over (Upgrade, CONNECT,
			// PRI): what follows is not HTTP/1.1 to it.
		case tc.Error != nil:
			// Rejected: nothing more is answered 200.
			for _, g := range got[min(len(want), len(got)):] {
				if g.status == 200 {
					t.Errorf("the reference rejects it (%s); answered 200:\n%s", reason, describe())
				}
			}
		default:
			if len(got) != len(want) {
				t.Errorf("%d answers for %d messages:\n%s", len(got), len(want), describe())
			}
		}
	}
	t.Logf("%d cases (%d with a Host line added, %d refused on purpose, %d errors the reference gives for other reasons)",
		len(corpus.Cases), hosts, stricter, lenient)
}
