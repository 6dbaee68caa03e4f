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
		p, n := testFile(f, timeout, stdout, stderr)
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

// testFile runs the tests of one file in a VM of its own and returns how many
// passed and failed. A file that does not load counts as one failure.
func testFile(path string, timeout time.Duration, stdout, stderr io.Writer) (passed, failed int) {
	src, ok := readSource(path, stderr)
	if !ok {
		return 0, 1
	}
	v := newVM(nil, stdout, stderr, false)
	defer v.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	err := v.RunString(ctx, path, string(src))
	cancel()
	if err != nil {
		fmt.Fprintf(stdout, "FAIL %s (running its top level)\n", path)
		if !errors.Is(err, yieldscript.ErrTaskFailed) {
			repl.Report(stdout, err)
		}
		return 0, 1
	}
	for _, name := range v.Functions("test_") {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		_, err := v.Call(ctx, name)
		timedOut := ctx.Err() == context.DeadlineExceeded
		cancel()
		if err == nil {
			passed++
			continue
		}
		failed++
		if timedOut {
			fmt.Fprintf(stdout, "FAIL %s: %s: timed out after %s\n", path, name, timeout)
		} else {
			fmt.Fprintf(stdout, "FAIL %s: %s\n", path, name)
		}
		repl.Report(stdout, err)
	}
	return passed, failed
}
