//go:build !amd64 && !arm64

package yieldscript

// curg identifies the calling goroutine (see goid_asm.go); here by its number,
// read from its stack trace, which is slower.
func curg() uintptr { return uintptr(goroutineID()) }
