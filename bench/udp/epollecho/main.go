//go:build linux

// Command epollecho is the reference UDP echo server for bench/udp: one
// non-blocking datagram socket on raw epoll (golang.org/x/sys/unix), one OS
// thread (runtime.LockOSThread; run it with GOMAXPROCS=1), one 64 KiB buffer,
// recvfrom and sendto as raw syscalls until EAGAIN, then a blocking
// epoll_wait. It is what a single event loop costs per datagram with Go
// underneath and nothing else. Usage: epollecho PORT
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "epollecho:", err)
		os.Exit(1)
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: epollecho PORT")
		os.Exit(2)
	}
	port, err := strconv.Atoi(os.Args[1])
	must(err)
	runtime.LockOSThread()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	must(err)
	must(unix.Bind(fd, &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}))
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	must(err)
	must(unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}))
	buf := make([]byte, 64*1024)
	var from unix.RawSockaddrInet4
	events := make([]unix.EpollEvent, 8)
	for {
		for {
			fromLen := uint32(unsafe.Sizeof(from))
			n, _, e := syscall.RawSyscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)),
				0, uintptr(unsafe.Pointer(&from)), uintptr(unsafe.Pointer(&fromLen)))
			if e == unix.EAGAIN {
				break
			}
			if e != 0 {
				must(e)
			}
			syscall.RawSyscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), n,
				0, uintptr(unsafe.Pointer(&from)), uintptr(fromLen))
		}
		_, _, e := syscall.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(&events[0])),
			uintptr(len(events)), ^uintptr(0), 0, 0)
		if e != 0 && e != unix.EINTR {
			must(e)
		}
	}
}
