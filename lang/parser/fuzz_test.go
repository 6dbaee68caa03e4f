package parser

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzSeeds are inputs that reach the corners of the lexer and the parser.
var fuzzSeeds = []string{
	"",
	"let x = 1\nprint(x)\n",
	"#!/usr/bin/env yieldscript\nimport net\nfn f(a, b = 1) { return a + b }\n",
	"spawn(fn() {\n let x = 1\n print(x)\n})",
	"if a { b } else if c { d }\nelse { e }",
	"try {\n} catch e {\n} finally {\n}",
	"let data = yield conn.recv(1024)\nprint((yield t))\n(yield c.readline()).strip()",
	`x = f"a {b + c} {{d}} {m["k"]} {f"{g}"}"`,
	"x = {a: 1, \"b\": [1, 2, 3,], (c): fn() { return }}\n",
	"xs[1:2] = xs[:] + xs[-1:] ; m.k += 0x2a * 1_000 // 2.5e-3 % 7",
	"for k, v in m { if k not in seen and not done { break } else { continue } }",
	"x = -9223372036854775808\ny = `raw\nstring`\nz = '\\u{1F600}\\x41\\n'",
	"a < b < c",
	"print(yield t)",
	"f(a,,b)",
	"let x = }",
	"x = (1 +\n",
	"\"unterminated",
	"f\"{",
	"((((((((((((((((((((x))))))))))))))))))))",
	"\ufeffx = 1",
	"x = 1\r\ny = 2\r\n",
}

// fuzzFiles returns the .ys files of the repository's testdata and examples.
func fuzzFiles(t testing.TB) []string {
	var files []string
	_ = filepath.WalkDir("../../testdata", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".ys") {
			files = append(files, path)
		}
		return nil
	})
	examples, _ := filepath.Glob("../../examples/*.ys")
	return append(files, examples...)
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	for _, path := range fuzzFiles(f) {
		if src, err := os.ReadFile(path); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := ParseFile("fuzz.ys", src)
		if err != nil {
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if file != nil {
				t.Fatalf("both a file and an error: %v", err)
			}
			if e.Pos.Line < 1 || e.Pos.Col < 1 || e.File != "fuzz.ys" || e.Msg == "" {
				t.Fatalf("bad error %#v", e)
			}
			if strings.Contains(e.Msg, "internal parser error") {
				t.Fatalf("%v", e)
			}
			if lines := strings.Count(string(src), "\n") + 1; e.Pos.Line > lines {
				t.Fatalf("error on line %d of %d: %v", e.Pos.Line, lines, e)
			}
			_ = FormatError(e, src)
			return
		}
		if file == nil {
			t.Fatal("no file and no error")
		}
		// Every node has a position inside the source.
		lines := strings.Count(string(src), "\n") + 1
		for _, s := range file.Stmts {
			Inspect(s, func(n Node) bool {
				if p := n.Position(); p.Line < 1 || p.Col < 1 || p.Line > lines {
					t.Fatalf("%T at %v", n, p)
				}
				return true
			})
		}
		_ = DumpFile(file)
	})
}

// Every file of the repository's testdata parses, except those that show
// syntax errors.
func TestRepositoryFiles(t *testing.T) {
	files := fuzzFiles(t)
	if len(files) == 0 {
		t.Skip("no .ys files in the repository yet")
	}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ParseFile(path, src)
		wantError := strings.Contains(path, "syntax_error")
		if err != nil && !wantError {
			t.Errorf("%s", FormatError(err.(*Error), src))
		}
		if err == nil && wantError {
			t.Errorf("%s: no syntax error", path)
		}
	}
}
