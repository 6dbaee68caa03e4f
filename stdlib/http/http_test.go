package http_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript"
)

// runScript runs src with every standard module and returns what it printed
// to standard output and standard error.
func runScript(ctx context.Context, src string) (string, string, error) {
	var out, errOut bytes.Buffer
	v := yieldscript.New(yieldscript.Options{Modules: yieldscript.AllModules, Stdout: &out, Stderr: &errOut})
	err := v.RunString(ctx, "http_test.ys", src)
	return out.String(), errOut.String(), err
}

// TestHTTPServerWithGoClient serves with http.serve and asks with Go's net/http client.
func TestHTTPServerWithGoClient(t *testing.T) {
	// Find a free port, then let the script listen on it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	src := fmt.Sprintf(`
import http
fn handler(req) {
    if req.path == "/echo" {
        return {status: 201, headers: {"X-Method": req.method, "Content-Type": "application/octet-stream"}, body: req.body}
    }
    if req.path == "/query" {
        return req.query.name + "|" + req.headers["x-test"]
    }
    if req.path == "/fail" {
        throw error("secret detail", "value")
    }
    return {status: 404, body: "not here"}
}
yield http.serve("127.0.0.1", %d, handler)
`, port)
	stderr := make(chan string, 1)
	go func() {
		_, errText, _ := runScript(ctx, src)
		stderr <- errText
	}()

	client := &http.Client{Timeout: 5 * time.Second}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	var resp *http.Response
	for i := 0; ; i++ { // wait for the server to listen
		req, _ := http.NewRequest("GET", base+"/query?name=J%C3%BCrgen+X", nil)
		req.Header.Set("X-Test", "yes")
		resp, err = client.Do(req)
		if err == nil {
			break
		}
		if i == 100 {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "Jürgen X|yes" || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" || resp.Header.Get("Date") == "" {
		t.Errorf("GET /query: %d %q %v", resp.StatusCode, body, resp.Header)
	}

	// Several requests on kept-alive connections, with bodies.
	for i := 0; i < 5; i++ {
		payload := strings.Repeat(fmt.Sprint(i), 1000*i)
		resp, err := client.Post(base+"/echo", "text/plain", strings.NewReader(payload))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 201 || string(body) != payload || resp.Header.Get("X-Method") != "POST" || resp.ContentLength != int64(len(payload)) {
			t.Errorf("POST /echo %d: %d, %d bytes, %v", i, resp.StatusCode, len(body), resp.Header)
		}
	}

	// A chunked request body (unknown length).
	resp, err = client.Post(base+"/echo", "text/plain", io.MultiReader(strings.NewReader("chunked "), strings.NewReader("body")))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "chunked body" {
		t.Errorf("chunked POST: %q", body)
	}

	resp, err = client.Head(base + "/echo")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Errorf("HEAD: %d", resp.StatusCode)
	}

	resp, err = client.Get(base + "/fail")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || strings.Contains(string(body), "secret") {
		t.Errorf("GET /fail: %d %q", resp.StatusCode, body)
	}

	resp, err = client.Get(base + "/nothing")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || string(body) != "not here" {
		t.Errorf("GET /nothing: %d %q", resp.StatusCode, body)
	}

	cancel()
	select {
	case errText := <-stderr:
		// The handler's error is reported, with its traceback.
		if !strings.Contains(errText, "value: secret detail") || !strings.Contains(errText, "http_test.ys:11:9 in handler") {
			t.Errorf("stderr: %s", errText)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the script did not stop when cancelled")
	}
}

// TestHTTPClientWithGoServer asks Go's net/http server with http.request.
func TestHTTPClientWithGoServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/chunked":
			w.Header().Set("X-Kind", "chunked")
			w.Write([]byte("part one, "))
			w.(http.Flusher).Flush()
			w.Write([]byte("part two"))
		case "/echo":
			b, _ := io.ReadAll(r.Body)
			w.Header().Set("Content-Type", "text/x-echo")
			w.WriteHeader(http.StatusAccepted)
			fmt.Fprintf(w, "%s %s %s %s", r.Method, r.URL.RawQuery, r.Header.Get("X-Test"), b)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, errText, err := runScript(ctx, fmt.Sprintf(`
import http
let base = %q
let r = yield http.get(base + "/chunked")
print(r.status, r.headers["x-kind"], r.body)
r = yield http.request("PUT", base + "/echo?a=b", {headers: {"X-Test": "t1"}, body: "payload"})
print(r.status, r.headers["content-type"], r.body)
r = yield http.get(base + "/missing")
print(r.status)
r = yield http.request("HEAD", base + "/echo")
print(r.status, len(r.body))
`, srv.URL))
	if err != nil {
		t.Fatal(err, errText)
	}
	want := "200 chunked part one, part two\n202 text/x-echo PUT a=b t1 payload\n404\n202 0\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}
