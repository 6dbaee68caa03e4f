package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
)

const want = "100 lookups, first profile of user0, last profile of user99\n"

func TestFanOut(t *testing.T) {
	var out bytes.Buffer
	if _, err := run(context.Background(), &out, lookup); err != nil {
		t.Fatal(err)
	}
	if out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}

// TestFanOutIsConcurrent gives the script a lookup that returns only once all
// 100 calls have started: the script ends only if they run side by side.
func TestFanOutIsConcurrent(t *testing.T) {
	var started sync.WaitGroup
	started.Add(100)
	all := make(chan struct{})
	go func() { started.Wait(); close(all) }()
	barrier := func(ctx context.Context, key string) (string, error) {
		started.Done()
		select {
		case <-all:
			return "profile of " + key, nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	var out bytes.Buffer
	if _, err := run(context.Background(), &out, barrier); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "100 lookups") {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}
