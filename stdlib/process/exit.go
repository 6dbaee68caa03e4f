//go:build unix

package process

import (
	"syscall"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

// exitWatch learns when a child ends and reaps it. With a pidfd (Linux ≥
// 5.3) the pidfd is registered in the loop: it turns readable when the child
// ends, and wait4(WNOHANG) then reaps it. Without one, a goroutine blocks in
// wait4 from the start and posts the status to the loop; while a task waits
// on it the loop is held alive.
type exitWatch struct {
	p    *process
	fd   *scheduler.FD      // the pidfd, nil without one
	wait scheduler.Canceler // the pidfd's read registration while someone waits
	hold func()             // without a pidfd: keeps the loop alive while someone waits
}

func (e *exitWatch) init(p *process) {
	e.p = p
	if fd, err := openPidfd(p.pid); err == nil {
		if f, err := p.pl.l.Register(fd); err == nil {
			e.fd = f
			return
		}
	}
	l, pid := p.pl.l, p.pid
	go func() {
		ws := reap(pid)
		l.Post(func() { e.finish(ws) })
	}()
}

// reap blocks until the child pid ends and gives its status.
func reap(pid int) syscall.WaitStatus {
	var ws syscall.WaitStatus
	for {
		_, err := syscall.Wait4(pid, &ws, 0, nil)
		if err != syscall.EINTR {
			return ws
		}
	}
}

// poll reaps the child if it has ended (pidfd only: the goroutine reaps
// otherwise).
func (e *exitWatch) poll() {
	if e.fd == nil {
		return
	}
	var ws syscall.WaitStatus
	pid, err := syscall.Wait4(e.p.pid, &ws, syscall.WNOHANG, nil)
	if pid == e.p.pid || err == syscall.ECHILD {
		e.finish(ws)
	}
}

// watch starts waiting for the exit on behalf of the process's waiters.
func (e *exitWatch) watch() {
	if e.fd != nil {
		if e.wait == nil {
			e.wait = e.fd.Wait(scheduler.Read, e)
		}
		return
	}
	if e.hold == nil {
		e.hold = e.p.pl.l.Hold()
	}
}

// idle is called when nobody waits any more: the registration is released.
func (e *exitWatch) idle() {
	if e.wait != nil {
		e.wait.Cancel()
		e.wait = nil
	}
	if e.hold != nil {
		e.hold()
		e.hold = nil
	}
}

// Wake: the pidfd is readable (the child ended).
func (e *exitWatch) Wake(_ vm.Value, err *vm.Error) {
	e.wait = nil
	e.poll()
	if !e.p.exited && len(e.p.waiters) > 0 && e.fd != nil && !e.fd.Closed() {
		e.wait = e.fd.Wait(scheduler.Read, e)
	}
}

func (e *exitWatch) finish(ws syscall.WaitStatus) {
	e.idle()
	if e.fd != nil {
		e.fd.Close()
		e.fd = nil
	}
	e.p.reaped(ws)
}

// abandon: the process was dropped while its child runs; a goroutine reaps it.
func (e *exitWatch) abandon() {
	e.idle()
	if e.fd != nil {
		e.fd.Close()
		e.fd = nil
		pid := e.p.pid
		go reap(pid)
	}
}

// openPidfd is pidfdOpen, replaced in tests to take the goroutine path.
var openPidfd = pidfdOpen
