package main

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

// repl reads statements from in and runs each as soon as it is complete,
// printing the value of expression statements that are not nil. The status is 1
// when any input failed.
func repl(in io.Reader, stdout, stderr io.Writer) int {
	v := newVM(nil, stdout, stderr)
	echo := func(s string) { fmt.Fprintln(stdout, s) }
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	var pending strings.Builder
	line := 0
	status := 0
	for sc.Scan() {
		line++
		pending.WriteString(sc.Text())
		pending.WriteByte('\n')
		src := pending.String()
		if strings.TrimSpace(src) == "" {
			pending.Reset()
			continue
		}
		err := v.Eval(context.Background(), "<stdin>", src, echo)
		var ce *yieldscript.CompileError
		if errors.As(err, &ce) && parser.Incomplete(ce.Err) {
			continue // wait for the rest of the statement
		}
		pending.Reset()
		if err != nil {
			var ee *yieldscript.ExitError
			if errors.As(err, &ee) {
				return ee.Code
			}
			if report(err, stderr) != 0 {
				status = 1
			}
			continue
		}
	}
	if pending.Len() > 0 {
		err := v.Eval(context.Background(), "<stdin>", pending.String(), echo)
		if err != nil && report(err, stderr) != 0 {
			status = 1
		}
	}
	return status
}
