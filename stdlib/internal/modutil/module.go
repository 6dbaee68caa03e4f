package modutil

import (
	"fmt"

	"github.com/yieldscript/yieldscript/lang/compile"
	"github.com/yieldscript/yieldscript/lang/parser"
	"github.com/yieldscript/yieldscript/lang/vm"
)

// loadScriptModule builds a module written partly in YieldScript: natives are
// defined first as globals, then src (embedded beside the Go code) runs its top
// level, which must not wait for anything.
func LoadScriptModule(m *vm.Machine, name, src string, natives map[string]vm.Value) (vm.Value, error) {
	file := "<stdlib>/" + name + ".ys"
	mod := vm.NewModule(name, file)
	for k, v := range natives {
		mod.SetGlobal(k, v)
	}
	f, err := parser.ParseFile(file, []byte(src))
	if err != nil {
		return vm.Nil, fmt.Errorf("standard module %s: %w", name, err)
	}
	prog, err := compile.Compile(f, &compile.Env{Globals: mod.Names(), Builtins: m.BuiltinNames(), MainName: "<module " + name + ">"})
	if err != nil {
		return vm.Nil, fmt.Errorf("standard module %s: %w", name, err)
	}
	t, err := m.NewTask(m.Load(prog, mod), nil)
	if err != nil {
		return vm.Nil, err
	}
	if st := t.Run(); st != vm.StatusDone {
		return vm.Nil, fmt.Errorf("standard module %s did not load: %v", name, t.Err)
	}
	return vm.ObjectValue(mod), nil
}
