package poll

import (
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestAppendNameAsXSys: the raw names (accept, getsockname, getpeername into
// a buffer on the stack) read as addrString reads what x/sys makes of the
// same calls, for IPv4, IPv6, a Unix path, an abstract and an unnamed socket.
func TestAppendNameAsXSys(t *testing.T) {
	check := func(name string, fd int) {
		t.Helper()
		for _, peer := range []bool{false, true} {
			get := unix.Getsockname
			if peer {
				get = unix.Getpeername
			}
			want := ""
			if sa, err := get(fd); err == nil {
				want = addrString(sa)
			}
			if got := string(AppendName([]byte("x"), fd, peer)); got != "x"+want {
				t.Errorf("%s (peer %v): AppendName gives %q, x/sys %q", name, peer, got, "x"+want)
			}
		}
	}
	pair := func(name string, family int, bind unix.Sockaddr) {
		t.Helper()
		l, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Skipf("%s: %v", name, err)
		}
		defer unix.Close(l)
		if err := unix.Bind(l, bind); err != nil {
			t.Skipf("%s: %v", name, err)
		}
		if err := unix.Listen(l, 1); err != nil {
			t.Fatal(err)
		}
		to, err := unix.Getsockname(l)
		if err != nil {
			t.Fatal(err)
		}
		c, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(c)
		if err := unix.Connect(c, to); err != nil {
			t.Fatal(err)
		}
		nfd, peer, err := Accept(l)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(nfd)
		want := ""
		if sa, err := unix.Getpeername(nfd); err == nil {
			want = addrString(sa)
		}
		if peer != want {
			t.Errorf("%s: Accept's peer %q, getpeername's %q", name, peer, want)
		}
		check(name+" accepted", nfd)
		check(name+" connected", c)
	}
	pair("ipv4", unix.AF_INET, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	pair("ipv6", unix.AF_INET6, &unix.SockaddrInet6{Addr: [16]byte{15: 1}})
	pair("unix path", unix.AF_UNIX, &unix.SockaddrUnix{Name: filepath.Join(t.TempDir(), "s")})
	pair("unix abstract", unix.AF_UNIX, &unix.SockaddrUnix{Name: "@ys-names-test"})
}
