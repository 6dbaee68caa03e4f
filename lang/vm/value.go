package vm

import (
	"math"
	"unsafe"
)

// Kind is the type tag of a Value.
type Kind uint8

// Kinds visible to scripts come first; the ones after kUndef live only inside the VM.
const (
	KNil Kind = iota
	KBool
	KInt
	KFloat
	KStr
	KList
	KMap
	KFunc      // *Closure
	KNative    // *Native: a Go function, or a built-in method bound to its receiver
	KCoroutine // *Coroutine
	KError     // *Error
	KRange     // *Range
	KObject    // *objectBox: anything a host or the runtime defines (tasks, conns, modules, ...)

	kUndef // an unset global or a parameter whose argument was not passed
	kCell  // a captured local slot holds its *Cell
	kIterRange
	kIterList
	kIterMap
	kIterStr
	kTailCall // a native's request that the loop call a function in its place (delegate.go)
)

// Value is a YieldScript value: a small tagged struct, so that ints, floats, bools and
// strings never allocate a box. n holds an int, float bits, a bool or a string length;
// p points at the string's bytes or at the heap object of reference kinds.
// Ints, floats and bools keep p nil (map keys aside, map.go), which the garbage
// collector skips with one compare: a 16-byte layout with the kind in p was
// measured and lost (doc/impl.md, Values).
type Value struct {
	k Kind
	n uint64
	p unsafe.Pointer
}

// Nil is the nil value.
var Nil = Value{}

// True and False are the booleans.
var (
	True  = Value{k: KBool, n: 1}
	False = Value{k: KBool}
)

var undef = Value{k: kUndef}

// Int makes an int value.
func Int(i int64) Value { return Value{k: KInt, n: uint64(i)} }

// Float makes a float value.
func Float(f float64) Value { return Value{k: KFloat, n: math.Float64bits(f)} }

// Bool makes a bool value.
func Bool(b bool) Value {
	if b {
		return True
	}
	return False
}

// Str makes a string value. It does not copy s.
func Str(s string) Value {
	return Value{k: KStr, n: uint64(len(s)), p: unsafe.Pointer(unsafe.StringData(s))}
}

// ListValue wraps a list.
func ListValue(l *List) Value { return Value{k: KList, p: unsafe.Pointer(l)} }

// MapValue wraps a map.
func MapValue(m *Map) Value { return Value{k: KMap, p: unsafe.Pointer(m)} }

// ErrorValue wraps an error object.
func ErrorValue(e *Error) Value { return Value{k: KError, p: unsafe.Pointer(e)} }

// NativeValue wraps a native function.
func NativeValue(n *Native) Value { return Value{k: KNative, p: unsafe.Pointer(n)} }

func closureValue(c *Closure) Value { return Value{k: KFunc, p: unsafe.Pointer(c)} }

// CoroutineValue wraps a coroutine.
func CoroutineValue(c *Coroutine) Value { return Value{k: KCoroutine, p: unsafe.Pointer(c)} }

func rangeValue(r *Range) Value { return Value{k: KRange, p: unsafe.Pointer(r)} }

type objectBox struct{ o Object }

// ObjectValue wraps a host or runtime object (allocating a small box for it).
func ObjectValue(o Object) Value { return Value{k: KObject, p: unsafe.Pointer(&objectBox{o})} }

// ObjectHeader lets a runtime object be a Value without a separate box: embed
// it as the object's FIRST field and make values with Value. Objects made many
// times per second (awaitables of I/O and sync operations) use it.
type ObjectHeader struct{ o Object }

// Value returns the object as a value; self must be the object that embeds h
// as its first field.
func (h *ObjectHeader) Value(self Object) Value {
	h.o = self
	return Value{k: KObject, p: unsafe.Pointer(h)}
}

// Kind reports the value's kind.
func (v Value) Kind() Kind { return v.k }

// IsNil reports whether v is nil.
func (v Value) IsNil() bool { return v.k == KNil }

// AsInt returns the int of an int value.
func (v Value) AsInt() int64 { return int64(v.n) }

// AsFloat returns the float of a float value.
func (v Value) AsFloat() float64 { return math.Float64frombits(v.n) }

// AsBool returns the bool of a bool value.
func (v Value) AsBool() bool { return v.n != 0 }

// AsStr returns the string of a string value, without copying.
func (v Value) AsStr() string {
	if v.n == 0 {
		return ""
	}
	return unsafe.String((*byte)(v.p), int(v.n))
}

// AsList returns the list of a list value.
func (v Value) AsList() *List { return (*List)(v.p) }

// AsMap returns the map of a map value.
func (v Value) AsMap() *Map { return (*Map)(v.p) }

// AsError returns the error object of an error value.
func (v Value) AsError() *Error { return (*Error)(v.p) }

// AsNative returns the native function of a native value.
func (v Value) AsNative() *Native { return (*Native)(v.p) }

// AsCoroutine returns the coroutine of a coroutine value.
func (v Value) AsCoroutine() *Coroutine { return (*Coroutine)(v.p) }

// AsObject returns the object of an object value.
func (v Value) AsObject() Object { return (*objectBox)(v.p).o }

func (v Value) asClosure() *Closure { return (*Closure)(v.p) }
func (v Value) asRange() *Range     { return (*Range)(v.p) }
func (v Value) asCell() *Cell       { return (*Cell)(v.p) }

// ToNumber returns v as a float64 when it is an int or a float.
func (v Value) ToNumber() (float64, bool) {
	switch v.k {
	case KInt:
		return float64(int64(v.n)), true
	case KFloat:
		return math.Float64frombits(v.n), true
	}
	return 0, false
}

// Truthy reports whether v counts as true: nil, false, 0, 0.0, "", [] and {} are false.
func (v Value) Truthy() bool {
	switch v.k {
	case KNil:
		return false
	case KBool, KInt, KStr:
		return v.n != 0
	case KFloat:
		return math.Float64frombits(v.n) != 0
	case KList:
		return v.AsList().n != 0
	case KMap:
		return v.AsMap().Len() != 0
	}
	return true
}

// TypeName is what type(v) returns.
func (v Value) TypeName() string {
	switch v.k {
	case KNil:
		return "nil"
	case KBool:
		return "bool"
	case KInt:
		return "int"
	case KFloat:
		return "float"
	case KStr:
		return "string"
	case KList:
		return "list"
	case KMap:
		return "map"
	case KFunc, KNative:
		return "function"
	case KCoroutine:
		return "coroutine"
	case KError:
		return "error"
	case KRange:
		return "range"
	case KObject:
		return v.AsObject().TypeName()
	}
	return "internal"
}

// Same reports identity: equal scalars, or the same heap object.
func (v Value) Same(w Value) bool {
	if v.k != w.k {
		return false
	}
	if v.k == KObject {
		return v.AsObject() == w.AsObject()
	}
	return v.n == w.n && v.p == w.p
}
