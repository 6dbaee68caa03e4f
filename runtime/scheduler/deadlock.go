package scheduler

import (
	"fmt"
	"strings"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// WaitDescriber is implemented by awaitables that can say, for a deadlock
// report, what a task parked on them waits for: a short description ("lock
// held by", "queue.get") and the tasks that could end the wait (the holder of
// a lock), as the Wakers they were given. It is only called once the loop has
// found that nothing can wake any task, so keeping the knowledge it needs must
// cost next to nothing on the way there (a pointer stored on acquire).
type WaitDescriber interface {
	WaitFor() (what string, on []Waker)
}

// waitEdge is what one waiting task waits for.
type waitEdge struct {
	what string
	on   []*Task
}

// waitFor describes what waiting task t waits for.
func (t *Task) waitFor() waitEdge {
	if t.parked {
		return waitEdge{what: t.parkedOn}
	}
	v := t.vt.Awaiting()
	if v.Kind() != vm.KObject {
		return waitEdge{what: describeAwaited(v)}
	}
	switch o := v.AsObject().(type) {
	case *Task:
		return waitEdge{on: []*Task{o}}
	case *groupOp:
		if o.g != nil {
			return waitEdge{what: "its group of", on: append([]*Task(nil), o.g.tasks...)}
		}
	case *multiOp:
		var on []*Task
		for _, u := range o.tasks {
			if u != nil && u.state != stateDone {
				on = append(on, u)
			}
		}
		if len(on) > 0 {
			return waitEdge{what: o.TypeName() + " of", on: on}
		}
	case WaitDescriber:
		what, ws := o.WaitFor()
		e := waitEdge{what: what}
		for _, w := range ws {
			if u, ok := w.(*Task); ok && u.state != stateDone {
				e.on = append(e.on, u)
			}
		}
		return e
	}
	return waitEdge{what: describeAwaited(v)}
}

// where is the file:line of the task's innermost script frame.
func (t *Task) where() string {
	if !t.started {
		return ""
	}
	tr := t.vt.Trace()
	for j := len(tr) - 1; j >= 0; j-- {
		if f := tr[j]; f.File != "<native>" && f.Note == "" {
			return fmt.Sprintf("%s:%d", f.File, f.Line)
		}
	}
	return ""
}

// deadlockReport throws kind deadlock at the yield of every task in waiting
// (every task that waits while nothing can wake any), after writing the
// report to stderr: one line per wait-for cycle, then what every other waiting
// task waits for.
func (l *Loop) deadlockReport(waiting []*Task) {
	if len(waiting) == 0 {
		return
	}
	edges := make(map[*Task]waitEdge, len(waiting))
	for _, t := range waiting {
		edges[t] = t.waitFor()
	}
	// Cycles, found by a depth-first walk of the wait-for edges.
	const (
		white = iota
		grey
		black
	)
	color := map[*Task]int{}
	inCycle := map[*Task]bool{}
	var cycles [][]*Task
	var stack []*Task
	var visit func(t *Task)
	visit = func(t *Task) {
		color[t] = grey
		stack = append(stack, t)
		for _, u := range edges[t].on {
			if _, waits := edges[u]; !waits {
				continue
			}
			switch color[u] {
			case white:
				visit(u)
			case grey:
				i := len(stack) - 1
				for stack[i] != u {
					i--
				}
				cyc := append([]*Task(nil), stack[i:]...)
				fresh := true
				for _, c := range cyc {
					if inCycle[c] {
						fresh = false
					}
				}
				if fresh {
					for _, c := range cyc {
						inCycle[c] = true
					}
					cycles = append(cycles, cyc)
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[t] = black
	}
	// Oldest first, so that reports read in the order tasks were made.
	for i := len(waiting) - 1; i >= 0; i-- {
		if color[waiting[i]] == white {
			visit(waiting[i])
		}
	}
	var b strings.Builder
	for _, cyc := range cycles {
		seen := map[*Task]bool{}
		b.WriteString("deadlock: ")
		for i, t := range cyc {
			if i > 0 {
				b.WriteString("; ")
			}
			next := cyc[(i+1)%len(cyc)]
			b.WriteString(mention(t, seen))
			if w := t.where(); w != "" {
				fmt.Fprintf(&b, " (%s)", w)
			}
			b.WriteString(" waits for ")
			e := edges[t]
			if e.what != "" {
				b.WriteString(e.what + " ")
			}
			b.WriteString(mention(next, seen))
		}
		b.WriteByte('\n')
	}
	if len(cycles) == 0 {
		b.WriteString("deadlock: every task waits and nothing (timer, I/O or host work) can wake one\n")
	}
	for i := len(waiting) - 1; i >= 0; i-- {
		t := waiting[i]
		if inCycle[t] {
			continue
		}
		b.WriteString("  " + mention(t, nil))
		if w := t.where(); w != "" {
			fmt.Fprintf(&b, " (%s)", w)
		}
		b.WriteString(" waits for " + edges[t].String() + "\n")
	}
	l.M.Flush()
	fmt.Fprint(l.Stderr, b.String())
	for _, t := range waiting {
		msg := fmt.Sprintf("%s waits for %s, and nothing can wake it", t.label(), edges[t].String())
		if inCycle[t] {
			msg += " (a wait-for cycle)"
		}
		t.interrupt(vm.NewError(vm.KindDeadlock, msg))
	}
}

// mention names t: with its name the first time a line mentions it.
func mention(t *Task, seen map[*Task]bool) string {
	if seen != nil {
		if seen[t] {
			return fmt.Sprintf("task %d", t.id)
		}
		seen[t] = true
	}
	return t.label()
}

func (e waitEdge) String() string {
	parts := make([]string, 0, len(e.on))
	for _, u := range e.on {
		parts = append(parts, u.label())
	}
	switch {
	case len(parts) == 0:
		return e.what
	case e.what == "":
		return strings.Join(parts, ", ")
	}
	return e.what + " " + strings.Join(parts, ", ")
}

// waitingTasks are the live tasks parked at a yield, newest first; with
// program set, only those of no group or of a program group.
func (l *Loop) waitingTasks(programsOnly bool) []*Task {
	var out []*Task
	for t := l.tasks; t != nil; t = t.next {
		if t.state != stateWaiting {
			continue
		}
		if programsOnly && t.group != nil && !t.group.opts.Program {
			continue
		}
		out = append(out, t)
	}
	return out
}
