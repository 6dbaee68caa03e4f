package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/yieldscript/yieldscript"
	"github.com/yieldscript/yieldscript/lang/parser"
)

// Prompts shown by interactive front ends.
const (
	Prompt             = ">>> "
	ContinuationPrompt = "... "
)

// REPL is one session: the input gathered so far and whether an input failed.
// A REPL is used by one goroutine at a time; several REPLs may share a VM.
type REPL struct {
	VM *yieldscript.VM
	// Name is the file name errors show ("<stdin>").
	Name string
	// Out receives the values of expression statements and the commands'
	// output; Err receives errors.
	Out, Err io.Writer
	// Lookahead holds back a complete if or try statement until the next
	// line shows whether it goes on with else, catch or finally, as it may
	// in a file. Run sets it for piped input; at a terminal the statement
	// runs when its line is entered.
	Lookahead bool

	pending strings.Builder
	held    bool // pending is a complete statement kept back (see Lookahead)
	start   int  // the line number of the first pending line
	lines   int  // lines taken so far
	failed  bool
	exit    *int
}

// New makes a REPL over v that writes to out and err.
func New(v *yieldscript.VM, name string, out, err io.Writer) *REPL {
	return &REPL{VM: v, Name: name, Out: out, Err: err}
}

// Prompt is the prompt to show before the next line: Prompt, or
// ContinuationPrompt while the input so far is an incomplete statement.
func (r *REPL) Prompt() string {
	if r.pending.Len() > 0 {
		return ContinuationPrompt
	}
	return Prompt
}

// Pending reports whether an incomplete statement waits for more lines.
func (r *REPL) Pending() bool { return r.pending.Len() > 0 }

// Reset drops the incomplete input gathered so far.
func (r *REPL) Reset() { r.pending.Reset() }

// Failed reports whether an input failed.
func (r *REPL) Failed() bool { return r.failed }

// Exited reports whether a statement called os.exit, and with what code.
func (r *REPL) Exited() (int, bool) {
	if r.exit == nil {
		return 0, false
	}
	return *r.exit, true
}

// Line takes one line of input (without its newline). When it completes a
// statement (or is a command), Line runs it: cancelling ctx cancels that run.
// It reports whether the REPL should stop (a statement called os.exit).
func (r *REPL) Line(ctx context.Context, line string) (stop bool) {
	if r.held {
		word := strings.TrimSpace(line)
		switch {
		case word == "":
			r.lines++
			r.pending.WriteByte('\n')
			return false
		case continues(word):
			r.held = false // the line goes on with the statement
		default:
			r.held = false
			src := r.pending.String()
			r.pending.Reset()
			if r.eval(ctx, src) {
				return true
			}
		}
	}
	if r.pending.Len() == 0 {
		if cmd := strings.TrimSpace(line); strings.HasPrefix(cmd, ":") {
			r.lines++
			return r.command(cmd)
		}
	}
	r.lines++
	if r.pending.Len() == 0 {
		r.start = r.lines
	}
	r.pending.WriteString(line)
	r.pending.WriteByte('\n')
	src := r.pending.String()
	if strings.TrimSpace(src) == "" {
		r.pending.Reset()
		return false
	}
	f, done := parse(r.Name, src)
	if done {
		if r.Lookahead && f != nil && mayContinue(f) {
			r.held = true
			return false
		}
		r.pending.Reset()
		return r.eval(ctx, src)
	}
	return false
}

// continues reports whether a line starts with a word that carries on an if
// or try statement.
func continues(line string) bool {
	for _, w := range []string{"else", "catch", "finally"} {
		if rest, ok := strings.CutPrefix(line, w); ok && (rest == "" || !isNameByte(rest[0])) {
			return true
		}
	}
	return false
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// mayContinue reports whether the last statement of f is an if without a
// final else or a try without finally: more lines could go on with it.
func mayContinue(f *parser.File) bool {
	if len(f.Stmts) == 0 {
		return false
	}
	switch st := f.Stmts[len(f.Stmts)-1].(type) {
	case *parser.IfStmt:
		for st.Else != nil {
			inner, ok := st.Else[0].(*parser.IfStmt)
			if len(st.Else) != 1 || !ok {
				return false
			}
			st = inner
		}
		return true
	case *parser.TryStmt:
		return !st.HasFinally
	}
	return false
}

// Finish runs the input left incomplete when the input ends (reporting its
// syntax error). It reports whether the REPL should stop.
func (r *REPL) Finish(ctx context.Context) bool {
	r.held = false
	if strings.TrimSpace(r.pending.String()) == "" {
		r.pending.Reset()
		return false
	}
	src := r.pending.String()
	r.pending.Reset()
	return r.eval(ctx, src)
}

// complete reports whether src is a complete input: it parses, or it has a
// syntax error that more lines would not mend.
func complete(name, src string) bool {
	_, done := parse(name, src)
	return done
}

// parse parses src and reports whether it is a complete input; the file is
// nil when src has a syntax error.
func parse(name, src string) (*parser.File, bool) {
	f, err := parser.ParseFile(name, []byte(src))
	if err != nil {
		return nil, !parser.Incomplete(err)
	}
	return f, true
}

func (r *REPL) eval(ctx context.Context, src string) bool {
	// Blank lines in front give positions their line in the whole session.
	src = strings.Repeat("\n", max(r.start-1, 0)) + src
	err := r.VM.EvalLive(ctx, r.Name, src, func(s string) { fmt.Fprintln(r.Out, s) })
	if err == nil {
		return false
	}
	var ee *yieldscript.ExitError
	if errors.As(err, &ee) {
		code := ee.Code
		r.exit = &code
		return true
	}
	if errors.Is(err, yieldscript.ErrClosed) {
		return true // the VM was closed under the statement: nothing is left to run
	}
	if ctx.Err() != nil {
		// An interrupted statement did not fail: say where it was stopped.
		io.WriteString(r.Err, interrupted(err, ctx))
		return false
	}
	r.failed = true
	Report(r.Err, err)
	return false
}

// interrupted is the report of a statement stopped by cancelling its context
// (Ctrl-C): the traceback of where it was, and "cancelled: interrupted" in
// place of the host's message. An error the statement threw while it was
// being cancelled (in a finally block) is reported as it is.
func interrupted(err error, ctx context.Context) string {
	var re *yieldscript.Error
	if !errors.As(err, &re) || re.Kind != "cancelled" || !errors.Is(err, ctx.Err()) {
		var b strings.Builder
		Report(&b, err)
		return b.String()
	}
	if re.Traceback == "" {
		return "cancelled: interrupted\n"
	}
	return "Traceback (innermost last):\n" + re.Traceback + "cancelled: interrupted\n"
}

// Report writes an error as the command line shows it: a compile error with
// the source line and a caret, a runtime error with its traceback.
func Report(w io.Writer, err error) {
	var ce *yieldscript.CompileError
	var re *yieldscript.Error
	switch {
	case errors.As(err, &ce):
		fmt.Fprintln(w, ce.Pretty())
	case errors.As(err, &re):
		fmt.Fprint(w, re.Report())
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(w, "cancelled")
	default:
		fmt.Fprintf(w, "yieldscript: %v\n", err)
	}
}

const help = `Type statements; the value of an expression statement is printed.
A statement may span lines: "... " asks for the rest.
Top-level yield works; spawned tasks keep running between inputs.

Commands:
  :help    this text
  :tasks   the live tasks: id, state, and where each waits (file:line, on what)
  :quit    leave

At a terminal:
  Tab      completes names and module members (net. Tab Tab lists them)
  Ctrl-C   cancels the statement running (not the tasks spawned before),
           or drops the line being typed
  Ctrl-D   cancels every task (their finally blocks run) and leaves
  Ctrl-\   prints every task with its traceback and what it waits on
`

// command runs a REPL command. It reports whether the REPL should stop.
func (r *REPL) command(cmd string) bool {
	name, _, _ := strings.Cut(cmd, " ")
	switch name {
	case ":help", ":h", ":?":
		fmt.Fprint(r.Out, help)
	case ":tasks", ":t":
		WriteTasks(r.Out, r.VM)
	case ":quit", ":q", ":exit":
		return true
	default:
		fmt.Fprintf(r.Err, "unknown command %s (:help lists them)\n", name)
	}
	return false
}

// WriteTasks writes one line per live task of v: its header as in a task dump
// (id, name, state and what it waits on), then where it is (file:line of a
// waiting task's yield).
func WriteTasks(w io.Writer, v *yieldscript.VM) {
	tasks, err := v.Tasks()
	if err != nil {
		fmt.Fprintf(w, "yieldscript: %v\n", err)
		return
	}
	if len(tasks) == 0 {
		fmt.Fprintln(w, "no live tasks")
		return
	}
	var b strings.Builder
	for _, t := range tasks {
		b.WriteString(t.Header())
		if t.Where != "" {
			b.WriteString(" at " + t.Where)
		}
		b.WriteByte('\n')
	}
	fmt.Fprint(w, b.String())
}

// Run reads lines from in until it ends, as the REPL does when fed from a
// pipe: no prompts. When the input ends it waits for the tasks still alive
// (until ctx ends). The status is the code given to os.exit, or 1 if an input
// or an unwaited task failed, or 0.
func Run(ctx context.Context, v *yieldscript.VM, name string, in io.Reader, out, errw io.Writer) int {
	r := New(v, name, out, errw)
	r.Lookahead = true
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	stopped := false
	for !stopped && sc.Scan() {
		if ctx.Err() != nil {
			break
		}
		stopped = r.Line(ctx, sc.Text())
	}
	if !stopped {
		r.Finish(ctx)
	}
	if code, ok := r.Exited(); ok {
		return code
	}
	if ctx.Err() == nil {
		v.WaitTasks(ctx)
	}
	if r.Failed() || v.FailedTasks() > 0 {
		return 1
	}
	return 0
}
