package scheduler

import (
	"slices"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// The awaitables and tasks the script builtins make (stdlib/builtins defines
// spawn, sleep, all, race, timeout, group and current_task with these); the
// scheduler gives the mechanism, the builtins check the arguments.

// Sleep is an awaitable that completes with nil after d.
func Sleep(d time.Duration) vm.Value { return vm.ObjectValue(&sleepOp{d: d}) }

// All is an awaitable of the list of the results of items, in their order; it
// throws the first error one of them throws. trace is where it was made.
func All(items []vm.Value, trace []vm.Site) vm.Value {
	return vm.ObjectValue(&multiOp{items: items, trace: trace})
}

// Race is an awaitable of the result of the first of items to complete; the
// others are cancelled.
func Race(items []vm.Value, trace []vm.Site) vm.Value {
	return vm.ObjectValue(&multiOp{race: true, items: items, trace: trace})
}

// Timeout is an awaitable of the result of inner that throws timeout after d.
func Timeout(d time.Duration, inner vm.Value, trace []vm.Site) vm.Value {
	return vm.ObjectValue(&timeoutOp{d: d, inner: inner, trace: trace})
}

// WithGroup is an awaitable that runs body with a task group and completes when
// every task of the group has ended.
func WithGroup(body vm.Value, trace []vm.Site) vm.Value {
	return vm.ObjectValue(&groupOp{body: body, trace: trace})
}

// SpawnArgs checks spawn's arguments (a coroutine, or a function and its
// arguments) and gives the function and a copy of its arguments.
func SpawnArgs(fname string, args []vm.Value) (vm.Value, []vm.Value, error) {
	return spawnArgs(fname, args)
}

// SpawnNamedArgs checks spawn_named's arguments: a name, then as spawn.
func SpawnNamedArgs(fname string, args []vm.Value) (string, vm.Value, []vm.Value, error) {
	return spawnNamedArgs(fname, args)
}

// SpawnNamed is Spawn of a task with a name (for dumps and errors).
func (l *Loop) SpawnNamed(name string, fn vm.Value, args []vm.Value, trace []vm.Site) (*Task, error) {
	t, err := l.Spawn(fn, args, trace)
	if err != nil {
		return nil, err
	}
	if name != "" {
		t.setX().name = name
	}
	return t, nil
}

// Current is the scheduler task that runs vt, or nil.
func Current(vt *vm.Task) *Task {
	t, _ := vt.Data.(*Task)
	return t
}

// SitesOf is where the running script is, for spawn sites.
func SitesOf(t *vm.Task) []vm.Site { return sitesOf(t) }

// sitesOf is where the running script is, for spawn sites: the sites of the
// last spawn when the script is where it was then (a server's accept loop
// spawns every connection's task from one place), so that they are neither
// made again nor kept once per task.
func sitesOf(t *vm.Task) []vm.Site {
	if t == nil {
		return nil
	}
	if st := Current(t); st != nil {
		if p := st.l.sites; p != nil && t.AtSites(*p) {
			return *p
		}
	}
	return t.Sites()
}

// shareSites is what a task spawned at sites keeps: the loop's last spawn
// sites when they are the same, else a new one that becomes the last.
func (l *Loop) shareSites(sites []vm.Site) *[]vm.Site {
	if sites == nil {
		return nil
	}
	if p := l.sites; p != nil && slices.Equal(*p, sites) {
		return p
	}
	p := &sites
	l.sites = p
	return p
}
