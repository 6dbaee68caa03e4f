package net

import (
	"context"
	"net/netip"
	"unsafe"
)

// SetAccept replaces the accept system call of listeners until the returned
// function restores it.
func SetAccept(f func(fd int) (int, string, error)) (restore func()) {
	old := sysAccept
	sysAccept = f
	return func() { sysAccept = old }
}

// SetLookup replaces name resolution until the returned function restores it.
func SetLookup(f func(ctx context.Context, host string) ([]netip.Addr, error)) (restore func()) {
	old := lookupHost
	lookupHost = f
	return func() { lookupHost = old }
}

// ConnSize is the size of a conn (a server keeps one per connection).
const ConnSize = unsafe.Sizeof(conn{})
