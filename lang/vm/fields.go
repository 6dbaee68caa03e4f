package vm

import (
	"path"
	"strings"
)

// getField is x.name.
func (t *Task) getField(x Value, name string) (Value, error) {
	switch x.k {
	case KMap:
		v, _ := x.AsMap().GetStr(name)
		return v, nil
	case KStr:
		if fn := stringMethods[name]; fn != nil {
			return NativeValue(&Native{Name: name, method: fn, recv: x}), nil
		}
	case KList:
		if fn := listMethods[name]; fn != nil {
			return NativeValue(&Native{Name: name, method: fn, recv: x}), nil
		}
	case KError:
		e := x.AsError()
		switch name {
		case "message":
			return Str(e.Message), nil
		case "kind":
			return Str(e.Kind), nil
		case "others":
			out := make([]Value, len(e.Others))
			for i, o := range e.Others {
				out[i] = ErrorValue(o)
			}
			return NewList(out), nil
		case "traceback":
			if e.Trace == nil {
				return Str(""), nil
			}
			return Str(e.Traceback()), nil
		}
	case KRange:
		r := x.asRange()
		switch name {
		case "start":
			return Int(r.Start), nil
		case "stop":
			return Int(r.Stop), nil
		case "step":
			return Int(r.Step), nil
		}
	case KObject:
		if g, ok := x.AsObject().(AttrGetter); ok {
			return g.GetAttr(t, name)
		}
	}
	return Nil, Errorf(KindType, "%s has no field or method %s", x.TypeName(), name)
}

// setField is x.name = v.
func (t *Task) setField(x Value, name string, v Value) error {
	switch x.k {
	case KMap:
		x.AsMap().SetStr(name, v)
		return nil
	case KObject:
		if s, ok := x.AsObject().(AttrSetter); ok {
			return s.SetAttr(t, name, v)
		}
	}
	return Errorf(KindType, "cannot assign to field %s of %s", name, x.TypeName())
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
		v, err := mk(m)
		if err != nil {
			return Nil, false, err
		}
		m.loaded[key] = v
		return v, false, nil
	}
	if m.LoadFile == nil {
		return Nil, false, Errorf(KindValue, "cannot import %s: file imports are not allowed here", name)
	}
	prog, err := m.LoadFile(key)
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
