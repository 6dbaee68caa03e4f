// Package process is the process module: child programs whose pipes are conns
// in the event loop and whose exit wakes the tasks waiting for it.
package process
