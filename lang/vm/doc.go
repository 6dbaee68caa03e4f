// Package vm runs compiled YieldScript: values, tasks and the bytecode
// interpreter that runs them, up to the point where a task waits.
//
// It owns:
//
//   - values (value.go, object.go, map.go): Value, lists, maps,
//     closures, cells, ranges, natives, errors (error.go);
//   - the Machine (machine.go): builtins, importable modules, the output
//     streams and the step tick; limits per run (limits.go: Quota, allocation
//     charging and the polls of long native loops) and the watchdog's view of
//     the running code (watch.go);
//   - tasks (task.go): a task's frames, operand stack and try handlers, and
//     Run, Resume, Throw, Park and Retry, unwinding a thrown error to its
//     handler; Reuse (reuse.go) readies a finished task for another call;
//   - the dispatch loop (dispatch.go): Task.run, which finishes the common
//     cases inline (int and float arithmetic, locals, jumps, calls of script
//     functions, list and map indexing, for loops, superinstructions) and
//     leaves everything else to the slow paths (slowpath.go: exec and call);
//   - the operators (ops.go, arith.go, pow.go, slicestep.go): Arith and Unary
//     are the one slow path of arithmetic, and constant folding computes
//     through them too (fold.go registers Fold and FoldUnary with the
//     compiler); Equal, Compare, Contains, indexing and slicing;
//   - modules (module.go): Module, its globals, Load, and import; source
//     of standard modules is compiled through the host's LoadSource hook
//     (source.go);
//   - the interfaces a host object can implement (host.go: Object,
//     AttrGetter, AttrSetter, MethodCaller, MethodYielder, Stringer, Lener,
//     Awaitable, Ready);
//   - the core builtins and methods (builtins.go, builtins_base.go,
//     methods.go, methods_str.go, format.go, formatspec.go, sort.go, iter.go,
//     callargs.go, fields.go), and preludes (delegate.go): script code
//     embedded in Go that natives hand over to with TailCall instead of
//     calling back into the VM.
//
// A task that waits returns StatusYield with the awaitable it waits for;
// whoever drives it (runtime/scheduler) resumes it later. The package must
// not know about the scheduler, timers, file descriptors or the poller: an
// awaitable is an Object it hands over, nothing more. It knows the compiler
// only through its output (compile.Program, Funcode and the opcodes), and the
// parser only for source positions and for compiling preludes.
package vm
