//go:build !linux

package scheduler

import "time"

// currentThread is not known here.
func currentThread() int64 { return 0 }

// threadCPU is not measured here: the watchdog uses the process's CPU time.
func threadCPU(int64) (time.Duration, bool) { return 0, false }
