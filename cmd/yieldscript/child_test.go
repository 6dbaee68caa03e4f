package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A test re-runs its own binary as the yieldscript command when this variable
// is set, so child-process tests need no separate build.
const childEnv = "YIELDSCRIPT_TEST_CHILD"

func init() {
	if os.Getenv(childEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
}

// startChild runs the command line args in a child process.
func startChild(t *testing.T, args ...string) (*exec.Cmd, *syncBuffer, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, errb := &syncBuffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, out, errb
}

// waitChild waits for the child with a deadline and returns its exit status.
func waitChild(t *testing.T, cmd *exec.Cmd, limit time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(limit):
		cmd.Process.Kill()
		<-done
		t.Fatalf("child did not exit within %v", limit)
	}
	return cmd.ProcessState.ExitCode()
}

func writeScript(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "s.ys")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// waitForOutput polls until the child has printed want.
func waitForOutput(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("child never printed %q (got %q)", want, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSignalsCancelTasksAndRunFinally(t *testing.T) {
	script := writeScript(t, `
fn server() {
    try { while true { yield sleep(1) } } finally { print("server cleanup") }
}
spawn(server)
try {
    print("ready")
    yield sleep(100)
} finally {
    print("main cleanup")
}
`)
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		cmd, out, errb := startChild(t, script)
		waitForOutput(t, out, "ready")
		cmd.Process.Signal(tc.sig)
		code := waitChild(t, cmd, 10*time.Second)
		if code != tc.code {
			t.Errorf("%v: exit status %d, want %d (stderr %q)", tc.sig, code, tc.code, errb.String())
		}
		if got := out.String(); got != "ready\nmain cleanup\nserver cleanup\n" {
			t.Errorf("%v: output %q", tc.sig, got)
		}
	}
}

func TestSignalInterruptsBusyLoop(t *testing.T) {
	cmd, out, _ := startChild(t, "-e", `print("spinning")
yield sleep(0) # output is flushed when the loop turns
try { while true {} } finally { print("cleanup") }`)
	waitForOutput(t, out, "spinning")
	cmd.Process.Signal(syscall.SIGINT)
	if code := waitChild(t, cmd, 10*time.Second); code != 130 {
		t.Fatalf("exit status %d, want 130", code)
	}
	if !strings.Contains(out.String(), "cleanup") {
		t.Fatalf("finally did not run: %q", out.String())
	}
}
