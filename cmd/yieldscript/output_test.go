package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startPiped runs the command line args in a child process whose stdout is
// a pipe the test reads only when it wants to (the returned file).
func startPiped(t *testing.T, args ...string) (*exec.Cmd, *os.File, *syncBuffer) {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pr.Close() })
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	errb := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = pw, errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd, pr, errb
}

// readSlowly reads r to its end in small reads with pauses, as a slow
// consumer does, and sends what it read.
func readSlowly(r io.Reader) <-chan string {
	got := make(chan string, 1)
	go func() {
		var b strings.Builder
		buf := make([]byte, 4096)
		for i := 0; ; i++ {
			n, err := r.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
			if i%64 == 0 {
				time.Sleep(time.Millisecond)
			}
		}
		got <- b.String()
	}()
	return got
}

// checkLines checks that out is "line 0\n" ... "line n-1\n", exactly.
func checkLines(t *testing.T, out string, n int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if !strings.HasSuffix(out, "\n") || len(lines) != n {
		t.Fatalf("got %d lines (ends with newline: %v), want %d", len(lines), strings.HasSuffix(out, "\n"), n)
	}
	for i, l := range lines {
		if l != "line "+strconv.Itoa(i) {
			t.Fatalf("line %d is %q", i, l)
		}
	}
}

// waitFile waits for the child to write a file and gives its contents.
func waitFile(t *testing.T, path string, errb *syncBuffer) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return string(b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the child did not write %s (stderr %q)", path, errb.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestServerAnswersWhileStdoutIsStuck: a script whose stdout is a pipe
// nobody reads goes on serving connections while a task of it prints far
// more than the pipe holds; when the pipe is then read, slowly, every line
// arrives, in order, and the program ends normally.
func TestServerAnswersWhileStdoutIsStuck(t *testing.T) {
	const lines = 200000
	dir := t.TempDir()
	portFile := filepath.Join(dir, "port")
	script := writeScript(t, fmt.Sprintf(`
import net
import fs
let l = net.listen("127.0.0.1", 0)
fn printer() {
    for i in range(%d) {
        print(f"line {i}")
    }
}
fn answer(c) {
    let line = yield c.readline()
    yield c.sendall("echo " + line)
    c.close()
}
let p = spawn(printer)
yield fs.write(%q, str(l.port))
for i in range(5) {
    let c = yield l.accept()
    spawn(answer, c)
}
l.close()
yield p
`, lines, portFile))
	cmd, pr, errb := startPiped(t, script)
	port := waitFile(t, portFile, errb)
	for i := 0; i < 5; i++ {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+port, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(20 * time.Second))
		fmt.Fprintf(c, "hi %d\n", i)
		got, err := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if want := fmt.Sprintf("echo hi %d\n", i); got != want {
			t.Fatalf("connection %d: got %q (%v), want %q: the loop is stuck on output", i, got, err, want)
		}
	}
	out := readSlowly(pr)
	if code := waitChild(t, cmd, 60*time.Second); code != 0 {
		t.Fatalf("exit status %d, stderr %q", code, errb.String())
	}
	checkLines(t, <-out, lines)
}

// TestOutputFlushedOnEveryExit: what a program printed reaches a slow
// reader in full when it ends by os.exit, by an uncaught error, and by
// SIGTERM while a task is held printing into a pipe not yet read.
func TestOutputFlushedOnEveryExit(t *testing.T) {
	const lines = 100000
	loop := fmt.Sprintf(`for i in range(%d) { print(f"line {i}") }`, lines)
	for _, tc := range []struct {
		name, src string
		code      int
	}{
		{"exit", "import os\n" + loop + "\nos.exit(3)\n", 3},
		{"error", loop + "\nlet x = 1 / 0\n", 1},
	} {
		cmd, pr, errb := startPiped(t, writeScript(t, tc.src))
		out := readSlowly(pr)
		if code := waitChild(t, cmd, 60*time.Second); code != tc.code {
			t.Fatalf("%s: exit status %d, want %d (stderr %q)", tc.name, code, tc.code, errb.String())
		}
		checkLines(t, <-out, lines)
		if tc.name == "error" && !strings.Contains(errb.String(), "division by zero") {
			t.Errorf("error: stderr %q", errb.String())
		}
	}

	readyFile := filepath.Join(t.TempDir(), "ready")
	cmd, pr, errb := startPiped(t, writeScript(t, fmt.Sprintf(`
import fs
fn printer() {
    let i = 0
    try {
        while true {
            print(f"line {i}")
            i += 1
        }
    } finally {
        print("done")
    }
}
spawn(printer)
yield fs.write(%q, "ready")
yield sleep(100)
`, readyFile)))
	waitFile(t, readyFile, errb)
	cmd.Process.Signal(syscall.SIGTERM)
	// The printer is held (its output is backed up) until the pipe is read.
	out := readSlowly(pr)
	if code := waitChild(t, cmd, 60*time.Second); code != 143 {
		t.Fatalf("SIGTERM: exit status %d, want 143 (stderr %q)", code, errb.String())
	}
	text := <-out
	if !strings.HasSuffix(text, "\ndone\n") {
		t.Fatalf("SIGTERM: the output does not end with the finally block's line: ...%q", text[max(0, len(text)-100):])
	}
	n := strings.Count(text, "\n") - 1
	checkLines(t, strings.TrimSuffix(text, "done\n"), n)
	if n < 1 {
		t.Errorf("SIGTERM: no line before the signal")
	}
}
