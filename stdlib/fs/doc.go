// Package fs is the fs module: files read and written on the loop's worker
// pool, and the file system calls.
package fs
