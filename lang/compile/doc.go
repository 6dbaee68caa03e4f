// Package compile turns a parsed YieldScript file (a lang/parser AST) into
// bytecode: a Program whose functions are Funcodes, each with its code, line
// table, constants and the layout of its frame.
//
// It owns, in the order a compilation runs them: name resolution
// (resolve.go: every name bound to a local, a cell for a captured variable, a
// free variable, a module global or a builtin, before any code is emitted),
// code generation for statements and expressions (stmt.go, expr.go,
// compile.go), constant folding (fold.go), the peephole pass that fuses
// common sequences into superinstructions (peephole.go) and the stack-depth
// check; and the opcodes, their encoding and the table Ops of their names,
// operand forms and stack effects that all of these read (opcode.go), and
// the disassembler (disasm.go).
//
// The package must not know about values at run time, tasks or the machine:
// its constants are plain Go values (int64, float64, string, *Funcode). It
// folds only operations that cannot throw, and a folded constant is the value
// vm.Arith or vm.Unary computes for the same operands at run time: folding
// calls them through the functions lang/vm registers with SetFolding. It
// knows nothing of the scheduler, native modules or I/O.
package compile
