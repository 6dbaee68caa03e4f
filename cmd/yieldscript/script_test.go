package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The script tests: every testdata/**/*.ys file is a program whose expected
// behaviour is written inline in comments (see testdata/README.md):
//
//	# expect: TEXT                  one stdout line, in order; stdout must equal these lines
//	# expect error: TEXT            exit 1; the last stderr line starts with TEXT
//	                                (with no ":" in TEXT, it must start with "TEXT:")
//	# expect traceback: TEXT        a stderr line, trimmed, ends with TEXT (checked in file order)
//	# expect compile error: L:C: M  exit 2; the first stderr line is "<path>:L:C: ..." containing M
//	# expect exit: N                the exit status (default 0, or 1 / 2 as the lines above imply)
//	# args: a b c                   script arguments (os.args)
//	# env: NAME=value               environment variable for the run
//	# flags: --virtual-time         command-line options given before the file
//
// Not scripts: files whose name starts with "_" (modules imported by tests) and
// anything under a folder named "fuzz".
//
// examples/*.ys run too, but only those that contain at least one "# expect"
// line: an example without expectations may be a server that runs forever, so it
// is skipped rather than run.

const (
	testdataDir   = "../../testdata"
	examplesGlob  = "../../examples/*.ys"
	scriptTimeout = 60 * time.Second
)

// scriptExpect is what one script's comments say must happen.
type scriptExpect struct {
	stdout     []string // expected stdout lines, in order
	hasError   bool
	errorText  string   // prefix of the last stderr line
	tracebacks []string // suffixes of stderr lines, in order
	compile    *compileExpect
	exit       int
	hasExit    bool
	args       []string
	flags      []string
	env        [][2]string
}

type compileExpect struct {
	line, col int
	msg       string
}

// wantExit is the exit status the script must end with.
func (e *scriptExpect) wantExit() int {
	switch {
	case e.hasExit:
		return e.exit
	case e.compile != nil:
		return 2
	case e.hasError || len(e.tracebacks) > 0:
		return 1
	}
	return 0
}

var (
	// anyExpectRE finds every comment that looks like an expectation, so that a
	// misspelt one is reported instead of silently ignored.
	anyExpectRE = regexp.MustCompile(`#\s*expect\b`)
	expectRE    = regexp.MustCompile(`#\s*expect(\s+error|\s+traceback|\s+compile\s+error|\s+exit)?:(.*)$`)
	argsRE      = regexp.MustCompile(`#\s*args:(.*)$`)
	flagsRE     = regexp.MustCompile(`#\s*flags:(.*)$`)
	envRE       = regexp.MustCompile(`#\s*env:(.*)$`)
	compileRE   = regexp.MustCompile(`^(\d+):(\d+): (.*\S.*)$`)
	envNameRE   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// parseExpectations reads the expectation comments of a script. Any comment that
// starts like an expectation but cannot be read is an error, and so is a script
// with no expectation at all: such a script would otherwise pass whatever it does.
func parseExpectations(src string) (*scriptExpect, error) {
	e := &scriptExpect{}
	hasAny := false
	for i, line := range strings.Split(src, "\n") {
		line = strings.TrimSuffix(line, "\r")
		lineNo := i + 1
		if m := argsRE.FindStringSubmatch(line); m != nil {
			e.args = append(e.args, strings.Fields(m[1])...)
			continue
		}
		if m := flagsRE.FindStringSubmatch(line); m != nil {
			e.flags = append(e.flags, strings.Fields(m[1])...)
			continue
		}
		if m := envRE.FindStringSubmatch(line); m != nil {
			kv := strings.TrimPrefix(m[1], " ")
			name, value, ok := strings.Cut(kv, "=")
			if !ok || !envNameRE.MatchString(name) {
				return nil, fmt.Errorf("line %d: malformed env line %q: want \"# env: NAME=value\"", lineNo, line)
			}
			e.env = append(e.env, [2]string{name, value})
			continue
		}
		if !anyExpectRE.MatchString(line) {
			continue
		}
		m := expectRE.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("line %d: malformed expectation %q: want one of \"# expect:\", \"# expect error:\", \"# expect traceback:\", \"# expect compile error:\", \"# expect exit:\"", lineNo, line)
		}
		hasAny = true
		kind := strings.Join(strings.Fields(m[1]), " ")
		text := strings.TrimPrefix(m[2], " ")
		switch kind {
		case "":
			e.stdout = append(e.stdout, text)
		case "error":
			if e.hasError {
				return nil, fmt.Errorf("line %d: a second \"# expect error:\" line", lineNo)
			}
			if strings.TrimSpace(text) == "" {
				return nil, fmt.Errorf("line %d: \"# expect error:\" needs a kind or a message", lineNo)
			}
			e.hasError, e.errorText = true, text
		case "traceback":
			if strings.TrimSpace(text) == "" {
				return nil, fmt.Errorf("line %d: \"# expect traceback:\" needs text", lineNo)
			}
			e.tracebacks = append(e.tracebacks, text)
		case "compile error":
			if e.compile != nil {
				return nil, fmt.Errorf("line %d: a second \"# expect compile error:\" line", lineNo)
			}
			cm := compileRE.FindStringSubmatch(text)
			if cm == nil {
				return nil, fmt.Errorf("line %d: malformed compile error expectation %q: want \"# expect compile error: LINE:COL: MESSAGE\"", lineNo, line)
			}
			l, _ := strconv.Atoi(cm[1])
			c, _ := strconv.Atoi(cm[2])
			if l < 1 || c < 1 {
				return nil, fmt.Errorf("line %d: line and column are 1-based in %q", lineNo, line)
			}
			e.compile = &compileExpect{line: l, col: c, msg: cm[3]}
		case "exit":
			if e.hasExit {
				return nil, fmt.Errorf("line %d: a second \"# expect exit:\" line", lineNo)
			}
			n, err := strconv.Atoi(strings.TrimSpace(text))
			if err != nil || n < 0 || n > 255 {
				return nil, fmt.Errorf("line %d: malformed exit status in %q", lineNo, line)
			}
			e.exit, e.hasExit = n, true
		}
	}
	if !hasAny {
		return nil, fmt.Errorf("no expectation: a script test needs at least one \"# expect...\" line")
	}
	if e.compile != nil && (len(e.stdout) > 0 || e.hasError || len(e.tracebacks) > 0) {
		return nil, fmt.Errorf("\"# expect compile error:\" cannot be combined with stdout, error or traceback expectations: nothing runs")
	}
	return e, nil
}

// errorLineMatches reports whether the last stderr line satisfies "# expect error: want".
func errorLineMatches(last, want string) bool {
	if !strings.Contains(want, ":") {
		want += ":"
	}
	return strings.HasPrefix(last, want)
}

// stdoutLines splits output into lines; a final newline ends the last line
// rather than starting an empty one.
func stdoutLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// lineDiff shows how got differs from want, one line per row:
// "  " both, "- " only expected, "+ " only actual.
func lineDiff(want, got []string) string {
	n, m := len(want), len(got)
	if n*m > 4_000_000 {
		return fmt.Sprintf("--- want (%d lines)\n%s\n--- got (%d lines)\n%s", n, strings.Join(want, "\n"), m, strings.Join(got, "\n"))
	}
	// lcs[i][j] is the length of the longest common subsequence of want[i:] and got[j:].
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if want[i] == got[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var b strings.Builder
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && want[i] == got[j]:
			fmt.Fprintf(&b, "  %s\n", want[i])
			i++
			j++
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			fmt.Fprintf(&b, "- %s\n", want[i])
			i++
		default:
			fmt.Fprintf(&b, "+ %s\n", got[j])
			j++
		}
	}
	return b.String()
}

// checkResult compares one run with the expectations and returns the problems found.
func checkResult(path string, e *scriptExpect, code int, stdout, stderr string) []string {
	var problems []string
	if want := e.wantExit(); code != want {
		problems = append(problems, fmt.Sprintf("exit status %d, want %d", code, want))
	}
	if gotOut := stdoutLines(stdout); !slices.Equal(gotOut, e.stdout) {
		problems = append(problems, "stdout differs from the \"# expect:\" lines")
	}
	errLines := stdoutLines(stderr)
	if e.hasError {
		last := ""
		if len(errLines) > 0 {
			last = errLines[len(errLines)-1]
		}
		if !errorLineMatches(last, e.errorText) {
			problems = append(problems, fmt.Sprintf("last stderr line is %q, want it to start with %q", last, e.errorText))
		}
	}
	next := 0
	for _, tb := range e.tracebacks {
		found := false
		for next < len(errLines) {
			l := strings.TrimSpace(errLines[next])
			next++
			if strings.HasSuffix(l, tb) {
				found = true
				break
			}
		}
		if !found {
			problems = append(problems, fmt.Sprintf("no stderr line ends with %q (after the previous traceback match)", tb))
		}
	}
	if c := e.compile; c != nil {
		first := ""
		if len(errLines) > 0 {
			first = errLines[0]
		}
		prefix := fmt.Sprintf("%s:%d:%d: ", path, c.line, c.col)
		if !strings.HasPrefix(first, prefix) || !strings.Contains(first[len(prefix):], c.msg) {
			problems = append(problems, fmt.Sprintf("first stderr line is %q, want %q followed by a message containing %q", first, prefix, c.msg))
		}
	}
	return problems
}

// scriptCase is one script to run.
type scriptCase struct {
	name string // subtest name
	path string // path handed to run, relative to this package's directory
}

// findScripts lists the script tests under testdata and the examples that carry expectations.
func findScripts(t *testing.T) []scriptCase {
	t.Helper()
	var cases []scriptCase
	err := filepath.WalkDir(testdataDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "fuzz" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), ".ys") || strings.HasPrefix(d.Name(), "_") {
			return nil
		}
		rel, err := filepath.Rel(testdataDir, p)
		if err != nil {
			return err
		}
		cases = append(cases, scriptCase{name: filepath.ToSlash(rel), path: filepath.ToSlash(p)})
		return nil
	})
	if err != nil {
		t.Fatalf("walking %s: %v", testdataDir, err)
	}
	examples, err := filepath.Glob(examplesGlob)
	if err != nil {
		t.Fatalf("globbing %s: %v", examplesGlob, err)
	}
	for _, p := range examples {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("reading %s: %v", p, err)
		}
		if !anyExpectRE.Match(src) {
			continue // no expectations: possibly a server that never ends
		}
		cases = append(cases, scriptCase{name: "examples/" + filepath.Base(p), path: filepath.ToSlash(p)})
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].name < cases[j].name })
	return cases
}

// runScript calls the CLI entry point in-process. A panic or a run that does not
// end within scriptTimeout is reported as a failure of this script alone.
func runScript(path string, flags, args []string) (code int, stdout, stderr string, failure string) {
	var out, errb bytes.Buffer
	type result struct {
		code  int
		panic string
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{panic: fmt.Sprintf("%v\n%s", r, debug.Stack())}
			}
		}()
		c := run(append(append(append([]string(nil), flags...), path), args...), strings.NewReader(""), &out, &errb)
		done <- result{code: c}
	}()
	select {
	case r := <-done:
		if r.panic != "" {
			return -1, out.String(), errb.String(), "run panicked: " + r.panic
		}
		return r.code, out.String(), errb.String(), ""
	case <-time.After(scriptTimeout):
		// The buffers may still be written to; do not read them.
		return -1, "", "", fmt.Sprintf("did not finish within %v", scriptTimeout)
	}
}

func TestScripts(t *testing.T) {
	cases := findScripts(t)
	if len(cases) == 0 {
		t.Fatalf("no script tests found under %s", testdataDir)
	}
	for _, sc := range cases {
		src, err := os.ReadFile(sc.path)
		if err != nil {
			t.Fatalf("reading %s: %v", sc.path, err)
		}
		exp, perr := parseExpectations(string(src))
		t.Run(sc.name, func(t *testing.T) {
			if perr != nil {
				t.Fatalf("%s: harness cannot read the expectations: %v", sc.path, perr)
			}
			// t.Setenv cannot be used in a parallel test, and the environment is
			// process-wide: scripts that set variables run one at a time, before
			// the parallel ones start.
			if len(exp.env) > 0 {
				for _, kv := range exp.env {
					t.Setenv(kv[0], kv[1])
				}
			} else {
				t.Parallel()
			}
			code, stdout, stderr, failure := runScript(sc.path, exp.flags, exp.args)
			if failure != "" {
				t.Fatalf("%s: %s", sc.path, failure)
			}
			if problems := checkResult(sc.path, exp, code, stdout, stderr); len(problems) > 0 {
				t.Errorf("%s (args %q): exit status %d, want %d\n%s\n--- stdout (- want, + got):\n%s--- stderr:\n%s",
					sc.path, exp.args, code, exp.wantExit(), strings.Join(problems, "\n"),
					lineDiff(exp.stdout, stdoutLines(stdout)), stderr)
			}
		})
	}
}

// TestScriptExpectationsParse tests the expectation reader itself, so that the
// harness cannot pass a script whose expectations it failed to read.
func TestScriptExpectationsParse(t *testing.T) {
	t.Run("valid", func(t *testing.T) {
		src := strings.Join([]string{
			"#!/usr/bin/env yieldscript",
			"# Checks: the reader.",
			"# args: a  b c",
			"# env: YS_A=1",
			"# env: YS_B=x=y",
			`print(1)  # expect: 1`,
			`print("")  # expect:`,
			`print("  x")  # expect:   x`,
			"print(2) # expect: two words \r",
			"#expect: tight",
			"# expect traceback: t.ys:3:5 in f",
			"# expect traceback: t.ys:9:1 in <main>",
			"# expect error: type: cannot add string and int",
			"# expect exit: 1",
		}, "\n")
		e, err := parseExpectations(src)
		if err != nil {
			t.Fatal(err)
		}
		wantOut := []string{"1", "", "  x", "two words ", "tight"}
		if strings.Join(e.stdout, "|") != strings.Join(wantOut, "|") || len(e.stdout) != len(wantOut) {
			t.Errorf("stdout = %q, want %q", e.stdout, wantOut)
		}
		if strings.Join(e.args, " ") != "a b c" {
			t.Errorf("args = %q", e.args)
		}
		if len(e.env) != 2 || e.env[0] != [2]string{"YS_A", "1"} || e.env[1] != [2]string{"YS_B", "x=y"} {
			t.Errorf("env = %q", e.env)
		}
		if !e.hasError || e.errorText != "type: cannot add string and int" {
			t.Errorf("error = %v %q", e.hasError, e.errorText)
		}
		if len(e.tracebacks) != 2 || e.tracebacks[1] != "t.ys:9:1 in <main>" {
			t.Errorf("tracebacks = %q", e.tracebacks)
		}
		if e.wantExit() != 1 {
			t.Errorf("wantExit = %d", e.wantExit())
		}
	})

	t.Run("compile error", func(t *testing.T) {
		e, err := parseExpectations("let x = )\n# expect compile error: 1:9: unexpected ')'\n")
		if err != nil {
			t.Fatal(err)
		}
		if c := e.compile; c == nil || c.line != 1 || c.col != 9 || c.msg != "unexpected ')'" {
			t.Fatalf("compile = %+v", e.compile)
		}
		if e.wantExit() != 2 {
			t.Errorf("wantExit = %d, want 2", e.wantExit())
		}
	})

	t.Run("default exits", func(t *testing.T) {
		for src, want := range map[string]int{
			"# expect: x":                             0,
			"# expect error: value":                   1,
			"# expect traceback: in <main>":           1,
			"# expect exit: 3":                        3,
			"# expect error: value\n# expect exit: 0": 0,
		} {
			e, err := parseExpectations(src)
			if err != nil {
				t.Errorf("%q: %v", src, err)
				continue
			}
			if got := e.wantExit(); got != want {
				t.Errorf("%q: wantExit = %d, want %d", src, got, want)
			}
		}
	})

	t.Run("malformed", func(t *testing.T) {
		bad := map[string]string{
			"no expectation":               "print(1)\n# a comment\n",
			"only args":                    "# args: a b\nprint(1)\n",
			"only env":                     "# env: A=1\n",
			"compile error without column": "# expect compile error: 3: undefined: x\n",
			"compile error not numbers":    "# expect compile error: a:b: undefined: x\n",
			"compile error without msg":    "# expect compile error: 3:4:\n",
			"compile error without space":  "# expect compile error: 3:4:msg\n",
			"compile error zero line":      "# expect compile error: 0:4: msg\n",
			"misspelt kind":                "print(1)  # expect eror: type\n",
			"unknown kind":                 "# expect output: 1\n",
			"missing colon":                "print(1)  # expect 1\n",
			"exit not a number":            "# expect exit: three\n",
			"exit out of range":            "# expect exit: 300\n",
			"empty error":                  "# expect error:\n",
			"empty traceback":              "# expect traceback:   \n",
			"two errors":                   "# expect error: a\n# expect error: b\n",
			"two exits":                    "# expect exit: 1\n# expect exit: 2\n",
			"two compile errors":           "# expect compile error: 1:1: a\n# expect compile error: 2:1: b\n",
			"compile error and stdout":     "# expect: 1\n# expect compile error: 1:1: a\n",
			"compile error and error":      "# expect error: type\n# expect compile error: 1:1: a\n",
			"env without equals":           "# env: NAME\n# expect: x\n",
			"env bad name":                 "# env: 1X=2\n# expect: x\n",
		}
		for name, src := range bad {
			if e, err := parseExpectations(src); err == nil {
				t.Errorf("%s: %q was accepted (%+v); the harness must report it", name, src, e)
			}
		}
	})

	t.Run("matchers", func(t *testing.T) {
		for _, c := range []struct {
			last, want string
			ok         bool
		}{
			{"type: cannot add string and int", "type", true},
			{"type: cannot add string and int", "type: cannot add", true},
			{"typeerror: x", "type", false},
			{"value: bad", "type", false},
			{`thrown: "boom"`, `thrown: "boom"`, true},
			{"", "type", false},
		} {
			if got := errorLineMatches(c.last, c.want); got != c.ok {
				t.Errorf("errorLineMatches(%q, %q) = %v, want %v", c.last, c.want, got, c.ok)
			}
		}
		e := &scriptExpect{tracebacks: []string{"t.ys:2:1 in <main>", "t.ys:5:3 in f"}, hasError: true, errorText: "value"}
		stderr := "Traceback (innermost last):\n  x/t.ys:2:1 in <main>\n  x/t.ys:5:3 in f\nvalue: oops\n"
		if p := checkResult("x/t.ys", e, 1, "", stderr); len(p) != 0 {
			t.Errorf("a matching run was rejected: %q", p)
		}
		swapped := "Traceback (innermost last):\n  x/t.ys:5:3 in f\n  x/t.ys:2:1 in <main>\nvalue: oops\n"
		if p := checkResult("x/t.ys", e, 1, "", swapped); len(p) == 0 {
			t.Errorf("traceback lines out of order were accepted")
		}
		if p := checkResult("x/t.ys", e, 0, "", stderr); len(p) == 0 {
			t.Errorf("a wrong exit status was accepted")
		}
		out := &scriptExpect{stdout: []string{"a", ""}}
		if p := checkResult("t.ys", out, 0, "a\n\n", ""); len(p) != 0 {
			t.Errorf("matching stdout rejected: %q", p)
		}
		for _, got := range []string{"a\n", "a\n\n\n", "a", "b\n\n", ""} {
			if p := checkResult("t.ys", out, 0, got, ""); len(p) == 0 {
				t.Errorf("stdout %q accepted for want %q", got, out.stdout)
			}
		}
		ce := &scriptExpect{compile: &compileExpect{line: 3, col: 7, msg: "undefined: x"}}
		if p := checkResult("d/t.ys", ce, 2, "", "d/t.ys:3:7: undefined: x\nprint(x)\n      ^\n"); len(p) != 0 {
			t.Errorf("matching compile error rejected: %q", p)
		}
		for _, stderr := range []string{
			"d/t.ys:3:8: undefined: x\n",
			"t.ys:3:7: undefined: x\n",
			"d/t.ys:3:7: undefined: y\n",
			"error\nd/t.ys:3:7: undefined: x\n",
		} {
			if p := checkResult("d/t.ys", ce, 2, "", stderr); len(p) == 0 {
				t.Errorf("compile error stderr %q accepted", stderr)
			}
		}
		// The message must be found after the position, not in the path.
		pe := &scriptExpect{compile: &compileExpect{line: 1, col: 1, msg: "break"}}
		if p := checkResult("break.ys", pe, 2, "", "break.ys:1:1: unexpected token\n"); len(p) == 0 {
			t.Errorf("message matched inside the path")
		}
	})

	t.Run("diff", func(t *testing.T) {
		d := lineDiff([]string{"a", "b", "c"}, []string{"a", "x", "c"})
		if d != "  a\n+ x\n- b\n  c\n" && d != "  a\n- b\n+ x\n  c\n" {
			t.Errorf("lineDiff = %q", d)
		}
	})

	// Every script the harness would run must have readable expectations.
	t.Run("all scripts", func(t *testing.T) {
		cases := findScripts(t)
		if len(cases) == 0 {
			t.Fatalf("no script tests found under %s", testdataDir)
		}
		for _, sc := range cases {
			src, err := os.ReadFile(sc.path)
			if err != nil {
				t.Errorf("%s: %v", sc.path, err)
				continue
			}
			if _, err := parseExpectations(string(src)); err != nil {
				t.Errorf("%s: %v", sc.path, err)
			}
		}
	})
}
