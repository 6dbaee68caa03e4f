package bytes

import (
	"testing"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/stdlib/internal/casetest"
)

// FuzzStructFormat parses any format and unpacks any data with it, and packs
// zero values of the right kinds: no panic, errors are value errors.
func FuzzStructFormat(f *testing.F) {
	for _, seed := range []string{"<hI", "@bq", "!2s3x?", "=e f d", "99999999999999999999h", "3", "<>h", "0s0x", "1000000000x"} {
		f.Add(seed, []byte("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c"), int64(0))
	}
	task := casetest.NewTask(f)
	f.Fuzz(func(t *testing.T, format string, data []byte, off int64) {
		sf, err := parseStructFormat("bytes.unpack", format)
		if err != nil {
			if e := vm.AsError(err); e == nil || e.Kind != vm.KindValue {
				t.Fatalf("format %q: %v", format, err)
			}
			return
		}
		if sf.size < 0 || sf.size > maxStructSize {
			t.Fatalf("format %q: size %d", format, sf.size)
		}
		items, err := structUnpack("bytes.unpack", sf, string(data), off)
		if err == nil && len(items) != sf.nargs {
			t.Fatalf("format %q: %d items, want %d", format, len(items), sf.nargs)
		}
		if err != nil {
			if e := vm.AsError(err); e == nil || e.Kind != vm.KindValue {
				t.Fatalf("unpack %q: %v", format, err)
			}
		}
		if sf.size > 1<<16 || sf.nargs > 1<<12 {
			return
		}
		vals := make([]vm.Value, 0, sf.nargs)
		for _, it := range sf.items {
			switch it.code {
			case 'x':
			case 's':
				vals = append(vals, vm.Str(string(data)))
			default:
				for k := 0; k < it.count; k++ {
					if it.code == 'e' || it.code == 'f' || it.code == 'd' {
						vals = append(vals, vm.Float(float64(off)))
					} else {
						vals = append(vals, vm.Int(0))
					}
				}
			}
		}
		packed, err := structPack("bytes.pack", sf, vals)
		if err != nil {
			if e := vm.AsError(err); e == nil || e.Kind != vm.KindValue {
				t.Fatalf("pack %q: %v", format, err)
			}
			return
		}
		if len(packed) != sf.size {
			t.Fatalf("pack %q: %d bytes, want %d", format, len(packed), sf.size)
		}
		_ = task
	})
}
