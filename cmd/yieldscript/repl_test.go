package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

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
	status := run([]string{"test", "-timeout", "200ms", dir}, nil, &out, &errb)
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
	if status := run([]string{"test", filepath.Join(dir, "missing")}, nil, &out, &errb); status != 2 {
		t.Errorf("missing path: status %d", status)
	}
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

// openPTY opens a pseudo-terminal pair.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		m.Close()
		t.Skipf("ptsname: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("open the pty: %v", err)
	}
	unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: 200})
	return m, s
}

// The terminal REPL through a real pseudo-terminal: continuation lines, a
// server spawned at the prompt that answers while the prompt waits, Ctrl-C
// during yield sleep(10), :tasks, Ctrl-D, and the history file.
func TestTerminalREPL(t *testing.T) {
	master, slave := openPTY(t)
	defer master.Close()
	home := t.TempDir()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"=1", "HOME="+home, "TERM=xterm")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	out := &syncBuffer{}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			out.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	mark := 0
	// expect waits for re after what was matched last.
	expect := func(re string) []string {
		t.Helper()
		rx := regexp.MustCompile(re)
		deadline := time.Now().Add(10 * time.Second)
		for {
			s := out.String()
			if loc := rx.FindStringSubmatchIndex(s[mark:]); loc != nil {
				m := rx.FindStringSubmatch(s[mark:])
				mark += loc[1]
				return m
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("never saw %q after:\n%q", re, s[mark:])
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	typeLine := func(s string) { master.Write([]byte(s + "\r")) }

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
	master.Write([]byte{3}) // Ctrl-C
	expect(`cancelled`)
	expect(`>>> `)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Ctrl-C took %v", d)
	}
	ask() // the background task survived Ctrl-C

	typeLine("let unfinished = [1,")
	expect(`\.\.\. `)
	master.Write([]byte{3}) // Ctrl-C at a continuation drops the statement
	expect(`>>> `)
	typeLine("srv.done()")
	expect(`false`)
	typeLine(":tasks")
	expect(`waiting  at \S+:\d+  on listener\.accept`)
	expect(`>>> `)
	master.Write([]byte{4}) // Ctrl-D
	if status := waitChild(t, cmd, 10*time.Second); status != 0 {
		t.Errorf("status %d after Ctrl-D:\n%s", status, out.String())
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
}
