//go:build amd64 || arm64

package yieldscript

// curg identifies the calling goroutine: the address of the runtime's record
// of it, read from where the runtime keeps it (a register or thread-local
// storage). Two goroutines alive at once never share it. It costs no system
// call and no lock, which lets a host call mark the goroutine that runs loop
// work (VM.onLoop).
func curg() uintptr
