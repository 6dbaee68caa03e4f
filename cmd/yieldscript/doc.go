// Command yieldscript runs YieldScript programs: files, -e code, the REPL, and
// the disassembler.
//
// The command owns flags, files, exit codes and the terminal. It runs code
// through the embedding API of the yieldscript package and the REPL through
// package repl; beyond them it asks only whether the platform has a poller
// (runtime/poll) and whether a script claimed a signal (stdlib). It must not
// reach into the VM, the compiler or the scheduler.
package main
