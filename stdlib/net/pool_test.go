package net

import (
	"math/rand/v2"
	"testing"
	"unsafe"
)

// TestPoolNeverSharesABuffer drives netLib's pool with random reads, some
// at marked statements (borrow, and giveBack when the string does not keep
// the buffer), some not (buffer, and giveBack), and random dead strings given back (reclaim), the live strings
// kept in a model: no buffer is ever handed out while a live string holds
// it, the pool keeps at most lentMax lent and freeMax free, and its count
// of free buffers is right.
func TestPoolNeverSharesABuffer(t *testing.T) {
	n := &netLib{}
	rng := rand.New(rand.NewPCG(1, 2))
	live := map[*byte]bool{} // buffers a string holds
	var lentLive []string    // strings given out at marked statements, live
	sizes := []int{1, 5, 16, 31, 64, 100, 4096, 18432, 65536}
	take := func(b []byte) {
		p := unsafe.SliceData(b)
		if live[p] {
			t.Fatalf("a buffer held by a live string was handed out again")
		}
		live[p] = true
	}
	for step := range 20000 {
		size := sizes[rng.IntN(len(sizes))]
		switch rng.IntN(5) {
		case 0: // a small read at a marked statement
			b := n.borrow(size)
			take(b)
			lentLive = append(lentLive, unsafe.String(&b[0], size))
		case 1: // a large read at a marked statement, kept or given back
			b := n.borrow(size)
			if rng.IntN(3) == 0 {
				n.giveBack(b, true) // nothing read, or copied short
				continue
			}
			take(b)
			lentLive = append(lentLive, unsafe.String(&b[0], size))
		case 2: // a large read elsewhere, or one put back
			b := n.buffer(size)
			if rng.IntN(2) == 0 {
				n.giveBack(b, false) // nothing read: back to the pool
			} else {
				take(b) // given out as a string never lent: held for good
			}
		default: // a marked statement's dead string given back
			if len(lentLive) == 0 {
				continue
			}
			i := rng.IntN(len(lentLive))
			s := lentLive[i]
			lentLive = append(lentLive[:i], lentLive[i+1:]...)
			delete(live, unsafe.StringData(s))
			n.reclaim(s)
		}
		free := 0
		for _, e := range n.pool[:n.npool] {
			if e.free {
				free++
				if live[unsafe.SliceData(e.b)] {
					t.Fatalf("step %d: a free buffer is held by a live string", step)
				}
			}
		}
		if free != n.nfree || n.nfree > freeMax || n.npool-n.nfree > lentMax {
			t.Fatalf("step %d: %d in the pool, %d free (counted %d)", step, n.npool, free, n.nfree)
		}
	}
}
