package stdlib

import (
	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
	"github.com/yieldscript/yieldscript/stdlib/base64"
	"github.com/yieldscript/yieldscript/stdlib/bytes"
	"github.com/yieldscript/yieldscript/stdlib/fs"
	"github.com/yieldscript/yieldscript/stdlib/hash"
	"github.com/yieldscript/yieldscript/stdlib/http"
	"github.com/yieldscript/yieldscript/stdlib/json"
	"github.com/yieldscript/yieldscript/stdlib/log"
	"github.com/yieldscript/yieldscript/stdlib/math"
	"github.com/yieldscript/yieldscript/stdlib/net"
	"github.com/yieldscript/yieldscript/stdlib/os"
	"github.com/yieldscript/yieldscript/stdlib/process"
	"github.com/yieldscript/yieldscript/stdlib/random"
	"github.com/yieldscript/yieldscript/stdlib/re"
	"github.com/yieldscript/yieldscript/stdlib/sync"
	"github.com/yieldscript/yieldscript/stdlib/time"
	"github.com/yieldscript/yieldscript/stdlib/url"
	"github.com/yieldscript/yieldscript/stdlib/utf8"
)

// builder makes a module's value on a machine.
type builder = func(*vm.Machine) (vm.Value, error)

// modules is the registry: every standard module, in the order All lists
// them, with what makes its builder for a loop.
var modules = []struct {
	name string
	make func(*scheduler.Loop) builder
}{
	{"json", static(json.Module)},
	{"os", os.Module},
	{"time", time.Module},
	{"sync", sync.Module},
	{"net", net.Module},
	{"fs", fs.Module},
	{"http", http.Module},
	{"math", static(math.Module)},
	{"random", static(random.Module)},
	{"utf8", static(utf8.Module)},
	{"log", static(log.Module)},
	{"re", static(re.Module)},
	{"bytes", static(bytes.Module)},
	{"base64", static(base64.Module)},
	{"hash", static(hash.Module)},
	{"url", static(url.Module)},
	{"process", process.Module},
}

// static is the make of a module that needs no loop.
func static(b builder) func(*scheduler.Loop) builder {
	return func(*scheduler.Loop) builder { return b }
}

// All lists every standard module.
var All = func() []string {
	names := make([]string, len(modules))
	for i, m := range modules {
		names[i] = m.name
	}
	return names
}()

// module returns the builder of a standard module, or nil.
func module(name string, l *scheduler.Loop) builder {
	for _, m := range modules {
		if m.name == name {
			return m.make(l)
		}
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
