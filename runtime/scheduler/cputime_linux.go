//go:build linux

package scheduler

import (
	"time"

	"golang.org/x/sys/unix"
)

// currentThread identifies the calling OS thread (0 where unknown).
func currentThread() int64 { return int64(unix.Gettid()) }

// threadCPU is the CPU time the thread tid of this process has used, read
// through its per-thread CPU clock (any thread of the process may read it).
func threadCPU(tid int64) (time.Duration, bool) {
	if tid <= 0 {
		return 0, false
	}
	// MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED) of the kernel's posix-cpu-timers.
	clock := int32(^tid<<3 | 6)
	var ts unix.Timespec
	if err := unix.ClockGettime(clock, &ts); err != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
