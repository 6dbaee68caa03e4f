package scheduler

// TimerCount is the number of timers scheduled on the loop, for tests: a
// cancelled or finished wait must not leave its timer behind.
func (l *Loop) TimerCount() int { return len(l.timers) }
