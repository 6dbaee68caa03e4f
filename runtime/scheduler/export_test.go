package scheduler

import "time"

// TimerCount is the number of timers scheduled on the loop, for tests: a
// cancelled or finished wait must not leave its timer behind.
func (l *Loop) TimerCount() int { return len(l.timers) }

// HoldFor is the part of a wait of timeout that may hold the thread (hold.go).
func (l *Loop) HoldFor(timeout time.Duration) time.Duration { return l.holdFor(timeout) }

// SetIdleHook makes the loop call f at the end of each idle period, after
// its collection (true) or when it started none (false) (idle.go).
func (l *Loop) SetIdleHook(f func(collected bool)) { l.quiet.hook = f }

// SetIdleMinAlloc sets the allocation since the last idle collection below
// which an idle period starts none.
func (l *Loop) SetIdleMinAlloc(n uint64) { l.quiet.minAlloc = n }

// IdleCollections is the number of idle collections started.
func (l *Loop) IdleCollections() int64 { return l.quiet.runs.Load() }

// IdleArmed reports whether the loop, about to wait without limit now, would
// wait only the idle delay, to collect if nothing comes: whether a task has
// run since the last idle collection. Call it on the loop.
func (l *Loop) IdleArmed() bool {
	d := time.Duration(-1)
	return l.idleTimeout(&d)
}

// DrainPosted runs the functions posted to the loop, as a turn does.
func (l *Loop) DrainPosted() { l.drainPosted() }

// Wait waits in the poller as a turn does, with the loop's lock released
// meanwhile, and returns the number of events.
func (l *Loop) Wait(timeout time.Duration) int {
	events, err := l.wait(timeout, false)
	if err != nil {
		panic(err)
	}
	return len(events)
}

// AsyncPreemption reads GODEBUG settings as holdAll does (hold.go).
var AsyncPreemption = asyncPreemption

// HoldsWhole reports whether held waits are held whole (hold.go).
func HoldsWhole() bool { return holdAll }

// SetDirectSwitch turns the direct switch between tasks (switch.go) on or off.
func (l *Loop) SetDirectSwitch(on bool) { l.noSwitch = !on }

// Switches is the number of direct switches the loop has made.
func (l *Loop) Switches() int { return l.switches }

// BlockLabel is the running task's label as a block report would name it
// (watchdog.running), or "" without a watchdog or before any step.
func (l *Loop) BlockLabel() string {
	if l.watch == nil {
		return ""
	}
	label, _ := l.watch.running()
	return label
}

// ThreadCPU is the CPU time the calling thread has used, read as the
// watchdog reads the loop's (the process's where the thread's cannot be
// read): a native called by a script reads the loop thread's.
func ThreadCPU() time.Duration {
	if d, ok := threadCPU(currentThread()); ok {
		return d
	}
	d, _ := processCPU()
	return d
}

// Reported reports whether the watchdog has taken the running step as
// blocking (its report line may still be on its way).
func (l *Loop) Reported() bool { return l.watch != nil && l.watch.reported.Load() != 0 }
