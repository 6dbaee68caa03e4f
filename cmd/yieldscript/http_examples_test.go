package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The HTTP examples that print times or serve forever, so that TestScripts
// cannot check them: examples/webserver.ys, crawler.ys and hello_http.ys. They
// run as child processes of the built command, on loopback, like the servers
// in net_test.go.

// runToEnd runs the command with args until it exits on its own, within limit
// (it is killed after that, failing the test), and returns what it printed and
// its exit status.
func runToEnd(t *testing.T, limit time.Duration, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, ysBinary(t), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%q did not end within %v\nstdout:\n%s\nstderr:\n%s", args, limit, out.String(), errb.String())
	}
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("running %q: %v", args, err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

// writeFiles creates the files of the map (path relative to dir -> contents).
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// rawRequest sends text as it is on a new connection and returns the whole
// response, which must end with the connection.
func rawRequest(t *testing.T, port int, text string) string {
	t.Helper()
	c := dial(t, port)
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, text); err != nil {
		t.Fatal(err)
	}
	resp, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("reading the response to %q: %v (got %q)", text, err, resp)
	}
	return string(resp)
}

func TestWebServerExample(t *testing.T) {
	checkFDs(t)
	root := t.TempDir()
	site := filepath.Join(root, "site")
	const secret = "outside the served directory"
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\xff\x00"
	files := map[string]string{
		"index.html":          "<!doctype html>\n<title>home</title>\n",
		"style.css":           "body { color: #333 }\n",
		"logo.png":            png,
		"notes.txt":           "plain\r\ntext\n",
		"a..b.txt":            "dots inside a name are fine\n",
		"hello world.txt":     "a space in the name\n",
		"data.bin":            "\x00\x01\x02\xfe\xff",
		"sub/index.html":      "<p>sub</p>\n",
		"sub/app.js":          "console.log(1)\n",
		"sub/data.json":       `{"a": [1, 2]}`,
		"sub/deeper/icon.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
		"sub/PHOTO.JPG":       "\xff\xd8\xff\xe0jpeg",
		"anim.gif":            "GIF89a\x01\x00",
		"favicon.ico":         "\x00\x00\x01\x00",
	}
	writeFiles(t, site, files)
	writeFiles(t, root, map[string]string{"secret.txt": secret, "site-secret.txt": secret})

	port := freePort(t)
	srv := startScript(t, "webserver.ys", port, "", site, strconv.Itoa(port))
	// The line reaches the pipe from the output's own goroutine, maybe a
	// moment after the port is seen listening.
	want := fmt.Sprintf("serving %s on http://127.0.0.1:%d\n", site, port)
	for deadline := time.Now().Add(5 * time.Second); srv.stdout.String() != want && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if got := srv.stdout.String(); got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}

	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{
		Transport: tr,
		Timeout:   5 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // look at redirects, do not follow them
		},
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	do := func(method, path string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("%s %s: reading the body: %v", method, path, err)
		}
		return resp, string(body)
	}

	for _, c := range []struct {
		path, file, ctype string
	}{
		{"/", "index.html", "text/html; charset=utf-8"},
		{"/index.html", "index.html", "text/html; charset=utf-8"},
		{"/style.css", "style.css", "text/css; charset=utf-8"},
		{"/logo.png", "logo.png", "image/png"},
		{"/notes.txt", "notes.txt", "text/plain; charset=utf-8"},
		{"/a..b.txt", "a..b.txt", "text/plain; charset=utf-8"},
		{"/hello%20world.txt", "hello world.txt", "text/plain; charset=utf-8"},
		{"/data.bin", "data.bin", "application/octet-stream"},
		{"/anim.gif", "anim.gif", "image/gif"},
		{"/favicon.ico", "favicon.ico", "image/x-icon"},
		{"/sub/", "sub/index.html", "text/html; charset=utf-8"},
		{"/sub/app.js", "sub/app.js", "text/javascript; charset=utf-8"},
		{"/sub/data.json", "sub/data.json", "application/json"},
		{"/sub/deeper/icon.svg", "sub/deeper/icon.svg", "image/svg+xml"},
		{"/sub/PHOTO.JPG", "sub/PHOTO.JPG", "image/jpeg"},
		{"//sub//app.js", "sub/app.js", "text/javascript; charset=utf-8"},
		{"/logo.png?v=2", "logo.png", "image/png"},
	} {
		resp, body := do("GET", c.path)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != c.ctype || body != files[c.file] {
			t.Errorf("GET %s: %d %q %q, want 200 %q %q", c.path, resp.StatusCode, resp.Header.Get("Content-Type"), body, c.ctype, files[c.file])
		}
		if n := resp.Header.Get("Content-Length"); n != strconv.Itoa(len(files[c.file])) {
			t.Errorf("GET %s: Content-Length %q, want %d", c.path, n, len(files[c.file]))
		}
	}

	for _, path := range []string{"/missing.html", "/sub/missing/", "/nodir/x.css", "/index.html/x", "/secret.txt"} {
		if resp, _ := do("GET", path); resp.StatusCode != 404 {
			t.Errorf("GET %s: status %d, want 404", path, resp.StatusCode)
		}
	}
	if resp, body := do("GET", "/sub"); resp.StatusCode != 301 || resp.Header.Get("Location") != "/sub/" {
		t.Errorf("GET /sub: %d, Location %q, body %q; want 301 to /sub/", resp.StatusCode, resp.Header.Get("Location"), body)
	}

	// HEAD: the headers of the GET, no body.
	resp, body := do("HEAD", "/logo.png")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || body != "" {
		t.Errorf("HEAD /logo.png: %d %q %q, want 200 image/png and no body", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if n := resp.Header.Get("Content-Length"); n != strconv.Itoa(len(png)) {
		t.Errorf("HEAD /logo.png: Content-Length %q, want %d", n, len(png))
	}
	if resp, _ := do("HEAD", "/missing.html"); resp.StatusCode != 404 {
		t.Errorf("HEAD /missing.html: status %d, want 404", resp.StatusCode)
	}
	for _, method := range []string{"POST", "PUT", "DELETE", "PATCH"} {
		resp, _ := do(method, "/index.html")
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s /index.html: %d, Allow %q; want 405 with Allow: GET, HEAD", method, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}

	// Paths that try to leave the directory, sent byte for byte on raw
	// connections (no client rewrites them): each must be refused, and never
	// give a file from outside, whatever the decoding.
	statusRE := regexp.MustCompile(`^HTTP/1\.1 (\d{3}) `)
	for _, target := range []string{
		"/../secret.txt",
		"/sub/../../secret.txt",
		"/sub/../index.html",
		"/%2e%2e/secret.txt",
		"/%2E%2E/secret.txt",
		"/.%2e/secret.txt",
		"/%2e%2e%2fsecret.txt",
		"/..%2fsecret.txt",
		"/sub%2f..%2f..%2fsecret.txt",
		"/sub/%2e%2e/%2e%2e/secret.txt",
		"//../secret.txt",
		"/..",
		"/../",
		"/..%00/secret.txt",
		"/../site-secret.txt",
		"/..\\secret.txt",
		"..%2fsecret.txt",
		"http://127.0.0.1/../secret.txt",
		"http://127.0.0.1/%2e%2e/secret.txt",
	} {
		resp := rawRequest(t, port, "GET "+target+" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
		m := statusRE.FindStringSubmatch(resp)
		if m == nil || (m[1] != "400" && m[1] != "404") || strings.Contains(resp, secret) {
			t.Errorf("GET %s: want 400 or 404 and nothing from outside the directory, got:\n%s", target, resp)
		}
	}
	// A request line of raw ".." segments on a kept-alive connection: the
	// refusal answers it, and the next request still gets its file.
	resp2 := rawRequest(t, port, "GET /../secret.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if strings.Contains(resp2, secret) || !strings.HasSuffix(resp2, "\r\n\r\n"+files["style.css"]) {
		t.Errorf("a refused request then a good one on one connection:\n%s", resp2)
	}

	srv.alive(t)
	if s := srv.stderr.String(); s != "" {
		t.Errorf("the web server wrote to stderr:\n%s", s)
	}
}

func TestCrawlerExample(t *testing.T) {
	checkFDs(t)
	const pages = 5
	stdout, stderr, code := runToEnd(t, 30*time.Second, filepath.Join(examplesDir, "crawler.ys"), strconv.Itoa(pages))
	if code != 0 || stderr != "" {
		t.Fatalf("exit status %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	total := 0
	for i := range pages {
		total += len(fmt.Sprintf("<html><body><h1>Page %d</h1></body></html>\n", i))
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	res := []*regexp.Regexp{
		regexp.MustCompile(fmt.Sprintf(`^site: %d pages on http://127\.0\.0\.1:\d+, 50 ms each$`, pages)),
		regexp.MustCompile(fmt.Sprintf(`^one after another: %d pages, %d bytes in (\d+) ms$`, pages, total)),
		regexp.MustCompile(fmt.Sprintf(`^all at once: %d pages, %d bytes in (\d+) ms$`, pages, total)),
		regexp.MustCompile(`^speed-up: \d+\.\d+x$`),
	}
	if len(lines) != len(res) {
		t.Fatalf("%d lines of output, want %d:\n%s", len(lines), len(res), stdout)
	}
	var ms []int
	for i, re := range res {
		m := re.FindStringSubmatch(lines[i])
		if m == nil {
			t.Fatalf("line %d is %q, want it to match %s", i+1, lines[i], re)
		}
		if len(m) > 1 {
			n, _ := strconv.Atoi(m[1])
			ms = append(ms, n)
		}
	}
	sequential, concurrent := ms[0], ms[1]
	// Every page takes at least 50 ms, so one after another they take at least
	// pages * 50 ms; all at once the waits overlap.
	if sequential < pages*50 {
		t.Errorf("%d pages one after another took %d ms: less than %d pages of 50 ms", pages, sequential, pages)
	}
	if concurrent < 50 {
		t.Errorf("the concurrent fetch took %d ms: less than one page's 50 ms", concurrent)
	}
	if concurrent >= sequential {
		t.Errorf("fetching concurrently took %d ms, not less than one after another (%d ms)", concurrent, sequential)
	}
}

func TestHelloHTTPExample(t *testing.T) {
	checkFDs(t)
	src, err := os.ReadFile(filepath.Join(examplesDir, "hello_http.ys"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte("8088")) {
		t.Fatal("examples/hello_http.ys no longer uses port 8088: update this test")
	}
	// A copy on a free port, so that the test does not depend on 8088 being free.
	script := filepath.Join(t.TempDir(), "hello_http.ys")
	src = bytes.ReplaceAll(src, []byte("8088"), []byte(strconv.Itoa(freePort(t))))
	if err := os.WriteFile(script, src, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runToEnd(t, 30*time.Second, script)
	if code != 0 || stdout != "200 Hello, World!\n" || stderr != "" {
		t.Errorf("exit status %d, stdout %q, stderr %q; want 0, %q and nothing", code, stdout, stderr, "200 Hello, World!\n")
	}
}
