package http

import (
	"encoding/binary"
	"unicode/utf8"
)

// WebSocket frame opcodes (RFC 6455 section 5.2).
const (
	wsOpContinuation = 0x0
	wsOpText         = 0x1
	wsOpBinary       = 0x2
	wsOpClose        = 0x8
	wsOpPing         = 0x9
	wsOpPong         = 0xA
)

// WebSocket close codes used by the parser (RFC 6455 section 7.4.1).
const (
	wsCloseNormal       = 1000
	wsCloseProtocol     = 1002
	wsCloseNoStatus     = 1005
	wsCloseInvalidData  = 1007
	wsCloseTooBig       = 1009
	wsCloseInternalErr  = 1011
	wsMaxControlPayload = 125
)

// wsFrame is one parsed frame; Payload is unmasked.
type wsFrame struct {
	Fin     bool
	Opcode  byte
	Masked  bool
	Payload []byte
}

// wsError is a protocol failure: the close code to send and why.
type wsError struct {
	Code int
	Msg  string
}

func (e *wsError) Error() string { return e.Msg }

// parseWSFrame reads one frame from the start of b. It is a pure function:
// b is not modified. It returns the frame and the number of bytes it took,
// or n == 0 and no error when b does not hold a whole frame yet, or an error
// carrying the close code to answer with. A server passes requireMask (clients
// must mask), a client passes forbidMask (servers must not). A payload longer
// than maxPayload (when maxPayload >= 0) is refused with 1009 as soon as the
// header is seen, before its bytes arrive.
func parseWSFrame(b []byte, requireMask, forbidMask bool, maxPayload int64) (f wsFrame, n int, err *wsError) {
	if len(b) < 2 {
		return f, 0, nil
	}
	b0, b1 := b[0], b[1]
	if b0&0x70 != 0 {
		return f, 0, &wsError{wsCloseProtocol, "websocket: reserved bits set in a frame"}
	}
	f.Fin = b0&0x80 != 0
	f.Opcode = b0 & 0x0F
	switch f.Opcode {
	case wsOpContinuation, wsOpText, wsOpBinary:
	case wsOpClose, wsOpPing, wsOpPong:
		if !f.Fin {
			return f, 0, &wsError{wsCloseProtocol, "websocket: fragmented control frame"}
		}
	default:
		return f, 0, &wsError{wsCloseProtocol, "websocket: unknown opcode"}
	}
	f.Masked = b1&0x80 != 0
	if requireMask && !f.Masked {
		return f, 0, &wsError{wsCloseProtocol, "websocket: unmasked frame from a client"}
	}
	if forbidMask && f.Masked {
		return f, 0, &wsError{wsCloseProtocol, "websocket: masked frame from a server"}
	}
	length := uint64(b1 & 0x7F)
	pos := 2
	switch length {
	case 126:
		if len(b) < 4 {
			return f, 0, nil
		}
		length = uint64(binary.BigEndian.Uint16(b[2:4]))
		pos = 4
	case 127:
		if len(b) < 10 {
			return f, 0, nil
		}
		length = binary.BigEndian.Uint64(b[2:10])
		if length>>63 != 0 {
			return f, 0, &wsError{wsCloseProtocol, "websocket: frame length has its top bit set"}
		}
		pos = 10
	}
	if f.Opcode >= wsOpClose && length > wsMaxControlPayload {
		return f, 0, &wsError{wsCloseProtocol, "websocket: control frame longer than 125 bytes"}
	}
	if maxPayload >= 0 && length > uint64(maxPayload) {
		return f, 0, &wsError{wsCloseTooBig, "websocket: message too big"}
	}
	var mask [4]byte
	if f.Masked {
		if len(b) < pos+4 {
			return f, 0, nil
		}
		copy(mask[:], b[pos:pos+4])
		pos += 4
	}
	if uint64(len(b)-pos) < length {
		return f, 0, nil
	}
	end := pos + int(length)
	if f.Masked {
		p := make([]byte, length)
		for i, c := range b[pos:end] {
			p[i] = c ^ mask[i&3]
		}
		f.Payload = p
	} else {
		f.Payload = b[pos:end:end]
	}
	if f.Opcode == wsOpClose {
		if _, _, e := parseWSClose(f.Payload); e != nil {
			return f, 0, e
		}
	}
	return f, end, nil
}

// parseWSClose reads a close frame's payload: the code (1005 when empty) and
// the reason, refusing a one-byte payload, a code that may not be sent and a
// reason that is not UTF-8.
func parseWSClose(p []byte) (code int, reason string, err *wsError) {
	if len(p) == 0 {
		return wsCloseNoStatus, "", nil
	}
	if len(p) == 1 {
		return 0, "", &wsError{wsCloseProtocol, "websocket: close frame with a one-byte payload"}
	}
	code = int(binary.BigEndian.Uint16(p))
	if !wsValidCloseCode(code) {
		return 0, "", &wsError{wsCloseProtocol, "websocket: invalid close code"}
	}
	if !utf8.Valid(p[2:]) {
		return 0, "", &wsError{wsCloseInvalidData, "websocket: close reason is not UTF-8"}
	}
	return code, string(p[2:]), nil
}

// wsValidCloseCode is whether code may appear in a close frame on the wire.
func wsValidCloseCode(code int) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1014:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}

// appendWSFrame appends one frame to dst; a client passes a mask (the
// payload is masked with it), a server passes nil.
func appendWSFrame(dst []byte, fin bool, opcode byte, payload []byte, mask *[4]byte) []byte {
	b0 := opcode & 0x0F
	if fin {
		b0 |= 0x80
	}
	var mbit byte
	if mask != nil {
		mbit = 0x80
	}
	n := len(payload)
	switch {
	case n <= 125:
		dst = append(dst, b0, mbit|byte(n))
	case n <= 0xFFFF:
		dst = append(dst, b0, mbit|126, byte(n>>8), byte(n))
	default:
		dst = append(dst, b0, mbit|127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	}
	if mask == nil {
		return append(dst, payload...)
	}
	dst = append(dst, mask[:]...)
	start := len(dst)
	dst = append(dst, payload...)
	for i := range payload {
		dst[start+i] ^= mask[i&3]
	}
	return dst
}
