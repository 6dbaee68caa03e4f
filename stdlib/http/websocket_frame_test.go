package http

import (
	"bytes"
	"testing"
)

// The examples of RFC 6455 section 5.7.
func TestWSFrameRFCExamples(t *testing.T) {
	for _, c := range []struct {
		name   string
		wire   []byte
		fin    bool
		op     byte
		masked bool
		want   string
	}{
		{"unmasked text", []byte{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}, true, wsOpText, false, "Hello"},
		{"masked text", []byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}, true, wsOpText, true, "Hello"},
		{"first fragment", []byte{0x01, 0x03, 0x48, 0x65, 0x6c}, false, wsOpText, false, "Hel"},
		{"last fragment", []byte{0x80, 0x02, 0x6c, 0x6f}, true, wsOpContinuation, false, "lo"},
		{"unmasked ping", []byte{0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}, true, wsOpPing, false, "Hello"},
		{"masked pong", []byte{0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}, true, wsOpPong, true, "Hello"},
	} {
		f, n, err := parseWSFrame(c.wire, false, false, -1)
		if err != nil || n != len(c.wire) || f.Fin != c.fin || f.Opcode != c.op || f.Masked != c.masked || string(f.Payload) != c.want {
			t.Errorf("%s: got %+v n=%d err=%v", c.name, f, n, err)
		}
		// Every strict prefix is incomplete, not an error.
		for i := 0; i < len(c.wire); i++ {
			if _, n, err := parseWSFrame(c.wire[:i], false, false, -1); n != 0 || err != nil {
				t.Errorf("%s: prefix %d gave n=%d err=%v", c.name, i, n, err)
			}
		}
	}
	// The masked example encodes to the RFC's bytes.
	mask := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	got := appendWSFrame(nil, true, wsOpText, []byte("Hello"), &mask)
	if want := []byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}; !bytes.Equal(got, want) {
		t.Errorf("masked encode: % x", got)
	}
}

// Lengths at the edges of the 7-bit, 16-bit and 64-bit encodings.
func TestWSFrameLengths(t *testing.T) {
	for _, c := range []struct {
		n      int
		header []byte
	}{
		{125, []byte{0x82, 125}},
		{126, []byte{0x82, 126, 0x00, 126}},
		{65535, []byte{0x82, 126, 0xff, 0xff}},
		{65536, []byte{0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0}},
	} {
		payload := bytes.Repeat([]byte{'x'}, c.n)
		wire := appendWSFrame(nil, true, wsOpBinary, payload, nil)
		if !bytes.HasPrefix(wire, c.header) || len(wire) != len(c.header)+c.n {
			t.Errorf("length %d: header % x", c.n, wire[:len(c.header)])
		}
		f, n, err := parseWSFrame(wire, false, true, -1)
		if err != nil || n != len(wire) || len(f.Payload) != c.n {
			t.Errorf("length %d: n=%d err=%v", c.n, n, err)
		}
		if _, n, err := parseWSFrame(wire[:len(wire)-1], false, true, -1); n != 0 || err != nil {
			t.Errorf("length %d: short frame n=%d err=%v", c.n, n, err)
		}
		mask := [4]byte{1, 2, 3, 4}
		wire = appendWSFrame(nil, true, wsOpBinary, payload, &mask)
		f, n, err = parseWSFrame(wire, true, false, -1)
		if err != nil || n != len(wire) || !bytes.Equal(f.Payload, payload) {
			t.Errorf("length %d masked: n=%d err=%v", c.n, n, err)
		}
	}
	// Over max_message: 1009 from the header alone.
	if _, _, err := parseWSFrame([]byte{0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0}, false, false, 65535); err == nil || err.Code != wsCloseTooBig {
		t.Errorf("too big: %v", err)
	}
	if _, _, err := parseWSFrame([]byte{0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0}, false, false, -1); err == nil || err.Code != wsCloseProtocol {
		t.Errorf("top bit: %v", err)
	}
}

func TestWSFrameRefused(t *testing.T) {
	long := append([]byte{0x89, 126, 0, 126}, bytes.Repeat([]byte{'p'}, 126)...)
	for _, c := range []struct {
		name              string
		wire              []byte
		requireMask, nomk bool
		code              int
	}{
		{"ping over 125 bytes", long, false, false, wsCloseProtocol},
		{"close over 125 bytes", []byte{0x88, 126, 0, 200}, false, false, wsCloseProtocol},
		{"fragmented ping", []byte{0x09, 0x00}, false, false, wsCloseProtocol},
		{"fragmented close", []byte{0x08, 0x00}, false, false, wsCloseProtocol},
		{"rsv1", []byte{0xc1, 0x00}, false, false, wsCloseProtocol},
		{"rsv2", []byte{0xa1, 0x00}, false, false, wsCloseProtocol},
		{"rsv3", []byte{0x91, 0x00}, false, false, wsCloseProtocol},
		{"opcode 3", []byte{0x83, 0x00}, false, false, wsCloseProtocol},
		{"opcode 0xB", []byte{0x8b, 0x00}, false, false, wsCloseProtocol},
		{"unmasked from a client", []byte{0x81, 0x00}, true, false, wsCloseProtocol},
		{"masked from a server", []byte{0x81, 0x80, 0, 0, 0, 0}, false, true, wsCloseProtocol},
		{"close with one byte", []byte{0x88, 0x01, 0x03}, false, false, wsCloseProtocol},
		{"close code 1005", []byte{0x88, 0x02, 0x03, 0xed}, false, false, wsCloseProtocol},
		{"close code 999", []byte{0x88, 0x02, 0x03, 0xe7}, false, false, wsCloseProtocol},
		{"close reason not UTF-8", []byte{0x88, 0x03, 0x03, 0xe8, 0xff}, false, false, wsCloseInvalidData},
	} {
		_, n, err := parseWSFrame(c.wire, c.requireMask, c.nomk, -1)
		if err == nil || err.Code != c.code || n != 0 {
			t.Errorf("%s: n=%d err=%v", c.name, n, err)
		}
	}
	code, reason, err := parseWSClose([]byte{0x0f, 0xa0, 'b', 'y', 'e'})
	if err != nil || code != 4000 || reason != "bye" {
		t.Errorf("close 4000: %d %q %v", code, reason, err)
	}
	if code, _, err := parseWSClose(nil); err != nil || code != wsCloseNoStatus {
		t.Errorf("empty close: %d %v", code, err)
	}
}

// FuzzWebSocketFrame parses any bytes: no panic, a consumed count inside
// the input, control frames short and whole, and a frame re-encoded from
// what was parsed parses to the same frame.
func FuzzWebSocketFrame(f *testing.F) {
	f.Add([]byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}, false, false)
	f.Add([]byte{0x82, 126, 0, 3, 1, 2, 3}, false, true)
	f.Add([]byte{0x88, 0x02, 0x03, 0xe8}, false, false)
	f.Add([]byte{0x82, 127, 0, 0, 0, 0, 0, 0, 0, 1, 9}, true, false)
	f.Fuzz(func(t *testing.T, b []byte, requireMask, forbidMask bool) {
		orig := append([]byte(nil), b...)
		fr, n, err := parseWSFrame(b, requireMask, forbidMask, 1<<20)
		if !bytes.Equal(orig, b) {
			t.Fatal("input modified")
		}
		if err != nil {
			if n != 0 || err.Code < 1000 {
				t.Fatalf("error with n=%d code=%d", n, err.Code)
			}
			return
		}
		if n == 0 {
			return
		}
		if n > len(b) || n < 2 {
			t.Fatalf("consumed %d of %d", n, len(b))
		}
		if fr.Opcode >= wsOpClose && (len(fr.Payload) > 125 || !fr.Fin) {
			t.Fatalf("bad control frame accepted: %+v", fr)
		}
		var mask *[4]byte
		if fr.Masked {
			mask = &[4]byte{9, 8, 7, 6}
		}
		wire := appendWSFrame(nil, fr.Fin, fr.Opcode, fr.Payload, mask)
		g, m, err := parseWSFrame(wire, requireMask, forbidMask, 1<<20)
		if err != nil || m != len(wire) || g.Fin != fr.Fin || g.Opcode != fr.Opcode || !bytes.Equal(g.Payload, fr.Payload) {
			t.Fatalf("round trip: %+v -> %+v m=%d err=%v", fr, g, m, err)
		}
	})
}
