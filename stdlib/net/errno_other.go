//go:build !linux

package net

import "syscall"

// errNoNet stands for Linux's ENONET, which this system does not have: errno
// 0 is never a failed call's error, so it matches nothing.
const errNoNet = syscall.Errno(0)
