//go:build linux

package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

const workersServer = `
import net
import os
let l = net.listen("127.0.0.1", int(os.args[0]))
print("ready", os.worker(), "of", os.workers())
fn answer(c) {
    yield c.sendall(f"worker {os.worker()}\n")
    c.close()
}
yield net.serve(l, answer)
`

// TestWorkersShareAPort: with --workers 2 both workers listen on the same
// port (SO_REUSEPORT) and new connections reach both; SIGTERM stops every
// worker and the process exits with 143.
func TestWorkersShareAPort(t *testing.T) {
	port := freePort(t)
	cmd, out, errb := startChild(t, "--workers", "2", writeScript(t, workersServer), fmt.Sprint(port))
	waitForOutput(t, out, "ready 0 of 2\n")
	waitForOutput(t, out, "ready 1 of 2\n")
	seen := map[string]int{}
	for i := 0; i < 500 && len(seen) < 2; i++ {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
		if err != nil {
			cmd.Process.Kill()
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		line, err := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if line != "worker 0\n" && line != "worker 1\n" {
			cmd.Process.Kill()
			t.Fatalf("connection %d: %q, %v", i, line, err)
		}
		seen[line]++
	}
	cmd.Process.Signal(syscall.SIGTERM)
	code := waitChild(t, cmd, 15*time.Second)
	if len(seen) != 2 {
		t.Errorf("answers came from %v, want both workers", seen)
	}
	if code != 143 {
		t.Errorf("exit status %d, want 143 (stderr %q)", code, errb.String())
	}
	if errb.String() != "" {
		t.Errorf("stderr %q", errb.String())
	}
}

// TestWorkersWholeLines: the workers print at the same time, in pieces, and
// every line of the output is one worker's whole line.
func TestWorkersWholeLines(t *testing.T) {
	src := `
import os
let w = os.worker()
for i in range(300) {
    print(f"w{w}", "i" + str(i), "x" * (i % 97), "end")
    if i % 50 == 0 { yield sleep(0) }
}
`
	cmd, out, errb := startChild(t, "--workers", "3", writeScript(t, src))
	if code := waitChild(t, cmd, 30*time.Second); code != 0 {
		t.Fatalf("exit status %d, stderr %q", code, errb.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 900 {
		t.Fatalf("%d lines", len(lines))
	}
	re := regexp.MustCompile(`^w[012] i(\d+) x* end$`)
	next := map[string]int{}
	for _, line := range lines {
		m := re.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("mixed line %q", line)
		}
		w := line[:2]
		if want := fmt.Sprint(next[w]); m[1] != want {
			t.Fatalf("%s: line %s after %s", w, m[1], want)
		}
		next[w]++
	}
}

// TestWorkersWorstStatus: the process exits with the highest status of the
// workers.
func TestWorkersWorstStatus(t *testing.T) {
	src := "import os\nos.exit([3, 7, 5][os.worker()])\n"
	cmd, _, errb := startChild(t, "--workers", "3", writeScript(t, src))
	if code := waitChild(t, cmd, 15*time.Second); code != 7 {
		t.Errorf("exit status %d, want 7 (stderr %q)", code, errb.String())
	}
	// An error in one worker (status 1) beside workers that end well.
	src = "import os\nif os.worker() == 1 { [][1] }\nprint(\"ok\", os.worker())\n"
	cmd, out, errb := startChild(t, "--workers", "2", writeScript(t, src))
	if code := waitChild(t, cmd, 15*time.Second); code != 1 || !strings.Contains(errb.String(), "index") || out.String() != "ok 0\n" {
		t.Errorf("exit status %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}

// TestWorkersSignalClaimed: a signal the workers wait on with os.signal is
// theirs, as for one process: it does not cancel the run.
func TestWorkersSignalClaimed(t *testing.T) {
	src := `import os
let w = spawn(fn() { return yield os.signal("SIGTERM") })
yield sleep(0)
print("ready", os.worker())
print("got", (yield w), os.worker())
`
	cmd, out, errb := startChild(t, "--workers", "2", writeScript(t, src))
	waitForOutput(t, out, "ready 0")
	waitForOutput(t, out, "ready 1")
	cmd.Process.Signal(syscall.SIGTERM)
	if code := waitChild(t, cmd, 15*time.Second); code != 0 {
		t.Errorf("exit status %d, want 0 (stderr %q)", code, errb.String())
	}
	for _, want := range []string{"got SIGTERM 0\n", "got SIGTERM 1\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output %q lacks %q", out.String(), want)
		}
	}
}

func TestWorkersOptionErrors(t *testing.T) {
	for _, args := range [][]string{{"--workers"}, {"--workers", "x", "a.ys"}, {"--workers", "-1", "a.ys"}, {"--workers=5000", "a.ys"}} {
		var out, errb strings.Builder
		if code := run(args, strings.NewReader(""), &out, &errb); code != 2 || !strings.Contains(errb.String(), "--workers needs a number") {
			t.Errorf("%q: status %d, stderr %q", args, code, errb.String())
		}
	}
	// --workers 1 and --workers=2 with a file.
	for _, a := range [][]string{{"--workers", "1"}, {"--workers=2"}} {
		var out, errb strings.Builder
		args := append(a, "-e", "import os\nif os.worker() == 0 { print(os.workers()) }")
		if code := run(args, strings.NewReader(""), &out, &errb); code != 0 || out.String() != a[len(a)-1][len(a[len(a)-1])-1:]+"\n" {
			t.Errorf("%q: status %d, stdout %q, stderr %q", args, code, out.String(), errb.String())
		}
	}
}

// TestSpareProc: with exactly one P per worker's loop, --workers adds a
// spare one; with fewer Ps than loops (fewer CPUs than workers), or
// GOMAXPROCS set in the environment, it leaves GOMAXPROCS alone.
func TestSpareProc(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	t.Setenv("GOMAXPROCS", "")
	os.Unsetenv("GOMAXPROCS")
	for _, c := range []struct{ procs, loops, want int }{
		{2, 2, 3}, // one P per loop: a spare one
		{1, 1, 2},
		{1, 2, 1}, // fewer CPUs than loops: as it was
		{4, 2, 4}, // idle Ps already
	} {
		runtime.GOMAXPROCS(c.procs)
		spareProc(c.loops)
		if got := runtime.GOMAXPROCS(0); got != c.want {
			t.Errorf("GOMAXPROCS %d, %d loops: got %d Ps, want %d", c.procs, c.loops, got, c.want)
		}
	}
	t.Setenv("GOMAXPROCS", "2")
	runtime.GOMAXPROCS(2)
	spareProc(2)
	if got := runtime.GOMAXPROCS(0); got != 2 {
		t.Errorf("with GOMAXPROCS=2 in the environment, 2 loops: got %d Ps, want 2", got)
	}
}
