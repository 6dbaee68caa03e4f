// Command fanout gives a script an asynchronous Go function, a slow lookup,
// which the script calls 100 times at once with all(): the calls run on Go
// goroutines side by side, so the whole fan-out takes about as long as one.
//
//	go run ./examples/embed/fanout
//
// It is an example of the embedding API: it uses only package yieldscript.
package main
