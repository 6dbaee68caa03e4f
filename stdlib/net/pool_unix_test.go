//go:build unix

package net

import (
	"bytes"
	"testing"
	"unsafe"

	"github.com/yieldscript/yieldscript/runtime/scheduler"
	"golang.org/x/sys/unix"
)

// A large read keeps the buffer it read into only when the string is at
// least half of it, whatever limited the read: here recv(10000) after a
// read of 10,000 bytes finds a free buffer of 19,000 (it fits: at least
// 10,000, less than twice that) and gets 5,000 bytes, at a marked statement
// and elsewhere. Keeping the buffer would make a string hold nearly four
// times its length; it gets a string of its own instead, and the buffer
// stays free for the next read.
func TestRecvStringHoldsAtMostTwiceItsLength(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	if err := unix.SetNonblock(fds[0], true); err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("0123456789"), 500)
	for _, lend := range []bool{true, false} {
		n := &netLib{scratch: make([]byte, 64*1024)}
		big := uninitBytes(19000)
		n.release(big)
		c := &conn{n: n, fd: &scheduler.FD{Fd: fds[0]}, lastRecv: 10000}
		if k, err := unix.Write(fds[1], data); k != len(data) || err != nil {
			t.Fatalf("write: %d, %v", k, err)
		}
		v, verr, wait := c.recvAttempt(10000, lend)
		if verr != nil || wait != done {
			t.Fatalf("lend %v: recv: %v, wait %v", lend, verr, wait)
		}
		s := v.AsStr()
		if s != string(data) {
			t.Fatalf("lend %v: got %d bytes, want the %d sent", lend, len(s), len(data))
		}
		if unsafe.StringData(s) == unsafe.SliceData(big) && len(big) > 2*len(s) {
			t.Errorf("lend %v: a %d-byte string holds the %d-byte buffer", lend, len(s), len(big))
		}
		if i := n.fits(10000); i < 0 || unsafe.SliceData(n.pool[i].b) != unsafe.SliceData(big) {
			t.Errorf("lend %v: the buffer the string did not keep is not free", lend)
		}
	}
}
