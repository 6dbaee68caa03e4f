package vm

// Switcher is a driver's direct switch between the tasks of one machine. When
// a task stops at a `yield obj.m(args)` whose wait the object registered with
// the driver (StatusWait: a queue's get or put that must wait), the dispatch
// loop asks the driver's Switch for the task to run next instead of returning.
// Two tasks handing items over through a queue then switch without leaving
// the loop, its deferred recovery, the driver's step and its ready queue's
// round trip.
type Switcher interface {
	// Switch is called with the task t that has just stopped with
	// StatusWait, as the driver would be told on return. It returns the task
	// to run now, which must be a task of the same machine stopped at a
	// yield whose wait has completed with v, and which the driver now counts
	// as running; or nil, and the loop returns StatusWait for t as usual.
	// The status the loop returns in the end is that of the task it last
	// switched to.
	Switch(t *Task) (next *Task, v Value)
}

// What switchedIn did.
const (
	switchFailed = iota // the task failed
	switchGoOn          // the task goes on from its registers as saved
	switchValue         // the task goes on with the yield's value, which the caller places
)

// switchedIn continues t, suspended at a yield, with v as the yield's value,
// as Resume does before it enters the loop, except that it leaves v for the
// caller to put where the instruction after the yield wants it (switchValue:
// dropped, stored in a local or pushed). It reports switchFailed when t
// failed (the value's charge to its quota threw and nothing caught it), and
// switchGoOn when t goes on without v (preempted, or the charge's error
// caught).
func (t *Task) switchedIn(v Value) int {
	t.aw = Value{}
	if t.preempted {
		t.preempted = false
		return switchGoOn
	}
	if v.k == KStr && t.countsBytes() {
		if e := t.charge(int64(v.n)); e != nil {
			if t.unwind(e) {
				return switchGoOn
			}
			return switchFailed
		}
	}
	return switchValue
}
