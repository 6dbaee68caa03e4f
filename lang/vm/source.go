package vm

// LoadSourceFunc compiles src, named file in tracebacks, as the top level of
// module mod, whose globals already hold what the source may use besides the
// builtins, and gives the function that runs that top level (mainName in
// tracebacks). The host that holds the parser and the compiler sets
// Machine.LoadSource to one (the yieldscript package does), so that standard
// modules written partly in YieldScript (net, http) load without knowing
// either.
type LoadSourceFunc func(file string, src []byte, mod *Module, mainName string) (Value, error)
