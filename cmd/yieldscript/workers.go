package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/yieldscript/yieldscript"
	"github.com/yieldscript/yieldscript/repl"
)

// maxWorkers bounds --workers.
const maxWorkers = 1024

// runWorkers runs o.workers copies of the program, each in a VM of its own
// (its own event loop on its own locked thread), sharing nothing. Their
// output goes through one lineSink per stream, so that lines of different
// workers never mix within a line. SIGINT and SIGTERM cancel every worker; a
// second signal exits at once. The status is the worst of the workers' (the
// highest).
func runWorkers(ctx context.Context, name string, src []byte, args []string, stdout, stderr io.Writer, o runOptions) int {
	if runtime.GOOS != "linux" {
		fmt.Fprintf(stderr, "yieldscript: --workers %d needs Linux: on %s, SO_REUSEPORT does not spread connections over the workers' sockets (run one process per port, or --workers 1)\n", o.workers, runtime.GOOS)
		return 2
	}
	spareProc(o.workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out, errs := &lineSink{w: stdout}, &lineSink{w: stderr}
	vms := make([]*yieldscript.VM, o.workers)
	outs := make([]*lineWriter, o.workers)
	errws := make([]*lineWriter, o.workers)
	for i := range vms {
		wo := o
		wo.worker = i
		outs[i], errws[i] = &lineWriter{sink: out}, &lineWriter{sink: errs}
		vms[i] = newVM(args, outs[i], errws[i], false, wo)
	}
	defer func() {
		for _, v := range vms {
			v.Close()
		}
	}()
	// SIGQUIT prints the tasks of every worker, each on its own stderr.
	defer onSIGQUIT(func() {
		for i, v := range vms {
			fmt.Fprintf(errws[i], "worker %d:\n", i)
			repl.DumpTasks(errws[i], v)
		}
	})()
	caught, stop := cancelOnSignal(cancel, func() {
		out.flushAll(outs)
		errs.flushAll(errws)
	})
	defer stop()

	codes := make([]int, len(vms))
	var wg sync.WaitGroup
	for i, v := range vms {
		wg.Go(func() {
			err := v.RunString(ctx, name, string(src))
			v.Close() // what the worker printed is written
			codes[i] = runStatus(err, caught(), errws[i])
			outs[i].Flush()
			errws[i].Flush()
		})
	}
	wg.Wait()
	worst := 0
	for _, c := range codes {
		worst = max(worst, c)
	}
	return worst
}

// spareProc gives the Go scheduler one P (GOMAXPROCS) more than there are
// loops when it has exactly one per loop (as many CPUs as workers), unless the GOMAXPROCS variable sets it. A loop is a goroutine locked to its
// thread that runs Go code only while it holds a P, and waits in epoll_wait (a
// system call) holding it. With exactly one P per loop, whenever every loop
// waits at once no P is idle, so the runtime's monitor takes a waiting loop's
// P (after 20 µs) and stays awake every 20 µs to do so again; that loop's
// epoll_wait then returns without a P, and the loop waits for another thread
// to hand one over. A spare P stays idle (no thread runs it while it has
// nothing to do) and keeps that from happening. With fewer CPUs than loops,
// the loops take turns on the CPUs anyway, and more Ps only add threads
// taking turns with them: Go's default stays.
func spareProc(loops int) {
	if os.Getenv("GOMAXPROCS") != "" {
		return
	}
	if runtime.GOMAXPROCS(0) == loops {
		runtime.GOMAXPROCS(loops + 1)
	}
}

// lineSink is a stream shared by the workers: each write is whole lines of
// one worker.
type lineSink struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *lineSink) write(b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.w.Write(b)
	return err
}

func (s *lineSink) flushAll(ws []*lineWriter) {
	for _, w := range ws {
		w.Flush()
	}
}

// lineWriter is one worker's side of a lineSink: it keeps an unfinished
// line until its end comes (or Flush), and writes complete lines at once.
type lineWriter struct {
	mu   sync.Mutex
	sink *lineSink
	part []byte
}

func (w *lineWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	i := bytes.LastIndexByte(b, '\n')
	if i < 0 {
		w.part = append(w.part, b...)
		return len(b), nil
	}
	var err error
	if len(w.part) > 0 {
		w.part = append(w.part, b[:i+1]...)
		err = w.sink.write(w.part)
		w.part = w.part[:0]
	} else {
		err = w.sink.write(b[:i+1])
	}
	w.part = append(w.part, b[i+1:]...)
	if err != nil {
		return 0, err
	}
	return len(b), nil
}

// Flush writes the unfinished line, if any.
func (w *lineWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.part) > 0 {
		w.sink.write(w.part)
		w.part = w.part[:0]
	}
}
