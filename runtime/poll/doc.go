// Package poll is the operating-system side of the event loop: an epoll poller
// with an eventfd wake-up, and non-blocking sockets owned by the loop.
//
// The poller contract has five calls, as in Go's runtime netpoller: open
// (NewPoller), register (Add/Modify/Remove), wait with a timeout (Wait), wake
// from another goroutine (Wake), and close (Close). It knows file descriptors
// and readiness, nothing about tasks, values or bytecode.
package poll
