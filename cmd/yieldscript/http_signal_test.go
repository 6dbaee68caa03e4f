package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// httpSignalScript serves on a free port; every handler waits until all n
// requests are in, then for a while, and answers "done".
const httpSignalScript = `
import http
import net
let n = int(os.args[0])
let wait = float(os.args[1])
let count = 0
fn handler(req) {
    count += 1
    if count == n {
        print("all in")
    }
    yield sleep(wait)
    return "done"
}
let l = net.listen("127.0.0.1", 0)
print("port", l.port)
yield http.serve(l, handler, OPTIONS)
`

// sendRequests sends n requests on n connections at once and gives, for each,
// the response (nil when there was none) and its body.
func sendRequests(t *testing.T, port, n int) (chan *http.Response, chan string) {
	resps, bodies := make(chan *http.Response, n), make(chan string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
			if err != nil {
				resps <- nil
				bodies <- err.Error()
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(20 * time.Second))
			fmt.Fprintf(c, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				resps <- nil
				bodies <- err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resps <- resp
			bodies <- string(b)
		}()
	}
	go func() { wg.Wait(); close(resps); close(bodies) }()
	return resps, bodies
}

// TestHTTPServerAnswersInFlightOnSignal: SIGTERM (and SIGINT) while 20
// requests are in flight: all 20 are answered, with Connection: close, and
// the program exits with 128 + the signal.
func TestHTTPServerAnswersInFlightOnSignal(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGTERM, 143}, {syscall.SIGINT, 130}} {
		const n = 20
		src := "import os\n" + strings.Replace(httpSignalScript, "OPTIONS", "nil", 1)
		cmd, out, errb := startChild(t, writeScript(t, src), fmt.Sprint(n), "0.5")
		waitForOutput(t, out, "\n")
		var port int
		if _, err := fmt.Sscanf(out.String(), "port %d", &port); err != nil {
			cmd.Process.Kill()
			t.Fatalf("no port in %q (stderr %q)", out.String(), errb.String())
		}
		resps, bodies := sendRequests(t, port, n)
		waitForOutput(t, out, "all in")
		cmd.Process.Signal(tc.sig)
		answered := 0
		for resp := range resps {
			body := <-bodies
			if resp == nil {
				t.Errorf("%v: a request got no answer: %s", tc.sig, body)
				continue
			}
			if resp.StatusCode != 200 || body != "done" || !resp.Close {
				t.Errorf("%v: answer %d %q, Connection: close %v", tc.sig, resp.StatusCode, body, resp.Close)
			}
			answered++
		}
		if code := waitChild(t, cmd, 15*time.Second); code != tc.code {
			t.Errorf("%v: exit status %d, want %d (stderr %q)", tc.sig, code, tc.code, errb.String())
		}
		if answered != n {
			t.Errorf("%v: %d of %d in-flight requests answered", tc.sig, answered, n)
		}
		if errb.String() != "" {
			t.Errorf("%v: stderr %q", tc.sig, errb.String())
		}
	}
}

// TestHTTPServerGraceEnds: a request that takes longer than the grace period
// does not hold the exit back for longer.
func TestHTTPServerGraceEnds(t *testing.T) {
	src := "import os\n" + strings.Replace(httpSignalScript, "OPTIONS", "{grace: 0.2}", 1)
	cmd, out, errb := startChild(t, writeScript(t, src), "1", "60")
	waitForOutput(t, out, "\n")
	var port int
	if _, err := fmt.Sscanf(out.String(), "port %d", &port); err != nil {
		cmd.Process.Kill()
		t.Fatalf("no port in %q (stderr %q)", out.String(), errb.String())
	}
	resps, bodies := sendRequests(t, port, 1)
	waitForOutput(t, out, "all in")
	cmd.Process.Signal(syscall.SIGTERM)
	if code := waitChild(t, cmd, 15*time.Second); code != 143 {
		t.Errorf("exit status %d, want 143 (stderr %q)", code, errb.String())
	}
	if resp := <-resps; resp != nil {
		t.Errorf("a request cancelled after the grace period got an answer: %d %q", resp.StatusCode, <-bodies)
	}
}
