package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/yieldscript/yieldscript"
	"github.com/yieldscript/yieldscript/repl"
	"github.com/yieldscript/yieldscript/runtime/poll"
)

// runREPL runs the REPL: interactive when stdin is a terminal, otherwise
// reading statements from stdin without prompts.
func runREPL(stdin io.Reader, stdout, stderr io.Writer) int {
	if !poll.Supported {
		// Every statement would fail: say why once.
		fmt.Fprintf(stderr, "yieldscript: %v\n", poll.ErrUnsupported)
		return 1
	}
	if f, ok := stdin.(*os.File); ok && isTerminal(f) {
		var v *yieldscript.VM
		var stopDumps func()
		defer func() {
			if stopDumps != nil {
				stopDumps()
			}
		}()
		return repl.Terminal(repl.TerminalConfig{
			NewVM: func(out, errw io.Writer) *yieldscript.VM {
				v = newVM(nil, out, errw, true, defaultRunOptions())
				stopDumps = dumpOnSIGQUIT(v, errw)
				return v
			},
			Stdin:       f,
			Stdout:      stdout,
			Stderr:      stderr,
			HistoryFile: repl.DefaultHistoryFile(),
		})
	}
	v := newVM(nil, stdout, stderr, false, defaultRunOptions())
	defer v.Close()
	defer dumpOnSIGQUIT(v, stderr)()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// SIGINT and SIGTERM cancel what runs and end the REPL, as for a script.
	caught, stop := cancelOnSignal(cancel, nil)
	defer stop()
	status := repl.Run(ctx, v, "<stdin>", stdin, stdout, stderr)
	if sig := caught(); sig != 0 {
		return 128 + sig
	}
	return status
}
