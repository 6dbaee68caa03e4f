package main

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestTestCommandVirtualTime(t *testing.T) {
	dir := t.TempDir()
	src := `
import time
fn test_sleeps_an_hour() {
    let t0 = time.monotonic()
    yield sleep(3600)
    let took = time.monotonic() - t0
    assert(took >= 3600 and took < 3601, str(took))
    print("slept", round(took))
}
`
	if err := os.WriteFile(filepath.Join(dir, "hour_test.ys"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	// The per-test timeout counts real time: the hour must be skipped, not waited.
	var out, errb bytes.Buffer
	if status := run([]string{"test", "-timeout", "20s", dir}, nil, &out, &errb); status != 0 {
		t.Fatalf("status %d, stdout %q, stderr %q", status, out.String(), errb.String())
	}
	if got := out.String(); got != "slept 3600\n1 passed, 0 failed\n" {
		t.Errorf("stdout %q", got)
	}
	// --real-time: the same test waits for real, and the timeout stops it.
	out.Reset()
	if status := run([]string{"test", "--real-time", "-timeout", "100ms", dir}, nil, &out, &errb); status != 1 {
		t.Errorf("--real-time: status %d, want 1 (stdout %q)", status, out.String())
	}
	if !strings.Contains(out.String(), "timed out after 100ms") {
		t.Errorf("--real-time: stdout %q", out.String())
	}
}

func TestTestCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("good_test.ys", `
fn double(x) { return 2 * x }
fn test_plain() { assert(double(2) == 4) }
fn test_yields() {
    yield sleep(0.01)
    assert(later() == "later")
}
fn later() { return "later" }
let test_not_a_function = 1
`)
	write("helper.ys", `fn test_never_run() { assert(false) }`)
	var out, errb bytes.Buffer
	if status := run([]string{"test", dir}, nil, &out, &errb); status != 0 {
		t.Fatalf("status %d, stdout %q, stderr %q", status, out.String(), errb.String())
	}
	if got := out.String(); got != "2 passed, 0 failed\n" {
		t.Errorf("stdout %q", got)
	}

	write("bad_test.ys", `
fn test_fails() {
    yield sleep(0.01)
    assert(1 == 2, "one is not two")
}
fn test_hangs() { yield sleep(100) }
fn test_ok() {}
`)
	out.Reset()
	errb.Reset()
	// --real-time: on the default virtual clock test_hangs would jump to its end.
	status := run([]string{"test", "--real-time", "-timeout", "200ms", dir}, nil, &out, &errb)
	if status != 1 {
		t.Errorf("status %d, want 1", status)
	}
	got := out.String()
	for _, want := range []string{
		"FAIL " + filepath.Join(dir, "bad_test.ys") + ": test_fails\n",
		"bad_test.ys:4:11 in test_fails\n",
		"assertion: one is not two\n",
		": test_hangs: timed out after 200ms\n",
		"bad_test.ys:6:19 in test_hangs\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if !strings.HasSuffix(got, "\n3 passed, 2 failed\n") {
		t.Errorf("output does not end with the count:\n%s", got)
	}

	out.Reset()
	if status := run([]string{"test", filepath.Join(dir, "good_test.ys")}, nil, &out, &errb); status != 0 || out.String() != "2 passed, 0 failed\n" {
		t.Errorf("one file: status %d, %q", status, out.String())
	}

	// A server spawned by the top level serves the tests, and the top level
	// does not wait for it to end (nor for the timeout).
	server := write2(t, "server_test.ys", `
import net
let l = net.listen("127.0.0.1", 0)
fn hello(c) { yield c.sendall("hi\n") }
let srv = spawn(net.serve(l, hello))
fn test_server() {
    let c = yield net.connect("127.0.0.1", l.port)
    assert((yield c.readline()) == "hi\n")
}
`)
	out.Reset()
	start := time.Now()
	if status := run([]string{"test", "-timeout", "5s", server}, nil, &out, &errb); status != 0 || out.String() != "1 passed, 0 failed\n" {
		t.Errorf("a server at the top level: status %d, %q", status, out.String())
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the top level's server held the run up for %v", d)
	}

	// An error escaping a task fails the test it happened in; os.exit
	// fails its test.
	leak := write2(t, "leak_test.ys", `
import os
fn bad() {
    yield sleep(0.01)
    throw error("late")
}
fn test_leaks() {
    spawn(bad())
    yield sleep(0.1)
}
fn test_exits() { os.exit(0) }
fn test_fine() {}
fn test_leaks_too() {
    spawn(bad())
    yield sleep(0.1)
}
`)
	out.Reset()
	errb.Reset()
	if status := run([]string{"test", leak}, nil, &out, &errb); status != 1 {
		t.Errorf("leak: status %d", status)
	}
	for _, want := range []string{
		": test_leaks: an error escaped a task while it ran",
		": test_leaks_too: an error escaped a task while it ran",
		": test_exits: called os.exit(0)\n",
		"1 passed, 3 failed\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errb.String(), "error: late") {
		t.Errorf("the task's error is not on stderr: %q", errb.String())
	}

	// A top level that hangs fails its file at the timeout (real time: on
	// the virtual clock the sleep would end at once).
	hang := write2(t, "hang_test.ys", "yield sleep(100)\nfn test_never() {}\n")
	out.Reset()
	if status := run([]string{"test", "--real-time", "-timeout", "200ms", hang}, nil, &out, &errb); status != 1 ||
		!strings.Contains(out.String(), "hang_test.ys (running its top level): timed out after 200ms\n") ||
		!strings.Contains(out.String(), "hang_test.ys:1:1 in <main>\n") ||
		!strings.HasSuffix(out.String(), "\n0 passed, 1 failed\n") {
		t.Errorf("a hanging top level: status %d, %q", status, out.String())
	}
	if status := run([]string{"test", filepath.Join(dir, "missing")}, nil, &out, &errb); status != 2 {
		t.Errorf("missing path: status %d", status)
	}
}

// write2 writes a file in a directory of its own.
func write2(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// SIGQUIT prints every task with where it waits and the program carries on.
func TestSIGQUITDumpsTasks(t *testing.T) {
	script := writeScript(t, `
fn worker(n) {
    yield sleep(n)
}
let a = spawn(worker(0.8))
let b = spawn(worker(0.9))
print("ready")
yield a
print("finished")
`)
	cmd, out, errb := startChild(t, script)
	waitForOutput(t, out, "ready")
	if err := cmd.Process.Signal(syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	waitForOutput(t, errb, "task 3 [")
	if status := waitChild(t, cmd, 10*time.Second); status != 0 {
		t.Fatalf("status %d, stderr %q", status, errb.String())
	}
	dump := errb.String()
	for _, want := range []string{
		"task dump: 3 live tasks",
		"task 1 [waiting on task 2]:",
		"s.ys:8:1 in <main>",
		"[waiting on sleep 800ms]:",
		"[waiting on sleep 900ms]:",
		"s.ys:3:5 in worker",
		"(task 2 spawned here)",
	} {
		if !strings.Contains(dump, want) {
			t.Errorf("the dump lacks %q:\n%s", want, dump)
		}
	}
	if !strings.Contains(out.String(), "finished") {
		t.Errorf("the program did not carry on: %q", out.String())
	}
}

// ptySession is the yieldscript REPL running in a child process on a real
// pseudo-terminal.
type ptySession struct {
	t      *testing.T
	cmd    *exec.Cmd
	master *os.File
	out    *syncBuffer
	mark   int // how much of out the last expect matched
}

func startPTY(t *testing.T, home string) *ptySession {
	t.Helper()
	master, slave := openPTY(t)
	t.Cleanup(func() { master.Close() })
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"=1", "HOME="+home, "TERM=xterm")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = ptyAttr()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	p := &ptySession{t: t, cmd: cmd, master: master, out: &syncBuffer{}}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			p.out.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	return p
}

// expect waits for re after what was matched last and returns its groups.
func (p *ptySession) expect(re string) []string {
	p.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := p.out.String()
		if loc := rx.FindStringSubmatchIndex(s[p.mark:]); loc != nil {
			m := rx.FindStringSubmatch(s[p.mark:])
			p.mark += loc[1]
			return m
		}
		if time.Now().After(deadline) {
			p.cmd.Process.Kill()
			p.t.Fatalf("never saw %q after:\n%q", re, s[p.mark:])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// rest is what came after the last match.
func (p *ptySession) rest() string { return p.out.String()[p.mark:] }

func (p *ptySession) typeLine(s string) { p.master.Write([]byte(s + "\r")) }
func (p *ptySession) keys(s string)     { p.master.Write([]byte(s)) }

// The terminal REPL through a real pseudo-terminal: continuation lines, a
// server spawned at the prompt that answers while the prompt waits, Ctrl-C
// during yield sleep(10), errors, tab completion, Ctrl-\, :tasks, Ctrl-D
// (which cancels the tasks: their finally blocks run), and the history file,
// read again by the next session.
func TestTerminalREPL(t *testing.T) {
	home := t.TempDir()
	p := startPTY(t, home)
	expect, typeLine := p.expect, p.typeLine

	expect(`>>> `)
	typeLine("fn f(x) {")
	expect(`\.\.\. `)
	typeLine("    return x * 2")
	expect(`\.\.\. `)
	typeLine("}")
	expect(`>>> `)
	typeLine("f(21)")
	expect(`[\r\n]42\r?\n`)

	typeLine("import net")
	typeLine(`let l = net.listen("127.0.0.1", 0)`)
	typeLine(`fn hello(c) { yield c.sendall("hello\n") }`)
	typeLine(`let srv = spawn(net.serve(l, hello))`)
	typeLine(`f"PORT={l.port}"`)
	port := expect(`PORT=(\d+)`)[1]
	expect(`>>> `)
	ask := func() {
		t.Helper()
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+port, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil || line != "hello\n" {
			t.Fatalf("the server spawned at the prompt answered %q, %v", line, err)
		}
	}
	ask() // while the prompt waits for input

	typeLine("yield sleep(10)")
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	p.keys("\x03") // Ctrl-C
	// ^C on a line of its own, then where the statement was stopped.
	expect(`\^C\r?\n`)
	expect(`Traceback \(innermost last\):\r?\n  <stdin>:\d+:1 in <main>\r?\ncancelled: interrupted\r?\n`)
	expect(`>>> `)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Ctrl-C took %v", d)
	}
	ask() // the background task survived Ctrl-C

	typeLine("let unfinished = [1,")
	expect(`\.\.\. `)
	p.keys("\x03") // Ctrl-C at a continuation drops the statement
	expect(`>>> `)
	typeLine("srv.done()")
	expect(`false`)

	// An error prints its traceback and the REPL goes on.
	typeLine("fn g() { return 1 / 0 }")
	typeLine("g()")
	expect(`Traceback \(innermost last\):\r?\n  <stdin>:\d+:\d+ in <main>\r?\n  <stdin>:\d+:\d+ in g\r?\nzero_division: division by zero`)
	typeLine(`"still" + " here"`)
	expect(`"still here"`)

	// Tab completes a builtin, and lists a module's members (not its private
	// ones).
	p.keys("pri\t")
	time.Sleep(200 * time.Millisecond)
	typeLine(`("tab" + "bed")`)
	expect(`[\r\n]tabbed\r?\n`)
	p.keys("net.\t\t")
	listing := expect(`net\.connect.*\r?\n`)[0]
	if !strings.Contains(listing, "net.serve") || strings.Contains(listing, "_serve_conn") {
		t.Errorf("net.<Tab><Tab> listed %q", listing)
	}
	p.keys("\x15") // Ctrl-U drops the line
	typeLine(":tasks")
	expect(`\[waiting on listener\.accept\] at \S+:\d+`)
	expect(`>>> `)

	// Ctrl-\ at the prompt writes the task dump, and leaves the line alone.
	p.keys("\x1c")
	expect(`task dump: 1 live task`)
	expect(`\[waiting on listener\.accept\]`)
	typeLine("1 + 1")
	expect(`[\r\n]2\r?\n`)
	if strings.Contains(p.out.String(), "control character") {
		t.Errorf("Ctrl-\\ went into the line:\n%s", p.out.String())
	}

	typeLine(`fn cleanup() { try { yield sleep(100) } finally { print("finally ran") } }`)
	typeLine(`let c = spawn(cleanup())`)
	typeLine(`"last" + "line"`)
	expect(`"lastline"`)
	expect(`>>> `)
	p.keys("\x04") // Ctrl-D
	expect(`finally ran`)
	if status := waitChild(t, p.cmd, 10*time.Second); status != 0 {
		t.Errorf("status %d after Ctrl-D:\n%s", status, p.out.String())
	}
	hist, err := os.ReadFile(filepath.Join(home, ".yieldscript_history"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"f(21)\n", "yield sleep(10)\n", "    return x * 2\n"} {
		if !strings.Contains(string(hist), want) {
			t.Errorf("history lacks %q:\n%s", want, hist)
		}
	}

	// The next session finds the history: Up brings back the last line.
	p = startPTY(t, home)
	p.expect(`>>> `)
	p.keys("\x1b[A")
	p.expect(`"last" \+ "line"`)
	p.keys("\r")
	p.expect(`"lastline"`)
	p.expect(`>>> `)
	p.keys("\x04")
	if status := waitChild(t, p.cmd, 10*time.Second); status != 0 {
		t.Errorf("status %d after Ctrl-D:\n%s", status, p.out.String())
	}
}
