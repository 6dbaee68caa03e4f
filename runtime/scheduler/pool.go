package scheduler

import (
	"context"
	"sync"

	"github.com/yieldscript/yieldscript/lang/vm"
)

const (
	// maxWorkers bounds the goroutines that run file work.
	maxWorkers = 16
	// maxLookups bounds the goroutines that resolve names: apart from the
	// file workers, so that lookups that hang until their deadline cannot
	// hold up file work.
	maxLookups = 4
	// maxQueued bounds the jobs waiting for a goroutine of one of the loop's
	// pools: past it an operation fails with kind limit instead of piling up.
	maxQueued = 1024
)

// pool runs blocking work on at most max goroutines, started on demand.
type pool struct {
	mu       sync.Mutex
	jobs     []func()
	workers  int
	max      int // 0: maxWorkers
	maxQueue int // jobs waiting for a goroutine; 0: no bound
}

// submit queues job; it reports false, and does nothing, when the queue is full.
func (p *pool) submit(job func()) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.maxQueue > 0 && len(p.jobs) >= p.maxQueue {
		return false
	}
	p.jobs = append(p.jobs, job)
	if p.workers < maxWorkers && p.max == 0 || p.workers < p.max {
		p.workers++
		go p.work()
	}
	return true
}

func (p *pool) work() {
	for {
		p.mu.Lock()
		if len(p.jobs) == 0 {
			p.workers--
			p.mu.Unlock()
			return
		}
		job := p.jobs[0]
		p.jobs[0] = nil
		p.jobs = p.jobs[1:]
		p.mu.Unlock()
		job()
	}
}

// queued is the number of jobs waiting for a goroutine.
func (p *pool) queued() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.jobs)
}

// job is blocking work whose result goes back to a waiter on the loop.
type job struct {
	w         Waker
	cancelled bool // on the loop
	cancel    context.CancelFunc
}

// Cancel drops the result when it comes and cancels the work's context: work
// that has not started does not run, work that watches its context stops.
func (j *job) Cancel() {
	j.cancelled = true
	j.cancel()
}

// Go runs work on the loop's bounded worker pool and delivers its result to w
// on the loop. The loop stays alive while work is in flight.
func (l *Loop) Go(w Waker, work func() (vm.Value, *vm.Error)) Canceler {
	return l.goOn(&l.workers, w, func(context.Context) (vm.Value, *vm.Error) { return work() })
}

// GoLookup runs a name lookup on the loop's lookup pool (apart from the file
// workers) and delivers its result to w on the loop. ctx is cancelled when
// the wait is.
func (l *Loop) GoLookup(w Waker, work func(ctx context.Context) (vm.Value, *vm.Error)) Canceler {
	return l.goOn(&l.lookups, w, work)
}

func (l *Loop) goOn(p *pool, w Waker, work func(context.Context) (vm.Value, *vm.Error)) Canceler {
	ctx, cancel := context.WithCancel(context.Background())
	j := &job{w: w, cancel: cancel}
	l.pending.Add(1)
	ok := p.submit(func() {
		var v vm.Value
		var err *vm.Error
		if ctx.Err() == nil {
			v, err = work(ctx)
		}
		cancel()
		l.Post(func() {
			l.pending.Add(-1)
			if !j.cancelled {
				j.w.Wake(v, err)
			}
		})
	})
	if !ok {
		l.pending.Add(-1)
		cancel()
		w.Wake(vm.Nil, vm.Errorf(vm.KindLimit, "too many blocking operations (file work, name lookups) waiting: at most %d may wait at once", p.maxQueue))
		return nil
	}
	return j
}
