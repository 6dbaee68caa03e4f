package compile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yieldscript/yieldscript/lang/parser"
)

// BenchmarkCompile compiles a file of 500 functions with loops, closures,
// try statements and constant expressions (parsed once, outside the timing).
func BenchmarkCompile(b *testing.B) {
	var src strings.Builder
	for i := range 500 {
		fmt.Fprintf(&src, `fn f%d(a, b, c = 2 * 3 + 1) {
    let total = 0
    let fs = []
    for i in range(a) {
        let k = i * 2 + 1
        fs.push(fn() { return k + total + c })
        if i %% 3 == 0 and b > 1 { total += k } else { total -= 1 }
    }
    try {
        while total > 10 { total = total // 2 }
    } catch e {
        print(f"error {e}: {total:>8}")
    } finally {
        total += len(fs)
    }
    return [total, fs, {n: a, m: "x" + "y"}]
}
`, i)
	}
	f, err := parser.ParseFile("bench.ys", []byte(src.String()))
	if err != nil {
		b.Fatal(err)
	}
	env := &Env{Builtins: testBuiltins}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(f, env); err != nil {
			b.Fatal(err)
		}
	}
}
