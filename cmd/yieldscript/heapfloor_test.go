package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestHeapFloor runs a script that allocates about 20 MiB while a list of
// strings grows (strings keep the list general: 24 bytes a slot, and a
// string each), with the collector tracing (GODEBUG=gctrace=1 prints one
// line per collection, with the heap it left live). Under the command's heap
// floor only the collection at start runs and the floor's 32 MiB are live
// after it, so the next would start at 64 MiB; with GOGC set (no floor) the
// live heap after each collection is the script's few megabytes.
func TestHeapFloor(t *testing.T) {
	bin := ysBinary(t)
	script := filepath.Join(t.TempDir(), "grow.ys")
	src := "let a = []\nfor i in range(300000) { a.push(str(i)) }\nprint(len(a))\n"
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	// lives runs the script and returns the live heap (MB) after each collection.
	lives := func(env ...string) []int {
		t.Helper()
		// Only the runtime writes to stderr (no block report), and the
		// script's output goes to its own pipe, so trace lines are whole.
		cmd := exec.Command(bin, "--block-report", "0", script)
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "GOGC=") && !strings.HasPrefix(kv, "GODEBUG=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, "GODEBUG=gctrace=1")
		cmd.Env = append(cmd.Env, env...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr.Bytes())
		}
		if string(out) != "300000\n" {
			t.Fatalf("unexpected output:\n%s", out)
		}
		var gs []int
		// A collection still running when the process exits is cut off in
		// the middle of its line: only lines ended by a newline are whole.
		lines := strings.Split(stderr.String(), "\n")
		for _, line := range lines[:len(lines)-1] {
			if !strings.HasPrefix(line, "gc ") {
				continue
			}
			m := liveRE.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("a trace line without heap sizes: %q", line)
			}
			g, _ := strconv.Atoi(m[1])
			gs = append(gs, g)
		}
		return gs
	}
	floor := lives()
	if len(floor) > 1 {
		t.Errorf("with the heap floor: %d collections (live after each %v MB), want at most the one at start", len(floor), floor)
	}
	for _, g := range floor {
		if g < 32 {
			t.Errorf("with the heap floor: %d MB live after a collection, want the floor's 32 and more", g)
		}
	}
	plain := lives("GOGC=100")
	if len(plain) == 0 {
		t.Fatal("with GOGC=100 (no floor): no collection while a list of 300,000 strings grew")
	}
	for _, g := range plain {
		if g >= 16 {
			t.Errorf("with GOGC=100 (no floor): %d MB live after a collection (all %v), want the script's few", g, plain)
		}
	}
}

// liveRE reads the heap left live from a trace line's "start->end->live MB".
var liveRE = regexp.MustCompile(`\d+->\d+->(\d+) MB`)
