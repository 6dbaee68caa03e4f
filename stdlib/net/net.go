package net

import (
	"context"
	"crypto/tls"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"runtime"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/poll"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
)

//go:embed net.ys
var netSource string

// maxLine bounds readline and read_until, so a peer cannot make a connection
// buffer without end.
const maxLine = 1 << 20

func Module(l *scheduler.Loop) func(*vm.Machine) (vm.Value, error) {
	return func(m *vm.Machine) (vm.Value, error) {
		n := &netLib{l: l, scratch: make([]byte, 64*1024)}
		return modutil.LoadScriptModule(m, "net", netSource, map[string]vm.Value{
			"listen":  vm.NewNative("listen", n.listen),
			"connect": vm.NewNative("connect", n.connect),

			// UDP (udp.go) and Unix sockets (unix.go).
			"udp":          vm.NewNative("udp", n.udp),
			"listen_unix":  vm.NewNative("listen_unix", n.listenUnix),
			"connect_unix": vm.NewNative("connect_unix", n.connectUnix),

			"_spawn_conn": vm.NewNative("_spawn_conn", n.spawnConn),
		})
	}
}

type netLib struct {
	l       *scheduler.Loop
	scratch []byte // read buffer shared by every connection of the loop
	// pool holds the buffers recv may read into again, oldest first (its
	// first npool entries): lent ones, which recv gave out as strings at
	// statements the compiler marked (vm.Task.DeadResult), and free ones,
	// which no string holds and recv reads into before it allocates
	// (nfree of them). See recvAttempt.
	pool         [lentMax + freeMax]pooled
	npool, nfree int
}

// pooled is a buffer of netLib.pool: lent (a string given out at a marked
// statement holds its memory) or free.
type pooled struct {
	b    []byte
	free bool
}

// spawnConn is _spawn_conn(handler, conn), net.serve's spawn of a
// connection's task when the handler is a coroutine function: the handler's
// coroutine is the task, and an end hook does what _serve_conn does for a
// plain function (closes the conn however the task ends, and ends it quietly
// when the peer went away), without a script frame, a coroutine object and
// two try blocks more per connection. It returns false, spawning nothing,
// for any other handler and when the spawn fails.
func (n *netLib) spawnConn(vt *vm.Task, args []vm.Value) (vm.Value, error) {
	if len(args) != 2 || !vm.IsCoroutine(args[0]) || args[1].Kind() != vm.KObject {
		return vm.False, nil
	}
	c, ok := args[1].AsObject().(*conn)
	if !ok {
		return vm.False, nil
	}
	t, err := n.l.Spawn(args[0], args[1:2], scheduler.SitesOf(vt))
	if err != nil {
		// As for a plain function, through _serve_conn: a handler that
		// cannot take the conn fails that connection's task and the server
		// goes on; at the task limit, _serve_conn's spawn throws limit.
		return vm.False, nil
	}
	t.SetEndHook((*connEnd)(c))
	return vm.True, nil
}

// connEnd is a conn as the end hook of the task that serves it.
type connEnd conn

// TaskEnded closes the conn; an error of the peer's going away (kinds
// connection_reset, closed, eof, tls) ends the task quietly, as _serve_conn's
// catch does, and the task's result is nil, as _serve_conn's is.
func (e *connEnd) TaskEnded(_ vm.Value, err *vm.Error) (vm.Value, *vm.Error) {
	(*conn)(e).Close()
	if err != nil && peerGone(err.Kind) {
		return vm.Nil, nil
	}
	return vm.Nil, err
}

// Wake is never called (scheduler.EndHook).
func (*connEnd) Wake(vm.Value, *vm.Error) {}

// peerGone: the kinds of error net.serve takes as the peer's going away.
func peerGone(kind string) bool {
	switch kind {
	case "connection_reset", "closed", "eof", "tls":
		return true
	}
	return false
}

// hostPortArgs reads the arguments host, port and, where opts is not nil, an
// options map that may be nil or left out (*opts stays nil then).
func hostPortArgs(fn string, args []vm.Value, opts **vm.Map) (string, int, error) {
	var host string
	var port int64
	var err error
	if opts == nil {
		err = vm.UnpackArgs(fn, args, "host", vm.Want("a host string", &host), "port", vm.Want("an int port", &port))
	} else {
		err = vm.UnpackArgs(fn, args, "host", vm.Want("a host string", &host), "port", vm.Want("an int port", &port), "opts??", opts)
	}
	if err != nil {
		return "", 0, err
	}
	if err := checkPort(fn, port); err != nil {
		return "", 0, err
	}
	return host, int(port), nil
}

// checkPort throws value for a port out of 0 to 65535.
func checkPort(fn string, port int64) error {
	if port < 0 || port > 65535 {
		return vm.Errorf(vm.KindValue, "%s() port must be an int from 0 to 65535, not %d", fn, port)
	}
	return nil
}

// literalAddr parses an IP address, or "localhost".
func literalAddr(host string) (netip.Addr, bool) {
	switch host {
	case "localhost", "":
		return netip.AddrFrom4([4]byte{127, 0, 0, 1}), true
	}
	a, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return a, err == nil
}

// ---- listener ----

type listener struct {
	n    *netLib
	fd   *scheduler.FD
	port int
	host string
	tls  *tls.Config // nil for plain TCP
	path string      // a Unix socket's path (see unix.go), else ""
	// The accept errors in a row: the back-off after them and how many were
	// retried at once (see tryAccept); delay is a back-off YieldMethodNow
	// found needed, left for the accept() operation to wait out.
	backoff, delay time.Duration
	quick          int
}

func (n *netLib) listen(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var opts *vm.Map
	host, port, err := hostPortArgs("net.listen", args, &opts)
	if err != nil {
		return vm.Nil, err
	}
	var conf *tls.Config
	if tv, err := tlsOption("net.listen", opts); err != nil {
		return vm.Nil, err
	} else if !tv.IsNil() {
		if conf, err = serverTLSConfig("net.listen", tv); err != nil {
			return vm.Nil, err
		}
	}
	addr, ok := literalAddr(host)
	if !ok {
		return vm.Nil, vm.Errorf(vm.KindValue, "net.listen() needs an IP address or localhost, not %q", host)
	}
	listen := poll.Listen
	if n.l.M.Workers > 1 {
		// Every worker binds its own socket to the port: the kernel spreads
		// the connections over them.
		listen = poll.ListenReusePort
	}
	fd, bound, err := listen(addr, port)
	if err != nil {
		return vm.Nil, modutil.IOError("listen on "+net.JoinHostPort(host, poll.Port(port)), err)
	}
	f, err := n.l.Register(fd)
	if err != nil {
		return vm.Nil, modutil.IOError("listen", err)
	}
	ln := &listener{n: n, fd: f, port: bound, host: host, tls: conf}
	n.closeWhenCollected(ln, f)
	return vm.ObjectValue(ln), nil
}

func (*listener) TypeName() string { return "listener" }

func (ln *listener) String() string {
	if ln.path != "" {
		return "<listener unix:" + ln.path + ">"
	}
	return "<listener " + net.JoinHostPort(ln.host, poll.Port(ln.port)) + ">"
}

func (ln *listener) GetAttr(_ *vm.Task, name string) (vm.Value, error) {
	switch name {
	case "port":
		return vm.Int(int64(ln.port)), nil
	case "host":
		return vm.Str(ln.host), nil
	case "path":
		return vm.Str(ln.path), nil
	case "accept":
		return modutil.NoArgs("accept", func() (vm.Value, error) {
			o := newIOOperation("listener.accept", ln.fd, ln.acceptAttempt)
			o.delay = &ln.delay
			return opValue(o), nil
		}), nil
	case "close":
		return modutil.NoArgs("close", func() (vm.Value, error) {
			ln.fd.Close()
			return vm.Nil, nil
		}), nil
	}
	return vm.Nil, vm.Errorf(vm.KindType, "listener has no field or method %s", name)
}

// sysAccept, when set (by tests, to inject errors), replaces the accept
// system call of listeners.
var sysAccept func(fd int) (int, string, error)

// acceptTo takes a connection from listening socket fd, appending its peer's
// address to b.
func acceptTo(fd int, b []byte) (int, []byte, error) {
	if sysAccept != nil {
		nfd, peer, err := sysAccept(fd)
		return nfd, append(b, peer...), err
	}
	return poll.AcceptTo(fd, b)
}

// maxQuickRetries bounds the accept errors in a row retried at once; past it
// the next tries back off as for EMFILE.
const maxQuickRetries = 64

// tryAccept is one attempt of an accept. An error about
// one pending connection (the peer gave up, the network went down, the new
// socket could not be registered with the poller) or about resources (out of
// descriptors or memory) does not end the accept: the connection is dropped,
// and accept goes on with the next one, at once for a pending connection's
// network error (as accept(2) advises), after a back-off (5 ms doubling to
// 1 s) for the others so that the loop does not spin. The first error of a
// streak that is not a peer's is reported on stderr. Only an error about the
// listening socket itself ends the accept with kind io.
func (ln *listener) tryAccept() (vm.Value, *vm.Error, waitKind) {
	if ln.fd.Closed() {
		return vm.Nil, vm.NewError(vm.KindClosed, "listener is closed"), done
	}
	// The peer's address, from the accept, and the local one go into one
	// buffer on the stack and from there into the conn's one string.
	var buf [128]byte
	nfd, b, err := acceptTo(ln.fd.Fd, buf[:0])
	switch {
	case err == nil:
		f, rerr := ln.n.l.Register(nfd)
		if rerr != nil {
			return ln.backOff(fmt.Errorf("registering the new connection: %w", rerr))
		}
		ln.backoff, ln.quick = 0, 0
		c := ln.n.namedConn(f, b, len(b))
		if ln.tls != nil {
			// The handshake runs at the conn's first read or write, in
			// the task that uses it, not here in the accept loop.
			newTLSConn(c, ln.tls, true)
		}
		return c.value(), nil, done
	case err == syscall.EAGAIN:
		return vm.Nil, nil, waitRead
	case err == syscall.EBADF || err == syscall.EINVAL || err == syscall.ENOTSOCK || err == syscall.EOPNOTSUPP || err == syscall.EFAULT:
		// The listening socket itself cannot accept.
		return vm.Nil, modutil.IOError("accept", err), done
	case err == syscall.EINTR || err == syscall.ECONNABORTED || err == syscall.EPROTO || err == syscall.EPERM ||
		err == syscall.ENETDOWN || err == syscall.ENETUNREACH || err == syscall.EHOSTDOWN || err == syscall.EHOSTUNREACH ||
		err == errNoNet || err == syscall.ENOPROTOOPT || err == syscall.ETIMEDOUT:
		// A pending connection failed before it was taken: take the next.
		if ln.quick++; ln.quick <= maxQuickRetries {
			return vm.Nil, nil, retry
		}
	}
	return ln.backOff(err)
}

// backOff is tryAccept's answer to an error it goes past after a delay.
func (ln *listener) backOff(err error) (vm.Value, *vm.Error, waitKind) {
	ln.quick = 0
	if ln.backoff == 0 {
		ln.n.l.Report(fmt.Sprintf("net: accept on %s: %v (still accepting)", net.JoinHostPort(ln.host, poll.Port(ln.port)), err))
	}
	ln.backoff = min(max(2*ln.backoff, 5*time.Millisecond), time.Second)
	return vm.Nil, nil, waitTimer
}

// acceptAttempt is the attempt function of the accept() operation. A
// back-off it needs (or that YieldMethodNow found needed) is left in
// ln.delay, which the operation waits out (ioOperation.delay).
func (ln *listener) acceptAttempt() (vm.Value, *vm.Error, waitKind) {
	if ln.delay > 0 {
		return vm.Nil, nil, waitTimer
	}
	v, err, wait := ln.tryAccept()
	if wait == waitTimer {
		ln.delay = ln.backoff
	}
	return v, err, wait
}

// recvDirectMin is the length of the last read on a conn from which recv
// reads into a new string's memory instead of the loop's scratch buffer.
//
// A read into the scratch buffer costs a copy into a string of the read's
// length. From a few KiB that copy matters, and so does the size: a string of
// exactly 8, 16, 24 or 32 KiB is the only object of its span in Go's heap,
// so each one takes pages from the page allocator and each one swept gives
// them back, which for 16 KiB echoes cost more instructions than the copy.
// Reading into a buffer an eighth longer than the last read (16 KiB: the
// 18 KiB class, four to a span) saves both, and leaves room for reads that
// vary a little. A read that fills the buffer leaves the rest in the socket
// for the next recv (a plain read(2): readv into the buffer and on into the
// scratch buffer cost more in the kernel on every read); one shorter than
// half the buffer gets a string of its own length, so that a string never
// holds more than twice its length.
const recvDirectMin = 4 << 10

// The buffers a netLib keeps for recv to read into again (recvAttempt): at
// most lentMax given out at a marked statement, whose memory comes back when
// the statement runs again, and freeMax no string holds.
const (
	lentMax = 8
	freeMax = 4
	// bufferSlack: see buffer.
	bufferSlack = 16
)

// reclaim takes back the memory of s, a dead value that vm.Task.DeadResult
// gave, when it is one of the buffers the loop lent: that buffer becomes
// free, and s must never be read again. Any other string is left alone.
func (n *netLib) reclaim(s string) { n.free1(unsafe.StringData(s)) }

// giveBack returns b, which recv took (lent, from borrow, or not, from
// buffer) and no string holds, to the free buffers.
func (n *netLib) giveBack(b []byte, lent bool) {
	if lent {
		n.free1(unsafe.SliceData(b))
	} else {
		n.release(b)
	}
}

// free1 makes the lent buffer that starts at p free, if there is one.
func (n *netLib) free1(p *byte) {
	if p == nil {
		return
	}
	for i := n.npool - 1; i >= 0; i-- {
		if e := &n.pool[i]; !e.free && unsafe.SliceData(e.b) == p {
			e.free = true
			n.nfree++
			if n.nfree > freeMax {
				n.drop(true)
			}
			return
		}
	}
}

// drop forgets the oldest free buffer (free true) or the oldest lent one
// (the collector takes it once no string holds it).
func (n *netLib) drop(free bool) {
	for i := range n.npool {
		if n.pool[i].free == free {
			copy(n.pool[i:n.npool], n.pool[i+1:n.npool])
			n.npool--
			n.pool[n.npool] = pooled{}
			if free {
				n.nfree--
			}
			return
		}
	}
}

// add puts b in the pool, lent or free, as the newest; the oldest of its
// kind is dropped when there are lentMax lent or freeMax free.
func (n *netLib) add(b []byte, free bool) {
	if free && n.nfree >= freeMax || !free && n.npool-n.nfree >= lentMax {
		n.drop(free)
	}
	n.pool[n.npool] = pooled{b, free}
	n.npool++
	if free {
		n.nfree++
	}
}

// lend records b, whose memory a string given out at a marked statement
// now holds.
func (n *netLib) lend(b []byte) { n.add(b, false) }

// release adds b, which no string holds, to the free buffers.
func (n *netLib) release(b []byte) { n.add(b, true) }

// fits is the newest free buffer that fits a read of size bytes, or -1.
// One fits when it is at least size and less than twice that (so a string
// never holds more than twice its length, and a small one never a large
// read's buffer), or, for a size under bufferSlack, less than twice that:
// a buffer of a few bytes serves any shorter read. The newest free one is
// the one most likely still in the cache.
func (n *netLib) fits(size int) int {
	if n.nfree == 0 {
		return -1
	}
	most := 2 * max(size, bufferSlack)
	for i := n.npool - 1; i >= 0; i-- {
		if e := &n.pool[i]; e.free && len(e.b) >= size && len(e.b) < most {
			return i
		}
	}
	return -1
}

// buffer returns a buffer of at least size bytes for recv to read into:
// a free one that fits, which leaves the pool, else new memory.
func (n *netLib) buffer(size int) []byte {
	i := n.fits(size)
	if i < 0 {
		return uninitBytes(size)
	}
	b := n.pool[i].b
	copy(n.pool[i:n.npool], n.pool[i+1:n.npool])
	n.npool--
	n.nfree--
	n.pool[n.npool] = pooled{}
	return b
}

// borrow returns a buffer of at least size bytes that recv gives out as a
// string at a marked statement (or gives back, giveBack): a free one that
// fits, which becomes lent where it is in the pool, else new memory, lent. (A buffer a dead string
// gave back at a recv that then parked is lent again by the same recv's
// retry: one flag set and cleared a round trip.)
func (n *netLib) borrow(size int) []byte {
	i := n.fits(size)
	if i < 0 {
		b := uninitBytes(size)
		n.lend(b)
		return b
	}
	b := n.pool[i].b
	n.pool[i].free = false
	n.nfree--
	if n.npool-n.nfree > lentMax {
		n.drop(false)
	}
	return b
}

// uninitBytes returns n or more bytes of new memory, not cleared (the caller
// overwrites what it keeps): a strings.Builder grows into such memory.
func uninitBytes(n int) []byte {
	var sb strings.Builder
	sb.Grow(n)
	sb.WriteByte(0)
	return unsafe.Slice(unsafe.StringData(sb.String()), sb.Cap())
}

// YieldMethodNow does `yield ln.accept()`: it accepts at once, or parks the
// task on the listening socket until a connection comes (the accept then
// runs again). A back-off after errors needs a timer: that is left to the
// accept() operation.
func (ln *listener) YieldMethodNow(t *vm.Task, name string, args []vm.Value) (vm.Value, *vm.Error, bool) {
	if name != "accept" || len(args) != 0 || ln.delay > 0 {
		return vm.Nil, nil, false
	}
	for {
		v, err, wait := ln.tryAccept()
		switch wait {
		case done:
			return v, err, true
		case retry:
			continue
		case waitRead:
			return parkOn(t, ln.fd, scheduler.Read, "listener.accept")
		}
		ln.delay = ln.backoff
		return vm.Nil, nil, false
	}
}

// parkOn parks task t on fd's slot for mode m (see scheduler.FD.Park): the
// answer of a YieldMethodNow whose attempt must wait.
func parkOn(t *vm.Task, fd *scheduler.FD, m scheduler.Mode, what string) (vm.Value, *vm.Error, bool) {
	if err := fd.Park(t, m, what); err != nil {
		return vm.Nil, err, true
	}
	return vm.Nil, nil, false
}

// ---- connect ----

func (n *netLib) connect(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var opts *vm.Map
	host, port, err := hostPortArgs("net.connect", args, &opts)
	if err != nil {
		return vm.Nil, err
	}
	var conf *tls.Config
	if tv, err := tlsOption("net.connect", opts); err != nil {
		return vm.Nil, err
	} else if !tv.IsNil() {
		if conf, err = clientTLSConfig("net.connect", tv, strings.Trim(host, "[]")); err != nil {
			return vm.Nil, err
		}
	}
	return modutil.NewOp("net.connect", func(w scheduler.Waker) scheduler.Canceler {
		c := &connector{n: n, host: host, port: port, w: w, tls: conf}
		if addr, ok := literalAddr(host); ok {
			c.inner = c.dial(addr)
			return c
		}
		// Name resolution has no non-blocking form: it runs on the loop's
		// lookup pool, bounded by resolveTimeout and cancelled with the
		// connect (a timeout around it, a cancelled task).
		c.inner = n.l.GoLookup(resolved{c}, func(ctx context.Context) (vm.Value, *vm.Error) {
			ctx, cancel := context.WithTimeout(ctx, resolveTimeout)
			defer cancel()
			addrs, err := lookupHost(ctx, host)
			if err != nil || len(addrs) == 0 {
				if ctx.Err() == context.DeadlineExceeded {
					return vm.Nil, vm.Errorf(vm.KindTimeout, "cannot resolve %s: no answer within %ss", host, vm.FormatFloat(resolveTimeout.Seconds()))
				}
				if err == nil {
					err = errors.New("no address")
				}
				return vm.Nil, vm.Errorf(vm.KindIO, "cannot resolve %s: %v", host, err)
			}
			a := addrs[0]
			for _, x := range addrs {
				if x.Is4() {
					a = x
					break
				}
			}
			return vm.Str(a.String()), nil
		})
		return c
	}), nil
}

// resolveTimeout bounds a name lookup: past it the connect throws kind timeout.
const resolveTimeout = 15 * time.Second

// lookupHost resolves a host name (replaced in tests).
var lookupHost = func(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// connector runs one net.connect: resolve, then dial.
type connector struct {
	n     *netLib
	host  string
	port  int
	w     scheduler.Waker
	inner scheduler.Canceler
	// tls, when set, makes a TLS handshake follow the connect.
	tls *tls.Config
}

type resolved struct{ c *connector }

func (r resolved) Wake(v vm.Value, err *vm.Error) {
	c := r.c
	c.inner = nil
	if err != nil {
		c.w.Wake(vm.Nil, err)
		return
	}
	addr, _ := netip.ParseAddr(v.AsStr())
	c.inner = c.dial(addr)
}

func (c *connector) Cancel() {
	if c.inner != nil {
		c.inner.Cancel()
		c.inner = nil
	}
}

func (c *connector) dial(addr netip.Addr) scheduler.Canceler {
	where := "connect to " + net.JoinHostPort(c.host, poll.Port(c.port))
	fd, err := poll.Connect(addr, c.port)
	var w scheduler.Waker = c.w
	if c.tls != nil {
		w = tlsDialed{c}
	}
	return c.n.dial("net.connect", fd, err, func(err error) *vm.Error { return modutil.IOError(where, err) }, w)
}

// dial finishes the connect of socket fd, whose non-blocking connect call
// returned err (nil or EINPROGRESS; on another error fd is already closed):
// it registers the socket,
// waits for it to be writable, reads the outcome (SO_ERROR) and wakes w with
// the conn, or with the error fail makes of what failed. The connects of TCP
// and of Unix sockets share it. Cancelling the dial (a timeout, a race lost,
// the task cancelled) while the connection is being made closes the socket,
// which also drops its poller registration; it returns nil when it failed at
// once.
func (n *netLib) dial(name string, fd int, err error, fail func(error) *vm.Error, w scheduler.Waker) scheduler.Canceler {
	if err != nil && err != syscall.EINPROGRESS {
		w.Wake(vm.Nil, fail(err))
		return nil
	}
	f, rerr := n.l.Register(fd)
	if rerr != nil {
		w.Wake(vm.Nil, fail(rerr))
		return nil
	}
	d := &dialing{f: f}
	first := err == syscall.EINPROGRESS
	op := newIOOperation(name, f, func() (vm.Value, *vm.Error, waitKind) {
		if f.Closed() {
			return vm.Nil, errConnClosed(), done
		}
		if first {
			first = false
			return vm.Nil, nil, waitWrite
		}
		d.f = nil // made or failed: no longer the dial's to close
		if serr := poll.SockError(fd); serr != nil {
			f.Close()
			return vm.Nil, fail(serr), done
		}
		return n.wrapConn(f), nil, done
	})
	d.inner = op.Await(n.l, w)
	return d
}

// dialing is a connect in progress: cancelling it closes the socket, unless
// the connection was already made and handed to the script as a conn.
type dialing struct {
	inner scheduler.Canceler
	f     *scheduler.FD
}

func (d *dialing) Cancel() {
	if d.inner != nil {
		d.inner.Cancel()
	}
	if d.f != nil {
		d.f.Close()
		d.f = nil
	}
}

// tlsDialed starts the handshake of a connection made for a TLS connect.
type tlsDialed struct{ c *connector }

func (d tlsDialed) Wake(v vm.Value, err *vm.Error) {
	c := d.c
	c.inner = nil
	if err != nil {
		c.w.Wake(vm.Nil, err)
		return
	}
	cn := v.AsObject().(*conn)
	newTLSConn(cn, c.tls, false)
	c.inner = cn.startHandshake(c.w, v)
}

// ---- conn ----

type conn struct {
	// The header makes the conn a value without a box of its own (a server
	// keeps one conn per connection).
	vm.ObjectHeader
	n  *netLib
	fd *scheduler.FD
	// names is the peer's address followed by the local one, which starts
	// at split: one string, where two would take a header and an
	// allocation more per conn.
	names string
	buf   []byte // received, not yet consumed
	eof   bool
	split uint16
	// lastRecv is the length of the last read recv made on this conn, up
	// to 65535 (in the padding after eof): see recvAttempt.
	lastRecv uint16
	// streak counts the operations in a row that completed without waiting
	// (at most maxStreak: a byte beside eof, split and lastRecv keeps the
	// conn in the 96-byte size class).
	streak uint8
	// sent counts what a send or sendall on the parking path
	// (YieldMethodNow) has sent, within one call: a parked sendall's count
	// is kept with its task (scheduler.SetProgress).
	sent int
	tls  *tlsConn // nil for plain TCP
}

// maxStreak bounds the operations in a row on one conn that complete at once
// (data already there, room in the socket buffer) without the task leaving the
// dispatch loop. The next one first goes once around the event loop, so that a
// peer that sends and reads as fast as it can does not starve every other task
// and connection.
const maxStreak = 32

// op makes the awaitable of a conn operation, keeping the streak count.
func (c *conn) op(name string, attempt attemptFunc) *ioOperation {
	o := newIOOperation(name, c.fd, func() (vm.Value, *vm.Error, waitKind) {
		v, err, wait := attempt()
		switch wait {
		case done:
			c.streak++
		case waitRead, waitWrite:
			c.streak = 0
		}
		return v, err, wait
	})
	if c.streak >= maxStreak {
		c.streak = 0
		o.yieldFirst = true
	}
	if c.tls != nil {
		o.tlsc = c
	}
	return o
}

func (n *netLib) wrapConn(f *scheduler.FD) vm.Value {
	return n.newConn(f).value()
}

// newConn makes the conn of a connected socket, reading its names.
func (n *netLib) newConn(f *scheduler.FD) *conn {
	var buf [128]byte
	b := poll.AppendName(buf[:0], f.Fd, true)
	return n.namedConn(f, b, len(b))
}

// namedConn makes the conn of socket f whose peer's address is b[:split],
// with its local address appended to b.
func (n *netLib) namedConn(f *scheduler.FD, b []byte, split int) *conn {
	b = poll.AppendName(b, f.Fd, false)
	return n.makeConn(f, string(b), split)
}

// makeConn makes a conn of f named names, the peer's address (names[:split])
// followed by the local one; the loop closes f when the script drops the conn.
func (n *netLib) makeConn(f *scheduler.FD, names string, split int) *conn {
	c := &conn{n: n, fd: f, names: names, split: uint16(split)}
	runtime.SetFinalizer(c, finalizeConn)
	return c
}

// finalizeConn closes the socket of a conn the script dropped (a function of
// its own: a closure capturing anything would cost an allocation per conn).
func finalizeConn(c *conn) { c.n.l.Post(c.fd.Close) }

// closeWhenCollected closes f on the loop once owner, the script object that
// holds it (a listener, a UDP socket), is garbage: a script that drops one
// without closing it does not leak the descriptor.
func (n *netLib) closeWhenCollected(owner any, f *scheduler.FD) {
	runtime.SetFinalizer(owner, func(any) { n.l.Post(f.Close) })
}

// value is the conn as a value.
func (c *conn) value() vm.Value { return c.ObjectHeader.Value(c) }

func (c *conn) peer() string  { return c.names[:c.split] }
func (c *conn) local() string { return c.names[c.split:] }

func (*conn) TypeName() string { return "conn" }

func (c *conn) String() string { return "<conn " + c.local() + " -> " + c.peer() + ">" }

// fill reads what the socket has into c.buf. It reports whether it got data,
// or the wait to make.
func (c *conn) fill() (got bool, err *vm.Error, wait waitKind) {
	if c.fd.Closed() {
		return false, vm.NewError(vm.KindClosed, "connection is closed"), done
	}
	if c.tls != nil {
		return c.tlsFill()
	}
	if !c.fd.MayRead() {
		return false, nil, waitRead
	}
	n, rerr := poll.Read(c.fd.Fd, c.n.scratch)
	switch {
	case n > 0:
		if n < len(c.n.scratch) {
			c.fd.ShortRead()
		}
		c.buf = append(c.buf, c.n.scratch[:n]...)
		return true, nil, done
	case rerr == nil:
		c.eof = true
		return false, nil, done
	case rerr == syscall.EAGAIN:
		c.fd.Drained()
		return false, nil, waitRead
	}
	return false, modutil.IOError("recv", rerr), done
}

// mustWait reports whether recvAttempt on a plain conn would only wait:
// the socket is drained and nothing else (data received, the end of the
// stream, a close) would answer first.
func (c *conn) mustWait() bool {
	return !c.fd.MayRead() && len(c.buf) == 0 && !c.eof && !c.fd.Closed()
}

// errConnClosed is the error of an operation on a conn the script closed.
func errConnClosed() *vm.Error { return vm.NewError(vm.KindClosed, "connection is closed") }

func (c *conn) take(n int) vm.Value {
	s := string(c.buf[:n])
	c.buf = c.buf[n:]
	if len(c.buf) == 0 {
		c.buf = nil
	}
	return vm.Str(s)
}

// intArg reads the one argument n of fn, an int of at least min.
func intArg(fn string, args []vm.Value, min int64) (int, error) {
	var n int64
	if err := vm.UnpackArgs(fn, args, "n", &n); err != nil {
		return 0, err
	}
	if n < min {
		return 0, vm.Errorf(vm.KindValue, "%s() needs an int of at least %d, not %d", fn, min, n)
	}
	return int(n), nil
}

var connMethods = map[string]bool{
	"close": true, "recv": true, "readline": true, "read_until": true,
	"read_exactly": true, "send": true, "sendall": true,
}

func (c *conn) GetAttr(_ *vm.Task, name string) (vm.Value, error) {
	switch name {
	case "peer":
		return vm.Str(c.peer()), nil
	case "local":
		return vm.Str(c.local()), nil
	case "tls":
		if c.tls == nil {
			return vm.Nil, nil
		}
		return c.tls.info(), nil
	}
	if connMethods[name] {
		return modutil.BoundMethod(c, name), nil
	}
	return vm.Nil, vm.Errorf(vm.KindType, "conn has no field or method %s", name)
}

func (c *conn) CallMethod(_ *vm.Task, name string, args []vm.Value) (vm.Value, bool, error) {
	if !connMethods[name] {
		return vm.Nil, false, nil
	}
	v, err := c.call(name, args)
	return v, true, err
}

// recvAttempt is one non-blocking try of recv(n). lend is true at a
// statement the compiler marked (vm.Task.DeadResult): the string is then
// the memory of a buffer (a large read's own, or one a small read in the
// scratch buffer is copied into), which the loop remembers, and which comes
// back to the loop's free buffers when the statement runs again and finds
// it dead.
func (c *conn) recvAttempt(n int, lend bool) (vm.Value, *vm.Error, waitKind) {
	// Closed first: a conn the script closed throws closed even when it had
	// reached the end of the stream or still held unread data.
	if c.fd.Closed() {
		return vm.Nil, errConnClosed(), done
	}
	if len(c.buf) > 0 {
		return c.take(min(n, len(c.buf))), nil, done
	}
	if c.eof {
		return vm.Str(""), nil, done
	}
	if c.tls != nil {
		if _, err, wait := c.tlsFill(); err != nil || wait != done {
			return vm.Nil, err, wait
		}
		if len(c.buf) == 0 { // the end of the stream
			return vm.Str(""), nil, done
		}
		return c.take(min(n, len(c.buf))), nil, done
	}
	if !c.fd.MayRead() {
		return vm.Nil, nil, waitRead
	}
	want := min(n, len(c.n.scratch))
	var k int
	var rerr error
	if int(c.lastRecv) >= recvDirectMin && want >= recvDirectMin {
		// Straight into the string's own memory, sized from the last read.
		// A read that fills it leaves the rest for the next recv, which
		// reads it into a buffer an eighth longer again.
		// At a marked statement the buffer is lent before the read, and
		// becomes free again if the string does not keep it.
		size := min(int(c.lastRecv)+int(c.lastRecv)/8, want)
		var b []byte
		if lend {
			b = c.n.borrow(size)
		} else {
			b = c.n.buffer(size)
		}
		want = min(len(b), want)
		k, rerr = poll.Read(c.fd.Fd, b[:want])
		switch {
		case 2*k >= len(b):
			// At least half the buffer, which may be longer than the
			// read could fill (a free one that fits, or want cut by n).
			return c.received(unsafe.String(unsafe.SliceData(b), k), want)
		case k > 0:
			s := string(b[:k]) // much shorter: a string of its own size
			c.n.giveBack(b, lend)
			return c.received(s, want)
		}
		c.n.giveBack(b, lend)
	} else {
		k, rerr = poll.Read(c.fd.Fd, c.n.scratch[:want])
		if k > 0 && lend {
			// Copied into a buffer that fits, which the loop lends as it
			// does a large read's.
			b := c.n.borrow(k)
			copy(b, c.n.scratch[:k])
			return c.received(unsafe.String(unsafe.SliceData(b), k), want)
		} else if k > 0 {
			return c.received(string(c.n.scratch[:k]), want)
		}
	}
	// nothing read
	switch {
	case rerr == nil:
		c.eof = true
		return vm.Str(""), nil, done
	case rerr == syscall.EAGAIN:
		c.fd.Drained()
		return vm.Nil, nil, waitRead
	}
	return vm.Nil, modutil.IOError("recv", rerr), done
}

// received is recvAttempt's answer when a read of at most want bytes gave
// s.
func (c *conn) received(s string, want int) (vm.Value, *vm.Error, waitKind) {
	if len(s) < want {
		c.fd.ShortRead()
	}
	c.lastRecv = uint16(min(len(s), math.MaxUint16))
	return vm.Str(s), nil, done
}

// YieldMethodNow does `yield c.recv(n)`, `yield c.send(s)` and `yield
// c.sendall(s)` without an operation object: the attempt completes at once
// (data there, room in the socket buffer), or parks the task on the socket's
// reader or writer slot, and readiness runs the call again (a sendall goes on
// from what it had sent).
func (c *conn) YieldMethodNow(t *vm.Task, name string, args []vm.Value) (vm.Value, *vm.Error, bool) {
	if c.streak >= maxStreak || c.tls != nil || len(args) != 1 {
		return c.declined(t, name, args)
	}
	var v vm.Value
	var err *vm.Error
	var wait waitKind
	switch {
	case name == "recv" && args[0].Kind() == vm.KInt && args[0].AsInt() >= 1:
		// At a statement the compiler marked, the string the last recv
		// there gave is dead: its buffer, if the loop lent it, is free.
		// When the call runs again after it parked, its first attempt
		// took that string (the variable is nil now).
		lend := t.AtDeadResult()
		if lend && !t.Retrying() {
			if dead, _ := t.DeadResult(); dead.Kind() == vm.KStr {
				c.n.reclaim(dead.AsStr())
			}
		}
		if c.mustWait() {
			// what recvAttempt would find first (the recv after a
			// sendall, in an echo): park without calling it
			c.streak = 0
			return parkOn(t, c.fd, scheduler.Read, "conn.recv")
		}
		v, err, wait = c.recvAttempt(int(args[0].AsInt()), lend)
	case (name == "sendall" || name == "send") && args[0].Kind() == vm.KStr:
		// What a sendall sent before it parked is kept with its task, not
		// with the conn: another task may send (and park) on the conn
		// between this task's wake-up and its retry.
		// c.sent is the count within this call only.
		if t.Retrying() {
			return c.writeAgain(t, name, args[0].AsStr())
		}
		c.sent = 0
		v, err, wait = c.write(name, modutil.BytesOf(args[0].AsStr()), &c.sent, len(name) == len("sendall"))
	default:
		return vm.Nil, nil, false
	}
	if wait == done {
		c.streak++
		return v, err, true
	}
	c.streak = 0
	if wait == waitWrite {
		scheduler.SetProgress(t, c.sent)
		return parkOn(t, c.fd, scheduler.Write, "conn."+name)
	}
	return parkOn(t, c.fd, scheduler.Read, "conn.recv")
}

// declined is YieldMethodNow on a TLS conn, with other arguments, or when
// the conn's streak is at its bound: the call is declined (the awaitable
// does it), but for a parked call run again, which comes from the event
// loop (another task's operations on the conn may have run the streak up
// since the park): its streak starts again. Declined, it would start again
// as an awaitable, a sendall from its first byte.
//
//go:noinline
func (c *conn) declined(t *vm.Task, name string, args []vm.Value) (vm.Value, *vm.Error, bool) {
	if c.tls == nil && len(args) == 1 && t.Retrying() {
		c.streak = 0
		return c.YieldMethodNow(t, name, args)
	}
	// time to let the others run (see maxStreak), or TLS (see tls.go)
	return vm.Nil, nil, false
}

// writeAgain is YieldMethodNow's send or sendall run again after it parked:
// it goes on from the count its task kept.
//
//go:noinline
func (c *conn) writeAgain(t *vm.Task, name string, s string) (vm.Value, *vm.Error, bool) {
	c.sent = scheduler.Progress(t)
	v, err, wait := c.write(name, modutil.BytesOf(s), &c.sent, len(name) == len("sendall"))
	if wait == done {
		c.streak++
		return v, err, true
	}
	c.streak = 0
	scheduler.SetProgress(t, c.sent)
	return parkOn(t, c.fd, scheduler.Write, "conn."+name)
}

// write is one attempt of send (all false) or sendall on a plain socket:
// *sent counts the bytes of data sent by earlier attempts.
func (c *conn) write(name string, data []byte, sent *int, all bool) (vm.Value, *vm.Error, waitKind) {
	if c.fd.Closed() {
		return vm.Nil, errConnClosed(), done
	}
	for *sent < len(data) {
		k, werr := poll.Write(c.fd.Fd, data[*sent:])
		if k <= 0 {
			if werr == syscall.EAGAIN {
				return vm.Nil, nil, waitWrite
			}
			return vm.Nil, modutil.IOError(name, werr), done
		}
		if *sent += k; !all || *sent == len(data) {
			// (leaving here, not through the loop's test, spares a
			// sendall taken whole reloading what the call spilled)
			break
		}
	}
	if all {
		return vm.Value{}, nil, done
	}
	return vm.Int(int64(*sent)), nil, done
}

func (c *conn) call(name string, args []vm.Value) (vm.Value, error) {
	switch name {
	case "close":
		if err := vm.UnpackArgs(name, args); err != nil {
			return vm.Nil, err
		}
		c.Close()
		return vm.Nil, nil
	case "recv":
		n, err := intArg("recv", args, 1)
		if err != nil {
			return vm.Nil, err
		}
		return opValue(c.op("conn.recv", func() (vm.Value, *vm.Error, waitKind) {
			v, err, wait := c.recvAttempt(n, false)
			return v, err, wait
		})), nil
	case "readline", "read_until":
		delim := "\n"
		if name == "read_until" {
			var d string // not delim: the attempt below keeps delim, not d, in its closure
			if err := vm.UnpackArgs(name, args, "delim", &d); err != nil {
				return vm.Nil, err
			}
			if d == "" {
				return vm.Nil, vm.Errorf(vm.KindValue, "read_until() needs a non-empty delimiter")
			}
			delim = d
		} else if err := vm.UnpackArgs(name, args); err != nil {
			return vm.Nil, err
		}
		scanned := 0
		return opValue(c.op("conn."+name, func() (vm.Value, *vm.Error, waitKind) {
			if c.fd.Closed() {
				return vm.Nil, errConnClosed(), done
			}
			for {
				if i := strings.Index(unsafe.String(unsafe.SliceData(c.buf[scanned:]), len(c.buf)-scanned), delim); i >= 0 {
					return c.take(scanned + i + len(delim)), nil, done
				}
				scanned = max(len(c.buf)-len(delim)+1, 0)
				if c.eof {
					return c.take(len(c.buf)), nil, done
				}
				if len(c.buf) > maxLine {
					return vm.Nil, vm.Errorf(vm.KindLimit, "%s: no %q in the first %d bytes", name, delim, maxLine), done
				}
				_, err, wait := c.fill()
				if err != nil || wait != done {
					return vm.Nil, err, wait
				}
			}
		})), nil
	case "read_exactly":
		n, err := intArg(name, args, 0)
		if err != nil {
			return vm.Nil, err
		}
		return opValue(c.op("conn.read_exactly", func() (vm.Value, *vm.Error, waitKind) {
			if c.fd.Closed() {
				return vm.Nil, errConnClosed(), done
			}
			for len(c.buf) < n {
				if c.eof {
					got := len(c.buf)
					c.buf = nil
					return vm.Nil, vm.Errorf(vm.KindEOF, "read_exactly(%d): the stream ended after %d bytes", n, got), done
				}
				_, err, wait := c.fill()
				if err != nil || wait != done {
					return vm.Nil, err, wait
				}
			}
			return c.take(n), nil, done
		})), nil
	default: // send, sendall
		var s string
		if err := vm.UnpackArgs(name, args, "data", &s); err != nil {
			return vm.Nil, err
		}
		data := modutil.BytesOf(s)
		all := name == "sendall"
		sent := 0
		return opValue(c.op("conn."+name, func() (vm.Value, *vm.Error, waitKind) {
			if c.tls != nil && !c.fd.Closed() {
				if err, wait := c.tlsSend(data, &sent); err != nil || wait != done {
					return vm.Nil, err, wait
				}
				if all {
					return vm.Nil, nil, done
				}
				return vm.Int(int64(sent)), nil, done
			}
			v, err, wait := c.write(name, data, &sent, all)
			return v, err, wait
		})), nil
	}
}

// ---- retrying I/O operations ----

type waitKind uint8

const (
	done          waitKind = iota // the attempt finished (value or error)
	waitRead                      // try again when the descriptor is readable
	waitWrite                     // ... writable
	waitTimer                     // ... after the operation's delay (listener.accept's back-off)
	retry                         // try again at once
	waitHandshake                 // ... after the conn's TLS handshake
)

// attemptFunc makes one non-blocking try of an operation.
type attemptFunc func() (vm.Value, *vm.Error, waitKind)

// ioOperation is an awaitable that tries its syscall first and waits for
// readiness only after EAGAIN, as often as needed.
type ioOperation struct {
	vm.ObjectHeader
	tried      waitKind // what TryNow found it must wait for (done: not tried)
	yieldFirst bool     // go once around the event loop before the first attempt
	name       string
	fd         *scheduler.FD
	tlsc       *conn // the TLS conn whose handshake waitHandshake waits for
	// delay is where the attempt leaves the time a waitTimer waits (the
	// listener's back-off); the operation clears it when it arms the timer.
	delay   *time.Duration
	attempt attemptFunc
	used    bool
	l       *scheduler.Loop
	w       scheduler.Waker
	inner   scheduler.Canceler
	timer   *scheduler.Timer
	// limit, when not zero, bounds the wait: the operation throws kind
	// timeout if it has not completed limit after its first wait began. The
	// timer is armed only when the operation has to wait.
	limit      time.Duration
	limitTimer *scheduler.Timer
}

// opLimit is the Waker of an operation's limit timer.
type opLimit struct{ o *ioOperation }

func (t opLimit) Wake(vm.Value, *vm.Error) {
	o := t.o
	o.limitTimer = nil
	o.Cancel()
	o.w.Wake(vm.Nil, vm.Errorf(vm.KindTimeout, "%s timed out after %ss", o.name, vm.FormatFloat(o.limit.Seconds())))
}

// finish ends the operation with its result.
func (o *ioOperation) finish(v vm.Value, err *vm.Error) {
	if o.limitTimer != nil {
		o.l.CancelTimer(o.limitTimer)
		o.limitTimer = nil
	}
	o.w.Wake(v, err)
}

// waiting arms the limit timer, if there is a limit, when the operation
// starts to wait; it reports true.
func (o *ioOperation) waiting() bool {
	if o.limit > 0 && o.limitTimer == nil {
		o.limitTimer = o.l.After(o.limit, opLimit{o})
	}
	return true
}

func newIOOperation(name string, fd *scheduler.FD, attempt attemptFunc) *ioOperation {
	return &ioOperation{name: name, fd: fd, attempt: attempt}
}

func ioOp(name string, fd *scheduler.FD, attempt attemptFunc) vm.Value {
	return opValue(newIOOperation(name, fd, attempt))
}

func opValue(o *ioOperation) vm.Value { return o.Value(o) }

func (o *ioOperation) TypeName() string { return o.name }
func (*ioOperation) Awaitable()         {}

// TryNow makes the first attempt inside the dispatch loop: data already there,
// or room in the socket buffer, completes the yield without the scheduler.
func (o *ioOperation) TryNow(*vm.Task) (vm.Value, *vm.Error, bool) {
	if o.used || o.yieldFirst {
		return vm.Nil, nil, false
	}
	for {
		v, err, wait := o.attempt()
		switch wait {
		case done:
			o.used = true
			return v, err, true
		case retry:
			continue
		case waitTimer, waitHandshake:
			return vm.Nil, nil, false // the back-off needs the loop: Await tries again
		}
		o.tried = wait
		return vm.Nil, nil, false
	}
}

func (o *ioOperation) Await(l *scheduler.Loop, w scheduler.Waker) scheduler.Canceler {
	if o.used {
		w.Wake(vm.Nil, vm.NewError(vm.KindValue, o.name+"() was already awaited"))
		return nil
	}
	o.used, o.l, o.w = true, l, w
	if o.yieldFirst { // see maxStreak
		o.yieldFirst = false
		o.timer = l.After(0, o)
		return o
	}
	switch o.tried {
	case waitRead: // TryNow found nothing to read: wait without trying again
		o.inner = o.fd.Wait(scheduler.Read, o)
		o.waiting()
		return o
	case waitWrite:
		o.inner = o.fd.Wait(scheduler.Write, o)
		o.waiting()
		return o
	}
	if o.try() {
		return o
	}
	return nil
}

// try attempts the operation until it completes or must wait; it reports
// whether it is waiting.
func (o *ioOperation) try() bool {
	for {
		v, err, wait := o.attempt()
		switch wait {
		case done:
			o.finish(v, err)
			return false
		case retry:
			continue
		case waitRead:
			o.inner = o.fd.Wait(scheduler.Read, o)
		case waitWrite:
			o.inner = o.fd.Wait(scheduler.Write, o)
		case waitTimer:
			o.timer = o.l.After(*o.delay, o)
			*o.delay = 0
		case waitHandshake:
			o.inner = o.tlsc.startHandshake(o, vm.Nil)
		}
		return (o.inner != nil || o.timer != nil) && o.waiting()
	}
}

// Wake is called when the descriptor is ready (or the back-off timer fired).
func (o *ioOperation) Wake(_ vm.Value, err *vm.Error) {
	o.inner, o.timer = nil, nil
	if err != nil {
		o.finish(vm.Nil, err)
		return
	}
	o.try()
}

// Cancel releases the registration of a wait in progress.
func (o *ioOperation) Cancel() {
	if o.inner != nil {
		o.inner.Cancel()
		o.inner = nil
	}
	if o.timer != nil {
		o.l.CancelTimer(o.timer)
		o.timer = nil
	}
	if o.limitTimer != nil {
		o.l.CancelTimer(o.limitTimer)
		o.limitTimer = nil
	}
}
