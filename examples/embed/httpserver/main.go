package main

import (
	"context"
	_ "embed"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/yieldscript/yieldscript"
)

//go:embed handler.ys
var handlerSource string

// request is what the script's handle(req) gets (as a map).
type request struct {
	Method string            `ys:"method"`
	Path   string            `ys:"path"`
	Query  map[string]string `ys:"query"`
	Body   string            `ys:"body"`
}

// response is what it returns.
type response struct {
	Status  int
	Headers map[string]string
	Body    string
}

// lookupDelay is how long lookupUser takes.
var lookupDelay = 20 * time.Millisecond

// lookupUser is a slow lookup (a database, another service). It takes a
// context, so it is asynchronous: the script's task waits while the VM serves
// other requests.
func lookupUser(ctx context.Context, name string) (map[string]string, error) {
	if lookupDelay <= 0 {
		return map[string]string{"display": strings.ToUpper(name[:1]) + name[1:]}, nil
	}
	select {
	case <-time.After(lookupDelay):
		return map[string]string{"display": strings.ToUpper(name[:1]) + name[1:]}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// newPool makes n VMs (0: one per core), each with the script loaded and
// lookup as its lookup_user.
func newPool(n int, lookup func(context.Context, string) (map[string]string, error)) (*yieldscript.Pool, error) {
	opts := yieldscript.Options{
		MaxSteps: 10_000_000, // per request: a runaway handler gets an error, not the server
		MaxAlloc: 64 << 20,
	}
	return yieldscript.NewPool(n, opts, func(v *yieldscript.VM) error {
		if err := v.SetFunc("lookup_user", lookup); err != nil {
			return err
		}
		return v.RunString(context.Background(), "handler.ys", handlerSource)
	})
}

// caller is a VM or a Pool.
type caller interface {
	Call(ctx context.Context, name string, args ...any) (any, error)
}

// handler calls the script's handle(req) for every request.
func handler(v caller) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := request{Method: r.Method, Path: r.URL.Path, Query: map[string]string{}}
		for k, vals := range r.URL.Query() {
			req.Query[k] = vals[0]
		}
		// The request's context: a client that goes away cancels the call.
		out, err := v.Call(r.Context(), "handle", req)
		if err != nil {
			log.Printf("handle %s: %v", r.URL, err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		resp := toResponse(out)
		for k, val := range resp.Headers {
			w.Header().Set(k, val)
		}
		w.WriteHeader(resp.Status)
		fmt.Fprint(w, resp.Body)
	})
}

// toResponse reads the map the script returned.
func toResponse(out any) response {
	m, _ := out.(map[string]any)
	resp := response{Status: 200, Headers: map[string]string{}}
	if s, ok := m["status"].(int64); ok {
		resp.Status = int(s)
	}
	if h, ok := m["headers"].(map[string]any); ok {
		for k, val := range h {
			resp.Headers[k] = fmt.Sprint(val)
		}
	}
	resp.Body, _ = m["body"].(string)
	return resp
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	vms := flag.Int("vms", 0, "VMs running the handler (0: one per core)")
	delay := flag.Duration("lookup", 20*time.Millisecond, "how long the simulated user lookup takes (0: no lookup wait)")
	flag.Parse()
	lookupDelay = *delay
	v, err := newPool(*vms, lookupUser)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer v.Close()
	log.Printf("listening on http://%s/ with %d VMs", *addr, v.Len())
	log.Fatal(http.ListenAndServe(*addr, handler(v)))
}
