//go:build !linux

package yieldscript

// threadID identifies the calling goroutine (systems other than Linux have no
// portable thread ID call in golang.org/x/sys): the loop's goroutine is the
// only one that can match the ID it stored.
func threadID() int64 { return goroutineID() }
