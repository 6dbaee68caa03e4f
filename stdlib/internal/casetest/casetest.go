// Package casetest holds helpers of the unit tests of the standard modules that
// call natives directly: a task to call them with, and the cases CPython
// computed for them.
package casetest

import (
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// NewTask is a task of a machine of its own, for calling natives directly.
func NewTask(t testing.TB) *vm.Task {
	m := vm.NewMachine(io.Discard, io.Discard)
	task, err := m.NewTask(vm.NewNative("test", func(*vm.Task, []vm.Value) (vm.Value, error) { return vm.Nil, nil }), nil)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// LoadCases decodes the JSON file stdlib/testdata/name (cases computed by
// CPython) into into; the test runs in a module's folder, one below.
func LoadCases(t *testing.T, name string, into any) {
	data, err := os.ReadFile("../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	d := json.NewDecoder(strings.NewReader(string(data)))
	d.UseNumber()
	if err := d.Decode(into); err != nil {
		t.Fatal(err)
	}
}
