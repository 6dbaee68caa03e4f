package net

import (
	"math"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/poll"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

// The buffered conn as other modules use it: http's server and client, its
// WebSocket support and the pipes of the process module read and write conns
// through this API, never through the fields of conn.

// Lib is the state the conns of one module instance share on one loop (the
// read buffer). Each module that makes conns has its own.
type Lib = netLib

// NewLib makes the conn state of a module served by loop l.
func NewLib(l *scheduler.Loop) *Lib {
	return &netLib{l: l, scratch: make([]byte, 64*1024)}
}

// Listen is net.listen(host, port, opts?) as a native.
func (n *netLib) Listen(t *vm.Task, args []vm.Value) (vm.Value, error) { return n.listen(t, args) }

// Connect is net.connect(host, port, opts?) as a native.
func (n *netLib) Connect(t *vm.Task, args []vm.Value) (vm.Value, error) { return n.connect(t, args) }

// NewPipeConn makes a conn of fd f, which is not a socket (a pipe), named
// local -> peer; the loop closes f when the script drops the conn.
func (n *netLib) NewPipeConn(f *scheduler.FD, local, peer string) *Conn {
	peer = peer[:min(len(peer), math.MaxUint16)]
	return n.makeConn(f, peer+local, len(peer))
}

// Conn is a buffered stream connection: a socket or a pipe in the event loop
// with the bytes received and not yet consumed.
type Conn = conn

// Wait is what an attempt found: done, or the readiness to wait for.
type Wait = waitKind

// The outcomes of an attempt that other modules return.
const (
	Done      = done
	WaitRead  = waitRead
	WaitWrite = waitWrite
)

// Attempt makes one non-blocking try of an operation on a conn.
type Attempt = attemptFunc

// AsConn gives the conn v holds, false when v is not a conn.
func AsConn(v vm.Value) (*Conn, bool) {
	if v.Kind() == vm.KObject {
		if c, ok := v.AsObject().(*conn); ok {
			return c, true
		}
	}
	return nil, false
}

// ErrClosed is the error of an operation on a conn the script closed.
func ErrClosed() *vm.Error { return errConnClosed() }

// Op is the awaitable of an operation on c made of attempt; when limit is
// not zero the operation throws timeout if it has waited that long.
func (c *conn) Op(name string, limit time.Duration, attempt Attempt) vm.Value {
	o := c.op(name, attempt)
	o.limit = limit
	return opValue(o)
}

// Close closes c (conn.close()): a task waiting on it wakes with kind closed.
func (c *conn) Close() {
	if c.tls != nil {
		c.tlsClose()
	}
	c.fd.Close()
	c.buf = nil // received but unread data goes with the connection
}

// FD is the descriptor of c.
func (c *conn) FD() *scheduler.FD { return c.fd }

// Closed reports whether the script closed c.
func (c *conn) Closed() bool { return c.fd.Closed() }

// Fill reads what the socket has into the buffer; it reports whether it got
// data, or the wait to make.
func (c *conn) Fill() (got bool, err *vm.Error, wait Wait) { return c.fill() }

// Write writes data[*sent:] to c, advancing *sent, until all is written (done),
// the socket or pipe is full (WaitWrite) or the write fails (the error).
func (c *conn) Write(name string, data []byte, sent *int) (*vm.Error, Wait) {
	_, err, wait := c.write(name, data, sent, true)
	return err, wait
}

// Buffered is the bytes received and not yet consumed; the slice is valid
// until the next Fill or Next.
func (c *conn) Buffered() []byte { return c.buf }

// Next consumes the first n buffered bytes and gives them.
func (c *conn) Next(n int) []byte {
	b := c.buf[:n]
	c.buf = c.buf[n:]
	return b
}

// Take consumes the first n buffered bytes and gives them as a string.
func (c *conn) Take(n int) vm.Value { return c.take(n) }

// Discard drops every buffered byte.
func (c *conn) Discard() { c.buf = nil }

// EOF reports whether the peer ended the stream (the buffer may still hold
// bytes).
func (c *conn) EOF() bool { return c.eof }

// Idle reports whether an idle conn can carry another request: open, nothing
// unread, no TLS record or handshake pending, and the peer has neither closed
// it nor sent anything unasked (a peek that would block).
func (c *conn) Idle() bool {
	if c.fd.Closed() || c.eof || len(c.buf) > 0 || c.tls != nil && (len(c.tls.pc.in) > 0 || !c.tls.done) {
		return false
	}
	return poll.WouldBlock(c.fd.Fd)
}
