package scheduler

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// TaskInfo describes a live task for a task dump or a REPL's :tasks.
type TaskInfo struct {
	ID    int64
	Name  string // given by spawn_named, or ""
	State string // ready, running or waiting
	// Where is the file:line of the innermost script frame (at a waiting
	// task's yield), or "" before the task first ran.
	Where string
	// On describes what a waiting task waits for (e.g. "sleep 10s", "task 3",
	// "read"), or "".
	On    string
	Trace []vm.TraceFrame // outermost first; spawn site frames first
}

// Snapshot describes the live tasks, oldest first. Call it on the loop's
// goroutine.
func (l *Loop) Snapshot() []TaskInfo {
	tasks := l.Tasks()
	out := make([]TaskInfo, 0, len(tasks))
	for i := len(tasks) - 1; i >= 0; i-- {
		t := tasks[i]
		if t.state == stateDone {
			continue
		}
		info := TaskInfo{ID: t.id, Name: t.x().name, State: t.stateName()}
		if t.started {
			info.Trace = t.vt.Trace()
		}
		if t.spawnedAt != nil {
			info.Trace = append(t.spawnFrames(), info.Trace...)
		}
		for j := len(info.Trace) - 1; j >= 0 && t.started; j-- {
			if f := info.Trace[j]; f.File != "<native>" && f.Note == "" {
				info.Where = fmt.Sprintf("%s:%d", f.File, f.Line)
				break
			}
		}
		if t.state == stateWaiting {
			if t.parked {
				info.On = t.parkedOn
			} else {
				info.On = describeAwaited(t.vt.Awaiting())
			}
		}
		out = append(out, info)
	}
	return out
}

func (t *Task) stateName() string {
	switch t.state {
	case stateReady:
		return "ready"
	case stateRunning:
		return "running"
	case stateWaiting:
		return "waiting"
	}
	return "done"
}

// describeAwaited names what a task waits for.
func describeAwaited(v vm.Value) string {
	if v.IsNil() {
		return ""
	}
	if v.Kind() != vm.KObject {
		return v.TypeName()
	}
	switch o := v.AsObject().(type) {
	case *sleepOp:
		return "sleep " + o.d.Round(time.Millisecond).String()
	case *Task:
		return fmt.Sprintf("task %d", o.id)
	case fmt.Stringer:
		return o.String()
	case nil:
		return v.TypeName()
	default:
		return o.TypeName()
	}
}

// TaskHeader names a task and says its state and what it waits on, as a task
// dump and a REPL's :tasks show it: task 3 "fetcher" [waiting on sleep 10s].
func TaskHeader(id int64, name, state, on string) string {
	if on != "" {
		state += " on " + on
	}
	return taskLabel(id, name) + " [" + state + "]"
}

// Dump writes every live task with its state, what it waits on and its
// traceback, as a task dump (SIGQUIT) shows them. Call it on the loop's
// goroutine.
func (l *Loop) Dump(w io.Writer) {
	infos := l.Snapshot()
	var b strings.Builder
	fmt.Fprintf(&b, "task dump: %d live task%s\n", len(infos), plural(len(infos)))
	for _, ti := range infos {
		fmt.Fprintf(&b, "\n%s:\n", TaskHeader(ti.ID, ti.Name, ti.State, ti.On))
		if len(ti.Trace) == 0 {
			b.WriteString("  (not started)\n")
		}
		for _, f := range ti.Trace {
			fmt.Fprintf(&b, "  %s\n", f)
		}
	}
	fmt.Fprint(w, b.String())
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Idle reports whether nothing can make a task run again: no task is ready,
// and no timer, descriptor or host work in flight can wake one (tasks left
// alive wait for each other forever). Call it on the loop's goroutine.
func (l *Loop) Idle() bool {
	return l.ready.len() == 0 && l.ioWaits == 0 && l.pending.Load() == 0 && len(l.timers) == 0
}
