package repl

import (
	"bufio"
	"context"
	"crypto/subtle"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"

	"github.com/yieldscript/yieldscript"
)

// InstallBackdoor defines the module backdoor in v: backdoor.serve(host,
// port, options) serves a REPL over TCP into the running program (the same
// globals, the same event loop), to several clients at once. It refuses a host
// that is not a loopback address unless options has allow_remote: true;
// options.token, when set, is asked for before the first prompt. It returns
// {host, port} (port 0 picks a free one). Listeners and clients stop when the
// VM is closed.
//
// The module is not part of the standard library a VM grants: a host (the
// yieldscript command does) installs it explicitly.
func InstallBackdoor(v *yieldscript.VM) error {
	return v.SetModule("backdoor", map[string]any{
		"serve": func(host string, port int, opts ...map[string]any) (map[string]any, error) {
			var o map[string]any
			if len(opts) > 1 {
				return nil, yieldscript.Errorf("type", "backdoor.serve takes at most 3 arguments")
			}
			if len(opts) == 1 {
				o = opts[0]
			}
			return serveBackdoor(v, host, port, o)
		},
	})
}

// backdoorOptions are what the options map of backdoor.serve may hold.
type backdoorOptions struct {
	allowRemote bool
	token       string
}

func parseBackdoorOptions(o map[string]any) (backdoorOptions, error) {
	var b backdoorOptions
	for k, x := range o {
		switch k {
		case "allow_remote":
			ok, isBool := x.(bool)
			if !isBool {
				return b, yieldscript.Errorf("type", "backdoor.serve: allow_remote must be a bool")
			}
			b.allowRemote = ok
		case "token":
			s, isStr := x.(string)
			if !isStr {
				return b, yieldscript.Errorf("type", "backdoor.serve: token must be a string")
			}
			b.token = s
		default:
			return b, yieldscript.Errorf("value", "backdoor.serve: unknown option %s (allow_remote, token)", k)
		}
	}
	return b, nil
}

// isLoopback reports whether host names only the local machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

func serveBackdoor(v *yieldscript.VM, host string, port int, o map[string]any) (map[string]any, error) {
	opts, err := parseBackdoorOptions(o)
	if err != nil {
		return nil, err
	}
	if !isLoopback(host) && !opts.allowRemote {
		return nil, yieldscript.Errorf("value",
			"backdoor.serve: %q is not a loopback address: anyone who reaches it runs code in this program; pass {allow_remote: true} to serve it anyway", host)
	}
	if port < 0 || port > 65535 {
		return nil, yieldscript.Errorf("value", "backdoor.serve: port %d is out of range", port)
	}
	h := strings.Trim(host, "[]")
	ln, err := net.Listen(listenNetwork(h), net.JoinHostPort(h, strconv.Itoa(port)))
	if err != nil {
		return nil, yieldscript.Errorf("io", "backdoor.serve: %v", err)
	}
	bd := &backdoor{v: v, ln: ln, opts: opts, conns: map[net.Conn]bool{}}
	go bd.accept()
	go func() {
		<-v.Done()
		bd.close()
	}()
	addr := ln.Addr().(*net.TCPAddr)
	return map[string]any{"host": addr.IP.String(), "port": addr.Port}, nil
}

// listenNetwork is the network to listen on host with: tcp4 for an IPv4
// address (0.0.0.0 is every IPv4 address, not every IPv6 one as well).
func listenNetwork(host string) string {
	if ip := net.ParseIP(host); ip != nil && ip.To4() != nil {
		return "tcp4"
	}
	return "tcp"
}

type backdoor struct {
	v    *yieldscript.VM
	ln   net.Listener
	opts backdoorOptions

	mu     sync.Mutex
	conns  map[net.Conn]bool
	closed bool
}

func (b *backdoor) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	b.ln.Close()
	for c := range b.conns {
		c.Close()
	}
}

func (b *backdoor) accept() {
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			c.Close()
			return
		}
		b.conns[c] = true
		b.mu.Unlock()
		go func() {
			defer func() {
				b.mu.Lock()
				delete(b.conns, c)
				b.mu.Unlock()
				c.Close()
			}()
			b.session(c)
		}()
	}
}

// lockedWriter serializes writes to the connection: echoes come from the
// loop, errors and prompts from the session's goroutine.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

// session serves one client until it leaves or the VM closes.
func (b *backdoor) session(c net.Conn) {
	out := &lockedWriter{w: c}
	sc := bufio.NewScanner(c)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	if b.opts.token != "" {
		io.WriteString(out, "token: ")
		if !sc.Scan() {
			return
		}
		got := strings.TrimRight(sc.Text(), "\r")
		if subtle.ConstantTimeCompare([]byte(got), []byte(b.opts.token)) != 1 {
			io.WriteString(out, "wrong token\n")
			return
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-b.v.Done():
		case <-ctx.Done():
		}
		cancel()
		c.Close()
	}()
	fmt.Fprintf(out, "yieldscript backdoor into the running program (:help for the commands, :quit to leave)\n")
	r := New(b.v, "<backdoor>", out, out)
	for {
		io.WriteString(out, r.Prompt())
		if !sc.Scan() {
			return
		}
		// The program's os.exit ends the program, not the session: Line
		// stops only for :quit then.
		if r.Line(ctx, strings.TrimRight(sc.Text(), "\r")) {
			if _, exited := r.Exited(); !exited {
				return
			}
			r.exit = nil
		}
	}
}
