package process_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript/stdlib/internal/scripttest"
	"github.com/yieldscript/yieldscript/stdlib/process"
)

// zombieChildren counts the children of this process that have ended and
// not been reaped.
func zombieChildren(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("no /proc:", err)
	}
	me := fmt.Sprint(os.Getpid())
	n := 0
	for _, e := range ents {
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) > 2 && f[0] == "Z" && f[1] == me {
			n++
		}
	}
	return n
}

// TestProcessReleasesFDs: spawning, running, timeouts, cancelled waits and
// cancelled runs, and programs that cannot start leave the descriptor count
// where it was, and no child is left a zombie.
func TestProcessReleasesFDs(t *testing.T) { processReleasesFDs(t) }

// TestProcessWithoutPidfd: the same where pidfd_open fails (a goroutine in
// wait4 watches each child).
func TestProcessWithoutPidfd(t *testing.T) {
	defer process.NoPidfd()()
	processReleasesFDs(t)
	out := scripttest.RunClient(t, `
import process
let p = process.spawn(["sh", "-c", "exit 4"])
print((yield p.wait()), (yield process.run(["sh", "-c", "kill -9 $$"]))["status"])
`, nil)
	if out != "4 -9\n" {
		t.Errorf("got %q", out)
	}
}

func processReleasesFDs(t *testing.T) {
	out := scripttest.RunClient(t, `
import process
let base = fds()
for i in range(5) {
    let r = yield process.run(["cat"], {input: "abc"})
    assert(r["stdout"] == "abc")
    let p = process.spawn(["cat"], {stdin: "pipe", stdout: "pipe", stderr: "pipe"})
    yield p.stdin.sendall("x")
    p.stdin.close()
    assert((yield p.stdout.recv(5)) == "x")
    assert((yield p.wait()) == 0)
    p.stdout.close()
    p.stderr.close()
    try { yield process.run(["sleep", "30"], {timeout: 0.01}) } catch e { assert(e.kind == "timeout") }
    # a cancelled run kills its child
    try { yield timeout(0.01, process.run(["sleep", "30"])) } catch e { assert(e.kind == "timeout") }
    # a cancelled wait does not kill the child, and releases its registration
    let q = process.spawn(["sleep", "30"])
    try { yield timeout(0.01, q.wait()) } catch e { assert(e.kind == "timeout") }
    q.kill()
    assert((yield q.wait()) == -15)
    try { process.spawn(["/no/such/program"], {stdout: "pipe", stdin: "null"}) } catch e { assert(e.kind == "not_found") }
}
print(fds() - base)
`, map[string]any{"fds": func() int { return scripttest.OpenFDs(t) }})
	if out != "0\n" {
		t.Errorf("descriptors left open: %q", out)
	}
	// The children killed by cancelled runs are reaped by goroutines.
	for i := 0; zombieChildren(t) > 0; i++ {
		if i == 500 {
			t.Fatalf("%d zombie children", zombieChildren(t))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
