package repl

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript"
)

// syncBuffer is a bytes.Buffer safe for the loop and the REPL to write at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newTestVM(t *testing.T, out, errw io.Writer) *yieldscript.VM {
	t.Helper()
	v := yieldscript.New(yieldscript.Options{Stdout: out, Stderr: errw, Modules: yieldscript.AllModules})
	t.Cleanup(func() { v.Close() })
	return v
}

func TestRunPipe(t *testing.T) {
	out, errw := &syncBuffer{}, &syncBuffer{}
	v := newTestVM(t, out, errw)
	in := strings.Join([]string{
		`let x = 20`,
		`x * 2 + 2`,
		`"text"`,
		`fn add(a,`,
		`       b) {`,
		`    return a + b`,
		`}`,
		`[add(1, 2), "a"]`,
		`print("hi")`,
		`nil`,
		`yield sleep(0.01)`,
		`(yield sleep(0.01)) == nil`,
		`missing + 1`,
		`"still going"`,
	}, "\n") + "\n"
	status := Run(context.Background(), v, "<stdin>", strings.NewReader(in), out, errw)
	want := "42\n\"text\"\n[3, \"a\"]\nhi\ntrue\n\"still going\"\n"
	if got := out.String(); got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	if !strings.Contains(errw.String(), "<stdin>:13:1: undefined: missing") {
		t.Errorf("stderr = %q, want the compile error at line 13", errw.String())
	}
	if status != 1 {
		t.Errorf("status = %d, want 1 (an input failed)", status)
	}
}

// Piped input may put else, catch and finally on the line after the "}", as
// a file may: the statement runs once the next line shows it is whole.
func TestRunPipeElseOnNextLine(t *testing.T) {
	out, errw := &syncBuffer{}, &syncBuffer{}
	v := newTestVM(t, out, errw)
	in := strings.Join([]string{
		`let x = 1`,
		`if x == 2 {`,
		`    print("two")`,
		`}`,
		`else if x == 3 { print("three") }`,
		``,
		`else {`,
		`    print("other")`,
		`}`,
		`try {`,
		`    throw error("boom")`,
		`}`,
		`catch e { print("caught", e.message) }`,
		`finally { print("finally") }`,
		`if true { print("alone") }`,
		`x + 1`,
		`elsewhere = 1`,
		`try { print("last") } catch { }`,
	}, "\n") + "\n"
	status := Run(context.Background(), v, "<stdin>", strings.NewReader(in), out, errw)
	want := "other\ncaught boom\nfinally\nalone\n2\nlast\n"
	if got := out.String(); got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	// A name that starts like "else" is not the else of the if before it.
	if !strings.Contains(errw.String(), "<stdin>:17:1: undefined: elsewhere") {
		t.Errorf("stderr = %q, want the compile error at line 17", errw.String())
	}
	if status != 1 {
		t.Errorf("status = %d, want 1", status)
	}
}

func TestRunWaitsForTasksAtEnd(t *testing.T) {
	out, errw := &syncBuffer{}, &syncBuffer{}
	v := newTestVM(t, out, errw)
	in := "fn later() {\n  yield sleep(0.05)\n  print(\"later\")\n}\nspawn(later())\n\"next\"\n"
	status := Run(context.Background(), v, "<stdin>", strings.NewReader(in), out, errw)
	// The spawned task does not hold up the next input, and the input's end
	// waits for it.
	if got, want := out.String(), "\"next\"\nlater\n"; !strings.HasPrefix(got, "<task ") || !strings.HasSuffix(got, " ready>\n"+want) {
		t.Errorf("stdout = %q, want <task N ready> then %q", got, want)
	}
	if status != 0 {
		t.Errorf("status = %d, stderr %q", status, errw.String())
	}
}

func TestOSExit(t *testing.T) {
	out, errw := &syncBuffer{}, &syncBuffer{}
	v := newTestVM(t, out, errw)
	status := Run(context.Background(), v, "<stdin>", strings.NewReader("import os\n1\nos.exit(7)\n2\n"), out, errw)
	if status != 7 || out.String() != "1\n" {
		t.Errorf("status %d, stdout %q; want 7 and %q", status, out.String(), "1\n")
	}
}

func TestContinuationPrompt(t *testing.T) {
	out := &syncBuffer{}
	v := newTestVM(t, out, out)
	r := New(v, "<stdin>", out, out)
	ctx := context.Background()
	steps := []struct{ line, prompt string }{
		{"let m = {", ContinuationPrompt},
		{`  a: [1,`, ContinuationPrompt},
		{"  2], b: (3 +", ContinuationPrompt},
		{"  4)}", Prompt},
		{"m.b", Prompt},
		{"if true {", ContinuationPrompt},
		{"", ContinuationPrompt},
		{"}", Prompt},
	}
	for _, s := range steps {
		r.Line(ctx, s.line)
		if got := r.Prompt(); got != s.prompt {
			t.Errorf("after %q the prompt is %q, want %q", s.line, got, s.prompt)
		}
	}
	if out.String() != "7\n" {
		t.Errorf("output %q, want 7", out.String())
	}
	r.Line(ctx, "let y = [")
	r.Reset()
	if r.Prompt() != Prompt {
		t.Error("Reset left the input pending")
	}
}

// Cancelling the context of the line running (what Ctrl-C does) stops a
// statement waiting in yield sleep(10), and leaves earlier tasks running.
func TestCancelRunningStatement(t *testing.T) {
	out, errw := &syncBuffer{}, &syncBuffer{}
	v := newTestVM(t, out, errw)
	r := New(v, "<stdin>", out, errw)
	bg := context.Background()
	r.Line(bg, "let ticks = 0")
	r.Line(bg, "fn ticker() { while true { yield sleep(0.01); ticks += 1 } }")
	r.Line(bg, "let bgtask = spawn(ticker())")
	ctx, cancel := context.WithCancel(bg)
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	r.Line(ctx, "yield sleep(10)")
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("the cancelled statement took %v", d)
	}
	// Where it was stopped, and no host message ("context canceled").
	if want := "Traceback (innermost last):\n  <stdin>:4:1 in <main>\ncancelled: interrupted\n"; errw.String() != want {
		t.Errorf("stderr = %q, want %q", errw.String(), want)
	}
	if r.Failed() {
		t.Error("an interrupted statement counted as failed")
	}
	r.Line(bg, "let before = ticks")
	r.Line(bg, "yield sleep(0.05)")
	r.Line(bg, "[ticks > before, bgtask.done()]")
	if !strings.HasSuffix(out.String(), "[true, false]\n") {
		t.Errorf("stdout = %q: the background task should still tick", out.String())
	}
}

func TestTasksAndHelp(t *testing.T) {
	out := &syncBuffer{}
	v := newTestVM(t, out, out)
	r := New(v, "<stdin>", out, out)
	ctx := context.Background()
	r.Line(ctx, ":tasks")
	if !strings.Contains(out.String(), "no live tasks") {
		t.Errorf(":tasks with none: %q", out.String())
	}
	r.Line(ctx, "import sync")
	r.Line(ctx, "let q = sync.queue()")
	r.Line(ctx, "fn sleeper() {")
	r.Line(ctx, "    yield sleep(30)")
	r.Line(ctx, "}")
	r.Line(ctx, "fn getter() { yield q.get() }")
	r.Line(ctx, "let a = spawn(sleeper())")
	r.Line(ctx, "let b = spawn_named(\"getter\", getter)")
	r.Line(ctx, "yield sleep(0)")
	r.Line(ctx, ":tasks")
	got := out.String()
	for _, want := range []string{"[waiting on sleep 30s] at <stdin>:5", "\"getter\" [waiting on queue.get] at <stdin>:7"} {
		if !strings.Contains(got, want) {
			t.Errorf(":tasks output %q lacks %q", got, want)
		}
	}
	r.Line(ctx, ":help")
	if !strings.Contains(out.String(), ":tasks") {
		t.Errorf(":help output lacks :tasks")
	}
	r.Line(ctx, ":bogus")
	if !strings.Contains(out.String(), "unknown command :bogus") {
		t.Errorf("unknown command not reported")
	}
	if !r.Line(ctx, ":quit") {
		t.Error(":quit did not stop")
	}
}

// A server spawned at the prompt answers on its socket while the REPL waits
// for its next line.
func TestBackgroundServerWhileWaiting(t *testing.T) {
	out, errw := &syncBuffer{}, &syncBuffer{}
	v := newTestVM(t, out, errw)
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() { done <- Run(context.Background(), v, "<stdin>", pr, out, errw) }()
	fmt.Fprintln(pw, `import net`)
	fmt.Fprintln(pw, `let l = net.listen("127.0.0.1", 0)`)
	fmt.Fprintln(pw, `let hits = 0`)
	fmt.Fprintln(pw, `fn echo(c) { let line = yield c.readline(); hits += 1; yield c.sendall("got " + line) }`)
	fmt.Fprintln(pw, `let server = spawn(net.serve(l, echo))`)
	fmt.Fprintln(pw, `l.port`)
	port := waitForLine(t, out, 1)
	for i := range 3 {
		c, err := net.Dial("tcp", "127.0.0.1:"+port)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "ping %d\n", i)
		reply, err := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if err != nil || reply != fmt.Sprintf("got ping %d\n", i) {
			t.Fatalf("reply %q, %v", reply, err)
		}
	}
	fmt.Fprintln(pw, `hits`)
	fmt.Fprintln(pw, `server.cancel()`)
	pw.Close()
	select {
	case status := <-done:
		if status != 0 {
			t.Errorf("status %d, stderr %q", status, errw.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the REPL did not end")
	}
	if !strings.Contains(out.String(), "\n3\ntrue\n") {
		t.Errorf("stdout %q", out.String())
	}
}

// waitForLine waits until out has n lines and returns the last one.
func waitForLine(t *testing.T, out *syncBuffer, n int) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if strings.HasSuffix(out.String(), "\n") && len(lines) >= n {
			return lines[n-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("output never reached %d lines: %q", n, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCompleter(t *testing.T) {
	out := &syncBuffer{}
	v := newTestVM(t, out, out)
	r := New(v, "<stdin>", out, out)
	r.Line(context.Background(), "let counter = 1")
	r.Line(context.Background(), "import net")
	r.Line(context.Background(), "import math")
	r.Line(context.Background(), `let name = "ada"`)
	r.Line(context.Background(), "let xs = [3, 1]")
	c := completer{vm: func() *yieldscript.VM { return v }}
	cases := []struct {
		line string
		want string // one of the completions, as the text appended
		n    int
	}{
		{"print(coun", "ter", 4},
		{"net.con", "nect", 7},
		{"spa", "wn", 3},
		{"math.sq", "rt", 7},
		{"x = math.fa", "ctorial", 7},
		{"sor", "ted", 3},
		{"print(form", "at", 4},
		{"name.remove", "prefix", 11},
		{"name.zf", "ill", 7},
		{"xs.ext", "end", 6},
	}
	for _, tc := range cases {
		got, n := c.Do([]rune(tc.line), len([]rune(tc.line)))
		found := false
		for _, g := range got {
			if string(g) == tc.want {
				found = true
			}
		}
		if !found || n != tc.n {
			t.Errorf("Do(%q) = %q, %d; want %q among them and %d", tc.line, got, n, tc.want, tc.n)
		}
	}
	// Private names (_serve_conn) only once an _ is typed.
	got, _ := c.Do([]rune("net."), 4)
	if len(got) == 0 {
		t.Error("net. completes to nothing")
	}
	for _, g := range got {
		if strings.HasPrefix(string(g), "_") {
			t.Errorf("net. offers the private %q", g)
		}
	}
	if got, _ := c.Do([]rune("net._"), 5); len(got) == 0 {
		t.Error("net._ does not offer the private members")
	}
	if got, _ := c.Do([]rune("12"), 2); len(got) != 0 {
		t.Errorf("completed a number: %q", got)
	}
}
