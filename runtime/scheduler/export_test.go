package scheduler

import "time"

// TimerCount is the number of timers scheduled on the loop, for tests: a
// cancelled or finished wait must not leave its timer behind.
func (l *Loop) TimerCount() int { return len(l.timers) }

// HoldFor is the part of a wait of timeout that may hold the thread (hold.go).
func (l *Loop) HoldFor(timeout time.Duration) time.Duration { return l.holdFor(timeout) }
