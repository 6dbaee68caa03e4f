package repl

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"path/filepath"
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
// leaves. The status is as Run's.
func Terminal(cfg TerminalConfig) int {
	var v *yieldscript.VM
	rl, err := readline.NewEx(&readline.Config{
		Prompt:          Prompt,
		HistoryFile:     cfg.HistoryFile,
		InterruptPrompt: "^C",
		EOFPrompt:       "",
		Stdin:           cfg.Stdin,
		Stdout:          cfg.Stdout,
		Stderr:          cfg.Stderr,
		AutoComplete:    completer{vm: func() *yieldscript.VM { return v }},
	})
	if err != nil {
		w := cfg.Stderr
		if w == nil {
			w = os.Stderr
		}
		io.WriteString(w, "yieldscript: cannot open the terminal: "+err.Error()+"\n")
		return 1
	}
	defer rl.Close()
	out, errw := rl.Stdout(), rl.Stderr()
	v = cfg.NewVM(out, errw)
	defer v.Close()

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
			if r.Failed() {
				return 1
			}
			return 0
		}
		for len(sigs) > 0 {
			<-sigs // an interrupt that came after the last statement ended
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			select {
			case <-sigs:
				cancel()
			case <-done:
			}
		}()
		stop := r.Line(ctx, in.line)
		close(done)
		cancel()
		if stop {
			v.CancelTasks()
			if code, ok := r.Exited(); ok {
				return code
			}
			return 0
		}
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
	var out [][]rune
	for _, cand := range v.Completions(word) {
		out = append(out, []rune(cand[len(word):]))
	}
	return out, len([]rune(word))
}

func isNameRune(r rune) bool {
	return r == '_' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}
