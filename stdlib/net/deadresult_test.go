//go:build linux

package net_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"runtime"
	"sync"
	"testing"

	"github.com/yieldscript/yieldscript/stdlib/internal/scripttest"
)

// echoRounds measures 50 round trips of a message of size bytes on c,
// after five to warm up: the allocations and bytes allocated per round trip
// in the whole process (the script runs in it).
func echoRounds(t *testing.T, c net.Conn, size int) (allocs float64, bytesPer uint64) {
	t.Helper()
	msg := make([]byte, size)
	got := make([]byte, len(msg))
	i := 0
	round := func() {
		i++
		for j := range msg {
			msg[j] = byte(j*31 + i)
		}
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, msg) {
			t.Fatalf("round trip %d: the message came back changed", i)
		}
	}
	for range 5 {
		round()
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	allocs = testing.AllocsPerRun(50, round)
	runtime.ReadMemStats(&after)
	return allocs, (after.TotalAlloc - before.TotalAlloc) / 51
}

// TestMarkedEchoReusesItsBuffer: in `fn echo(c)` the statement `let d =
// yield c.recv(65536)` is marked (d is read only by its truth test and
// `yield c.sendall(d)`), so each recv reads into the buffer of the string
// the last one gave (a 16 KiB read) or copies into it (a 64-byte read,
// through the loop's scratch buffer): an echo round trip allocates nothing.
// The same loop at the top level, where c is a global, is not marked and
// allocates the string each time.
func TestMarkedEchoReusesItsBuffer(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		reuse     bool
	}{
		{"marked", `
fn echo(c) {
    while true {
        let d = yield c.recv(65536)
        if not d { break }
        yield c.sendall(d)
    }
}
yield echo(c)
`, true},
		{"global conn", `
while true {
    let d = yield c.recv(65536)
    if not d { break }
    yield c.sendall(d)
}
`, false},
		{"kept", `
fn echo(c) {
    let last = []
    while true {
        let d = yield c.recv(65536)
        if not d { break }
        yield c.sendall(d)
        last = [d]
    }
}
yield echo(c)
`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := scripttest.Start(t, `
import net
let l = net.listen("127.0.0.1", 0)
ready(l.port)
let c = yield l.accept()
`+tc.src+`
c.close()
l.close()
`, nil)
			c := dialScript(t, s)
			allocs, perRound := echoRounds(t, c, 16384)
			smallAllocs, smallPerRound := echoRounds(t, c, 64)
			c.Close()
			if out, errOut, err := s.Wait(t); err != nil || errOut != "" {
				t.Errorf("script: %v %s %s", err, out, errOut)
			}
			if tc.reuse && (allocs != 0 || perRound >= 1024) {
				t.Errorf("a 16 KiB round trip allocates %v times, %d bytes; want none", allocs, perRound)
			}
			if !tc.reuse && (allocs < 1 || perRound < 16384) {
				t.Errorf("a 16 KiB round trip allocates %v times, %d bytes; want the string", allocs, perRound)
			}
			if tc.reuse && (smallAllocs != 0 || smallPerRound >= 64) {
				t.Errorf("a 64-byte round trip allocates %v times, %d bytes; want none", smallAllocs, smallPerRound)
			}
			if !tc.reuse && (smallAllocs < 1 || smallPerRound < 64) {
				t.Errorf("a 64-byte round trip allocates %v times, %d bytes; want the string", smallAllocs, smallPerRound)
			}
		})
	}
}

// TestMarkedEchoManyConnections: eight connections echo messages of 16 to
// 20 KiB at once through a marked recv, each message's bytes its own, so
// buffers circulate among the connections; every byte comes back right.
// One more connection's task, at the same time, keeps every message it got
// in a list (its recv is not marked) and sends them all back at the end:
// none changed while the buffers went round.
func TestMarkedEchoManyConnections(t *testing.T) {
	keeperEcho(t, 8, 40, func(conn, round int, _ *rand.Rand) []byte {
		msg := make([]byte, 16384+(conn*977+round*131)%4096)
		for j := range msg {
			msg[j] = byte(j*7 + conn*37 + round*11)
		}
		return msg
	})
}

// TestMarkedEchoMixedSizes: six connections echo messages of 1 byte to
// 64 KiB through a marked recv, the sizes drawn at random and interleaved
// (each connection's client runs on its own), each message's bytes its
// own: small reads copied into lent buffers and large reads into their own
// share the loop's buffers, and every byte comes back right. A seventh
// connection's task keeps every message it got (its recv is not marked)
// and sends them all back at the end: none changed meanwhile.
func TestMarkedEchoMixedSizes(t *testing.T) {
	sizes := []int{1, 2, 7, 15, 16, 17, 31, 33, 64, 100, 500, 1000, 4095, 4096, 5000, 16384, 20000, 65536}
	keeperEcho(t, 6, 60, func(conn, round int, rng *rand.Rand) []byte {
		size := sizes[rng.IntN(len(sizes))]
		if rng.IntN(3) == 0 {
			size = 1 + rng.IntN(65536)
		}
		msg := make([]byte, size)
		for j := range msg {
			msg[j] = byte(j*7 + conn*37 + round*11 + j>>8)
		}
		return msg
	})
}

// keeperEcho runs a server whose first connection's task keeps every
// message it echoes (an unmarked recv) and sends them all back joined at
// the end, and whose next conns connections echo through a marked recv.
// Each client, on its own goroutine, sends rounds messages made by message
// (the keeper's are connection 100's; each client has its own generator)
// and checks that every byte comes back; then the keeper's joined messages
// must be the ones it sent, unchanged.
func keeperEcho(t *testing.T, conns, rounds int, message func(conn, round int, rng *rand.Rand) []byte) {
	t.Helper()
	s := scripttest.Start(t, fmt.Sprintf(`
import net
fn echo(c) {
    while true {
        let data = yield c.recv(65536)
        if not data { break }
        yield c.sendall(data)
    }
    c.close()
}
fn keeper(c) {
    let kept = []
    while true {
        let data = yield c.recv(65536)
        if not data { break }
        kept.push(data)
        yield c.sendall(data)
    }
    yield c.sendall("".join(kept))
    c.close()
}
let l = net.listen("127.0.0.1", 0)
ready(l.port)
let k = yield l.accept()
spawn(keeper(k))
for i in range(%d) {
    let c = yield l.accept()
    spawn(echo(c))
}
l.close()
`, conns), nil)
	// exchange writes msg while it reads the echo, so that a message larger
	// than the sockets' buffers cannot block both sides.
	exchange := func(c net.Conn, msg []byte) error {
		errc := make(chan error, 1)
		go func() { _, err := c.Write(msg); errc <- err }()
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(c, got); err != nil {
			return err
		}
		if err := <-errc; err != nil {
			return err
		}
		if !bytes.Equal(got, msg) {
			return fmt.Errorf("a message of %d bytes came back changed", len(msg))
		}
		return nil
	}
	keeper := dialScript(t, s)
	var all []byte
	keeperDone := make(chan error, 1)
	go func() {
		rng := rand.New(rand.NewPCG(100, 1))
		for r := range rounds {
			msg := message(100, r, rng)
			all = append(all, msg...)
			if err := exchange(keeper, msg); err != nil {
				keeperDone <- fmt.Errorf("keeper, message %d: %v", r, err)
				return
			}
		}
		keeperDone <- nil
	}()
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for i := range conns {
		c := dialScript(t, s)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			rng := rand.New(rand.NewPCG(uint64(i), 2))
			for r := range rounds {
				if err := exchange(c, message(i, r, rng)); err != nil {
					errs <- fmt.Errorf("connection %d, message %d: %v", i, r, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := <-keeperDone; err != nil {
		t.Fatal(err)
	}
	keeper.(*net.TCPConn).CloseWrite()
	rest, err := io.ReadAll(keeper)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(rest, all) {
		t.Errorf("the kept messages joined: %d bytes, want the %d sent, unchanged", len(rest), len(all))
	}
	if out, errOut, err := s.Wait(t); err != nil || errOut != "" {
		t.Errorf("script: %v %s %s", err, out, errOut)
	}
}
