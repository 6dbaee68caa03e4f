package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestServer(t *testing.T) {
	v, err := newPool(1, lookupUser)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	srv := httptest.NewServer(handler(v))
	defer srv.Close()
	resp, body := get(t, srv.URL+"/?name=ann")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" || body != "hello, Ann (request 1)\n" {
		t.Errorf("status %d, headers %v, body %q", resp.StatusCode, resp.Header, body)
	}
	if _, body := get(t, srv.URL+"/stats"); body != "served 2 requests\n" {
		t.Errorf("stats %q", body)
	}
}

// TestServerHandlesConcurrentRequests makes n requests whose lookups each
// return only once all n have started: they complete only if the requests'
// calls into the one VM run side by side.
func TestServerHandlesConcurrentRequests(t *testing.T) {
	const n = 50
	var started sync.WaitGroup
	started.Add(n)
	all := make(chan struct{})
	go func() { started.Wait(); close(all) }()
	barrier := func(ctx context.Context, name string) (map[string]string, error) {
		started.Done()
		select {
		case <-all:
			return map[string]string{"display": strings.ToUpper(name)}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	v, err := newPool(1, barrier)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	srv := httptest.NewServer(handler(v))
	defer srv.Close()

	var wg sync.WaitGroup
	bodies := make([]string, n)
	for i := range n {
		wg.Go(func() {
			resp, err := http.Get(srv.URL + "/?name=ann")
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 {
				t.Errorf("status %d", resp.StatusCode)
			}
			bodies[i] = string(b)
		})
	}
	wg.Wait()
	for _, b := range bodies {
		if !strings.HasPrefix(b, "hello, ANN (request ") {
			t.Errorf("body %q", b)
		}
	}
	if _, body := get(t, srv.URL+"/stats"); body != "served 51 requests\n" {
		t.Errorf("stats %q", body)
	}
}

// TestServerWithTwoVMs: requests are spread over the pool's VMs, each with
// its own count.
func TestServerWithTwoVMs(t *testing.T) {
	p, err := newPool(2, func(ctx context.Context, name string) (map[string]string, error) {
		return map[string]string{"display": name}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	srv := httptest.NewServer(handler(p))
	defer srv.Close()
	const n = 40
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			resp, err := http.Get(srv.URL + "/?name=bo")
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if !strings.HasPrefix(string(b), "hello, bo (request ") {
				t.Errorf("body %q", b)
			}
		})
	}
	wg.Wait()
	total := int64(0)
	for i := range p.Len() {
		served, _, err := p.VM(i).Global("served")
		if err != nil {
			t.Fatal(err)
		}
		if served == int64(0) {
			t.Errorf("VM %d served nothing", i)
		}
		total += served.(int64)
	}
	if total != n {
		t.Errorf("served %d, want %d", total, n)
	}
}
