//go:build unix

package process

import (
	"errors"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
	ysnet "github.com/yieldscript/yieldscript/stdlib/net"
)

// The process module: child programs whose pipes are conns in the event loop
// and whose exit comes through a pidfd (Linux ≥ 5.3) or a goroutine blocked
// in wait4 that posts to the loop (process_exit_*.go).

func Module(l *scheduler.Loop) func(*vm.Machine) (vm.Value, error) {
	return func(m *vm.Machine) (vm.Value, error) {
		pl := &procLib{l: l, n: ysnet.NewLib(l)}
		return vm.NewNativeModule("process", map[string]vm.Value{
			"spawn": vm.NewNative("spawn", pl.spawn),
			"run":   vm.NewNative("run", pl.run),
		}), nil
	}
}

type procLib struct {
	l *scheduler.Loop
	n *ysnet.Lib // the conns of pipes share its read buffer
}

// spawnSpec is what spawn and run were asked for.
type spawnSpec struct {
	argv    []string
	cwd     string
	env     []string // nil: the parent's
	streams [3]string
}

// procArgs reads the arguments of spawn and run: argv, a non-empty list of
// strings, and options, a map that may be nil or left out.
func procArgs(fn string, args []vm.Value, allowed ...string) ([]string, map[string]vm.Value, error) {
	var l *vm.List
	var opts *vm.Map
	if err := vm.UnpackArgs(fn, args, "argv", vm.Want("a list of strings", &l), "options??", &opts); err != nil {
		return nil, nil, err
	}
	argv, err := procArgv(fn, l.Snapshot())
	if err != nil {
		return nil, nil, err
	}
	if opts == nil {
		return argv, map[string]vm.Value{}, nil
	}
	o, err := modutil.Options(fn, "option", opts, allowed...)
	return argv, o, err
}

// procArgv checks the items of argv.
func procArgv(fn string, items []vm.Value) ([]string, error) {
	if len(items) == 0 {
		return nil, vm.Errorf(vm.KindValue, "%s() needs a non-empty argv list", fn)
	}
	argv := make([]string, len(items))
	for i, it := range items {
		if it.Kind() != vm.KStr {
			return nil, vm.Errorf(vm.KindType, "%s(): argv items must be strings, not %s", fn, it.TypeName())
		}
		if strings.IndexByte(it.AsStr(), 0) >= 0 {
			return nil, vm.Errorf(vm.KindValue, "%s(): argv items cannot contain a NUL byte", fn)
		}
		argv[i] = it.AsStr()
	}
	if argv[0] == "" {
		return nil, vm.Errorf(vm.KindValue, "%s(): the program name is empty", fn)
	}
	return argv, nil
}

// common reads the options spawn and run share: cwd and env.
func (s *spawnSpec) common(fn string, o map[string]vm.Value) error {
	if v, ok := o["cwd"]; ok {
		if v.Kind() != vm.KStr {
			return vm.Errorf(vm.KindType, "%s(): cwd must be a string, not %s", fn, v.TypeName())
		}
		s.cwd = v.AsStr()
	}
	if v, ok := o["env"]; ok {
		if v.Kind() != vm.KMap {
			return vm.Errorf(vm.KindType, "%s(): env must be a map of strings, not %s", fn, v.TypeName())
		}
		m := v.AsMap()
		s.env = []string{}
		for i := 0; i < m.Slots(); i++ {
			k, x, ok := m.Entry(i)
			if !ok {
				continue
			}
			if k.Kind() != vm.KStr || x.Kind() != vm.KStr {
				return vm.Errorf(vm.KindType, "%s(): env must map strings to strings, not %s to %s", fn, k.TypeName(), x.TypeName())
			}
			if k.AsStr() == "" || strings.ContainsAny(k.AsStr(), "=\x00") || strings.IndexByte(x.AsStr(), 0) >= 0 {
				return vm.Errorf(vm.KindValue, "%s(): bad environment variable %s", fn, vm.Repr(k))
			}
			s.env = append(s.env, k.AsStr()+"="+x.AsStr())
		}
		sort.Strings(s.env)
	}
	return nil
}

// startError maps a failure to start a program to an error kind.
func startError(name string, err error) *vm.Error {
	kind := vm.KindIO
	switch {
	case errors.Is(err, syscall.ENOENT), errors.Is(err, exec.ErrNotFound), errors.Is(err, syscall.ENOTDIR):
		kind = "not_found"
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM), errors.Is(err, syscall.ENOEXEC):
		kind = "permission"
	}
	e := vm.Errorf(kind, "cannot run %s: %v", strconv.Quote(name), err)
	e.Cause = err
	return e
}

// ---- the child's exit ----

// process is a child program.
type process struct {
	vm.ObjectHeader
	pl                    *procLib
	pid                   int
	stdin, stdout, stderr vm.Value
	exited                bool
	status                int
	ex                    exitWatch
	waiters               []*exitWaiter
}

// exitWaiter is one waiter for the exit (a task's p.wait(), or run).
type exitWaiter struct {
	p *process
	w scheduler.Waker
}

// Cancel takes the waiter off the list; the last one gone releases the
// watch's registration (the child is not killed).
func (e *exitWaiter) Cancel() {
	p := e.p
	for i, x := range p.waiters {
		if x == e {
			p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
			break
		}
	}
	if len(p.waiters) == 0 {
		p.ex.idle()
	}
}

// onExit calls w with the exit status when the child has ended.
func (p *process) onExit(w scheduler.Waker) scheduler.Canceler {
	if !p.exited {
		p.ex.poll()
	}
	if p.exited {
		w.Wake(vm.Int(int64(p.status)), nil)
		return nil
	}
	e := &exitWaiter{p, w}
	p.waiters = append(p.waiters, e)
	if len(p.waiters) == 1 {
		p.ex.watch()
	}
	return e
}

// reaped records the status wait4 gave and wakes every waiter.
func (p *process) reaped(ws syscall.WaitStatus) {
	if p.exited {
		return
	}
	p.exited = true
	switch {
	case ws.Signaled():
		p.status = -int(ws.Signal())
	default:
		p.status = ws.ExitStatus()
	}
	ws2 := p.waiters
	p.waiters = nil
	for _, e := range ws2 {
		e.w.Wake(vm.Int(int64(p.status)), nil)
	}
}

// waitOp is the awaitable of p.wait().
type waitOp struct {
	vm.ObjectHeader
	p    *process
	used bool
}

func (*waitOp) TypeName() string { return "process.wait" }
func (*waitOp) Awaitable()       {}

func (o *waitOp) Await(_ *scheduler.Loop, w scheduler.Waker) scheduler.Canceler {
	if o.used {
		w.Wake(vm.Nil, vm.NewError(vm.KindValue, "process.wait() was already awaited"))
		return nil
	}
	o.used = true
	return o.p.onExit(w)
}

// ---- spawn ----

func streamOption(fn, name string, o map[string]vm.Value) (string, error) {
	v, ok := o[name]
	if !ok {
		return "inherit", nil
	}
	if v.Kind() != vm.KStr {
		return "", vm.Errorf(vm.KindType, "%s(): %s must be \"pipe\", \"inherit\" or \"null\", not %s", fn, name, v.TypeName())
	}
	switch v.AsStr() {
	case "pipe", "inherit", "null":
		return v.AsStr(), nil
	}
	return "", vm.Errorf(vm.KindValue, "%s(): %s must be \"pipe\", \"inherit\" or \"null\", not %s", fn, name, vm.Repr(v))
}

func (pl *procLib) spawn(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var s spawnSpec
	var o map[string]vm.Value
	var err error
	if s.argv, o, err = procArgs("process.spawn", args, "cwd", "env", "stdin", "stdout", "stderr"); err != nil {
		return vm.Nil, err
	}
	if err := s.common("process.spawn", o); err != nil {
		return vm.Nil, err
	}
	for i, name := range [3]string{"stdin", "stdout", "stderr"} {
		if s.streams[i], err = streamOption("process.spawn", name, o); err != nil {
			return vm.Nil, err
		}
	}
	p, verr := pl.start(&s)
	if verr != nil {
		return vm.Nil, verr
	}
	return p.Value(p), nil
}

// start starts the child, with its pipes registered in the loop.
func (pl *procLib) start(s *spawnSpec) (*process, *vm.Error) {
	path := s.argv[0]
	if !strings.Contains(path, "/") {
		lp, err := exec.LookPath(path)
		if err != nil {
			return nil, startError(path, err)
		}
		path = lp
	}
	var files [3]uintptr
	var parent [3]int // our ends of the pipes (-1: none)
	var closeAfter []int
	cleanup := func() {
		for _, fd := range closeAfter {
			syscall.Close(fd)
		}
	}
	for i := range parent {
		parent[i] = -1
	}
	fail := func(err error) (*process, *vm.Error) {
		cleanup()
		for _, fd := range parent {
			if fd >= 0 {
				syscall.Close(fd)
			}
		}
		return nil, startError(s.argv[0], err)
	}
	for i, mode := range s.streams {
		switch mode {
		case "inherit":
			files[i] = uintptr(i)
		case "null":
			flag := syscall.O_RDONLY
			if i > 0 {
				flag = syscall.O_WRONLY
			}
			fd, err := syscall.Open("/dev/null", flag|syscall.O_CLOEXEC, 0)
			if err != nil {
				return fail(err)
			}
			closeAfter = append(closeAfter, fd)
			files[i] = uintptr(fd)
		case "pipe":
			r, w, err := cloexecPipe()
			if err != nil {
				return fail(err)
			}
			if i == 0 { // the child reads
				files[i], parent[i] = uintptr(r), w
				closeAfter = append(closeAfter, r)
			} else {
				files[i], parent[i] = uintptr(w), r
				closeAfter = append(closeAfter, w)
			}
			if err := syscall.SetNonblock(parent[i], true); err != nil {
				return fail(err)
			}
		}
	}
	env := s.env
	if env == nil {
		env = syscall.Environ()
	}
	attr := &syscall.ProcAttr{Dir: s.cwd, Env: env, Files: files[:]}
	pid, err := syscall.ForkExec(path, s.argv, attr)
	if err != nil {
		return fail(err)
	}
	cleanup()
	p := &process{pl: pl, pid: pid, stdin: vm.Nil, stdout: vm.Nil, stderr: vm.Nil}
	for i, fd := range parent {
		if fd < 0 {
			continue
		}
		v := vm.Nil
		if f, err := pl.l.Register(fd); err == nil {
			v = vm.ObjectValue(pl.pipeConn(f, pid, [3]string{"stdin", "stdout", "stderr"}[i]))
		}
		switch i {
		case 0:
			p.stdin = v
		case 1:
			p.stdout = v
		default:
			p.stderr = v
		}
	}
	p.ex.init(p)
	runtime.SetFinalizer(p, func(p *process) { pl.l.Post(p.abandon) })
	return p, nil
}

// pipeConn makes a conn of our end of a child's pipe.
func (pl *procLib) pipeConn(f *scheduler.FD, pid int, name string) *ysnet.Conn {
	return pl.n.NewPipeConn(f, "pipe", "process "+strconv.Itoa(pid)+" "+name)
}

// abandon runs when the script dropped a process: a child still running is
// reaped by a goroutine when it ends, so that it leaves no zombie.
func (p *process) abandon() {
	if p.exited {
		return
	}
	p.ex.abandon()
}

func (*process) TypeName() string { return "process" }

func (p *process) String() string { return "<process " + strconv.Itoa(p.pid) + ">" }

func (p *process) GetAttr(_ *vm.Task, name string) (vm.Value, error) {
	switch name {
	case "pid":
		return vm.Int(int64(p.pid)), nil
	case "stdin":
		return p.stdin, nil
	case "stdout":
		return p.stdout, nil
	case "stderr":
		return p.stderr, nil
	case "wait", "kill":
		return modutil.BoundMethod(p, name), nil
	}
	return vm.Nil, vm.Errorf(vm.KindType, "process has no field or method %s", name)
}

func (p *process) CallMethod(_ *vm.Task, name string, args []vm.Value) (vm.Value, bool, error) {
	switch name {
	case "wait":
		if err := vm.UnpackArgs("wait", args); err != nil {
			return vm.Nil, true, err
		}
		o := &waitOp{p: p}
		return o.Value(o), true, nil
	case "kill":
		name := "SIGTERM"
		if err := vm.UnpackArgs("kill", args, "signal?", vm.Want(modutil.SignalWords, &name)); err != nil {
			return vm.Nil, true, err
		}
		sig, err := modutil.Signal("kill", name)
		if err != nil {
			return vm.Nil, true, err
		}
		p.kill(sig)
		return vm.Nil, true, nil
	}
	return vm.Nil, false, nil
}

// kill sends sig to the child unless it has been reaped (its pid may then
// belong to another process).
func (p *process) kill(sig syscall.Signal) {
	if !p.exited {
		syscall.Kill(p.pid, sig)
	}
}

// ---- run ----

// runOp is the awaitable of process.run: it feeds input to the child's stdin,
// collects stdout and stderr, and waits for the exit, all in the loop.
type runOp struct {
	vm.ObjectHeader
	pl      *procLib
	spec    spawnSpec
	input   []byte
	timeout time.Duration
	used    bool

	p       *process
	w       scheduler.Waker
	in      *ysnet.Conn
	sent    int // of input
	outs    [2]*ysnet.Conn
	bufs    [2][]byte             // what stdout and stderr gave, once at their end
	waits   [3]scheduler.Canceler // stdin, stdout, stderr
	exitW   scheduler.Canceler
	timer   *scheduler.Timer
	status  int
	exited  bool
	over    bool
	pending int // stdout and stderr still open
}

func (pl *procLib) run(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	r := &runOp{pl: pl}
	var o map[string]vm.Value
	var err error
	if r.spec.argv, o, err = procArgs("process.run", args, "input", "cwd", "env", "timeout"); err != nil {
		return vm.Nil, err
	}
	if err := r.spec.common("process.run", o); err != nil {
		return vm.Nil, err
	}
	r.spec.streams = [3]string{"null", "pipe", "pipe"}
	if v, ok := o["input"]; ok {
		if v.Kind() != vm.KStr {
			return vm.Nil, vm.Errorf(vm.KindType, "process.run(): input must be a string, not %s", v.TypeName())
		}
		r.input = []byte(v.AsStr())
		r.spec.streams[0] = "pipe"
	}
	if v, ok := o["timeout"]; ok {
		if r.timeout, err = scheduler.Seconds("process.run", v); err != nil {
			return vm.Nil, err
		}
	}
	return r.Value(r), nil
}

func (*runOp) TypeName() string { return "process.run" }
func (*runOp) Awaitable()       {}

func (r *runOp) Await(l *scheduler.Loop, w scheduler.Waker) scheduler.Canceler {
	if r.used {
		w.Wake(vm.Nil, vm.NewError(vm.KindValue, "process.run() was already awaited"))
		return nil
	}
	r.used, r.w = true, w
	p, err := r.pl.start(&r.spec)
	if err != nil {
		w.Wake(vm.Nil, err)
		return nil
	}
	r.p = p
	r.in, _ = ysnet.AsConn(p.stdin)
	for i, v := range []vm.Value{p.stdout, p.stderr} {
		if c, ok := ysnet.AsConn(v); ok {
			r.outs[i] = c
			r.pending++
		}
	}
	if r.timeout > 0 {
		r.timer = l.After(r.timeout, runTimeout{r})
	}
	r.exitW = p.onExit(runExit{r})
	if r.in != nil {
		r.write()
	}
	for i := range r.outs {
		if r.outs[i] != nil {
			r.read(i)
		}
	}
	if r.over {
		return nil
	}
	return r
}

type (
	runTimeout struct{ r *runOp }
	runExit    struct{ r *runOp }
	runIn      struct{ r *runOp }
	runOut     struct {
		r *runOp
		i int
	}
)

func (t runTimeout) Wake(vm.Value, *vm.Error) {
	r := t.r
	r.timer = nil
	if r.over {
		return
	}
	r.stop()
	r.w.Wake(vm.Nil, vm.Errorf(vm.KindTimeout, "process.run(%s) timed out after %ss: the program was killed", strconv.Quote(r.spec.argv[0]), vm.FormatFloat(r.timeout.Seconds())))
}

func (e runExit) Wake(v vm.Value, _ *vm.Error) {
	r := e.r
	r.exitW = nil
	r.exited, r.status = true, int(v.AsInt())
	r.check()
}

func (x runIn) Wake(_ vm.Value, err *vm.Error) {
	x.r.waits[0] = nil
	if err != nil {
		x.r.closeIn()
		return
	}
	x.r.write()
}

func (x runOut) Wake(_ vm.Value, err *vm.Error) {
	x.r.waits[x.i+1] = nil
	if err != nil {
		x.r.closeOut(x.i)
		x.r.check()
		return
	}
	x.r.read(x.i)
}

func (r *runOp) closeIn() {
	if r.in != nil {
		r.in.Close()
		r.in = nil
	}
}

// closeOut closes stdout (i 0) or stderr (1), keeping what it gave.
func (r *runOp) closeOut(i int) {
	if r.outs[i] != nil {
		r.bufs[i] = r.outs[i].Buffered()
		r.outs[i].Close()
		r.outs[i] = nil
		r.pending--
	}
}

// write sends what input is left, as a conn's sendall does; a child that
// stops reading (EPIPE) just gets no more.
func (r *runOp) write() {
	if err, wait := r.in.Write("process.run", r.input, &r.sent); err == nil && wait == ysnet.WaitWrite {
		r.waits[0] = r.in.FD().Wait(scheduler.Write, runIn{r})
		return
	}
	r.closeIn()
}

// read takes what stdout (i 0) or stderr (1) has into its conn's buffer, as
// a conn's recv does, until the end of the stream.
func (r *runOp) read(i int) {
	c := r.outs[i]
	for {
		got, err, wait := c.Fill()
		if got {
			continue
		}
		if err == nil && wait == ysnet.WaitRead {
			r.waits[i+1] = c.FD().Wait(scheduler.Read, runOut{r, i})
			return
		}
		break // the end, or an error
	}
	r.closeOut(i)
	r.check()
}

// check ends the run once the child has exited and both pipes are at their end.
func (r *runOp) check() {
	if r.over || !r.exited || r.pending > 0 {
		return
	}
	r.stop()
	res := vm.NewMap(3)
	res.SetStr("status", vm.Int(int64(r.status)))
	res.SetStr("stdout", vm.Str(string(r.bufs[0])))
	res.SetStr("stderr", vm.Str(string(r.bufs[1])))
	r.w.Wake(vm.MapValue(res), nil)
}

// stop releases everything the run holds and kills the child if it has not
// exited; its exit is still reaped (no zombie).
func (r *runOp) stop() {
	r.over = true
	if r.timer != nil {
		r.pl.l.CancelTimer(r.timer)
		r.timer = nil
	}
	for i, c := range r.waits {
		if c != nil {
			c.Cancel()
			r.waits[i] = nil
		}
	}
	r.closeIn()
	r.closeOut(0)
	r.closeOut(1)
	if r.exitW != nil {
		r.exitW.Cancel()
		r.exitW = nil
	}
	if !r.p.exited {
		// Killed, the child ends at once; a goroutine reaps it, so that it
		// leaves no zombie even if the program ends first.
		r.p.kill(syscall.SIGKILL)
		r.p.abandon()
	}
}

// Cancel is a cancelled process.run: the child is killed.
func (r *runOp) Cancel() {
	if !r.over {
		r.stop()
	}
}
