package vm

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// runWithNatives runs src as a task of a new machine that has the given
// natives as builtins, and returns the task (run to its end) and its output.
func runWithNatives(t *testing.T, src string, natives map[string]Value) (*Task, string) {
	t.Helper()
	var out bytes.Buffer
	m := NewMachine(&out, &out)
	for name, fn := range natives {
		m.SetBuiltin(name, fn)
	}
	task := loadTestTask(t, m, src)
	task.Run()
	m.Flush()
	return task, out.String()
}

func TestGuardedNativePanicIsThrownAtTheCall(t *testing.T) {
	calls := 0
	natives := map[string]Value{
		"half": NewGuardedNative("half", func(_ *Task, args []Value) (Value, error) {
			calls++
			if args[0].AsInt()%2 != 0 {
				panic(fmt.Sprintf("odd %d", args[0].AsInt()))
			}
			return Int(args[0].AsInt() / 2), nil
		}, func(name string, r any) *Error {
			return Errorf(KindValue, "%s panicked: %v", name, r)
		}),
	}
	// Caught where it was called, many times in a row, with values on the
	// operand stack below the call; the task goes on afterwards.
	task, out := runWithNatives(t, `
fn twice(x) { return [x, half(x)] }
let caught = 0
let sum = 0
for i in range(2001) {
    try { sum = sum + 1000 * twice(i)[1] } catch e { caught = caught + 1 }
}
try { print(1, 2, [3, half(5)]) } catch e { print(e.kind, e.message) }
print(caught, sum)
half(7)
`, natives)
	if task.Err == nil || task.Err.Message != "half panicked: odd 7" {
		t.Fatalf("err = %v", task.Err)
	}
	if tr := task.Err.Trace; len(tr) != 1 || tr[0].Line != 10 {
		t.Errorf("trace %+v, want one frame at line 10", tr)
	}
	// sum(1000 * (i // 2) for i in range(0, 2001, 2)) == 500500000
	if want := "value half panicked: odd 5\n1000 500500000\n"; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	if calls != 2003 {
		t.Errorf("%d calls", calls)
	}
}

func TestUnguardedNativePanicIsAnInternalError(t *testing.T) {
	natives := map[string]Value{
		"bug": NewNative("bug", func(*Task, []Value) (Value, error) { panic("vm bug") }),
	}
	task, out := runWithNatives(t, `
fn f() { return bug() }
try { f() } catch e { print("caught", e.message) }
`, natives)
	if task.Err == nil || !strings.Contains(task.Err.Message, "internal error: vm bug") {
		t.Fatalf("err = %v, output %q", task.Err, out)
	}
	if tr := task.Err.Trace; len(tr) != 2 || tr[1].Func != "f" || tr[1].Line != 2 {
		t.Errorf("trace %+v", tr)
	}
}
