package yieldscript

import (
	"context"
	"errors"
	"fmt"

	"github.com/yieldscript/yieldscript/lang/parser"
	"github.com/yieldscript/yieldscript/lang/vm"
)

// CompileError is a syntax or compile error, with the source it was found in.
type CompileError struct {
	Err    *parser.Error
	Source []byte
}

func (e *CompileError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying *parser.Error.
func (e *CompileError) Unwrap() error { return e.Err }

// Pretty renders the error with the source line and a caret under the column.
func (e *CompileError) Pretty() string { return parser.FormatError(e.Err, e.Source) }

// Error is a runtime error that escaped a script, with its traceback. Use
// errors.As to get it from the error a method returns.
type Error struct {
	// Kind is the error's kind ("type", "index", "limit", "cancelled", ... or
	// a script's own).
	Kind string
	// Message is the error's message.
	Message string
	// Traceback is the traceback text, innermost frame last, one frame per line.
	Traceback string
	// Value is what the script threw when it threw something other than an
	// error value (throw "boom"), converted to Go; nil otherwise.
	Value any

	err    *vm.Error
	cause  error
	report string
}

func (e *Error) Error() string { return e.err.Error() }

// Report is the traceback and the message, as the yieldscript command prints them.
func (e *Error) Report() string { return e.report }

// Unwrap returns the Go error behind the script error, if any: the error a Go
// function returned, a *PanicError, or the context's error when the host
// cancelled the run.
func (e *Error) Unwrap() error { return e.cause }

// ExitError is returned when a script calls os.exit.
type ExitError struct {
	Code int
}

func (e *ExitError) Error() string { return fmt.Sprintf("script exited with status %d", e.Code) }

// PanicError is the cause of the script error a panicking Go function turns
// into: the panic never reaches the host.
type PanicError struct {
	// Func is the name the function was registered under.
	Func string
	// Value is what the function panicked with.
	Value any
	// Stack is the Go stack where it panicked.
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic in %s: %v", e.Func, e.Value) }

// ErrTaskFailed is returned when the main program ended normally but an error
// escaped a task nobody waited on (it was reported to Stderr when it happened).
var ErrTaskFailed = errors.New("an error escaped a task (reported above)")

// ErrClosed is returned by the methods of a closed VM.
var ErrClosed = errors.New("yieldscript: the VM is closed")

// ErrReentrant is returned when a Go function that a script called calls back
// into the same VM and would wait for it (Run, Call): the VM is busy running
// that very function. Return a value instead, or make the function async.
var ErrReentrant = errors.New("yieldscript: a Go function called from a script cannot wait for its own VM")

// Errorf makes an error that a Go function returns to throw an error of the
// given kind in the script (other errors become kind "error").
func Errorf(kind, format string, args ...any) error {
	return vm.Errorf(kind, format, args...)
}

// wrapError turns what escaped a task into the error the host gets. Call it
// on the loop (it reads script values).
func wrapError(err error, ctx context.Context) error {
	e, ok := err.(*vm.Error)
	if !ok {
		return err
	}
	if code, ok := e.ExitCode(); ok {
		return &ExitError{Code: code}
	}
	out := &Error{Kind: e.Kind, Message: e.Message, err: e, cause: e.Cause}
	if e.Trace != nil {
		out.Traceback = e.Traceback()
	}
	out.report = e.Report()
	if e.IsValue {
		out.Value, _ = fromValueDepth(e.Value, 0, nil)
	}
	if out.cause == nil && ctx != nil && ctx.Err() != nil && e.Kind == vm.KindCancelled {
		out.cause = ctx.Err()
	}
	return out
}
