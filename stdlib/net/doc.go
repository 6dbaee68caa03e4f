// Package net is the net module: net.ys with TCP listeners and conns
// (net.go), TLS (tls.go), UDP (udp.go) and Unix sockets (unix.go).
// buffered.go is the conn API the http and process modules use.
package net
