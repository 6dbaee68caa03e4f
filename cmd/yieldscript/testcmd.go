package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/yieldscript/yieldscript"
	"github.com/yieldscript/yieldscript/repl"
)

// defaultTestTimeout bounds each test function of yieldscript test.
const defaultTestTimeout = 10 * time.Second

// runTests is yieldscript test [-timeout DURATION] [PATH...]: it runs every
// top-level function named test_* of the *_test.ys files under the paths
// (default: the current directory), each as a task of its own with a timeout,
// prints each failure with its traceback and a final "N passed, M failed"
// line, and returns 1 if any failed.
func runTests(args []string, stdout, stderr io.Writer) int {
	timeout := defaultTestTimeout
	o := defaultRunOptions()
	o.virtualTime = true
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch a := args[0]; {
		case a == "-timeout" || a == "--timeout":
			if len(args) < 2 {
				return usageError(stderr, "-timeout needs a duration, e.g. yieldscript test -timeout 30s")
			}
			d, err := time.ParseDuration(args[1])
			if err != nil || d <= 0 {
				return usageError(stderr, fmt.Sprintf("bad -timeout %q", args[1]))
			}
			timeout = d
			args = args[2:]
		case a == "--real-time" || a == "-real-time":
			o.virtualTime = false
			args = args[1:]
		default:
			return usageError(stderr, fmt.Sprintf("unknown test option %s", a))
		}
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	var files []string
	for _, p := range args {
		found, err := testFiles(p)
		if err != nil {
			fmt.Fprintf(stderr, "yieldscript: %v\n", err)
			return 2
		}
		files = append(files, found...)
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "yieldscript: no *_test.ys files found")
		return 2
	}
	passed, failed := 0, 0
	for _, f := range files {
		p, n := testFile(f, timeout, stdout, stderr, o)
		passed += p
		failed += n
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}

// testFiles lists the *_test.ys files at path (a file, or a directory searched
// recursively), sorted.
func testFiles(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	var out []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != path && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), "_test.ys") {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// topLevelDone is the function the test runner appends a call of to a test
// file: the file's top level has run when it is called.
const topLevelDone = "__yieldscript_test_top_level_done"

// testFile runs the tests of one file in a VM of its own and returns how many
// passed and failed. A file that does not load counts as one failure. The
// tests run once the file's top level has: the tasks it spawned (a server the
// tests talk to) go on running meanwhile, and are cancelled after the last
// test.
func testFile(path string, timeout time.Duration, stdout, stderr io.Writer, o runOptions) (passed, failed int) {
	src, ok := readSource(path, stderr)
	if !ok {
		return 0, 1
	}
	v := newVM(nil, stdout, stderr, false, o)
	defer v.Close()
	failTop := func(err error, why string) (int, int) {
		fmt.Fprintf(stdout, "FAIL %s (running its top level)%s\n", path, why)
		switch {
		case why != "":
			writeWhere(stdout, err)
		case err != nil && !errors.Is(err, yieldscript.ErrTaskFailed):
			repl.Report(stdout, err)
		}
		return 0, 1
	}
	// Syntax and compile errors as the file has them; then the file runs as
	// a program that calls topLevelDone at the end of its top level.
	if _, err := v.Compile(path, src); err != nil {
		return failTop(err, "")
	}
	top := make(chan struct{})
	var once sync.Once
	if err := v.SetFunc(topLevelDone, func() { once.Do(func() { close(top) }) }); err != nil {
		return failTop(err, "")
	}
	ctx, stop := context.WithCancel(context.Background())
	ended := make(chan error, 1)
	go func() { ended <- v.RunString(ctx, path, string(src)+"\n"+topLevelDone+"()\n") }()
	running := true
	defer func() {
		stop()
		if running {
			select {
			case <-ended:
			case <-time.After(2 * time.Second): // finally blocks that do not end
			}
		}
	}()
	limit := time.NewTimer(timeout)
	defer limit.Stop()
	select {
	case <-top:
	case err := <-ended:
		running = false
		select {
		case <-top:
			if err != nil {
				return failTop(err, "")
			}
		default:
			return failTop(err, "")
		}
	case <-limit.C:
		stop()
		running = false
		return failTop(<-ended, fmt.Sprintf(": timed out after %s", timeout))
	}
	charged := 0 // escaped errors already charged to the test that was running
	for _, name := range v.Functions("test_") {
		before := v.FailedTasks()
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		_, err := v.Call(ctx, name)
		timedOut := ctx.Err() == context.DeadlineExceeded
		cancel()
		if err == nil && v.FailedTasks() > before {
			// A task (one the test spawned, most likely) failed while it ran.
			failed++
			charged += v.FailedTasks() - before
			fmt.Fprintf(stdout, "FAIL %s: %s: an error escaped a task while it ran (its traceback is on stderr)\n", path, name)
			continue
		}
		if err == nil {
			passed++
			continue
		}
		failed++
		var ee *yieldscript.ExitError
		switch {
		case timedOut:
			fmt.Fprintf(stdout, "FAIL %s: %s: timed out after %s\n", path, name, timeout)
			writeWhere(stdout, err)
			continue
		case errors.As(err, &ee):
			fmt.Fprintf(stdout, "FAIL %s: %s: called os.exit(%d)\n", path, name, ee.Code)
			continue
		default:
			fmt.Fprintf(stdout, "FAIL %s: %s\n", path, name)
		}
		repl.Report(stdout, err)
	}
	if v.FailedTasks() > charged {
		failed++
		fmt.Fprintf(stdout, "FAIL %s: an error escaped a task (its traceback is on stderr)\n", path)
	}
	return passed, failed
}

// writeWhere writes the traceback of a run stopped by a timeout: where it
// was waiting.
func writeWhere(w io.Writer, err error) {
	var re *yieldscript.Error
	if errors.As(err, &re) && re.Traceback != "" {
		fmt.Fprint(w, "Traceback (innermost last):\n"+re.Traceback)
	}
}
