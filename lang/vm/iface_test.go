package vm

import (
	"testing"
	"unsafe"
)

// yieldMethod's cache (methodRef.objTab, yTab) reads the receiver box's
// Object interface as two words, itab then data (iface), and builds a
// MethodYielder from a cached itab and the box's data word. This checks the
// layout it assumes, so that a Go release that changes the representation of
// interfaces fails here instead of pairing an itab with the wrong data.
func TestIfaceLayout(t *testing.T) {
	a1, a2, b := &yieldA{"a1"}, &yieldA{"a2"}, &yieldB{7}
	words := func(o Object) iface { return *(*iface)(unsafe.Pointer(&o)) }
	if unsafe.Sizeof(Object(nil)) != unsafe.Sizeof(iface{}) || unsafe.Sizeof(MethodYielder(nil)) != unsafe.Sizeof(iface{}) {
		t.Fatalf("an interface is %d bytes, iface %d", unsafe.Sizeof(Object(nil)), unsafe.Sizeof(iface{}))
	}
	wa1, wa2, wb := words(a1), words(a2), words(b)
	if wa1.data != unsafe.Pointer(a1) || wb.data != unsafe.Pointer(b) {
		t.Fatalf("data word %p %p, want %p %p", wa1.data, wb.data, a1, b)
	}
	// The itab names the dynamic type: one per type, a different one for
	// another type, none for a nil interface.
	if wa1.tab == nil || wa1.tab != wa2.tab || wa1.tab == wb.tab || words(nil).tab != nil {
		t.Fatalf("itabs %p %p %p, nil %p", wa1.tab, wa2.tab, wb.tab, words(nil).tab)
	}
	// Both ways a Value holds an object start with {o Object}.
	for _, v := range []Value{ObjectValue(a1), new(ObjectHeader).Value(a1)} {
		if w := *(*iface)(v.p); w != wa1 {
			t.Fatalf("box words %v, want %v", w, wa1)
		}
	}
	// The cached MethodYielder itab of a1's type with a2's data word is a2
	// as a MethodYielder.
	var my1 MethodYielder = a1
	var built MethodYielder
	w := (*iface)(unsafe.Pointer(&built))
	w.tab, w.data = (*iface)(unsafe.Pointer(&my1)).tab, wa2.data
	if built != MethodYielder(a2) {
		t.Fatalf("built %v, want a2", built)
	}
	if r, _, done := built.YieldMethodNow(nil, "get", nil); !done || r.k != KStr || r.AsStr() != "a2.get" {
		t.Fatalf("built.YieldMethodNow gave %v, %v", r, done)
	}
}
