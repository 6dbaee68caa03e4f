package yieldscript

import "golang.org/x/sys/unix"

// threadID identifies the calling OS thread. The loop is locked to its thread,
// which runs no other goroutine meanwhile, so equal IDs mean "on the loop".
func threadID() int64 { return int64(unix.Gettid()) }
