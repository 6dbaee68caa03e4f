package log_test

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript"
)

// runSafe runs src with the default (safe) modules, the way a host that sets
// only Stdout and Stderr does.
func runSafe(t *testing.T, src string) (string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	v := yieldscript.New(yieldscript.Options{Stdout: &out, Stderr: &errOut})
	defer v.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := v.RunString(ctx, "log_test.ys", src); err != nil {
		t.Fatalf("%v\nstderr: %s", err, errOut.String())
	}
	return out.String(), errOut.String()
}

func TestLogTextLines(t *testing.T) {
	out, errOut := runSafe(t, `
import log
print("before")
log.info("server started", {port: 8080, host: "127.0.0.1", note: "two words", q: "say \"hi\"", empty: "", list: [1, 2]})
log.debug("hidden")
log.warn("careful")
log.level("debug")
log.debug("shown", nil)
log.level("error")
log.warn("hidden too")
log.error("line1\nline2", {"k=v": 1.5, 3: nil})
print("after")
`)
	if out != "before\nafter\n" {
		t.Errorf("stdout = %q", out)
	}
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	stamp := `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z `
	want := []string{
		stamp + `INFO server started port=8080 host=127\.0\.0\.1 note="two words" q="say \\"hi\\"" empty="" list="\[1, 2\]"$`,
		stamp + `WARN careful$`,
		stamp + `DEBUG shown$`,
		stamp + `ERROR "line1\\nline2" "k=v"=1\.5 3=nil$`,
	}
	if len(lines) != len(want) {
		t.Fatalf("stderr has %d lines, want %d:\n%s", len(lines), len(want), errOut)
	}
	for i, w := range want {
		if !regexp.MustCompile("^" + w).MatchString(lines[i]) {
			t.Errorf("line %d = %q, want to match %q", i+1, lines[i], w)
		}
	}
	// The time is now, in UTC.
	ts, err := time.Parse("2006-01-02T15:04:05.000Z", lines[0][:24])
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(ts); d < -time.Minute || d > time.Minute {
		t.Errorf("log time %s is not now", ts)
	}
}

func TestLogJSONLines(t *testing.T) {
	_, errOut := runSafe(t, `
import log
log.format("json")
log.info("hello", {n: 1, f: 0.5, s: "a b", l: [1, "x"], m: {k: true}, bad: 0.0 * 1e309})
log.format("text")
log.info("plain")
`)
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("stderr = %q", errOut)
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &obj); err != nil {
		t.Fatalf("%v: %s", err, lines[0])
	}
	if !regexp.MustCompile(`^\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"INFO","msg":"hello","n":1,"f":0\.5,"s":"a b","l":\[1,"x"\],"m":\{"k":true\},"bad":"nan"\}$`).MatchString(lines[0]) {
		t.Errorf("json line = %s", lines[0])
	}
	if !regexp.MustCompile(`Z INFO plain$`).MatchString(lines[1]) {
		t.Errorf("text line = %s", lines[1])
	}
}

// Each VM has its own log level and its own random generator.
func TestLogAndRandomStatePerVM(t *testing.T) {
	_, e1 := runSafe(t, `import log; log.level("error"); log.info("quiet")`)
	_, e2 := runSafe(t, `import log; log.info("loud")`)
	if e1 != "" || !strings.Contains(e2, "INFO loud") {
		t.Errorf("stderr %q and %q", e1, e2)
	}
	ctx := context.Background()
	var a, b bytes.Buffer
	va := yieldscript.New(yieldscript.Options{Stdout: &a})
	vb := yieldscript.New(yieldscript.Options{Stdout: &b})
	defer va.Close()
	defer vb.Close()
	if err := va.RunString(ctx, "a.ys", `import random; random.seed(5); print(random.random())`); err != nil {
		t.Fatal(err)
	}
	if err := vb.RunString(ctx, "b.ys", `import random; random.seed(5)`); err != nil {
		t.Fatal(err)
	}
	// Draws on a do not move b's generator: b's first draw is a's first.
	if err := va.RunString(ctx, "a2.ys", `import random; print(random.random())`); err != nil {
		t.Fatal(err)
	}
	if err := vb.RunString(ctx, "b2.ys", `import random; print(random.random())`); err != nil {
		t.Fatal(err)
	}
	al := strings.Split(a.String(), "\n")
	if b.String() != al[0]+"\n" || al[0] == al[1] {
		t.Errorf("a printed %q, b printed %q", a.String(), b.String())
	}
}
