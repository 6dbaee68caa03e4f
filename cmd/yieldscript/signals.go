package main

import (
	"errors"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/yieldscript/yieldscript"
	"github.com/yieldscript/yieldscript/repl"
	ysos "github.com/yieldscript/yieldscript/stdlib/os"
)

// The command's signals, the same for a script, its workers and a REPL fed
// from a pipe: SIGQUIT writes a task dump and the program goes on; SIGINT
// and SIGTERM cancel the run, and a second one exits at once.

// onSIGQUIT calls dump at every SIGQUIT, until stop is called.
func onSIGQUIT(dump func()) (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGQUIT)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-sigs:
				dump()
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}

// dumpOnSIGQUIT makes SIGQUIT print every task of v with its traceback and
// what it waits on, and the program goes on (as Go does for its goroutines).
func dumpOnSIGQUIT(v *yieldscript.VM, stderr io.Writer) (stop func()) {
	return onSIGQUIT(func() { repl.DumpTasks(stderr, v) })
}

// cancelOnSignal makes the first SIGINT or SIGTERM call cancel (which
// cancels every task: finally blocks run) and a second one exit the process
// at once with 128 + its number, after beforeExit when that is not nil. A
// signal a task waits on with os.signal is the script's to handle and counts
// for neither. caught returns the number of the signal that cancelled the
// run, or 0; stop ends the handling.
func cancelOnSignal(cancel, beforeExit func()) (caught func() int, stop func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan struct{})
	next := func() (syscall.Signal, bool) {
		for {
			select {
			case s := <-sigs:
				if !ysos.SignalClaimed(s) {
					return s.(syscall.Signal), true
				}
			case <-done:
				return 0, false
			}
		}
	}
	var got atomic.Int32
	go func() {
		s, ok := next()
		if !ok {
			return
		}
		got.Store(int32(s))
		cancel()
		if s, ok := next(); ok {
			if beforeExit != nil {
				beforeExit()
			}
			os.Exit(128 + int(s))
		}
	}()
	caught = func() int { return int(got.Load()) }
	stop = func() {
		signal.Stop(sigs)
		close(done)
	}
	return caught, stop
}

// runStatus is the exit status of a run that ended with err: 128 + sig when
// signal sig cancelled it (an error other than the cancellation is still
// reported), else what report makes of err.
func runStatus(err error, sig int, stderr io.Writer) int {
	if sig != 0 {
		var re *yieldscript.Error
		if err != nil && !(errors.As(err, &re) && re.Kind == "cancelled") {
			report(err, stderr)
		}
		return 128 + sig
	}
	return report(err, stderr)
}
