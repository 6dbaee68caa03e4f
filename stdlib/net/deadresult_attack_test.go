//go:build linux

package net_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"net"
	"strconv"
	"sync"
	"testing"

	"github.com/yieldscript/yieldscript/stdlib/internal/scripttest"
)

// TestMarkedRecvUnderPressure tries to make a marked `let x = yield
// c.recv(n)` overwrite a string that is still live. The server runs three
// marked handlers at once on more connections than the loop remembers lent
// buffers (lentMax):
//
//   - echo: one marked recv, its string read by `if not` and sendall;
//   - pairs: two marked recvs in a row on the same conn, both strings live
//     until both are sent;
//   - deep: a coroutine that recurses through `yield deep(c, n - 1)` between
//     its marked recv and its sendall, so every frame of the same function
//     holds a string while the frames above it read into recycled buffers,
//     and sends each back behind a header made from len(data) (an accepted
//     use), in reverse order of arrival.
//
// Some clients read nothing until every other client is done, so the
// server's sendall to them parks holding x (a lent buffer) while the other
// connections recycle buffers of every size (4 KiB to 64 KiB reads, short
// reads, reads that switch between the scratch and the direct path). Every
// byte that comes back is compared with what was sent.
func TestMarkedRecvUnderPressure(t *testing.T) {
	s := scripttest.Start(t, `
import net
fn echo(c) {
    while true {
        let data = yield c.recv(65536)
        if not data { break }
        yield c.sendall(data)
    }
    c.close()
}
fn pairs(c) {
    while true {
        let a = yield c.recv(65536)
        if not a { break }
        let b = yield c.recv(65536)
        yield c.sendall(a)
        if not b { break }
        yield c.sendall(b)
    }
    c.close()
}
fn deep(c, n) {
    let i = 0
    while i < 2 {
        i += 1
        let data = yield c.recv(65536)
        if not data { return false }
        let more = true
        if n > 0 { more = yield deep(c, n - 1) }
        yield c.sendall(str(len(data)) + ":")
        yield c.sendall(data)
        if not more { return false }
    }
    return true
}
fn deepRoot(c) {
    while (yield deep(c, 3)) { }
    c.close()
}
let l = net.listen("127.0.0.1", 0)
ready(l.port)
while true {
    let c = yield l.accept()
    let kind = yield c.recv(1)
    if kind == "e" { spawn(echo(c)) } else if kind == "p" { spawn(pairs(c)) } else if kind == "d" { spawn(deepRoot(c)) } else { c.close(); break }
}
l.close()
`, nil)

	sizes := []int{100, 3000, 4096, 5000, 9000, 16384, 40000, 65536, 70000, 131072}
	payload := func(seed int64, n int) []byte {
		r := rand.New(rand.NewSource(seed))
		b := make([]byte, n)
		r.Read(b)
		return b
	}

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	fail := func(format string, args ...any) { errs <- fmt.Errorf(format, args...) }
	othersDone := make(chan struct{})
	var others sync.WaitGroup

	dial := func(kind byte) net.Conn {
		c := dialScript(t, s)
		if _, err := c.Write([]byte{kind}); err != nil {
			t.Fatal(err)
		}
		return c
	}

	// lockstep echo clients: each chunk goes and comes back before the
	// next, so the server's reads have exactly these sizes.
	for i := range 10 {
		c := dial('e')
		wg.Add(1)
		others.Add(1)
		go func() {
			defer wg.Done()
			defer others.Done()
			r := rand.New(rand.NewSource(int64(i)))
			for round := range 40 {
				msg := payload(int64(i*1000+round), sizes[r.Intn(len(sizes))])
				if _, err := c.Write(msg); err != nil {
					fail("echo %d: %v", i, err)
					return
				}
				got := make([]byte, len(msg))
				if _, err := io.ReadFull(c, got); err != nil {
					fail("echo %d: %v", i, err)
					return
				}
				if !bytes.Equal(got, msg) {
					fail("echo %d, round %d (%d bytes): came back changed", i, round, len(msg))
					return
				}
			}
			c.Close()
		}()
	}

	// streaming clients: a writer and a reader at once; slow ones read
	// only when every other client is done.
	stream := func(kind byte, id int, slow bool, check func(sent, got []byte) error) {
		c := dial(kind)
		if slow {
			// a small window and a long stream (about 5 MB): the server's
			// sendall parks long before the stream is over
			c.(*net.TCPConn).SetReadBuffer(65536)
		}
		var sent []byte
		r := rand.New(rand.NewSource(int64(id)))
		rounds := 30
		if slow {
			rounds = 150
		}
		for round := range rounds {
			sent = append(sent, payload(int64(id*1000+round), sizes[r.Intn(len(sizes))])...)
		}
		wg.Add(2)
		if !slow {
			others.Add(1)
		}
		go func() {
			defer wg.Done()
			if _, err := c.Write(sent); err != nil {
				fail("%c %d: write: %v", kind, id, err)
			}
			c.(*net.TCPConn).CloseWrite()
		}()
		go func() {
			defer wg.Done()
			if slow {
				<-othersDone
			} else {
				defer others.Done()
			}
			got, err := io.ReadAll(c)
			if err != nil {
				fail("%c %d: read: %v", kind, id, err)
				return
			}
			if err := check(sent, got); err != nil {
				fail("%c %d (slow %v): %v", kind, id, slow, err)
			}
			c.Close()
		}()
	}
	same := func(sent, got []byte) error {
		if !bytes.Equal(sent, got) {
			return fmt.Errorf("%d bytes came back of %d sent, not the same", len(got), len(sent))
		}
		return nil
	}
	// deep sends the chunks it read back framed, each level's after the
	// levels below it: the chunks, in any order, must be pieces of what was
	// sent, and together all of it.
	framed := func(sent, got []byte) error {
		var chunks [][]byte
		for len(got) > 0 {
			i := bytes.IndexByte(got, ':')
			if i < 0 {
				return fmt.Errorf("no header in %d bytes left", len(got))
			}
			n, err := strconv.Atoi(string(got[:i]))
			if err != nil || i+1+n > len(got) {
				return fmt.Errorf("bad header %q", got[:min(i, 20)])
			}
			chunks = append(chunks, got[i+1:i+1+n])
			got = got[i+1+n:]
		}
		// Each chunk is the data at some offset of sent; the offsets tile
		// sent. Find them by content: the payload is random, so an 8-byte
		// prefix locates a chunk.
		total := 0
		for k, ch := range chunks {
			if len(ch) == 0 {
				return fmt.Errorf("chunk %d is empty", k)
			}
			total += len(ch)
			if !bytes.Contains(sent, ch) {
				return fmt.Errorf("chunk %d (%d bytes, starting %x) is not a piece of what was sent", k, len(ch), ch[:min(8, len(ch))])
			}
		}
		if total != len(sent) {
			return fmt.Errorf("%d bytes came back in %d chunks, %d sent", total, len(chunks), len(sent))
		}
		return nil
	}
	stream('p', 100, false, same)
	stream('p', 101, false, same)
	stream('p', 102, true, same)
	stream('e', 103, true, same)
	stream('e', 104, false, same)
	stream('d', 105, false, framed)
	stream('d', 106, true, framed)

	go func() { others.Wait(); close(othersDone) }()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	end := dialScript(t, s)
	end.Write([]byte{'x'})
	end.Close()
	if out, errOut, err := s.Wait(t); err != nil || errOut != "" {
		t.Errorf("script: %v %s %s", err, out, errOut)
	}
}
