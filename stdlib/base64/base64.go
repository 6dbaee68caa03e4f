package base64

import (
	"encoding/base64"

	"github.com/yieldscript/yieldscript/lang/vm"
)

func Module(*vm.Machine) (vm.Value, error) {
	return vm.NewNativeModule("base64", map[string]vm.Value{
		"encode":         base64Encoder("base64.encode", base64.StdEncoding),
		"urlsafe_encode": base64Encoder("base64.urlsafe_encode", base64.URLEncoding),
		"decode":         base64Decoder("base64.decode", false),
		"urlsafe_decode": base64Decoder("base64.urlsafe_decode", true),
	}), nil
}

func base64Encoder(fn string, enc *base64.Encoding) vm.Value {
	return vm.NewNative(fn[len("base64."):], func(t *vm.Task, args []vm.Value) (vm.Value, error) {
		var s string
		if err := vm.UnpackArgs(fn, args, "s", &s); err != nil {
			return vm.Nil, err
		}
		if err := t.Charge(enc.EncodedLen(len(s))); err != nil {
			return vm.Nil, err
		}
		return vm.Str(enc.EncodeToString([]byte(s))), nil
	})
}

func base64Decoder(fn string, urlsafe bool) vm.Value {
	return vm.NewNative(fn[len("base64."):], func(t *vm.Task, args []vm.Value) (vm.Value, error) {
		var s string
		if err := vm.UnpackArgs(fn, args, "s", &s); err != nil {
			return vm.Nil, err
		}
		out, err := decodeBase64(fn, s, urlsafe)
		if err != nil {
			return vm.Nil, err
		}
		if err := t.Charge(len(out)); err != nil {
			return vm.Nil, err
		}
		return vm.Str(string(out)), nil
	})
}

// base64Value maps a byte to its 6-bit value, or 0xff when it is not in the
// alphabet.
var base64Value = func() (tab [256]byte) {
	for i := range tab {
		tab[i] = 0xff
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		tab[alphabet[i]] = byte(i)
	}
	return
}()

// decodeBase64 decodes as Python's base64.b64decode (validate=False) does:
// bytes outside the alphabet are skipped, decoding stops at the padding that
// completes a group, and a last group that is cut short is an error. The
// URL-safe form also takes "-" and "_" for "+" and "/" (the standard ones stay
// valid, as in Python).
func decodeBase64(fn, s string, urlsafe bool) ([]byte, error) {
	out := make([]byte, 0, len(s)/4*3+3)
	quad, pads, data := 0, 0, 0
	var left byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '=' {
			if quad >= 2 {
				pads++
				if quad+pads >= 4 {
					return out, nil
				}
			}
			continue
		}
		if urlsafe {
			switch c {
			case '-':
				c = '+'
			case '_':
				c = '/'
			}
		}
		v := base64Value[c]
		if v == 0xff {
			continue
		}
		data++
		pads = 0
		switch quad {
		case 0:
			left, quad = v, 1
		case 1:
			out = append(out, left<<2|v>>4)
			left, quad = v&0x0f, 2
		case 2:
			out = append(out, left<<4|v>>2)
			left, quad = v&0x03, 3
		case 3:
			out = append(out, left<<6|v)
			left, quad = 0, 0
		}
	}
	switch quad {
	case 0:
		return out, nil
	case 1:
		return nil, vm.Errorf(vm.KindValue, "%s: invalid base64 text: number of data characters (%d) cannot be 1 more than a multiple of 4", fn, data)
	}
	return nil, vm.Errorf(vm.KindValue, "%s: invalid base64 text: incorrect padding", fn)
}
