package re

import (
	"testing"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/stdlib/internal/casetest"
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
	task := casetest.NewTask(f)
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
