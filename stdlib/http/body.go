package http

import (
	"bytes"
	"strings"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
	ysnet "github.com/yieldscript/yieldscript/stdlib/net"
)

// Reading a message body: by Content-Length, chunked (RFC 9112 section 7.1)
// or to the end of the connection, with a bound on its size.

// maxChunkExt bounds the chunk extensions of one message, in bytes (as
// Node.js does): they carry nothing the server uses, and without a bound a
// client could send megabytes of them on one-byte chunks.
const maxChunkExt = 16 * 1024

// maxChunkLine bounds a chunk-size line without its extensions.
const maxChunkLine = 64

// States of a chunkedBody.
const (
	chunkSize    = iota // before a chunk-size line
	chunkData           // inside the data of a chunk
	chunkDataEnd        // before the CRLF after the data
	chunkTrailer        // before the trailer section
	chunkDone           // after the empty line that ends the body
)

// bodyError is how a body is wrong; status is the HTTP status a server
// answers it with (-1: none, the client has gone).
type bodyError struct {
	kind   string
	status int
	msg    string
}

var (
	errChunkMalformed = &bodyError{vm.KindValue, 400, "malformed chunked %s body"}
	errChunkExt       = &bodyError{vm.KindLimit, 400, "chunk extensions of the %s body longer than 16384 bytes"}
	errTrailerLong    = &bodyError{vm.KindLimit, 431, "trailer fields of the %s body longer than 65536 bytes"}
	errBodyLong       = &bodyError{vm.KindLimit, 413, ""}
	errBodyEOF        = &bodyError{vm.KindEOF, -1, "the stream ended inside a %s body"}
)

// chunkedBody decodes a chunked body from bytes given in pieces.
type chunkedBody struct {
	state   uint8
	left    int64 // data bytes left in the current chunk
	total   int64 // data bytes so far
	limit   int64 // bound on total (-1: none)
	ext     int   // chunk extension bytes so far
	scanned int   // bytes of a trailer section looked at in vain
}

// step decodes the start of b. It gives how many bytes of b it used and the
// body data among them (a part of b, at most max bytes). It uses nothing when
// b holds too little to go on; the body is over when the state is chunkDone.
func (c *chunkedBody) step(b []byte, most int) (used int, data []byte, err *bodyError) {
	switch c.state {
	case chunkSize:
		bound := maxChunkLine + maxChunkExt - c.ext
		j := bytes.IndexByte(b[:min(len(b), bound+1)], '\n')
		if j < 0 {
			if len(b) > bound {
				if bytes.IndexByte(b[:bound], ';') < 0 {
					return 0, nil, errChunkMalformed
				}
				return 0, nil, errChunkExt
			}
			return 0, nil, nil
		}
		size, ext, ok := parseChunkLine(b[:j+1])
		if !ok {
			return 0, nil, errChunkMalformed
		}
		if c.ext += ext; c.ext > maxChunkExt {
			return 0, nil, errChunkExt
		}
		c.total += size
		if c.limit >= 0 && c.total > c.limit {
			return 0, nil, errBodyLong
		}
		if size == 0 {
			c.state = chunkTrailer
		} else {
			c.state, c.left = chunkData, size
		}
		return j + 1, nil, nil
	case chunkData:
		n := min(int64(min(len(b), most)), c.left)
		c.left -= n
		if c.left == 0 {
			c.state = chunkDataEnd
		}
		return int(n), b[:n], nil
	case chunkDataEnd:
		if len(b) < 2 {
			if len(b) == 1 && b[0] != '\r' {
				return 0, nil, errChunkMalformed
			}
			return 0, nil, nil
		}
		if b[0] != '\r' || b[1] != '\n' {
			return 0, nil, errChunkMalformed
		}
		c.state = chunkSize
		return 2, nil, nil
	case chunkTrailer:
		if len(b) == 0 {
			return 0, nil, nil
		}
		if b[0] == '\r' {
			if len(b) == 1 {
				return 0, nil, nil
			}
			if b[1] != '\n' {
				return 0, nil, errChunkMalformed
			}
			c.state = chunkDone
			return 2, nil, nil
		}
		if !isTokenChar(b[0]) {
			return 0, nil, errChunkMalformed
		}
		from := max(c.scanned-3, 0)
		j := bytes.Index(b[from:], []byte("\r\n\r\n"))
		if j < 0 {
			c.scanned = len(b)
			if len(b) > maxHead {
				return 0, nil, errTrailerLong
			}
			return 0, nil, nil
		}
		end := from + j + 4
		if end > maxHead {
			return 0, nil, errTrailerLong
		}
		// Trailer fields are header fields: the header parser reads them.
		var h requestHead
		h.init()
		h.crlf = true
		if !h.parseHeaders(b[:end], 0) {
			return 0, nil, errChunkMalformed
		}
		c.state = chunkDone
		return end, nil, nil
	}
	return 0, nil, nil
}

// parseChunkLine parses a chunk-size line with its CRLF:
//
//	chunk-size *( ";" token [ "=" ( token / quoted-string ) ] ) CRLF
//
// with no whitespace anywhere (as llhttp's strict mode). It gives the size and
// the length of the extensions.
func parseChunkLine(line []byte) (size int64, ext int, ok bool) {
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return 0, 0, false
	}
	line = line[:len(line)-2]
	i, digits := 0, 0
	for ; i < len(line); i++ {
		d, isHex := modutil.UnhexDigit(line[i])
		if !isHex {
			break
		}
		if size != 0 || d != 0 {
			digits++
		}
		if digits > 15 {
			return 0, 0, false
		}
		size = size<<4 | int64(d)
	}
	if i == 0 {
		return 0, 0, false
	}
	ext = len(line) - i
	for i < len(line) {
		if line[i] != ';' {
			return 0, 0, false
		}
		i++
		start := i
		for i < len(line) && isTokenChar(line[i]) {
			i++
		}
		if i == start {
			return 0, 0, false
		}
		if i == len(line) || line[i] == ';' {
			continue
		}
		if line[i] != '=' {
			return 0, 0, false
		}
		i++
		if i < len(line) && line[i] == '"' {
			i++
			closed := false
			for i < len(line) && !closed {
				c := line[i]
				switch {
				case c == '"':
					closed = true
				case c == '\\':
					i++
					if i == len(line) || line[i] < ' ' && line[i] != '\t' || line[i] == 0x7f {
						return 0, 0, false
					}
				case c < ' ' && c != '\t' || c == 0x7f:
					return 0, 0, false
				}
				i++
			}
			if !closed {
				return 0, 0, false
			}
			continue
		}
		start = i
		for i < len(line) && isTokenChar(line[i]) {
			i++
		}
		if i == start {
			return 0, 0, false
		}
	}
	return size, ext, true
}

// bodyReader reads one message body from a conn, for the http module's
// scripts (an opaque object to them).
type bodyReader struct {
	vm.ObjectHeader
	mode    uint8 // readLength, readChunked, readToEnd
	left    int64 // readLength: bytes left
	total   int64 // readToEnd: bytes so far
	limit   int64 // -1: none
	chunked chunkedBody
	done    bool
	what    string // "request" or "response", for messages
	failed  *bodyError
}

const (
	readLength = iota
	readChunked
	readToEnd
)

func (*bodyReader) TypeName() string { return "http body" }

// newBodyReader reads a body of length bytes, or chunked, or (length < 0,
// not chunked) to the end of the stream.
func newBodyReader(length int64, chunked bool, limit int64, what string) *bodyReader {
	r := &bodyReader{left: length, limit: limit, what: what}
	switch {
	case chunked:
		r.mode = readChunked
		r.chunked.limit = limit
	case length < 0:
		r.mode = readToEnd
	default:
		r.done = length == 0
	}
	return r
}

func (r *bodyReader) error(e *bodyError) *vm.Error {
	r.failed = e
	if e == errBodyLong {
		return vm.Errorf(vm.KindLimit, "http: %s body longer than %d bytes", r.what, r.limit)
	}
	return vm.Errorf(e.kind, "http: "+e.msg, r.what)
}

// next takes from the bytes c has received the next piece of the body, at most max bytes; with
// got false it needs more bytes from the socket first.
func (r *bodyReader) next(c *ysnet.Conn, most int) (data []byte, got bool, err *vm.Error) {
	if r.failed != nil {
		return nil, false, r.error(r.failed)
	}
	if r.done {
		return nil, true, nil
	}
	switch r.mode {
	case readLength:
		buf := c.Buffered()
		if len(buf) == 0 {
			if c.EOF() {
				return nil, false, r.error(errBodyEOF)
			}
			return nil, false, nil
		}
		n := int(min(int64(min(most, len(buf))), r.left))
		r.left -= int64(n)
		r.done = r.left == 0
		return c.Next(n), true, nil
	case readToEnd:
		buf := c.Buffered()
		if len(buf) == 0 {
			if c.EOF() {
				r.done = true
				return nil, true, nil
			}
			return nil, false, nil
		}
		n := min(most, len(buf))
		if r.total += int64(n); r.limit >= 0 && r.total > r.limit {
			return nil, false, r.error(errBodyLong)
		}
		return c.Next(n), true, nil
	}
	for {
		used, piece, berr := r.chunked.step(c.Buffered(), most)
		if berr != nil {
			return nil, false, r.error(berr)
		}
		c.Next(used)
		if r.chunked.state == chunkDone {
			r.done = true
			return piece, true, nil
		}
		if len(piece) > 0 {
			return piece, true, nil
		}
		if used == 0 {
			if c.EOF() {
				return nil, false, r.error(errBodyEOF)
			}
			return nil, false, nil
		}
	}
}

// bodyArg is the destination of a body reader argument for vm.UnpackArgs.
func bodyArg(r **bodyReader) any {
	return vm.Check("an http body", func(v vm.Value) bool {
		if v.Kind() == vm.KObject {
			*r, _ = v.AsObject().(*bodyReader)
		}
		return *r != nil
	})
}

// httpBody is _body(length, chunked, limit, what): a reader of a body (see
// newBodyReader).
func httpBody(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var length, limit int64
	var chunked bool
	var what string
	if err := vm.UnpackArgs("_body", args, "length", &length, "chunked", &chunked, "limit", &limit, "what", &what); err != nil {
		return vm.Nil, err
	}
	r := newBodyReader(length, chunked, limit, what)
	return vm.ObjectValue(r), nil
}

// httpBodyRead is _body_read(conn, body, n): an awaitable giving the next
// piece of the body, at most n bytes, or "" at its end. It throws value for a
// malformed chunked body, limit for one too long and eof when the stream ends
// inside it.
func httpBodyRead(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var conn *ysnet.Conn
	var body *bodyReader
	var max int
	if err := vm.UnpackArgs("_body_read", args, "conn", connArg(&conn), "body", bodyArg(&body), "n", &max); err != nil {
		return vm.Nil, err
	}
	// Copies for the attempt to keep: the variables whose address
	// UnpackArgs had would each be a heap allocation of their own.
	c, r, n := conn, body, max
	return c.Op("read", 0, func() (vm.Value, *vm.Error, ysnet.Wait) {
		for {
			if c.Closed() {
				return vm.Nil, ysnet.ErrClosed(), ysnet.Done
			}
			data, got, err := r.next(c, n)
			if err != nil {
				return vm.Nil, err, ysnet.Done
			}
			if got {
				if len(c.Buffered()) == 0 {
					c.Discard()
				}
				return vm.Str(string(data)), nil, ysnet.Done
			}
			_, ferr, wait := c.Fill()
			if ferr != nil || wait != ysnet.Done {
				return vm.Nil, ferr, wait
			}
		}
	}), nil
}

// httpBodyAll is _body_all(conn, body): an awaitable giving the rest of the
// body as one string; it throws as _body_read does.
func httpBodyAll(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var conn *ysnet.Conn
	var body *bodyReader
	if err := vm.UnpackArgs("_body_all", args, "conn", connArg(&conn), "body", bodyArg(&body)); err != nil {
		return vm.Nil, err
	}
	c, r := conn, body // copies for the attempt (see httpBodyRead)
	var sb strings.Builder
	return c.Op("read", 0, func() (vm.Value, *vm.Error, ysnet.Wait) {
		for {
			if c.Closed() {
				return vm.Nil, ysnet.ErrClosed(), ysnet.Done
			}
			data, got, err := r.next(c, 1<<30)
			if err != nil {
				return vm.Nil, err, ysnet.Done
			}
			if got {
				sb.Write(data)
				if r.done {
					if len(c.Buffered()) == 0 {
						c.Discard()
					}
					return vm.Str(sb.String()), nil, ysnet.Done
				}
				continue
			}
			_, ferr, wait := c.Fill()
			if ferr != nil || wait != ysnet.Done {
				return vm.Nil, ferr, wait
			}
		}
	}), nil
}

// httpBodyState is _body_state(body): 0 while the body is being read, 1 once
// it has been read in full, -1 when the stream ended inside it, else the HTTP
// status its failure is answered with.
func httpBodyState(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var r *bodyReader
	if err := vm.UnpackArgs("_body_state", args, "body", bodyArg(&r)); err != nil {
		return vm.Nil, err
	}
	switch {
	case r.failed != nil:
		return vm.Int(int64(r.failed.status)), nil
	case r.done:
		return vm.Int(1), nil
	}
	return vm.Int(0), nil
}
