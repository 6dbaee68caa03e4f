package stdlib

import "github.com/yieldscript/yieldscript/lang/vm"

// Modules are the standard modules by name.
var Modules = map[string]func(m *vm.Machine) (vm.Value, error){
	"json": jsonModule,
	"os":   osModule,
}

// Install makes the named standard modules importable on m (all of them when
// names is nil).
func Install(m *vm.Machine, names []string) {
	if names == nil {
		for name, mk := range Modules {
			m.Modules[name] = mk
		}
		return
	}
	for _, name := range names {
		if mk, ok := Modules[name]; ok {
			m.Modules[name] = mk
		}
	}
}
