// Package stdlib holds the standard modules scripts import (json, os, and the
// I/O modules built on the scheduler). Each module is a function that builds its
// value for one Machine; Install makes a chosen set importable.
//
// It knows values and the VM's native-function interface; it does not know
// bytecode, the parser or how tasks are scheduled.
package stdlib
