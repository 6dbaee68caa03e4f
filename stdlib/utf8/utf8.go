package utf8

import (
	"unicode/utf8"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// The utf8 module reads strings (byte strings) as UTF-8 text.

func Module(*vm.Machine) (vm.Value, error) {
	return vm.NewNativeModule("utf8", map[string]vm.Value{
		"valid": vm.NewNative("valid", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			s, err := libOneStr("utf8.valid", args)
			if err != nil {
				return vm.Nil, err
			}
			return vm.Bool(utf8.ValidString(s)), nil
		}),
		"len": vm.NewNative("len", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			s, err := validUTF8("utf8.len", args)
			if err != nil {
				return vm.Nil, err
			}
			return vm.Int(int64(utf8.RuneCountInString(s))), nil
		}),
		"chars": vm.NewNative("chars", func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			s, err := validUTF8("utf8.chars", args)
			if err != nil {
				return vm.Nil, err
			}
			out := make([]vm.Value, 0, utf8.RuneCountInString(s))
			for i := 0; i < len(s); {
				_, n := utf8.DecodeRuneInString(s[i:])
				out = append(out, vm.Str(s[i:i+n]))
				i += n
			}
			v := vm.NewList(out)
			return v, t.ChargeDeep(v)
		}),
		"codepoints": vm.NewNative("codepoints", func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			s, err := validUTF8("utf8.codepoints", args)
			if err != nil {
				return vm.Nil, err
			}
			out := make([]vm.Value, 0, utf8.RuneCountInString(s))
			for _, r := range s {
				out = append(out, vm.Int(int64(r)))
			}
			v := vm.NewList(out)
			return v, t.ChargeDeep(v)
		}),
	}), nil
}

func libOneStr(fn string, args []vm.Value) (s string, err error) {
	err = vm.UnpackArgs(fn, args, "s", &s)
	return s, err
}

// validUTF8 reads the one string argument and throws value at the first
// byte that is not UTF-8, naming its offset.
func validUTF8(fn string, args []vm.Value) (string, error) {
	s, err := libOneStr(fn, args)
	if err != nil {
		return "", err
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			return "", vm.Errorf(vm.KindValue, "%s: invalid UTF-8 at byte %d", fn, i)
		}
		i += n
	}
	return s, nil
}
