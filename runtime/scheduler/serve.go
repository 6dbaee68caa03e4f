package scheduler

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// Serve turns the loop (the only way it runs): on one goroutine, until told to
// stop, never taking idleness for the end, running what other goroutines Post
// to it. Work is started as groups (Start): a main task and every task
// spawned from a task of the group, with the end of a program or of a call
// (its main task) reported to the host.

// Group is a main task and every task spawned, directly or not, from a task of
// the group: one program run or one call from the host.
type Group struct {
	l     *Loop
	opts  GroupOptions
	main  *Task
	live  int
	ended bool
	done  chan struct{}

	exit   *int
	failed bool
	// shielded counts the live tasks with a shield (shield.go); cancelled is
	// set by Cancel; holding is set when the group would have ended but
	// waits for its shielded tasks.
	shielded  int
	cancelled bool
	holding   bool
}

// GroupOptions say when a group ends and what its tasks share.
type GroupOptions struct {
	// Program makes the group end as a program ends: when its main task
	// has ended and so has every task of the group (or the main task failed,
	// or a task called os.exit). Without it the group ends with its main task
	// and the tasks it spawned go on. A program whose tasks all wait for
	// something nothing can provide gets the deadlock error at their yields.
	Program bool
	// Quota is shared by every task of the group (nil: none).
	Quota *vm.Quota
	// OnEnd runs on the loop when the group ends, after output was flushed
	// and before Done is closed.
	OnEnd func(g *Group)
}

// Start makes fn(args...) the main task of a new group, ready to run. Call it
// on the loop's goroutine (from a function given to Post).
func (l *Loop) Start(fn vm.Value, args []vm.Value, opts GroupOptions) (*Group, error) {
	g := &Group{l: l, opts: opts, done: make(chan struct{})}
	cur := l.current
	l.current = nil // the main task belongs to g, not to the running task's group
	t, err := l.Spawn(fn, args, nil)
	l.current = cur
	if err != nil {
		return nil, err
	}
	t.group = g
	t.vt.Quota = opts.Quota
	g.main = t
	g.live = 1
	l.groups = append(l.groups, g)
	return g, nil
}

// Main is the group's main task.
func (g *Group) Main() *Task { return g.main }

// Done is closed when the group has ended (nil for the groups StartNow makes).
func (g *Group) Done() <-chan struct{} { return g.done }

// Ended reports whether the group has ended (on the loop's goroutine).
func (g *Group) Ended() bool { return g.ended }

// ExitCode reports whether a task of the group called os.exit, and with what code.
func (g *Group) ExitCode() (int, bool) {
	if g.exit == nil {
		return 0, false
	}
	return *g.exit, true
}

// Failed reports whether an error escaped a task of the group that nobody
// waited on (it was reported to the loop's Stderr).
func (g *Group) Failed() bool { return g.failed }

// Cancel cancels every task of the group, the main task first, with err (kind
// cancelled when err is nil): each one's pending yield throws it and its
// finally blocks run. Call it on the loop's goroutine.
func (g *Group) Cancel(err *vm.Error) {
	g.cancelled = true
	if g.main.state != stateDone {
		g.main.interrupt(cancelError(err))
	}
	for _, t := range g.l.Tasks() {
		if t.group == g && t != g.main {
			if t.shielded {
				t.holdCancel(cancelError(err))
			} else {
				t.interrupt(cancelError(err))
			}
		}
	}
}

// taskEnded is called when a task of the group finishes.
func (g *Group) taskEnded(t *Task) {
	g.live--
	if t.shielded {
		t.unshield()
		if t.more != nil {
			t.more.pending = nil
		}
	}
	if g.ended {
		return
	}
	if g.holding {
		if g.shielded > 0 {
			return
		}
		t = g.main // end now, as when the main task ended
	}
	if t == g.main && (!g.opts.Program || t.err != nil) || g.main.state == stateDone && g.live == 0 {
		if g.cancelled && g.shielded > 0 {
			// The shielded tasks finish their work first (shield.go).
			g.holding = true
			return
		}
		if g.opts.Program && g.live > 0 {
			// As when a program ends: the tasks left run to the end of this
			// turn of the loop, then never again.
			g.l.orphaned = append(g.l.orphaned, g)
		}
		g.end()
	}
}

// end marks the group ended, flushes output and tells the host.
func (g *Group) end() {
	if g.ended {
		return
	}
	g.ended = true
	for i, h := range g.l.groups {
		if h == g {
			g.l.groups = append(g.l.groups[:i], g.l.groups[i+1:]...)
			break
		}
	}
	g.l.M.Flush()
	g.l.mayReady() // a host may wait on Done, or OnEnd answer one
	if g.opts.OnEnd != nil {
		g.opts.OnEnd(g)
	}
	if g.done != nil { // StartNow's groups have none
		close(g.done)
	}
}

// exited ends the group of t, which called os.exit: the other tasks of the
// group stop where they are, without running their finally blocks (as a
// process that exits), and the group ends. It reports whether t had a group
// (a task of no group just ends).
func (l *Loop) exited(t *Task, code int) bool {
	g := t.group
	if g == nil {
		return false
	}
	if g.exit == nil {
		g.exit = &code
	}
	g.drop()
	g.end()
	return true
}

// drop ends every live task of the group at once, without running it again.
func (g *Group) drop() {
	for _, t := range g.l.Tasks() {
		if t.group != g || t.state == stateDone || t.state == stateRunning {
			continue
		}
		if t.canceler != nil {
			t.canceler.Cancel()
			t.canceler = nil
		}
		g.l.live--
		t.observed = true
		t.finish(vm.Nil, vm.NewError(vm.KindCancelled, "the program ended"))
	}
}

// Serve turns the loop on the calling goroutine (locked to its OS thread)
// until stop is closed, running what other goroutines Post and the groups they
// Start. It never ends because nothing is left to do: it waits in
// the poller until a Post, a timer or I/O wakes it. A panic that escapes a
// turn (a bug outside any task) is reported on Stderr and the loop goes on.
func (l *Loop) Serve(stop <-chan struct{}) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	l.noteThread()
	var stopping atomic.Bool
	go func() {
		<-stop
		stopping.Store(true)
		l.poller.Wake()
	}()
	for {
		ok, panicked := l.turns(&stopping)
		if !ok {
			return
		}
		if !panicked {
			break
		}
	}
	l.M.Flush()
}

// turns turns the loop until stopping is set (ok) or the poller fails (not
// ok). A panic that escapes a turn (a bug outside any task) is reported on
// Stderr and ends turns with panicked set, and Serve calls it again: the
// recover is set up once for all the turns, not once per turn.
func (l *Loop) turns(stopping *atomic.Bool) (ok, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			l.relock()
			l.current = nil
			fmt.Fprintf(l.Stderr, "event loop: internal error: %v\n", r)
			ok, panicked = true, true
		}
	}()
	return l.turn(stopping), false
}

// turn turns the loop until stopping is set (true) or the poller fails
// (false). Each turn runs the ready tasks, then waits in the poller for what
// wakes the next ones (I/O, a timer, a Post) and hands them what came; the
// next turn follows in the same call (one call for all the turns, as one
// recover in turns is for all of them).
func (l *Loop) turn(stopping *atomic.Bool) bool {
turn:
	for !stopping.Load() {
		for {
			if l.ready.size > 0 { // none, as every turn of a server that waits for I/O begins
				l.runPass(stopping)
			}
			l.dropOrphaned()
			if l.ready.len() == 0 || l.ioWaits > 0 || l.pending.Load() != 0 || len(l.timers) > 0 {
				break
			}
			// Only ready tasks, and nothing to poll for: the next turn would
			// run them at once, so this one does, without going round Serve
			// (and, when nothing was posted, without telling the watchdog
			// that no step runs: the next one begins at once).
			if l.hasPosted() {
				l.idle()
				l.drainPosted()
			}
			if stopping.Load() {
				l.idle()
				continue turn
			}
		}
		l.idle()
		l.M.Flush()
		timeout := time.Duration(-1)
		if l.ready.len() > 0 {
			timeout = 0
		} else if len(l.timers) > 0 {
			if l.jump() {
				continue turn
			}
			timeout = max(l.timers[0].when.Sub(l.Now()), 0)
		} else if l.ioWaits == 0 && l.pending.Load() == 0 && !l.hasPosted() {
			if l.serveDeadlock() {
				continue turn
			}
		}
		if stopping.Load() {
			continue turn
		}
		idle, steps := l.idleTimeout(&timeout), l.quiet.steps
		events, err := l.wait(timeout, idle)
		if err != nil {
			fmt.Fprintf(l.Stderr, "event loop: %v\n", err)
			return false
		}
		if idle && l.poller.TimedOut() && !stopping.Load() {
			l.idleEnded(steps)
		}
		if l.runEvents(events) {
			l.dropOrphaned()
		}
		if len(l.timers) > 0 {
			l.fireTimers(l.Now())
		}
		l.drainPosted()
	}
	return true
}

// dropOrphaned ends the tasks left by programs whose main task ended in the
// pass of the ready tasks just run: they ran to the end of that pass, and
// never run again.
func (l *Loop) dropOrphaned() {
	if len(l.orphaned) == 0 {
		return
	}
	for _, g := range l.orphaned {
		g.drop()
	}
	l.orphaned = nil
}

// serveDeadlock handles a loop where nothing (timer, I/O, host work in flight
// or a Post) can wake a task: every waiting task of a program (or of no group)
// gets kind deadlock at its yield, after the report (deadlock.go); a program
// whose main task is done and whose tasks are all gone ends. Calls are left
// waiting: a later call from the host may wake them. It reports whether it
// made a task ready.
func (l *Loop) serveDeadlock() bool {
	if waiting := l.waitingTasks(true); len(waiting) > 0 {
		l.deadlockReport(waiting)
		return true
	}
	for _, g := range append([]*Group(nil), l.groups...) {
		if g.opts.Program && g.main.state == stateDone {
			g.drop()
			g.end()
		}
	}
	return false
}

// Pool is a bounded set of goroutines, started on demand, for host work whose
// results go back to a loop (a host's own functions, beside the loop's pool for
// files and name lookups).
type Pool struct{ p pool }

// NewPool makes a pool of at most n goroutines (n < 1: 1).
func NewPool(n int) *Pool { return &Pool{p: pool{max: max(n, 1)}} }

// GoOn runs work on pool p and delivers its result to w on the loop, as Go
// does with the loop's own pool. The loop stays alive while work is in flight.
func (l *Loop) GoOn(p *Pool, w Waker, work func() (vm.Value, *vm.Error)) Canceler {
	return l.goOn(&p.p, w, func(context.Context) (vm.Value, *vm.Error) { return work() })
}
