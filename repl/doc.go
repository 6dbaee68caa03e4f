// Package repl is YieldScript's read-eval-print loop as a library: it gathers
// input lines into complete statements, runs them in a VM, prints their values
// and errors, and answers the REPL's commands (:help, :tasks). The yieldscript
// command wraps it for pipes and terminals (see Terminal), and the backdoor
// serves it over TCP (see Backdoor).
//
// The VM's event loop runs on a goroutine of its own, so tasks spawned by one
// input keep running while the REPL waits for the next.
//
// The package owns the REPL's input handling and commands; it runs code only
// through the embedding API of the yieldscript package (and the parser, to
// tell complete input from incomplete), and must not know the VM's or the
// scheduler's internals.
package repl
