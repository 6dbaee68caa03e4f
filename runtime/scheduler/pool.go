package scheduler

import (
	"sync"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// maxWorkers bounds the goroutines that run blocking work (files, name lookups).
const maxWorkers = 16

// pool runs blocking work on at most maxWorkers goroutines, started on demand.
type pool struct {
	mu      sync.Mutex
	jobs    []func()
	workers int
	max     int // 0: maxWorkers
}

func (p *pool) submit(job func()) {
	p.mu.Lock()
	p.jobs = append(p.jobs, job)
	if p.workers < maxWorkers && p.max == 0 || p.workers < p.max {
		p.workers++
		go p.work()
	}
	p.mu.Unlock()
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

// job is blocking work whose result goes back to a waiter on the loop.
type job struct {
	w         Waker
	cancelled bool
}

// Cancel drops the result when it comes (the work itself runs to its end).
func (j *job) Cancel() { j.cancelled = true }

// Go runs work on the loop's bounded worker pool and delivers its result to w
// on the loop. The loop stays alive while work is in flight.
func (l *Loop) Go(w Waker, work func() (vm.Value, *vm.Error)) Canceler {
	return l.goOn(&l.workers, w, work)
}

func (l *Loop) goOn(p *pool, w Waker, work func() (vm.Value, *vm.Error)) Canceler {
	j := &job{w: w}
	l.pending.Add(1)
	p.submit(func() {
		v, err := work()
		l.Post(func() {
			l.pending.Add(-1)
			if !j.cancelled {
				j.w.Wake(v, err)
			}
		})
	})
	return j
}
