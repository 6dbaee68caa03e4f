package stdlib

import (
	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

// All lists every standard module.
var All = []string{"json", "os", "time", "sync", "net", "fs", "http", "math", "random", "utf8", "log", "re", "bytes", "base64", "hash", "url", "process"}

// module returns the builder of a standard module, or nil.
func module(name string, l *scheduler.Loop) func(*vm.Machine) (vm.Value, error) {
	switch name {
	case "json":
		return jsonModule
	case "os":
		return osModuleOn(l)
	case "time":
		return timeModule(l)
	case "sync":
		return syncModule(l)
	case "net":
		return netModule(l)
	case "fs":
		return fsModule(l)
	case "http":
		return httpModule(l)
	case "math":
		return mathModule
	case "random":
		return randomModule
	case "utf8":
		return utf8Module
	case "log":
		return logModule
	case "re":
		return reModule
	case "bytes":
		return bytesModule
	case "base64":
		return base64Module
	case "hash":
		return hashModule
	case "url":
		return urlModule
	case "process":
		return processModule(l)
	}
	return nil
}

// Install makes the named standard modules importable on m, served by loop l.
// Unknown names are ignored.
func Install(m *vm.Machine, l *scheduler.Loop, names []string) {
	for _, name := range names {
		if mk := module(name, l); mk != nil {
			m.Modules[name] = mk
		}
	}
}
