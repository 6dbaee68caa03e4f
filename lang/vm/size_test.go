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

// taskSink makes the Tasks TestTaskLayout allocates escape to the heap.
var taskSink *Task

// TestTaskLayout: what a server's round trip reads of a parked task
// (Retry, runParkedCall, yieldMethod, the dispatch loop's registers,
// countsBytes, FD.Park) sits in two cache lines of the Task, the first and
// the third, and a Task starts on a line: at 1,000 connections each line is
// a first-level miss per round trip (doc/impl.md, Where an echo round
// trip's CPU goes).
func TestTaskLayout(t *testing.T) {
	const line = 64
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("the offsets checked are those of 64-bit pointers")
	}
	if s := unsafe.Sizeof(Task{}); s != 192 {
		t.Fatalf("Task is %d bytes, want 192: a size class of whole lines, whose objects start on one", s)
	}
	var x Task
	for _, f := range []struct {
		name       string
		off, size  uintptr
		lineWanted uintptr
	}{
		{"m", unsafe.Offsetof(x.m), unsafe.Sizeof(x.m), 0},
		{"sp", unsafe.Offsetof(x.sp), unsafe.Sizeof(x.sp), 0},
		{"stack", unsafe.Offsetof(x.stack), unsafe.Sizeof(x.stack), 0},
		{"frames", unsafe.Offsetof(x.frames), unsafe.Sizeof(x.frames), 0},
		{"started", unsafe.Offsetof(x.started), 1, 2},
		{"finished", unsafe.Offsetof(x.finished), 1, 2},
		{"parked", unsafe.Offsetof(x.parked), 1, 2},
		{"callFlags", unsafe.Offsetof(x.callFlags), 1, 2},
		{"Quota", unsafe.Offsetof(x.Quota), unsafe.Sizeof(x.Quota), 2},
		{"Limit", unsafe.Offsetof(x.Limit), unsafe.Sizeof(x.Limit), 2},
		{"Data", unsafe.Offsetof(x.Data), unsafe.Sizeof(x.Data), 2},
	} {
		if first, last := f.off/line, (f.off+f.size-1)/line; first != f.lineWanted || last != f.lineWanted {
			t.Errorf("Task.%s is at bytes %d to %d, want it all in line %d", f.name, f.off, f.off+f.size-1, f.lineWanted)
		}
	}
	for range 16 {
		taskSink = new(Task)
		if a := uintptr(unsafe.Pointer(taskSink)); a%line != 0 {
			t.Fatalf("a Task was allocated at %#x, not on a %d-byte line", a, line)
		}
	}
}
