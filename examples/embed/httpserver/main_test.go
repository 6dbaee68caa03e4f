package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestServerHandlesConcurrentRequests(t *testing.T) {
	v, err := newVM()
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	srv := httptest.NewServer(handler(v))
	defer srv.Close()

	const n = 50
	start := time.Now()
	var wg sync.WaitGroup
	bodies := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(srv.URL + "/?name=ann")
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Errorf("status %d, headers %v", resp.StatusCode, resp.Header)
			}
			bodies[i] = string(b)
		}()
	}
	wg.Wait()
	for _, b := range bodies {
		if !strings.HasPrefix(b, "hello, Ann (request ") {
			t.Errorf("body %q", b)
		}
	}
	// Each request waits 20 ms in its lookup; one after another they would
	// take a second.
	if d := time.Since(start); d > 800*time.Millisecond {
		t.Errorf("%d requests took %v: they did not overlap", n, d)
	}
	resp, err := http.Get(srv.URL + "/stats")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "served 51 requests\n" {
		t.Errorf("stats %q", b)
	}
}
