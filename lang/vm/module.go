package vm

import (
	"fmt"
	"path"
	"strings"

	"github.com/yieldscript/yieldscript/lang/compile"
)

// Module is a loaded script module or a native module.
type Module struct {
	Name    string
	File    string
	globals []Value
	names   []string
	index   map[string]int
}

// TypeName implements Object.
func (*Module) TypeName() string { return "module" }

// String implements Stringer.
func (mod *Module) String() string { return "<module " + mod.Name + ">" }

// GetAttr reads an export.
func (mod *Module) GetAttr(_ *Task, name string) (Value, error) {
	if i, ok := mod.index[name]; ok {
		v := mod.globals[i]
		if v.k == kUndef {
			return Nil, Errorf(KindValue, "%s.%s is used before its declaration ran", mod.Name, name)
		}
		return v, nil
	}
	return Nil, Errorf(KindValue, "module %s has no member %s", mod.Name, name)
}

// Names lists the module's globals.
func (mod *Module) Names() []string { return mod.names }

// Global reads a global by name.
func (mod *Module) Global(name string) (Value, bool) {
	if i, ok := mod.index[name]; ok && mod.globals[i].k != kUndef {
		return mod.globals[i], true
	}
	return Nil, false
}

// SetGlobal defines or assigns a global. Programs compiled afterwards see it
// when their Env lists the module's Names.
func (mod *Module) SetGlobal(name string, v Value) {
	define(mod.index, &mod.names, &mod.globals, name, v)
}

// define sets name to v in a table of names (a module's globals, the
// machine's builtins): names[i] is held in vals[i], and index maps each name
// to its i. A new name is added at the end.
func define(index map[string]int, names *[]string, vals *[]Value, name string, v Value) {
	if i, ok := index[name]; ok {
		(*vals)[i] = v
		return
	}
	index[name] = len(*names)
	*names = append(*names, name)
	*vals = append(*vals, v)
}

// NewModule makes an empty module.
func NewModule(name, file string) *Module {
	return &Module{Name: name, File: file, index: map[string]int{}}
}

// NewNativeModule makes a module whose members are the given values.
func NewNativeModule(name string, members map[string]Value) Value {
	mod := NewModule(name, "")
	for k, v := range members {
		mod.SetGlobal(k, v)
	}
	return ObjectValue(mod)
}

// Proto is a compiled function bound to its module, with its constants as values.
type Proto struct {
	*compile.Funcode
	consts []Value
	module *Module
	callInfo
}

// Load binds a compiled program to a module: the program's globals are added to
// the module (new ones start undefined) and its functions get their constants.
// It returns the top-level function, ready to run as a task.
//
// prog must be compile.Compile's output, unchanged: the dispatch loop trusts
// its code and checks none of it (operands such as a local's slot or a
// method call's index in Names, jump targets, MaxStack). Code made or edited
// by hand can make the VM read and write outside its memory.
func (m *Machine) Load(prog *compile.Program, mod *Module) Value {
	for len(mod.names) < len(prog.Globals) {
		name := prog.Globals[len(mod.names)]
		mod.index[name] = len(mod.names)
		mod.names = append(mod.names, name)
		mod.globals = append(mod.globals, undef)
	}
	return closureValue(&Closure{proto: loadProto(prog.Main, mod)})
}

func loadProto(f *compile.Funcode, mod *Module) *Proto {
	p := &Proto{Funcode: f, module: mod, consts: make([]Value, len(f.Consts)), callInfo: newCallInfo(f)}
	for i, k := range f.Consts {
		switch k := k.(type) {
		case int64:
			p.consts[i] = Int(k)
		case float64:
			p.consts[i] = Float(k)
		case string:
			p.consts[i] = Str(k)
		case *compile.Funcode:
			p.consts[i] = Value{k: kUndef, p: unsafePointer(loadProto(k, mod))}
		}
	}
	return p
}

// isPathImport reports whether an import names a file rather than a module.
func isPathImport(name string) bool {
	return strings.HasSuffix(name, ".ys") || strings.ContainsAny(name, "/\\")
}

// importModule evaluates an import. A module already loaded (or native) is
// returned at once. A source file not yet loaded gets a new frame running its
// top level on this task (entered is true); the frame's return gives the module.
func (t *Task) importModule(p *Proto, name string) (v Value, entered bool, err error) {
	m := t.m
	key := name
	if isPathImport(name) {
		if m.ResolvePath != nil {
			key = m.ResolvePath(p.File, name)
		} else {
			key = path.Join(path.Dir(p.File), name)
		}
	}
	if v, ok := m.loaded[key]; ok {
		return v, false, nil
	}
	if !isPathImport(name) {
		mk, ok := m.Modules[name]
		if !ok {
			return Nil, false, Errorf(KindValue, "no module named %s", name)
		}
		if w := m.Watch; w != nil {
			w.beginLoad()
		}
		v, err := mk(m)
		if w := m.Watch; w != nil {
			w.endLoad()
		}
		if err != nil {
			return Nil, false, err
		}
		m.loaded[key] = v
		return v, false, nil
	}
	if m.LoadFile == nil {
		return Nil, false, Errorf(KindValue, "cannot import %s: file imports are not allowed here", name)
	}
	if w := m.Watch; w != nil {
		w.beginLoad()
	}
	prog, err := m.LoadFile(key)
	if w := m.Watch; w != nil {
		w.endLoad()
	}
	if err != nil {
		return Nil, false, err
	}
	if len(t.frames) >= m.MaxDepth {
		return Nil, false, m.depthError()
	}
	modName := strings.TrimSuffix(path.Base(key), ".ys")
	mod := NewModule(modName, key)
	fn := m.Load(prog, mod)
	// Cache first, so that a cycle of imports sees the partly initialised module.
	m.loaded[key] = ObjectValue(mod)
	cl := fn.asClosure()
	t.ensure(1 + cl.proto.NumLocals + cl.proto.MaxStack)
	t.stack[t.sp] = fn
	t.sp++
	t.enterFrame(cl, t.sp)
	t.frames[len(t.frames)-1].module = mod
	return Nil, true, nil
}

func (t *Task) globalName(p *Proto, i int) string {
	if i < len(p.module.names) {
		return p.module.names[i]
	}
	return fmt.Sprintf("global %d", i)
}
