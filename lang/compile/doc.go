// Package compile turns a parsed YieldScript file (a lang/parser AST) into
// bytecode: a Program whose functions are Funcodes, each with its code, line
// table, constants and the layout of its frame.
//
// It owns scopes and name resolution (locals, cells for captured variables,
// free variables, module globals, builtins), code generation for statements
// and expressions, constant folding, the opcodes and their encoding
// (opcode.go), the peephole pass that fuses common sequences into
// superinstructions (peephole.go), the stack-depth check, and the
// disassembler (disasm.go).
//
// The package must not know about values at run time, tasks or the machine:
// its constants are plain Go values (int64, float64, string, *Funcode). It
// folds only operations that cannot throw, and a folded constant must be the
// value vm.Arith or vm.Unary computes for the same operands at run time. It
// knows nothing of the scheduler, native modules or I/O.
package compile
