package net

import (
	"net"
	"syscall"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/poll"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
)

// udpSock is a bound UDP socket registered with the loop's poller.
type udpSock struct {
	n    *netLib
	fd   *scheduler.FD
	host string
	port int
}

// maxDatagram is the largest UDP payload (IPv4: 65,535 less the headers).
const maxDatagram = 65535

func (n *netLib) udp(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	host, port, err := hostPortArgs("net.udp", args, nil)
	if err != nil {
		return vm.Nil, err
	}
	addr, ok := literalAddr(host)
	if !ok {
		return vm.Nil, vm.Errorf(vm.KindValue, "net.udp() needs an IP address or localhost, not %q", host)
	}
	fd, bound, err := poll.UDP(addr, port)
	if err != nil {
		return vm.Nil, modutil.IOError("udp bind to "+net.JoinHostPort(host, poll.Port(port)), err)
	}
	f, err := n.l.Register(fd)
	if err != nil {
		return vm.Nil, modutil.IOError("udp", err)
	}
	u := &udpSock{n: n, fd: f, host: host, port: bound}
	n.closeWhenCollected(u, f)
	return vm.ObjectValue(u), nil
}

func (*udpSock) TypeName() string { return "udp" }

func (u *udpSock) String() string { return "<udp " + net.JoinHostPort(u.host, poll.Port(u.port)) + ">" }

var udpMethods = map[string]bool{"recvfrom": true, "sendto": true, "close": true}

func (u *udpSock) GetAttr(_ *vm.Task, name string) (vm.Value, error) {
	switch name {
	case "port":
		return vm.Int(int64(u.port)), nil
	case "host":
		return vm.Str(u.host), nil
	}
	if udpMethods[name] {
		return modutil.BoundMethod(u, name), nil
	}
	return vm.Nil, vm.Errorf(vm.KindType, "udp has no field or method %s", name)
}

func errUDPClosed() *vm.Error { return vm.NewError(vm.KindClosed, "udp socket is closed") }

func (u *udpSock) CallMethod(_ *vm.Task, name string, args []vm.Value) (vm.Value, bool, error) {
	switch name {
	case "close":
		if err := vm.UnpackArgs("close", args); err != nil {
			return vm.Nil, true, err
		}
		u.fd.Close()
		return vm.Nil, true, nil
	case "recvfrom":
		n, err := intArg("recvfrom", args, 1)
		if err != nil {
			return vm.Nil, true, err
		}
		n = min(n, maxDatagram)
		return ioOp("udp.recvfrom", u.fd, func() (vm.Value, *vm.Error, waitKind) {
			if u.fd.Closed() {
				return vm.Nil, errUDPClosed(), done
			}
			buf := u.n.scratch
			if len(buf) < n {
				buf = make([]byte, n)
			}
			k, from, rerr := poll.RecvFrom(u.fd.Fd, buf[:n])
			switch {
			case rerr == nil:
				return vm.NewList([]vm.Value{vm.Str(string(buf[:k])), vm.Str(from)}), nil, done
			case rerr == syscall.EAGAIN:
				return vm.Nil, nil, waitRead
			}
			return vm.Nil, modutil.IOError("recvfrom", rerr), done
		}), true, nil
	case "sendto":
		var s, host string
		var port int
		if err := vm.UnpackArgs("sendto", args, "data", &s, "host", vm.Want("a host string", &host), "port", vm.Want("an int port", &port)); err != nil {
			return vm.Nil, true, err
		}
		if err := checkPort("sendto", int64(port)); err != nil {
			return vm.Nil, true, err
		}
		addr, ok := literalAddr(host)
		if !ok {
			return vm.Nil, true, vm.Errorf(vm.KindValue, "sendto() needs an IP address or localhost, not %q", host)
		}
		data := modutil.BytesOf(s)
		where := net.JoinHostPort(host, poll.Port(port))
		return ioOp("udp.sendto", u.fd, func() (vm.Value, *vm.Error, waitKind) {
			if u.fd.Closed() {
				return vm.Nil, errUDPClosed(), done
			}
			switch werr := poll.SendTo(u.fd.Fd, data, addr, port); werr {
			case nil:
				return vm.Int(int64(len(data))), nil, done
			case syscall.EAGAIN, syscall.ENOBUFS:
				return vm.Nil, nil, waitWrite
			default:
				return vm.Nil, modutil.IOError("sendto "+where, werr), done
			}
		}), true, nil
	}
	return vm.Nil, false, nil
}
