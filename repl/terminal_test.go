package repl

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Ctrl-C cancels the statement; one that will not stop gets a hint after the
// grace period, and the next Ctrl-C gives up on it.
func TestRunLineInterrupts(t *testing.T) {
	out, errw := &syncBuffer{}, &syncBuffer{}
	v := newTestVM(t, out, errw)
	r := New(v, "<stdin>", out, errw)
	sigs := make(chan os.Signal, 1)

	// A statement that stops when cancelled.
	time.AfterFunc(50*time.Millisecond, func() { sigs <- syscall.SIGINT })
	stop, left := runLine(r, "yield sleep(10)", sigs, errw, time.Second)
	if stop || left {
		t.Errorf("stop %v, left %v", stop, left)
	}
	if got := errw.String(); !strings.HasPrefix(got, "\r\033[K^C\n") || !strings.HasSuffix(got, "cancelled: interrupted\n") {
		t.Errorf("stderr %q", got)
	}

	// One that catches the cancellation and goes on waiting.
	r.Line(context.Background(), "let caught = 0")
	done := make(chan [2]bool)
	go func() {
		stop, left := runLine(r, "while true { try { yield sleep(10) } catch e { caught += 1 } }", sigs, errw, 200*time.Millisecond)
		done <- [2]bool{stop, left}
	}()
	time.Sleep(50 * time.Millisecond)
	sigs <- syscall.SIGINT
	time.Sleep(50 * time.Millisecond)
	sigs <- syscall.SIGINT // before the hint: a double tap, ignored
	select {
	case <-done:
		t.Fatal("runLine returned before the hint")
	case <-time.After(400 * time.Millisecond):
	}
	if !strings.Contains(errw.String(), "Ctrl-C again leaves the REPL") {
		t.Fatalf("no hint: %q", errw.String())
	}
	sigs <- syscall.SIGINT
	select {
	case res := <-done:
		if res != [2]bool{false, true} {
			t.Errorf("stop, left = %v, want false, true", res)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the third Ctrl-C did not leave")
	}
}

func TestListenNetwork(t *testing.T) {
	for host, want := range map[string]string{
		"0.0.0.0":   "tcp4",
		"127.0.0.1": "tcp4",
		"::":        "tcp",
		"::1":       "tcp",
		"localhost": "tcp",
	} {
		if got := listenNetwork(host); got != want {
			t.Errorf("listenNetwork(%q) = %q, want %q", host, got, want)
		}
	}
}
