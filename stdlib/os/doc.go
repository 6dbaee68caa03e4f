// Package os is the os module: arguments, environment, exit, the worker
// processes of a server, and signals waited for by tasks.
package os
