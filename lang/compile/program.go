package compile

import "github.com/yieldscript/yieldscript/lang/parser"

// Program is one compiled source file, REPL input or -e string.
type Program struct {
	File string
	Main *Funcode
	// Globals lists every module global after this program ran: the names of
	// Env.Globals, in the same order, followed by the ones this program declares.
	Globals []string
}

// Funcode is a compiled function.
type Funcode struct {
	Name string
	File string
	Pos  parser.Pos

	Code []uint32
	// Lines holds the source position of each instruction (same length as Code).
	Lines []parser.Pos

	// Consts holds int64, float64, string and *Funcode values.
	Consts []any
	// Names holds field, method, global-free names and import paths used by operands.
	Names []string
	// Reuse, when not nil, is parallel to Names: for the entry of a
	// `let x = yield c.recv(n)` call that the compiler proved may reuse x's
	// old value (see deadresult.go), x's slot plus one; else 0. Such a call
	// has a Names entry of its own.
	Reuse []int32

	NumParams   int
	NumRequired int // parameters without a default (not counting a rest parameter)
	// Variadic is true when the last parameter is a *rest parameter: the VM
	// passes it a list of the arguments after the others.
	Variadic   bool
	NumLocals  int // including the parameters
	MaxStack   int // operand stack slots needed above the locals
	LocalNames []string
	// CellParams lists the parameters that closures capture: the VM puts them in
	// cells when the frame starts.
	CellParams []int
	// Free lists the variables this function captures, in the order of FREE operands.
	Free []FreeVar
	// Coroutine is true when the function's own body contains yield.
	Coroutine bool
}

// FreeVar says where a closure finds a captured variable when it is made: a cell
// in a local slot of the enclosing function, or one of the enclosing function's
// own free variables.
type FreeVar struct {
	Name      string
	FromLocal bool
	Index     int
}

// PosAt returns the source position of the instruction at pc.
func (f *Funcode) PosAt(pc int) parser.Pos {
	if pc >= 0 && pc < len(f.Lines) {
		return f.Lines[pc]
	}
	return f.Pos
}
