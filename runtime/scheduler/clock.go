package scheduler

import "time"

// Virtual time. With it on, the loop's clock (Now, which timers, sleep,
// timeout, time.now and time.monotonic read) is real time plus a skew, and
// whenever no task is ready and no I/O, host work or posted closure is in
// flight, the skew grows to bring the clock to the next timer's deadline at
// once: a program that sleeps an hour with nothing else to do takes no real
// time, and timers still fire in the order of their deadlines. While I/O or
// host work is in flight the clock runs at the speed of real time.

// SetVirtualTime turns virtual time on or off. Call it before the loop runs.
func (l *Loop) SetVirtualTime(on bool) { l.virtual = on }

// VirtualTime reports whether the loop's clock is virtual.
func (l *Loop) VirtualTime() bool { return l.virtual }

// Now is the loop's clock: real time, plus what virtual time skipped. Call it
// on the loop's goroutine.
func (l *Loop) Now() time.Time {
	if l.virtual {
		return time.Now().Add(l.skew)
	}
	return time.Now()
}

// jump moves a virtual clock to the next timer's deadline and fires the timers
// due, when nothing but a timer can wake a task. It reports whether it did.
func (l *Loop) jump() bool {
	if !l.virtual || l.ready.len() > 0 || len(l.timers) == 0 || l.ioWaits > 0 || l.pending.Load() > 0 || l.hasPosted() {
		return false
	}
	now := l.Now()
	if d := l.timers[0].when.Sub(now); d > 0 {
		l.skew += d
		now = now.Add(d)
	}
	l.fireTimers(now)
	return true
}
