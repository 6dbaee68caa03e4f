package vm

import (
	"slices"
	"testing"
	"unsafe"
)

// TestParkedTaskSizes: a server parks a task per idle connection, so the
// objects such a task keeps stay in the size classes they were cut down to
// (doc/impl.md, Memory per idle connection).
func TestParkedTaskSizes(t *testing.T) {
	for _, c := range []struct {
		name      string
		size, max uintptr
	}{
		{"Task", unsafe.Sizeof(Task{}), 192},
		{"Coroutine", unsafe.Sizeof(Coroutine{}), 32},
		{"handler", unsafe.Sizeof(handler{}), 12},
	} {
		if c.size > c.max {
			t.Errorf("%s is %d bytes, want at most %d", c.name, c.size, c.max)
		}
	}
}

// TestSmallStackSlots: the size classes ShrinkStack rounds a small stack to
// are the allocator's.
func TestSmallStackSlots(t *testing.T) {
	for n := 1; n*valueSize <= 512; n++ {
		if got, want := smallStackSlots(n), cap(slices.Grow([]Value(nil), n)); got != want {
			t.Errorf("smallStackSlots(%d) = %d, the allocator gives %d", n, got, want)
		}
	}
	if got := smallStackSlots(512/valueSize + 1); got != 0 {
		t.Errorf("smallStackSlots past 512 bytes = %d, want 0", got)
	}
}
