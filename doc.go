// Package yieldscript embeds the YieldScript language in Go programs.
//
// A VM is one interpreter with its own event loop, running on a goroutine of
// its own for the VM's life. Its methods are safe to call from any number of
// goroutines: each call is queued onto the loop. VMs share nothing, so a
// process may run many side by side.
//
//	v := yieldscript.New(yieldscript.Options{})
//	defer v.Close()
//	v.SetFunc("greet", func(name string) string { return "hello, " + name })
//	err := v.RunString(ctx, "main.ys", `print(greet("world"))`)
//
// Go functions become script functions with their arguments and results
// converted (numbers, strings, bools, slices, maps, structs, errors). A Go
// function whose first parameter is a context.Context is asynchronous: it runs
// on a goroutine of a bounded pool while the calling task waits at its yield,
// and cancelling the task cancels the context.
//
// See doc/embedding.md in the repository for a guide.
package yieldscript
