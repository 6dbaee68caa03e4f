package vm

import (
	"sync/atomic"
	"testing"
	"time"
)

// The watchdog's reading of loads (scheduler's watchdog.computed): while a
// load is in progress it counts nothing, and when the last load ended after
// it started counting it starts again; otherwise it counts what the task
// did since then. Here the task does work only inside loads (work), so a
// watchdog reading this way never counts any: endLoad must store when the
// load ended before it says that no load is in progress. In the other
// order a reading between the two saw no load in progress and the end of
// an older one, and counted the load's work as the task's.
func TestWatchLoadEndBeforeNotLoading(t *testing.T) {
	w := &Watch{}
	var work atomic.Int64
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for !stop.Load() {
			w.beginLoad()
			work.Add(1)
			w.endLoad()
			// Between loads, time for the reading to start counting.
			for end := time.Now().Add(time.Microsecond); time.Now().Before(end); {
			}
		}
	}()
	defer func() { stop.Store(true); <-done }()
	base, work0 := time.Now().UnixNano(), work.Load()
	for deadline := time.Now().Add(200 * time.Millisecond); time.Now().Before(deadline); {
		for range 1000 {
			counted := work.Load() - work0
			loading, ended := w.Loading()
			switch {
			case loading:
			case ended > base:
				base, work0 = time.Now().UnixNano(), work.Load()
			case counted > 0:
				t.Fatalf("no load in progress, none ended since the count began, and %d units of a load's work counted", counted)
			}
		}
	}
}
