package repl

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/chzyer/readline"

	"github.com/yieldscript/yieldscript"
)

// TerminalConfig says how Terminal talks to its terminal and makes its VM.
type TerminalConfig struct {
	// NewVM makes the VM, writing to the given stdout and stderr (which keep
	// the prompt in place while background tasks print).
	NewVM func(stdout, stderr io.Writer) *yieldscript.VM
	// Stdin, Stdout and Stderr are the terminal (nil: the process's own).
	Stdin          io.ReadCloser
	Stdout, Stderr io.Writer
	// HistoryFile keeps the input lines between sessions ("": none).
	HistoryFile string
	// Interrupts delivers SIGINT while a statement runs, which cancels it.
	// Nil: Terminal listens for SIGINT itself.
	Interrupts <-chan os.Signal
}

// DefaultHistoryFile is ~/.yieldscript_history, or "" when there is no home.
func DefaultHistoryFile() string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".yieldscript_history")
}

// Terminal runs an interactive REPL with line editing, history and tab
// completion (of globals, builtins and module members). Ctrl-C cancels the
// statement running (not the tasks spawned by earlier statements) or clears
// the line being typed; Ctrl-D on an empty line cancels every task and
// leaves; Ctrl-\ at the prompt writes the task dump (as SIGQUIT does while a
// statement runs). The status is the code given to os.exit, 130 when the user
// left with Ctrl-C a statement that would not stop, or 0: unlike Run's, it
// does not count the errors the user saw at the prompt.
func Terminal(cfg TerminalConfig) int {
	// The VM is made once the terminal is open; readline's goroutine may
	// look for it before.
	var vp atomic.Pointer[yieldscript.VM]
	var errw io.Writer
	rl, err := readline.NewEx(&readline.Config{
		Prompt:          Prompt,
		HistoryFile:     cfg.HistoryFile,
		InterruptPrompt: "^C",
		EOFPrompt:       "",
		Stdin:           cfg.Stdin,
		Stdout:          cfg.Stdout,
		Stderr:          cfg.Stderr,
		AutoComplete:    completer{vm: vp.Load},
		// Keys readline has no binding for it inserts into the line, unseen:
		// take them out again (a filter that drops them would leave readline
		// reading the terminal when it closes). Ctrl-\ writes the task dump.
		Listener: readline.FuncListener(func(line []rune, pos int, key rune) ([]rune, int, bool) {
			if key != ctrlBackslash && !unboundControl(key) {
				return nil, 0, false
			}
			if key == ctrlBackslash {
				if v := vp.Load(); v != nil {
					go DumpTasks(errw, v)
				}
			}
			if pos > 0 && pos <= len(line) && line[pos-1] == key {
				return append(line[:pos-1:pos-1], line[pos:]...), pos - 1, true
			}
			return nil, 0, false
		}),
	})
	if err != nil {
		w := cfg.Stderr
		if w == nil {
			w = os.Stderr
		}
		io.WriteString(w, "yieldscript: cannot open the terminal: "+err.Error()+"\n")
		return 1
	}
	defer closeWithin(func() { rl.Close() }, time.Second)
	out := rl.Stdout()
	errw = rl.Stderr()
	v := cfg.NewVM(out, errw)
	vp.Store(v)
	defer closeWithin(func() { v.Close() }, 2*time.Second)

	sigs := cfg.Interrupts
	if sigs == nil {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGINT)
		defer signal.Stop(ch)
		sigs = ch
	}
	r := New(v, "<stdin>", out, errw)

	// The terminal is read on a goroutine of its own, one line per request,
	// so that the terminal is in raw mode only while a line is being typed.
	type input struct {
		line string
		err  error
	}
	want := make(chan string)
	lines := make(chan input)
	go func() {
		defer close(lines)
		for prompt := range want {
			rl.SetPrompt(prompt)
			line, err := rl.Readline()
			lines <- input{line, err}
		}
	}()
	defer close(want)

	for {
		want <- r.Prompt()
		in := <-lines
		switch {
		case errors.Is(in.err, readline.ErrInterrupt):
			r.Reset() // Ctrl-C while typing: drop the statement
			continue
		case in.err != nil: // Ctrl-D (io.EOF) or a broken terminal
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			v.CancelTasks()
			v.WaitTasks(ctx)
			cancel()
			if code, ok := r.Exited(); ok {
				return code
			}
			return 0 // errors at the prompt were the user's to see, not a failure
		}
		for len(sigs) > 0 {
			<-sigs // an interrupt that came after the last statement ended
		}
		stop, left := runLine(r, in.line, sigs, errw, time.Second)
		if left {
			return 130
		}
		if stop {
			v.CancelTasks()
			if code, ok := r.Exited(); ok {
				return code
			}
			return 0
		}
	}
}

// ctrlBackslash is the key that sends SIGQUIT when the terminal is not in
// raw mode.
const ctrlBackslash = 0x1c

// unboundControl reports whether r is a control key readline has no binding
// for.
func unboundControl(r rune) bool {
	switch r {
	case 0x0f, 0x11, 0x16, 0x18, 0x1d, 0x1e, 0x1f: // Ctrl-O, Q, V, X, ], ^, _
		return true
	}
	return false
}

// runLine gives the REPL one line. An interrupt while it runs cancels the
// statement. If the statement still runs after grace (it caught the
// cancellation, or its finally blocks take long), a hint says so, and one more
// interrupt gives up on it: runLine returns at once with left set.
func runLine(r *REPL, line string, sigs <-chan os.Signal, errw io.Writer, grace time.Duration) (stop, left bool) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan bool, 1)
	go func() { done <- r.Line(ctx, line) }()
	var hint <-chan time.Time
	hinted := false
	for {
		select {
		case stop := <-done:
			return stop, false
		case <-sigs:
			switch {
			case ctx.Err() == nil:
				// The terminal may have echoed ^C, without a newline, and
				// readline may clear the line before a write: one ^C line
				// either way.
				io.WriteString(errw, "\r\033[K^C\n")
				cancel()
				t := time.NewTimer(grace)
				defer t.Stop()
				hint = t.C
			case hinted:
				io.WriteString(errw, "\r\033[K^C\nyieldscript: leaving the statement running\n")
				return false, true
			}
		case <-hint:
			hinted = true
			io.WriteString(errw, "\r\033[Kstill running after Ctrl-C (it caught the cancellation, or a task does not yield): Ctrl-C again leaves the REPL\n")
		}
	}
}

// closeWithin runs fn, waiting at most limit for it: closing the VM waits
// for a task that computes without yielding, and closing readline waits for a
// read of the terminal it has started.
func closeWithin(fn func(), limit time.Duration) {
	closed := make(chan struct{})
	go func() {
		fn()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(limit):
	}
}

// DumpTasks writes every live task of v with its state, what it waits on and
// its traceback: what SIGQUIT (and Ctrl-\ at the prompt) prints. While a task
// computes without yielding, it says so after a second, and the dump follows
// when the task yields.
func DumpTasks(w io.Writer, v *yieldscript.VM) {
	if err := v.DumpTasks(w, time.Second); errors.Is(err, yieldscript.ErrBusy) {
		io.WriteString(w, "task dump: the event loop is busy (a task runs without yielding); the dump follows when it yields\n")
	}
}

// completer completes the identifier or dotted name before the cursor.
type completer struct{ vm func() *yieldscript.VM }

func (c completer) Do(line []rune, pos int) ([][]rune, int) {
	v := c.vm()
	if v == nil {
		return nil, 0
	}
	start := pos
	for start > 0 && isNameRune(line[start-1]) {
		start--
	}
	word := string(line[start:pos])
	if word == "" || word[0] >= '0' && word[0] <= '9' {
		return nil, 0
	}
	// Names that start with _ are private by convention: they are offered
	// only once an _ is typed.
	private := strings.HasPrefix(word[strings.LastIndexByte(word, '.')+1:], "_")
	var out [][]rune
	for _, cand := range v.Completions(word) {
		if !private && strings.HasPrefix(cand[strings.LastIndexByte(cand, '.')+1:], "_") {
			continue
		}
		out = append(out, []rune(cand[len(word):]))
	}
	return out, len([]rune(word))
}

func isNameRune(r rune) bool {
	return r == '_' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}
