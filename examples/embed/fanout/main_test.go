package main

import (
	"bytes"
	"context"
	"testing"
	"time"
)

func TestFanOut(t *testing.T) {
	var out bytes.Buffer
	d, err := run(context.Background(), &out)
	if err != nil {
		t.Fatal(err)
	}
	if want := "100 lookups, first profile of user0, last profile of user99\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
	if d > 3*time.Second {
		t.Errorf("took %v: the lookups did not run concurrently", d)
	}
}
