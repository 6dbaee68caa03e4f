package scheduler

import (
	"container/heap"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
	"weak"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/poll"
)

// Waker receives the outcome of something a task waits for, exactly once.
type Waker interface {
	Wake(v vm.Value, err *vm.Error)
}

// Canceler stops a wait that has not completed: after Cancel the awaitable
// must never call its Waker.
type Canceler interface {
	Cancel()
}

// Awaitable is what a task can wait for through the scheduler. Await starts
// the wait for w; it may call w.Wake before returning (the value was ready) or
// later from the loop. It returns how to cancel the wait, or nil if it cannot be
// cancelled or already completed.
type Awaitable interface {
	vm.Awaitable
	Await(l *Loop, w Waker) Canceler
}

// Loop is one event loop: a ready queue, a timer heap, a poller (epoll or
// kqueue) and the tasks of one Machine. It runs on one locked OS thread; other
// goroutines talk to it only through Post.
type Loop struct {
	// The fields every turn and every step read or write come first, in
	// four cache lines: a server at one connection runs its user code on
	// caches the kernel has emptied since the last round trip, so each line
	// of the loop a turn touches is a miss (doc/impl.md, "Where an echo
	// round trip's CPU goes").
	M       *vm.Machine
	poller  *poll.Poller
	ready   queue
	current *Task
	timers  timerHeap
	fdTab   []*FD // registered descriptors, by FD.idx (nil: free)
	ioWaits int   // tasks waiting on descriptors
	// state is the loop's own lock: the goroutine turning the loop holds it
	// at all times except while it waits in the poller. A host goroutine that
	// takes it (TryEnter) may run loop work itself, as the loop would, while
	// the loop stays blocked in its wait or, woken, waits for the lock.
	state   sync.Mutex
	pending atomic.Int64 // host work in flight that will Post its result
	nposted atomic.Int32
	// The pass of ready tasks running now (switch.go): how many of the
	// tasks ready when it began are still to run, and, for a pass of a
	// turn of Serve that would go on with the tasks made ready meanwhile,
	// that turn's stop flag.
	passLeft int
	passTurn *atomic.Bool
	watch    *watchdog // block reports and preemption (watchdog.go), or nil
	orphaned []*Group  // ended programs whose other tasks stop after this turn
	// holdUnchecked is how many more waits may hold without reading
	// runnable; holdGoroutines the number of goroutines when it was last
	// read (hold.go).
	holdUnchecked  int
	holdGoroutines int
	noSwitch       bool // no direct switch (tests compare the order without it)
	// holdOff: a signal ended the last wait, held whole: the next is not held.
	holdOff bool
	// unlocked is set while wait has released state for the poller's wait.
	unlocked bool
	quiet    idleCollector // collection when the loop goes quiet (idle.go); its hot fields first

	Stderr io.Writer

	timerSeq uint64

	fdFree []uint32 // free indexes in fdTab
	fdGen  uint32   // the generation of the FD registered last

	enterTimer *Timer // the first timer when TryEnter took the lock

	mu      sync.Mutex
	posted  []func()
	workers pool // file work
	lookups pool // name resolution

	output      *Output // set by SetOutput (output.go)
	outWaiters  []*outputRoom
	outWatching bool

	nextID   int64
	live     int
	tasks    *Task // live tasks, newest first
	switches int   // direct switches made
	closed   atomic.Bool
	// sweepPosted: a stack sweep is posted and has not run (shrink.go).
	sweepPosted atomic.Bool

	// Failures counts the errors that escaped a task nobody waited on.
	Failures int

	// MaxTasks, when positive, limits the live tasks: Spawn past it fails
	// with kind limit.
	MaxTasks int
	// Virtual time (clock.go): the clock is real time plus skew, and skew
	// grows when the loop jumps to the next timer.
	virtual bool
	skew    time.Duration
	groups  []*Group // groups not yet ended (serve.go)
	// loopThread is the loop's thread for the watchdog, kept while a
	// TryEnter caller runs steps on its own.
	loopThread int64

	direct directCalls // what host calls run at once reuse (direct.go)
	// runnable is where holdFor reads the runtime's count of runnable
	// goroutines (hold.go).
	runnable [1]metrics.Sample
	sites    *[]vm.Site // the sites of the last spawn, shared by the tasks spawned there (awaitables.go)
}

// New makes a loop for machine m. The script builtins that make tasks and
// awaitables (spawn, sleep, all, race, ...) are defined by stdlib/builtins.
func New(m *vm.Machine, stderr io.Writer) (*Loop, error) {
	p, err := poll.NewPoller()
	if err != nil {
		return nil, fmt.Errorf("event loop: %w", err)
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	l := &Loop{M: m, Stderr: stderr, poller: p}
	// Held from the start: the loop gives it up only while it waits, so
	// before it first turns and after it has stopped nobody else takes it.
	l.state.Lock()
	l.workers.maxQueue = maxQueued
	l.lookups.max, l.lookups.maxQueue = maxLookups, maxQueued
	armSweeps(weak.Make(l))
	return l, nil
}

// Close releases the loop's poller and every descriptor still registered.
func (l *Loop) Close() {
	if l.closed.Swap(true) {
		return
	}
	l.stopWatchdog()
	for _, fd := range l.fdTab {
		if fd != nil {
			fd.Close()
		}
	}
	l.poller.Close()
}

// Current is the task running now (nil between tasks).
func (l *Loop) Current() *Task { return l.current }

// Post runs fn on the loop's goroutine soon. Safe from any goroutine; it wakes
// the loop if it is waiting.
func (l *Loop) Post(fn func()) {
	if l.closed.Load() {
		return
	}
	l.mu.Lock()
	l.posted = append(l.posted, fn)
	l.nposted.Add(1)
	l.mu.Unlock()
	l.poller.Wake()
}

// Hold keeps the loop alive until the returned function is called (from any
// goroutine), as for a host call in flight.
func (l *Loop) Hold() (release func()) {
	l.pending.Add(1)
	var once sync.Once
	return func() {
		once.Do(func() {
			l.pending.Add(-1)
			l.poller.Wake()
		})
	}
}

// drainPosted runs what other goroutines posted. When one of the functions
// panics (a bug: the panic goes on to Serve, which reports it), those posted
// after it are put back in front of the ones posted since, to run in the
// next turn, rather than lost with the batch.
func (l *Loop) drainPosted() {
	if l.nposted.Load() != 0 { // inlined: most turns have nothing posted
		l.runPosted()
	}
}

// runPosted is drainPosted with something posted.
func (l *Loop) runPosted() {
	l.mu.Lock()
	l.nposted.Store(0)
	fns := l.posted
	l.posted = nil
	l.mu.Unlock()
	l.mayReady()
	i := 0
	defer func() {
		if i < len(fns) {
			l.mu.Lock()
			l.posted = append(fns[i+1:len(fns):len(fns)], l.posted...)
			l.nposted.Store(int32(len(l.posted)))
			l.mu.Unlock()
			l.poller.Wake()
		}
	}()
	for ; i < len(fns); i++ {
		fns[i]()
	}
}

// noteThread tells the watchdog, if any, that the calling goroutine, locked
// to its OS thread, runs the loop's steps from now on (the watchdog reads
// that thread's CPU time).
func (l *Loop) noteThread() {
	if wd := l.watch; wd != nil {
		wd.thread.Store(currentThread())
	}
}

// wait waits in the poller with the loop's lock released, so that a host
// goroutine may run loop work meanwhile (TryEnter); it takes the lock back
// before it returns.
//
// idle says the timeout is only the idle delay (idle.go): a wait held whole
// then has none, so that the kernel arms no timer for it. The runtime's
// preemption ends it after 10 to 20 ms (holdAll, hold.go), and the next wait,
// not held, waits the delay.
func (l *Loop) wait(timeout time.Duration, idle bool) (events []poll.Event, err error) {
	hold := l.holdFor(timeout)
	if idle && hold == poll.HoldAll {
		timeout = -1
	}
	l.unlocked = true
	l.state.Unlock()
	events, err = l.poller.WaitHold(timeout, hold)
	l.relock()
	if len(events) == 0 {
		// It timed out, or a signal ended it (the runtime's preemption of a
		// held wait among them): another goroutine may want the thread
		// (hold.go).
		l.mayReady()
		l.holdOff = hold == poll.HoldAll && err == nil && !l.poller.TimedOut()
	}
	return events, err
}

// relock takes back the lock wait released for the poller's wait; turns
// calls it too when a panic escaped from that wait, so the loop goes on
// holding its lock (without a deferred call on every wait).
func (l *Loop) relock() {
	if l.unlocked {
		l.state.Lock()
		l.unlocked = false
	}
}

// TryEnter takes the loop's lock if the loop is idle (waiting in the poller)
// and nobody else holds it. The caller may then do what the loop's own
// goroutine does (Start a group, RunReady) until Leave: the loop does not run
// meanwhile, and if its wait ends it waits for the lock.
func (l *Loop) TryEnter() bool {
	if l.closed.Load() || !l.state.TryLock() {
		return false
	}
	if wd := l.watch; wd != nil {
		// The caller's goroutine runs the steps until Leave: it stays on
		// its thread meanwhile, whose CPU time the watchdog reads. The
		// process's would count the collector's and other goroutines' work
		// as the task's while the caller's thread waits for a CPU.
		runtime.LockOSThread()
		l.loopThread = wd.thread.Swap(currentThread())
	}
	l.enterTimer = nil
	if len(l.timers) > 0 {
		l.enterTimer = l.timers[0]
	}
	return true
}

// Leave gives back the lock TryEnter took, after flushing output, and wakes
// the loop when the work done meanwhile left something for it: a ready task,
// a timer due before those it waits for, or (wake) anything the caller knows
// of, such as a group still running.
func (l *Loop) Leave(wake bool) {
	l.M.Flush()
	if l.ready.len() > 0 || len(l.orphaned) > 0 {
		wake = true
	} else if len(l.timers) > 0 && l.timers[0] != l.enterTimer {
		wake = true
	}
	l.enterTimer = nil
	l.mayReady() // the caller's goroutine may have readied others
	if wd := l.watch; wd != nil {
		wd.thread.Store(l.loopThread)
		runtime.UnlockOSThread()
	}
	l.state.Unlock()
	if wake {
		l.poller.Wake()
	}
}

// RunReady runs the tasks that are ready now once, as a turn of the loop
// does, for a caller that holds the loop's lock (TryEnter). A panic that
// escapes (a bug outside any task) is returned as an error.
func (l *Loop) RunReady() (err error) {
	defer func() {
		if r := recover(); r != nil {
			l.current = nil
			err = fmt.Errorf("event loop: internal error: %v", r)
		}
	}()
	l.runReady()
	return nil
}

func (l *Loop) hasPosted() bool { return l.nposted.Load() > 0 }

// readyBeforeTimers runs the tasks that were ready before the loop waited
// (and those its I/O just woke), before the timers due fire and before what
// was posted meanwhile runs, as asyncio runs its ready callbacks before the
// timers that expired and the callbacks other threads added: a task spawned
// just before a timeout(0.01, t), or before a signal cancels the program,
// starts and reaches its first yield (and its try) before the timeout or the
// cancellation reaches it, however late the loop gets to it. It reports
// whether it ran any.
func (l *Loop) readyBeforeTimers() bool {
	if l.ready.len() == 0 {
		return false
	}
	l.runReady()
	return true
}

// runReady runs the tasks that are ready now, in FIFO order. Tasks made ready
// while it runs wait for the next turn, after I/O has been polled.
func (l *Loop) runReady() {
	l.runPass(nil)
	l.idle()
}

// runPass is runReady without telling the watchdog that no step runs, for a
// turn that goes on with the tasks made ready meanwhile (turn, which passes
// its stop flag: see Switch). While it runs, a task that stops at a wait
// another task completes may hand the loop straight to the next ready task
// (Switch, switch.go).
func (l *Loop) runPass(turn *atomic.Bool) {
	l.runPassOf(l.ready.len(), turn)
}

// runPassOf is runPass of the queue's first n tasks.
func (l *Loop) runPassOf(n int, turn *atomic.Bool) {
	if n == 0 {
		return // as every turn of a server that waits for I/O begins
	}
	l.passLeft, l.passTurn = n, turn
	if !l.noSwitch {
		l.M.Switch = l
	}
	for l.passLeft > 0 {
		l.passLeft--
		t := l.ready.pop()
		if t.state != stateReady {
			continue
		}
		l.step(t)
	}
	l.M.Switch, l.passTurn = nil, nil
}

// idle tells the watchdog, if any, that no step runs.
func (l *Loop) idle() {
	if wd := l.watch; wd != nil {
		wd.idle()
	}
}

// ---- ready queue ----

// queue is a FIFO ring of tasks; its length is a power of two (0, then 16, doubling).
type queue struct {
	buf        []*Task
	head, size int
}

func (q *queue) len() int { return q.size }

func (q *queue) push(t *Task) {
	if q.size == len(q.buf) {
		n := max(2*len(q.buf), 16)
		buf := make([]*Task, n)
		for i := range q.size {
			buf[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = buf, 0
	}
	q.buf[(q.head+q.size)&(len(q.buf)-1)] = t
	q.size++
}

func (q *queue) pop() *Task {
	t := q.buf[q.head]
	q.buf[q.head] = nil
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.size--
	return t
}

// ---- timers ----

// Timer is a scheduled wake-up.
type Timer struct {
	seq   uint64
	when  time.Time
	w     Waker
	index int // position in the heap, -1 when not scheduled
}

type timerHeap []*Timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].when.Equal(h[j].when) {
		return h[i].seq < h[j].seq // equal deadlines fire in the order they were set
	}
	return h[i].when.Before(h[j].when)
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	tm := x.(*Timer)
	tm.index = len(*h)
	*h = append(*h, tm)
}
func (h *timerHeap) Pop() any {
	old := *h
	tm := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	tm.index = -1
	return tm
}

// After schedules w.Wake(nil, nil) after d. The timer's Cancel unschedules it.
func (l *Loop) After(d time.Duration, w Waker) *Timer {
	l.timerSeq++
	tm := &Timer{seq: l.timerSeq, when: l.Now().Add(d), w: w, index: -1}
	heap.Push(&l.timers, tm)
	return tm
}

// CancelTimer unschedules a timer made by After.
func (l *Loop) CancelTimer(tm *Timer) {
	if tm.index >= 0 {
		heap.Remove(&l.timers, tm.index)
	}
}

func (l *Loop) fireTimers(now time.Time) {
	for len(l.timers) > 0 && !l.timers[0].when.After(now) {
		tm := heap.Pop(&l.timers).(*Timer)
		tm.w.Wake(vm.Nil, nil)
	}
}
