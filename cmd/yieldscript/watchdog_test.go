package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBlockReportSkipsImports: the time an import spends loading a module
// (compiling http.ys and the others) is not counted as the task running
// without yielding, while the computation after it is.
func TestBlockReportSkipsImports(t *testing.T) {
	dir := t.TempDir()
	imports := filepath.Join(dir, "imports.ys")
	src := "import http\nimport json\nimport net\nimport process\nimport url\nprint(\"ok\")\n"
	if err := os.WriteFile(imports, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr, failure := runScript(imports, []string{"--block-report", "5"}, nil)
	if failure != "" || code != 0 || stdout != "ok\n" || stderr != "" {
		t.Fatalf("imports: %s exit %d, stdout %q, stderr %q; want ok and no report", failure, code, stdout, stderr)
	}
	spin := filepath.Join(dir, "spin.ys")
	src = "import http\nlet n = 0\nwhile n < 1000000 { n += 1 }\nprint(\"ok\")\n"
	if err := os.WriteFile(spin, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr, failure = runScript(spin, []string{"--block-report", "5"}, nil)
	if failure != "" || code != 0 || stdout != "ok\n" || !strings.Contains(stderr, "ms without yielding, seen in <main> at "+spin+":3\n") {
		t.Fatalf("spin: %s exit %d, stdout %q, stderr %q; want ok and a report of line 3", failure, code, stdout, stderr)
	}
}
