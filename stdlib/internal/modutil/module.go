package modutil

import (
	"fmt"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// LoadScriptModule builds a module written partly in YieldScript: natives are
// defined first as globals, then src (embedded beside the Go code) is
// compiled by the machine's LoadSource hook and runs its top level, which
// must not wait for anything.
func LoadScriptModule(m *vm.Machine, name, src string, natives map[string]vm.Value) (vm.Value, error) {
	if m.LoadSource == nil {
		return vm.Nil, fmt.Errorf("standard module %s is written partly in YieldScript and this machine cannot compile it (no Machine.LoadSource)", name)
	}
	file := "<stdlib>/" + name + ".ys"
	mod := vm.NewModule(name, file)
	for k, v := range natives {
		mod.SetGlobal(k, v)
	}
	fn, err := m.LoadSource(file, []byte(src), mod, "<module "+name+">")
	if err != nil {
		return vm.Nil, fmt.Errorf("standard module %s: %w", name, err)
	}
	t, err := m.NewTask(fn, nil)
	if err != nil {
		return vm.Nil, err
	}
	if st := t.Run(); st != vm.StatusDone {
		return vm.Nil, fmt.Errorf("standard module %s did not load: %v", name, t.Err)
	}
	return vm.ObjectValue(mod), nil
}
