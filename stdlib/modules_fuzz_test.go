package stdlib

import (
	"testing"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// FuzzRegex compiles any pattern and runs every operation on any subject:
// no panic, no hang (Go's regexp runs in linear time), positions inside the
// subject.
func FuzzRegex(f *testing.F) {
	for _, seed := range [][4]string{
		{`(\w+)@(\w+)\.com`, "", "bob@example.com", `\2 at \1`},
		{`x*`, "m", "abxd\nx", `-\g<0>-`},
		{`^\b|\B$`, "ims", "a\nb\n", `\\\n\0\101`},
		{`(?P<n>[^a-z]+)|()`, "i", "\xff\xfe é 12", `\g<n>\g<2>`},
		{`[A-Za-z]+`, "", "alpha beta, 42", `\`},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3], 1)
	}
	task := newTestTask(f)
	f.Fuzz(func(t *testing.T, pattern, flags, s, repl string, pos int) {
		if len(pattern) > 200 || len(s) > 1000 {
			return
		}
		r, err := compileRegex("re.compile", pattern, flags)
		if err != nil {
			if vm.AsError(err) == nil {
				t.Fatalf("compile %q: not a script error: %v", pattern, err)
			}
			return
		}
		for _, op := range []string{"search", "match"} {
			v, err := r.call(task, op, op, []vm.Value{vm.Str(s), vm.Int(int64(pos))})
			if err != nil {
				t.Fatalf("%s: %v", op, err)
			}
			if !v.IsNil() {
				m := v.AsObject().(*match)
				for _, x := range m.idx {
					if x < -1 || x > len(s) {
						t.Fatalf("%s /%s/ %q at %d: position %d out of the subject", op, pattern, s, pos, x)
					}
				}
				if m.idx[0] < min(max(pos, 0), len(s)) {
					t.Fatalf("%s /%s/ %q at %d: match starts at %d", op, pattern, s, pos, m.idx[0])
				}
			}
		}
		calls := [][]vm.Value{{vm.Str(s)}, {vm.Str(s), vm.Int(int64(pos % 4))}, {vm.Str(repl), vm.Str(s), vm.Int(int64(pos % 4))}}
		for i, op := range []string{"fullmatch", "find_all", "split", "sub"} {
			args := calls[min(i, 1)]
			if op == "sub" {
				args = calls[2]
			} else if op == "fullmatch" || op == "find_all" {
				args = calls[0]
			}
			if _, err := r.call(task, op, op, args); err != nil && vm.AsError(err) == nil {
				t.Fatalf("%s: not a script error: %v", op, err)
			}
		}
	})
}

// FuzzStructFormat parses any format and unpacks any data with it, and packs
// zero values of the right kinds: no panic, errors are value errors.
func FuzzStructFormat(f *testing.F) {
	for _, seed := range []string{"<hI", "@bq", "!2s3x?", "=e f d", "99999999999999999999h", "3", "<>h", "0s0x", "1000000000x"} {
		f.Add(seed, []byte("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c"), int64(0))
	}
	task := newTestTask(f)
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
