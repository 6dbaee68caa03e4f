package scheduler

import (
	"io"
	"sync"
	"sync/atomic"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// DefaultOutputBound is how many bytes of output may wait for the writer
// before a task that prints more waits for room.
const DefaultOutputBound = 1 << 20

// chunkSize is the most bytes one queued chunk gathers from small writes.
const chunkSize = 64 << 10

// Output writes a machine's stdout and stderr on a goroutine of its own, in
// the order they were written across both streams, so that the loop never
// blocks on a slow or stuck reader (a pipe nobody reads, a host writer that
// blocks). Writes are copied and queued and never block; nothing is dropped.
// The queue is bounded for print only: past Bound queued bytes, print makes
// its task wait until the writer has caught up (Loop.SetOutput). Error reports
// and task dumps are queued whatever the bound, as they come from the loop
// and not from a task that could wait.
type Output struct {
	out, err io.Writer
	// Bound is the queued bytes past which print waits (0: DefaultOutputBound).
	Bound int

	mu      sync.Mutex
	changed sync.Cond // signalled when the queue shrinks
	chunks  []outChunk
	pending int // bytes queued or being written
	// over mirrors pending > bound for Over, which runs after every print,
	// without taking the lock.
	over    atomic.Bool
	queued  int64 // bytes ever queued
	written int64 // bytes ever handed to the writers (or dropped by their errors)
	running bool  // the writer goroutine is alive
	onRoom  []func()
}

type outChunk struct {
	b     []byte
	fn    func() // a call made in its place in the order (Call)
	err   bool   // for stderr
	taken bool   // being written: no more bytes may be added
}

// NewOutput makes an Output over the two writers.
func NewOutput(stdout, stderr io.Writer) *Output {
	o := &Output{out: stdout, err: stderr}
	o.changed.L = &o.mu
	return o
}

// Stdout is the writer that queues to stdout.
func (o *Output) Stdout() io.Writer { return outStream{o, false} }

// Stderr is the writer that queues to stderr.
func (o *Output) Stderr() io.Writer { return outStream{o, true} }

type outStream struct {
	o   *Output
	err bool
}

func (s outStream) Write(b []byte) (int, error) {
	s.o.write(b, s.err)
	return len(b), nil
}

func (o *Output) bound() int {
	if o.Bound > 0 {
		return o.Bound
	}
	return DefaultOutputBound
}

func (o *Output) write(b []byte, toErr bool) {
	if len(b) == 0 {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.pending += len(b)
	o.queued += int64(len(b))
	if o.pending > o.bound() {
		o.over.Store(true)
	}
	if n := len(o.chunks); n > 0 {
		last := &o.chunks[n-1]
		if !last.taken && last.err == toErr && len(last.b)+len(b) <= chunkSize {
			last.b = append(last.b, b...)
			return
		}
	}
	o.chunks = append(o.chunks, outChunk{b: append(make([]byte, 0, max(len(b), min(4096, chunkSize))), b...), err: toErr})
	if !o.running {
		o.running = true
		go o.writer()
	}
}

// Call queues fn to be called from the writer's goroutine once everything
// queued before it has been written, and before anything queued after it.
// Sync waits for it as for output.
func (o *Output) Call(fn func()) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.pending++ // counted as one byte, so that Sync waits for it
	o.queued++
	o.chunks = append(o.chunks, outChunk{b: nil, fn: fn, taken: true})
	if !o.running {
		o.running = true
		go o.writer()
	}
}

// writer writes the queued chunks in order and ends when the queue is empty.
func (o *Output) writer() {
	o.mu.Lock()
	for len(o.chunks) > 0 {
		c := &o.chunks[0]
		c.taken = true
		b, toErr, fn := c.b, c.err, c.fn
		o.mu.Unlock()
		w := o.out
		if toErr {
			w = o.err
		}
		writeAll(w, b)
		if fn != nil {
			fn()
		}
		o.mu.Lock()
		o.chunks[0] = outChunk{}
		o.chunks = o.chunks[1:]
		if len(o.chunks) == 0 {
			o.chunks = nil
		}
		size := len(b)
		if fn != nil {
			size = 1
		}
		o.pending -= size
		o.written += int64(size)
		var room []func()
		if o.pending <= o.bound() {
			o.over.Store(false)
			room, o.onRoom = o.onRoom, nil
		}
		o.changed.Broadcast()
		if room != nil {
			o.mu.Unlock()
			for _, fn := range room {
				fn()
			}
			o.mu.Lock()
		}
	}
	o.running = false
	o.changed.Broadcast()
	o.mu.Unlock()
}

// writeAll writes b, going on after short writes; an error (a closed pipe, a
// failing host writer) drops the rest of b, as a print to a closed stdout
// has nowhere to go.
func writeAll(w io.Writer, b []byte) {
	for len(b) > 0 {
		n, err := w.Write(b)
		if err != nil || n <= 0 {
			return
		}
		b = b[min(n, len(b)):]
	}
}

// Over reports whether more than Bound bytes wait for the writer.
func (o *Output) Over() bool { return o.over.Load() }

// whenRoom calls fn (from the writer's goroutine, or at once) when no more
// than Bound bytes wait.
func (o *Output) whenRoom(fn func()) {
	o.mu.Lock()
	if o.pending <= o.bound() {
		o.mu.Unlock()
		fn()
		return
	}
	o.onRoom = append(o.onRoom, fn)
	o.mu.Unlock()
}

// Sync waits until everything queued before the call has been handed to the
// writers (output queued meanwhile is not waited for). It blocks as long as
// the writers do: never call it on the loop.
func (o *Output) Sync() {
	o.mu.Lock()
	target := o.queued
	for o.written < target {
		o.changed.Wait()
	}
	o.mu.Unlock()
}

// ---- print waits for room ----

// SetOutput makes print wait for room when more than o.Bound bytes of output
// are queued: the task that printed is held (the call returns when the
// writer has caught up) while the loop runs everything else.
func (l *Loop) SetOutput(o *Output) {
	l.output = o
	l.M.PrintWait = func() vm.Value {
		if !o.Over() {
			return vm.Nil
		}
		r := &outputRoom{}
		return r.Value(r)
	}
}

// outputRoom is what a task that printed past the bound waits for.
type outputRoom struct {
	vm.ObjectHeader
	l    *Loop
	w    Waker
	done bool
}

func (*outputRoom) TypeName() string { return "output" }
func (*outputRoom) Awaitable()       {}

func (r *outputRoom) Await(l *Loop, w Waker) Canceler {
	if l.output == nil || !l.output.Over() {
		w.Wake(vm.Nil, nil)
		return nil
	}
	r.l, r.w = l, w
	l.outWaiters = append(l.outWaiters, r)
	if !l.outWatching {
		l.outWatching = true
		l.pending.Add(1) // the writer will post: the loop is not deadlocked
		l.output.whenRoom(func() { l.Post(l.wakeOutputWaiters) })
	}
	return r
}

func (r *outputRoom) Cancel() { r.done = true }

// wakeOutputWaiters wakes the tasks that wait for room in the output, in the order
// they began to wait. On the loop.
func (l *Loop) wakeOutputWaiters() {
	l.pending.Add(-1)
	l.outWatching = false
	ws := l.outWaiters
	l.outWaiters = nil
	for _, r := range ws {
		if !r.done {
			r.done = true
			r.w.Wake(vm.Nil, nil)
		}
	}
}
