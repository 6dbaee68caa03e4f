//go:build !linux

package main

import (
	"os"
	"syscall"
	"testing"
)

// openPTY skips the test: opening a pseudo-terminal pair is written for Linux
// only (/dev/ptmx and its ioctls).
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	t.Skip("pseudo-terminal tests run on Linux only")
	return nil, nil
}

func ptyAttr() *syscall.SysProcAttr { return nil }
