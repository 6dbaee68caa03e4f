package http

import (
	"bytes"
	"strings"
	"testing"
)

// decodeChunked runs a chunkedBody over b given in pieces of at most piece
// bytes (0: all at once). It gives the body, how many bytes of b the body
// used, and the error; ok is false when b ends before the body does.
func decodeChunked(b []byte, piece int, limit int64) (body []byte, used int, err *bodyError, ok bool) {
	c := chunkedBody{limit: limit}
	var buf []byte
	fed := 0
	for {
		u, data, berr := c.step(buf, 7)
		if berr != nil {
			return body, used, berr, true
		}
		body = append(body, data...)
		buf = buf[u:]
		used += u
		if c.state == chunkDone {
			return body, used, nil, true
		}
		if u == 0 {
			if fed == len(b) {
				return body, used, nil, false
			}
			n := len(b) - fed
			if piece > 0 {
				n = min(n, piece)
			}
			buf = append(buf, b[fed:fed+n]...)
			fed += n
		}
	}
}

func TestChunkedBody(t *testing.T) {
	good := map[string]string{
		"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n":                           "hello world",
		"A\r\n0123456789\r\n000\r\n\r\n":                                   "0123456789",
		"3;a\r\nabc\r\n0;b=c\r\n\r\n":                                      "abc",
		"3;a=\"x\\\"y; z\";b=1;c\r\nabc\r\n0\r\nVary: *\r\nA: b c\r\n\r\n": "abc",
	}
	for in, want := range good {
		for _, piece := range []int{0, 1, 3} {
			body, used, err, ok := decodeChunked([]byte(in+"NEXT"), piece, -1)
			if err != nil || !ok || string(body) != want || used != len(in) {
				t.Errorf("%q in pieces of %d: %q, used %d, %v, %v", in, piece, body, used, err, ok)
			}
		}
	}
	bad := []string{
		"a \r\n0123456789\r\n0\r\n\r\n", // whitespace after the size
		"a\t\r\n0123456789\r\n0\r\n\r\n",
		" a\r\n0123456789\r\n0\r\n\r\n",
		"2;\r\nab\r\n0\r\n\r\n", // empty extension
		"3;\x00\r\nabc\r\n0\r\n\r\n",
		"3;a\rb\r\nabc\r\n0\r\n\r\n",
		"3;a=\"x\r\nabc\r\n0\r\n\r\n", // open quote
		"3;a=\r\nabc\r\n0\r\n\r\n",
		"3 ;a\r\nabc\r\n0\r\n\r\n",
		"3; a\r\nabc\r\n0\r\n\r\n",
		"3;a =b\r\nabc\r\n0\r\n\r\n",
		"3\nabc\r\n0\r\n\r\n", // bare LF
		"3\r\nabc\n0\r\n\r\n",
		"3\r\nabcd\r\n0\r\n\r\n", // data longer than the size
		"\r\nabc\r\n0\r\n\r\n",   // no size
		"x\r\n",
		"1000000000000000\r\n", // 16 significant hex digits
		"0\r\ngarbage\r\n\r\n", // trailers that are not field lines
		"0\r\nGET /smuggle HTTP/1.1\r\nHost: a\r\n\r\n",
		"0\r\nA: b\nC: d\r\n\r\n",
		"0\r\nA : b\r\n\r\n",
		"0\r\n A: b\r\n\r\n",
	}
	for _, in := range bad {
		for _, piece := range []int{0, 1} {
			if body, _, err, ok := decodeChunked([]byte(in), piece, -1); err != errChunkMalformed {
				t.Errorf("%q in pieces of %d: %q, %v, %v", in, piece, body, err, ok)
			}
		}
	}
	// Extensions: at most 16 KiB in a message, whatever the chunks.
	ext := strings.Repeat("1;abcdefgh\r\nx\r\n", 1820) + "0\r\n\r\n" // 16,380 bytes
	if _, _, err, ok := decodeChunked([]byte(ext), 0, -1); err != nil || !ok {
		t.Errorf("16,380 bytes of extensions: %v %v", err, ok)
	}
	ext = strings.Repeat("1;abcdefgh\r\nx\r\n", 1821) + "0\r\n\r\n"
	if _, _, err, _ := decodeChunked([]byte(ext), 0, -1); err != errChunkExt {
		t.Errorf("16,389 bytes of extensions: %v", err)
	}
	if _, _, err, _ := decodeChunked([]byte("1;"+strings.Repeat("a", 20000)), 1000, -1); err != errChunkExt {
		t.Errorf("one long extension: %v", err)
	}
	if _, _, err, _ := decodeChunked([]byte(strings.Repeat("0", 20000)), 1000, -1); err != errChunkMalformed {
		t.Errorf("a long size: %v", err)
	}
	// Trailers are bounded as a head is.
	trailer := "0\r\n" + strings.Repeat("X-A: "+strings.Repeat("b", 100)+"\r\n", 700) + "\r\n"
	if _, _, err, _ := decodeChunked([]byte(trailer), 4096, -1); err != errTrailerLong {
		t.Errorf("70 KB of trailers: %v", err)
	}
	// The limit counts data bytes.
	if _, _, err, _ := decodeChunked([]byte("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"), 0, 10); err != errBodyLong {
		t.Errorf("11 bytes with a limit of 10: %v", err)
	}
	if body, _, err, _ := decodeChunked([]byte("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"), 0, 11); err != nil || string(body) != "hello world" {
		t.Errorf("11 bytes with a limit of 11: %q %v", body, err)
	}
}

// FuzzChunkedBody: the chunked body and trailer parser never panics, reads the
// same whether its input comes at once or a byte at a time, and whatever it
// accepts is well framed: re-encoded, the body decodes to itself.
func FuzzChunkedBody(f *testing.F) {
	f.Add([]byte("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"))
	f.Add([]byte("3;a=\"x\\\"y\";b\r\nabc\r\n0\r\nVary: *\r\n\r\n"))
	f.Add([]byte("a \r\n0123456789\r\n0\r\n\r\n"))
	f.Add([]byte("0\r\ngarbage\r\n\r\n"))
	f.Add([]byte("1;abc\r\nx\r\n0;d=e\r\nA: b\r\nC: d\r\n\r\nrest"))
	f.Fuzz(func(t *testing.T, b []byte) {
		body, used, err, ok := decodeChunked(b, 0, 1<<20)
		body1, used1, err1, ok1 := decodeChunked(b, 1, 1<<20)
		if err != err1 || ok != ok1 || !bytes.Equal(body, body1) || (err == nil && ok && used != used1) {
			t.Fatalf("%q: at once %q %d %v %v, bytewise %q %d %v %v", b, body, used, err, ok, body1, used1, err1, ok1)
		}
		if err != nil || !ok {
			return
		}
		if used > len(b) || !bytes.HasSuffix(b[:used], []byte("\r\n")) {
			t.Fatalf("%q: used %d", b, used)
		}
		if bytes.Contains(b[:used], []byte("\r\n\r\n")) && !bytes.HasSuffix(b[:used], []byte("\r\n\r\n")) &&
			!bytes.Contains(body, []byte("\r\n\r\n")) {
			// a blank line inside the framing before its end: only chunk data may hold one
			t.Fatalf("%q: blank line inside the framing", b)
		}
		if len(body) > 0 {
			again := []byte(strings.ToUpper(strconvHex(len(body))) + "\r\n" + string(body) + "\r\n0\r\n\r\n")
			if body2, _, err2, ok2 := decodeChunked(again, 0, -1); err2 != nil || !ok2 || !bytes.Equal(body2, body) {
				t.Fatalf("%q re-encoded: %q %v %v", body, body2, err2, ok2)
			}
		}
	})
}

func strconvHex(n int) string {
	const digits = "0123456789abcdef"
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n >>= 4 {
		b = append([]byte{digits[n&15]}, b...)
	}
	return string(b)
}
