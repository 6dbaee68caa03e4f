// Package stdlib is the registry of the standard modules scripts import: All
// names them and Install makes a chosen set importable on a Machine. Each
// module is a package of its own below this one (stdlib/json, stdlib/net,
// stdlib/http, ...) whose Module builds the module's value for one Machine;
// stdlib/internal/modutil holds what several modules share (argument and
// error helpers, one-shot awaitables, script-written modules).
//
// The modules know values and the VM's native-function interface; they do not
// know bytecode, the parser or how tasks are scheduled.
package stdlib
