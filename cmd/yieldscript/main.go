package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/chzyer/readline"

	"github.com/yieldscript/yieldscript"
	"github.com/yieldscript/yieldscript/repl"
)

// Version is the version the command reports.
const Version = "0.1.0"

const usage = `usage:
  yieldscript                      interactive REPL (reads statements from stdin)
  yieldscript [OPTIONS] FILE.ys [ARGS...]
                                   run a script; OPTIONS:
      --virtual-time               run on a virtual clock (sleeps jump ahead)
      --block-report MS            report a task that runs MS ms without
                                   yielding (default 100; 0: off)
      --preempt MS                 make such a task yield after MS ms (off)
      --workers N                  run N copies of the program, one per thread,
                                   sharing nothing (0: one per core); they
                                   listen on shared ports (SO_REUSEPORT, Linux)
  yieldscript run FILE.ys [ARGS...]
  yieldscript -e CODE [ARGS...]    run code given on the command line
  yieldscript test [-timeout D] [--real-time] [PATH...]
                                   run the test_* functions of *_test.ys files
                                   (on a virtual clock unless --real-time)
  yieldscript disasm FILE.ys       print the bytecode of a script
  yieldscript version              print the version
  yieldscript --help               print this help
`

func main() {
	setHeapFloor()
	// YIELDSCRIPT_CPUPROFILE=file writes a Go CPU profile of the run (for
	// working on the implementation; read it with go tool pprof).
	if path := os.Getenv("YIELDSCRIPT_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
			code := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
			pprof.StopCPUProfile()
			f.Close()
			os.Exit(code)
		}
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line args (without the program name) and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return runREPL(stdin, stdout, stderr)
	}
	o, args, msg := parseRunOptions(args)
	if msg != "" {
		return usageError(stderr, msg)
	}
	if len(args) == 0 {
		return usageError(stderr, "the options need a file to run, e.g. yieldscript --virtual-time app.ys")
	}
	switch a := args[0]; {
	case a == "-h" || a == "--help" || a == "help":
		fmt.Fprint(stdout, usage)
		return 0
	case a == "version" || a == "--version":
		fmt.Fprintf(stdout, "yieldscript %s\n", Version)
		return 0
	case a == "-e":
		if len(args) < 2 {
			return usageError(stderr, "-e needs the code to run, e.g. yieldscript -e 'print(1 + 2)'")
		}
		return runSource(context.Background(), "<string>", []byte(args[1]), args[2:], stdout, stderr, o)
	case a == "run":
		if len(args) < 2 {
			return usageError(stderr, "run needs a file, e.g. yieldscript run hello.ys")
		}
		return runFile(args[1], args[2:], stdout, stderr, o)
	case a == "test":
		return runTests(args[1:], stdout, stderr)
	case a == "disasm":
		if len(args) != 2 {
			return usageError(stderr, "disasm needs exactly one file, e.g. yieldscript disasm hello.ys")
		}
		return disasm(args[1], stdout, stderr)
	case strings.HasPrefix(a, "-") && a != "-":
		return usageError(stderr, fmt.Sprintf("unknown option %s", a))
	default:
		return runFile(a, args[1:], stdout, stderr, o)
	}
}

func usageError(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "yieldscript: %s (see yieldscript --help)\n", msg)
	return 2
}

func readSource(path string, stderr io.Writer) ([]byte, bool) {
	src, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		fmt.Fprintf(stderr, "yieldscript: cannot read %s: %v\n", path, err)
		return nil, false
	}
	return src, true
}

func runFile(path string, args []string, stdout, stderr io.Writer, o runOptions) int {
	src, ok := readSource(path, stderr)
	if !ok {
		return 2
	}
	return runSource(context.Background(), path, src, args, stdout, stderr, o)
}

// runOptions are the options given before the file: --virtual-time,
// --block-report MS, --preempt MS.
type runOptions struct {
	virtualTime bool
	blockReport time.Duration // 0: off
	preempt     time.Duration // 0: off
	workers     int           // --workers N (--workers 0 is stored as the number of cores); 0 when not given
	worker      int           // this VM's number among the workers
}

// defaultBlockReport is --block-report's default.
const defaultBlockReport = 100 * time.Millisecond

func defaultRunOptions() runOptions { return runOptions{blockReport: defaultBlockReport} }

// parseRunOptions reads the leading options of a run; it returns the rest of
// the arguments, or a usage message.
func parseRunOptions(args []string) (runOptions, []string, string) {
	o := defaultRunOptions()
	for len(args) > 0 {
		switch a := args[0]; {
		case a == "--virtual-time":
			o.virtualTime = true
			args = args[1:]
		case a == "--block-report" || a == "--preempt":
			if len(args) < 2 {
				return o, nil, a + " needs a number of milliseconds, e.g. " + a + " 100"
			}
			ms, err := strconv.Atoi(args[1])
			if err != nil || ms < 0 {
				return o, nil, fmt.Sprintf("bad %s %q: want a number of milliseconds (0: off)", a, args[1])
			}
			if a == "--preempt" {
				o.preempt = time.Duration(ms) * time.Millisecond
			} else {
				o.blockReport = time.Duration(ms) * time.Millisecond
			}
			args = args[2:]
		case a == "--workers" || strings.HasPrefix(a, "--workers="):
			val, rest := strings.CutPrefix(a, "--workers=")
			if !rest {
				if len(args) < 2 {
					return o, nil, "--workers needs a number, e.g. yieldscript --workers 4 server.ys"
				}
				val, args = args[1], args[1:]
			}
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 || n > maxWorkers {
				return o, nil, fmt.Sprintf("--workers needs a number from 0 (one per core) to %d, not %q", maxWorkers, val)
			}
			if n == 0 {
				n = runtime.NumCPU()
			}
			o.workers = n
			args = args[1:]
		default:
			return o, args, ""
		}
	}
	return o, args, ""
}

func newVM(args []string, stdout, stderr io.Writer, lineBuffered bool, o runOptions) *yieldscript.VM {
	v := yieldscript.New(yieldscript.Options{
		Stdout:       stdout,
		Stderr:       stderr,
		Args:         args,
		Modules:      yieldscript.AllModules,
		ImportRoot:   "/",
		LineBuffered: lineBuffered || isTerminal(stdout),
		VirtualClock: o.virtualTime,
		BlockReport:  o.blockReport,
		Preempt:      o.preempt,
		Worker:       o.worker,
		Workers:      max(o.workers, 1),
	})
	// The command grants the backdoor module; embedding hosts do not get it
	// unless they install it themselves.
	repl.InstallBackdoor(v)
	return v
}

// isTerminal reports whether w is a terminal (print output then appears line by line).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	return readline.IsTerminal(int(f.Fd()))
}

func runSource(ctx context.Context, name string, src []byte, args []string, stdout, stderr io.Writer, o runOptions) int {
	if o.workers > 1 {
		return runWorkers(ctx, name, src, args, stdout, stderr, o)
	}
	v := newVM(args, stdout, stderr, false, o)
	defer v.Close()
	defer dumpOnSIGQUIT(v, stderr)()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	caught, stop := cancelOnSignal(cancel, nil)
	defer stop()
	err := v.RunString(ctx, name, string(src))
	return runStatus(err, caught(), stderr)
}

// report prints an error the way the command line shows it and returns the exit status.
func report(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ce *yieldscript.CompileError
	var re *yieldscript.Error
	var ee *yieldscript.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.Code
	case errors.As(err, &ce):
		fmt.Fprintln(stderr, ce.Pretty())
		return 2
	case errors.As(err, &re):
		fmt.Fprint(stderr, re.Report())
		return 1
	case errors.Is(err, yieldscript.ErrTaskFailed):
		return 1
	}
	fmt.Fprintf(stderr, "yieldscript: %v\n", err)
	return 1
}

func disasm(path string, stdout, stderr io.Writer) int {
	src, ok := readSource(path, stderr)
	if !ok {
		return 2
	}
	v := newVM(nil, stdout, stderr, false, defaultRunOptions())
	defer v.Close()
	p, err := v.Compile(path, src)
	if err != nil {
		return report(err, stderr)
	}
	w := bufio.NewWriter(stdout)
	p.Disassemble(w)
	w.Flush()
	return 0
}
