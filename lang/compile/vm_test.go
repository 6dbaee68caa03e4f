package compile_test

// The tests of this package fold constants as programs do: with the VM's
// arithmetic, which lang/vm registers (compile.SetFolding) when it is loaded.
import _ "github.com/yieldscript/yieldscript/lang/vm"
