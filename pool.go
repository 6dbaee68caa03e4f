package yieldscript

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
)

// Pool is n VMs running the same program, for a Go server that wants more
// than one core: each Call goes to one of them. The VMs share nothing, so
// script globals (counters, caches) are per VM. Its methods are safe for
// concurrent use.
type Pool struct {
	vms      []*VM
	inflight []atomic.Int32 // calls in progress per VM
	next     atomic.Uint32
}

// NewPool makes n VMs with opts (n < 1: one per core, runtime.GOMAXPROCS)
// and calls setup on each, in order, to define its Go functions and run its
// program. If setup fails for one, every VM made so far is closed and the
// error returned.
func NewPool(n int, opts Options, setup func(v *VM) error) (*Pool, error) {
	if n < 1 {
		n = runtime.GOMAXPROCS(0)
	}
	p := &Pool{vms: make([]*VM, 0, n), inflight: make([]atomic.Int32, n)}
	for range n {
		v := New(opts)
		p.vms = append(p.vms, v)
		if v.loopErr != nil {
			p.Close()
			return nil, v.loopErr
		}
		if setup != nil {
			if err := setup(v); err != nil {
				p.Close()
				return nil, err
			}
		}
	}
	return p, nil
}

// Len is the number of VMs.
func (p *Pool) Len() int { return len(p.vms) }

// VM returns the i-th VM (0 <= i < Len), to set globals in every one.
func (p *Pool) VM(i int) *VM { return p.vms[i] }

// Call calls the global function name in one of the VMs, as VM.Call does:
// the one with the fewest calls in progress, starting from the next in
// turn, so that calls go to an idle VM (and run directly on the caller's
// goroutine there) when there is one.
func (p *Pool) Call(ctx context.Context, name string, args ...any) (any, error) {
	if len(p.vms) == 0 {
		return nil, ErrClosed
	}
	n := uint32(len(p.vms))
	start := p.next.Add(1)
	best, bestLoad := int(start%n), int32(1<<30)
	for i := range n {
		j := int((start + i) % n)
		if load := p.inflight[j].Load(); load < bestLoad {
			best, bestLoad = j, load
			if load == 0 {
				break
			}
		}
	}
	p.inflight[best].Add(1)
	defer p.inflight[best].Add(-1)
	return p.vms[best].Call(ctx, name, args...)
}

// Close closes every VM.
func (p *Pool) Close() error {
	var errs []error
	for _, v := range p.vms {
		errs = append(errs, v.Close())
	}
	return errors.Join(errs...)
}
