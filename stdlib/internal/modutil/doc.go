// Package modutil holds what several standard modules share and none of
// them owns: reading native arguments beside vm.UnpackArgs (SecondsArg,
// TwoNums, Options, ...), the error kinds of file and I/O failures, loading a
// module written partly in YieldScript (LoadScriptModule, through the
// machine's LoadSource hook), simple awaitable operations and bound methods,
// and signal names.
//
// It knows the VM and the scheduler only through their public APIs, and no
// module's private state: a helper that only one module uses belongs in that
// module.
package modutil
