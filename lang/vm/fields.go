package vm

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
