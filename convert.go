package yieldscript

import (
	"cmp"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// Conversions between Go values and script values.
//
// Go to script (SetGlobal, arguments of Call, results of Go functions):
//
//	nil, nil pointers and nil interfaces  nil
//	bool                                  bool
//	signed and unsigned integers          int (an unsigned one above 2^63-1 is an error)
//	float32, float64                      float
//	string, []byte                        string
//	slices and arrays                     list
//	maps (keys: strings, numbers, bools)  map, keys in sorted order
//	structs                               map of the exported fields, named by their
//	                                      `ys` or `json` tag, else by the field's name
//	pointers                              what they point to
//	error                                 error value (kind "error"; a Go function's
//	                                      error is thrown instead)
//	func                                  function (as SetFunc makes)
//	*Func, vm.Value                       themselves
//
// Script to Go (results of Call, arguments given to a parameter of type any):
//
//	nil → nil, bool → bool, int → int64, float → float64, string → string,
//	list → []any, map → map[string]any (map[any]any when a key is not a string),
//	error → *Error, function → *Func, anything else → vm.Value.
//
// Script to a typed Go parameter: numbers convert to any numeric type they fit
// (a float only when it is integral, for an integer type), strings to string
// or []byte, lists to slices and arrays, maps to maps and structs (fields
// matched by tag, name, or name ignoring case), nil to a nil pointer, slice or
// map; a pointer gets a new value. Anything else is an error of kind "type".

// maxConvertDepth bounds the nesting of converted values (and catches cycles).
const maxConvertDepth = 100

var (
	valueType   = reflect.TypeFor[vm.Value]()
	funcPtrType = reflect.TypeFor[*Func]()
	errorType   = reflect.TypeFor[error]()
	anyType     = reflect.TypeFor[any]()
	bytesType   = reflect.TypeFor[[]byte]()
)

// ToValue converts a Go value to a script value (see the table above). Func
// values become native functions of v.
func (v *VM) toValue(x any) (vm.Value, error) { return v.toValueDepth(x, 0) }

func (v *VM) toValueDepth(x any, depth int) (vm.Value, error) {
	switch x := x.(type) {
	case nil:
		return vm.Nil, nil
	case vm.Value:
		return x, nil
	case bool:
		return vm.Bool(x), nil
	case int:
		return vm.Int(int64(x)), nil
	case int64:
		return vm.Int(x), nil
	case float64:
		return vm.Float(x), nil
	case string:
		return vm.Str(x), nil
	case []byte:
		return vm.Str(string(x)), nil
	case *Func:
		if x == nil {
			return vm.Nil, nil
		}
		return x.fn, nil
	case error:
		if e, ok := x.(*vm.Error); ok {
			return vm.ErrorValue(e), nil
		}
		if e, ok := x.(*Error); ok && e.err != nil {
			return vm.ErrorValue(e.err), nil
		}
		return vm.ErrorValue(&vm.Error{Kind: vm.KindError, Message: x.Error(), Cause: x}), nil
	}
	if depth > maxConvertDepth {
		return vm.Nil, fmt.Errorf("value nested more than %d deep (does it contain itself?)", maxConvertDepth)
	}
	return v.reflectToValue(reflect.ValueOf(x), depth)
}

func (v *VM) reflectToValue(rv reflect.Value, depth int) (vm.Value, error) {
	if depth > maxConvertDepth {
		return vm.Nil, fmt.Errorf("value nested more than %d deep (does it contain itself?)", maxConvertDepth)
	}
	switch rv.Kind() {
	case reflect.Invalid:
		return vm.Nil, nil
	case reflect.Bool:
		return vm.Bool(rv.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return vm.Int(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return vm.Nil, fmt.Errorf("%d does not fit in a script int", u)
		}
		return vm.Int(int64(u)), nil
	case reflect.Float32, reflect.Float64:
		return vm.Float(rv.Float()), nil
	case reflect.String:
		return vm.Str(rv.String()), nil
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return vm.Nil, nil
		}
		if rv.Type().Implements(errorType) {
			return v.toValueDepth(rv.Interface(), depth)
		}
		return v.reflectToValue(rv.Elem(), depth+1)
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			return vm.Str(string(rv.Bytes())), nil
		}
		items := make([]vm.Value, rv.Len())
		for i := range items {
			x, err := v.reflectToValue(rv.Index(i), depth+1)
			if err != nil {
				return vm.Nil, fmt.Errorf("item %d: %w", i, err)
			}
			items[i] = x
		}
		return vm.NewList(items), nil
	case reflect.Map:
		keys := rv.MapKeys()
		slices.SortFunc(keys, compareKeys)
		mp := vm.NewMap(len(keys))
		for _, k := range keys {
			kv, err := v.reflectToValue(k, depth+1)
			if err != nil {
				return vm.Nil, err
			}
			switch kv.Kind() {
			case vm.KStr, vm.KInt, vm.KFloat, vm.KBool, vm.KNil:
			default:
				return vm.Nil, fmt.Errorf("a map key of type %s cannot be a script map key", k.Type())
			}
			x, err := v.reflectToValue(rv.MapIndex(k), depth+1)
			if err != nil {
				return vm.Nil, fmt.Errorf("key %v: %w", k, err)
			}
			if err := mp.Set(kv, x); err != nil {
				return vm.Nil, err
			}
		}
		return vm.MapValue(mp), nil
	case reflect.Struct:
		if rv.Type() == valueType {
			return rv.Interface().(vm.Value), nil
		}
		mp := vm.NewMap(rv.NumField())
		if err := v.structFields(mp, rv, depth); err != nil {
			return vm.Nil, err
		}
		return vm.MapValue(mp), nil
	case reflect.Func:
		if rv.IsNil() {
			return vm.Nil, nil
		}
		return v.native("function", rv.Interface())
	}
	return vm.Nil, fmt.Errorf("cannot convert %s to a script value", rv.Type())
}

// structFields adds the exported fields of a struct to mp; embedded structs'
// fields are added as if they were the outer struct's.
func (v *VM) structFields(mp *vm.Map, rv reflect.Value, depth int) error {
	rt := rv.Type()
	for i := range rt.NumField() {
		f := rt.Field(i)
		if !f.IsExported() {
			continue
		}
		name, skip := fieldName(f)
		if skip {
			continue
		}
		fv := rv.Field(i)
		if f.Anonymous && fv.Kind() == reflect.Struct && !hasTag(f) {
			if err := v.structFields(mp, fv, depth+1); err != nil {
				return err
			}
			continue
		}
		x, err := v.reflectToValue(fv, depth+1)
		if err != nil {
			return fmt.Errorf("field %s: %w", f.Name, err)
		}
		mp.SetStr(name, x)
	}
	return nil
}

func hasTag(f reflect.StructField) bool {
	_, ys := f.Tag.Lookup("ys")
	_, js := f.Tag.Lookup("json")
	return ys || js
}

// fieldName is the map key of a struct field: its `ys` tag, its `json` tag,
// or its name; skip is true for a tag of "-".
func fieldName(f reflect.StructField) (name string, skip bool) {
	for _, key := range []string{"ys", "json"} {
		if tag, ok := f.Tag.Lookup(key); ok {
			name, _, _ = strings.Cut(tag, ",")
			if name == "-" {
				return "", true
			}
			if name != "" {
				return name, false
			}
		}
	}
	return f.Name, false
}

func compareKeys(a, b reflect.Value) int {
	switch a.Kind() {
	case reflect.String:
		return cmp.Compare(a.String(), b.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(a.Int(), b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmp.Compare(a.Uint(), b.Uint())
	case reflect.Float32, reflect.Float64:
		return cmp.Compare(a.Float(), b.Float())
	case reflect.Bool:
		if a.Bool() == b.Bool() {
			return 0
		} else if !a.Bool() {
			return -1
		}
		return 1
	}
	return cmp.Compare(fmt.Sprint(a.Interface()), fmt.Sprint(b.Interface()))
}

// fromValue converts a script value to its natural Go value (see the table
// above). Call it on the loop: it reads script lists and maps.
func (v *VM) fromValue(x vm.Value) (any, error) { return fromValueDepth(x, 0, v) }

func fromValueDepth(x vm.Value, depth int, v *VM) (any, error) {
	if depth > maxConvertDepth {
		return nil, fmt.Errorf("value nested more than %d deep (does it contain itself?)", maxConvertDepth)
	}
	switch x.Kind() {
	case vm.KNil:
		return nil, nil
	case vm.KBool:
		return x.AsBool(), nil
	case vm.KInt:
		return x.AsInt(), nil
	case vm.KFloat:
		return x.AsFloat(), nil
	case vm.KStr:
		return x.AsStr(), nil
	case vm.KList:
		items := x.AsList().Snapshot()
		out := make([]any, len(items))
		for i, it := range items {
			g, err := fromValueDepth(it, depth+1, v)
			if err != nil {
				return nil, err
			}
			out[i] = g
		}
		return out, nil
	case vm.KMap:
		mp := x.AsMap()
		allStr := true
		for i := 0; i < mp.Slots(); i++ {
			if k, _, ok := mp.Entry(i); ok && k.Kind() != vm.KStr {
				allStr = false
				break
			}
		}
		if allStr {
			out := make(map[string]any, mp.Len())
			for i := 0; i < mp.Slots(); i++ {
				if k, val, ok := mp.Entry(i); ok {
					g, err := fromValueDepth(val, depth+1, v)
					if err != nil {
						return nil, err
					}
					out[k.AsStr()] = g
				}
			}
			return out, nil
		}
		out := make(map[any]any, mp.Len())
		for i := 0; i < mp.Slots(); i++ {
			if k, val, ok := mp.Entry(i); ok {
				gk, _ := fromValueDepth(k, depth+1, v)
				g, err := fromValueDepth(val, depth+1, v)
				if err != nil {
					return nil, err
				}
				out[gk] = g
			}
		}
		return out, nil
	case vm.KError:
		return wrapError(x.AsError(), nil), nil
	case vm.KFunc, vm.KNative:
		return &Func{v: v, fn: x}, nil
	}
	return x, nil
}

// fromValueTo converts a script value to a Go value of type t (see above).
func (v *VM) fromValueTo(x vm.Value, t reflect.Type) (reflect.Value, error) {
	return v.fromValueToDepth(x, t, 0)
}

func typeError(want string, x vm.Value) error {
	return fmt.Errorf("must be %s, not %s", want, x.TypeName())
}

func (v *VM) fromValueToDepth(x vm.Value, t reflect.Type, depth int) (reflect.Value, error) {
	if depth > maxConvertDepth {
		return reflect.Value{}, fmt.Errorf("value nested more than %d deep (does it contain itself?)", maxConvertDepth)
	}
	switch t {
	case valueType:
		return reflect.ValueOf(x), nil
	case funcPtrType:
		if x.IsNil() {
			return reflect.Zero(t), nil
		}
		if x.Kind() != vm.KFunc && x.Kind() != vm.KNative {
			return reflect.Value{}, typeError("a function", x)
		}
		return reflect.ValueOf(&Func{v: v, fn: x}), nil
	case bytesType:
		if x.Kind() != vm.KStr {
			return reflect.Value{}, typeError("a string", x)
		}
		return reflect.ValueOf([]byte(x.AsStr())), nil
	}
	out := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.Interface:
		if x.IsNil() {
			return out, nil
		}
		var g any
		if t == errorType {
			if x.Kind() != vm.KError {
				return reflect.Value{}, typeError("an error", x)
			}
			g = wrapError(x.AsError(), nil)
		} else {
			var err error
			if g, err = fromValueDepth(x, depth, v); err != nil {
				return reflect.Value{}, err
			}
		}
		gv := reflect.ValueOf(g)
		if !gv.Type().AssignableTo(t) {
			return reflect.Value{}, fmt.Errorf("must be %s, not %s", t, x.TypeName())
		}
		out.Set(gv)
		return out, nil
	case reflect.Bool:
		if x.Kind() != vm.KBool {
			return reflect.Value{}, typeError("a bool", x)
		}
		out.SetBool(x.AsBool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, ok := integral(x)
		if !ok {
			return reflect.Value{}, typeError("an int", x)
		}
		if out.OverflowInt(i) {
			return reflect.Value{}, fmt.Errorf("%d does not fit in %s", i, t)
		}
		out.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		i, ok := integral(x)
		if !ok {
			return reflect.Value{}, typeError("an int", x)
		}
		if i < 0 || out.OverflowUint(uint64(i)) {
			return reflect.Value{}, fmt.Errorf("%d does not fit in %s", i, t)
		}
		out.SetUint(uint64(i))
	case reflect.Float32, reflect.Float64:
		f, ok := x.ToNumber()
		if !ok {
			return reflect.Value{}, typeError("a number", x)
		}
		out.SetFloat(f)
	case reflect.String:
		if x.Kind() != vm.KStr {
			return reflect.Value{}, typeError("a string", x)
		}
		out.SetString(x.AsStr())
	case reflect.Slice:
		if x.IsNil() {
			return out, nil
		}
		if x.Kind() != vm.KList {
			return reflect.Value{}, typeError("a list", x)
		}
		items := x.AsList().Snapshot()
		out = reflect.MakeSlice(t, len(items), len(items))
		for i, it := range items {
			e, err := v.fromValueToDepth(it, t.Elem(), depth+1)
			if err != nil {
				return reflect.Value{}, fmt.Errorf("item %d %w", i, err)
			}
			out.Index(i).Set(e)
		}
	case reflect.Array:
		if x.Kind() != vm.KList {
			return reflect.Value{}, typeError("a list", x)
		}
		items := x.AsList().Snapshot()
		if len(items) != t.Len() {
			return reflect.Value{}, fmt.Errorf("must be a list of %d items, not %d", t.Len(), len(items))
		}
		for i, it := range items {
			e, err := v.fromValueToDepth(it, t.Elem(), depth+1)
			if err != nil {
				return reflect.Value{}, fmt.Errorf("item %d %w", i, err)
			}
			out.Index(i).Set(e)
		}
	case reflect.Map:
		if x.IsNil() {
			return out, nil
		}
		if x.Kind() != vm.KMap {
			return reflect.Value{}, typeError("a map", x)
		}
		mp := x.AsMap()
		out = reflect.MakeMapWithSize(t, mp.Len())
		for i := 0; i < mp.Slots(); i++ {
			k, val, ok := mp.Entry(i)
			if !ok {
				continue
			}
			kv, err := v.fromValueToDepth(k, t.Key(), depth+1)
			if err != nil {
				return reflect.Value{}, fmt.Errorf("key %s %w", vm.Repr(k), err)
			}
			ev, err := v.fromValueToDepth(val, t.Elem(), depth+1)
			if err != nil {
				return reflect.Value{}, fmt.Errorf("item %s %w", vm.Repr(k), err)
			}
			out.SetMapIndex(kv, ev)
		}
	case reflect.Struct:
		if x.Kind() != vm.KMap {
			return reflect.Value{}, typeError("a map", x)
		}
		if err := v.fillStruct(out, x.AsMap(), depth); err != nil {
			return reflect.Value{}, err
		}
	case reflect.Pointer:
		if x.IsNil() {
			return out, nil
		}
		e, err := v.fromValueToDepth(x, t.Elem(), depth+1)
		if err != nil {
			return reflect.Value{}, err
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(e)
		return p, nil
	default:
		return reflect.Value{}, fmt.Errorf("cannot be converted to %s", t)
	}
	return out, nil
}

// fillStruct sets the fields of a struct from a map's entries, matched by
// tag, name, or name ignoring case; other entries are ignored.
func (v *VM) fillStruct(out reflect.Value, mp *vm.Map, depth int) error {
	t := out.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, skip := fieldName(f)
		if skip {
			continue
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct && !hasTag(f) {
			if err := v.fillStruct(out.Field(i), mp, depth+1); err != nil {
				return err
			}
			continue
		}
		val, found := lookupField(mp, name)
		if !found {
			continue
		}
		fv, err := v.fromValueToDepth(val, f.Type, depth+1)
		if err != nil {
			return fmt.Errorf("field %s %w", name, err)
		}
		out.Field(i).Set(fv)
	}
	return nil
}

func lookupField(mp *vm.Map, name string) (vm.Value, bool) {
	if val, found, _ := mp.Get(vm.Str(name)); found {
		return val, true
	}
	for i := 0; i < mp.Slots(); i++ {
		if k, val, ok := mp.Entry(i); ok && k.Kind() == vm.KStr && strings.EqualFold(k.AsStr(), name) {
			return val, true
		}
	}
	return vm.Nil, false
}

// integral is x as an int64 when it is an int or an integral float.
func integral(x vm.Value) (int64, bool) {
	switch x.Kind() {
	case vm.KInt:
		return x.AsInt(), true
	case vm.KFloat:
		f := x.AsFloat()
		if f == math.Trunc(f) && f >= -9.223372036854775808e18 && f < 9.223372036854775808e18 {
			return int64(f), true
		}
	}
	return 0, false
}
