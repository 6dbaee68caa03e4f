// Command idlehttp is the client of the HTTP idle-connection benchmark
// (bench/run.sh idle-http): it takes the flags of the anchors' loadgen in its
// idle mode (-mode idle -addr -c -size -hold), opens -c keep-alive
// connections, makes one GET / on each (so that the server has accepted the
// connection and answered a request on it), prints "READY <n> failed=<k>",
// and holds the connections without traffic until stdin is closed or -hold
// elapses.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	addr := flag.String("addr", "", "host:port of the server")
	conns := flag.Int("c", 10000, "connections")
	hold := flag.Duration("hold", 60*time.Second, "longest time to hold the connections")
	flag.String("mode", "idle", "only idle (accepted for the loadgen's command line)")
	flag.Int("size", 0, "ignored (accepted for the loadgen's command line)")
	parallel := flag.Int("dial-concurrency", 64, "connections set up at once")
	flag.Parse()
	if *addr == "" {
		fmt.Fprintln(os.Stderr, "need -addr")
		os.Exit(2)
	}
	cs := make([]net.Conn, *conns)
	var wg sync.WaitGroup
	var bad atomic.Int64
	sem := make(chan struct{}, *parallel)
	for i := range cs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := net.DialTimeout("tcp", *addr, 30*time.Second)
			if err != nil {
				bad.Add(1)
				return
			}
			cs[i] = c
			c.SetDeadline(time.Now().Add(10 * time.Second))
			if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: bench\r\n\r\n"); err != nil {
				bad.Add(1)
				return
			}
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				bad.Add(1)
				return
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || resp.Close {
				bad.Add(1)
			}
			c.SetDeadline(time.Time{})
		}()
	}
	wg.Wait()
	n := 0
	for _, c := range cs {
		if c != nil {
			n++
		}
	}
	fmt.Printf("READY %d failed=%d\n", n, bad.Load())
	done := make(chan struct{})
	go func() { io.Copy(io.Discard, os.Stdin); close(done) }()
	select {
	case <-done:
	case <-time.After(*hold):
	}
	for _, c := range cs {
		if c != nil {
			c.Close()
		}
	}
}
