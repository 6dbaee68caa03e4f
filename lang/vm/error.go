package vm

import (
	"fmt"
	"strings"
)

// Error kinds thrown by the runtime.
const (
	KindType          = "type"
	KindIndex         = "index"
	KindZeroDivision  = "zero_division"
	KindValue         = "value"
	KindStackOverflow = "stack_overflow"
	KindLimit         = "limit"
	KindTimeout       = "timeout"
	KindCancelled     = "cancelled"
	KindDeadlock      = "deadlock"
	KindEOF           = "eof"
	KindClosed        = "closed"
	KindConnRefused   = "connection_refused"
	KindConnReset     = "connection_reset"
	KindIO            = "io"
	KindFull          = "full"
	KindEmpty         = "empty"
	KindAssertion     = "assertion"
	KindError         = "error"
)

// Error is a YieldScript error value. It is also a Go error, so native functions
// return it to throw.
type Error struct {
	Kind    string
	Message string
	// Value is what a script threw when it threw something that is not an error
	// value (throw "boom"); IsValue says so (a script may throw nil).
	Value   Value
	IsValue bool
	// Trace is where the error was thrown, outermost frame first; nil until thrown.
	Trace []TraceFrame
	// Cause is the Go error a native function returned, if any.
	Cause error
	// Others are the later errors of a group whose first error this is
	// (the script's .others).
	Others []*Error

	exit     bool
	exitCode int
}

// ExitError makes the error os.exit throws: no handler catches it, so it ends the
// task at once, and whoever drives the task ends the program with the code.
func ExitError(code int) *Error {
	return &Error{Kind: "exit", Message: fmt.Sprintf("exit(%d)", code), exit: true, exitCode: code}
}

// ExitCode reports whether e is an os.exit, and its code.
func (e *Error) ExitCode() (int, bool) { return e.exitCode, e.exit }

// TraceFrame is one line of a traceback.
type TraceFrame struct {
	Func string // function name
	File string
	Line int
	Col  int
	Note string // extra text for frames that are not calls, e.g. "task spawned here"
}

func (f TraceFrame) String() string {
	s := fmt.Sprintf("%s:%d:%d in %s", f.File, f.Line, f.Col, f.Func)
	if f.Note != "" {
		s += " (" + f.Note + ")"
	}
	return s
}

// Errorf makes an error of the given kind.
func Errorf(kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// NewError makes an error of the given kind with a fixed message.
func NewError(kind, msg string) *Error { return &Error{Kind: kind, Message: msg} }

func (e *Error) Error() string {
	if e.IsValue {
		return "thrown: " + Repr(e.Value)
	}
	return e.Kind + ": " + e.Message
}

// Unwrap returns the Go error a native function failed with, if any.
func (e *Error) Unwrap() error { return e.Cause }

// maxTraceShown bounds the frames printed at each end of a very deep traceback.
const maxTraceShown = 10

// Traceback renders the trace, innermost last, one frame per line, each indented two
// spaces; very deep traces keep the first and last frames and count the rest.
func (e *Error) Traceback() string {
	var b strings.Builder
	fr := e.Trace
	if len(fr) > 2*maxTraceShown+1 {
		for _, f := range fr[:maxTraceShown] {
			b.WriteString("  " + f.String() + "\n")
		}
		fmt.Fprintf(&b, "  ... %d more frames ...\n", len(fr)-2*maxTraceShown)
		fr = fr[len(fr)-maxTraceShown:]
	}
	for _, f := range fr {
		b.WriteString("  " + f.String() + "\n")
	}
	return b.String()
}

// Report is the full text printed for an uncaught error: the traceback and the last
// line `kind: message` (or `thrown: value`).
func (e *Error) Report() string {
	var b strings.Builder
	if len(e.Trace) > 0 {
		b.WriteString("Traceback (innermost last):\n")
		b.WriteString(e.Traceback())
	}
	b.WriteString(e.Error())
	b.WriteString("\n")
	return b.String()
}

// AsError turns any Go error into a script error (kind "error" unless it is one).
func AsError(err error) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	return &Error{Kind: KindError, Message: err.Error(), Cause: err}
}

// WaitFor, returned as the error of a native function called from script
// code, makes the calling task wait for the awaitable v (as `yield v` would)
// before the call returns: the value of the call is what the wait gives, and
// an error of the wait is thrown at the call. Whoever drives the task sees
// StatusYield with v in Awaiting. The task must be run by a driver that
// handles StatusYield (the scheduler); print uses it to hold a task while
// its output is backed up.
func WaitFor(v Value) error { return &waitFor{v} }

type waitFor struct{ v Value }

func (w *waitFor) Error() string { return "internal error: a wait escaped its call" }
