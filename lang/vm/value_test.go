package vm

import "testing"

type headerObj struct {
	ObjectHeader
	n int
}

func (*headerObj) TypeName() string { return "header_obj" }

func TestObjectHeaderValue(t *testing.T) {
	o := &headerObj{n: 7}
	v := o.Value(o)
	got, ok := v.AsObject().(*headerObj)
	if !ok || got != o || got.n != 7 || v.TypeName() != "header_obj" {
		t.Fatalf("AsObject of a header value: %#v", v.AsObject())
	}
	if !v.Same(o.Value(o)) {
		t.Fatal("two values of one object are not the same")
	}
	if n := testing.AllocsPerRun(100, func() { _ = o.Value(o) }); n != 0 {
		t.Fatalf("Value allocated %v times", n)
	}
}
