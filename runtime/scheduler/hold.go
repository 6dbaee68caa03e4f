package scheduler

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"time"

	"github.com/yieldscript/yieldscript/runtime/poll"
)

// holdWait is how long a wait in the poller may keep the loop's thread from
// the Go scheduler (poll.Poller.WaitHold) when no other goroutine needs it
// and the runtime preempts without signals (else see holdAll):
// the time slice the Go scheduler gives a running goroutine before it
// preempts it (10 ms), since with GOMAXPROCS 1 a goroutine readied meanwhile
// by something else than the loop (a signal, a host's own timer or socket)
// waits as it would behind a loop that computes. A loop that gets its next
// event within it (a busy server between two requests, even on a loaded
// machine) never hands its P over; one that stays idle longer pays one extra
// epoll_wait per wait. (1 ms was tried first: with the machine loaded, a few
// percent of the waits outlasted it, and each one through the scheduler set
// sysmon ticking every 20 µs again for over a millisecond.)
const holdWait = 10 * time.Millisecond

// holdAll reports whether a held wait may be held whole (poll.HoldAll): with
// no timeout, the kernel arms and cancels no timer on each wait (about 2% of
// a one-connection echo server's CPU), and the runtime still ends the held
// part as it does now, since it preempts a goroutine that has run 10 ms, as a
// goroutine in a raw wait seems to, with a signal, which ends the wait. Not
// when the runtime preempts without signals (GODEBUG asyncpreemptoff): then
// only holdWait bounds the hold.
var holdAll = asyncPreemption(os.Getenv("GODEBUG"))

// asyncPreemption reports whether the runtime preempts goroutines with
// signals, given the GODEBUG environment variable (and the binary's default
// GODEBUG settings, which it overrides).
func asyncPreemption(env string) bool {
	settings := env
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "DefaultGODEBUG" {
				settings = s.Value + "," + env
			}
		}
	}
	on := true
	for _, kv := range strings.Split(settings, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.TrimSpace(k) == "asyncpreemptoff" {
			on = strings.TrimSpace(v) == "0"
		}
	}
	return on
}

// runnableMetric is the runtime's count of goroutines ready to run and not
// running.
const runnableMetric = "/sched/goroutines/runnable:goroutines"

// holdRecheck is how many waits that may hold go by at most between two
// reads of runnableMetric when nothing says a goroutine may have been
// readied (see holdFor).
const holdRecheck = 64

// holdFor is the part of a wait of timeout that may hold the thread: none
// for a poll (it never blocks), while host work is in flight (a pool
// goroutine or a host's call will Post to the loop, and with GOMAXPROCS 1
// they need the P the loop would hold), or while another goroutine is ready
// to run (a host goroutine the loop has just answered, through a channel,
// waits for a P).
//
// Reading the runtime's count of runnable goroutines costs some 800
// instructions (runtime/metrics takes a semaphore and the scheduler's lock and
// fills its aggregates), a quarter of what the loop does per round trip of a
// one-connection echo server, so the count is read again only when the loop
// may have readied a goroutine since it last read none: it ran work posted by
// another goroutine (drainPosted), ended a group (a host waits on Done), was
// entered by a host (Leave), ran a host's Go function (MayReady), the
// number of goroutines changed (a goroutine
// started, as the output's writer does), the last wait returned no event (it
// timed out or a signal ended it: something else may want the thread), or
// holdRecheck waits went by. A
// loop that only steps its tasks through I/O between two waits reads it once
// in holdRecheck waits.
func (l *Loop) holdFor(timeout time.Duration) time.Duration {
	if timeout == 0 || l.pending.Load() > 0 {
		return 0
	}
	if l.holdOff {
		// A signal ended the last held wait (the runtime's preemption,
		// below): this one goes through the Go scheduler, which a loop left
		// idle needs to sleep and another goroutine may need to run.
		l.holdOff = false
		return 0
	}
	if g := runtime.NumGoroutine(); g != l.holdGoroutines || l.holdUnchecked <= 0 {
		l.holdGoroutines = g
		s := &l.runnable[0]
		if s.Name == "" {
			s.Name = runnableMetric
		}
		metrics.Read(l.runnable[:])
		if s.Value.Kind() != metrics.KindUint64 || s.Value.Uint64() > 0 {
			l.holdUnchecked = 0
			return 0
		}
		l.holdUnchecked = holdRecheck
	}
	l.holdUnchecked--
	if holdAll {
		return poll.HoldAll
	}
	return holdWait
}

// mayReady tells holdFor that the loop may have made a goroutine ready to
// run: the next wait reads the runtime's count again.
func (l *Loop) mayReady() { l.holdUnchecked = 0 }

// MayReady is mayReady for a host: call it, holding the loop (from a Go
// function a script called, or between TryEnter and Leave), after doing
// something that may have made a goroutine ready to run, such as a send on a
// channel another goroutine receives from.
func (l *Loop) MayReady() { l.mayReady() }
