//go:build !unix

package scheduler

import "time"

// processCPU is not measured here: block reports go by wall time alone.
func processCPU() (time.Duration, bool) { return 0, false }
