package yieldscript

import (
	"io"
	"time"

	"github.com/yieldscript/yieldscript/stdlib"
)

// Options configure a VM. The zero value is a VM that writes to the process's
// stdout and stderr, imports only the standard modules that reach nothing
// outside it (SafeModules), imports no files, and runs without limits on
// instructions, tasks and memory (but with the default stack depth).
type Options struct {
	// Stdout and Stderr receive print output and the reports of errors that
	// escape tasks nobody waits on (nil: os.Stdout and os.Stderr). They are
	// written from a goroutine of the VM's own, in order: a writer that
	// blocks holds up only a task that prints past 1 MiB of queued output,
	// never the event loop. Program runs return, and Close returns, after
	// their output was written.
	Stdout io.Writer
	Stderr io.Writer
	// Args is what scripts see as os.args.
	Args []string
	// Modules lists the standard modules scripts may import. Nil means
	// SafeModules (json, time, sync, math, random, utf8, log, re, bytes, base64, hash, url); AllModules grants every one, including
	// net, http, fs and os. Modules defined with SetModule are always importable.
	Modules []string
	// ImportRoot grants file imports (import "./util.ys") of files inside this
	// directory. Empty: scripts cannot import files.
	ImportRoot string
	// Worker and Workers are what scripts see as os.worker() and
	// os.workers(), for a host that runs Workers copies of one program in
	// as many VMs (Workers 0 means 1). With Workers > 1, net.listen and
	// http.serve bind with SO_REUSEPORT so that the copies can listen on the
	// same port and the kernel spreads the connections (Linux only: elsewhere
	// such a listen fails with kind io).
	Worker, Workers int
	// LineBuffered writes each print at once instead of when the event loop
	// next waits (use it when Stdout is a terminal).
	LineBuffered bool

	// Limits. Each run (RunString, RunFile, Run, Call, Eval) and every task it
	// spawns share one allowance of steps and bytes; past a limit the script
	// gets an error of kind "limit", which it may catch.

	// MaxSteps limits the steps a run may take: loop iterations, calls and the
	// instructions of loop bodies (0: no limit).
	MaxSteps int64
	// MaxAlloc limits the bytes a run may allocate in the operations that grow
	// memory: building lists, strings and maps, json.decode, reads (0: no
	// limit). It counts the total, not what is live at one time.
	MaxAlloc int64
	// MaxTasks limits the tasks alive at once in the VM, calls from Go
	// included (0: no limit).
	MaxTasks int
	// MaxDepth limits nested calls in one task (0: the default, 10,000, past
	// which a call throws kind stack_overflow as the language says; past a
	// limit set here it throws kind limit).
	MaxDepth int
	// MaxAsync bounds the goroutines that run asynchronous Go functions at
	// once; more calls wait for a free one (0: 256).
	MaxAsync int

	// VirtualClock runs the VM on a virtual clock: time.now(),
	// time.monotonic(), sleep and timeout read it, and whenever no task is
	// ready and no I/O or host work (an async Go function, a call) is in
	// flight, it jumps to the next timer, so that `yield sleep(3600)` takes
	// no real time. It is real time plus what was skipped; the jumps never go
	// back. For tests of code that waits.
	VirtualClock bool

	// BlockReport, when positive, starts a watchdog goroutine that reports on
	// Stderr a task that has run this long on a CPU without yielding (with
	// its task, function and file:line), whether or not other work waits for
	// the loop, once, and again with the total time when it yields or ends. The loop tells the watchdog which task runs through
	// atomics only.
	BlockReport time.Duration
	// Preempt, when positive, makes a task that has run this long without
	// yielding yield at its next loop back-edge or call into a script
	// function, as a bare yield would. Natives are never interrupted.
	Preempt time.Duration

	// IdleCollect is how long the event loop, after running tasks, must have
	// nothing to do (no event, no timer due sooner) before it starts a
	// collection that returns the memory freed since to the operating system,
	// on a goroutine of its own, once per idle period and only after a
	// megabyte or more of allocation (0: 500 ms; negative: never). It keeps
	// the memory of a server that went quiet after a busy stretch near its
	// live heap.
	IdleCollect time.Duration
}

// DefaultMaxAsync is the bound on asynchronous Go functions running at once
// when Options.MaxAsync is 0.
const DefaultMaxAsync = 256

// AllModules grants every standard module (what the yieldscript command does).
var AllModules = stdlib.All

// SafeModules are the modules granted when Options.Modules is nil: the ones
// that reach nothing outside the VM.
var SafeModules = []string{"json", "time", "sync", "math", "random", "utf8", "log", "re", "bytes", "base64", "hash", "url"}
