package net

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/poll"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
)

// TLS over the loop's sockets.
//
// crypto/tls wants a blocking net.Conn. Each TLS conn gives its tls.Conn a
// pumpConn: an in-memory net.Conn whose Read takes the ciphertext the loop
// read from the socket and whose Write queues ciphertext for the loop to
// write. The handshake is a state machine that cannot be resumed once an
// error left it, so it runs on a goroutine of its own, with a pumpConn whose
// Read blocks: the loop reads the socket when the poller says it is readable
// and hands the bytes over, writes what the goroutine queued (told through
// Loop.Post), and resumes the waiting task when the goroutine posts its end.
// After the handshake the goroutine is gone and everything happens on the
// loop: a Read of the pumpConn that finds no bytes returns errWouldBlock, a
// temporary net.Error, which tls.Conn passes up without keeping (it keeps a
// partial record for the next call), and the conn then waits for the socket
// as a plain conn does. Plain conns pay one nil check of conn.tls.

// kindTLS is the error kind of a failed handshake or verification.
const kindTLS = "tls"

// maxHandshakeBuffer bounds what a peer may send before the handshake ends.
const maxHandshakeBuffer = 1 << 20

// errWouldBlock is what a pumpConn's Read gives after the handshake when the
// loop has no ciphertext for it: tls.Conn returns it as it is.
var errWouldBlock = wouldBlock{}

type wouldBlock struct{}

func (wouldBlock) Error() string   { return "tls: no data yet" }
func (wouldBlock) Timeout() bool   { return true }
func (wouldBlock) Temporary() bool { return true }

// pumpConn is the net.Conn under a tls.Conn: buffers the loop fills and drains.
type pumpConn struct {
	mu       sync.Mutex
	cond     sync.Cond
	in       []byte // ciphertext read from the socket, not yet taken
	out      []byte // ciphertext to write to the socket
	err      error  // the socket's end (io.EOF) or error
	closed   bool
	async    bool   // the handshake goroutine runs: Read blocks, Write notifies
	notify   func() // tells the loop that out has data (async only)
	notified bool
}

func newPumpConn() *pumpConn {
	p := &pumpConn{}
	p.cond.L = &p.mu
	return p
}

func (p *pumpConn) Read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.in) == 0 {
		switch {
		case p.closed:
			return 0, net.ErrClosed
		case p.err != nil:
			return 0, p.err
		case !p.async:
			return 0, errWouldBlock
		}
		p.cond.Wait()
	}
	n := copy(b, p.in)
	p.in = p.in[n:]
	if len(p.in) == 0 {
		p.in = p.in[:0:cap(p.in)]
	}
	return n, nil
}

func (p *pumpConn) Write(b []byte) (int, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return 0, net.ErrClosed
	}
	p.out = append(p.out, b...)
	tell := p.async && !p.notified
	if tell {
		p.notified = true
	}
	p.mu.Unlock()
	if tell {
		p.notify()
	}
	return len(b), nil
}

// push hands bytes read from the socket to the TLS state.
func (p *pumpConn) push(b []byte) int {
	p.mu.Lock()
	p.in = append(p.in, b...)
	n := len(p.in)
	p.mu.Unlock()
	p.cond.Signal()
	return n
}

// end records the socket's end or error.
func (p *pumpConn) end(err error) {
	p.mu.Lock()
	if p.err == nil {
		p.err = err
	}
	p.mu.Unlock()
	p.cond.Signal()
}

// takeOut gives the queued ciphertext.
func (p *pumpConn) takeOut() []byte {
	p.mu.Lock()
	b := p.out
	p.out, p.notified = nil, false
	p.mu.Unlock()
	return b
}

func (p *pumpConn) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.cond.Broadcast()
	return nil
}

type pumpAddr struct{}

func (pumpAddr) Network() string { return "tcp" }
func (pumpAddr) String() string  { return "loop" }

func (*pumpConn) LocalAddr() net.Addr                { return pumpAddr{} }
func (*pumpConn) RemoteAddr() net.Addr               { return pumpAddr{} }
func (*pumpConn) SetDeadline(t time.Time) error      { return nil }
func (*pumpConn) SetReadDeadline(t time.Time) error  { return nil }
func (*pumpConn) SetWriteDeadline(t time.Time) error { return nil }

// tlsConn is the TLS state of a conn.
type tlsConn struct {
	tc         *tls.Conn
	pc         *pumpConn
	serverName string // asked for (client) or given (server)
	done       bool   // the handshake succeeded
	err        *vm.Error
	hs         *handshake // in progress
	wbuf       []byte     // ciphertext taken from pc, not yet written
}

func newTLSConn(c *conn, conf *tls.Config, server bool) {
	pc := newPumpConn()
	t := &tlsConn{pc: pc}
	if server {
		t.tc = tls.Server(pc, conf)
	} else {
		t.tc = tls.Client(pc, conf)
		t.serverName = conf.ServerName
	}
	c.tls = t
}

// tlsError makes the error of a failed handshake or TLS stream: kind tls,
// or the socket's kind when the socket failed.
func tlsError(op string, err error) *vm.Error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return modutil.IOError(op, errno)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		e := vm.Errorf(kindTLS, "%s: the peer closed the connection", op)
		e.Cause = err
		return e
	}
	e := vm.Errorf(kindTLS, "%s: %v", op, err)
	e.Cause = err
	return e
}

// handshake runs one TLS handshake: the goroutine drives tls.Conn, the loop
// moves the bytes.
type handshake struct {
	c       *conn
	t       *tlsConn
	waiters []*hsWaiter // the tasks waiting for it (a reader and a writer may both)
	result  vm.Value
	rd, wr  scheduler.Canceler
	over    bool // woken or cancelled
	ok      bool // the goroutine succeeded; waiting for the last bytes to go out
}

// hsWaiter is one task's wait for a handshake.
type hsWaiter struct {
	h    *handshake
	w    scheduler.Waker
	gone bool
}

// Cancel gives up this wait; when no task waits any more, the handshake is
// abandoned and the connection closed.
func (hw *hsWaiter) Cancel() {
	if hw.gone || hw.h.over {
		return
	}
	hw.gone = true
	for _, o := range hw.h.waiters {
		if !o.gone {
			return
		}
	}
	hw.h.abandon()
}

// wake wakes the waiters still there.
func (h *handshake) wake(v vm.Value, err *vm.Error) {
	for _, hw := range h.waiters {
		if !hw.gone {
			hw.gone = true
			hw.w.Wake(v, err)
		}
	}
}

// hsReader and hsWriter are the Wakers of a handshake's waits for its socket
// to be readable or writable (one pointer each, so a wait allocates nothing).
type hsReader struct{ h *handshake }
type hsWriter struct{ h *handshake }

func (r hsReader) Wake(_ vm.Value, err *vm.Error) { r.h.woken(err, false) }
func (w hsWriter) Wake(_ vm.Value, err *vm.Error) { w.h.woken(err, true) }

// woken pumps on in the direction whose wait ended, or fails with err.
func (h *handshake) woken(err *vm.Error, write bool) {
	if write {
		h.wr = nil
	} else {
		h.rd = nil
	}
	switch {
	case err != nil:
		h.fail(err)
	case write:
		h.pumpOut()
	default:
		h.pumpIn()
	}
}

// startHandshake begins the handshake of c, waking w with result when it has
// succeeded. A failure closes the conn.
func (c *conn) startHandshake(w scheduler.Waker, result vm.Value) scheduler.Canceler {
	t := c.tls
	if t.err != nil {
		w.Wake(vm.Nil, t.err)
		return nil
	}
	if t.hs != nil { // another task started it: wait for the same end
		hw := &hsWaiter{h: t.hs, w: w}
		t.hs.waiters = append(t.hs.waiters, hw)
		return hw
	}
	l := c.n.l
	h := &handshake{c: c, t: t, result: result}
	first := &hsWaiter{h: h, w: w}
	h.waiters = []*hsWaiter{first}
	t.hs = h
	pc := t.pc
	pc.async = true
	pc.notify = func() { l.Post(h.pumpOut) }
	release := l.Hold()
	go func() {
		err := t.tc.Handshake()
		l.Post(func() { h.finished(err) })
		release()
	}()
	h.pumpIn()
	if h.over { // failed at once: the waker has its error
		return nil
	}
	return first
}

// pumpIn moves what the socket has to the handshake goroutine, then waits
// for more.
func (h *handshake) pumpIn() {
	c := h.c
	for !h.over {
		k, err := poll.Read(c.fd.Fd, c.n.scratch)
		switch {
		case k > 0:
			if h.t.pc.push(c.n.scratch[:k]) > maxHandshakeBuffer {
				h.fail(vm.Errorf(kindTLS, "TLS handshake: the peer sent more than %d bytes", maxHandshakeBuffer))
				return
			}
			continue
		case err == syscall.EAGAIN:
			c.fd.Drained()
			h.rd = c.fd.Wait(scheduler.Read, hsReader{h})
		case err == nil:
			h.t.pc.end(io.EOF)
		default:
			h.t.pc.end(err)
		}
		return
	}
}

// pumpOut writes what the goroutine queued.
func (h *handshake) pumpOut() {
	if h.over || h.wr != nil {
		return
	}
	t, fd := h.t, h.c.fd
	t.wbuf = append(t.wbuf, t.pc.takeOut()...)
	if wait, err := t.writeOut(fd); wait {
		h.wr = fd.Wait(scheduler.Write, hsWriter{h})
		return
	} else if err != nil {
		h.fail(modutil.IOError("TLS handshake", err))
		return
	}
	t.wbuf = nil
	if h.ok {
		h.complete()
	}
}

// finished runs on the loop when the goroutine's Handshake has returned.
func (h *handshake) finished(err error) {
	if h.over {
		return
	}
	if err != nil {
		h.fail(tlsError("TLS handshake with "+h.c.peer(), err))
		return
	}
	h.t.pc.mu.Lock()
	h.t.pc.async = false
	h.t.pc.mu.Unlock()
	h.ok = true
	h.pumpOut()
}

func (h *handshake) stop() {
	h.over = true
	h.t.hs = nil
	if h.rd != nil {
		h.rd.Cancel()
		h.rd = nil
	}
	if h.wr != nil {
		h.wr.Cancel()
		h.wr = nil
	}
}

func (h *handshake) complete() {
	h.stop()
	h.t.done = true
	h.wake(h.result, nil)
}

// fail ends the handshake with err and closes the connection.
func (h *handshake) fail(err *vm.Error) {
	if h.over {
		return
	}
	h.stop()
	h.t.err = err
	h.t.pc.Close()
	h.c.fd.Close()
	h.c.buf = nil
	h.wake(vm.Nil, err)
}

// abandon ends the handshake when no task waits for it or the conn is
// closed: the connection is closed (its descriptor released) and the
// goroutine ends at its next read.
func (h *handshake) abandon() {
	if h.over {
		return
	}
	h.stop()
	h.t.err = errConnClosed()
	h.t.pc.Close()
	h.c.fd.Close()
	h.wake(vm.Nil, errConnClosed())
}

// flush writes queued ciphertext; it reports the wait to make, if any.
func (t *tlsConn) flush(fd *scheduler.FD) (*vm.Error, waitKind) {
	if len(t.pc.out) > 0 {
		if len(t.wbuf) == 0 {
			t.wbuf, t.pc.out = t.pc.out, t.wbuf[:0]
		} else {
			t.wbuf = append(t.wbuf, t.pc.out...)
			t.pc.out = t.pc.out[:0]
		}
	}
	if wait, err := t.writeOut(fd); wait {
		return nil, waitWrite
	} else if err != nil {
		return modutil.IOError("send", err), done
	}
	t.wbuf = t.wbuf[:0]
	return nil, done
}

// writeOut writes t.wbuf to fd until it is all written (wait false, err
// nil), the socket is full (wait) or the write fails.
func (t *tlsConn) writeOut(fd *scheduler.FD) (wait bool, err error) {
	for len(t.wbuf) > 0 {
		k, err := poll.Write(fd.Fd, t.wbuf)
		if k > 0 {
			t.wbuf = t.wbuf[k:]
			continue
		}
		if err == syscall.EAGAIN {
			return true, nil
		}
		if err == nil {
			err = io.ErrShortWrite
		}
		return false, err
	}
	return false, nil
}

// tlsFill is fill for a TLS conn: it decrypts what has arrived into c.buf.
func (c *conn) tlsFill() (bool, *vm.Error, waitKind) {
	t := c.tls
	if !t.done {
		if t.err != nil {
			return false, t.err, done
		}
		return false, nil, waitHandshake
	}
	if len(t.wbuf) > 0 || len(t.pc.out) > 0 {
		t.flush(c.fd) // a reply the TLS state owes (a key update): best effort
	}
	scratch := c.n.scratch
	for {
		n, err := t.tc.Read(scratch)
		if n > 0 {
			c.buf = append(c.buf, scratch[:n]...)
			return true, nil, done
		}
		switch {
		case err == nil:
			continue
		case err == errWouldBlock:
		case err == io.EOF:
			c.eof = true
			return false, nil, done
		default:
			return false, tlsError("recv", err), done
		}
		if !c.fd.MayRead() {
			return false, nil, waitRead
		}
		k, rerr := poll.Read(c.fd.Fd, scratch)
		switch {
		case k > 0:
			if k < len(scratch) {
				c.fd.ShortRead()
			}
			t.pc.in = append(t.pc.in, scratch[:k]...)
		case rerr == nil:
			t.pc.err = io.EOF
		case rerr == syscall.EAGAIN:
			c.fd.Drained()
			return false, nil, waitRead
		default:
			return false, modutil.IOError("recv", rerr), done
		}
	}
}

// tlsSend encrypts data[*sent:] and writes it out; it reports the wait to
// make, if any.
func (c *conn) tlsSend(data []byte, sent *int) (*vm.Error, waitKind) {
	t := c.tls
	if !t.done {
		if t.err != nil {
			return t.err, done
		}
		return nil, waitHandshake
	}
	if *sent < len(data) {
		if _, err := t.tc.Write(data[*sent:]); err != nil {
			return tlsError("send", err), done
		}
		*sent = len(data)
	}
	return t.flush(c.fd)
}

// tlsClose sends close_notify if it can at once, and ends the TLS state.
func (c *conn) tlsClose() {
	t := c.tls
	if t.hs != nil {
		t.hs.abandon()
		return
	}
	if t.done && !c.fd.Closed() {
		t.tc.Close()
		t.flush(c.fd)
	}
	t.pc.Close()
}

// tlsInfo is c.tls: {version, cipher, server_name, alpn}, nil fields before
// the handshake.
func (t *tlsConn) info() vm.Value {
	m := vm.NewMap(4)
	if !t.done {
		m.SetStr("version", vm.Nil)
		m.SetStr("cipher", vm.Nil)
		m.SetStr("server_name", vm.Nil)
		m.SetStr("alpn", vm.Nil)
		return vm.MapValue(m)
	}
	st := t.tc.ConnectionState()
	m.SetStr("version", vm.Str(tls.VersionName(st.Version)))
	m.SetStr("cipher", vm.Str(tls.CipherSuiteName(st.CipherSuite)))
	name := st.ServerName
	if name == "" {
		name = t.serverName
	}
	if name == "" {
		m.SetStr("server_name", vm.Nil)
	} else {
		m.SetStr("server_name", vm.Str(name))
	}
	if st.NegotiatedProtocol == "" {
		m.SetStr("alpn", vm.Nil)
	} else {
		m.SetStr("alpn", vm.Str(st.NegotiatedProtocol))
	}
	return vm.MapValue(m)
}

// ---- options ----

// tlsOption gives the tls entry of an options map, nil when there is no map,
// no entry or tls: false.
func tlsOption(fn string, m *vm.Map) (vm.Value, error) {
	if m == nil {
		return vm.Nil, nil
	}
	for i := 0; i < m.Slots(); i++ {
		k, _, ok := m.Entry(i)
		if !ok {
			continue
		}
		if k.Kind() != vm.KStr || k.AsStr() != "tls" {
			return vm.Nil, vm.Errorf(vm.KindValue, "%s(): unknown option %s", fn, vm.Repr(k))
		}
	}
	v, _ := m.GetStr("tls")
	if v.Kind() == vm.KBool && !v.AsBool() {
		return vm.Nil, nil
	}
	return v, nil
}

// tlsFields checks the keys of a tls map and gives its string fields.
func tlsFields(fn string, v vm.Value, keys ...string) (map[string]vm.Value, error) {
	if v.Kind() != vm.KMap {
		return nil, vm.Errorf(vm.KindType, "%s(): the tls option must be true or a map, not %s", fn, v.TypeName())
	}
	out, err := modutil.Options(fn, "tls option", v.AsMap(), keys...)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		x, ok := out[k]
		if !ok {
			continue
		}
		if k == "insecure" {
			if x.Kind() != vm.KBool {
				return nil, vm.Errorf(vm.KindType, "%s(): tls option insecure must be a bool, not %s", fn, x.TypeName())
			}
		} else if x.Kind() != vm.KStr {
			return nil, vm.Errorf(vm.KindType, "%s(): tls option %s must be a string, not %s", fn, k, x.TypeName())
		}
	}
	return out, nil
}

// caPools caches the certificate pools read from ca_file, by path.
var caPools sync.Map

func caPool(fn, path string) (*x509.CertPool, error) {
	if p, ok := caPools.Load(path); ok {
		return p.(*x509.CertPool), nil
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, vm.Errorf(vm.KindValue, "%s(): cannot read ca_file: %v", fn, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, vm.Errorf(vm.KindValue, "%s(): ca_file %q holds no PEM certificate", fn, path)
	}
	caPools.Store(path, pool)
	return pool, nil
}

// clientTLSConfig makes the client configuration of the tls option v (true
// or {server_name, ca_file, insecure}) for a connection to host.
func clientTLSConfig(fn string, v vm.Value, host string) (*tls.Config, error) {
	conf := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
	if v.Kind() == vm.KBool {
		return conf, nil
	}
	f, err := tlsFields(fn, v, "server_name", "ca_file", "insecure")
	if err != nil {
		return nil, err
	}
	if s, ok := f["server_name"]; ok {
		conf.ServerName = s.AsStr()
	}
	if s, ok := f["ca_file"]; ok {
		if conf.RootCAs, err = caPool(fn, s.AsStr()); err != nil {
			return nil, err
		}
	}
	if b, ok := f["insecure"]; ok {
		conf.InsecureSkipVerify = b.AsBool()
	}
	return conf, nil
}

// serverTLSConfig makes the server configuration of {cert_file, key_file}.
func serverTLSConfig(fn string, v vm.Value) (*tls.Config, error) {
	if v.Kind() != vm.KMap {
		return nil, vm.Errorf(vm.KindType, "%s(): the tls option of a listener must be a map {cert_file, key_file}, not %s", fn, v.TypeName())
	}
	f, err := tlsFields(fn, v, "cert_file", "key_file")
	if err != nil {
		return nil, err
	}
	cf, ok1 := f["cert_file"]
	kf, ok2 := f["key_file"]
	if !ok1 || !ok2 {
		return nil, vm.Errorf(vm.KindValue, "%s(): the tls option of a listener needs cert_file and key_file", fn)
	}
	cert, err := tls.LoadX509KeyPair(cf.AsStr(), kf.AsStr())
	if err != nil {
		return nil, vm.Errorf(vm.KindValue, "%s(): cannot load the certificate: %v", fn, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}, nil
}
