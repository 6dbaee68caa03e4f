package fs

import (
	"bytes"
	"errors"
	"io"
	"os"
	"sort"
	"syscall"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
)

// fileChunk is the size of the reads a file makes on the worker pool: a
// readline or a small read takes this much into the file's buffer, and the
// next ones are served from it without going to the pool.
const fileChunk = 64 * 1024

// file is an open regular file. Regular files cannot be polled, so every
// operation that touches the descriptor runs on the loop's worker pool, one at
// a time per file, in the order they were awaited (the others wait in queue).
// The buffer and the rest of the state are only touched on the loop: the pool
// job does the syscalls, and the loop applies their outcome when the job
// comes back, whether or not the task still waits for it.
type file struct {
	l      *scheduler.Loop
	f      *os.File
	path   string
	mode   string
	buf    []byte // read ahead of the script's position (f's offset is past it)
	busy   bool   // an operation is on the pool
	queue  []*fileOp
	closed bool // closed by the script; f is closed once no operation runs
	shut   bool // f is closed
}

// fileOp is one operation on a file. begin runs on the loop when the
// operation's turn comes: it may complete at once (from the buffer), or
// prepare work for the pool; apply runs on the loop after work.
type fileOp struct {
	fl      *file
	begin   func() (vm.Value, *vm.Error, bool)
	work    func()
	apply   func() (vm.Value, *vm.Error)
	w       scheduler.Waker
	queued  bool
	dropped bool
}

func errFileClosed() *vm.Error { return vm.NewError(vm.KindClosed, "file is closed") }

// run makes the awaitable of an operation.
func (fl *file) run(name string, op *fileOp) vm.Value {
	op.fl = fl
	return modutil.NewOp(name, func(w scheduler.Waker) scheduler.Canceler {
		op.w = w
		if fl.closed {
			w.Wake(vm.Nil, errFileClosed())
			return nil
		}
		if fl.busy || len(fl.queue) > 0 {
			op.queued = true
			fl.queue = append(fl.queue, op)
			return op
		}
		if fl.start(op) {
			return op
		}
		return nil
	})
}

// start begins op; it reports whether op went to the pool.
func (fl *file) start(op *fileOp) bool {
	if v, err, ok := op.begin(); ok {
		op.w.Wake(v, err)
		return false
	}
	fl.busy = true
	fl.l.Go(op, func() (vm.Value, *vm.Error) {
		op.work()
		return vm.Nil, nil
	})
	return true
}

// Wake is the pool job's return to the loop.
func (op *fileOp) Wake(_ vm.Value, perr *vm.Error) {
	fl := op.fl
	fl.busy = false
	var v vm.Value
	err := perr // the pool refused the job (too many queued)
	if perr == nil {
		v, err = op.apply()
	}
	if fl.closed {
		fl.shutdown()
	}
	if !op.dropped {
		op.w.Wake(v, err)
	}
	fl.next()
}

// Cancel drops the operation: a queued one leaves the queue; one on the pool
// completes there (the file's state stays consistent: its outcome is applied),
// and only its result is dropped.
func (op *fileOp) Cancel() {
	op.dropped = true
	if op.queued {
		q := op.fl.queue
		for i, o := range q {
			if o == op {
				op.fl.queue = append(q[:i:i], q[i+1:]...)
				break
			}
		}
		op.queued = false
	}
}

// next starts the queued operations in turn until one goes to the pool.
func (fl *file) next() {
	for !fl.busy && len(fl.queue) > 0 {
		op := fl.queue[0]
		fl.queue = fl.queue[1:]
		op.queued = false
		if fl.closed {
			op.w.Wake(vm.Nil, errFileClosed())
			continue
		}
		fl.start(op)
	}
}

// shutdown closes the descriptor once no operation is on the pool.
func (fl *file) shutdown() {
	if fl.busy || fl.shut {
		return
	}
	fl.shut = true
	fl.buf = nil
	fl.f.Close()
}

// take removes the first n bytes of the buffer.
func (fl *file) take(n int) vm.Value {
	s := string(fl.buf[:n])
	fl.buf = fl.buf[n:]
	if len(fl.buf) == 0 {
		fl.buf = nil
	}
	return vm.Str(s)
}

func (fl *file) ioErr(op string, err error) *vm.Error {
	return fsError(op, fl.path, err)
}

func (*file) TypeName() string { return "file" }

func (fl *file) String() string { return "<file " + fl.path + " " + fl.mode + ">" }

// readOnce reads once from the file into the free capacity of data (on the
// worker pool); done is set at the end of the file or at an error, which
// io.EOF is not.
func (fl *file) readOnce(data []byte) (_ []byte, done bool, err error) {
	k, err := fl.f.Read(data[len(data):cap(data)])
	data = data[:len(data)+k]
	if err == io.EOF {
		return data, true, nil
	}
	return data, err != nil, err
}

// readResult is the apply of a read operation: the bytes read join the
// buffer, even when nobody takes them (they stay for the next read); then
// the error of the read, or what take takes from the buffer.
func (fl *file) readResult(op *fileOp, name string, data *[]byte, rerr *error, take func() vm.Value) func() (vm.Value, *vm.Error) {
	return func() (vm.Value, *vm.Error) {
		fl.buf = append(fl.buf, *data...)
		if op.dropped {
			return vm.Nil, nil
		}
		if *rerr != nil {
			return vm.Nil, fl.ioErr(name, *rerr)
		}
		return take(), nil
	}
}

var fileMethods = map[string]bool{"read": true, "readline": true, "write": true, "seek": true, "close": true}

func (fl *file) GetAttr(_ *vm.Task, name string) (vm.Value, error) {
	switch name {
	case "path":
		return vm.Str(fl.path), nil
	case "mode":
		return vm.Str(fl.mode), nil
	case "closed":
		return vm.Bool(fl.closed), nil
	}
	if fileMethods[name] {
		return modutil.BoundMethod(fl, name), nil
	}
	return vm.Nil, vm.Errorf(vm.KindType, "file has no field or method %s", name)
}

func (fl *file) readable() bool { return fl.mode == "r" || fl.mode == "r+" }
func (fl *file) writable() bool { return fl.mode != "r" }

func (fl *file) CallMethod(_ *vm.Task, name string, args []vm.Value) (vm.Value, bool, error) {
	if !fileMethods[name] {
		return vm.Nil, false, nil
	}
	v, err := fl.call(name, args)
	return v, true, err
}

func (fl *file) call(name string, args []vm.Value) (vm.Value, error) {
	switch name {
	case "close":
		if err := vm.UnpackArgs("close", args); err != nil {
			return vm.Nil, err
		}
		if !fl.closed {
			fl.closed = true
			fl.shutdown()
			fl.next() // queued operations throw closed
		}
		return vm.Nil, nil
	case "read":
		size := int64(-1)
		if err := vm.UnpackArgs("read", args, "n?", &size); err != nil {
			return vm.Nil, err
		}
		n := int(max(size, -1))
		if !fl.readable() {
			return vm.Nil, vm.Errorf(vm.KindIO, "read: file %s was opened with mode %q, not for reading", fl.path, fl.mode)
		}
		var data []byte
		var rerr error
		op := &fileOp{}
		op.begin = func() (vm.Value, *vm.Error, bool) {
			if n >= 0 && len(fl.buf) >= n {
				return fl.take(n), nil, true
			}
			need := n - len(fl.buf)
			op.work = func() {
				if n < 0 {
					data, rerr = io.ReadAll(fl.f)
					return
				}
				data = make([]byte, 0, max(need, fileChunk))
				for done := false; !done && len(data) < need; {
					data, done, rerr = fl.readOnce(data)
				}
			}
			return vm.Nil, nil, false
		}
		op.apply = fl.readResult(op, "read", &data, &rerr, func() vm.Value {
			if n < 0 || n > len(fl.buf) {
				return fl.take(len(fl.buf))
			}
			return fl.take(n)
		})
		return fl.run("file.read", op), nil
	case "readline":
		if err := vm.UnpackArgs("readline", args); err != nil {
			return vm.Nil, err
		}
		if !fl.readable() {
			return vm.Nil, vm.Errorf(vm.KindIO, "readline: file %s was opened with mode %q, not for reading", fl.path, fl.mode)
		}
		var data []byte
		var rerr error
		op := &fileOp{}
		op.begin = func() (vm.Value, *vm.Error, bool) {
			if i := bytes.IndexByte(fl.buf, '\n'); i >= 0 {
				return fl.take(i + 1), nil, true
			}
			op.work = func() {
				data = make([]byte, 0, fileChunk)
				for done := false; !done; {
					if cap(data)-len(data) < fileChunk/2 {
						data = append(data, make([]byte, fileChunk)...)[:len(data)]
					}
					from := len(data)
					data, done, rerr = fl.readOnce(data)
					done = done || bytes.IndexByte(data[from:], '\n') >= 0
				}
			}
			return vm.Nil, nil, false
		}
		op.apply = fl.readResult(op, "readline", &data, &rerr, func() vm.Value {
			if i := bytes.IndexByte(fl.buf, '\n'); i >= 0 {
				return fl.take(i + 1)
			}
			return fl.take(len(fl.buf))
		})
		return fl.run("file.readline", op), nil
	case "write":
		var s string
		if err := vm.UnpackArgs("write", args, "data", &s); err != nil {
			return vm.Nil, err
		}
		if !fl.writable() {
			return vm.Nil, vm.Errorf(vm.KindIO, "write: file %s was opened with mode \"r\", not for writing", fl.path)
		}
		var k int
		var werr error
		op := &fileOp{}
		op.begin = func() (vm.Value, *vm.Error, bool) {
			back := int64(len(fl.buf))
			op.work = func() {
				// The read-ahead moved the offset past the script's
				// position: write where the script is.
				if back > 0 {
					if _, werr = fl.f.Seek(-back, io.SeekCurrent); werr != nil {
						return
					}
				}
				k, werr = fl.f.WriteString(s)
			}
			return vm.Nil, nil, false
		}
		op.apply = func() (vm.Value, *vm.Error) {
			fl.buf = nil
			if werr != nil {
				return vm.Nil, fl.ioErr("write", werr)
			}
			return vm.Int(int64(k)), nil
		}
		return fl.run("file.write", op), nil
	default: // seek
		var pos int64
		if err := vm.UnpackArgs("seek", args, "pos", vm.Want("an int position", &pos)); err != nil {
			return vm.Nil, err
		}
		if pos < 0 {
			return vm.Nil, vm.Errorf(vm.KindValue, "seek() needs a position of at least 0, not %d", pos)
		}
		var serr error
		op := &fileOp{}
		op.begin = func() (vm.Value, *vm.Error, bool) {
			op.work = func() { _, serr = fl.f.Seek(pos, io.SeekStart) }
			return vm.Nil, nil, false
		}
		op.apply = func() (vm.Value, *vm.Error) {
			fl.buf = nil
			if serr != nil {
				return vm.Nil, fl.ioErr("seek", serr)
			}
			return vm.Int(pos), nil
		}
		return fl.run("file.seek", op), nil
	}
}

// ---- fs.open ----

var openFlags = map[string]int{
	"r":  os.O_RDONLY,
	"w":  os.O_WRONLY | os.O_CREATE | os.O_TRUNC,
	"a":  os.O_WRONLY | os.O_CREATE | os.O_APPEND,
	"r+": os.O_RDWR,
}

// opening is an fs.open on the pool: if its task stops waiting, the file it
// opens is closed when it comes back, so no descriptor is left behind.
type opening struct {
	w       scheduler.Waker
	f       *os.File
	dropped bool
}

func (o *opening) Wake(v vm.Value, err *vm.Error) {
	if o.dropped {
		if o.f != nil {
			o.f.Close()
		}
		return
	}
	o.w.Wake(v, err)
}

func (o *opening) Cancel() { o.dropped = true }

func fsOpen(l *scheduler.Loop, args []vm.Value) (vm.Value, error) {
	var path string
	mode := "r"
	if err := vm.UnpackArgs("fs.open", args, "path", vm.Want("a path string", &path), "mode?", vm.Want("a mode string", &mode)); err != nil {
		return vm.Nil, err
	}
	flags, ok := openFlags[mode]
	if !ok {
		return vm.Nil, vm.Errorf(vm.KindValue, "fs.open() mode must be \"r\", \"w\", \"a\" or \"r+\", not %q", mode)
	}
	return modutil.NewOp("fs.open", func(w scheduler.Waker) scheduler.Canceler {
		o := &opening{w: w}
		l.Go(o, func() (vm.Value, *vm.Error) {
			f, err := os.OpenFile(path, flags, 0o666)
			if err != nil {
				return vm.Nil, fsError("open", path, err)
			}
			if st, err := f.Stat(); err == nil && st.IsDir() {
				f.Close()
				return vm.Nil, vm.Errorf(vm.KindIO, "open %s: is a directory", path)
			}
			o.f = f
			fl := &file{l: l, f: f, path: path, mode: mode}
			return vm.ObjectValue(fl), nil
		})
		return o
	}), nil
}

// ---- the other fs calls ----

// fsCall makes the awaitable of a call that runs on the worker pool.
func fsCall(l *scheduler.Loop, name string, work func() (vm.Value, *vm.Error)) vm.Value {
	return modutil.NewOp(name, func(w scheduler.Waker) scheduler.Canceler { return l.Go(w, work) })
}

func fsMore(l *scheduler.Loop) map[string]vm.Value {
	one := func(name string, work func(p string) (vm.Value, *vm.Error)) vm.Value {
		return vm.NewNative(name, func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			var p string
			if err := vm.UnpackArgs("fs."+name, args, "path", vm.Want("a path string", &p)); err != nil {
				return vm.Nil, err
			}
			return fsCall(l, "fs."+name, func() (vm.Value, *vm.Error) { return work(p) }), nil
		})
	}
	return map[string]vm.Value{
		"open": vm.NewNative("open", func(_ *vm.Task, args []vm.Value) (vm.Value, error) { return fsOpen(l, args) }),
		"exists": one("exists", func(p string) (vm.Value, *vm.Error) {
			_, err := os.Stat(p)
			if err == nil {
				return vm.True, nil
			}
			if modutil.FileErrorKind(err) == modutil.KindNotFound || errors.Is(err, syscall.ENOTDIR) {
				return vm.False, nil
			}
			return vm.Nil, fsError("exists", p, err)
		}),
		"stat": one("stat", func(p string) (vm.Value, *vm.Error) {
			st, err := os.Stat(p)
			if err != nil {
				return vm.Nil, fsError("stat", p, err)
			}
			m := vm.NewMap(4)
			m.SetStr("size", vm.Int(st.Size()))
			m.SetStr("mtime", vm.Float(float64(st.ModTime().UnixNano())/1e9))
			m.SetStr("is_dir", vm.Bool(st.IsDir()))
			m.SetStr("mode", vm.Int(int64(st.Mode().Perm())))
			return vm.MapValue(m), nil
		}),
		"list": one("list", func(p string) (vm.Value, *vm.Error) {
			f, err := os.Open(p)
			if err != nil {
				return vm.Nil, fsError("list", p, err)
			}
			names, err := f.Readdirnames(-1)
			f.Close()
			if err != nil {
				return vm.Nil, fsError("list", p, err)
			}
			sort.Strings(names)
			items := make([]vm.Value, len(names))
			for i, n := range names {
				items[i] = vm.Str(n)
			}
			return vm.NewList(items), nil
		}),
		"remove": one("remove", func(p string) (vm.Value, *vm.Error) {
			if err := os.Remove(p); err != nil {
				return vm.Nil, fsError("remove", p, err)
			}
			return vm.Nil, nil
		}),
		"mkdir": vm.NewNative("mkdir", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			var p string
			parents := false
			if err := vm.UnpackArgs("fs.mkdir", args, "path", vm.Want("a path string", &p), "parents?", &parents); err != nil {
				return vm.Nil, err
			}
			return fsCall(l, "fs.mkdir", func() (vm.Value, *vm.Error) {
				var err error
				if parents {
					err = os.MkdirAll(p, 0o777)
				} else {
					err = os.Mkdir(p, 0o777)
				}
				if err != nil {
					return vm.Nil, fsError("mkdir", p, err)
				}
				return vm.Nil, nil
			}), nil
		}),
		"rename": vm.NewNative("rename", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			var a, b string
			if err := vm.UnpackArgs("fs.rename", args, "old", vm.Want("a path string", &a), "new", vm.Want("a path string", &b)); err != nil {
				return vm.Nil, err
			}
			return fsCall(l, "fs.rename", func() (vm.Value, *vm.Error) {
				if err := os.Rename(a, b); err != nil {
					return vm.Nil, fsError("rename", a+" to "+b, err)
				}
				return vm.Nil, nil
			}), nil
		}),
		"append": vm.NewNative("append", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			var p, s string
			if err := vm.UnpackArgs("fs.append", args, "path", vm.Want("a path string", &p), "data", &s); err != nil {
				return vm.Nil, err
			}
			return fsCall(l, "fs.append", func() (vm.Value, *vm.Error) {
				f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o666)
				if err != nil {
					return vm.Nil, fsError("append", p, err)
				}
				_, err = f.WriteString(s)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					return vm.Nil, fsError("append", p, err)
				}
				return vm.Nil, nil
			}), nil
		}),
	}
}
