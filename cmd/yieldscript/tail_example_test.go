package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTailExample: examples/tail.ys prints a file's lines, then the lines
// appended to it afterwards (a line written in two pieces prints once,
// whole). It follows the file until it is killed.
func TestTailExample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.txt")
	if err := os.WriteFile(path, []byte("first\nsecond\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, ysBinary(t), "../../examples/tail.ys", path)
	out, err := cmd.StdoutPipe()
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
	lines := bufio.NewScanner(out)
	expect := func(want string) {
		t.Helper()
		if !lines.Scan() {
			t.Fatalf("tail.ys ended before printing %q (%v)", want, lines.Err())
		}
		if got := lines.Text(); got != want {
			t.Fatalf("tail.ys printed %q, want %q", got, want)
		}
	}
	appendTo := func(s string) {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(s)
		f.Close()
	}
	expect("first")
	expect("second")
	appendTo("third\nhalf")
	expect("third")
	appendTo(" and half\n" + strings.Repeat("x", 20000) + "\n")
	expect("half and half")
	expect(strings.Repeat("x", 20000))
}
