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

// All lists every standard module.
var All = []string{"json", "os", "time", "sync", "net", "fs", "http", "math", "random", "utf8", "log", "re", "bytes", "base64", "hash", "url", "process"}

// module returns the builder of a standard module, or nil.
func module(name string, l *scheduler.Loop) func(*vm.Machine) (vm.Value, error) {
	switch name {
	case "json":
		return json.Module
	case "os":
		return os.Module(l)
	case "time":
		return time.Module(l)
	case "sync":
		return sync.Module(l)
	case "net":
		return net.Module(l)
	case "fs":
		return fs.Module(l)
	case "http":
		return http.Module(l)
	case "math":
		return math.Module
	case "random":
		return random.Module
	case "utf8":
		return utf8.Module
	case "log":
		return log.Module
	case "re":
		return re.Module
	case "bytes":
		return bytes.Module
	case "base64":
		return base64.Module
	case "hash":
		return hash.Module
	case "url":
		return url.Module
	case "process":
		return process.Module(l)
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
