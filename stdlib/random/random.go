package random

import (
	crand "crypto/rand"
	"encoding/binary"
	"math"
	"math/rand/v2"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
)

// The random module keeps one generator per machine (PCG from math/rand/v2),
// seeded from the operating system until random.seed(n) makes the draws that
// follow repeatable. random.bytes always reads the operating system's secure
// source instead.

func Module(*vm.Machine) (vm.Value, error) {
	var seed [16]byte
	_, _ = crand.Read(seed[:])
	src := rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:]))
	r := rand.New(src)

	return vm.NewNativeModule("random", map[string]vm.Value{
		"seed": vm.NewNative("seed", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			var n int64
			if err := vm.UnpackArgs("random.seed", args, "n", &n); err != nil {
				return vm.Nil, err
			}
			src.Seed(uint64(n), 0x9e3779b97f4a7c15)
			return vm.Nil, nil
		}),
		"random": vm.NewNative("random", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			if err := vm.UnpackArgs("random.random", args); err != nil {
				return vm.Nil, err
			}
			return vm.Float(r.Float64()), nil
		}),
		"int": vm.NewNative("int", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			var a, b int64
			if err := vm.UnpackArgs("random.int", args, "a", &a, "b", &b); err != nil {
				return vm.Nil, err
			}
			if a > b {
				return vm.Nil, vm.Errorf(vm.KindValue, "random.int: empty range (%d > %d)", a, b)
			}
			span := uint64(b) - uint64(a) + 1
			if span == 0 { // every int64
				return vm.Int(int64(r.Uint64())), nil
			}
			return vm.Int(a + int64(r.Uint64N(span))), nil
		}),
		"uniform": vm.NewNative("uniform", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			a, b, err := modutil.TwoNums("random.uniform", args)
			if err != nil {
				return vm.Nil, err
			}
			return vm.Float(a + (b-a)*r.Float64()), nil
		}),
		"choice": vm.NewNative("choice", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			l, err := libOneList("random.choice", args)
			if err != nil {
				return vm.Nil, err
			}
			if l.Len() == 0 {
				return vm.Nil, vm.NewError(vm.KindIndex, "random.choice: cannot choose from an empty list")
			}
			return l.At(r.IntN(l.Len())), nil
		}),
		"shuffle": vm.NewNative("shuffle", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			l, err := libOneList("random.shuffle", args)
			if err != nil {
				return vm.Nil, err
			}
			// Swapped through At and Set, so that a packed list stays packed
			// (Items would turn it general without charging the task's budget).
			r.Shuffle(l.Len(), func(i, j int) {
				x, y := l.At(i), l.At(j)
				l.Set(i, y)
				l.Set(j, x)
			})
			return vm.Nil, nil
		}),
		"sample": vm.NewNative("sample", func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			var l *vm.List
			var k int64
			if err := vm.UnpackArgs("random.sample", args, "list", &l, "k", &k); err != nil {
				return vm.Nil, err
			}
			items := l.Snapshot()
			if k < 0 || k > int64(len(items)) {
				return vm.Nil, vm.Errorf(vm.KindValue, "random.sample: k = %d is negative or larger than the list (%d items)", k, len(items))
			}
			if err := t.Charge(int(k) * 24); err != nil {
				return vm.Nil, err
			}
			// A partial Fisher-Yates shuffle of the positions.
			pos := make([]int, len(items))
			for i := range pos {
				pos[i] = i
			}
			out := make([]vm.Value, k)
			for i := range out {
				j := i + r.IntN(len(pos)-i)
				pos[i], pos[j] = pos[j], pos[i]
				out[i] = items[pos[i]]
			}
			return vm.NewList(out), nil
		}),
		"bytes": vm.NewNative("bytes", func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			var n int64
			if err := vm.UnpackArgs("random.bytes", args, "n", &n); err != nil {
				return vm.Nil, err
			}
			if n < 0 || n > math.MaxInt32 {
				return vm.Nil, vm.Errorf(vm.KindValue, "random.bytes: n = %d is out of range (0 to %d)", n, math.MaxInt32)
			}
			if err := t.Charge(int(n)); err != nil {
				return vm.Nil, err
			}
			b := make([]byte, n)
			if _, err := crand.Read(b); err != nil {
				return vm.Nil, vm.Errorf(vm.KindIO, "random.bytes: %v", err)
			}
			return vm.Str(string(b)), nil
		}),
	}), nil
}

func libOneList(fn string, args []vm.Value) (*vm.List, error) {
	var l *vm.List
	if err := vm.UnpackArgs(fn, args, "list", &l); err != nil {
		return nil, err
	}
	return l, nil
}
