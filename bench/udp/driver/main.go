//go:build linux

// Command driver is the client of bench/udp: it starts a UDP echo server,
// keeps one datagram in flight on each of -clients sockets for -duration, and
// prints the round trips per second and the server's CPU time per round trip
// (summed over the server's threads from /proc/PID/task/*/schedstat, in
// nanoseconds), the figure that stays valid when the client is the
// bottleneck.
//
//	driver [-clients 1] [-size 64] [-duration 3s] [-warmup 1s] -- SERVER ARGS...
//
// "{port}" in the server's arguments becomes the port it must serve on
// 127.0.0.1. A datagram lost (no answer within 200 ms) is sent again and
// counted.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	clients := flag.Int("clients", 1, "sockets, one datagram in flight on each")
	size := flag.Int("size", 64, "datagram size in bytes")
	duration := flag.Duration("duration", 3*time.Second, "measured time")
	warmup := flag.Duration("warmup", time.Second, "unmeasured time before")
	name := flag.String("name", "", "the server's name in the output line")
	flag.Parse()
	argv := flag.Args()
	if len(argv) == 0 {
		fmt.Fprintln(os.Stderr, "usage: driver [flags] -- SERVER ARGS...")
		os.Exit(2)
	}
	port := freePort()
	for i, a := range argv {
		argv[i] = strings.ReplaceAll(a, "{port}", strconv.Itoa(port))
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "driver:", err)
		os.Exit(1)
	}
	fail := func(msg string) {
		cmd.Process.Kill()
		cmd.Wait()
		fmt.Fprintln(os.Stderr, "driver:", msg)
		os.Exit(1)
	}
	addr := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port}
	if !probe(addr) {
		fail("the server does not answer")
	}
	var count, lost atomic.Int64
	var measuring atomic.Bool
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := 0; c < *clients; c++ {
		conn, err := net.DialUDP("udp", nil, addr)
		if err != nil {
			fail(err.Error())
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer conn.Close()
			msg := bytes.Repeat([]byte{'x'}, *size)
			in := make([]byte, 65536)
			for {
				select {
				case <-stop:
					return
				default:
				}
				conn.Write(msg)
				conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
				if _, err := conn.Read(in); err != nil {
					lost.Add(1)
					continue
				}
				if measuring.Load() {
					count.Add(1)
				}
			}
		}()
	}
	time.Sleep(*warmup)
	cpu0 := serverCPU(cmd.Process.Pid)
	t0 := time.Now()
	measuring.Store(true)
	time.Sleep(*duration)
	measuring.Store(false)
	elapsed := time.Since(t0)
	cpu1 := serverCPU(cmd.Process.Pid)
	close(stop)
	wg.Wait()
	n := count.Load()
	if n == 0 {
		fail("no round trip")
	}
	cmd.Process.Kill()
	cmd.Wait()
	fmt.Printf("%s clients=%d size=%d: %d round trips, %.0f/s, server CPU %.2f s, %.2f µs CPU per round trip, %d resent\n",
		*name, *clients, *size, n, float64(n)/elapsed.Seconds(), (cpu1 - cpu0).Seconds(),
		float64((cpu1-cpu0).Microseconds())/float64(n), lost.Load())
}

// freePort is a UDP port nobody uses now on 127.0.0.1.
func freePort() int {
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "driver:", err)
		os.Exit(1)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// probe waits (up to 10 s) until the server echoes a datagram.
func probe(addr *net.UDPAddr) bool {
	conn, err := net.DialUDP("udp", nil, addr)
	if err != nil {
		return false
	}
	defer conn.Close()
	buf := make([]byte, 16)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		conn.Write([]byte("probe"))
		conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if n, err := conn.Read(buf); err == nil && string(buf[:n]) == "probe" {
			return true
		}
	}
	return false
}

// serverCPU is the CPU time the process pid's threads have used, from
// /proc/PID/task/*/schedstat (nanoseconds on a CPU, first field). A thread
// that ended meanwhile is not counted: the servers' threads live as long as
// the server.
func serverCPU(pid int) time.Duration {
	files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	var total int64
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if fields := strings.Fields(string(b)); len(fields) > 0 {
			ns, _ := strconv.ParseInt(fields[0], 10, 64)
			total += ns
		}
	}
	return time.Duration(total)
}
