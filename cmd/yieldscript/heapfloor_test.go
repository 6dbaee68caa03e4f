package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHeapFloor runs a script that allocates about 18 MiB of list storage
// while it grows, with the collector tracing (GODEBUG=gctrace=1 prints one
// line per collection): under the command's heap floor only the collection
// at start runs; with GOGC set (no floor) the growing list is collected more
// than once.
func TestHeapFloor(t *testing.T) {
	bin := ysBinary(t)
	script := filepath.Join(t.TempDir(), "grow.ys")
	src := "let a = []\nfor i in range(150000) { a.push(i) }\nprint(len(a))\n"
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	collections := func(env ...string) int {
		t.Helper()
		cmd := exec.Command(bin, script)
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "GOGC=") && !strings.HasPrefix(kv, "GODEBUG=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, "GODEBUG=gctrace=1")
		cmd.Env = append(cmd.Env, env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if !strings.Contains(string(out), "150000\n") {
			t.Fatalf("unexpected output:\n%s", out)
		}
		n := 0
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "gc ") {
				n++
			}
		}
		return n
	}
	if n := collections(); n > 1 {
		t.Errorf("with the heap floor: %d collections, want at most the one at start", n)
	}
	if n := collections("GOGC=100"); n < 2 {
		t.Errorf("with GOGC=100 (no floor): %d collections, want several while the list grows", n)
	}
}
