package yieldscript_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript"
)

// A named task shows its name in Tasks and in a task dump.
func TestTaskNamesInDumpAndTasks(t *testing.T) {
	var out bytes.Buffer
	v := yieldscript.New(yieldscript.Options{Stdout: &out, Stderr: &out, Modules: []string{"sync"}})
	defer v.Close()
	err := v.EvalLive(context.Background(), "<test>", `
import sync
let e = sync.event()
fn waiter() { yield e.wait() }
let t = spawn_named("waiter", waiter)
yield sleep(0)
`, nil)
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := v.Tasks()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ti := range tasks {
		if ti.Name == "waiter" && ti.State == "waiting" {
			found = true
		}
	}
	if !found {
		t.Errorf("no waiting task named waiter in %+v", tasks)
	}
	var dump bytes.Buffer
	if err := v.DumpTasks(&dump, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dump.String(), `"waiter" [waiting on event.wait]`) {
		t.Errorf("dump lacks the name:\n%s", dump.String())
	}
}
