//go:build race

package scheduler_test

// raceEnabled is true when the tests run under the race detector, whose
// instrumentation allocates on paths that otherwise allocate nothing (Go's
// own tests skip their AllocsPerRun checks under it for the same reason).
const raceEnabled = true
