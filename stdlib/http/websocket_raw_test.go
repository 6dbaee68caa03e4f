package http_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A raw client against http.websocket: the server answers a frame it must
// refuse with a close frame carrying the RFC's code (1002 for an unmasked
// frame, 1007 for a text message that is not UTF-8, 1009 over max_message).
func TestWebSocketServerRefusesFrames(t *testing.T) {
	s, base := serveScript(t, `
fn handler(req) {
    let ws = yield http.websocket(req, {max_message: 8})
    while (yield ws.recv()) != nil {
    }
    print(ws.close_code)
}
`, "nil", nil)
	addr := strings.TrimPrefix(base, "http://")
	mask := []byte{1, 2, 3, 4}
	masked := func(op byte, p []byte) []byte {
		b := []byte{0x80 | op, 0x80 | byte(len(p))}
		b = append(b, mask...)
		for i, c := range p {
			b = append(b, c^mask[i%4])
		}
		return b
	}
	for _, c := range []struct {
		name  string
		frame []byte
		code  int
	}{
		{"unmasked", []byte{0x81, 0x02, 'h', 'i'}, 1002},
		{"bad utf-8", masked(1, []byte{'a', 0xff}), 1007},
		{"too big", masked(2, []byte("123456789")), 1009},
		{"reserved bit", append([]byte{0xc1}, masked(1, []byte("x"))[1:]...), 1002},
	} {
		conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(20 * time.Second))
		io.WriteString(conn, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil || resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
			t.Fatalf("%s: handshake %v %v", c.name, resp, err)
		}
		conn.Write(c.frame)
		got, err := io.ReadAll(br)
		conn.Close()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		// One unmasked close frame with the code, then the end of the connection.
		if len(got) != 4 || got[0] != 0x88 || got[1] != 2 || int(got[2])<<8|int(got[3]) != c.code {
			t.Errorf("%s: server sent % x, want a close with %d", c.name, got, c.code)
		}
	}
	s.Stop(t)
	if got := s.Stdout(); got != "1002\n1007\n1009\n1002\n" {
		t.Errorf("server printed %q", got)
	}
}
